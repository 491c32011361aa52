// SPDX-License-Identifier: Apache-2.0
/// SHA-256 (FIPS 180-4) as a value type, dependency-free, for content addressing and blobs:
/// the CPU's SHA extensions (x86 SHA-NI, ARMv8 crypto) when present, portable code otherwise.
///
/// OCI digests are SHA-256 of manifests and blobs; computing them is part of the data model, so
/// core/ and oci/ do it without a crypto backend. Blobs of gigabytes (sign-blob, verify-blob) are
/// hashed here too, which is why the hardware paths exist. The path is chosen once, at run time
/// (cpuid on x86, getauxval on Linux/aarch64); the special instructions are compiled with
/// function target attributes, so a build needs no -m flags. Define COSIGN_NO_SHA_EXTENSIONS
/// to compile the portable code only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "bytes.hpp"
#include "hex.hpp"

#if !defined(COSIGN_NO_SHA_EXTENSIONS) && (defined(__GNUC__) || defined(__clang__))
#if defined(__x86_64__) || defined(__i386__)
#define COSIGN_DETAIL_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#elif defined(__aarch64__) && (defined(__linux__) || defined(__APPLE__)) && \
    (!defined(__clang__) || defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO))
// GCC's arm_neon.h declares the SHA2 intrinsics for functions with a crypto target attribute;
// clang's (14) only when the whole build targets them (-march=armv8-a+crypto, Apple's default).
#define COSIGN_DETAIL_SHA256_ARM 1
#include <arm_neon.h>
#if defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2 (1 << 6)
#endif
#endif
#endif
#endif

namespace cosign {
inline namespace v0 {

/// A SHA-256 hash value.
struct sha256_hash {
    std::array<std::uint8_t, 32> bytes{};
    std::string hex() const { return hex::encode(bytes); }
    friend bool operator==(const sha256_hash& a, const sha256_hash& b) { return a.bytes == b.bytes; }
    friend bool operator!=(const sha256_hash& a, const sha256_hash& b) { return !(a == b); }
};

/// The implementations of the SHA-256 compression function.
enum class sha256_impl {
    portable,      ///< plain C++, everywhere
    x86_sha_ni,    ///< Intel SHA extensions (SHA-NI), x86-64 with SSE4.1
    armv8_crypto,  ///< ARMv8 cryptography extensions (SHA2 instructions), aarch64
};

namespace detail {

/// Processes `n` 64-byte blocks into `state`.
using sha256_blocks_fn = void (*)(std::uint32_t state[8], const std::uint8_t* blocks, std::size_t n);

inline constexpr std::uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t sha256_rotr(std::uint32_t x, int n) noexcept { return (x >> n) | (x << (32 - n)); }

/// The portable compression function: the fallback everywhere, and the reference the tests
/// compare the hardware paths with.
inline void sha256_blocks_portable(std::uint32_t state[8], const std::uint8_t* p, std::size_t n) noexcept {
    for (; n > 0; --n, p += 64) {
        std::uint32_t w[64];
        for (int i = 0; i < 16; ++i)
            w[i] = (std::uint32_t(p[4 * i]) << 24) | (std::uint32_t(p[4 * i + 1]) << 16) |
                   (std::uint32_t(p[4 * i + 2]) << 8) | std::uint32_t(p[4 * i + 3]);
        for (int i = 16; i < 64; ++i) {
            std::uint32_t s0 = sha256_rotr(w[i - 15], 7) ^ sha256_rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            std::uint32_t s1 = sha256_rotr(w[i - 2], 17) ^ sha256_rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5],
                      g = state[6], h = state[7];
        for (int i = 0; i < 64; ++i) {
            std::uint32_t t1 = h + (sha256_rotr(e, 6) ^ sha256_rotr(e, 11) ^ sha256_rotr(e, 25)) +
                               ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
            std::uint32_t t2 = (sha256_rotr(a, 2) ^ sha256_rotr(a, 13) ^ sha256_rotr(a, 22)) +
                               ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#if defined(COSIGN_DETAIL_SHA256_X86)
// SHA-NI, after Intel's white paper "Intel SHA Extensions" (2013): the state lives as ABEF/CDGH,
// each sha256rnds2 does two rounds, sha256msg1/msg2 extend the message schedule 4 words at a time.
#define COSIGN_DETAIL_SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

COSIGN_DETAIL_SHANI_TARGET inline __attribute__((always_inline)) void sha256_ni_rounds(
    __m128i& abef, __m128i& cdgh, __m128i w, const std::uint32_t* k) noexcept {
    __m128i wk = _mm_add_epi32(w, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k)));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// W[t..t+3] from W[t-16..t-13] (a), W[t-12..t-9] (b), W[t-8..t-5] (c), W[t-4..t-1] (d).
COSIGN_DETAIL_SHANI_TARGET inline __attribute__((always_inline)) __m128i sha256_ni_schedule(
    __m128i a, __m128i b, __m128i c, __m128i d) noexcept {
    __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(a, b), _mm_alignr_epi8(d, c, 4));
    return _mm_sha256msg2_epu32(t, d);
}

COSIGN_DETAIL_SHANI_TARGET inline void sha256_blocks_x86_sha_ni(std::uint32_t state[8], const std::uint8_t* p,
                                                                std::size_t n) noexcept {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state)), 0xB1);  // CDAB
    __m128i cdgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4)), 0x1B);  // HGFE
    __m128i abef = _mm_alignr_epi8(t, cdgh, 8);
    cdgh = _mm_blend_epi16(cdgh, t, 0xF0);
    const std::uint32_t* k = sha256_k;
    for (; n > 0; --n, p += 64) {
        const __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48)), bswap);
        sha256_ni_rounds(abef, cdgh, m0, k);
        sha256_ni_rounds(abef, cdgh, m1, k + 4);
        sha256_ni_rounds(abef, cdgh, m2, k + 8);
        sha256_ni_rounds(abef, cdgh, m3, k + 12);
        for (int i = 16; i < 64; i += 16) {
            m0 = sha256_ni_schedule(m0, m1, m2, m3);
            sha256_ni_rounds(abef, cdgh, m0, k + i);
            m1 = sha256_ni_schedule(m1, m2, m3, m0);
            sha256_ni_rounds(abef, cdgh, m1, k + i + 4);
            m2 = sha256_ni_schedule(m2, m3, m0, m1);
            sha256_ni_rounds(abef, cdgh, m2, k + i + 8);
            m3 = sha256_ni_schedule(m3, m0, m1, m2);
            sha256_ni_rounds(abef, cdgh, m3, k + i + 12);
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }
    t = _mm_shuffle_epi32(abef, 0x1B);    // FEBA
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);  // DCHG
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(t, cdgh, 0xF0));      // DCBA
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(cdgh, t, 8));     // HGFE
}
#undef COSIGN_DETAIL_SHANI_TARGET

