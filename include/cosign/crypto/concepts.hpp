// SPDX-License-Identifier: Apache-2.0
/// The requirements of a crypto policy, checked at compile time with one readable message each.
///
/// A crypto policy is a stateless type (all members static). It comes in two sizes.
///
/// **The verify set: 5 members.** What `basic_verifier` and `load_public_key` need, and all that
/// a verify-only policy (a secure element, PSA Crypto, a hardware verifier) has to write.
/// `check_verify_crypto<P>()`, `is_verify_crypto_v<P>`:
///
/// | expression | meaning |
/// | --- | --- |
/// | `P::public_key` | owning handle to a public key, copyable |
/// | `P::parse_public_key(std::string_view)` -> `result<public_key>` | PKIX/PKCS#1, PEM or DER |
/// | `P::public_key_pem(const public_key&)` -> `std::string` | "PUBLIC KEY" PEM (the verifier re-parses it per worker thread) |
/// | `P::verify(const public_key&, byte_view message, byte_view signature, hash_algorithm)` -> `result<void>` | errc::verification_failed if not; callable without the hash too (SHA-256): default it or overload |
/// | `P::digest(hash_algorithm, byte_view)` -> `result<bytes>` | SHA-224/256/384/512 of a message |
///
/// **The full set: the verify set and 13 more.** What signing and key files need
/// (`basic_signer`, key sources, `cosign_key_file`). `check_crypto_policy<P>()`,
/// `is_crypto_policy_v<P>`:
///
/// | expression | meaning |
/// | --- | --- |
/// | `P::private_key` | owning, move-only handle to a private key, wiped when destroyed |
/// | `P::generate_p256()` -> `result<private_key>` | a new ECDSA P-256 key |
/// | `P::parse_private_key_der(byte_view)` -> `result<private_key>` | PKCS#8, SEC1, PKCS#1 |
/// | `P::parse_private_key_pem(std::string_view)` -> `result<private_key>` | same, in PEM |
/// | `P::private_key_der(const private_key&)` -> `result<secure_bytes>` | SEC1 (EC, named curve) or PKCS#1 (RSA) |
/// | `P::public_key_of(const private_key&)` -> `result<public_key>` | the public half |
/// | `P::public_key_der(const public_key&)` -> `result<bytes>` | DER SubjectPublicKeyInfo |
/// | `P::describe(const private_key&)`, `P::describe(const public_key&)` -> `key_info` | type, size, curve |
/// | `P::sign(const private_key&, byte_view)` -> `result<bytes>` | cosign's signature over a message |
/// | `P::random(std::uint8_t*, std::size_t)` -> `result<void>` | cryptographic random bytes |
/// | `P::pbkdf2_hmac_sha256(password, salt, iterations, out, len)` -> `result<void>` | RFC 8018 |
/// | `P::poly1305(key32, message, tag16)` -> `result<void>` | RFC 8439 one-time MAC |
///
/// (the exact parameter types are spelled in the static_assert messages below)
///
/// What cosign's key files need beyond these is backend-neutral code over the primitives, free
/// functions in `crypto/key_file_crypto.hpp`: `crypto::scrypt<P>`, `crypto::secretbox_seal<P>`,
/// `crypto::secretbox_open<P>`, `crypto::to_pkcs8_der<P>`.
///
/// Optional members, detected by traits; hosts use them only under `if constexpr`, and a policy
/// without them still works (what needs them is refused with a clear error):
///
/// | trait | members |
/// | --- | --- |
/// | `has_verify_prehashed_v<P>` | `P::verify_prehashed(const public_key&, byte_view digest, byte_view signature, hash_algorithm)` -> `result<void>` |
/// | `has_ed25519_v<P>` | `P::verify_ed25519(byte_view spki_der, byte_view message, byte_view signature)` -> `result<void>` |
/// | `has_native_scrypt_v<P>` | `P::scrypt(password, salt, N, r, p, key_len)` -> `result<secure_bytes>`, used by `crypto::scrypt<P>` instead of the portable one |
/// | `has_x509_v<P>` | the X.509 members below |
///
/// X.509 certificates (`cosign sign --certificate`, `verify --certificate`, the certificates on
/// signature layers):
///
/// | expression | meaning |
/// | --- | --- |
/// | `P::certificate` | copyable handle to a parsed certificate |
/// | `P::parse_certificate(std::string_view)` -> `result<certificate>` | PEM "CERTIFICATE" or DER |
/// | `P::parse_certificate_chain(std::string_view)` -> `result<std::vector<certificate>>` | every PEM block, in order |
/// | `P::certificate_der(const certificate&)` -> `bytes` | the DER bytes |
/// | `P::certificate_pem(const certificate&)` -> `std::string` | PEM as cosign re-encodes it |
/// | `P::certificate_public_key(const certificate&)` -> `result<public_key>` | the subject key |
/// | `P::describe_certificate(const certificate&)` -> `result<certificate_info>` | validity, SANs, extensions |
/// | `P::verify_chain(const certificate& leaf, const std::vector<certificate>& chain)` -> `result<void>` | chain parent first, root last; code-signing EKU; times judged at the leaf's NotBefore |
///
/// Hosts write `static_assert(cosign::check_verify_crypto<Crypto>());` (verifying) or
/// `static_assert(cosign::check_crypto_policy<Crypto>());` (signing, key files) so that a policy
/// lacking a member produces one line naming it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "key_info.hpp"
#include "x509.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {

