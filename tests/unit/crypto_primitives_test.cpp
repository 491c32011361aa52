// SPDX-License-Identifier: Apache-2.0
// Known-answer tests of the key-file primitives of every crypto policy (PBKDF2, Poly1305, random)
// and of what cosign-cpp builds on them (scrypt, XSalsa20-Poly1305), the DER helpers, and
// compile-time checks of the crypto policy requirements.
#include "catch.hpp"

#include <cosign/core/hex.hpp>
#include <cosign/crypto/concepts.hpp>
#include <cosign/crypto/key_file_crypto.hpp>
#include <cosign/crypto/mbedtls.hpp>

#include "policies.hpp"

using namespace cosign;
using cosign_test::crypto_policies;
using crypto_policy = cosign::crypto::mbedtls;

static bytes unhex(const char* h) { return *hex::decode(h); }

TEMPLATE_LIST_TEST_CASE("scrypt reproduces the RFC 7914 test vectors", "[crypto]", crypto_policies) {
    using P = TestType;
    SECTION("N=16, r=1, p=1, empty password and salt") {
        auto dk = crypto::scrypt<P>("", "", 16, 1, 1, 64);
        REQUIRE(dk);
        CHECK(hex::encode(*dk) ==
              "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
              "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    }
    SECTION("N=1024, r=8, p=16, password/NaCl") {
        auto dk = crypto::scrypt<P>("password", "NaCl", 1024, 8, 16, 64);
        REQUIRE(dk);
        CHECK(hex::encode(*dk) ==
              "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
              "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    }
    SECTION("N=16384, r=8, p=1, pleaseletmein/SodiumChloride") {
        auto dk = crypto::scrypt<P>("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64);
        REQUIRE(dk);
        CHECK(hex::encode(*dk) ==
              "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
              "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
    }
}

TEMPLATE_LIST_TEST_CASE("scrypt refuses parameters that are malformed or too costly, and says what is allowed",
          "[crypto]", crypto_policies) {
    using P = TestType;
    auto not_pow2 = crypto::scrypt<P>("pw", "salt", 99, 8, 1, 32);
    REQUIRE_FALSE(not_pow2);
    CHECK(not_pow2.error().code() == errc::invalid_argument);
    CHECK_THAT(not_pow2.error().message(), Catch::Contains("power of two"));

    CHECK_FALSE(crypto::scrypt<P>("pw", "salt", 1, 8, 1, 32));
    CHECK_FALSE(crypto::scrypt<P>("pw", "salt", 0, 8, 1, 32));

    auto huge_n = crypto::scrypt<P>("pw", "salt", std::uint64_t(1) << 40, 8, 1, 32);
    REQUIRE_FALSE(huge_n);
    CHECK(huge_n.error().code() == errc::limit_exceeded);
    CHECK_THAT(huge_n.error().message(), Catch::Contains("COSIGN_MAX_SCRYPT_N"));

    auto huge_rp = crypto::scrypt<P>("pw", "salt", 16, 99, 99, 32);
    REQUIRE_FALSE(huge_rp);
    CHECK(huge_rp.error().code() == errc::limit_exceeded);
    CHECK_THAT(huge_rp.error().message(), Catch::Contains("r*p at most 256"));

    auto huge_memory = crypto::scrypt<P>("pw", "salt", COSIGN_MAX_SCRYPT_N, 64, 1, 32);
    REQUIRE_FALSE(huge_memory);
    CHECK(huge_memory.error().code() == errc::limit_exceeded);
    CHECK_THAT(huge_memory.error().message(), Catch::Contains("MiB"));

    CHECK_FALSE(crypto::scrypt<P>("pw", "salt", 16, 0, 1, 32));
    CHECK_FALSE(crypto::scrypt<P>("pw", "salt", 16, 1, 1, 0));
}

// NaCl's tests/secretbox.c (and libsodium's test/default/secretbox.c, box.exp): the classic
// 131-byte message sealed under "firstkey".
static const char* nacl_key = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
static const char* nacl_nonce = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";
static const char* nacl_message =
    "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01"
    "233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd"
    "4924ca1c60902e52f0a089bc76897040e082f937763848645e0705";
static const char* nacl_box =  // 16-byte Poly1305 tag, then the ciphertext
    "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c"
    "98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfea"
    "bd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5";

TEMPLATE_LIST_TEST_CASE("secretbox reproduces NaCl's XSalsa20-Poly1305 test vector", "[crypto]", crypto_policies) {
    using P = TestType;
    bytes key = unhex(nacl_key), nonce = unhex(nacl_nonce), message = unhex(nacl_message);
    REQUIRE(message.size() == 131);
    auto boxed = crypto::secretbox_seal<P>(message, nonce, key);
    REQUIRE(boxed);
    CHECK(hex::encode(*boxed) == nacl_box);

    auto opened = crypto::secretbox_open<P>(unhex(nacl_box), nonce, key);
    REQUIRE(opened);
    CHECK(byte_view(*opened) == byte_view(message));
}

TEMPLATE_LIST_TEST_CASE("secretbox refuses a box that was altered, or opened with another key or nonce", "[crypto]", crypto_policies) {
    using P = TestType;
    bytes key = unhex(nacl_key), nonce = unhex(nacl_nonce);
    bytes box = unhex(nacl_box);
    for (std::size_t i : {std::size_t(0), std::size_t(15), std::size_t(16), box.size() - 1}) {
        bytes altered = box;
        altered[i] ^= 1;
        auto r = crypto::secretbox_open<P>(altered, nonce, key);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
    }
    bytes other_key = key;
    other_key[31] ^= 0x80;
    CHECK(crypto::secretbox_open<P>(box, nonce, other_key).error().code() == errc::verification_failed);
    bytes other_nonce = nonce;
    other_nonce[23] ^= 1;
    CHECK(crypto::secretbox_open<P>(box, other_nonce, key).error().code() == errc::verification_failed);
    CHECK(crypto::secretbox_open<P>(bytes(15), nonce, key).error().code() == errc::verification_failed);
    CHECK(crypto::secretbox_open<P>(box, bytes(23), key).error().code() == errc::invalid_argument);
    CHECK(crypto::secretbox_open<P>(box, nonce, bytes(31)).error().code() == errc::invalid_argument);
}

TEMPLATE_LIST_TEST_CASE("secretbox seals and opens an empty message and a multi-block message", "[crypto]", crypto_policies) {
    using P = TestType;
    bytes key(32, 7), nonce(24, 9);
    auto empty = crypto::secretbox_seal<P>(bytes(), nonce, key);
    REQUIRE(empty);
    CHECK(empty->size() == 16);
    auto opened_empty = crypto::secretbox_open<P>(*empty, nonce, key);
    REQUIRE(opened_empty);
    CHECK(opened_empty->empty());

    bytes big(1000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 31);
    auto boxed = crypto::secretbox_seal<P>(big, nonce, key);
    REQUIRE(boxed);
    auto opened = crypto::secretbox_open<P>(*boxed, nonce, key);
    REQUIRE(opened);
    CHECK(byte_view(*opened) == byte_view(big));
}

TEMPLATE_LIST_TEST_CASE("random fills buffers larger than one CTR_DRBG request with different bytes", "[crypto]", crypto_policies) {
    using P = TestType;
    bytes a(3000), b(3000);
    REQUIRE(P::random(a.data(), a.size()));
    REQUIRE(P::random(b.data(), b.size()));
    CHECK(a != b);
    CHECK(a != bytes(3000));
}

TEST_CASE("the DER helpers convert ECDSA signatures and recognise key formats", "[crypto]") {
    using namespace cosign::detail::der;
    // r = 0x80..., s = 0x01: r needs a leading zero in DER, s is trimmed to one byte.
    bytes p1363(64, 0);
    p1363[0] = 0x80;
    p1363[63] = 0x01;
    bytes der = p1363_to_der(p1363);
    CHECK(hex::encode(der) ==
          "3026022100800000000000000000000000000000000000000000000000000000000000000002010"
          "1");
    CHECK(is_der_ecdsa_signature(der));
    bytes trailing = der;
    trailing.push_back(0);
    CHECK_FALSE(is_der_ecdsa_signature(trailing));
    CHECK_FALSE(
        is_der_ecdsa_signature(unhex("3007020200010201"
                                     "01")));  // non-minimal r
    CHECK_FALSE(is_der_ecdsa_signature(p1363));
    CHECK_FALSE(parse_pkcs8(unhex("3003020101")));
    CHECK(is_sec1(unhex("30050201010400")));
    CHECK_FALSE(
        is_sec1(unhex("3005020100040"
                      "0")));
}

TEMPLATE_LIST_TEST_CASE("PBKDF2-HMAC-SHA256 reproduces RFC 7914's vectors", "[crypto]", crypto_policies) {
    using P = TestType;
    std::uint8_t out[64];
    REQUIRE(P::pbkdf2_hmac_sha256("passwd", "salt", 1, out, sizeof out));
    CHECK(hex::encode(byte_view(out, sizeof out)) ==
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    REQUIRE(P::pbkdf2_hmac_sha256("Password", "NaCl", 80000, out, sizeof out));
    CHECK(hex::encode(byte_view(out, sizeof out)) ==
          "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEMPLATE_LIST_TEST_CASE("Poly1305 reproduces RFC 8439's vector", "[crypto]", crypto_policies) {
    using P = TestType;
    const bytes key = unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    std::uint8_t tag[16];
    REQUIRE(P::poly1305(key.data(), "Cryptographic Forum Research Group", tag));
    CHECK(hex::encode(byte_view(tag, sizeof tag)) == "a8061dc1305136c6c22b8baf0c0127a9");
}

// mbedTLS with a stand-in scrypt (as fuzz/key_pem.cpp has, so that the fuzzer does not spend its
// time in the KDF): crypto::scrypt calls it, after the same limits.
struct policy_with_own_scrypt : crypto_policy {
    static inline int calls = 0;
    static result<secure_bytes> scrypt(byte_view, byte_view, std::uint64_t, std::uint32_t, std::uint32_t,
                                       std::size_t len) {
        ++calls;
        return secure_bytes(len, 0x5a);
    }
};

TEST_CASE("a policy's own scrypt replaces the portable one, and the parameter limits still hold", "[crypto]") {
    STATIC_REQUIRE(has_native_scrypt_v<policy_with_own_scrypt>);
    STATIC_REQUIRE_FALSE(has_native_scrypt_v<crypto_policy>);
    policy_with_own_scrypt::calls = 0;
    auto dk = crypto::scrypt<policy_with_own_scrypt>("pw", "salt", 32768, 8, 1, 32);
    REQUIRE(dk);
    CHECK(*dk == secure_bytes(32, 0x5a));
    CHECK(policy_with_own_scrypt::calls == 1);
    auto refused = crypto::scrypt<policy_with_own_scrypt>("pw", "salt", 99, 8, 1, 32);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == errc::invalid_argument);
    CHECK(policy_with_own_scrypt::calls == 1);
}

TEST_CASE("the mbedTLS policy meets the crypto policy requirements, and has no Ed25519", "[crypto]") {
    STATIC_REQUIRE(is_crypto_policy_v<crypto_policy>);
    STATIC_REQUIRE(check_crypto_policy<crypto_policy>());
    STATIC_REQUIRE(is_verify_crypto_v<crypto_policy>);
    STATIC_REQUIRE(check_verify_crypto<crypto_policy>());
    STATIC_REQUIRE(has_verify_prehashed_v<crypto_policy>);
    STATIC_REQUIRE_FALSE(has_ed25519_v<crypto_policy>);  // mbedTLS 2.28 and 3.6 have none
    STATIC_REQUIRE_FALSE(is_crypto_policy_v<int>);
    STATIC_REQUIRE_FALSE(is_verify_crypto_v<int>);
}

struct policy_without_sign {
    struct private_key {};
    struct public_key {};
};

struct verify_set_without_digest {
    using public_key = crypto_policy::public_key;
    static result<public_key> parse_public_key(std::string_view);
    static std::string public_key_pem(const public_key&);
    static result<void> verify(const public_key&, byte_view, byte_view, hash_algorithm = hash_algorithm::sha256);
};

struct verify_set_without_default_hash {
    using public_key = crypto_policy::public_key;
    static result<public_key> parse_public_key(std::string_view);
    static std::string public_key_pem(const public_key&);
    static result<void> verify(const public_key&, byte_view, byte_view, hash_algorithm);
    static result<bytes> digest(hash_algorithm, byte_view);
};

TEST_CASE("the crypto policy traits name each missing member", "[crypto]") {
    using tr = crypto_policy_traits<policy_without_sign>;
    STATIC_REQUIRE(tr::has_private_key);
    STATIC_REQUIRE(tr::has_public_key);
    STATIC_REQUIRE_FALSE(tr::has_sign);
    STATIC_REQUIRE_FALSE(tr::has_parse_public_key);
    STATIC_REQUIRE_FALSE(is_crypto_policy_v<policy_without_sign>);

    using no_digest = verify_crypto_traits<verify_set_without_digest>;
    STATIC_REQUIRE(no_digest::has_verify);
    STATIC_REQUIRE(no_digest::has_verify_default_hash);  // the default argument serves the 3-argument call
    STATIC_REQUIRE_FALSE(no_digest::has_digest);
    STATIC_REQUIRE_FALSE(is_verify_crypto_v<verify_set_without_digest>);

    using no_default = verify_crypto_traits<verify_set_without_default_hash>;
    STATIC_REQUIRE(no_default::has_verify);
    STATIC_REQUIRE_FALSE(no_default::has_verify_default_hash);
    STATIC_REQUIRE_FALSE(is_verify_crypto_v<verify_set_without_default_hash>);
    // A verify set is not a full policy.
    STATIC_REQUIRE_FALSE(is_crypto_policy_v<verify_set_without_default_hash>);
}
