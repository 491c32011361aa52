// SPDX-License-Identifier: Apache-2.0
/// Signing and verifying blobs of any size in constant memory, as `cosign sign-blob --key` and
/// `cosign verify-blob --key` do: the blob streams through a hasher (SHA-256 on the CPU's SHA
/// extensions where present) and only its digest is signed or checked.
///
///     auto sig = cosign::sign_blob_file(*key, "firmware.bin");                    // base64, as cosign
///     auto ok  = cosign::verify_blob_file<crypto>(*pub, "firmware.bin", *sig);   // verification_failed if not
///     auto d   = cosign::parse_blob_digest("sha256:9f86d0...");                  // nothing to read
///     auto ok2 = cosign::verify_blob_digest<crypto>(*pub, *d, *sig);
///
/// A blob in flash or arriving over a socket is read through a `blob_reader` callback. Memory
/// stays at one chunk (COSIGN_BLOB_CHUNK_SIZE) whatever the size. A reader that fails midway, or
/// a file that changes size while it is read, gives an error and no signature.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/hex.hpp"
#include "core/result.hpp"
#include "core/sha256.hpp"
#include "core/sha512.hpp"
#include "crypto/concepts.hpp"
#include "crypto/key_info.hpp"
#include "keys/concepts.hpp"
#include "keys/file_io.hpp"

/// Bytes read at a time from a blob (and the most memory its reading takes).
#ifndef COSIGN_BLOB_CHUNK_SIZE
#define COSIGN_BLOB_CHUNK_SIZE (256u * 1024u)
#endif

namespace cosign {
inline namespace v0 {

/// Reads at most `n` bytes into `buf`: returns how many (fewer is fine; 0 only at the end of
/// the blob) or an error, which ends the reading.
using blob_reader = std::function<result<std::size_t>(std::uint8_t* buf, std::size_t n)>;

/// The digest of a blob: what is signed, and what `verify-blob sha256:<hex>` takes.
struct blob_digest {
    hash_algorithm algorithm = hash_algorithm::sha256;
    bytes value;              ///< digest_size(algorithm) bytes
    std::uint64_t size = 0;   ///< bytes hashed (0 when parsed from text)

    /// "sha256:<hex>", as OCI writes digests.
    std::string to_string() const { return std::string(cosign::to_string(algorithm)) + ":" + hex::encode(value); }
};

/// Parses "sha256:<64 hex>" (also sha384, sha512), hex in either case. errc::invalid_argument
/// names what is wrong.
inline result<blob_digest> parse_blob_digest(std::string_view text) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos)
        return fail(errc::invalid_argument, "invalid digest \"" + std::string(text) + "\": expected <algorithm>:<hex>");
    const std::string_view alg = text.substr(0, colon), hex_text = text.substr(colon + 1);
    blob_digest d;
    if (alg == "sha256")
        d.algorithm = hash_algorithm::sha256;
    else if (alg == "sha384")
        d.algorithm = hash_algorithm::sha384;
    else if (alg == "sha512")
        d.algorithm = hash_algorithm::sha512;
    else
        return fail(errc::invalid_argument,
                    "invalid digest: unsupported algorithm \"" + std::string(alg) + "\" (sha256, sha384 or sha512)");
    if (hex_text.size() != 2 * digest_size(d.algorithm))
        return fail(errc::invalid_argument, "invalid digest: a " + std::string(alg) + " digest is " +
                                                std::to_string(2 * digest_size(d.algorithm)) + " hex digits, not " +
                                                std::to_string(hex_text.size()));
    auto v = hex::decode(hex_text);
    if (!v) return fail(errc::invalid_argument, "invalid digest: " + v.error().message());
    d.value = std::move(*v);
    return d;
}

