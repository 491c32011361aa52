// SPDX-License-Identifier: Apache-2.0
/// Fuzzes WWW-Authenticate parsing and the token endpoint's answer.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    for (const auto& c : cosign::registry::parse_www_authenticate(in)) {
        (void)c.param("realm");
        (void)c.param("scope");
    }
    (void)cosign::registry::parse_token_response(in);
    return 0;
}
