// SPDX-License-Identifier: Apache-2.0
/// The key source for cosign encrypted key files on disk (`--key cosign.key`), and the loading
/// step it shares with env://: read the PEM, ask for the password, decrypt, hand back a signer.
#pragma once

#include <string>
#include <string_view>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "concepts.hpp"
#include "cosign_key_file.hpp"
#include "file_io.hpp"
#include "signer.hpp"

namespace cosign {
inline namespace v0 {
namespace detail {

/// Decrypts cosign key PEM text into a signer; `pw` is called once, after the text was found to
/// be a cosign key.
template <class Crypto>
result<local_signer<Crypto>> load_cosign_key(std::string_view pem_text, const password_fn& pw) {
    using key_file = cosign_key_file<Crypto>;
    COSIGN_TRY_VOID(key_file::check_pem(pem_text));
    if (!pw) return fail(errc::invalid_argument, "the key is encrypted but no password function was given");
    COSIGN_TRY(auto password, pw());
    COSIGN_TRY(auto key, key_file::decrypt(pem_text, password));
    return local_signer<Crypto>::from_key(std::move(key));
}

}  // namespace detail

/// Loads a cosign encrypted key file from a path. It handles every reference, so it belongs last
/// in a key_sources list (the fallback, as in cosign: anything that is not a known scheme is a
/// file).
template <class Crypto>
struct file_key_source {
    using signer_type = local_signer<Crypto>;

    static bool handles(std::string_view key_ref) { return !key_ref.empty(); }

    static result<signer_type> load(std::string_view key_ref, const password_fn& pw) {
        COSIGN_TRY(auto text, read_file<bytes>(std::string(key_ref), max_key_file_size));
        return detail::load_cosign_key<Crypto>(byte_view(text).as_chars(), pw);
    }
};

}  // namespace v0
}  // namespace cosign