/// True when the CPU has SHA-NI and the SSE4.1/SSSE3 it is used with.
inline bool cpu_has_sha_ni() noexcept {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = (c >> 9) & 1u, sse41 = (c >> 19) & 1u;
    if (!ssse3 || !sse41 || __get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1u;
}
#endif  // COSIGN_DETAIL_SHA256_X86

#if defined(COSIGN_DETAIL_SHA256_ARM)
// ARMv8 SHA2 instructions: sha256h/sha256h2 do four rounds, sha256su0/su1 extend the schedule.
// Compiled in on aarch64 but not exercised by this project's CI (x86-64 only).
#if defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO)
#define COSIGN_DETAIL_ARMSHA_TARGET
#elif defined(__clang__)
#define COSIGN_DETAIL_ARMSHA_TARGET __attribute__((target("crypto")))
#else
#define COSIGN_DETAIL_ARMSHA_TARGET __attribute__((target("+crypto")))
#endif

COSIGN_DETAIL_ARMSHA_TARGET inline void sha256_blocks_armv8(std::uint32_t state[8], const std::uint8_t* p,
                                                            std::size_t n) noexcept {
    uint32x4_t abcd = vld1q_u32(state), efgh = vld1q_u32(state + 4);
    for (; n > 0; --n, p += 64) {
        const uint32x4_t abcd_in = abcd, efgh_in = efgh;
        uint32x4_t m[4];
        for (int i = 0; i < 4; ++i) m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
        for (int i = 0; i < 16; ++i) {
            uint32x4_t& w = m[i & 3];
            const uint32x4_t wk = vaddq_u32(w, vld1q_u32(sha256_k + 4 * i));
            const uint32x4_t prev = abcd;
            abcd = vsha256hq_u32(abcd, efgh, wk);
            efgh = vsha256h2q_u32(efgh, prev, wk);
            if (i < 12) w = vsha256su1q_u32(vsha256su0q_u32(w, m[(i + 1) & 3]), m[(i + 2) & 3], m[(i + 3) & 3]);
        }
        abcd = vaddq_u32(abcd, abcd_in);
        efgh = vaddq_u32(efgh, efgh_in);
    }
    vst1q_u32(state, abcd);
    vst1q_u32(state + 4, efgh);
}
#undef COSIGN_DETAIL_ARMSHA_TARGET

inline bool cpu_has_armv8_sha2() noexcept {
#if defined(__APPLE__)
    return true;  // every Apple aarch64 CPU has them
#else
    return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#endif
}
#endif  // COSIGN_DETAIL_SHA256_ARM

}  // namespace detail

