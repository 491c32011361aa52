// SPDX-License-Identifier: Apache-2.0
/// Signers: local_signer<Crypto> holds a private key in memory; any_signer type-erases any
/// signer so that key sources with different signer types can sit behind one seam.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "../crypto/key_info.hpp"
#include "concepts.hpp"

namespace cosign {
inline namespace v0 {

/// A signer over a private key held in memory by the crypto policy. Move-only; the key is wiped
/// when the signer is destroyed, and never handed out.
template <class Crypto>
class local_signer {
    static_assert(check_crypto_policy<Crypto>(), "local_signer needs a crypto policy");

public:
    /// Takes ownership of `key`; fails when its public half cannot be derived.
    static result<local_signer> from_key(typename Crypto::private_key key) {
        COSIGN_TRY(auto pub, Crypto::public_key_of(key));
        std::string pem = Crypto::public_key_pem(pub);
        if (pem.empty()) return fail(errc::internal, "could not encode the public key");
        key_info info = Crypto::describe(key);
        return local_signer(std::move(key), std::move(pem), std::move(info));
    }

    local_signer(local_signer&&) noexcept = default;
    local_signer& operator=(local_signer&&) noexcept = default;
    local_signer(const local_signer&) = delete;
    local_signer& operator=(const local_signer&) = delete;

    /// cosign's signature over `payload` (see the crypto policy's sign()).
    result<bytes> sign(byte_view payload) const { return Crypto::sign(key_, payload); }
    /// The signature sign() gives over the message whose `h` digest is `digest` (present when the
    /// crypto policy has sign_prehashed).
    template <class C = Crypto, std::enable_if_t<has_sign_prehashed_v<C>, int> = 0>
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const {
        return C::sign_prehashed(key_, digest, h);
    }
    /// The "PUBLIC KEY" PEM of the key, as cosign writes cosign.pub.
    std::string public_key_pem() const { return public_pem_; }
    key_info describe() const { return info_; }

private:
    local_signer(typename Crypto::private_key key, std::string pem, key_info info)
        : key_(std::move(key)), public_pem_(std::move(pem)), info_(std::move(info)) {}

    typename Crypto::private_key key_;
    std::string public_pem_;
    key_info info_;
};

namespace detail {
struct signer_model_base {
    virtual ~signer_model_base() = default;
    virtual result<bytes> sign(byte_view payload) const = 0;
    virtual result<bytes> sign_digest(byte_view digest, hash_algorithm h) const = 0;
    virtual bool can_sign_digest() const = 0;
    virtual std::string public_key_pem() const = 0;
    virtual key_info describe() const = 0;
    virtual signer_certificate certificate() const = 0;
};

template <class S>
struct signer_model final : signer_model_base {
    explicit signer_model(S s) : signer(std::move(s)) {}
    result<bytes> sign(byte_view payload) const override { return signer.sign(payload); }
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const override {
        if constexpr (has_sign_digest_v<S>) {
            return signer.sign_digest(digest, h);
        } else {
            (void)digest;
            (void)h;
            return fail(errc::unsupported, "this signer cannot sign a precomputed digest");
        }
    }
    bool can_sign_digest() const override { return has_sign_digest_v<S>; }
    std::string public_key_pem() const override { return signer.public_key_pem(); }
    key_info describe() const override { return signer.describe(); }
    signer_certificate certificate() const override {
        if constexpr (has_certificate_v<S>) return signer.certificate();
        else return {};
    }
    S signer;
};
}  // namespace detail

/// Any signer, type-erased (move-only). key_sources<...>::load returns this, so that a file key,
/// a KMS key and a PKCS#11 key can be chosen at run time behind one type.
class any_signer {
public:
    template <class S, class = std::enable_if_t<!std::is_same<std::decay_t<S>, any_signer>::value>>
    any_signer(S&& s) : impl_(std::make_unique<detail::signer_model<std::decay_t<S>>>(std::forward<S>(s))) {
        static_assert(check_signer<std::decay_t<S>>(), "any_signer holds signers only");
    }
    any_signer(any_signer&&) noexcept = default;
    any_signer& operator=(any_signer&&) noexcept = default;

    result<bytes> sign(byte_view payload) const { return impl_->sign(payload); }
    /// The held signer's sign_digest; errc::unsupported when it has none.
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const { return impl_->sign_digest(digest, h); }
    /// True when the held signer has sign_digest (blob signing then streams; otherwise it buffers).
    bool can_sign_digest() const { return impl_->can_sign_digest(); }
    std::string public_key_pem() const { return impl_->public_key_pem(); }
    key_info describe() const { return impl_->describe(); }
    /// The held signer's certificate and chain (keyless); empty when it carries none.
    signer_certificate certificate() const { return impl_->certificate(); }

private:
    std::unique_ptr<detail::signer_model_base> impl_;
};

}  // namespace v0
}  // namespace cosign
