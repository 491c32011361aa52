// SPDX-License-Identifier: Apache-2.0
// Unit tests of the crypto policies (each in tests/unit/policies.hpp: mbedTLS, and mbedTLS with
// OpenSSL's verification) on cosign's own keys and signatures: key parsing and description,
// Go-exact PKCS#8 and PEM writing, signing, verification with and without a prehashed digest,
// digests; and what only mbedTLS refuses.
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>

#include <cosign/core/base64.hpp>
#include <cosign/core/hex.hpp>
#include <cosign/crypto/key_file_crypto.hpp>
#include <cosign/crypto/mbedtls.hpp>

#include "policies.hpp"

using namespace cosign;
using cosign_test::crypto_policies;

static std::string data_file(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <class P>
typename P::private_key import_key(const std::string& name) {
    auto k = P::parse_private_key_pem(data_file("cosign/keys/import/keys_test-" + name + ".pem"));
    INFO(name << ": " << (k ? "" : k.error().message()));
    REQUIRE(k);
    return std::move(*k);
}

TEMPLATE_LIST_TEST_CASE(
    "cosign's import vectors parse and describe themselves so that the CLI can refuse what cosign refuses",
    "[crypto]", crypto_policies) {
    using P = TestType;
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
#if defined(COSIGN_TEST_PSA)
        if (std::is_same<P, cosign::crypto::psa>::value && c.bits > 4096) {  // PSA_VENDOR_RSA_MAX_KEY_BITS
            auto big = P::parse_private_key_pem(data_file(std::string("cosign/keys/import/keys_test-") + c.name + ".pem"));
            REQUIRE_FALSE(big);
            CHECK(big.error().code() == errc::unsupported);
            CHECK(big.error().message() == "RSA keys of 5120 bits are not supported by PSA (at most 4096 bits)");
            continue;
        }
#endif
        auto key = import_key<P>(c.name);
        key_info info = P::describe(key);
        CHECK(info.type == c.type);
        CHECK(info.bits == c.bits);
        CHECK(info.curve == c.curve);
        auto pub = P::public_key_of(key);
        REQUIRE(pub);
        CHECK(P::describe(*pub).curve == c.curve);
    }
}

TEST_CASE("private keys that are not keys, or that mbedTLS cannot hold, are refused with a clear kind",
          "[crypto]") {
    auto pub = crypto::mbedtls::parse_private_key_pem(
        data_file("cosign/keys/import/keys_test-invalidrsawithpubkey.pem"));
    REQUIRE_FALSE(pub);
    CHECK(pub.error().code() == errc::invalid_key);
    CHECK_THAT(pub.error().message(), Catch::Contains("\"PUBLIC KEY\""));

    auto pgp = crypto::mbedtls::parse_private_key_pem(data_file("cosign/keys/import/keys_test-invalidkey.pem"));
    REQUIRE_FALSE(pgp);
    CHECK(pgp.error().code() == errc::invalid_key);
    CHECK_THAT(pgp.error().message(), Catch::Contains("PGP PRIVATE KEY BLOCK"));

    auto ed = crypto::mbedtls::parse_private_key_pem(data_file("cosign/keys/import/keys_test-ed25519key.pem"));
    REQUIRE_FALSE(ed);
    CHECK(ed.error().code() == errc::unsupported);
    CHECK_THAT(ed.error().message(), Catch::Contains("Ed25519"));

    CHECK(crypto::mbedtls::parse_private_key_pem("").error().code() == errc::invalid_key);
    CHECK(crypto::mbedtls::parse_private_key_der(bytes{0x30, 0x00}).error().code() == errc::invalid_key);

    // A SEC1 body under the PKCS#8 label is refused rather than guessed.
    std::string sec1 = data_file("cosign/keys/import/keys_test-validecp256.pem");
    std::string relabelled = sec1;
    relabelled.replace(relabelled.find("EC PRIVATE KEY"), 14, "PRIVATE KEY");
    relabelled.replace(relabelled.find("EC PRIVATE KEY"), 14, "PRIVATE KEY");
    auto mislabelled = crypto::mbedtls::parse_private_key_pem(relabelled);
    REQUIRE_FALSE(mislabelled);
    CHECK(mislabelled.error().code() == errc::invalid_key);
}

