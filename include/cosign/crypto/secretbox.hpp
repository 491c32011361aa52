// SPDX-License-Identifier: Apache-2.0
/// NaCl secretbox (XSalsa20-Poly1305) in Go's layout, tag || ciphertext, on a Poly1305 supplied
/// by the crypto backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "salsa20.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {

inline constexpr std::size_t secretbox_key_size = 32;
inline constexpr std::size_t secretbox_nonce_size = 24;
inline constexpr std::size_t secretbox_tag_size = 16;

inline result<void> secretbox_check(byte_view nonce, byte_view key) {
    if (nonce.size() != secretbox_nonce_size)
        return fail(errc::invalid_argument,
                    "secretbox: the nonce must be 24 bytes, got " + std::to_string(nonce.size()));
    if (key.size() != secretbox_key_size)
        return fail(errc::invalid_argument,
                    "secretbox: the key must be 32 bytes, got " + std::to_string(key.size()));
    return {};
}

/// Seals `plaintext`: returns the 16-byte Poly1305 tag followed by the XSalsa20 ciphertext, as Go's
/// secretbox.Seal. `poly1305` is `result<void>(const std::uint8_t key[32], byte_view, std::uint8_t tag[16])`.
template <class Poly1305, class Out = bytes>
result<Out> secretbox_seal(byte_view plaintext, byte_view nonce, byte_view key, Poly1305&& poly1305) {
    COSIGN_TRY_VOID(secretbox_check(nonce, key));
    std::uint8_t poly_key[32] = {0};
    salsa::xsalsa20_xor(poly_key, poly_key, sizeof poly_key, nonce.data(), key.data());
    Out out(secretbox_tag_size + plaintext.size());
    if (!plaintext.empty())
        salsa::xsalsa20_xor(out.data() + secretbox_tag_size, plaintext.data(), plaintext.size(), nonce.data(),
                            key.data(), 32);
    auto mac = poly1305(poly_key, byte_view(out.data() + secretbox_tag_size, plaintext.size()), out.data());
    secure_zero(poly_key, sizeof poly_key);
    if (!mac) return std::move(mac).error();
    return out;
}

/// Opens a box made by secretbox_seal; a box that does not authenticate (wrong key, altered
/// bytes) fails with errc::verification_failed and releases nothing.
template <class Poly1305, class Out = secure_bytes>
result<Out> secretbox_open(byte_view boxed, byte_view nonce, byte_view key, Poly1305&& poly1305) {
    COSIGN_TRY_VOID(secretbox_check(nonce, key));
    if (boxed.size() < secretbox_tag_size)
        return fail(errc::verification_failed, "secretbox: the box is shorter than its 16-byte tag");
    std::uint8_t poly_key[32] = {0};
    salsa::xsalsa20_xor(poly_key, poly_key, sizeof poly_key, nonce.data(), key.data());
    byte_view ct = boxed.subview(secretbox_tag_size);
    std::uint8_t tag[secretbox_tag_size];
    auto mac = poly1305(poly_key, ct, tag);
    secure_zero(poly_key, sizeof poly_key);
    if (!mac) return std::move(mac).error();
    if (!constant_time_equal(byte_view(tag, sizeof tag), boxed.subview(0, secretbox_tag_size)))
        return fail(errc::verification_failed, "secretbox: authentication failed");
    Out out(ct.size());
    if (!ct.empty()) salsa::xsalsa20_xor(out.data(), ct.data(), ct.size(), nonce.data(), key.data(), 32);
    return out;
}

}  // namespace detail
}  // namespace v0
}  // namespace cosign