/// A reader over an open file descriptor (a file, a pipe, a socket, standard input); `name`
/// is what error messages call it. The descriptor stays open.
inline blob_reader blob_reader_from_fd(int fd, std::string name) {
    return [fd, name = std::move(name)](std::uint8_t* buf, std::size_t n) -> result<std::size_t> {
        while (true) {
            ssize_t got = ::read(fd, buf, n);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno != EINTR) return detail::io_fail("cannot read", name, errno);
        }
    };
}

/// SHA-256, SHA-384 or SHA-512, incrementally (SHA-224 is not offered: nothing signs blobs with it).
class blob_hasher {
public:
    /// `h` must not be sha224 (hashed as sha256 if it is).
    explicit blob_hasher(hash_algorithm h) noexcept
        : alg_(h == hash_algorithm::sha224 ? hash_algorithm::sha256 : h), s512_(h == hash_algorithm::sha384) {}
    void update(byte_view in) noexcept {
        if (alg_ == hash_algorithm::sha256)
            s256_.update(in);
        else
            s512_.update(in);
    }
    /// The digest, digest_size(algorithm) bytes; the hasher is then reset.
    bytes finish() {
        if (alg_ == hash_algorithm::sha256) {
            auto h = s256_.finish();
            return bytes(h.bytes.begin(), h.bytes.end());
        }
        bytes out(s512_.size());
        s512_.finish(out.data());
        return out;
    }

private:
    hash_algorithm alg_;
    sha256_hasher s256_;
    sha512_hasher s512_;
};

namespace detail {

inline result<void> check_blob_hash(hash_algorithm h) {
    if (h == hash_algorithm::sha224)
        return fail(errc::unsupported, "blobs are hashed with sha256, sha384 or sha512, not sha224");
    return {};
}

/// Hashes what `read` gives until it returns 0; `expected` (when not -1) is the size the blob
/// must have, checked after the end (a file that shrank or grew while read).
inline result<blob_digest> digest_stream(const blob_reader& read, hash_algorithm h, const std::string& name,
                                         std::uint64_t expected, const std::atomic<bool>* cancel = nullptr) {
    COSIGN_TRY_VOID(check_blob_hash(h));
    if (!read) return fail(errc::invalid_argument, "no blob reader given");
    std::unique_ptr<std::uint8_t[]> buf(new (std::nothrow) std::uint8_t[COSIGN_BLOB_CHUNK_SIZE]);
    if (!buf) return fail(errc::internal, "out of memory");
    blob_hasher hasher(h);
    std::uint64_t total = 0;
    while (true) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return fail(errc::cancelled, "reading " + name + ": cancelled");
        auto got = read(buf.get(), COSIGN_BLOB_CHUNK_SIZE);
        if (!got) return std::move(got).error();
        if (*got == 0) break;
        if (*got > COSIGN_BLOB_CHUNK_SIZE)
            return fail(errc::internal, "reading " + name + ": the reader returned more bytes than asked for");
        hasher.update(byte_view(buf.get(), *got));
        total += *got;
    }
    if (expected != std::uint64_t(-1) && total != expected)
        return fail(errc::io, "file " + name + " changed while it was read (" + std::to_string(expected) +
                                  " bytes expected, " + std::to_string(total) + " read)");
    blob_digest d;
    d.algorithm = h;
    d.value = hasher.finish();
    d.size = total;
    return d;
}

/// Everything `read` gives, in memory: for signers and policies that cannot work on a digest.
inline result<bytes> read_whole_blob(const blob_reader& read, const std::string& name) {
    if (!read) return fail(errc::invalid_argument, "no blob reader given");
    bytes out;
    std::size_t n = 0;
    while (true) {
        if (out.size() - n < COSIGN_BLOB_CHUNK_SIZE) out.resize(n + COSIGN_BLOB_CHUNK_SIZE);
        auto got = read(out.data() + n, COSIGN_BLOB_CHUNK_SIZE);
        if (!got) return std::move(got).error();
        if (*got == 0) break;
        if (*got > COSIGN_BLOB_CHUNK_SIZE)
            return fail(errc::internal, "reading " + name + ": the reader returned more bytes than asked for");
        n += *got;
    }
    out.resize(n);
    return out;
}