// The detection idiom (std::experimental::is_detected), C++17.
struct nonesuch {
    nonesuch() = delete;
    ~nonesuch() = delete;
    nonesuch(const nonesuch&) = delete;
    void operator=(const nonesuch&) = delete;
};

template <class Default, class AlwaysVoid, template <class...> class Op, class... Args>
struct detector {
    using value_t = std::false_type;
    using type = Default;
};

template <class Default, template <class...> class Op, class... Args>
struct detector<Default, std::void_t<Op<Args...>>, Op, Args...> {
    using value_t = std::true_type;
    using type = Op<Args...>;
};

template <template <class...> class Op, class... Args>
using is_detected = typename detector<nonesuch, void, Op, Args...>::value_t;

template <template <class...> class Op, class... Args>
using detected_t = typename detector<nonesuch, void, Op, Args...>::type;

/// True when Op<Args...> is well-formed and exactly Expected.
template <class Expected, template <class...> class Op, class... Args>
inline constexpr bool is_detected_exact_v = std::is_same<Expected, detected_t<Op, Args...>>::value;

namespace crypto_ops {
template <class T>
using private_key_t = typename T::private_key;
template <class T>
using public_key_t = typename T::public_key;
template <class T>
using priv_cref = const typename T::private_key&;
template <class T>
using pub_cref = const typename T::public_key&;

// The verify set.
template <class T>
using parse_public_key_t = decltype(T::parse_public_key(std::declval<std::string_view>()));
template <class T>
using public_key_pem_t = decltype(T::public_key_pem(std::declval<pub_cref<T>>()));
template <class T>
using verify_hash_t = decltype(T::verify(std::declval<pub_cref<T>>(), std::declval<byte_view>(),
                                         std::declval<byte_view>(), std::declval<hash_algorithm>()));
template <class T>
using verify_t =
    decltype(T::verify(std::declval<pub_cref<T>>(), std::declval<byte_view>(), std::declval<byte_view>()));
template <class T>
using digest_t = decltype(T::digest(std::declval<hash_algorithm>(), std::declval<byte_view>()));

// The signing and key-file members.
template <class T>
using generate_p256_t = decltype(T::generate_p256());
template <class T>
using parse_private_key_der_t = decltype(T::parse_private_key_der(std::declval<byte_view>()));
template <class T>
using parse_private_key_pem_t = decltype(T::parse_private_key_pem(std::declval<std::string_view>()));
template <class T>
using private_key_der_t = decltype(T::private_key_der(std::declval<priv_cref<T>>()));
template <class T>
using public_key_of_t = decltype(T::public_key_of(std::declval<priv_cref<T>>()));
template <class T>
using public_key_der_t = decltype(T::public_key_der(std::declval<pub_cref<T>>()));
template <class T>
using describe_private_t = decltype(T::describe(std::declval<priv_cref<T>>()));
template <class T>
using describe_public_t = decltype(T::describe(std::declval<pub_cref<T>>()));
template <class T>
using sign_t = decltype(T::sign(std::declval<priv_cref<T>>(), std::declval<byte_view>()));
template <class T>
using random_t = decltype(T::random(std::declval<std::uint8_t*>(), std::declval<std::size_t>()));
template <class T>
using pbkdf2_hmac_sha256_t =
    decltype(T::pbkdf2_hmac_sha256(std::declval<byte_view>(), std::declval<byte_view>(),
                                   std::declval<std::uint32_t>(), std::declval<std::uint8_t*>(),
                                   std::declval<std::size_t>()));
template <class T>
using poly1305_t = decltype(T::poly1305(std::declval<const std::uint8_t*>(), std::declval<byte_view>(),
                                        std::declval<std::uint8_t*>()));
}  // namespace crypto_ops

