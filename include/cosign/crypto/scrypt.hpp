// SPDX-License-Identifier: Apache-2.0
/// scrypt (RFC 7914) on a PBKDF2-HMAC-SHA256 supplied by the crypto backend, with the parameter
/// limits that keep a hostile key file from exhausting memory or time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

#if defined(__SSE2__) && !defined(COSIGN_NO_SIMD)
#include <emmintrin.h>
#define COSIGN_DETAIL_SCRYPT_SSE2 1
#else
#define COSIGN_DETAIL_SCRYPT_SSE2 0
#endif

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
    for (std::uint32_t k = 0; k < 16; ++k) x[k] = b[(2 * r - 1) * 16 + k];
    for (std::uint32_t i = 0; i < 2 * r; ++i) {
        for (std::uint32_t k = 0; k < 16; ++k) x[k] ^= b[i * 16 + k];
        salsa::salsa20_8_words(x);
        // Even blocks go to the first half of y, odd ones to the second half.
        std::uint32_t* dst = y + ((i / 2) + (i & 1) * r) * 16;
        for (int k = 0; k < 16; ++k) dst[k] = x[k];
    }
}

#if COSIGN_DETAIL_SCRYPT_SSE2
// The SSE2 path (Colin Percival's layout): each 64-byte block is kept with its words permuted
// (word i at position i*5 % 16) so that the four diagonals of the Salsa20 matrix are four
// vectors. About twice as fast as the scalar path; the RFC 7914 vectors check both.
inline void salsa20_8_sse2(__m128i b[4]) noexcept {
    __m128i x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], t;
#define COSIGN_DETAIL_QR(a, b_, c, s) \
    t = _mm_add_epi32(b_, c);         \
    a = _mm_xor_si128(a, _mm_slli_epi32(t, s)); \
    a = _mm_xor_si128(a, _mm_srli_epi32(t, 32 - s));
    for (int i = 0; i < 8; i += 2) {
        COSIGN_DETAIL_QR(x1, x0, x3, 7)
        COSIGN_DETAIL_QR(x2, x1, x0, 9)
        COSIGN_DETAIL_QR(x3, x2, x1, 13)
        COSIGN_DETAIL_QR(x0, x3, x2, 18)
        x1 = _mm_shuffle_epi32(x1, 0x93);
        x2 = _mm_shuffle_epi32(x2, 0x4E);
        x3 = _mm_shuffle_epi32(x3, 0x39);
        COSIGN_DETAIL_QR(x3, x0, x1, 7)
        COSIGN_DETAIL_QR(x2, x3, x0, 9)
        COSIGN_DETAIL_QR(x1, x2, x3, 13)
        COSIGN_DETAIL_QR(x0, x1, x2, 18)
        x1 = _mm_shuffle_epi32(x1, 0x39);
        x2 = _mm_shuffle_epi32(x2, 0x4E);
        x3 = _mm_shuffle_epi32(x3, 0x93);
    }
#undef COSIGN_DETAIL_QR
    b[0] = _mm_add_epi32(b[0], x0);
    b[1] = _mm_add_epi32(b[1], x1);
    b[2] = _mm_add_epi32(b[2], x2);
    b[3] = _mm_add_epi32(b[3], x3);
}

// BlockMix on permuted blocks: in -> out (8r vectors each); `x_in` optionally XORed into `in`
// first (ROMix's second loop), which saves a pass over the block.
inline void block_mix_sse2(const __m128i* in, const __m128i* x_in, __m128i* out, std::uint32_t r) noexcept {
    // r >= 1 (scrypt_check_params); said here too, or g++ -O2 sees r = 0 and warns
    // (-Warray-bounds) that in[8r - 4] would be in[-4].
    if (r == 0) return;
    __m128i x[4];
    const std::size_t last = std::size_t(8) * r - 4;
    for (int k = 0; k < 4; ++k)
        x[k] = x_in ? _mm_xor_si128(_mm_loadu_si128(in + last + k), _mm_loadu_si128(x_in + last + k))
                    : _mm_loadu_si128(in + last + k);
    for (std::uint32_t i = 0; i < 2 * r; ++i) {
        for (int k = 0; k < 4; ++k) {
            __m128i v = _mm_loadu_si128(in + i * 4 + k);
            if (x_in) v = _mm_xor_si128(v, _mm_loadu_si128(x_in + i * 4 + k));
            x[k] = _mm_xor_si128(x[k], v);
        }
        salsa20_8_sse2(x);
        __m128i* dst = out + ((i / 2) + (i & 1) * r) * 4;
        for (int k = 0; k < 4; ++k) _mm_storeu_si128(dst + k, x[k]);
    }
}
#endif

// ROMix (RFC 7914 §5) on one 128r-byte block; v has room for N*32r words, t for 32r words.
inline void ro_mix(std::uint8_t* block, std::uint32_t r, std::uint64_t n, std::uint32_t* v, std::uint32_t* x,
                   std::uint32_t* t) noexcept {
    if (r == 0 || n < 2) return;  // checked by scrypt_check_params; stated for the optimiser
    const std::size_t words = std::size_t(32) * r;
#if COSIGN_DETAIL_SCRYPT_SSE2
    for (std::size_t k = 0; k < words; ++k)
        x[k] = salsa::load32(block + 4 * ((k & ~std::size_t(15)) + (k % 16) * 5 % 16));
    auto* xv = reinterpret_cast<__m128i*>(x);
    auto* tv = reinterpret_cast<__m128i*>(t);
    auto* vv = reinterpret_cast<__m128i*>(v);
    const std::size_t vecs = words / 4;
    for (std::uint64_t i = 0; i < n; i += 2) {
        // V_i = X, X = H(X); V_{i+1} = X, X = H(X), without copying: mix V_i into V_{i+1}.
        __m128i* vi = vv + i * vecs;
        for (std::size_t k = 0; k < vecs; ++k) _mm_storeu_si128(vi + k, _mm_loadu_si128(xv + k));
        block_mix_sse2(vi, nullptr, vi + vecs, r);
        block_mix_sse2(vi + vecs, nullptr, xv, r);
    }
    for (std::uint64_t i = 0; i < n; i += 2) {
        // Permuted layout: the integerify words 0 and 1 sit at positions 0 and 13.
        const std::uint32_t* last = x + (2 * r - 1) * 16;
        std::uint64_t j = (std::uint64_t(last[0]) | (std::uint64_t(last[13]) << 32)) & (n - 1);
        block_mix_sse2(xv, vv + j * vecs, tv, r);
        const std::uint32_t* lt = t + (2 * r - 1) * 16;
        j = (std::uint64_t(lt[0]) | (std::uint64_t(lt[13]) << 32)) & (n - 1);
        block_mix_sse2(tv, vv + j * vecs, xv, r);
    }
    for (std::size_t k = 0; k < words; ++k)
        salsa::store32(block + 4 * ((k & ~std::size_t(15)) + (k % 16) * 5 % 16), x[k]);
#else
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
#endif
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