/// Opens `path` for reading from the start to the end; `size` gets its size when it is a
/// regular file, -1 otherwise.
inline result<int> open_blob_file(const std::string& path, std::uint64_t& size) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_fail("cannot open", path, errno);
    struct stat st {};
    size = std::uint64_t(-1);
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        size = static_cast<std::uint64_t>(st.st_size);
#if defined(POSIX_FADV_SEQUENTIAL)
        (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    return fd;
}

template <class S>
using can_sign_digest_t = decltype(std::declval<const S&>().can_sign_digest());

/// Whether `s` signs digests: its sign_digest, unless it says at run time that it cannot
/// (any_signer holding a signer without one).
template <class S>
bool signs_digests(const S& s) {
    if constexpr (is_detected_exact_v<bool, can_sign_digest_t, S>)
        return s.can_sign_digest();
    else
        return has_sign_digest_v<S>;
}

inline result<bytes> decode_blob_signature(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    while (!text.empty() && (text.front() == '\n' || text.front() == '\r' || text.front() == ' ')) text.remove_prefix(1);
    if (text.empty()) return fail(errc::invalid_argument, "the signature is empty");
    auto sig = base64::decode(text);
    if (!sig) return cosign::error(sig.error()).context("decoding signature");
    return sig;
}

}  // namespace detail

/// The digest of a blob read through `read`.
inline result<blob_digest> digest_blob(const blob_reader& read, hash_algorithm h = hash_algorithm::sha256) {
    auto d = detail::digest_stream(read, h, "the blob", std::uint64_t(-1));
    if (!d && d.error().code() != errc::unsupported && d.error().code() != errc::invalid_argument)
        return cosign::error(d.error()).context("reading the blob");
    return d;
}

/// The digest of the file at `path`, read once from start to end. errc::io names the file when it
/// cannot be opened or read to the end, or when its size changes while it is read. Setting
/// `*cancel` (from another thread) stops the reading with errc::cancelled.
inline result<blob_digest> digest_blob_file(const std::string& path, hash_algorithm h = hash_algorithm::sha256,
                                            const std::atomic<bool>* cancel = nullptr) {
    COSIGN_TRY_VOID(detail::check_blob_hash(h));
    std::uint64_t size = 0;
    COSIGN_TRY(int fd, detail::open_blob_file(path, size));
    detail::fd_guard guard{fd};
    return detail::digest_stream(blob_reader_from_fd(fd, path), h, path, size, cancel);
}

/// cosign's signature (base64, as `cosign sign-blob` prints it) over the blob whose digest is
/// `digest`, which must be the digest the key signs with (`signing_hash_of(signer.describe())`).
template <class Signer>
result<std::string> sign_blob_digest(const Signer& signer, const blob_digest& digest) {
    static_assert(check_signer<Signer>(), "sign_blob_digest needs a signer");
    if constexpr (has_sign_digest_v<Signer>) {
        COSIGN_TRY(auto sig, signer.sign_digest(digest.value, digest.algorithm));
        return base64::encode(sig);
    } else {
        (void)digest;
        return fail(errc::unsupported, "this signer cannot sign a precomputed digest");
    }
}

/// cosign's signature (base64) over the blob `read` gives, in constant memory when the signer
/// signs digests (every local key does); otherwise the blob is read into memory first.
template <class Signer>
result<std::string> sign_blob(const Signer& signer, const blob_reader& read) {
    static_assert(check_signer<Signer>(), "sign_blob needs a signer");
    if (detail::signs_digests(signer)) {
        COSIGN_TRY(auto d, digest_blob(read, signing_hash_of(signer.describe())));
        return sign_blob_digest(signer, d);
    }
    auto all = detail::read_whole_blob(read, "the blob");
    if (!all) return cosign::error(all.error()).context("reading the blob");
    COSIGN_TRY(auto sig, signer.sign(*all));
    return base64::encode(sig);
}