/// True when `impl` is compiled in and this CPU runs it.
inline bool sha256_impl_available(sha256_impl impl) noexcept {
    switch (impl) {
        case sha256_impl::portable:
            return true;
        case sha256_impl::x86_sha_ni:
#if defined(COSIGN_DETAIL_SHA256_X86)
            return detail::cpu_has_sha_ni();
#else
            return false;
#endif
        case sha256_impl::armv8_crypto:
#if defined(COSIGN_DETAIL_SHA256_ARM)
            return detail::cpu_has_armv8_sha2();
#else
            return false;
#endif
    }
    return false;
}

/// The implementation sha256_hasher uses by default: the hardware one when available.
inline sha256_impl sha256_default_impl() noexcept {
    static const sha256_impl chosen = sha256_impl_available(sha256_impl::x86_sha_ni)     ? sha256_impl::x86_sha_ni
                                      : sha256_impl_available(sha256_impl::armv8_crypto) ? sha256_impl::armv8_crypto
                                                                                          : sha256_impl::portable;
    return chosen;
}

/// The name of an implementation, for diagnostics and benchmarks.
inline const char* to_string(sha256_impl impl) noexcept {
    switch (impl) {
        case sha256_impl::portable:
            return "portable";
        case sha256_impl::x86_sha_ni:
            return "x86 SHA-NI";
        case sha256_impl::armv8_crypto:
            return "ARMv8 crypto extensions";
    }
    return "portable";
}

namespace detail {
/// The block function of `impl`; the portable one when `impl` is not available here.
inline sha256_blocks_fn sha256_blocks_for(sha256_impl impl) noexcept {
    if (!sha256_impl_available(impl)) return &sha256_blocks_portable;
    switch (impl) {
#if defined(COSIGN_DETAIL_SHA256_X86)
        case sha256_impl::x86_sha_ni:
            return &sha256_blocks_x86_sha_ni;
#endif
#if defined(COSIGN_DETAIL_SHA256_ARM)
        case sha256_impl::armv8_crypto:
            return &sha256_blocks_armv8;
#endif
        default:
            return &sha256_blocks_portable;
    }
}
}  // namespace detail

/// Incremental SHA-256. Whole blocks go to the compression function in one call, straight from
/// the caller's buffer; only a partial block is copied.
class sha256_hasher {
public:
    sha256_hasher() noexcept : blocks_(detail::sha256_blocks_for(sha256_default_impl())) { reset(); }
    /// A hasher on a given implementation (the portable one when `impl` is not available here):
    /// for tests and benchmarks that compare the paths.
    explicit sha256_hasher(sha256_impl impl) noexcept : blocks_(detail::sha256_blocks_for(impl)) { reset(); }

    void reset() noexcept {
        static constexpr std::uint32_t init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        std::memcpy(h_, init, sizeof h_);
        len_ = 0;
        buf_len_ = 0;
    }

    void update(byte_view in) noexcept {
        const std::uint8_t* p = in.data();
        std::size_t n = in.size();
        if (n == 0) return;
        len_ += n;
        if (buf_len_) {
            std::size_t take = 64 - buf_len_ < n ? 64 - buf_len_ : n;
            std::memcpy(buf_ + buf_len_, p, take);
            buf_len_ += take;
            p += take;
            n -= take;
            if (buf_len_ < 64) return;
            blocks_(h_, buf_, 1);
            buf_len_ = 0;
        }
        if (n >= 64) {
            blocks_(h_, p, n / 64);
            p += n & ~std::size_t(63);
            n &= 63;
        }
        if (n) {
            std::memcpy(buf_, p, n);
            buf_len_ = n;
        }
    }

    sha256_hash finish() noexcept {
        const std::uint64_t bits = len_ * 8;
        std::uint8_t tail[128] = {0};
        std::memcpy(tail, buf_, buf_len_);
        tail[buf_len_] = 0x80;
        const std::size_t total = buf_len_ < 56 ? 64 : 128;
        for (int i = 0; i < 8; ++i) tail[total - 1 - static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bits >> (8 * i));
        blocks_(h_, tail, total / 64);
        sha256_hash out;
        for (std::size_t i = 0; i < 8; ++i)
            for (unsigned j = 0; j < 4; ++j) out.bytes[i * 4 + j] = static_cast<std::uint8_t>(h_[i] >> (24 - 8 * j));
        reset();
        return out;
    }

private:
    detail::sha256_blocks_fn blocks_;
    std::uint32_t h_[8];
    std::uint64_t len_;
    std::uint8_t buf_[64];
    std::size_t buf_len_;
};

/// SHA-256 of a byte range.
inline sha256_hash sha256(byte_view in) noexcept {
    sha256_hasher h;
    h.update(in);
    return h.finish();
}

}  // namespace v0
}  // namespace cosign

#undef COSIGN_DETAIL_SHA256_X86
#undef COSIGN_DETAIL_SHA256_ARM