// The same key types, or nonesuch when absent (so later checks stay quiet about them).
template <class T>
using policy_private_key = detected_t<crypto_ops::private_key_t, T>;
template <class T>
using policy_public_key = detected_t<crypto_ops::public_key_t, T>;

}  // namespace detail

/// One flag per member of the verify set of a crypto policy T (see the table above). A member
/// that mentions `public_key` counts as present while `public_key` itself is missing, so that
/// only the missing type is reported; `value` is false then all the same.
template <class T>
struct verify_crypto_traits {
    using pub = detail::policy_public_key<T>;
    static constexpr bool has_public_key_type = detail::is_detected<detail::crypto_ops::public_key_t, T>::value;
    static constexpr bool has_public_key = has_public_key_type && std::is_copy_constructible<pub>::value;
    static constexpr bool has_parse_public_key =
        !has_public_key_type || detail::is_detected_exact_v<result<pub>, detail::crypto_ops::parse_public_key_t, T>;
    static constexpr bool has_public_key_pem =
        !has_public_key_type || detail::is_detected_exact_v<std::string, detail::crypto_ops::public_key_pem_t, T>;
    /// verify(key, message, signature, hash)
    static constexpr bool has_verify =
        !has_public_key_type || detail::is_detected_exact_v<result<void>, detail::crypto_ops::verify_hash_t, T>;
    /// verify(key, message, signature): SHA-256, what the hosts call today
    static constexpr bool has_verify_default_hash =
        !has_public_key_type || detail::is_detected_exact_v<result<void>, detail::crypto_ops::verify_t, T>;
    static constexpr bool has_digest = detail::is_detected_exact_v<result<bytes>, detail::crypto_ops::digest_t, T>;

    static constexpr bool value = has_public_key && has_parse_public_key && has_public_key_pem && has_verify &&
                                  has_verify_default_hash && has_digest;
};

/// True when T has the verify set of a crypto policy: enough for basic_verifier.
template <class T>
inline constexpr bool is_verify_crypto_v = verify_crypto_traits<T>::value;