TEMPLATE_LIST_TEST_CASE("an EC PRIVATE KEY after an EC PARAMETERS block is read", "[crypto]", crypto_policies) {
    using P = TestType;
    auto key = P::parse_private_key_pem(data_file("cosign/certs/test_blob_private_key"));
    REQUIRE(key);
    auto pub = P::public_key_of(*key);
    REQUIRE(pub);
    auto expected = P::parse_public_key(data_file("cosign/certs/test_blob_public_key"));
    REQUIRE(expected);
    CHECK(P::public_key_pem(*pub) == P::public_key_pem(*expected));
}

TEMPLATE_LIST_TEST_CASE("PKCS#8 writing matches OpenSSL's and Go's encoding byte for byte", "[crypto]", crypto_policies) {
    using P = TestType;
    for (const char* name : {"validecp256", "validecp384", "validecp521", "validrsa"}) {
        INFO(name);
        auto key = import_key<P>(name);
        auto der = crypto::to_pkcs8_der<P>(key);
        REQUIRE(der);
        std::string expected = data_file(std::string("generated/openssl-pkcs8-") + name + ".der");
        CHECK(hex::encode(*der) == hex::encode(expected));
        // and the PKCS#8 form reads back to the same key
        auto again = P::parse_private_key_der(*der);
        REQUIRE(again);
        CHECK(P::public_key_pem(*P::public_key_of(*again)) ==
              P::public_key_pem(*P::public_key_of(key)));
    }
    // A PKCS#8 P-256 key written by Go re-encodes to itself.
    auto block = pem::decode(data_file("cosign/keys/import/keys_test-validecpkcs8.pem"));
    REQUIRE(block);
    auto key = P::parse_private_key_der(block->der);
    REQUIRE(key);
    auto der = crypto::to_pkcs8_der<P>(*key);
    REQUIRE(der);
    CHECK(hex::encode(*der) == hex::encode(block->der));
}

TEMPLATE_LIST_TEST_CASE("a generated key is P-256 and its PKCS#8 has Go's 138-byte shape", "[crypto]", crypto_policies) {
    using P = TestType;
    auto key = P::generate_p256();
    REQUIRE(key);
    key_info info = P::describe(*key);
    CHECK(info.type == key_type::ecdsa);
    CHECK(info.curve == "P-256");
    auto der = crypto::to_pkcs8_der<P>(*key);
    REQUIRE(der);
    CHECK(der->size() == 138);
    CHECK(hex::encode(byte_view(*der).subview(0, 36)) ==
          "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420");
}

TEMPLATE_LIST_TEST_CASE("public keys parse from PKIX PEM, PKCS#1 PEM and raw DER, and garbage is refused", "[crypto]", crypto_policies) {
    using P = TestType;
    auto google = P::parse_public_key(data_file("cosign/ctlog-keys/google"));
    REQUIRE(google);
    CHECK(P::describe(*google).type == key_type::rsa);
    CHECK(P::describe(*google).bits == 4096);

    auto rsa = P::parse_public_key(data_file("cosign/ctlog-keys/rsa"));
    REQUIRE(rsa);
    CHECK(P::describe(*rsa).type == key_type::rsa);

    auto der = P::parse_public_key(data_file("cosign/ctlog-keys/letsencrypt-testflume-2021"));
    REQUIRE(der);
    CHECK(P::describe(*der).curve == "P-256");

    auto garbage = P::parse_public_key(data_file("cosign/ctlog-keys/garbage-there-are-limits"));
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code() == errc::invalid_key);

    auto cert = P::parse_public_key(data_file("cosign/certs/test_blob_cert.pem"));
    REQUIRE_FALSE(cert);
    CHECK(cert.error().code() == errc::invalid_key);
    CHECK_THAT(cert.error().message(), Catch::Contains("CERTIFICATE"));
}