/// sign_blob() over the file at `path`; nothing is signed unless the whole file was read.
template <class Signer>
result<std::string> sign_blob_file(const Signer& signer, const std::string& path) {
    static_assert(check_signer<Signer>(), "sign_blob_file needs a signer");
    if (detail::signs_digests(signer)) {
        COSIGN_TRY(auto d, digest_blob_file(path, signing_hash_of(signer.describe())));
        return sign_blob_digest(signer, d);
    }
    std::uint64_t size = 0;
    COSIGN_TRY(int fd, detail::open_blob_file(path, size));
    detail::fd_guard guard{fd};
    COSIGN_TRY(auto all, detail::read_whole_blob(blob_reader_from_fd(fd, path), path));
    if (size != std::uint64_t(-1) && all.size() != size) return fail(errc::io, "file " + path + " changed while it was read");
    COSIGN_TRY(auto sig, signer.sign(all));
    return base64::encode(sig);
}

/// Checks a cosign blob signature (base64, or several lines ending in a newline, as cosign writes
/// it) against the blob whose digest is `digest`. Needs a crypto policy with verify_prehashed.
template <class Crypto>
result<void> verify_blob_digest(const typename Crypto::public_key& key, const blob_digest& digest,
                                std::string_view signature) {
    if constexpr (has_verify_prehashed_v<Crypto>) {
        COSIGN_TRY(auto sig, detail::decode_blob_signature(signature));
        return Crypto::verify_prehashed(key, digest.value, sig, digest.algorithm);
    } else {
        (void)key;
        (void)digest;
        (void)signature;
        return fail(errc::unsupported, "this crypto policy cannot verify a signature over a digest (no verify_prehashed)");
    }
}

/// Checks a cosign blob signature (base64) over the blob `read` gives, hashed with `h` (cosign's
/// default: SHA-256). errc::verification_failed when it does not verify. Constant memory when
/// the policy has verify_prehashed; otherwise the blob is read into memory (SHA-256 only).
template <class Crypto>
result<void> verify_blob(const typename Crypto::public_key& key, const blob_reader& read, std::string_view signature,
                         hash_algorithm h = hash_algorithm::sha256) {
    COSIGN_TRY(auto sig, detail::decode_blob_signature(signature));
    if constexpr (has_verify_prehashed_v<Crypto>) {
        COSIGN_TRY(auto d, digest_blob(read, h));
        return Crypto::verify_prehashed(key, d.value, sig, d.algorithm);
    } else {
        if (h != hash_algorithm::sha256)
            return fail(errc::unsupported, "this crypto policy verifies blobs with sha256 only");
        auto all = detail::read_whole_blob(read, "the blob");
        if (!all) return cosign::error(all.error()).context("reading the blob");
        return Crypto::verify(key, *all, sig);
    }
}

/// verify_blob() over the file at `path`.
template <class Crypto>
result<void> verify_blob_file(const typename Crypto::public_key& key, const std::string& path,
                              std::string_view signature, hash_algorithm h = hash_algorithm::sha256) {
    COSIGN_TRY(auto sig, detail::decode_blob_signature(signature));
    if constexpr (has_verify_prehashed_v<Crypto>) {
        COSIGN_TRY(auto d, digest_blob_file(path, h));
        return Crypto::verify_prehashed(key, d.value, sig, d.algorithm);
    } else {
        if (h != hash_algorithm::sha256)
            return fail(errc::unsupported, "this crypto policy verifies blobs with sha256 only");
        std::uint64_t size = 0;
        COSIGN_TRY(int fd, detail::open_blob_file(path, size));
        detail::fd_guard guard{fd};
        COSIGN_TRY(auto all, detail::read_whole_blob(blob_reader_from_fd(fd, path), path));
        if (size != std::uint64_t(-1) && all.size() != size)
            return fail(errc::io, "file " + path + " changed while it was read");
        return Crypto::verify(key, all, sig);
    }
}

}  // namespace v0
}  // namespace cosign
