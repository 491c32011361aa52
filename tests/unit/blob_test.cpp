// SPDX-License-Identifier: Apache-2.0
// Unit tests of blob hashing and signing: SHA-256 on every compiled path (SHA-NI, ARMv8,
// portable) and SHA-384/512 against NIST vectors and mbedTLS, streamed sign and verify over
// readers with short reads and failures, digests as text, and the prehashed policy members.
#include "catch.hpp"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include <cosign/blob.hpp>
#include <cosign/core/hex.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/signer.hpp>

using namespace cosign;
using crypto_policy = cosign::crypto::mbedtls;

namespace {

std::string test_data_file(const std::string& rel) {
    std::ifstream in(std::string(COSIGN_TEST_DATA) + "/" + rel, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

local_signer<crypto_policy> import_signer(const std::string& name) {
    auto k = crypto_policy::parse_private_key_pem(test_data_file("cosign/keys/import/keys_test-" + name + ".pem"));
    REQUIRE(k);
    auto s = local_signer<crypto_policy>::from_key(std::move(*k));
    REQUIRE(s);
    return std::move(*s);
}

std::vector<sha256_impl> available_impls() {
    std::vector<sha256_impl> out;
    for (auto i : {sha256_impl::portable, sha256_impl::x86_sha_ni, sha256_impl::armv8_crypto})
        if (sha256_impl_available(i)) out.push_back(i);
    return out;
}

std::string sha256_hex(sha256_impl impl, byte_view data) {
    sha256_hasher h(impl);
    h.update(data);
    return h.finish().hex();
}

std::string sha512_hex(bool is384, byte_view data) {
    sha512_hasher h(is384);
    h.update(data);
    std::uint8_t out[64];
    h.finish(out);
    return hex::encode(byte_view(out, h.size()));
}

std::string mbedtls_hex(hash_algorithm h, byte_view data) {
    auto d = crypto_policy::digest(h, data);
    REQUIRE(d);
    return hex::encode(*d);
}

std::vector<std::uint8_t> random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

/// A reader over `data` that returns short, uneven reads, and fails after `fail_after` bytes
/// (never when -1).
blob_reader chunky_reader(const std::vector<std::uint8_t>& data, std::size_t fail_after = std::size_t(-1)) {
    auto pos = std::make_shared<std::size_t>(0);
    auto rng = std::make_shared<std::mt19937>(7);
    return [&data, pos, rng, fail_after](std::uint8_t* buf, std::size_t n) -> result<std::size_t> {
        if (*pos >= fail_after) return fail(errc::io, "device error at offset " + std::to_string(*pos));
        std::size_t want = std::min<std::size_t>(n, 1 + (*rng)() % 70000);
        want = std::min(want, data.size() - *pos);
        if (fail_after != std::size_t(-1)) want = std::min(want, fail_after - *pos);
        std::memcpy(buf, data.data() + *pos, want);
        *pos += want;
        return want;
    };
}

}  // namespace

TEST_CASE("SHA-256 gives the NIST answers on every path this CPU runs", "[sha256][blob]") {
    const std::string million(1000000, 'a');
    for (auto impl : available_impls()) {
        INFO(to_string(impl));
        CHECK(sha256_hex(impl, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(sha256_hex(impl, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex(impl, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(sha256_hex(impl, "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        CHECK(sha256_hex(impl, million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        // NIST SHAVS short messages (SHA256ShortMsg.rsp): 8 and 16 bits.
        CHECK(sha256_hex(impl, *hex::decode("d3")) == "28969cdfa74a12c82f3bad960b0b000aca2ac329deea5c2328ebc6f2ba9802c1");
        CHECK(sha256_hex(impl, *hex::decode("11af")) == "5ca7133fa735326081558ac312c620eeca9970d1e70a4b95533d956f072d1f98");
    }
}

TEST_CASE("this machine's SHA-256 uses the CPU's SHA extensions when it has them", "[sha256][blob]") {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string all((std::istreambuf_iterator<char>(cpuinfo)), std::istreambuf_iterator<char>());
    const bool sha_ni = all.find(" sha_ni") != std::string::npos;
#if defined(__x86_64__) && !defined(COSIGN_NO_SHA_EXTENSIONS)
    CHECK(sha256_impl_available(sha256_impl::x86_sha_ni) == sha_ni);
    if (sha_ni) CHECK(sha256_default_impl() == sha256_impl::x86_sha_ni);
#endif
    if (!sha256_impl_available(sha256_impl::x86_sha_ni) && !sha256_impl_available(sha256_impl::armv8_crypto)) {
        WARN("only the portable SHA-256 runs here (" << (sha_ni ? "sha_ni present" : "no SHA extensions") << ")");
        CHECK(sha256_default_impl() == sha256_impl::portable);
    }
    // An implementation that is not available falls back to the portable one, which still works.
    sha256_hasher h(sha256_impl::armv8_crypto);
    h.update("abc");
    CHECK(h.finish().hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("every SHA-256 path agrees with mbedTLS over lengths 0..200 and around block and chunk sizes",
          "[sha256][blob]") {
    const auto data = random_bytes(2 * COSIGN_BLOB_CHUNK_SIZE + 300, 1);
    std::vector<std::size_t> lengths;
    for (std::size_t n = 0; n <= 200; ++n) lengths.push_back(n);
    for (std::size_t base : {std::size_t(4096), std::size_t(65536), std::size_t(COSIGN_BLOB_CHUNK_SIZE),
                             std::size_t(2 * COSIGN_BLOB_CHUNK_SIZE)})
        for (std::size_t d = 0; d <= 130; d += 1) {
            lengths.push_back(base + d);
            if (base >= d) lengths.push_back(base - d);
        }
    for (auto impl : available_impls()) {
        INFO(to_string(impl));
        for (std::size_t n : lengths) {
            INFO("length " << n);
            byte_view v(data.data(), n);
            const std::string want = mbedtls_hex(hash_algorithm::sha256, v);
            REQUIRE(sha256_hex(impl, v) == want);
            // The same bytes in uneven pieces, so that partial blocks are buffered and flushed.
            if (n < 300 || n % 7 == 0) {
                sha256_hasher h(impl);
                std::size_t pos = 0, step = 1;
                while (pos < n) {
                    std::size_t take = std::min(step, n - pos);
                    h.update(byte_view(data.data() + pos, take));
                    pos += take;
                    step = step * 3 % 131 + 1;
                }
                REQUIRE(h.finish().hex() == want);
            }
        }
    }
}

TEST_CASE("SHA-384 and SHA-512 give the NIST answers and agree with mbedTLS", "[sha512][blob]") {
    CHECK(sha512_hex(false, "abc") ==
          "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
          "454d4423643ce80e2a9ac94fa54ca49f");
    CHECK(sha512_hex(true, "abc") ==
          "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    CHECK(sha512_hex(false, "") ==
          "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f"
          "63b931bd47417a81a538327af927da3e");
    CHECK(sha512_hex(false, std::string(1000000, 'a')) ==
          "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31b"
          "eb009c5c2c49aa2e4eadb217ad8cc09b");
    CHECK(sha512_hex(true,
                     "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
    const auto data = random_bytes(70000, 2);
    for (std::size_t n : std::vector<std::size_t>{0, 1, 111, 112, 113, 127, 128, 129, 239, 240, 255, 256, 257, 1000, 65536, 70000}) {
        INFO("length " << n);
        byte_view v(data.data(), n);
        CHECK(sha512_hex(false, v) == mbedtls_hex(hash_algorithm::sha512, v));
        CHECK(sha512_hex(true, v) == mbedtls_hex(hash_algorithm::sha384, v));
    }
}

TEST_CASE("blob digests parse from sha256:<hex> and refuse what is not one", "[blob]") {
    auto d = parse_blob_digest("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
    REQUIRE(d);
    CHECK(d->algorithm == hash_algorithm::sha256);
    CHECK(d->to_string() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    auto d384 = parse_blob_digest("sha384:" + std::string(96, '0'));
    REQUIRE(d384);
    CHECK(d384->value.size() == 48);
    auto short_ = parse_blob_digest("sha256:abcd");
    REQUIRE_FALSE(short_);
    CHECK(short_.error().code() == errc::invalid_argument);
    CHECK(short_.error().message().find("64 hex digits, not 4") != std::string::npos);
    auto md5 = parse_blob_digest("md5:" + std::string(32, '0'));
    REQUIRE_FALSE(md5);
    CHECK(md5.error().message().find("unsupported algorithm \"md5\"") != std::string::npos);
    CHECK_FALSE(parse_blob_digest("sha256:" + std::string(63, '0') + "g"));
    CHECK_FALSE(parse_blob_digest("firmware.bin"));
}

TEST_CASE("sign_prehashed gives sign()'s signature and verify_prehashed checks it", "[blob][crypto]") {
    const auto msg = random_bytes(1000, 3);
    for (const char* name : {"validecp256", "validecp384", "validecp521", "validrsa"}) {
        INFO(name);
        auto signer = import_signer(name);
        const hash_algorithm h = signing_hash_of(signer.describe());
        auto digest = crypto_policy::digest(h, msg);
        REQUIRE(digest);
        auto a = signer.sign(msg);
        auto b = signer.sign_digest(*digest, h);
        REQUIRE(a);
        REQUIRE(b);
        CHECK(*a == *b);  // RFC 6979 ECDSA and PKCS#1 v1.5 are deterministic
        auto pub = crypto_policy::parse_public_key(signer.public_key_pem());
        REQUIRE(pub);
        CHECK(crypto_policy::verify_prehashed(*pub, *digest, *b, h));
        auto other = *digest;
        other.back() ^= 1;
        auto bad = crypto_policy::verify_prehashed(*pub, other, *b, h);
        REQUIRE_FALSE(bad);
        CHECK(bad.error().code() == errc::verification_failed);
        // A digest of another size or algorithm is refused, not signed.
        auto wrong = signer.sign_digest(byte_view(digest->data(), digest->size() - 1), h);
        REQUIRE_FALSE(wrong);
        CHECK(wrong.error().code() == errc::invalid_argument);
        auto wrong_alg = signer.sign_digest(*digest, h == hash_algorithm::sha256 ? hash_algorithm::sha512
                                                                                  : hash_algorithm::sha256);
        REQUIRE_FALSE(wrong_alg);
        CHECK(wrong_alg.error().code() == errc::invalid_argument);
    }
    STATIC_REQUIRE(has_sign_prehashed_v<crypto_policy>);
    STATIC_REQUIRE(has_verify_prehashed_v<crypto_policy>);
    STATIC_REQUIRE(has_sign_digest_v<local_signer<crypto_policy>>);
    STATIC_REQUIRE(has_sign_digest_v<any_signer>);
}

TEST_CASE("a blob streamed in short reads is signed as cosign signs it whole, and verifies", "[blob]") {
    const auto blob = random_bytes(3 * COSIGN_BLOB_CHUNK_SIZE + 12345, 4);
    for (const char* name : {"validecp256", "validecp384", "validrsa"}) {
        INFO(name);
        auto signer = import_signer(name);
        auto pub = crypto_policy::parse_public_key(signer.public_key_pem());
        REQUIRE(pub);
        auto sig = sign_blob(signer, chunky_reader(blob));
        REQUIRE(sig);
        auto whole = signer.sign(blob);
        REQUIRE(whole);
        CHECK(*sig == base64::encode(*whole));
        // The streamed verifier and the whole-message one both accept it (P-384 signs SHA-384).
        const hash_algorithm h = signing_hash_of(signer.describe());
        CHECK(verify_blob<crypto_policy>(*pub, chunky_reader(blob), *sig + "\n", h));
        CHECK(crypto_policy::verify(*pub, blob, *whole, h));
        // Through any_signer too.
        any_signer any(import_signer(name));
        auto sig2 = sign_blob(any, chunky_reader(blob));
        REQUIRE(sig2);
        CHECK(*sig2 == *sig);
    }
}

TEST_CASE("a blob changed in its last byte, or truncated, is refused", "[blob]") {
    auto signer = import_signer("validecp256");
    auto pub = crypto_policy::parse_public_key(signer.public_key_pem());
    REQUIRE(pub);
    auto blob = random_bytes(COSIGN_BLOB_CHUNK_SIZE + 1, 5);
    auto sig = sign_blob(signer, chunky_reader(blob));
    REQUIRE(sig);
    REQUIRE(verify_blob<crypto_policy>(*pub, chunky_reader(blob), *sig));
    auto changed = blob;
    changed.back() ^= 0x01;
    auto r1 = verify_blob<crypto_policy>(*pub, chunky_reader(changed), *sig);
    REQUIRE_FALSE(r1);
    CHECK(r1.error().code() == errc::verification_failed);
    auto truncated = blob;
    truncated.pop_back();
    auto r2 = verify_blob<crypto_policy>(*pub, chunky_reader(truncated), *sig);
    REQUIRE_FALSE(r2);
    CHECK(r2.error().code() == errc::verification_failed);
    // The digest alone verifies without reading anything; a wrong one does not.
    auto d = digest_blob(chunky_reader(blob));
    REQUIRE(d);
    CHECK(d->size == blob.size());
    auto parsed = parse_blob_digest(d->to_string());
    REQUIRE(parsed);
    CHECK(verify_blob_digest<crypto_policy>(*pub, *parsed, *sig));
    parsed->value[31] ^= 1;
    auto r3 = verify_blob_digest<crypto_policy>(*pub, *parsed, *sig);
    REQUIRE_FALSE(r3);
    CHECK(r3.error().code() == errc::verification_failed);
    auto garbage = verify_blob<crypto_policy>(*pub, chunky_reader(blob), "not base64!");
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code() == errc::invalid_argument);
}

TEST_CASE("a reader that fails midway gives an error and no signature", "[blob]") {
    auto signer = import_signer("validecp256");
    const auto blob = random_bytes(2 * COSIGN_BLOB_CHUNK_SIZE, 6);
    auto sig = sign_blob(signer, chunky_reader(blob, COSIGN_BLOB_CHUNK_SIZE + 17));
    REQUIRE_FALSE(sig);
    CHECK(sig.error().code() == errc::io);
    CHECK(sig.error().message() ==
          "reading the blob: device error at offset " + std::to_string(COSIGN_BLOB_CHUNK_SIZE + 17));
    auto pub = crypto_policy::parse_public_key(signer.public_key_pem());
    REQUIRE(pub);
    auto good = sign_blob(signer, chunky_reader(blob));
    REQUIRE(good);
    auto v = verify_blob<crypto_policy>(*pub, chunky_reader(blob, 100), *good);
    REQUIRE_FALSE(v);
    CHECK(v.error().code() == errc::io);
    // A reader that claims more than it was asked for is a bug, not a blob.
    blob_reader liar = [](std::uint8_t*, std::size_t n) -> result<std::size_t> { return n + 1; };
    auto l = digest_blob(liar);
    REQUIRE_FALSE(l);
    CHECK(l.error().code() == errc::internal);
}

TEST_CASE("files stream from disk; a missing, unreadable or changing file is an error naming it", "[blob]") {
    auto signer = import_signer("validecp256");
    auto pub = crypto_policy::parse_public_key(signer.public_key_pem());
    REQUIRE(pub);
    char tmpl[] = "/tmp/cosign-blob-test-XXXXXX";
    int fd = ::mkstemp(tmpl);
    REQUIRE(fd >= 0);
    const std::string path = tmpl;
    const auto blob = random_bytes(COSIGN_BLOB_CHUNK_SIZE * 2 + 99, 8);
    REQUIRE(::write(fd, blob.data(), blob.size()) == static_cast<ssize_t>(blob.size()));
    ::close(fd);

    auto sig = sign_blob_file(signer, path);
    REQUIRE(sig);
    CHECK(*sig == base64::encode(*signer.sign(blob)));
    CHECK(verify_blob_file<crypto_policy>(*pub, path, *sig));
    auto d = digest_blob_file(path);
    REQUIRE(d);
    CHECK(hex::encode(d->value) == mbedtls_hex(hash_algorithm::sha256, blob));

    // The size seen at open() is checked at the end: a file cut or grown while read is refused.
    std::uint64_t size = 0;
    auto opened = detail::open_blob_file(path, size);
    REQUIRE(opened);
    CHECK(size == blob.size());
    auto changed = detail::digest_stream(blob_reader_from_fd(*opened, path), hash_algorithm::sha256, path, size + 1);
    ::close(*opened);
    REQUIRE_FALSE(changed);
    CHECK(changed.error().code() == errc::io);
    CHECK(changed.error().message().find("changed while it was read") != std::string::npos);
    // Another thread may stop a long hash: nothing is signed from a cancelled read.
    std::atomic<bool> stop{true};
    auto cancelled = digest_blob_file(path, hash_algorithm::sha256, &stop);
    REQUIRE_FALSE(cancelled);
    CHECK(cancelled.error().code() == errc::cancelled);
    ::unlink(path.c_str());

    auto missing = sign_blob_file(signer, path);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == errc::io);
    CHECK(missing.error().message() == "cannot open " + path + ": No such file or directory");
    auto dir = digest_blob_file("/");
    REQUIRE_FALSE(dir);
    CHECK(dir.error().code() == errc::io);
    CHECK(dir.error().message() == "cannot read /: Is a directory");
}

namespace {
/// A signer with no sign_digest: blobs are read into memory for it.
struct message_only_signer {
    local_signer<crypto_policy> inner;
    result<bytes> sign(byte_view payload) const { return inner.sign(payload); }
    std::string public_key_pem() const { return inner.public_key_pem(); }
    key_info describe() const { return inner.describe(); }
};
}  // namespace

TEST_CASE("signers without sign_digest still sign streamed blobs, also behind any_signer", "[blob]") {
    message_only_signer s{import_signer("validecp256")};
    STATIC_REQUIRE_FALSE(has_sign_digest_v<message_only_signer>);
    const auto blob = random_bytes(100000, 9);
    auto sig = sign_blob(s, chunky_reader(blob));
    REQUIRE(sig);
    CHECK(*sig == base64::encode(*s.sign(blob)));
    any_signer any(message_only_signer{import_signer("validecp256")});
    auto d = digest_blob(chunky_reader(blob));
    REQUIRE(d);
    auto r = sign_blob_digest(any, *d);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == errc::unsupported);
    CHECK_FALSE(any.can_sign_digest());
    // sign_blob asks any_signer at run time, and reads the blob into memory for it.
    auto whole = sign_blob(any, chunky_reader(blob));
    REQUIRE(whole);
    CHECK(*whole == *sig);
    CHECK(any_signer(import_signer("validecp256")).can_sign_digest());
}
