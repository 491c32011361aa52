// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the simple-signing payload parser and the claim check, and the CLI's -a flag (CSV) parser.
#include "fuzz_common.hpp"

#include "../examples/cosign-cpp/annotations.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    if (auto p = cosign::oci::parse_payload(cosign::byte_view(data, size))) {
        auto d = cosign::oci::digest::parse("sha256:cc163c20dd2592aa1b50978ea9db71c96505230a70a001bb049822470d168005");
        cosign::oci::annotation_map want;
        want["a"] = "b";
        (void)cosign::oci::check_claims(*p, *d, {});
        (void)cosign::oci::check_claims(*p, *d, want);
    }
    (void)cli::read_csv_record(in);
    (void)cli::parse_annotation_flags({std::string(in)});
    return 0;
}
