// SPDX-License-Identifier: Apache-2.0
/// A crypto policy adaptor: `Base` in everything, except that ECDSA signatures on the NIST
/// curves are verified by OpenSSL's libcrypto (1.1 or 3.x), and that it adds the optional members
/// `verify_prehashed` (ECDSA by OpenSSL, the rest by `Base` when it has the member) and
/// `verify_ed25519` (OpenSSL; mbedTLS has no Ed25519).
///
/// Why: mbedTLS 2.28 verifies a P-256 signature in about 1 ms here, OpenSSL in 0.06 ms (its
/// P-256 is assembly). A program that already loads libcrypto, such as one over the cpp-httplib
/// transport (Debian's libcpp-httplib links OpenSSL for TLS), gets the faster verify for nothing:
///
///     using crypto = cosign::crypto::openssl_verify<cosign::crypto::mbedtls>;
///     cosign::basic_verifier<crypto, transport> v{client};   // same keys, same results
///
/// Link with `-lcrypto` (CMake: `cosign::openssl`). Keys stay `Base`'s types: they are parsed,
/// described, written and signed with by `Base`. What reaches OpenSSL is the key's DER
/// SubjectPublicKeyInfo, parsed once per thread and kept while the same key is used. The
/// signature rules are `Base`'s, checked here before OpenSSL sees anything: strict DER, or
/// IEEE P1363 r||s of exactly twice the coordinate size, converted to DER. RSA keys, other
/// curves and whatever OpenSSL cannot load go to `Base::verify` unchanged.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../core/bytes.hpp"
#include "../core/error.hpp"
#include "../core/result.hpp"
#include "asn1.hpp"
#include "concepts.hpp"
#include "key_info.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {

struct evp_pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct evp_md_ctx_deleter {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct evp_pkey_ctx_deleter {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};

/// The OpenSSL key for a DER SubjectPublicKeyInfo, cached per thread for the last key seen:
/// a verifier checks many signatures against one key, each thread its share.
inline EVP_PKEY* openssl_public_key(const bytes& spki) {
    struct last_key {
        bytes der;
        std::unique_ptr<EVP_PKEY, evp_pkey_deleter> key;
    };
    thread_local last_key cache;
    if (cache.key && cache.der == spki) return cache.key.get();
    const unsigned char* p = spki.data();
    EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
    if (!k || p != spki.data() + spki.size()) {
        EVP_PKEY_free(k);
        ERR_clear_error();
        return nullptr;
    }
    cache.key.reset(k);
    cache.der = spki;
    return k;
}

inline const EVP_MD* openssl_md(hash_algorithm h) noexcept {
    switch (h) {
        case hash_algorithm::sha224:
            return EVP_sha224();
        case hash_algorithm::sha256:
            return EVP_sha256();
        case hash_algorithm::sha384:
            return EVP_sha384();
        case hash_algorithm::sha512:
            return EVP_sha512();
    }
    return nullptr;
}

/// 1: the DER signature verifies; 0: it does not; -1: OpenSSL could not run the check.
inline int openssl_verify_der(EVP_PKEY* key, const EVP_MD* md, byte_view message, byte_view der) {
    std::unique_ptr<EVP_MD_CTX, evp_md_ctx_deleter> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1) {
        ERR_clear_error();
        return -1;
    }
    static const unsigned char empty = 0;
    const unsigned char* msg = message.size() ? message.data() : &empty;
    int ok = EVP_DigestVerifyUpdate(ctx.get(), msg, message.size()) == 1
                 ? (EVP_DigestVerifyFinal(ctx.get(), der.data(), der.size()) == 1 ? 1 : 0)
                 : -1;
    // A failed check leaves errors in this thread's OpenSSL queue, where a TLS connection made
    // later on the same thread (cpp-httplib) would find them.
    if (ok != 1) ERR_clear_error();
    return ok;
}

/// openssl_verify_der over a digest computed elsewhere: 1 verifies, 0 does not, -1 could not run.
inline int openssl_verify_digest_der(EVP_PKEY* key, const EVP_MD* md, byte_view digest, byte_view der) {
    std::unique_ptr<EVP_PKEY_CTX, evp_pkey_ctx_deleter> ctx(EVP_PKEY_CTX_new(key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1) {
        ERR_clear_error();
        return -1;
    }
    static const unsigned char empty = 0;
    int ok = EVP_PKEY_verify(ctx.get(), der.size() ? der.data() : &empty, der.size(), digest.data(), digest.size());
    if (ok != 1) ERR_clear_error();
    return ok == 1 ? 1 : 0;
}

/// Which OpenSSL check an ECDSA key of Base takes: the coordinate size (32, 48, 66) for the NIST
/// curves, 0 for anything Base should verify itself.
template <class Base>
std::size_t openssl_ecdsa_coordinate(const typename Base::public_key& key) {
    const key_info info = Base::describe(key);
    if (info.type != key_type::ecdsa) return 0;
    if (info.curve == "P-256") return 32;
    if (info.curve == "P-384") return 48;
    if (info.curve == "P-521") return 66;
    return 0;
}

/// Runs check(der) on the signature as sigstore reads it: strict DER, then IEEE P1363 r||s of
/// exactly 2 * coord bytes. 1 verifies, 0 does not, -1 OpenSSL could not run the check.
template <class Check>
int openssl_ecdsa_either_encoding(byte_view signature, std::size_t coord, Check&& check) {
    int ok = 0;
    if (der::is_der_ecdsa_signature(signature)) ok = check(signature);
    if (ok == 0 && signature.size() == 2 * coord) {
        bytes d = der::p1363_to_der(signature);
        ok = check(byte_view(d));
    }
    return ok;
}

}  // namespace detail

