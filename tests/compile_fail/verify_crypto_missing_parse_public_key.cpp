// SPDX-License-Identifier: Apache-2.0
// A verify-only policy without parse_public_key is refused with one line naming it.
// EXPECT: crypto policy: missing `static result<public_key> parse_public_key(std::string_view pem_or_der)`
#include "verify_policy_parts.hpp"

struct policy : parts::with_public_key_type, parts::with_public_key_pem, parts::with_verify, parts::with_digest {};

static_assert(cosign::check_verify_crypto<policy>());

int main() {}
