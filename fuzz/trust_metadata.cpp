// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the trust-material readers: trusted_root.json, the TUF metadata envelope, canonical
/// JSON and the four role parsers, and RFC 3339 times.
#include "fuzz_common.hpp"

#include <cosign/trust/trusted_root_json.hpp>
#include <cosign/trust/tuf_metadata.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    if (auto tr = cosign::trust::parse_trusted_root(in)) {
        for (const auto& l : tr->tlogs) (void)tr->find_tlog(l.log_id, l.public_key.valid_for.start);
    }
    (void)cosign::trust::parse_rfc3339(in.substr(0, 64));
    if (auto env = cosign::trust::tuf::parse_envelope(in, "fuzz.json")) {
        const auto& s = env->signed_value();
        (void)cosign::trust::tuf::parse_root(s);
        (void)cosign::trust::tuf::parse_timestamp(s);
        (void)cosign::trust::tuf::parse_snapshot(s);
        (void)cosign::trust::tuf::parse_targets(s);
        // (Canonical JSON is not JSON: control characters stay raw, as in PEM keys, so it is
        // not parsed back here.)
        if (env->canonical_signed.empty()) __builtin_trap();
    }
    return 0;
}
