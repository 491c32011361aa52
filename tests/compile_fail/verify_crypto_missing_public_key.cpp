// SPDX-License-Identifier: Apache-2.0
// A verify-only policy without its public_key type is refused with that one line.
// EXPECT: crypto policy: missing `using public_key = <owning, copyable key handle>`
#include "verify_policy_parts.hpp"

struct policy : parts::with_parse_public_key, parts::with_public_key_pem, parts::with_verify, parts::with_digest {};

static_assert(cosign::check_verify_crypto<policy>());

int main() {}