namespace crypto {

/// `Base` with ECDSA verification (P-256, P-384, P-521) done by OpenSSL. See the file comment.
template <class Base>
struct openssl_verify : Base {
    using typename Base::public_key;

    static result<void> verify(const public_key& key, byte_view message, byte_view signature) {
        return verify(key, message, signature, hash_algorithm::sha256);
    }

    static result<void> verify(const public_key& key, byte_view message, byte_view signature,
                               hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        const std::size_t coord = detail::openssl_ecdsa_coordinate<Base>(key);
        const EVP_MD* md = detail::openssl_md(h);
        EVP_PKEY* pkey = coord && md ? ec_key_of(key) : nullptr;
        if (!pkey) return Base::verify(key, message, signature, h);
        int ok = detail::openssl_ecdsa_either_encoding(
            signature, coord, [&](byte_view der) { return detail::openssl_verify_der(pkey, md, message, der); });
        if (ok < 0) return Base::verify(key, message, signature, h);
        if (ok == 1) return {};
        return fail(errc::verification_failed, "invalid signature when validating ASN.1 encoded signature");
    }

    /// Verifies a signature over a digest computed elsewhere (has_verify_prehashed_v): ECDSA on the
    /// NIST curves by OpenSSL, other keys by `Base::verify_prehashed` (errc::unsupported when Base
    /// has none). `digest` must be h's size (errc::invalid_argument otherwise).
    static result<void> verify_prehashed(const public_key& key, byte_view digest, byte_view signature,
                                         hash_algorithm h) {
        if (!key) return fail(errc::invalid_argument, "empty public key");
        const EVP_MD* md = detail::openssl_md(h);
        if (!md) return fail(errc::unsupported, "OpenSSL lacks the requested hash");
        const std::size_t size = static_cast<std::size_t>(EVP_MD_size(md));
        if (digest.size() != size)
            return fail(errc::invalid_argument, "the digest is " + std::to_string(digest.size()) +
                                                    " bytes; this hash makes " + std::to_string(size));
        const std::size_t coord = detail::openssl_ecdsa_coordinate<Base>(key);
        EVP_PKEY* pkey = coord ? ec_key_of(key) : nullptr;
        int ok = -1;
        if (pkey)
            ok = detail::openssl_ecdsa_either_encoding(signature, coord, [&](byte_view der) {
                return detail::openssl_verify_digest_der(pkey, md, digest, der);
            });
        if (ok == 1) return {};
        if (ok == 0) return fail(errc::verification_failed, "invalid signature when validating ASN.1 encoded signature");
        if constexpr (has_verify_prehashed_v<Base>) {
            return Base::verify_prehashed(key, digest, signature, h);
        } else {
            return fail(errc::unsupported,
                        std::string("verifying a prehashed ") + to_string(Base::describe(key).type) +
                            " signature needs a base crypto policy with verify_prehashed");
        }
    }

    /// Verifies an Ed25519 signature (RFC 8032, pure: over the message itself) with the key given
    /// as DER SubjectPublicKeyInfo (has_ed25519_v). A key that is not Ed25519 is errc::invalid_key;
    /// a signature that does not verify, errc::verification_failed.
    static result<void> verify_ed25519(byte_view spki_der, byte_view message, byte_view signature) {
        if (spki_der.empty()) return fail(errc::invalid_key, "ed25519: empty public key");
        const unsigned char* p = spki_der.data();
        std::unique_ptr<EVP_PKEY, detail::evp_pkey_deleter> pkey(
            d2i_PUBKEY(nullptr, &p, static_cast<long>(spki_der.size())));
        if (!pkey || p != spki_der.data() + spki_der.size()) {
            ERR_clear_error();
            return fail(errc::invalid_key, "ed25519: the public key is not a DER SubjectPublicKeyInfo");
        }
        if (EVP_PKEY_base_id(pkey.get()) != EVP_PKEY_ED25519)
            return fail(errc::invalid_key, "ed25519: the public key is not an Ed25519 key");
        if (signature.size() != 64)
            return fail(errc::verification_failed,
                        "ed25519: the signature is " + std::to_string(signature.size()) + " bytes, not 64");
        std::unique_ptr<EVP_MD_CTX, detail::evp_md_ctx_deleter> ctx(EVP_MD_CTX_new());
        if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
            ERR_clear_error();
            return fail(errc::internal, "ed25519: OpenSSL could not set up the verification");
        }
        static const unsigned char empty = 0;
        int ok = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                                  message.size() ? message.data() : &empty, message.size());
        if (ok == 1) return {};
        ERR_clear_error();
        return fail(errc::verification_failed, "ed25519: invalid signature");
    }

private:
    // The OpenSSL EC key for `key`, or nullptr when OpenSSL cannot hold it (then Base verifies).
    static EVP_PKEY* ec_key_of(const public_key& key) {
        auto spki = Base::public_key_der(key);
        EVP_PKEY* pkey = spki ? detail::openssl_public_key(*spki) : nullptr;
        return pkey && EVP_PKEY_base_id(pkey) == EVP_PKEY_EC ? pkey : nullptr;
    }
};

}  // namespace crypto
}  // namespace v0
}  // namespace cosign
