// SPDX-License-Identifier: Apache-2.0
// Unit tests of the optional X.509 members of the mbedTLS crypto policy: parsing, cosign's PEM
// re-encoding, the certificate's key, what cosign reads from a certificate, and chain validation
// as cosign's TrustedCert does it (code signing, times judged at the leaf's NotBefore).
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/core/pem.hpp>
#include <cosign/crypto/concepts.hpp>
#include <cosign/crypto/mbedtls.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;

static std::string cert_file(const std::string& name) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/cosign/certs/" + name, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

static crypto_policy::certificate cert(const std::string& name) {
    auto c = crypto_policy::parse_certificate(cert_file(name));
    INFO(name << ": " << (c ? "" : c.error().message()));
    REQUIRE(c);
    return *c;
}

TEST_CASE("the mbedTLS policy has every optional X.509 member", "[crypto][x509]") {
    STATIC_REQUIRE(has_x509_v<crypto_policy>);
    struct no_x509 {};
    STATIC_REQUIRE(!has_x509_v<no_x509>);
}

TEST_CASE("a PEM certificate re-encodes to the same PEM, and DER parses too", "[crypto][x509]") {
    std::string pem_text = cert_file("test_attach_leafcert.pem");
    auto c = cert("test_attach_leafcert.pem");
    auto der = crypto_policy::certificate_der(c);
    auto block = pem::decode(pem_text);
    REQUIRE(block);
    CHECK(der == block->der);
    CHECK(crypto_policy::certificate_pem(c) == pem::encode("CERTIFICATE", block->der));
    auto from_der = crypto_policy::parse_certificate(byte_view(der).as_chars());
    REQUIRE(from_der);
    CHECK(crypto_policy::certificate_der(*from_der) == der);
}

TEST_CASE("malformed certificates and other PEM blocks are refused with cosign's words", "[crypto][x509]") {
    auto junk = crypto_policy::parse_certificate("garbage\n");
    REQUIRE_FALSE(junk);
    CHECK(junk.error().code() == errc::invalid_key);
    CHECK(junk.error().message().find("x509: malformed certificate") != std::string::npos);
    auto key = crypto_policy::parse_certificate(cert_file("test_blob_public_key"));
    REQUIRE_FALSE(key);
    CHECK(key.error().message().find("not a certificate") != std::string::npos);
    auto chain = crypto_policy::parse_certificate_chain("no pem here");
    REQUIRE_FALSE(chain);
    CHECK(chain.error().message().find("error during PEM decoding") != std::string::npos);
}

TEST_CASE("the certificate's public key is the key it certifies", "[crypto][x509]") {
    auto c = cert("test_attach_leafcert.pem");
    auto pub = crypto_policy::certificate_public_key(c);
    REQUIRE(pub);
    CHECK(crypto_policy::describe(*pub).type == key_type::rsa);
    // The leaf was issued for test_attach_private_key (PKCS#1 RSA).
    auto priv = crypto_policy::parse_private_key_pem(cert_file("test_attach_private_key"));
    REQUIRE(priv);
    auto mine = crypto_policy::public_key_of(*priv);
    REQUIRE(mine);
    CHECK(*crypto_policy::public_key_der(*mine) == *crypto_policy::public_key_der(*pub));
}

TEST_CASE("describe_certificate reads validity, SANs and Fulcio's issuer extension", "[crypto][x509]") {
    auto info = crypto_policy::describe_certificate(cert("verify_sct_test-embedded-sct-leaf.pem"));
    REQUIRE(info);
    CHECK(info->not_before == 1675209600);  // 2023-02-01T00:00:00Z
    CHECK(info->not_after == 1675210200);   // 2023-02-01T00:10:00Z
    REQUIRE(info->uris.size() == 1);
    CHECK(info->subject_alternative_names().front() ==
          "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/"
          "extremely-dangerous-oidc-beacon.yml@refs/heads/main");
    CHECK(info->extension(fulcio_oidc_issuer_oid) == "https://token.actions.githubusercontent.com");

    auto d = crypto_policy::describe_certificate(cert("distroless-2021-fulcio-leaf.pem"));
    REQUIRE(d);
    CHECK(d->emails == std::vector<std::string>{"keyless@distroless.iam.gserviceaccount.com"});
    CHECK(d->extension(fulcio_oidc_issuer_oid).empty());
}

TEST_CASE("IPv6 SANs print as Go prints them", "[crypto][x509]") {
    const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    CHECK(detail::x509::ip_to_string(byte_view(v6, 16)) == "2001:db8::1");
    const std::uint8_t v4[4] = {127, 0, 0, 1};
    CHECK(detail::x509::ip_to_string(byte_view(v4, 4)) == "127.0.0.1");
}

TEST_CASE("verify_chain accepts a leaf that chains to the given root for code signing", "[crypto][x509]") {
    auto leaf = cert("test_attach_leafcert.pem");
    auto chain = crypto_policy::parse_certificate_chain(cert_file("test_attach_certchain.pem"));
    REQUIRE(chain);
    REQUIRE(chain->size() == 2);
    auto ok = crypto_policy::verify_chain(leaf, *chain);
    INFO((ok ? "" : ok.error().message()));
    CHECK(ok);
}

TEST_CASE("verify_chain judges times at the leaf's NotBefore, as cosign does", "[crypto][x509]") {
    // A 20-minute Fulcio leaf from 2021: long expired now, still valid for cosign's check.
    auto leaf = cert("distroless-2021-fulcio-leaf.pem");
    auto chain = crypto_policy::parse_certificate_chain(cert_file("distroless-2021-fulcio-root-chain.pem"));
    REQUIRE(chain);
    auto ok = crypto_policy::verify_chain(leaf, *chain);
    INFO((ok ? "" : ok.error().message()));
    CHECK(ok);
}

TEST_CASE("verify_chain refuses a chain that does not lead from the leaf", "[crypto][x509]") {
    auto leaf = cert("test_attach_leafcert.pem");
    // The root alone: the intermediate that issued the leaf is missing.
    auto root_only = crypto_policy::parse_certificate_chain(cert_file("test_attach_rootcert.pem"));
    REQUIRE(root_only);
    auto r = crypto_policy::verify_chain(leaf, *root_only);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::verification_failed);
    CHECK(r.error().message() == "cert verification failed: x509: certificate signed by unknown authority");
    // Another CA altogether.
    auto other = crypto_policy::parse_certificate_chain(cert_file("distroless-2021-fulcio-root-chain.pem"));
    REQUIRE(other);
    CHECK_FALSE(crypto_policy::verify_chain(leaf, *other));
    CHECK_FALSE(crypto_policy::verify_chain(leaf, {}));
}
