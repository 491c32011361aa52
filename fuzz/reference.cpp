// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the image-reference parser (ggcr's name.ParseReference) and the repository parser.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    if (auto r = cosign::oci::reference::parse(in)) {
        // A parsed reference prints back to something that parses to the same reference.
        std::string s = r->str();
        auto again = cosign::oci::reference::parse(s);
        if (!again || again->str() != s) __builtin_trap();
        (void)r->context();
        (void)cosign::oci::signature_tag(r->digest ? *r->digest : cosign::oci::digest::of(cosign::byte_view(in)),
                                         cosign::oci::tag_suffix::signature, "");
    }
    (void)cosign::oci::parse_repository(in);
    (void)cosign::oci::digest::parse(in);
    return 0;
}
