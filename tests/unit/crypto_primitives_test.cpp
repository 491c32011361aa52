// SPDX-License-Identifier: Apache-2.0
// Known-answer tests of what cosign-cpp adds to mbedTLS (scrypt, XSalsa20-Poly1305, DER helpers)
// and compile-time checks of the crypto policy requirements.
#include "catch.hpp"

#include <cosign/core/hex.hpp>
#include <cosign/crypto/concepts.hpp>
#include <cosign/crypto/mbedtls.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;

static bytes unhex(const char* h) { return *hex::decode(h); }

TEST_CASE("scrypt reproduces the RFC 7914 test vectors", "[crypto]") {
    SECTION("N=16, r=1, p=1, empty password and salt") {
        auto dk = crypto_policy::scrypt("", "", 16, 1, 1, 64);
        REQUIRE(dk);
        CHECK(hex::encode(*dk) ==
              "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
              "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    }
    SECTION("N=1024, r=8, p=16, password/NaCl") {
        auto dk = crypto_policy::scrypt("password", "NaCl", 1024, 8, 16, 64);
        REQUIRE(dk);
        CHECK(hex::encode(*dk) ==
              "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
              "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    }
    SECTION("N=16384, r=8, p=1, pleaseletmein/SodiumChloride") {
        auto dk = crypto_policy::scrypt("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64);
        REQUIRE(dk);
        CHECK(hex::encode(*dk) ==
              "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
              "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
    }
}

TEST_CASE("scrypt refuses parameters that are malformed or too costly, and says what is allowed",
          "[crypto]") {
    auto not_pow2 = crypto_policy::scrypt("pw", "salt", 99, 8, 1, 32);
    REQUIRE_FALSE(not_pow2);
    CHECK(not_pow2.error().code() == errc::invalid_argument);
    CHECK_THAT(not_pow2.error().message(), Catch::Contains("power of two"));

    CHECK_FALSE(crypto_policy::scrypt("pw", "salt", 1, 8, 1, 32));
    CHECK_FALSE(crypto_policy::scrypt("pw", "salt", 0, 8, 1, 32));

    auto huge_n = crypto_policy::scrypt("pw", "salt", std::uint64_t(1) << 40, 8, 1, 32);
    REQUIRE_FALSE(huge_n);
    CHECK(huge_n.error().code() == errc::limit_exceeded);
    CHECK_THAT(huge_n.error().message(), Catch::Contains("COSIGN_MAX_SCRYPT_N"));

    auto huge_rp = crypto_policy::scrypt("pw", "salt", 16, 99, 99, 32);
    REQUIRE_FALSE(huge_rp);
    CHECK(huge_rp.error().code() == errc::limit_exceeded);
    CHECK_THAT(huge_rp.error().message(), Catch::Contains("r*p at most 256"));

    auto huge_memory = crypto_policy::scrypt("pw", "salt", COSIGN_MAX_SCRYPT_N, 64, 1, 32);
    REQUIRE_FALSE(huge_memory);
    CHECK(huge_memory.error().code() == errc::limit_exceeded);
    CHECK_THAT(huge_memory.error().message(), Catch::Contains("MiB"));

    CHECK_FALSE(crypto_policy::scrypt("pw", "salt", 16, 0, 1, 32));
    CHECK_FALSE(crypto_policy::scrypt("pw", "salt", 16, 1, 1, 0));
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

TEST_CASE("secretbox reproduces NaCl's XSalsa20-Poly1305 test vector", "[crypto]") {
    bytes key = unhex(nacl_key), nonce = unhex(nacl_nonce), message = unhex(nacl_message);
    REQUIRE(message.size() == 131);
    auto boxed = crypto_policy::secretbox_seal(message, nonce, key);
    REQUIRE(boxed);
    CHECK(hex::encode(*boxed) == nacl_box);

    auto opened = crypto_policy::secretbox_open(unhex(nacl_box), nonce, key);
    REQUIRE(opened);
    CHECK(byte_view(*opened) == byte_view(message));
}

TEST_CASE("secretbox refuses a box that was altered, or opened with another key or nonce", "[crypto]") {
    bytes key = unhex(nacl_key), nonce = unhex(nacl_nonce);
    bytes box = unhex(nacl_box);
    for (std::size_t i : {std::size_t(0), std::size_t(15), std::size_t(16), box.size() - 1}) {
        bytes altered = box;
        altered[i] ^= 1;
        auto r = crypto_policy::secretbox_open(altered, nonce, key);
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == errc::verification_failed);
    }
    bytes other_key = key;
    other_key[31] ^= 0x80;
    CHECK(crypto_policy::secretbox_open(box, nonce, other_key).error().code() == errc::verification_failed);
    bytes other_nonce = nonce;
    other_nonce[23] ^= 1;
    CHECK(crypto_policy::secretbox_open(box, other_nonce, key).error().code() == errc::verification_failed);
    CHECK(crypto_policy::secretbox_open(bytes(15), nonce, key).error().code() == errc::verification_failed);
    CHECK(crypto_policy::secretbox_open(box, bytes(23), key).error().code() == errc::invalid_argument);
    CHECK(crypto_policy::secretbox_open(box, nonce, bytes(31)).error().code() == errc::invalid_argument);
}

TEST_CASE("secretbox seals and opens an empty message and a multi-block message", "[crypto]") {
    bytes key(32, 7), nonce(24, 9);
    auto empty = crypto_policy::secretbox_seal(bytes(), nonce, key);
    REQUIRE(empty);
    CHECK(empty->size() == 16);
    auto opened_empty = crypto_policy::secretbox_open(*empty, nonce, key);
    REQUIRE(opened_empty);
    CHECK(opened_empty->empty());

    bytes big(1000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 31);
    auto boxed = crypto_policy::secretbox_seal(big, nonce, key);
    REQUIRE(boxed);
    auto opened = crypto_policy::secretbox_open(*boxed, nonce, key);
    REQUIRE(opened);
    CHECK(byte_view(*opened) == byte_view(big));
}

TEST_CASE("random fills buffers larger than one CTR_DRBG request with different bytes", "[crypto]") {
    bytes a(3000), b(3000);
    REQUIRE(crypto_policy::random(a.data(), a.size()));
    REQUIRE(crypto_policy::random(b.data(), b.size()));
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

TEST_CASE("the mbedTLS policy meets the crypto policy requirements", "[crypto]") {
    STATIC_REQUIRE(is_crypto_policy_v<crypto_policy>);
    STATIC_REQUIRE(check_crypto_policy<crypto_policy>());
    STATIC_REQUIRE_FALSE(is_crypto_policy_v<int>);
    STATIC_REQUIRE(std::is_nothrow_move_constructible<crypto_policy::private_key>::value);
    STATIC_REQUIRE_FALSE(std::is_copy_constructible<crypto_policy::private_key>::value);
    STATIC_REQUIRE(std::is_copy_constructible<crypto_policy::public_key>::value);
}

struct policy_without_sign {
    struct private_key {};
    struct public_key {};
};

TEST_CASE("the crypto policy trait names each missing member", "[crypto]") {
    using tr = crypto_policy_traits<policy_without_sign>;
    STATIC_REQUIRE(tr::has_private_key);
    STATIC_REQUIRE(tr::has_public_key);
    STATIC_REQUIRE_FALSE(tr::has_sign);
    STATIC_REQUIRE_FALSE(is_crypto_policy_v<policy_without_sign>);
}
