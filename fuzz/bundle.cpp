// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the Sigstore bundle reader and writer and the checkpoint (signed note) reader: a bundle
/// that parses is written as v0.3, and that text must parse again and be written identically.
#include <cstdlib>
#include <string>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    (void)cosign::bundle::looks_like_sigstore_bundle(in);
    (void)cosign::tlog::parse_checkpoint(in);
    auto b = cosign::bundle::parse_bundle(in);
    if (!b) return 0;
    for (const auto& e : b->material.tlog_entries)
        if (e.proof) (void)cosign::tlog::parse_checkpoint(e.proof->checkpoint);
    const std::string once = cosign::bundle::to_json(*b);
    auto again = cosign::bundle::parse_bundle(once);
    // A v0.1/v0.2 bundle written as v0.3 may lose what v0.3 requires less of, never parse.
    if (!again) {
        if (b->minor_version == 3) std::abort();
        return 0;
    }
    if (cosign::bundle::to_json(*again) != once) std::abort();
    return 0;
}
