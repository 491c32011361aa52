// SPDX-License-Identifier: Apache-2.0
/// A portable Poly1305 one-time MAC (RFC 8439) for crypto policies whose backend has none: the PSA
/// Crypto API offers Poly1305 only inside ChaCha20-Poly1305, and cosign's key files need the bare
/// MAC (NaCl secretbox). 26-bit limbs and 64-bit products, in constant time; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/bytes.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {

inline std::uint32_t poly1305_le32(const std::uint8_t* p) noexcept {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

/// Poly1305 of `message` under the one-time 32-byte key `key32` (r || s): the 16-byte tag into
/// `tag16`.
inline void poly1305(const std::uint8_t* key32, byte_view message, std::uint8_t* tag16) noexcept {
    constexpr std::uint32_t mask26 = 0x3ffffff;
    // r, clamped, in five 26-bit limbs.
    const std::uint32_t r0 = poly1305_le32(key32 + 0) & 0x3ffffff;
    const std::uint32_t r1 = (poly1305_le32(key32 + 3) >> 2) & 0x3ffff03;
    const std::uint32_t r2 = (poly1305_le32(key32 + 6) >> 4) & 0x3ffc0ff;
    const std::uint32_t r3 = (poly1305_le32(key32 + 9) >> 6) & 0x3f03fff;
    const std::uint32_t r4 = (poly1305_le32(key32 + 12) >> 8) & 0x00fffff;
    const std::uint32_t s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
    std::uint32_t h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0;

    auto block = [&](const std::uint8_t* m, std::uint32_t hibit) {
        h0 += poly1305_le32(m + 0) & mask26;
        h1 += (poly1305_le32(m + 3) >> 2) & mask26;
        h2 += (poly1305_le32(m + 6) >> 4) & mask26;
        h3 += (poly1305_le32(m + 9) >> 6) & mask26;
        h4 += (poly1305_le32(m + 12) >> 8) | hibit;
        using u64 = std::uint64_t;
        u64 d0 = u64(h0) * r0 + u64(h1) * s4 + u64(h2) * s3 + u64(h3) * s2 + u64(h4) * s1;
        u64 d1 = u64(h0) * r1 + u64(h1) * r0 + u64(h2) * s4 + u64(h3) * s3 + u64(h4) * s2;
        u64 d2 = u64(h0) * r2 + u64(h1) * r1 + u64(h2) * r0 + u64(h3) * s4 + u64(h4) * s3;
        u64 d3 = u64(h0) * r3 + u64(h1) * r2 + u64(h2) * r1 + u64(h3) * r0 + u64(h4) * s4;
        u64 d4 = u64(h0) * r4 + u64(h1) * r3 + u64(h2) * r2 + u64(h3) * r1 + u64(h4) * r0;
        std::uint32_t c = static_cast<std::uint32_t>(d0 >> 26);
        h0 = static_cast<std::uint32_t>(d0) & mask26;
        d1 += c;
        c = static_cast<std::uint32_t>(d1 >> 26);
        h1 = static_cast<std::uint32_t>(d1) & mask26;
        d2 += c;
        c = static_cast<std::uint32_t>(d2 >> 26);
        h2 = static_cast<std::uint32_t>(d2) & mask26;
        d3 += c;
        c = static_cast<std::uint32_t>(d3 >> 26);
        h3 = static_cast<std::uint32_t>(d3) & mask26;
        d4 += c;
        c = static_cast<std::uint32_t>(d4 >> 26);
        h4 = static_cast<std::uint32_t>(d4) & mask26;
        h0 += c * 5;
        c = h0 >> 26;
        h0 &= mask26;
        h1 += c;
    };

    const std::uint8_t* m = message.data();
    std::size_t n = message.size();
    while (n >= 16) {
        block(m, 1u << 24);
        m += 16;
        n -= 16;
    }
    if (n > 0) {  // the last partial block, padded with 1 then zeros, without the 2^128 bit
        std::uint8_t last[16] = {0};
        for (std::size_t i = 0; i < n; ++i) last[i] = m[i];
        last[n] = 1;
        block(last, 0);
    }

    // Carry fully, then reduce modulo 2^130 - 5 in constant time.
    std::uint32_t c = h1 >> 26;
    h1 &= mask26;
    h2 += c;
    c = h2 >> 26;
    h2 &= mask26;
    h3 += c;
    c = h3 >> 26;
    h3 &= mask26;
    h4 += c;
    c = h4 >> 26;
    h4 &= mask26;
    h0 += c * 5;
    c = h0 >> 26;
    h0 &= mask26;
    h1 += c;

    std::uint32_t g0 = h0 + 5;
    c = g0 >> 26;
    g0 &= mask26;
    std::uint32_t g1 = h1 + c;
    c = g1 >> 26;
    g1 &= mask26;
    std::uint32_t g2 = h2 + c;
    c = g2 >> 26;
    g2 &= mask26;
    std::uint32_t g3 = h3 + c;
    c = g3 >> 26;
    g3 &= mask26;
    std::uint32_t g4 = h4 + c - (1u << 26);

    std::uint32_t select = (g4 >> 31) - 1;  // all ones when h >= p (take g), zero otherwise
    g0 &= select;
    g1 &= select;
    g2 &= select;
    g3 &= select;
    g4 &= select;
    select = ~select;
    h0 = (h0 & select) | g0;
    h1 = (h1 & select) | g1;
    h2 = (h2 & select) | g2;
    h3 = (h3 & select) | g3;
    h4 = (h4 & select) | g4;

    // h mod 2^128, plus s.
    const std::uint32_t w0 = h0 | (h1 << 26);
    const std::uint32_t w1 = (h1 >> 6) | (h2 << 20);
    const std::uint32_t w2 = (h2 >> 12) | (h3 << 14);
    const std::uint32_t w3 = (h3 >> 18) | (h4 << 8);
    std::uint64_t f = std::uint64_t(w0) + poly1305_le32(key32 + 16);
    const std::uint32_t t0 = static_cast<std::uint32_t>(f);
    f = std::uint64_t(w1) + poly1305_le32(key32 + 20) + (f >> 32);
    const std::uint32_t t1 = static_cast<std::uint32_t>(f);
    f = std::uint64_t(w2) + poly1305_le32(key32 + 24) + (f >> 32);
    const std::uint32_t t2 = static_cast<std::uint32_t>(f);
    f = std::uint64_t(w3) + poly1305_le32(key32 + 28) + (f >> 32);
    const std::uint32_t t3 = static_cast<std::uint32_t>(f);
    const std::uint32_t t[4] = {t0, t1, t2, t3};
    for (int i = 0; i < 4; ++i)
        for (int b = 0; b < 4; ++b) tag16[4 * i + b] = static_cast<std::uint8_t>(t[i] >> (8 * b));
}

}  // namespace detail
}  // namespace v0
}  // namespace cosign
