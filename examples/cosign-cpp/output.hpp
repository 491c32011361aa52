// SPDX-License-Identifier: Apache-2.0
/// What `cosign verify` prints for each verified signature: the payload re-encoded as Go
/// re-encodes it, with the certificate's claims added. Output shapes are the CLI's; the library
/// returns the payload bytes and the certificate described.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <cosign/core/base64.hpp>
#include <cosign/core/json_go.hpp>
#include <cosign/core/json_reader.hpp>
#include <cosign/core/json_writer.hpp>
#include <cosign/tlog/bundle_annotation.hpp>
#include <cosign/verifier.hpp>

namespace cli {

/// What cosign adds to the printed payload's `optional` for a signature whose layer has a
/// certificate: "Subject" (first SAN), and "Issuer" plus Fulcio's extension OIDs when present.
inline std::map<std::string, std::string> printed_claims(const cosign::verified_signature& sig) {
    std::map<std::string, std::string> out;
    if (!sig.certificate) return out;
    auto sans = sig.certificate->subject_alternative_names();
    out["Subject"] = sans.empty() ? std::string() : sans.front();
    static const std::pair<const char*, const char*> fulcio[] = {
        {"1.3.6.1.4.1.57264.1.1", "Issuer"},
        {"1.3.6.1.4.1.57264.1.2", "githubWorkflowTrigger"},
        {"1.3.6.1.4.1.57264.1.3", "githubWorkflowSha"},
        {"1.3.6.1.4.1.57264.1.4", "githubWorkflowName"},
        {"1.3.6.1.4.1.57264.1.5", "githubWorkflowRepository"},
        {"1.3.6.1.4.1.57264.1.6", "githubWorkflowRef"}};
    for (const auto& f : fulcio) {
        std::string v = sig.certificate->extension(f.first);
        if (v.empty()) continue;
        out[f.second] = v;
        out[f.first] = v;
    }
    return out;
}

/// What cosign adds as "Bundle" to the printed payload's `optional`: the layer's
/// `dev.sigstore.cosign/bundle` annotation as Go re-marshals it (whether or not the log was
/// checked); "" when the layer has none or it does not parse.
inline std::string printed_bundle(const cosign::verified_signature& sig) {
    auto it = sig.annotations.find(cosign::tlog::bundle_annotation_key);
    if (it == sig.annotations.end()) return {};
    auto b = cosign::tlog::parse_annotation(it->second);
    return b ? cosign::tlog::to_annotation(*b) : std::string();
}

/// What cosign adds as "RFC3161Timestamp" to the printed payload's `optional`: the layer's
/// `dev.sigstore.cosign/rfc3161timestamp` annotation as Go re-marshals it; "" when the layer has
/// none or it does not parse.
inline std::string printed_timestamp(const cosign::verified_signature& sig) {
    auto it = sig.annotations.find(std::string(cosign::oci::annotation::rfc3161_timestamp));
    if (it == sig.annotations.end()) return {};
    auto doc = cosign::json::parse(it->second);
    if (!doc || !doc->IsObject()) return {};
    const cosign::json::value* v = cosign::json::member(*doc, "SignedRFC3161Timestamp");
    auto text = v ? cosign::json::as_string(*v) : std::nullopt;
    if (!text) return {};
    auto raw = cosign::base64::decode(*text);  // []byte in Go: base64, re-encoded canonically
    if (!raw) return {};
    cosign::json::writer w;
    w.begin_object().key("SignedRFC3161Timestamp").string(cosign::base64::encode(*raw)).end_object();
    return std::move(w).str();
}

/// The payload as cosign prints it after verification: decoded and re-encoded (only the
/// known fields, in cosign's order; `optional` with sorted keys, numbers as float64), with the
/// certificate's claims (`extra`), the bundle's JSON (`bundle_json`, as "Bundle") and the
/// timestamp's (`timestamp_json`, as "RFC3161Timestamp") added.
inline std::string reencode_payload(std::string_view payload,
                                    const std::map<std::string, std::string>& extra = {},
                                    std::string_view bundle_json = {}, std::string_view timestamp_json = {}) {
    auto doc = cosign::json::parse(payload);
    if (!doc) return std::string(payload);
    cosign::json::writer w;
    auto get = [](const cosign::json::value* v, std::string_view name) -> const cosign::json::value* {
        return v ? cosign::json::member(*v, name) : nullptr;
    };
    const cosign::json::value* critical = get(&*doc, "critical");
    auto str = [&](const cosign::json::value* v) -> std::string {
        auto s = v ? cosign::json::as_string(*v) : std::nullopt;
        return s ? std::string(*s) : std::string();
    };
    w.begin_object().key("critical").begin_object();
    w.key("identity").begin_object().key("docker-reference").string(str(get(get(critical, "identity"), "docker-reference"))).end_object();
    w.key("image").begin_object().key("docker-manifest-digest").string(str(get(get(critical, "image"), "docker-manifest-digest"))).end_object();
    w.key("type").string(str(get(critical, "type"))).end_object();
    w.key("optional");
    const cosign::json::value* optional = get(&*doc, "optional");
    if (!extra.empty() || !bundle_json.empty() || !timestamp_json.empty()) {
        // Go adds the certificate's claims and the bundle to the decoded map: one object, keys sorted.
        std::map<std::string, const cosign::json::value*> members;
        if (optional && optional->IsObject())
            for (const auto& m : optional->GetObject())
                members[std::string(m.name.GetString(), m.name.GetStringLength())] = &m.value;
        for (const auto& e : extra) members[e.first] = nullptr;
        if (!bundle_json.empty()) members["Bundle"] = nullptr;
        if (!timestamp_json.empty()) members["RFC3161Timestamp"] = nullptr;
        w.begin_object();
        for (const auto& m : members) {
            w.key(m.first);
            if (m.second) cosign::json::write_go(w, *m.second);
            else if (m.first == "Bundle" && !bundle_json.empty()) w.raw(bundle_json);
            else if (m.first == "RFC3161Timestamp" && !timestamp_json.empty()) w.raw(timestamp_json);
            else w.string(extra.at(m.first));
        }
        w.end_object();
    } else if (optional && optional->IsObject()) {
        cosign::json::write_go(w, *optional);
    } else {
        w.null();
    }
    w.end_object();
    return std::move(w).str();
}

}  // namespace cli
