// SPDX-License-Identifier: Apache-2.0
/// scrypt (RFC 7914) on a PBKDF2-HMAC-SHA256 supplied by the crypto backend, with the parameter
/// limits that keep a hostile key file from exhausting memory or time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

#include "../core/bytes.hpp"
#include "../core/config.hpp"
#include "../core/result.hpp"
#include "salsa20.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {

/// Largest r*p accepted (RFC 7914 allows up to 2^30; the RFC's own vectors stop at 128).
inline constexpr std::uint64_t scrypt_max_rp = 256;

/// Largest memory scrypt may use: what COSIGN_MAX_SCRYPT_N needs with cosign's r = 8.
inline constexpr std::uint64_t scrypt_max_memory = std::uint64_t(128) * 8 * COSIGN_MAX_SCRYPT_N;

/// Checks scrypt parameters before any work is done; the message says what is allowed.
inline result<void> scrypt_check_params(std::uint64_t n, std::uint32_t r, std::uint32_t p,
                                        std::size_t key_len) {
    if (n < 2 || (n & (n - 1)) != 0)
        return fail(errc::invalid_argument, "scrypt: N = " + std::to_string(n) +
                                                " is not allowed: N must be a power of two greater than 1");
    if (n > COSIGN_MAX_SCRYPT_N)
        return fail(errc::limit_exceeded, "scrypt: N = " + std::to_string(n) + " is larger than the limit " +
                                              std::to_string(COSIGN_MAX_SCRYPT_N) +
                                              " (raise COSIGN_MAX_SCRYPT_N to allow it)");
    if (r == 0 || p == 0 || std::uint64_t(r) * p > scrypt_max_rp)
        return fail(errc::limit_exceeded, "scrypt: r = " + std::to_string(r) + ", p = " + std::to_string(p) +
                                              " is not allowed: r and p must be at least 1 and r*p at most " +
                                              std::to_string(scrypt_max_rp));
    if (std::uint64_t(128) * r * n > scrypt_max_memory)
        return fail(errc::limit_exceeded, "scrypt: N = " + std::to_string(n) +
                                              " with r = " + std::to_string(r) + " needs more than " +
                                              std::to_string(scrypt_max_memory >> 20) +
                                              " MiB (128*r*N bytes)");
    if (key_len == 0 || key_len > 1024)
        return fail(errc::invalid_argument,
                    "scrypt: the derived key length must be between 1 and 1024 bytes");
    return {};
}

namespace scrypt_impl {

// BlockMix with Salsa20/8 on 2r 64-byte blocks held as 32r words: b -> y (RFC 7914 §4).
inline void block_mix(const std::uint32_t* b, std::uint32_t* y, std::uint32_t r) noexcept {
    std::uint32_t x[16];
    for (int k = 0; k < 16; ++k) x[k] = b[(2 * r - 1) * 16 + k];
    for (std::uint32_t i = 0; i < 2 * r; ++i) {
        for (int k = 0; k < 16; ++k) x[k] ^= b[i * 16 + k];
        salsa::salsa20_8_words(x);
        // Even blocks go to the first half of y, odd ones to the second half.
        std::uint32_t* dst = y + ((i / 2) + (i & 1) * r) * 16;
        for (int k = 0; k < 16; ++k) dst[k] = x[k];
    }
}

// ROMix (RFC 7914 §5) on one 128r-byte block; v has room for N*32r words, t for 32r words.
inline void ro_mix(std::uint8_t* block, std::uint32_t r, std::uint64_t n, std::uint32_t* v, std::uint32_t* x,
                   std::uint32_t* t) noexcept {
    const std::size_t words = std::size_t(32) * r;
    for (std::size_t k = 0; k < words; ++k) x[k] = salsa::load32(block + 4 * k);
    for (std::uint64_t i = 0; i < n; ++i) {
        std::uint32_t* vi = v + i * words;
        for (std::size_t k = 0; k < words; ++k) vi[k] = x[k];
        block_mix(vi, x, r);
    }
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint32_t* last = x + (2 * r - 1) * 16;
        std::uint64_t j = (std::uint64_t(last[0]) | (std::uint64_t(last[1]) << 32)) & (n - 1);
        const std::uint32_t* vj = v + j * words;
        for (std::size_t k = 0; k < words; ++k) t[k] = x[k] ^ vj[k];
        block_mix(t, x, r);
    }
    for (std::size_t k = 0; k < words; ++k) salsa::store32(block + 4 * k, x[k]);
}

// Words freed with a wipe; allocation failure is reported, not thrown.
struct wiped_words {
    std::uint32_t* p = nullptr;
    std::size_t n = 0;
    explicit wiped_words(std::size_t count) : p(new (std::nothrow) std::uint32_t[count]), n(p ? count : 0) {}
    ~wiped_words() {
        if (p) {
            secure_zero(p, n * sizeof(std::uint32_t));
            delete[] p;
        }
    }
    wiped_words(const wiped_words&) = delete;
    wiped_words& operator=(const wiped_words&) = delete;
};

}  // namespace scrypt_impl

/// scrypt(password, salt, N, r, p, key_len). `pbkdf2` is a callable
/// `result<void>(byte_view password, byte_view salt, std::uint8_t* out, std::size_t len)` computing
/// PBKDF2-HMAC-SHA256 with one iteration (the backend's).
template <class Pbkdf2>
result<secure_bytes> scrypt(byte_view password, byte_view salt, std::uint64_t n, std::uint32_t r,
                            std::uint32_t p, std::size_t key_len, Pbkdf2&& pbkdf2) {
    COSIGN_TRY_VOID(scrypt_check_params(n, r, p, key_len));
    const std::size_t block_bytes = std::size_t(128) * r;
    secure_bytes b(block_bytes * p);
    COSIGN_TRY_VOID(pbkdf2(password, salt, b.data(), b.size()));
    scrypt_impl::wiped_words v(static_cast<std::size_t>(n) * 32 * r);
    scrypt_impl::wiped_words scratch(std::size_t(64) * r);
    if (!v.p || !scratch.p)
        return fail(errc::limit_exceeded,
                    "scrypt: could not allocate " + std::to_string((n * block_bytes) >> 20) +
                        " MiB for N = " + std::to_string(n) + ", r = " + std::to_string(r));
    for (std::uint32_t i = 0; i < p; ++i)
        scrypt_impl::ro_mix(b.data() + i * block_bytes, r, n, v.p, scratch.p,
                            scratch.p + std::size_t(32) * r);
    secure_bytes out(key_len);
    COSIGN_TRY_VOID(pbkdf2(password, b, out.data(), out.size()));
    return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace cosign