/// Checks T against the verify set; each missing member fails one static_assert whose message
/// spells the signature expected. Use: `static_assert(check_verify_crypto<P>());`
template <class T>
constexpr bool check_verify_crypto() {
    using tr = verify_crypto_traits<T>;
    static_assert(tr::has_public_key,
                  "crypto policy: missing `using public_key = <owning, copyable key handle>`");
    static_assert(
        tr::has_parse_public_key,
        "crypto policy: missing `static result<public_key> parse_public_key(std::string_view pem_or_der)`");
    static_assert(tr::has_public_key_pem,
                  "crypto policy: missing `static std::string public_key_pem(const public_key&)`");
    static_assert(tr::has_verify,
                  "crypto policy: missing `static result<void> verify(const public_key&, "
                  "byte_view message, byte_view signature, hash_algorithm h)`");
    static_assert(tr::has_verify_default_hash,
                  "crypto policy: missing `static result<void> verify(const public_key&, "
                  "byte_view message, byte_view signature)` (SHA-256; or default the hash: "
                  "`hash_algorithm h = hash_algorithm::sha256`)");
    static_assert(tr::has_digest,
                  "crypto policy: missing `static result<bytes> digest(hash_algorithm h, byte_view message)`");
    return tr::value;
}

/// One flag per requirement of a (full) crypto policy T: the verify set's flags, and the signing
/// and key-file members'. As with `public_key`, members that mention `private_key` count as present
/// while that type is missing.
template <class T>
struct crypto_policy_traits : verify_crypto_traits<T> {
    using priv = detail::policy_private_key<T>;
    using pub = detail::policy_public_key<T>;
    static constexpr bool has_private_key_type = detail::is_detected<detail::crypto_ops::private_key_t, T>::value;
    static constexpr bool has_private_key =
        has_private_key_type && std::is_nothrow_move_constructible<priv>::value;
    static constexpr bool has_generate_p256 =
        !has_private_key_type || detail::is_detected_exact_v<result<priv>, detail::crypto_ops::generate_p256_t, T>;
    static constexpr bool has_parse_private_key_der =
        !has_private_key_type ||
        detail::is_detected_exact_v<result<priv>, detail::crypto_ops::parse_private_key_der_t, T>;
    static constexpr bool has_parse_private_key_pem =
        !has_private_key_type ||
        detail::is_detected_exact_v<result<priv>, detail::crypto_ops::parse_private_key_pem_t, T>;
    static constexpr bool has_private_key_der =
        !has_private_key_type ||
        detail::is_detected_exact_v<result<secure_bytes>, detail::crypto_ops::private_key_der_t, T>;
    static constexpr bool has_public_key_of =
        !has_private_key_type || !verify_crypto_traits<T>::has_public_key_type ||
        detail::is_detected_exact_v<result<pub>, detail::crypto_ops::public_key_of_t, T>;
    static constexpr bool has_public_key_der =
        !verify_crypto_traits<T>::has_public_key_type ||
        detail::is_detected_exact_v<result<bytes>, detail::crypto_ops::public_key_der_t, T>;
    static constexpr bool has_describe_private =
        !has_private_key_type || detail::is_detected_exact_v<key_info, detail::crypto_ops::describe_private_t, T>;
    static constexpr bool has_describe_public =
        !verify_crypto_traits<T>::has_public_key_type ||
        detail::is_detected_exact_v<key_info, detail::crypto_ops::describe_public_t, T>;
    static constexpr bool has_sign =
        !has_private_key_type || detail::is_detected_exact_v<result<bytes>, detail::crypto_ops::sign_t, T>;
    static constexpr bool has_random = detail::is_detected_exact_v<result<void>, detail::crypto_ops::random_t, T>;
    static constexpr bool has_pbkdf2_hmac_sha256 =
        detail::is_detected_exact_v<result<void>, detail::crypto_ops::pbkdf2_hmac_sha256_t, T>;
    static constexpr bool has_poly1305 = detail::is_detected_exact_v<result<void>, detail::crypto_ops::poly1305_t, T>;

    /// The signing and key-file members alone.
    static constexpr bool signing_value = has_private_key && has_generate_p256 && has_parse_private_key_der &&
                                          has_parse_private_key_pem && has_private_key_der && has_public_key_of &&
                                          has_public_key_der && has_describe_private && has_describe_public &&
                                          has_sign && has_random && has_pbkdf2_hmac_sha256 && has_poly1305;
    static constexpr bool value = verify_crypto_traits<T>::value && signing_value;
};

