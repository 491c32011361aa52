// SPDX-License-Identifier: Apache-2.0
// A verify-only policy without public_key_pem is refused with one line naming it.
// EXPECT: crypto policy: missing `static std::string public_key_pem(const public_key&)`
#include "verify_policy_parts.hpp"

struct policy : parts::with_public_key_type, parts::with_parse_public_key, parts::with_verify, parts::with_digest {};

static_assert(cosign::check_verify_crypto<policy>());

int main() {}
