// SPDX-License-Identifier: Apache-2.0
/// The `dev.sigstore.cosign/bundle` layer annotation: cosign's RekorBundle, written byte for
/// byte as cosign writes it and read back strictly.
///
///     {"SignedEntryTimestamp":"<b64>","Payload":{"body":"<b64>","integratedTime":N,"logIndex":N,"logID":"<hex>"}}
///
/// (cosign's pkg/cosign/bundle/rekor.go: Go's json.Marshal of the struct, so this key order,
/// the SET as base64 of its bytes, no inclusion proof.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "../core/base64.hpp"
#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/result.hpp"
#include "rekor_entry.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// The annotation key the bundle is stored under on a signature layer.
inline constexpr const char* bundle_annotation_key = "dev.sigstore.cosign/bundle";

/// cosign's RekorBundle: what a signature layer keeps of its Rekor entry.
struct rekor_bundle {
    std::string signed_entry_timestamp;  ///< base64 SET
    std::string body;                    ///< base64 canonical entry body
    std::int64_t integrated_time = 0;
    std::int64_t log_index = 0;  ///< the entry's global index
    std::string log_id;          ///< hex

    /// The bundle cosign makes from an entry Rekor returned (EntryToBundle).
    static rekor_bundle from_entry(const log_entry& e) {
        rekor_bundle b;
        b.signed_entry_timestamp = e.signed_entry_timestamp;
        b.body = e.body;
        b.integrated_time = e.integrated_time;
        b.log_index = e.log_index;
        b.log_id = e.log_id;
        return b;
    }
};

/// The annotation value, exactly as cosign 2 writes it. The SET goes through Go's []byte
/// (decoded, then re-encoded as standard base64), so a non-canonical base64 SET from the server
/// comes out canonical, as in cosign.
inline std::string to_annotation(const rekor_bundle& b) {
    std::string set = b.signed_entry_timestamp;
    if (auto raw = base64::decode(set)) set = base64::encode(*raw);
    json::writer w;
    w.begin_object();
    w.key("SignedEntryTimestamp").string(set);
    w.key("Payload").begin_object();
    w.key("body").string(b.body);
    w.key("integratedTime").integer(b.integrated_time);
    w.key("logIndex").integer(b.log_index);
    w.key("logID").string(b.log_id);
    w.end_object();
    w.end_object();
    return std::move(w).str();
}

/// Reads an annotation value. Every field is required and typed as cosign writes it; unknown
/// fields are ignored, as Go's json.Unmarshal does.
inline result<rekor_bundle> parse_annotation(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) return std::move(doc).error().context("the " + std::string(bundle_annotation_key) + " annotation");
    const std::string what = "the " + std::string(bundle_annotation_key) + " annotation";
    rekor_bundle b;
    auto set = json::string_member(*doc, "SignedEntryTimestamp");
    if (!set || set->empty() || !base64::decode(*set))
        return fail(errc::invalid_json, what + " has no base64 \"SignedEntryTimestamp\"");
    b.signed_entry_timestamp = std::string(*set);
    const json::value* p = json::member(*doc, "Payload");
    if (!p || !p->IsObject()) return fail(errc::invalid_json, what + " has no \"Payload\" object");
    auto body = json::string_member(*p, "body");
    if (!body || body->empty()) return fail(errc::invalid_json, what + " has no \"Payload.body\" string");
    b.body = std::string(*body);
    const json::value* t = json::member(*p, "integratedTime");
    if (!t || !t->IsInt64() || t->GetInt64() < 0)
        return fail(errc::invalid_json, what + " has no integer \"Payload.integratedTime\"");
    b.integrated_time = t->GetInt64();
    const json::value* i = json::member(*p, "logIndex");
    if (!i || !i->IsInt64() || i->GetInt64() < 0)
        return fail(errc::invalid_json, what + " has no integer \"Payload.logIndex\"");
    b.log_index = i->GetInt64();
    auto id = json::string_member(*p, "logID");
    if (!id || !hex::is_lower_hex(*id)) return fail(errc::invalid_json, what + " has no hex \"Payload.logID\"");
    b.log_id = std::string(*id);
    return b;
}

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
