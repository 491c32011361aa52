// SPDX-License-Identifier: Apache-2.0
/// Portable Salsa20 family cores (Salsa20/20, Salsa20/8, HSalsa20, XSalsa20), which mbedTLS lacks
/// and cosign's key files need (scrypt and NaCl secretbox). No backend, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/bytes.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {
namespace salsa {

inline std::uint32_t rotl(std::uint32_t x, int n) noexcept { return (x << n) | (x >> (32 - n)); }

inline std::uint32_t load32(const std::uint8_t* p) noexcept {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
           (std::uint32_t(p[3]) << 24);
}

inline void store32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v);
    p[1] = static_cast<std::uint8_t>(v >> 8);
    p[2] = static_cast<std::uint8_t>(v >> 16);
    p[3] = static_cast<std::uint8_t>(v >> 24);
}

/// `rounds` Salsa20 rounds (an even number) applied in place to 16 words, without the final
/// feed-forward addition.
inline void permute(std::uint32_t x[16], int rounds) noexcept {
    auto qr = [](std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d) {
        b ^= rotl(a + d, 7);
        c ^= rotl(b + a, 9);
        d ^= rotl(c + b, 13);
        a ^= rotl(d + c, 18);
    };
    for (int i = 0; i < rounds; i += 2) {
        qr(x[0], x[4], x[8], x[12]);  // columns
        qr(x[5], x[9], x[13], x[1]);
        qr(x[10], x[14], x[2], x[6]);
        qr(x[15], x[3], x[7], x[11]);
        qr(x[0], x[1], x[2], x[3]);  // rows
        qr(x[5], x[6], x[7], x[4]);
        qr(x[10], x[11], x[8], x[9]);
        qr(x[15], x[12], x[13], x[14]);
    }
}

/// Salsa20/8 core as scrypt uses it: b = b + permute8(b), on 16 little-endian words. It runs
/// millions of times per key file, so it does not wipe its stack copy; scrypt wipes its buffers.
inline void salsa20_8_words(std::uint32_t b[16]) noexcept {
    std::uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = b[i];
    permute(x, 8);
    for (int i = 0; i < 16; ++i) b[i] += x[i];
}

inline constexpr std::uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32,
                                           0x6b206574};  // "expand 32-byte k"

/// Builds the Salsa20 input block from a 32-byte key and 16 bytes of nonce/counter (or input).
inline void setup(std::uint32_t s[16], const std::uint8_t key[32], const std::uint8_t in16[16]) noexcept {
    s[0] = sigma[0];
    s[5] = sigma[1];
    s[10] = sigma[2];
    s[15] = sigma[3];
    for (int i = 0; i < 4; ++i) {
        s[1 + i] = load32(key + 4 * i);
        s[11 + i] = load32(key + 16 + 4 * i);
        s[6 + i] = load32(in16 + 4 * i);
    }
}

/// HSalsa20: derives XSalsa20's subkey from the key and the first 16 nonce bytes.
inline void hsalsa20(std::uint8_t out[32], const std::uint8_t key[32], const std::uint8_t in16[16]) noexcept {
    std::uint32_t x[16];
    setup(x, key, in16);
    permute(x, 20);
    static constexpr int pick[8] = {0, 5, 10, 15, 6, 7, 8, 9};
    for (int i = 0; i < 8; ++i) store32(out + 4 * i, x[pick[i]]);
    secure_zero(x, sizeof x);
}

/// One 64-byte Salsa20/20 key-stream block for an 8-byte nonce and a block counter.
inline void salsa20_block(std::uint8_t out[64], const std::uint8_t key[32], const std::uint8_t nonce8[8],
                          std::uint64_t counter) noexcept {
    std::uint8_t in16[16];
    for (int i = 0; i < 8; ++i) in16[i] = nonce8[i];
    for (int i = 0; i < 8; ++i) in16[8 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
    std::uint32_t s[16], x[16];
    setup(s, key, in16);
    for (int i = 0; i < 16; ++i) x[i] = s[i];
    permute(x, 20);
    for (int i = 0; i < 16; ++i) store32(out + 4 * i, x[i] + s[i]);
    secure_zero(s, sizeof s);
    secure_zero(x, sizeof x);
}

/// XSalsa20 stream: out[i] = in[i] ^ keystream[skip + i] for a 24-byte nonce. `skip` lets
/// secretbox reserve the first 32 key-stream bytes for the Poly1305 key. in may equal out.
inline void xsalsa20_xor(std::uint8_t* out, const std::uint8_t* in, std::size_t n,
                         const std::uint8_t nonce24[24], const std::uint8_t key[32],
                         std::size_t skip = 0) noexcept {
    std::uint8_t subkey[32];
    hsalsa20(subkey, key, nonce24);
    std::uint8_t block[64];
    std::uint64_t counter = skip / 64;
    std::size_t offset = skip % 64;
    std::size_t i = 0;
    while (i < n) {
        salsa20_block(block, subkey, nonce24 + 16, counter++);
        for (; offset < 64 && i < n; ++offset, ++i) out[i] = static_cast<std::uint8_t>(in[i] ^ block[offset]);
        offset = 0;
    }
    secure_zero(block, sizeof block);
    secure_zero(subkey, sizeof subkey);
}

}  // namespace salsa
}  // namespace detail
}  // namespace v0
}  // namespace cosign
