// SPDX-License-Identifier: Apache-2.0
/// Reads Sigstore's `trusted_root.json` (protobuf-specs TrustedRoot in protobuf JSON, media types
/// v0.1 and v0.2) into a trust::trust_root. Unknown fields are ignored; a known field of the wrong
/// type or value is refused with its path (`tlogs[0].publicKey.rawBytes: ...`).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "../core/base64.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "time.hpp"
#include "trust_root.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {

/// The media types trusted_root.json is read under.
inline constexpr std::string_view trusted_root_media_type_v01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
inline constexpr std::string_view trusted_root_media_type_v01_alt = "application/vnd.dev.sigstore.trustedroot.v0.1+json";
inline constexpr std::string_view trusted_root_media_type_v02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";
inline constexpr std::string_view trusted_root_media_type_v02_alt = "application/vnd.dev.sigstore.trustedroot+json;version=0.2";

namespace detail {

inline cosign::error trusted_root_fail(const std::string& path, const std::string& why) {
    return fail(errc::invalid_json, "trusted root: " + (path.rfind(".", 0) == 0 ? path.substr(1) : path) + ": " + why);
}

// A member by its protobuf JSON name (lowerCamelCase) or its proto field name (snake_case), as
// protojson accepts both; JSON null counts as absent. Both spellings at once are refused.
inline result<const json::value*> pb_field(const json::value& obj, std::string_view camel, std::string_view snake,
                                            const std::string& path) {
    const json::value* a = json::member(obj, camel);
    const json::value* b = camel == snake ? nullptr : json::member(obj, snake);
    if (a && b) return trusted_root_fail(path + "." + std::string(camel), "given twice (also as " + std::string(snake) + ")");
    const json::value* v = a ? a : b;
    if (v && v->IsNull()) v = nullptr;
    return v;
}

inline result<std::string> pb_string(const json::value& obj, std::string_view camel, std::string_view snake,
                                     const std::string& path, bool required) {
    COSIGN_TRY(const json::value* v, pb_field(obj, camel, snake, path));
    const std::string p = path + "." + std::string(camel);
    if (!v) {
        if (required) return trusted_root_fail(p, "missing");
        return std::string();
    }
    auto s = json::as_string(*v);
    if (!s) return trusted_root_fail(p, "not a string");
    return std::string(*s);
}

// protobuf JSON bytes: standard or URL-safe base64, padding optional.
inline result<bytes> pb_bytes(const json::value& v, const std::string& path) {
    auto s = json::as_string(v);
    if (!s) return trusted_root_fail(path, "not a base64 string");
    std::string t(*s);
    for (auto& c : t) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
    }
    if (t.size() % 4 == 1) return trusted_root_fail(path, "not base64 (bad length)");
    while (t.size() % 4 != 0) t += '=';
    auto d = base64::decode(t);
    if (!d) return trusted_root_fail(path, "not base64");
    return std::move(*d);
}

inline result<instant> pb_time(const json::value& obj, std::string_view name, const std::string& path, bool required,
                               instant fallback) {
    COSIGN_TRY(const json::value* v, pb_field(obj, name, name, path));
    const std::string p = path + "." + std::string(name);
    if (!v) {
        if (required) return trusted_root_fail(p, "missing");
        return fallback;
    }
    auto s = json::as_string(*v);
    if (!s) return trusted_root_fail(p, "not an RFC 3339 string");
    auto t = parse_rfc3339(*s);
    if (!t) return trusted_root_fail(p, t.error().message());
    return *t;
}

inline result<validity_period> pb_validity(const json::value& obj, const std::string& path, bool required) {
    COSIGN_TRY(const json::value* v, pb_field(obj, "validFor", "valid_for", path));
    const std::string p = path + ".validFor";
    constexpr instant beginning{std::numeric_limits<std::int64_t>::min(), 0};
    if (!v) {
        if (required) return trusted_root_fail(p, "missing");
        return validity_period{beginning, std::nullopt};
    }
    if (!v->IsObject()) return trusted_root_fail(p, "not an object");
    validity_period out;
    COSIGN_TRY(out.start, pb_time(*v, "start", p, required, beginning));
    COSIGN_TRY(const json::value* end, pb_field(*v, "end", "end", p));
    if (end) {
        COSIGN_TRY(auto e, pb_time(*v, "end", p, true, beginning));
        if (e < out.start) return trusted_root_fail(p + ".end", "before start");
        out.end = e;
    }
    return out;
}

