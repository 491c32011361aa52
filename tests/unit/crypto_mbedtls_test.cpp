// SPDX-License-Identifier: Apache-2.0
// Unit tests of the mbedTLS crypto policy on cosign's own keys and signatures: key parsing and
// description, Go-exact PKCS#8 and PEM writing, signing and verification.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/core/base64.hpp>
#include <cosign/core/hex.hpp>
#include <cosign/crypto/mbedtls.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;

static std::string data_file(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

static crypto_policy::private_key import_key(const std::string& name) {
    auto k = crypto_policy::parse_private_key_pem(data_file("cosign/keys/import/keys_test-" + name + ".pem"));
    INFO(name << ": " << (k ? "" : k.error().message()));
    REQUIRE(k);
    return std::move(*k);
}

TEST_CASE(
    "cosign's import vectors parse and describe themselves so that the CLI can refuse what cosign refuses",
    "[crypto]") {
    struct expected {
        const char* name;
        key_type type;
        int bits;
        const char* curve;
    };
    const expected cases[] = {
        {"validrsa", key_type::rsa, 2048, ""},
        {"validrsapkcs1", key_type::rsa, 2048, ""},
        {"validrsapkcs8", key_type::rsa, 2048, ""},
        {"validecp256", key_type::ecdsa, 256, "P-256"},
        {"validecp384", key_type::ecdsa, 384, "P-384"},
        {"validecp521", key_type::ecdsa, 521, "P-521"},
        {"validecpkcs8", key_type::ecdsa, 256, "P-256"},
        {"invalidrsasmallkey", key_type::rsa, 1024, ""},
        {"invalidrsalargekey", key_type::rsa, 5120, ""},
        {"invalidecp224", key_type::ecdsa, 224, "P-224"},
        {"invalidecunsupported", key_type::ecdsa, 256, "secp256k1"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto key = import_key(c.name);
        key_info info = crypto_policy::describe(key);
        CHECK(info.type == c.type);
        CHECK(info.bits == c.bits);
        CHECK(info.curve == c.curve);
        auto pub = crypto_policy::public_key_of(key);
        REQUIRE(pub);
        CHECK(crypto_policy::describe(*pub).curve == c.curve);
    }
}

TEST_CASE("private keys that are not keys, or that mbedTLS cannot hold, are refused with a clear kind",
          "[crypto]") {
    auto pub = crypto_policy::parse_private_key_pem(
        data_file("cosign/keys/import/keys_test-invalidrsawithpubkey.pem"));
    REQUIRE_FALSE(pub);
    CHECK(pub.error().code() == errc::invalid_key);
    CHECK_THAT(pub.error().message(), Catch::Contains("\"PUBLIC KEY\""));

    auto pgp = crypto_policy::parse_private_key_pem(data_file("cosign/keys/import/keys_test-invalidkey.pem"));
    REQUIRE_FALSE(pgp);
    CHECK(pgp.error().code() == errc::invalid_key);
    CHECK_THAT(pgp.error().message(), Catch::Contains("PGP PRIVATE KEY BLOCK"));

    auto ed = crypto_policy::parse_private_key_pem(data_file("cosign/keys/import/keys_test-ed25519key.pem"));
    REQUIRE_FALSE(ed);
    CHECK(ed.error().code() == errc::unsupported);
    CHECK_THAT(ed.error().message(), Catch::Contains("Ed25519"));

    CHECK(crypto_policy::parse_private_key_pem("").error().code() == errc::invalid_key);
    CHECK(crypto_policy::parse_private_key_der(bytes{0x30, 0x00}).error().code() == errc::invalid_key);

    // A SEC1 body under the PKCS#8 label is refused rather than guessed.
    std::string sec1 = data_file("cosign/keys/import/keys_test-validecp256.pem");
    std::string relabelled = sec1;
    relabelled.replace(relabelled.find("EC PRIVATE KEY"), 14, "PRIVATE KEY");
    relabelled.replace(relabelled.find("EC PRIVATE KEY"), 14, "PRIVATE KEY");
    auto mislabelled = crypto_policy::parse_private_key_pem(relabelled);
    REQUIRE_FALSE(mislabelled);
    CHECK(mislabelled.error().code() == errc::invalid_key);
}

TEST_CASE("an EC PRIVATE KEY after an EC PARAMETERS block is read", "[crypto]") {
    auto key = crypto_policy::parse_private_key_pem(data_file("cosign/certs/test_blob_private_key"));
    REQUIRE(key);
    auto pub = crypto_policy::public_key_of(*key);
    REQUIRE(pub);
    auto expected = crypto_policy::parse_public_key(data_file("cosign/certs/test_blob_public_key"));
    REQUIRE(expected);
    CHECK(crypto_policy::public_key_pem(*pub) == crypto_policy::public_key_pem(*expected));
}

TEST_CASE("PKCS#8 writing matches OpenSSL's and Go's encoding byte for byte", "[crypto]") {
    for (const char* name : {"validecp256", "validecp384", "validecp521", "validrsa"}) {
        INFO(name);
        auto key = import_key(name);
        auto der = crypto_policy::to_pkcs8_der(key);
        REQUIRE(der);
        std::string expected = data_file(std::string("generated/openssl-pkcs8-") + name + ".der");
        CHECK(hex::encode(*der) == hex::encode(expected));
        // and the PKCS#8 form reads back to the same key
        auto again = crypto_policy::parse_private_key_der(*der);
        REQUIRE(again);
        CHECK(crypto_policy::public_key_pem(*crypto_policy::public_key_of(*again)) ==
              crypto_policy::public_key_pem(*crypto_policy::public_key_of(key)));
    }
    // A PKCS#8 P-256 key written by Go re-encodes to itself.
    auto block = pem::decode(data_file("cosign/keys/import/keys_test-validecpkcs8.pem"));
    REQUIRE(block);
    auto key = crypto_policy::parse_private_key_der(block->der);
    REQUIRE(key);
    auto der = crypto_policy::to_pkcs8_der(*key);
    REQUIRE(der);
    CHECK(hex::encode(*der) == hex::encode(block->der));
}

TEST_CASE("a generated key is P-256 and its PKCS#8 has Go's 138-byte shape", "[crypto]") {
    auto key = crypto_policy::generate_p256();
    REQUIRE(key);
    key_info info = crypto_policy::describe(*key);
    CHECK(info.type == key_type::ecdsa);
    CHECK(info.curve == "P-256");
    auto der = crypto_policy::to_pkcs8_der(*key);
    REQUIRE(der);
    CHECK(der->size() == 138);
    CHECK(hex::encode(byte_view(*der).subview(0, 36)) ==
          "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420");
}

TEST_CASE("public keys parse from PKIX PEM, PKCS#1 PEM and raw DER, and garbage is refused", "[crypto]") {
    auto google = crypto_policy::parse_public_key(data_file("cosign/ctlog-keys/google"));
    REQUIRE(google);
    CHECK(crypto_policy::describe(*google).type == key_type::rsa);
    CHECK(crypto_policy::describe(*google).bits == 4096);

    auto rsa = crypto_policy::parse_public_key(data_file("cosign/ctlog-keys/rsa"));
    REQUIRE(rsa);
    CHECK(crypto_policy::describe(*rsa).type == key_type::rsa);

    auto der = crypto_policy::parse_public_key(data_file("cosign/ctlog-keys/letsencrypt-testflume-2021"));
    REQUIRE(der);
    CHECK(crypto_policy::describe(*der).curve == "P-256");

    auto garbage = crypto_policy::parse_public_key(data_file("cosign/ctlog-keys/garbage-there-are-limits"));
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code() == errc::invalid_key);

    auto cert = crypto_policy::parse_public_key(data_file("cosign/certs/test_blob_cert.pem"));
    REQUIRE_FALSE(cert);
    CHECK(cert.error().code() == errc::invalid_key);
    CHECK_THAT(cert.error().message(), Catch::Contains("CERTIFICATE"));
}

TEST_CASE("public keys are written back as cosign writes cosign.pub", "[crypto]") {
    for (const char* rel : {"cosign/derived/keys/keys_test-pemsigstorekey.pub",
                            "cosign/trust/sigstore-rekor.pub", "cosign/keys/release/release-cosign.pub",
                            "cosign/ctlog-keys/google", "generated/cosign2-generated.pub"}) {
        INFO(rel);
        std::string text = data_file(rel);
        auto pub = crypto_policy::parse_public_key(text);
        REQUIRE(pub);
        CHECK(crypto_policy::public_key_pem(*pub) == text);
    }
    // PKCS#1 "RSA PUBLIC KEY" comes back as PKIX "PUBLIC KEY".
    auto rsa = crypto_policy::parse_public_key(data_file("cosign/ctlog-keys/rsa"));
    REQUIRE(rsa);
    CHECK(crypto_policy::public_key_pem(*rsa).rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
}

TEST_CASE("a P-256 signature verifies, and a tampered message or signature does not", "[crypto]") {
    auto key = crypto_policy::generate_p256();
    REQUIRE(key);
    auto pub = crypto_policy::public_key_of(*key);
    REQUIRE(pub);
    const std::string payload = R"({"critical":{}})";
    auto sig = crypto_policy::sign(*key, payload);
    REQUIRE(sig);
    CHECK((*sig)[0] == 0x30);
    REQUIRE(crypto_policy::verify(*pub, payload, *sig));

    auto tampered = crypto_policy::verify(*pub, payload + " ", *sig);
    REQUIRE_FALSE(tampered);
    CHECK(tampered.error().code() == errc::verification_failed);

    bytes bad = *sig;
    bad[bad.size() - 1] ^= 1;
    CHECK(crypto_policy::verify(*pub, payload, bad).error().code() == errc::verification_failed);
    CHECK(crypto_policy::verify(*pub, payload, bytes()).error().code() == errc::verification_failed);
    CHECK(crypto_policy::verify(*pub, payload, bytes(7, 0x30)).error().code() == errc::verification_failed);

    auto other = crypto_policy::generate_p256();
    REQUIRE(other);
    auto other_pub = crypto_policy::public_key_of(*other);
    REQUIRE(other_pub);
    CHECK(crypto_policy::verify(*other_pub, payload, *sig).error().code() == errc::verification_failed);

    // RFC 6979: the same key and message give the same signature.
    auto again = crypto_policy::sign(*key, payload);
    REQUIRE(again);
    CHECK(*again == *sig);
}

TEST_CASE("an IEEE P1363 r||s signature is accepted, as sigstore does", "[crypto]") {
    auto key = crypto_policy::generate_p256();
    REQUIRE(key);
    auto pub = crypto_policy::public_key_of(*key);
    REQUIRE(pub);
    auto sig = crypto_policy::sign(*key, "payload");
    REQUIRE(sig);
    // DER -> r||s, each left-padded to 32 bytes.
    using namespace cosign::detail::der;
    tlv outer, r, s;
    REQUIRE(read_single(*sig, tag_sequence, outer));
    std::size_t pos = 0;
    REQUIRE(expect(outer.content, pos, tag_integer, r));
    REQUIRE(expect(outer.content, pos, tag_integer, s));
    bytes p1363;
    for (byte_view part : {r.content, s.content}) {
        byte_view v = part.size() > 32 ? part.subview(part.size() - 32) : part;
        p1363.insert(p1363.end(), 32 - v.size(), 0);
        p1363.insert(p1363.end(), v.begin(), v.end());
    }
    REQUIRE(p1363.size() == 64);
    CHECK(crypto_policy::verify(*pub, "payload", p1363));
    CHECK(crypto_policy::verify(*pub, "other", p1363).error().code() == errc::verification_failed);
}

TEST_CASE("the signature cosign made over the example payload verifies with cosign.pub", "[crypto]") {
    auto pub = crypto_policy::parse_public_key(data_file("cosign/derived/sig-image-example/cosign.pub"));
    REQUIRE(pub);
    std::string payload = data_file("cosign/derived/sig-image-example/payload.json");
    auto sig = base64::decode(data_file("cosign/derived/sig-image-example/signature.b64"));
    REQUIRE(sig);
    CHECK(crypto_policy::verify(*pub, payload, *sig));
    auto tampered = crypto_policy::verify(*pub, payload + "\n", *sig);
    REQUIRE_FALSE(tampered);
    CHECK(tampered.error().code() == errc::verification_failed);
}

TEST_CASE("RSA and larger curves sign with the hash cosign uses for them", "[crypto]") {
    SECTION("RSA-2048: PKCS#1 v1.5 with SHA-256") {
        auto key = import_key("validrsa");
        auto pub = crypto_policy::public_key_of(key);
        REQUIRE(pub);
        auto sig = crypto_policy::sign(key, "payload");
        REQUIRE(sig);
        CHECK(sig->size() == 256);
        CHECK(crypto_policy::verify(*pub, "payload", *sig));
        CHECK(crypto_policy::verify(*pub, "payload!", *sig).error().code() == errc::verification_failed);
    }
    SECTION("P-384: SHA-384, so the default SHA-256 verification fails as in cosign") {
        auto key = import_key("validecp384");
        auto pub = crypto_policy::public_key_of(key);
        REQUIRE(pub);
        auto sig = crypto_policy::sign(key, "payload");
        REQUIRE(sig);
        CHECK(crypto_policy::verify(*pub, "payload", *sig, hash_algorithm::sha384));
        CHECK(crypto_policy::verify(*pub, "payload", *sig).error().code() == errc::verification_failed);
    }
    SECTION("P-521: SHA-512") {
        auto key = import_key("validecp521");
        auto pub = crypto_policy::public_key_of(key);
        REQUIRE(pub);
        auto sig = crypto_policy::sign(key, "payload");
        REQUIRE(sig);
        CHECK(crypto_policy::verify(*pub, "payload", *sig, hash_algorithm::sha512));
    }
    SECTION("P-224 and RSA-1024 are refused for signing") {
        CHECK(crypto_policy::sign(import_key("invalidecp224"), "x").error().code() == errc::unsupported);
        CHECK(crypto_policy::sign(import_key("invalidrsasmallkey"), "x").error().code() == errc::unsupported);
    }
}

TEST_CASE("digest computes the SHA-2 family", "[crypto]") {
    auto d = crypto_policy::digest(hash_algorithm::sha256, "abc");
    REQUIRE(d);
    CHECK(hex::encode(*d) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    auto d384 = crypto_policy::digest(hash_algorithm::sha384, "abc");
    REQUIRE(d384);
    CHECK(d384->size() == 48);
}
