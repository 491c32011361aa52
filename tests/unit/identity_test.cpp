// SPDX-License-Identifier: Apache-2.0
// Unit tests of the identity policy and the certificate checks of the key-based flows: the
// certificate a signer attaches, and the key a verifier takes from a certificate and its chain.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/testing/fake_registry.hpp>

using namespace cosign;
using crypto_t = crypto::mbedtls;

namespace {
std::string cert_text(const std::string& name) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/cosign/certs/" + name, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

certificate_info fulcio_like() {
    certificate_info info;
    info.emails = {"dev@example.com"};
    info.uris = {"https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main"};
    info.extensions[fulcio_oidc_issuer_oid] = "https://token.actions.githubusercontent.com";
    return info;
}
}  // namespace

TEST_CASE("identity_policy matches a SAN and the OIDC issuer exactly or by unanchored regexp", "[identity]") {
    const auto info = fulcio_like();
    CHECK(identity_policy{"dev@example.com", "", "https://token.actions.githubusercontent.com", ""}.check(info));
    CHECK(identity_policy{"", "refs/heads/main$", "", "githubusercontent"}.check(info));
    CHECK(identity_policy{"", "", "", ""}.check(info));  // nothing asked, nothing to refuse

    auto wrong_subject = identity_policy{"other@example.com", "", "", ""}.check(info);
    REQUIRE_FALSE(wrong_subject);
    CHECK(wrong_subject.error().code() == errc::verification_failed);
    CHECK(wrong_subject.error().message() ==
          "none of the expected identities matched what was in the certificate, got subjects [dev@example.com, "
          "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main] with issuer "
          "https://token.actions.githubusercontent.com");
    auto wrong_issuer = identity_policy{"dev@example.com", "", "https://accounts.google.com", ""}.check(info);
    REQUIRE_FALSE(wrong_issuer);
    CHECK(wrong_issuer.error().code() == errc::verification_failed);
    // An exact subject is compared whole, never as a pattern.
    CHECK_FALSE(identity_policy{"dev@example", "", "", ""}.check(info));
#if defined(__cpp_exceptions)
    auto malformed = identity_policy{"", "([", "", ""}.check(info);
    REQUIRE_FALSE(malformed);
    CHECK(malformed.error().code() == errc::invalid_argument);
    CHECK(malformed.error().message().rfind("malformed subject in identity: ([ : ", 0) == 0);
#endif
}

TEST_CASE("key_from_certificate gives the certificate's key only when its chain and identity hold", "[identity]") {
    auto leaf = crypto_t::parse_certificate(cert_text("test_attach_leafcert.pem"));
    REQUIRE(leaf);
    const std::string chain = cert_text("test_attach_certchain.pem");
    identity_policy foo{"foo@example.com", "", "", "^$"};  // this test leaf has no issuer extension
    auto key = basic_verifier<crypto_t, transport::fake_transport>::key_from_certificate(*leaf, chain, foo);
    REQUIRE(key);
    CHECK(*crypto_t::public_key_der(*key) == *crypto_t::public_key_der(*crypto_t::certificate_public_key(*leaf)));

    auto bar = key_from_certificate<crypto_t>(*leaf, chain, identity_policy{"bar@example.com", "", "", ""});
    REQUIRE_FALSE(bar);
    CHECK(bar.error().code() == errc::verification_failed);
    CHECK(bar.error().message().find("got subjects [foo@example.com]") != std::string::npos);

    auto unrelated = key_from_certificate<crypto_t>(*leaf, cert_text("distroless-2021-fulcio-root-chain.pem"), foo);
    REQUIRE_FALSE(unrelated);
    CHECK(unrelated.error().code() == errc::verification_failed);
}

TEST_CASE("signing_certificate accepts the signing key's certificate only", "[identity]") {
    auto priv = crypto_t::parse_private_key_pem(cert_text("test_attach_private_key"));
    REQUIRE(priv);
    auto pub = crypto_t::public_key_of(*priv);
    REQUIRE(pub);
    const std::string key_pem = crypto_t::public_key_pem(*pub);
    auto leaf = signing_certificate<crypto_t>(cert_text("test_attach_leafcert.pem"), "leaf.pem", key_pem);
    REQUIRE(leaf);
    CHECK(crypto_t::certificate_pem(*leaf) == cert_text("test_attach_leafcert.pem"));
    CHECK(check_certificate_chain<crypto_t>(*leaf, cert_text("test_attach_certchain.pem")));
    auto bad_chain = check_certificate_chain<crypto_t>(*leaf, cert_text("distroless-2021-fulcio-root-chain.pem"));
    REQUIRE_FALSE(bad_chain);
    CHECK(bad_chain.error().message().rfind("unable to validate certificate chain: ", 0) == 0);

    auto other_key = crypto_t::generate_p256();
    REQUIRE(other_key);
    auto mismatch = signing_certificate<crypto_t>(cert_text("test_attach_leafcert.pem"), "leaf.pem",
                                                  crypto_t::public_key_pem(*crypto_t::public_key_of(*other_key)));
    REQUIRE_FALSE(mismatch);
    CHECK(mismatch.error().message() == "public key in certificate does not match the provided public key");

    auto not_a_cert = signing_certificate<crypto_t>(key_pem, "cosign.pub", key_pem);
    REQUIRE_FALSE(not_a_cert);
    CHECK(not_a_cert.error().code() == errc::invalid_key);
    CHECK(not_a_cert.error().message() == "supplied PEM file is not a certificate: cosign.pub");
}
