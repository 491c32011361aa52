// SPDX-License-Identifier: Apache-2.0
// A verify-only policy without digest is refused with one line naming it.
// EXPECT: crypto policy: missing `static result<bytes> digest(hash_algorithm h, byte_view message)`
#include "verify_policy_parts.hpp"

struct policy : parts::with_public_key_type, parts::with_parse_public_key, parts::with_public_key_pem, parts::with_verify {};

static_assert(cosign::check_verify_crypto<policy>());

int main() {}
