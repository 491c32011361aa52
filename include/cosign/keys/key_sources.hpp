// SPDX-License-Identifier: Apache-2.0
/// A compile-time list of key sources that picks one at run time by the key reference's scheme,
/// and the source that names the KMS/HSM schemes this build does not provide.
///
///     using keys = cosign::default_key_sources<cosign::crypto::mbedtls>;
///     auto signer = keys::load("cosign.key", [] { return read_password(); });
///     auto sig = signer->sign(payload);
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "../core/result.hpp"
#include "concepts.hpp"
#include "env_key_source.hpp"
#include "file_key_source.hpp"
#include "signer.hpp"

namespace cosign {
inline namespace v0 {

/// Recognises the key references cosign sends to a KMS, Vault, Kubernetes, GitLab or PKCS#11, and
/// refuses them with errc::unsupported, so that they are never mistaken for file names.
struct not_supported_key_source {
    using signer_type = any_signer;

    static constexpr std::string_view schemes[] = {"awskms://", "gcpkms://", "azurekms://", "hashivault://",
                                                   "openbao://", "k8s://",  "gitlab://",  "pkcs11:"};

    /// The scheme of key_ref among `schemes`, or an empty view.
    static std::string_view scheme_of(std::string_view key_ref) {
        for (std::string_view s : schemes)
            if (key_ref.substr(0, s.size()) == s) return s;
        return {};
    }

    static bool handles(std::string_view key_ref) { return !scheme_of(key_ref).empty(); }

    static result<signer_type> load(std::string_view key_ref, const password_fn&) {
        return fail(errc::unsupported,
                    std::string(scheme_of(key_ref)) + " keys are not supported in this build");
    }
};

/// Tries Sources in order and loads the key with the first whose handles() accepts the
/// reference. Sources may return different signer types, so the result is type-erased
/// (any_signer): a KMS or PKCS#11 source can join the list without changing callers. key_sources
/// is itself a key source, so lists compose.
template <class... Sources>
struct key_sources {
    static_assert(sizeof...(Sources) > 0, "key_sources needs at least one key source");
    static_assert((check_key_source<Sources>() && ...), "every member of key_sources must be a key source");

    using signer_type = any_signer;

    static bool handles(std::string_view key_ref) { return (Sources::handles(key_ref) || ...); }

    static result<signer_type> load(std::string_view key_ref, const password_fn& pw) {
        result<signer_type> out =
            fail(errc::unsupported, "no key source handles \"" + std::string(key_ref) + "\"");
        bool done = false;
        ((done || !Sources::handles(key_ref)
              ? void()
              : (done = true, out = erase(Sources::load(key_ref, pw)), void())),
         ...);
        return out;
    }

private:
    template <class S>
    static result<signer_type> erase(result<S>&& r) {
        if (!r) return std::move(r).error();
        return signer_type(std::move(*r));
    }
};

/// The key sources of this build: env://, the refused KMS schemes, then files.
template <class Crypto>
using default_key_sources =
    key_sources<env_key_source<Crypto>, not_supported_key_source, file_key_source<Crypto>>;

}  // namespace v0
}  // namespace cosign