TEMPLATE_LIST_TEST_CASE("public keys are written back as cosign writes cosign.pub", "[crypto]", crypto_policies) {
    using P = TestType;
    for (const char* rel : {"cosign/derived/keys/keys_test-pemsigstorekey.pub",
                            "cosign/trust/sigstore-rekor.pub", "cosign/keys/release/release-cosign.pub",
                            "cosign/ctlog-keys/google", "generated/cosign2-generated.pub"}) {
        INFO(rel);
        std::string text = data_file(rel);
        auto pub = P::parse_public_key(text);
        REQUIRE(pub);
        CHECK(P::public_key_pem(*pub) == text);
    }
    // PKCS#1 "RSA PUBLIC KEY" comes back as PKIX "PUBLIC KEY".
    auto rsa = P::parse_public_key(data_file("cosign/ctlog-keys/rsa"));
    REQUIRE(rsa);
    CHECK(P::public_key_pem(*rsa).rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
}

TEMPLATE_LIST_TEST_CASE("a P-256 signature verifies, and a tampered message or signature does not", "[crypto]", crypto_policies) {
    using P = TestType;
    auto key = P::generate_p256();
    REQUIRE(key);
    auto pub = P::public_key_of(*key);
    REQUIRE(pub);
    const std::string payload = R"({"critical":{}})";
    auto sig = P::sign(*key, payload);
    REQUIRE(sig);
    CHECK((*sig)[0] == 0x30);
    REQUIRE(P::verify(*pub, payload, *sig));

    auto tampered = P::verify(*pub, payload + " ", *sig);
    REQUIRE_FALSE(tampered);
    CHECK(tampered.error().code() == errc::verification_failed);

    bytes bad = *sig;
    bad[bad.size() - 1] ^= 1;
    CHECK(P::verify(*pub, payload, bad).error().code() == errc::verification_failed);
    CHECK(P::verify(*pub, payload, bytes()).error().code() == errc::verification_failed);
    CHECK(P::verify(*pub, payload, bytes(7, 0x30)).error().code() == errc::verification_failed);

    auto other = P::generate_p256();
    REQUIRE(other);
    auto other_pub = P::public_key_of(*other);
    REQUIRE(other_pub);
    CHECK(P::verify(*other_pub, payload, *sig).error().code() == errc::verification_failed);

    // RFC 6979: the same key and message give the same signature.
    auto again = P::sign(*key, payload);
    REQUIRE(again);
    CHECK(*again == *sig);
}

TEMPLATE_LIST_TEST_CASE("an IEEE P1363 r||s signature is accepted, as sigstore does", "[crypto]", crypto_policies) {
    using P = TestType;
    auto key = P::generate_p256();
    REQUIRE(key);
    auto pub = P::public_key_of(*key);
    REQUIRE(pub);
    auto sig = P::sign(*key, "payload");
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
    CHECK(P::verify(*pub, "payload", p1363));
    CHECK(P::verify(*pub, "other", p1363).error().code() == errc::verification_failed);
}

TEMPLATE_LIST_TEST_CASE("the signature cosign made over the example payload verifies with cosign.pub", "[crypto]", crypto_policies) {
    using P = TestType;
    auto pub = P::parse_public_key(data_file("cosign/derived/sig-image-example/cosign.pub"));
    REQUIRE(pub);
    std::string payload = data_file("cosign/derived/sig-image-example/payload.json");
    auto sig = base64::decode(data_file("cosign/derived/sig-image-example/signature.b64"));
    REQUIRE(sig);
    CHECK(P::verify(*pub, payload, *sig));
    auto tampered = P::verify(*pub, payload + "\n", *sig);
    REQUIRE_FALSE(tampered);
    CHECK(tampered.error().code() == errc::verification_failed);
}

TEMPLATE_LIST_TEST_CASE("RSA and larger curves sign with the hash cosign uses for them", "[crypto]", crypto_policies) {
    using P = TestType;
    SECTION("RSA-2048: PKCS#1 v1.5 with SHA-256") {
        auto key = import_key<P>("validrsa");
        auto pub = P::public_key_of(key);
        REQUIRE(pub);
        auto sig = P::sign(key, "payload");
        REQUIRE(sig);
        CHECK(sig->size() == 256);
        CHECK(P::verify(*pub, "payload", *sig));
        CHECK(P::verify(*pub, "payload!", *sig).error().code() == errc::verification_failed);
    }
    SECTION("P-384: SHA-384, so the default SHA-256 verification fails as in cosign") {
        auto key = import_key<P>("validecp384");
        auto pub = P::public_key_of(key);
        REQUIRE(pub);
        auto sig = P::sign(key, "payload");
        REQUIRE(sig);
        CHECK(P::verify(*pub, "payload", *sig, hash_algorithm::sha384));
        CHECK(P::verify(*pub, "payload", *sig).error().code() == errc::verification_failed);
    }
    SECTION("P-521: SHA-512") {
        auto key = import_key<P>("validecp521");
        auto pub = P::public_key_of(key);
        REQUIRE(pub);
        auto sig = P::sign(key, "payload");
        REQUIRE(sig);
        CHECK(P::verify(*pub, "payload", *sig, hash_algorithm::sha512));
    }
    SECTION("P-224 and RSA-1024 are refused for signing") {
        CHECK(P::sign(import_key<P>("invalidecp224"), "x").error().code() == errc::unsupported);
        CHECK(P::sign(import_key<P>("invalidrsasmallkey"), "x").error().code() == errc::unsupported);
    }
}

TEMPLATE_LIST_TEST_CASE("digest computes the SHA-2 family", "[crypto]", crypto_policies) {
    using P = TestType;
    auto d = P::digest(hash_algorithm::sha256, "abc");
    REQUIRE(d);
    CHECK(hex::encode(*d) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    auto d384 = P::digest(hash_algorithm::sha384, "abc");
    REQUIRE(d384);
    CHECK(d384->size() == 48);
}

TEMPLATE_LIST_TEST_CASE("every policy meets the full requirement, and so its verify set", "[crypto]", crypto_policies) {
    using P = TestType;
    STATIC_REQUIRE(check_crypto_policy<P>());
    STATIC_REQUIRE(is_crypto_policy_v<P>);
    STATIC_REQUIRE(is_verify_crypto_v<P>);
#if defined(COSIGN_TEST_PSA)
    // PSA has no X.509 (TF-PSA-Crypto leaves it to mbedTLS 4's X.509 library).
    STATIC_REQUIRE(has_x509_v<P> != std::is_same<P, cosign::crypto::psa>::value);
#else
    STATIC_REQUIRE(has_x509_v<P>);
#endif
    STATIC_REQUIRE(has_verify_prehashed_v<P>);
    STATIC_REQUIRE_FALSE(has_native_scrypt_v<P>);  // both use the portable crypto::scrypt
    STATIC_REQUIRE(std::is_nothrow_move_constructible<typename P::private_key>::value);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible<typename P::private_key>::value);
    STATIC_REQUIRE(std::is_copy_constructible<typename P::public_key>::value);
}

// The signature, its r||s form, and damaged ones: what a prehashed check must judge as verify does.
static std::vector<bytes> some_variants(const bytes& sig, std::size_t coord) {
    std::vector<bytes> out{sig, bytes(), bytes(sig.begin(), sig.end() - 1)};
    bytes flipped = sig;
    flipped[sig.size() / 2] ^= 0x01;
    out.push_back(flipped);
    using namespace cosign::detail::der;
    tlv outer, r, s;
    std::size_t pos = 0;
    if (coord && read_single(sig, tag_sequence, outer) && expect(outer.content, pos, tag_integer, r) &&
        expect(outer.content, pos, tag_integer, s)) {
        bytes p1363;
        for (byte_view part : {r.content, s.content}) {
            byte_view v = part.size() > coord ? part.subview(part.size() - coord) : part;
            p1363.insert(p1363.end(), coord - v.size(), 0);
            p1363.insert(p1363.end(), v.begin(), v.end());
        }
        out.push_back(p1363);
        p1363[0] ^= 0x80;
        out.push_back(p1363);
    }
    return out;
}

TEMPLATE_LIST_TEST_CASE("verify_prehashed over the message's digest gives verify's verdict", "[crypto]",
                        crypto_policies) {
    using P = TestType;
    for (const char* name : {"validecp256", "validecp384", "validecp521", "validrsa"}) {
        INFO(name);
        auto key = import_key<P>(name);
        auto pub = P::public_key_of(key);
        REQUIRE(pub);
        const key_info info = P::describe(*pub);
        const std::size_t coord = info.type == key_type::ecdsa ? static_cast<std::size_t>((info.bits + 7) / 8) : 0;
        int accepted = 0;
        for (const std::string& msg : {std::string("payload"), std::string()}) {
            auto sig = P::sign(key, msg);
            REQUIRE(sig);
            for (const auto& v : some_variants(*sig, coord)) {
                for (const std::string& m : {msg, msg + "!"}) {
                    for (auto h : {hash_algorithm::sha256, hash_algorithm::sha384, hash_algorithm::sha512}) {
                        auto d = P::digest(h, m);
                        REQUIRE(d);
                        auto whole = P::verify(*pub, m, v, h);
                        auto pre = P::verify_prehashed(*pub, *d, v, h);
                        INFO("signature of " << v.size() << " bytes, hash " << static_cast<int>(h) << ": verify "
                                             << (whole ? "ok" : whole.error().message()) << ", prehashed "
                                             << (pre ? "ok" : pre.error().message()));
                        REQUIRE(static_cast<bool>(whole) == static_cast<bool>(pre));
                        if (!whole) CHECK(whole.error().code() == pre.error().code());
                        accepted += pre ? 1 : 0;
                    }
                }
            }
        }
        CHECK(accepted >= 2);  // DER (and r||s for EC) under the key's own hash
    }
    // A digest of the wrong size is a caller's mistake, not a failed signature.
    auto pub = P::public_key_of(import_key<P>("validecp256"));
    REQUIRE(pub);
    auto wrong = P::verify_prehashed(*pub, bytes(20, 1), bytes(64, 1), hash_algorithm::sha256);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code() == errc::invalid_argument);
    CHECK_THAT(wrong.error().message(), Catch::Contains("20 bytes"));
}