/// True when T meets every requirement of a crypto policy (the verify set and the rest).
template <class T>
inline constexpr bool is_crypto_policy_v = crypto_policy_traits<T>::value;

/// Checks T against all the crypto policy requirements: the verify set, then the signing and
/// key-file members; each missing member fails one static_assert whose message spells the
/// signature expected. Use: `static_assert(check_crypto_policy<P>());`
template <class T>
constexpr bool check_crypto_policy() {
    using tr = crypto_policy_traits<T>;
    check_verify_crypto<T>();
    static_assert(tr::has_private_key,
                  "crypto policy: missing `using private_key = <owning, nothrow-movable key handle>`");
    static_assert(tr::has_generate_p256,
                  "crypto policy: missing `static result<private_key> generate_p256()`");
    static_assert(tr::has_parse_private_key_der,
                  "crypto policy: missing `static result<private_key> parse_private_key_der(byte_view der)`");
    static_assert(
        tr::has_parse_private_key_pem,
        "crypto policy: missing `static result<private_key> parse_private_key_pem(std::string_view pem)`");
    static_assert(tr::has_private_key_der,
                  "crypto policy: missing `static result<secure_bytes> private_key_der(const private_key&)` "
                  "(SEC1 for EC keys, PKCS#1 for RSA)");
    static_assert(tr::has_public_key_of,
                  "crypto policy: missing `static result<public_key> public_key_of(const private_key&)`");
    static_assert(tr::has_public_key_der,
                  "crypto policy: missing `static result<bytes> public_key_der(const public_key&)`");
    static_assert(tr::has_describe_private,
                  "crypto policy: missing `static key_info describe(const private_key&)`");
    static_assert(tr::has_describe_public,
                  "crypto policy: missing `static key_info describe(const public_key&)`");
    static_assert(
        tr::has_sign,
        "crypto policy: missing `static result<bytes> sign(const private_key&, byte_view message)`");
    static_assert(tr::has_random,
                  "crypto policy: missing `static result<void> random(std::uint8_t* out, std::size_t n)`");
    static_assert(tr::has_pbkdf2_hmac_sha256,
                  "crypto policy: missing `static result<void> pbkdf2_hmac_sha256(byte_view password, "
                  "byte_view salt, std::uint32_t iterations, std::uint8_t* out, std::size_t len)`");
    static_assert(tr::has_poly1305,
                  "crypto policy: missing `static result<void> poly1305(const std::uint8_t* key32, "
                  "byte_view message, std::uint8_t* tag16)`");
    return tr::value;
}

namespace detail {
namespace x509_ops {
template <class T>
using certificate_t = typename T::certificate;
template <class T>
using cert_cref = const typename T::certificate&;
template <class T>
using parse_certificate_t = decltype(T::parse_certificate(std::declval<std::string_view>()));
template <class T>
using parse_certificate_chain_t = decltype(T::parse_certificate_chain(std::declval<std::string_view>()));
template <class T>
using certificate_der_t = decltype(T::certificate_der(std::declval<cert_cref<T>>()));
template <class T>
using certificate_pem_t = decltype(T::certificate_pem(std::declval<cert_cref<T>>()));
template <class T>
using certificate_public_key_t = decltype(T::certificate_public_key(std::declval<cert_cref<T>>()));
template <class T>
using describe_certificate_t = decltype(T::describe_certificate(std::declval<cert_cref<T>>()));
template <class T>
using verify_chain_t = decltype(T::verify_chain(std::declval<cert_cref<T>>(),
                                                std::declval<const std::vector<typename T::certificate>&>()));
}  // namespace x509_ops

template <class T, bool = is_detected<x509_ops::certificate_t, T>::value>
struct has_x509_impl : std::false_type {};

template <class T>
struct has_x509_impl<T, true>
    : std::integral_constant<
          bool,
          is_detected_exact_v<result<typename T::certificate>, x509_ops::parse_certificate_t, T> &&
              is_detected_exact_v<result<std::vector<typename T::certificate>>, x509_ops::parse_certificate_chain_t,
                                  T> &&
              is_detected_exact_v<bytes, x509_ops::certificate_der_t, T> &&
              is_detected_exact_v<std::string, x509_ops::certificate_pem_t, T> &&
              is_detected_exact_v<result<policy_public_key<T>>, x509_ops::certificate_public_key_t, T> &&
              is_detected_exact_v<result<certificate_info>, x509_ops::describe_certificate_t, T> &&
              is_detected_exact_v<result<void>, x509_ops::verify_chain_t, T>> {};
}  // namespace detail

