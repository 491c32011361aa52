// SPDX-License-Identifier: Apache-2.0
/// Loading the public key for `cosign verify --key`: a file (PEM or DER) or env://VAR (PEM).
#pragma once

#include <string>
#include <string_view>

#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "env_key_source.hpp"
#include "file_io.hpp"
#include "key_sources.hpp"

namespace cosign {
inline namespace v0 {

/// Loads a public key from a path or from `env://VAR`. KMS references are errc::unsupported, and
/// so are http(s):// URLs in this build.
template <class Crypto>
result<typename Crypto::public_key> load_public_key(std::string_view key_ref) {
    static_assert(check_verify_crypto<Crypto>(), "load_public_key needs the verify set of a crypto policy");
    if (key_ref.empty()) return fail(errc::invalid_argument, "empty public key reference");
    if (not_supported_key_source::handles(key_ref))
        return fail(errc::unsupported, std::string(not_supported_key_source::scheme_of(key_ref)) +
                                           " keys are not supported in this build");
    if (key_ref.substr(0, 7) == "http://" || key_ref.substr(0, 8) == "https://")
        return fail(errc::unsupported, "loading public keys from URLs is not supported in this build");
    if (key_ref.substr(0, 6) == "env://") {
        COSIGN_TRY(auto text, read_env_reference(key_ref));
        return Crypto::parse_public_key(text);
    }
    COSIGN_TRY(auto data, read_file<bytes>(std::string(key_ref), max_key_file_size));
    auto key = Crypto::parse_public_key(byte_view(data).as_chars());
    if (!key) return cosign::error(key.error()).context("loading public key " + std::string(key_ref));
    return key;
}

}  // namespace v0
}  // namespace cosign
