// SPDX-License-Identifier: Apache-2.0
// crypto::openssl_verify<mbedtls> must answer exactly as mbedtls does: the same verdict and the
// same error kind for every key, message, hash and signature, valid, re-encoded or damaged.
// (Built when CMake finds OpenSSL: cosign::openssl.)
#include "catch.hpp"

#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <cosign/core/base64.hpp>
#include <cosign/crypto/concepts.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/crypto/openssl_verify.hpp>

using namespace cosign;
using base = cosign::crypto::mbedtls;
using fast = cosign::crypto::openssl_verify<base>;

static_assert(check_crypto_policy<fast>(), "the adaptor is a whole crypto policy");
static_assert(has_x509_v<fast>, "and keeps the base's X.509 members");
static_assert(has_verify_prehashed_v<fast> && has_ed25519_v<fast>, "and adds the optional members OpenSSL has");

static std::string data_file(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Signature variants: the original, r||s, and re-encodings and damage that strict DER refuses.
static std::vector<bytes> variants(const bytes& der, std::size_t coord) {
    std::vector<bytes> out{der};
    using namespace cosign::detail::der;
    tlv outer, r, s;
    std::size_t pos = 0;
    if (read_single(der, tag_sequence, outer) && expect(outer.content, pos, tag_integer, r) &&
        expect(outer.content, pos, tag_integer, s)) {
        auto fixed = [&](byte_view v) {
            bytes b;
            if (v.size() > coord) v = v.subview(v.size() - coord);
            b.insert(b.end(), coord - v.size(), 0);
            b.insert(b.end(), v.begin(), v.end());
            return b;
        };
        bytes rs = fixed(r.content), ss = fixed(s.content);
        bytes p1363 = rs;
        p1363.insert(p1363.end(), ss.begin(), ss.end());
        out.push_back(p1363);
        bytes swapped = ss;
        swapped.insert(swapped.end(), rs.begin(), rs.end());
        out.push_back(swapped);
        // r with a needless leading zero (not minimal: BER, not DER)
        bytes body = {tag_integer, static_cast<std::uint8_t>(r.content.size() + 1), 0};
        body.insert(body.end(), r.content.begin(), r.content.end());
        write(body, tag_integer, s.content);
        if (body.size() < 128) {
            bytes ber = {tag_sequence, static_cast<std::uint8_t>(body.size())};
            ber.insert(ber.end(), body.begin(), body.end());
            out.push_back(ber);
        }
        // long-form length on the SEQUENCE
        if (outer.content.size() < 128) {
            bytes longform = {tag_sequence, 0x81, static_cast<std::uint8_t>(outer.content.size())};
            longform.insert(longform.end(), outer.content.begin(), outer.content.end());
            out.push_back(longform);
        }
        // p1363 one byte short, one byte long
        out.push_back(bytes(p1363.begin(), p1363.end() - 1));
        bytes longer = p1363;
        longer.push_back(0);
        out.push_back(longer);
    }
    bytes trailing = der;
    trailing.push_back(0);
    out.push_back(trailing);
    out.push_back(bytes(der.begin(), der.end() - 1));
    for (std::size_t i : {std::size_t(0), std::size_t(1), std::size_t(5), der.size() / 2, der.size() - 1}) {
        bytes flipped = der;
        flipped[i] ^= 0x01;
        out.push_back(flipped);
    }
    out.push_back(bytes());
    out.push_back(bytes(2 * coord, 0));
    return out;
}

static void same_verdicts(const base::private_key& key, const std::string& what) {
    auto pub = base::public_key_of(key);
    REQUIRE(pub);
    const key_info info = base::describe(*pub);
    const std::size_t coord = info.type == key_type::ecdsa ? static_cast<std::size_t>((info.bits + 7) / 8) : 0;
    int accepted = 0, compared = 0;
    for (const std::string& msg : {std::string("payload"), std::string(), std::string(1000, 'x')}) {
        auto sig = base::sign(key, msg);
        REQUIRE(sig);
        for (const auto& v : variants(*sig, coord ? coord : 32)) {
            for (const std::string& m : {msg, msg + "!"}) {
                for (auto h : {hash_algorithm::sha224, hash_algorithm::sha256, hash_algorithm::sha384,
                               hash_algorithm::sha512}) {
                    auto a = base::verify(*pub, m, v, h);
                    auto b = fast::verify(*pub, m, v, h);
                    INFO(what << ": message of " << m.size() << " bytes, signature of " << v.size()
                              << " bytes, hash " << static_cast<int>(h) << ": mbedtls "
                              << (a ? "ok" : a.error().message()) << ", openssl "
                              << (b ? "ok" : b.error().message()));
                    REQUIRE(static_cast<bool>(a) == static_cast<bool>(b));
                    if (!a) CHECK(a.error().code() == b.error().code());
                    accepted += a ? 1 : 0;
                    ++compared;
                    // and over the digest: OpenSSL's EVP_PKEY_verify against mbedTLS's
                    auto d = base::digest(h, m);
                    REQUIRE(d);
                    auto pa = base::verify_prehashed(*pub, *d, v, h);
                    auto pb = fast::verify_prehashed(*pub, *d, v, h);
                    REQUIRE(static_cast<bool>(pa) == static_cast<bool>(a));
                    REQUIRE(static_cast<bool>(pb) == static_cast<bool>(a));
                    if (!a) CHECK(pa.error().code() == pb.error().code());
                }
            }
            CHECK(static_cast<bool>(base::verify(*pub, msg, v)) == static_cast<bool>(fast::verify(*pub, msg, v)));
        }
    }
    // Each key's own signatures (DER and r||s) verify under the hash they were made with.
    CHECK(accepted >= 3);
    CHECK(compared > 100);
}

TEST_CASE("openssl_verify gives mbedtls's verdict on every key type cosign signs with", "[crypto][openssl]") {
    SECTION("a generated P-256 key") {
        auto k = base::generate_p256();
        REQUIRE(k);
        same_verdicts(*k, "P-256");
    }
    for (const char* name : {"validecp256", "validecp384", "validecp521", "validrsa"}) {
        DYNAMIC_SECTION(name) {
            auto k = base::parse_private_key_pem(data_file(std::string("cosign/keys/import/keys_test-") + name + ".pem"));
            REQUIRE(k);
            same_verdicts(*k, name);
        }
    }
}

TEST_CASE("openssl_verify checks with OpenSSL, not with the base policy", "[crypto][openssl]") {
    // The DER the adaptor hands to OpenSSL verifies there, and a damaged one does not: the
    // answers above came from OpenSSL for EC keys.
    auto k = base::generate_p256();
    REQUIRE(k);
    auto pub = base::public_key_of(*k);
    REQUIRE(pub);
    auto spki = base::public_key_der(*pub);
    REQUIRE(spki);
    EVP_PKEY* pkey = detail::openssl_public_key(*spki);
    REQUIRE(pkey != nullptr);
    CHECK(detail::openssl_public_key(*spki) == pkey);  // cached for the next signature
    auto sig = base::sign(*k, "m");
    REQUIRE(sig);
    CHECK(detail::openssl_verify_der(pkey, EVP_sha256(), std::string_view("m"), *sig) == 1);
    CHECK(detail::openssl_verify_der(pkey, EVP_sha256(), std::string_view("n"), *sig) == 0);
    auto digest = base::digest(hash_algorithm::sha256, "m");
    REQUIRE(digest);
    CHECK(detail::openssl_verify_digest_der(pkey, EVP_sha256(), *digest, *sig) == 1);
    (*digest)[0] ^= 1;
    CHECK(detail::openssl_verify_digest_der(pkey, EVP_sha256(), *digest, *sig) == 0);
    CHECK(ERR_peek_error() == 0);  // a refusal leaves no error behind for TLS code on this thread
    bytes garbage = {0x01, 0x02};
    CHECK(detail::openssl_public_key(garbage) == nullptr);
    CHECK(ERR_peek_error() == 0);
}

TEST_CASE("openssl_verify verifies the signature cosign made, on several threads at once", "[crypto][openssl]") {
    auto pub = fast::parse_public_key(data_file("cosign/derived/sig-image-example/cosign.pub"));
    REQUIRE(pub);
    const std::string payload = data_file("cosign/derived/sig-image-example/payload.json");
    auto sig = base64::decode(data_file("cosign/derived/sig-image-example/signature.b64"));
    REQUIRE(sig);
    std::vector<int> ok(4, 0), bad(4, 0);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < 4; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                ok[t] += fast::verify(*pub, payload, *sig) ? 1 : 0;
                bad[t] += fast::verify(*pub, payload + " ", *sig) ? 0 : 1;
            }
        });
    for (auto& t : pool) t.join();
    for (std::size_t t = 0; t < 4; ++t) {
        CHECK(ok[t] == 25);
        CHECK(bad[t] == 25);
    }
}
