// SPDX-License-Identifier: Apache-2.0
/// certified_signer<S>: any signer together with the certificate (and chain) that vouches for its
/// key, as a keyless signer carries the certificate Fulcio issued for its ephemeral key. Pure:
/// no transport, no crypto backend.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../crypto/key_info.hpp"
#include "concepts.hpp"

namespace cosign {
inline namespace v0 {

/// A signer S with a certificate for its key. Signs exactly as S does; basic_signer stores the
/// certificate and chain as layer annotations and logs the certificate to Rekor. Move-only when
/// S is (a local_signer wipes its key when destroyed).
template <class S>
class certified_signer {
    static_assert(check_signer<S>(), "certified_signer<S>: S is not a signer");

public:
    certified_signer(S inner_signer, signer_certificate cert) : signer_(std::move(inner_signer)), cert_(std::move(cert)) {}

    result<bytes> sign(byte_view payload) const { return signer_.sign(payload); }
    /// S's sign_digest, when it has one.
    template <class T = S, std::enable_if_t<has_sign_digest_v<T>, int> = 0>
    result<bytes> sign_digest(byte_view digest, hash_algorithm h) const {
        return signer_.sign_digest(digest, h);
    }
    std::string public_key_pem() const { return signer_.public_key_pem(); }
    key_info describe() const { return signer_.describe(); }
    /// The leaf certificate (PEM) and its issuing chain.
    signer_certificate certificate() const { return cert_; }

    /// The signer underneath.
    const S& inner() const noexcept { return signer_; }

private:
    S signer_;
    signer_certificate cert_;
};

}  // namespace v0
}  // namespace cosign