// The outer shape of DER: one SEQUENCE whose length covers the input exactly.
inline bool looks_like_der_sequence(byte_view d) noexcept {
    if (d.size() < 2 || d[0] != 0x30) return false;
    std::size_t len = d[1], hdr = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7f;
        if (n == 0 || n > 4 || d.size() < 2 + n) return false;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | d[2 + i];
        hdr += n;
    }
    return hdr + len == d.size();
}

inline bool is_enum_name(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

inline result<transparency_log> parse_log(const json::value& v, const std::string& path) {
    if (!v.IsObject()) return trusted_root_fail(path, "not an object");
    transparency_log log;
    COSIGN_TRY(log.base_url, pb_string(v, "baseUrl", "base_url", path, false));
    COSIGN_TRY(auto hash, pb_string(v, "hashAlgorithm", "hash_algorithm", path, false));
    if (!hash.empty()) {
        if (hash != "SHA2_256" && hash != "SHA2_384" && hash != "SHA2_512" && hash != "SHA3_256" && hash != "SHA3_384")
            return trusted_root_fail(path + ".hashAlgorithm", "unknown hash algorithm \"" + hash + "\"");
        log.hash_algorithm = hash;
    }
    COSIGN_TRY(const json::value* key, pb_field(v, "publicKey", "public_key", path));
    const std::string kp = path + ".publicKey";
    if (!key) return trusted_root_fail(kp, "missing");
    if (!key->IsObject()) return trusted_root_fail(kp, "not an object");
    COSIGN_TRY(const json::value* raw, pb_field(*key, "rawBytes", "raw_bytes", kp));
    if (!raw) return trusted_root_fail(kp + ".rawBytes", "missing");
    COSIGN_TRY(log.public_key.der, pb_bytes(*raw, kp + ".rawBytes"));
    if (!looks_like_der_sequence(log.public_key.der))
        return trusted_root_fail(kp + ".rawBytes", "not a DER SubjectPublicKeyInfo");
    COSIGN_TRY(log.public_key.key_details, pb_string(*key, "keyDetails", "key_details", kp, true));
    if (!is_enum_name(log.public_key.key_details))
        return trusted_root_fail(kp + ".keyDetails", "not a key algorithm name");
    COSIGN_TRY(log.public_key.valid_for, pb_validity(*key, kp, true));
    COSIGN_TRY(const json::value* id, pb_field(v, "logId", "log_id", path));
    if (!id) return trusted_root_fail(path + ".logId", "missing");
    if (!id->IsObject()) return trusted_root_fail(path + ".logId", "not an object");
    COSIGN_TRY(const json::value* key_id, pb_field(*id, "keyId", "key_id", path + ".logId"));
    if (!key_id) return trusted_root_fail(path + ".logId.keyId", "missing");
    COSIGN_TRY(log.log_id, pb_bytes(*key_id, path + ".logId.keyId"));
    if (log.log_id.empty()) return trusted_root_fail(path + ".logId.keyId", "empty");
    COSIGN_TRY(const json::value* cp, pb_field(v, "checkpointKeyId", "checkpoint_key_id", path));
    if (cp) {
        if (!cp->IsObject()) return trusted_root_fail(path + ".checkpointKeyId", "not an object");
        COSIGN_TRY(const json::value* cp_id, pb_field(*cp, "keyId", "key_id", path + ".checkpointKeyId"));
        if (!cp_id) return trusted_root_fail(path + ".checkpointKeyId.keyId", "missing");
        COSIGN_TRY(auto cpb, pb_bytes(*cp_id, path + ".checkpointKeyId.keyId"));
        log.checkpoint_key_id = std::move(cpb);
    }
    COSIGN_TRY(log.operator_name, pb_string(v, "operator", "operator", path, false));
    return log;
}

inline result<certificate_authority> parse_authority(const json::value& v, const std::string& path) {
    if (!v.IsObject()) return trusted_root_fail(path, "not an object");
    certificate_authority ca;
    COSIGN_TRY(const json::value* subject, pb_field(v, "subject", "subject", path));
    if (subject) {
        if (!subject->IsObject()) return trusted_root_fail(path + ".subject", "not an object");
        COSIGN_TRY(ca.subject.organization, pb_string(*subject, "organization", "organization", path + ".subject", false));
        COSIGN_TRY(ca.subject.common_name, pb_string(*subject, "commonName", "common_name", path + ".subject", false));
    }
    COSIGN_TRY(ca.uri, pb_string(v, "uri", "uri", path, false));
    COSIGN_TRY(const json::value* chain, pb_field(v, "certChain", "cert_chain", path));
    const std::string cp = path + ".certChain";
    if (!chain) return trusted_root_fail(cp, "missing");
    if (!chain->IsObject()) return trusted_root_fail(cp, "not an object");
    COSIGN_TRY(const json::value* certs, pb_field(*chain, "certificates", "certificates", cp));
    if (!certs) return trusted_root_fail(cp + ".certificates", "missing");
    if (!certs->IsArray()) return trusted_root_fail(cp + ".certificates", "not an array");
    if (certs->Empty()) return trusted_root_fail(cp + ".certificates", "empty");
    for (rapidjson::SizeType i = 0; i < certs->Size(); ++i) {
        const std::string p = cp + ".certificates[" + std::to_string(i) + "]";
        const auto& c = (*certs)[i];
        if (!c.IsObject()) return trusted_root_fail(p, "not an object");
        COSIGN_TRY(const json::value* raw, pb_field(c, "rawBytes", "raw_bytes", p));
        if (!raw) return trusted_root_fail(p + ".rawBytes", "missing");
        COSIGN_TRY(auto der, pb_bytes(*raw, p + ".rawBytes"));
        if (!looks_like_der_sequence(der)) return trusted_root_fail(p + ".rawBytes", "not a DER certificate");
        ca.cert_chain.push_back(std::move(der));
    }
    COSIGN_TRY(ca.valid_for, pb_validity(v, path, false));
    COSIGN_TRY(ca.operator_name, pb_string(v, "operator", "operator", path, false));
    return ca;
}

template <class T, class F>
result<std::vector<T>> pb_list(const json::value& root, std::string_view camel, std::string_view snake, F parse_one) {
    COSIGN_TRY(const json::value* v, pb_field(root, camel, snake, ""));
    std::vector<T> out;
    if (!v) return out;
    const std::string name(camel);
    if (!v->IsArray()) return trusted_root_fail(name, "not an array");
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
        COSIGN_TRY(auto item, parse_one((*v)[i], name + "[" + std::to_string(i) + "]"));
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace detail

/// True when `media_type` is one trusted_root.json is read under (v0.1 or v0.2, either spelling).
inline bool is_trusted_root_media_type(std::string_view media_type) noexcept {
    return media_type == trusted_root_media_type_v01 || media_type == trusted_root_media_type_v01_alt ||
           media_type == trusted_root_media_type_v02 || media_type == trusted_root_media_type_v02_alt;
}

/// Parses trusted_root.json text. Errors (errc::invalid_json) name the field that is wrong.
///
///     auto root = cosign::trust::parse_trusted_root(text);
///     if (root) use(root->find_tlog(log_id, cosign::trust::instant::from_unix(integrated_time)));
inline result<trust_root> parse_trusted_root(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) return fail(doc.error().code(), "trusted root: " + doc.error().message());
    const json::value& root = *doc;
    if (!root.IsObject()) return detail::trusted_root_fail("(top level)", "not an object");
    trust_root out;
    COSIGN_TRY(out.media_type, detail::pb_string(root, "mediaType", "media_type", "", true));
    if (!is_trusted_root_media_type(out.media_type))
        return fail(errc::unsupported, "trusted root: unsupported media type \"" + out.media_type + "\"");
    COSIGN_TRY(out.tlogs, detail::pb_list<transparency_log>(root, "tlogs", "tlogs", detail::parse_log));
    COSIGN_TRY(out.certificate_authorities,
               detail::pb_list<certificate_authority>(root, "certificateAuthorities", "certificate_authorities",
                                                      detail::parse_authority));
    COSIGN_TRY(out.ctlogs, detail::pb_list<transparency_log>(root, "ctlogs", "ctlogs", detail::parse_log));
    COSIGN_TRY(out.timestamp_authorities,
               detail::pb_list<certificate_authority>(root, "timestampAuthorities", "timestamp_authorities",
                                                      detail::parse_authority));
    return out;
}

}  // namespace trust
}  // namespace v0
}  // namespace cosign