// RFC 8032, section 7.1: tests 1 (empty message) and 2 (one byte).
static bytes ed25519_spki(const char* public_key_hex) { return *hex::decode(std::string("302a300506032b6570032100") + public_key_hex); }

TEMPLATE_LIST_TEST_CASE("Ed25519 verifies RFC 8032's vectors where the policy has it, and is refused clearly where not",
                        "[crypto]", crypto_policies) {
    using P = TestType;
    const bytes key1 = ed25519_spki("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const bytes sig1 = *hex::decode(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24"
        "655141438e7a100b");
    const bytes key2 = ed25519_spki("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    const bytes msg2 = {0x72};
    const bytes sig2 = *hex::decode(
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aee"
        "b00d291612bb0c00");
    if constexpr (has_ed25519_v<P>) {
        CHECK(P::verify_ed25519(key1, bytes(), sig1));
        CHECK(P::verify_ed25519(key2, msg2, sig2));
        CHECK(P::verify_ed25519(key1, msg2, sig1).error().code() == errc::verification_failed);
        CHECK(P::verify_ed25519(key2, msg2, sig1).error().code() == errc::verification_failed);
        bytes bad = sig2;
        bad[63] ^= 0x01;
        CHECK(P::verify_ed25519(key2, msg2, bad).error().code() == errc::verification_failed);
        CHECK(P::verify_ed25519(key2, msg2, bytes(sig2.begin(), sig2.end() - 1)).error().code() ==
              errc::verification_failed);
        // Not an Ed25519 key: a P-256 SubjectPublicKeyInfo, garbage, nothing.
        auto p256 = P::public_key_of(import_key<P>("validecp256"));
        REQUIRE(p256);
        auto p256_der = P::public_key_der(*p256);
        REQUIRE(p256_der);
        CHECK(P::verify_ed25519(*p256_der, msg2, sig2).error().code() == errc::invalid_key);
        CHECK(P::verify_ed25519(bytes{0x30, 0x00}, msg2, sig2).error().code() == errc::invalid_key);
        CHECK(P::verify_ed25519(bytes(), msg2, sig2).error().code() == errc::invalid_key);
    } else {
        // mbedTLS 2.28 has no Ed25519: its keys are refused by name, never misread.
        auto parsed = P::parse_public_key(pem::encode("PUBLIC KEY", key1));
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code() == errc::unsupported);
        CHECK_THAT(parsed.error().message(), Catch::Contains("Ed25519"));
    }
}
