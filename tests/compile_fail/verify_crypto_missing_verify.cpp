// SPDX-License-Identifier: Apache-2.0
// A verify-only policy whose verify takes no hash is refused with one line naming the hashed form.
// EXPECT: crypto policy: missing `static result<void> verify(const public_key&, byte_view message, byte_view signature, hash_algorithm h)`
#include "verify_policy_parts.hpp"

struct policy : parts::with_public_key_type, parts::with_parse_public_key, parts::with_public_key_pem, parts::with_verify_sha256_only, parts::with_digest {};

static_assert(cosign::check_verify_crypto<policy>());

int main() {}
