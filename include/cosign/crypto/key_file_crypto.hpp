// SPDX-License-Identifier: Apache-2.0
/// What cosign's key files need beyond a crypto policy's primitives, as free functions over any
/// policy P: scrypt (on P::pbkdf2_hmac_sha256), NaCl secretbox (on P::poly1305) and Go-exact
/// PKCS#8 (around P::private_key_der). No backend writes these itself, so no policy forwards them.
///
///     using P = cosign::crypto::mbedtls;
///     auto key = cosign::crypto::scrypt<P>(password, salt, 65536, 8, 1, 32);
///     auto box = cosign::crypto::secretbox_seal<P>(plaintext, nonce24, *key);
///     auto der = cosign::crypto::to_pkcs8_der<P>(private_key);
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "asn1.hpp"
#include "concepts.hpp"
#include "scrypt.hpp"
#include "secretbox.hpp"

namespace cosign {
inline namespace v0 {
namespace crypto {

/// scrypt (RFC 7914) on P's PBKDF2-HMAC-SHA256, or P's own scrypt when it has one
/// (has_native_scrypt_v). Either way it refuses N that is not a power of two above 1, N above
/// COSIGN_MAX_SCRYPT_N, r*p above 256, and more memory than N = COSIGN_MAX_SCRYPT_N with r = 8.
template <class P>
result<secure_bytes> scrypt(byte_view password, byte_view salt, std::uint64_t n, std::uint32_t r, std::uint32_t p,
                            std::size_t key_len) {
    if constexpr (has_native_scrypt_v<P>) {
        COSIGN_TRY_VOID(detail::scrypt_check_params(n, r, p, key_len));
        return P::scrypt(password, salt, n, r, p, key_len);
    } else {
        return detail::scrypt(password, salt, n, r, p, key_len,
                              [](byte_view pw, byte_view s, std::uint8_t* out, std::size_t len) {
                                  return P::pbkdf2_hmac_sha256(pw, s, 1, out, len);
                              });
    }
}

/// NaCl secretbox (XSalsa20-Poly1305) on P's Poly1305: returns tag || ciphertext, as Go's
/// secretbox.Seal. A nonce that is not 24 bytes or a key that is not 32 is errc::invalid_argument.
template <class P>
result<bytes> secretbox_seal(byte_view plaintext, byte_view nonce24, byte_view key32) {
    return detail::secretbox_seal(plaintext, nonce24, key32,
                                  [](const std::uint8_t* key, byte_view message, std::uint8_t* tag) {
                                      return P::poly1305(key, message, tag);
                                  });
}

/// Opens a box made by secretbox_seal; errc::verification_failed when it does not authenticate
/// (wrong key, altered bytes), and then nothing is released.
template <class P>
result<secure_bytes> secretbox_open(byte_view boxed, byte_view nonce24, byte_view key32) {
    return detail::secretbox_open(boxed, nonce24, key32,
                                  [](const std::uint8_t* key, byte_view message, std::uint8_t* tag) {
                                      return P::poly1305(key, message, tag);
                                  });
}

/// The key as PKCS#8 DER, byte for byte what Go's x509.MarshalPKCS8PrivateKey writes (what
/// cosign encrypts in its key files): P::private_key_der's SEC1 or PKCS#1, wrapped. Other
/// key types are errc::unsupported.
template <class P>
result<secure_bytes> to_pkcs8_der(const typename P::private_key& key) {
    COSIGN_TRY(auto der, P::private_key_der(key));
    secure_bytes out;
    if (detail::der::is_sec1(der))
        out = detail::der::sec1_to_pkcs8(der);
    else if (detail::der::is_pkcs1_private(der))
        out = detail::der::pkcs1_to_pkcs8(der);
    if (out.empty()) return fail(errc::unsupported, "this key type cannot be written as PKCS#8");
    return out;
}

}  // namespace crypto
}  // namespace v0
}  // namespace cosign
