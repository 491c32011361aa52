// SPDX-License-Identifier: Apache-2.0
/// A crypto policy adaptor: `Base` in everything, except that ECDSA signatures on the NIST
/// curves are verified by OpenSSL's libcrypto (1.1 or 3.x).
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
// Generated from include/cosign/crypto/openssl_verify.hpp: a backend policy, kept out of cosign.hpp.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../cosign.hpp"  // was: ../core/bytes.hpp
#include "../cosign.hpp"  // was: ../core/error.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../cosign.hpp"  // was: asn1.hpp
#include "../cosign.hpp"  // was: key_info.hpp

namespace cosign {
inline namespace v0 {
namespace detail {

struct evp_pkey_deleter {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct evp_md_ctx_deleter {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
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
        const key_info info = Base::describe(key);
        std::size_t coord = 0;
        if (info.type == key_type::ecdsa) {
            if (info.curve == "P-256") coord = 32;
            else if (info.curve == "P-384") coord = 48;
            else if (info.curve == "P-521") coord = 66;
        }
        const EVP_MD* md = detail::openssl_md(h);
        if (!coord || !md) return Base::verify(key, message, signature, h);
        auto spki = Base::public_key_der(key);
        EVP_PKEY* pkey = spki ? detail::openssl_public_key(*spki) : nullptr;
        if (!pkey || EVP_PKEY_base_id(pkey) != EVP_PKEY_EC) return Base::verify(key, message, signature, h);

        int ok = 0;
        if (detail::der::is_der_ecdsa_signature(signature)) ok = detail::openssl_verify_der(pkey, md, message, signature);
        if (ok == 0 && signature.size() == 2 * coord) {
            bytes der = detail::der::p1363_to_der(signature);
            ok = detail::openssl_verify_der(pkey, md, message, der);
        }
        if (ok < 0) return Base::verify(key, message, signature, h);
        if (ok == 1) return {};
        return fail(errc::verification_failed, "invalid signature when validating ASN.1 encoded signature");
    }
};

}  // namespace crypto
}  // namespace v0
}  // namespace cosign