/// True when the crypto policy T has every optional X.509 member (see the table above).
template <class T>
inline constexpr bool has_x509_v = detail::has_x509_impl<T>::value;

namespace detail {
namespace optional_ops {
template <class T>
using verify_prehashed_t =
    decltype(T::verify_prehashed(std::declval<const typename T::public_key&>(), std::declval<byte_view>(),
                                 std::declval<byte_view>(), std::declval<hash_algorithm>()));
template <class T>
using sign_prehashed_t =
    decltype(T::sign_prehashed(std::declval<const typename T::private_key&>(), std::declval<byte_view>(),
                               std::declval<hash_algorithm>()));
template <class T>
using verify_ed25519_t = decltype(T::verify_ed25519(std::declval<byte_view>(), std::declval<byte_view>(),
                                                     std::declval<byte_view>()));
template <class T>
using native_scrypt_t = decltype(T::scrypt(std::declval<byte_view>(), std::declval<byte_view>(),
                                           std::declval<std::uint64_t>(), std::declval<std::uint32_t>(),
                                           std::declval<std::uint32_t>(), std::declval<std::size_t>()));
}  // namespace optional_ops
}  // namespace detail

/// True when the crypto policy T verifies a signature over a digest computed elsewhere:
/// `P::verify_prehashed(const public_key&, byte_view digest, byte_view signature, hash_algorithm)`
/// -> `result<void>` (Rekor's hashedrekord, streamed blobs).
template <class T>
inline constexpr bool has_verify_prehashed_v =
    detail::is_detected_exact_v<result<void>, detail::optional_ops::verify_prehashed_t, T>;

/// True when the crypto policy T signs a digest computed elsewhere, as sign() would sign the
/// message it came from: `P::sign_prehashed(const private_key&, byte_view digest, hash_algorithm)`
/// -> `result<bytes>` (blobs streamed through a hasher, never held in memory).
template <class T>
inline constexpr bool has_sign_prehashed_v =
    detail::is_detected_exact_v<result<bytes>, detail::optional_ops::sign_prehashed_t, T>;

/// True when the crypto policy T verifies Ed25519 (Rekor v2 log keys, checkpoints, TUF keys):
/// `P::verify_ed25519(byte_view spki_der, byte_view message, byte_view signature)` -> `result<void>`,
/// where `spki_der` is the key's DER SubjectPublicKeyInfo. mbedTLS 2.28 has no Ed25519.
template <class T>
inline constexpr bool has_ed25519_v =
    detail::is_detected_exact_v<result<void>, detail::optional_ops::verify_ed25519_t, T>;

/// True when the crypto policy T brings its own scrypt (a backend's native one, or a cheap
/// stand-in for fuzzing): `P::scrypt(byte_view password, byte_view salt, std::uint64_t N,
/// std::uint32_t r, std::uint32_t p, std::size_t key_len)` -> `result<secure_bytes>`.
/// `crypto::scrypt<P>` then calls it, after the same parameter limits.
template <class T>
inline constexpr bool has_native_scrypt_v =
    detail::is_detected_exact_v<result<secure_bytes>, detail::optional_ops::native_scrypt_t, T>;

}  // namespace v0
}  // namespace cosign
