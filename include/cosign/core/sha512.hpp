// SPDX-License-Identifier: Apache-2.0
/// SHA-384 and SHA-512 (FIPS 180-4), portable and dependency-free, for streaming blobs signed
/// with P-384 and P-521 keys (which cosign signs with SHA-384 and SHA-512).
///
/// No hardware path: x86 has SHA-512 instructions only since 2024 (Arrow Lake), and ARMv8.2's
/// SHA512 extension is rare; 64-bit portable code is what OpenSSL's generic path does too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "bytes.hpp"

namespace cosign {
inline namespace v0 {

/// Incremental SHA-512, or SHA-384 (its truncation with other initial values).
class sha512_hasher {
public:
    /// `bits384` selects SHA-384.
    explicit sha512_hasher(bool bits384 = false) noexcept : is384_(bits384) { reset(); }

    /// The digest size in bytes: 64, or 48 for SHA-384.
    std::size_t size() const noexcept { return is384_ ? 48 : 64; }

    void reset() noexcept {
        static constexpr std::uint64_t init512[8] = {
            0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
            0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};
        static constexpr std::uint64_t init384[8] = {
            0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL, 0x152fecd8f70e5939ULL,
            0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL, 0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL};
        std::memcpy(h_, is384_ ? init384 : init512, sizeof h_);
        len_ = 0;
        buf_len_ = 0;
    }

    void update(byte_view in) noexcept {
        const std::uint8_t* p = in.data();
        std::size_t n = in.size();
        if (n == 0) return;
        len_ += n;
        if (buf_len_) {
            std::size_t take = 128 - buf_len_ < n ? 128 - buf_len_ : n;
            std::memcpy(buf_ + buf_len_, p, take);
            buf_len_ += take;
            p += take;
            n -= take;
            if (buf_len_ < 128) return;
            blocks(buf_, 1);
            buf_len_ = 0;
        }
        if (n >= 128) {
            blocks(p, n / 128);
            p += n & ~std::size_t(127);
            n &= 127;
        }
        if (n) {
            std::memcpy(buf_, p, n);
            buf_len_ = n;
        }
    }

    /// Writes size() bytes to `out` and resets.
    void finish(std::uint8_t* out) noexcept {
        std::uint8_t tail[256] = {0};
        std::memcpy(tail, buf_, buf_len_);
        tail[buf_len_] = 0x80;
        const std::size_t total = buf_len_ < 112 ? 128 : 256;
        // The length in bits is 128 bits wide; len_ * 8 overflows 64 bits only past 2 EiB.
        const std::uint64_t bits_lo = len_ << 3, bits_hi = len_ >> 61;
        for (std::size_t i = 0; i < 8; ++i) {
            tail[total - 1 - i] = static_cast<std::uint8_t>(bits_lo >> (8 * i));
            tail[total - 9 - i] = static_cast<std::uint8_t>(bits_hi >> (8 * i));
        }
        blocks(tail, total / 128);
        for (std::size_t i = 0; i < size(); ++i) out[i] = static_cast<std::uint8_t>(h_[i / 8] >> (56 - 8 * (i % 8)));
        reset();
    }

private:
    static std::uint64_t rotr(std::uint64_t x, int n) noexcept { return (x >> n) | (x << (64 - n)); }

    void blocks(const std::uint8_t* p, std::size_t n) noexcept {
        static constexpr std::uint64_t k[80] = {
            0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
            0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
            0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
            0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
            0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
            0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
            0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
            0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
            0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
            0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
            0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
            0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
            0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
            0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
            0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
            0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
            0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
            0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
            0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
            0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL};
        for (; n > 0; --n, p += 128) {
            std::uint64_t w[80];
            for (int i = 0; i < 16; ++i) {
                std::uint64_t v = 0;
                for (int j = 0; j < 8; ++j) v = (v << 8) | p[8 * i + j];
                w[i] = v;
            }
            for (int i = 16; i < 80; ++i) {
                std::uint64_t s0 = rotr(w[i - 15], 1) ^ rotr(w[i - 15], 8) ^ (w[i - 15] >> 7);
                std::uint64_t s1 = rotr(w[i - 2], 19) ^ rotr(w[i - 2], 61) ^ (w[i - 2] >> 6);
                w[i] = w[i - 16] + s0 + w[i - 7] + s1;
            }
            std::uint64_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4], f = h_[5], g = h_[6], h = h_[7];
            for (int i = 0; i < 80; ++i) {
                std::uint64_t t1 = h + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
                std::uint64_t t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
                h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }
            h_[0] += a; h_[1] += b; h_[2] += c; h_[3] += d; h_[4] += e; h_[5] += f; h_[6] += g; h_[7] += h;
        }
    }

    bool is384_;
    std::uint64_t h_[8];
    std::uint64_t len_;
    std::uint8_t buf_[128];
    std::size_t buf_len_;
};

}  // namespace v0
}  // namespace cosign
