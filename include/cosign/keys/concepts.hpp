// SPDX-License-Identifier: Apache-2.0
/// The requirements of signers and key sources, checked at compile time with one readable
/// message each.
///
/// A **signer** (value `s`, const) hides the key and provides:
///
/// | expression | meaning |
/// | --- | --- |
/// | `s.sign(byte_view payload)` -> `result<bytes>` | cosign's signature over the payload |
/// | `s.public_key_pem()` -> `std::string` | the "PUBLIC KEY" PEM of its key |
/// | `s.describe()` -> `key_info` | type, size and curve of its key |
///
/// Optional (`has_sign_digest_v<S>`): `s.sign_digest(byte_view digest, hash_algorithm)` ->
/// `result<bytes>`, the signature sign() gives over the message of that digest (the digest cosign
/// signs with for the key: `signing_hash_of(s.describe())`). Blobs stream through a hasher and are
/// signed with it, never held in memory.
///
/// Optional (`has_certificate_v<S>`): `s.certificate()` -> `signer_certificate`, the certificate
/// (and its chain) that vouches for the key, as a keyless signer carries Fulcio's; an empty
/// `certificate_pem` means none. basic_signer stores it in the certificate and chain annotations
/// and logs the certificate to Rekor instead of the key.
///
/// A **key source** `K` turns a `--key` reference into a signer:
///
/// | expression | meaning |
/// | --- | --- |
/// | `K::signer_type` | the signer it returns |
/// | `K::handles(std::string_view key_ref)` -> `bool` | is the reference for this source |
/// | `K::load(std::string_view key_ref, const password_fn& pw)` -> `result<signer_type>` | the signer |
///
/// load() calls `pw` only when a password is needed, and only once.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "../crypto/key_info.hpp"

namespace cosign {
inline namespace v0 {

/// The certificate a signer carries for its key (keyless: the one Fulcio issued).
struct signer_certificate {
    std::string certificate_pem;  ///< the leaf, PEM (`dev.sigstore.cosign/certificate`); empty: none
    std::string chain_pem;        ///< the issuing chain, parent first (`dev.sigstore.cosign/chain`)
};

/// Supplies the key password when (and only when) a key source needs it.
using password_fn = std::function<result<secure_bytes>()>;

namespace detail {
namespace key_ops {
template <class S>
using sign_t = decltype(std::declval<const S&>().sign(std::declval<byte_view>()));
template <class S>
using sign_digest_t =
    decltype(std::declval<const S&>().sign_digest(std::declval<byte_view>(), std::declval<hash_algorithm>()));
template <class S>
using public_key_pem_t = decltype(std::declval<const S&>().public_key_pem());
template <class S>
using describe_t = decltype(std::declval<const S&>().describe());
template <class S>
using certificate_t = decltype(std::declval<const S&>().certificate());

template <class K>
using signer_type_t = typename K::signer_type;
template <class K>
using handles_t = decltype(K::handles(std::declval<std::string_view>()));
template <class K>
using load_t = decltype(K::load(std::declval<std::string_view>(), std::declval<const password_fn&>()));
}  // namespace key_ops
}  // namespace detail

/// One flag per requirement of a signer S.
template <class S>
struct signer_traits {
    static constexpr bool has_sign = detail::is_detected_exact_v<result<bytes>, detail::key_ops::sign_t, S>;
    static constexpr bool has_public_key_pem =
        detail::is_detected_exact_v<std::string, detail::key_ops::public_key_pem_t, S>;
    static constexpr bool has_describe =
        detail::is_detected_exact_v<key_info, detail::key_ops::describe_t, S>;
    static constexpr bool value = has_sign && has_public_key_pem && has_describe;
};

/// True when S meets every requirement of a signer.
template <class S>
inline constexpr bool is_signer_v = signer_traits<S>::value;

/// True when the signer S signs a precomputed digest (the optional member above).
template <class S>
inline constexpr bool has_sign_digest_v = detail::is_detected_exact_v<result<bytes>, detail::key_ops::sign_digest_t, S>;

/// True when the signer S carries a certificate (the optional member above).
template <class S>
inline constexpr bool has_certificate_v =
    detail::is_detected_exact_v<signer_certificate, detail::key_ops::certificate_t, S>;

/// Checks S against the signer requirements, one static_assert per member.
template <class S>
constexpr bool check_signer() {
    using tr = signer_traits<S>;
    static_assert(tr::has_sign, "signer: missing `result<bytes> sign(byte_view payload) const`");
    static_assert(tr::has_public_key_pem, "signer: missing `std::string public_key_pem() const`");
    static_assert(tr::has_describe, "signer: missing `key_info describe() const`");
    return tr::value;
}

/// One flag per requirement of a key source K.
template <class K>
struct key_source_traits {
    using signer = detail::detected_t<detail::key_ops::signer_type_t, K>;
    static constexpr bool has_signer_type =
        detail::is_detected<detail::key_ops::signer_type_t, K>::value && is_signer_v<signer>;
    static constexpr bool has_handles = detail::is_detected_exact_v<bool, detail::key_ops::handles_t, K>;
    static constexpr bool has_load = detail::is_detected_exact_v<result<signer>, detail::key_ops::load_t, K>;
    static constexpr bool value = has_signer_type && has_handles && has_load;
};

/// True when K meets every requirement of a key source.
template <class K>
inline constexpr bool is_key_source_v = key_source_traits<K>::value;

/// Checks K against the key source requirements, one static_assert per member.
/// Use: `static_assert(check_key_source<K>());`
template <class K>
constexpr bool check_key_source() {
    using tr = key_source_traits<K>;
    static_assert(
        tr::has_signer_type,
        "key source: missing `using signer_type = <a signer: sign(byte_view) const, public_key_pem() "
        "const, describe() const>`");
    static_assert(tr::has_handles, "key source: missing `static bool handles(std::string_view key_ref)`");
    static_assert(tr::has_load,
                  "key source: missing `static result<signer_type> load(std::string_view key_ref, "
                  "const password_fn& pw)`");
    return tr::value;
}

}  // namespace v0
}  // namespace cosign
