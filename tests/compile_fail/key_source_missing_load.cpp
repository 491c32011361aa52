// SPDX-License-Identifier: Apache-2.0
// A key source without load() must be refused with one line that spells the missing member.
// clang-format off
// EXPECT: key source: missing `static result<signer_type> load(std::string_view key_ref, const password_fn& pw)`
// clang-format on
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/key_sources.hpp>

struct source_without_load {
    using signer_type = cosign::local_signer<cosign::crypto::mbedtls>;
    static bool handles(std::string_view key_ref) { return key_ref.rfind("mine://", 0) == 0; }
};

// Listing it among the key sources is what a user would do.
using keys = cosign::key_sources<source_without_load, cosign::file_key_source<cosign::crypto::mbedtls>>;
int main() { return keys::handles("mine://x") ? 0 : 1; }
