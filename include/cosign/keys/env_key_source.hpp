// SPDX-License-Identifier: Apache-2.0
/// The key source for `env://VAR`: the variable holds a cosign encrypted key PEM, as in cosign.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "../core/result.hpp"
#include "concepts.hpp"
#include "file_key_source.hpp"
#include "signer.hpp"

namespace cosign {
inline namespace v0 {

/// The name of the variable in an `env://VAR` reference, or an error naming what is wrong.
inline result<std::string> env_reference_variable(std::string_view key_ref) {
    static constexpr std::string_view scheme = "env://";
    if (key_ref.substr(0, scheme.size()) != scheme)
        return fail(errc::invalid_argument, "\"" + std::string(key_ref) + "\" is not an env:// reference");
    std::string name(key_ref.substr(scheme.size()));
    if (name.empty()) return fail(errc::invalid_argument, "env:// reference without a variable name");
    return name;
}

/// The value of the variable named by an `env://VAR` reference; an error naming it when unset.
inline result<std::string> read_env_reference(std::string_view key_ref) {
    COSIGN_TRY(auto name, env_reference_variable(key_ref));
    const char* value = std::getenv(name.c_str());
    if (!value) return fail(errc::invalid_argument, "loading URL: env var $" + name + " not found");
    return std::string(value);
}

/// Loads a cosign encrypted key PEM from an environment variable: `env://COSIGN_KEY`.
template <class Crypto>
struct env_key_source {
    using signer_type = local_signer<Crypto>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 6) == "env://"; }

    static result<signer_type> load(std::string_view key_ref, const password_fn& pw) {
        COSIGN_TRY(auto text, read_env_reference(key_ref));
        auto signer = detail::load_cosign_key<Crypto>(text, pw);
        secure_zero(text.data(), text.size());
        return signer;
    }
};

}  // namespace v0
}  // namespace cosign
