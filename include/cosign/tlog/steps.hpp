// SPDX-License-Identifier: Apache-2.0
/// The transparency-log steps' common shapes, without any client: log_record (what logging one
/// signature gives the signer), no_transparency_log (the signer's step when no log is composed)
/// and no_rekor_lookup (the verifier's when no Rekor client is composed). basic_signer and
/// basic_verifier default to these, so a build that names no log compiles no Rekor client.
/// The real steps (rekor_upload_step, rekor_lookup) are in log_step.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "bundle_annotation.hpp"
#include "rekor_entry.hpp"
#include "set.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// What logging one signature gives the signer: the entry and the annotation value to store.
struct log_record {
    log_entry entry;
    rekor_bundle bundle;
    std::string annotation;  ///< the `dev.sigstore.cosign/bundle` value, as cosign writes it
};

/// The step of a build without a transparency log: log() returns no record.
struct no_transparency_log {
    static constexpr bool enabled = false;
    result<std::optional<log_record>> log(std::string_view, byte_view, std::string_view) { return std::nullopt; }
};

/// The verifier's online lookup when no Rekor client is composed: a layer without a bundle
/// annotation cannot be found in a log, so it fails (as `verify --offline` does).
struct no_rekor_lookup {
    static constexpr bool enabled = false;
    result<rekor_bundle> find(const signed_layer&, const log_keys&, std::int64_t) {
        return fail(errc::verification_failed,
                    "the signature has no transparency-log bundle and this verifier has no Rekor client to look it up");
    }
};

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
