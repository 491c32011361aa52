// SPDX-License-Identifier: Apache-2.0
/// OCI/Docker descriptors, image manifests and indexes: parsed with strict types, written as go-containerregistry writes them.
///
/// Field order and omitempty follow ggcr's pkg/v1/manifest.go and platform.go (Go encoding/json,
/// annotation keys sorted). Parsing ignores unknown fields and treats null as absent, as Go
/// does, but refuses wrong JSON types, bad digests and negative sizes; field names must be
/// spelled exactly (Go would also take `MediaType`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/config.hpp"
#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/result.hpp"
#include "digest.hpp"
#include "media_types.hpp"

namespace cosign {
inline namespace v0 {
namespace oci {

/// The os/arch an index entry is for (ggcr v1.Platform).
struct platform {
    std::string architecture;
    std::string os;
    std::string os_version;
    std::vector<std::string> os_features;
    std::string variant;
    std::vector<std::string> features;

    /// `os/arch[/variant][:os.version]`, or "" without an os (ggcr's Platform.String()).
    std::string str() const {
        if (os.empty()) return {};
        std::string s = os;
        if (!architecture.empty()) s += "/" + architecture;
        if (!variant.empty()) s += "/" + variant;
        if (!os_version.empty()) s += ":" + os_version;
        return s;
    }
    friend bool operator==(const platform& a, const platform& b) {
        return a.architecture == b.architecture && a.os == b.os && a.os_version == b.os_version &&
               a.os_features == b.os_features && a.variant == b.variant && a.features == b.features;
    }
};

/// A content descriptor (ggcr v1.Descriptor).
struct descriptor {
    std::string media_type;
    std::int64_t size = 0;
    oci::digest digest;
    /// Embedded content (`data`, base64 in JSON); empty when absent.
    bytes data;
    std::vector<std::string> urls;
    std::map<std::string, std::string> annotations;
    std::optional<oci::platform> platform;
    std::string artifact_type;

    friend bool operator==(const descriptor& a, const descriptor& b) {
        return a.media_type == b.media_type && a.size == b.size && a.digest == b.digest && a.data == b.data &&
               a.urls == b.urls && a.annotations == b.annotations && a.platform == b.platform &&
               a.artifact_type == b.artifact_type;
    }
    friend bool operator!=(const descriptor& a, const descriptor& b) { return !(a == b); }
};

/// An image manifest (ggcr v1.Manifest, plus the OCI 1.1 `artifactType`).
struct manifest {
    std::int64_t schema_version = 2;
    std::string media_type;
    descriptor config;
    std::vector<descriptor> layers;
    std::map<std::string, std::string> annotations;
    std::optional<descriptor> subject;
    std::string artifact_type;
};

/// An image index or Docker manifest list (ggcr v1.IndexManifest, plus `artifactType`).
struct index {
    std::int64_t schema_version = 2;
    std::string media_type;
    std::vector<descriptor> manifests;
    std::map<std::string, std::string> annotations;
    std::optional<descriptor> subject;
    std::string artifact_type;
};

/// True for the OCI index and the Docker manifest list media types.
inline bool is_index_media_type(std::string_view mt) noexcept {
    return mt == media_type::oci_index || mt == media_type::docker_manifest_list;
}
/// True for the OCI image manifest and Docker schema 2 manifest media types.
inline bool is_manifest_media_type(std::string_view mt) noexcept {
    return mt == media_type::oci_manifest || mt == media_type::docker_manifest;
}

namespace detail {

inline error bad_manifest(const std::string& why) { return error(errc::invalid_manifest, why); }

// Member lookup treating null as absent, as Go's decoder does.
inline const json::value* present(const json::value& obj, std::string_view name) {
    const json::value* m = json::member(obj, name);
    return m && !m->IsNull() ? m : nullptr;
}

inline result<void> read_string(const json::value& obj, std::string_view name, std::string_view where, std::string& out) {
    if (const json::value* m = present(obj, name)) {
        auto s = json::as_string(*m);
        if (!s) return bad_manifest(std::string(where) + "." + std::string(name) + " is not a string");
        out = std::string(*s);
    }
    return {};
}

inline result<void> read_int(const json::value& obj, std::string_view name, std::string_view where, std::int64_t& out) {
    if (const json::value* m = present(obj, name)) {
        if (!m->IsInt64()) return bad_manifest(std::string(where) + "." + std::string(name) + " is not an integer");
        out = m->GetInt64();
    }
    return {};
}

inline result<void> read_strings(const json::value& obj, std::string_view name, std::string_view where,
                                 std::vector<std::string>& out) {
    if (const json::value* m = present(obj, name)) {
        if (!m->IsArray()) return bad_manifest(std::string(where) + "." + std::string(name) + " is not an array");
        for (auto it = m->Begin(); it != m->End(); ++it) {
            auto s = json::as_string(*it);
            if (!s) return bad_manifest(std::string(where) + "." + std::string(name) + " holds a non-string");
            out.emplace_back(*s);
        }
    }
    return {};
}

inline result<void> read_string_map(const json::value& obj, std::string_view name, std::string_view where,
                                    std::map<std::string, std::string>& out) {
    if (const json::value* m = present(obj, name)) {
        if (!m->IsObject()) return bad_manifest(std::string(where) + "." + std::string(name) + " is not an object");
        for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
            auto s = json::as_string(it->value);
            if (!s && !it->value.IsNull())
                return bad_manifest(std::string(where) + "." + std::string(name) + "[" +
                                    json::go_quote(json::key_of(it->name)) + "] is not a string");
            out[std::string(json::key_of(it->name))] = s ? std::string(*s) : std::string();
        }
    }
    return {};
}

inline result<oci::platform> parse_platform(const json::value& v, const std::string& where) {
    if (!v.IsObject()) return bad_manifest(where + " is not an object");
    oci::platform p;
    COSIGN_TRY_VOID(read_string(v, "architecture", where, p.architecture));
    COSIGN_TRY_VOID(read_string(v, "os", where, p.os));
    COSIGN_TRY_VOID(read_string(v, "os.version", where, p.os_version));
    COSIGN_TRY_VOID(read_strings(v, "os.features", where, p.os_features));
    COSIGN_TRY_VOID(read_string(v, "variant", where, p.variant));
    COSIGN_TRY_VOID(read_strings(v, "features", where, p.features));
    return p;
}

inline result<descriptor> parse_descriptor(const json::value& v, const std::string& where) {
    if (!v.IsObject()) return bad_manifest(where + " is not an object");
    descriptor d;
    COSIGN_TRY_VOID(read_string(v, "mediaType", where, d.media_type));
    COSIGN_TRY_VOID(read_int(v, "size", where, d.size));
    if (d.size < 0) return bad_manifest(where + ".size is negative");
    if (const json::value* m = present(v, "digest")) {
        auto s = json::as_string(*m);
        if (!s) return bad_manifest(where + ".digest is not a string");
        auto dg = oci::digest::parse(*s);
        if (!dg) return bad_manifest(where + ".digest: " + dg.error().message());
        d.digest = std::move(*dg);
    }
    if (const json::value* m = present(v, "data")) {
        auto s = json::as_string(*m);
        if (!s) return bad_manifest(where + ".data is not a string");
        auto b = base64::decode(*s);
        if (!b) return bad_manifest(where + ".data: " + b.error().message());
        d.data = std::move(*b);
    }
    COSIGN_TRY_VOID(read_strings(v, "urls", where, d.urls));
    COSIGN_TRY_VOID(read_string_map(v, "annotations", where, d.annotations));
    if (const json::value* m = present(v, "platform")) {
        COSIGN_TRY(d.platform, parse_platform(*m, where + ".platform"));
    }
    COSIGN_TRY_VOID(read_string(v, "artifactType", where, d.artifact_type));
    return d;
}

inline result<json::document> parse_top(byte_view text, std::string_view what) {
    if (text.size() > COSIGN_MAX_MANIFEST_SIZE)
        return fail(errc::limit_exceeded, std::string(what) + " larger than " + std::to_string(COSIGN_MAX_MANIFEST_SIZE) + " bytes");
    auto doc = json::parse(text.as_chars());
    if (!doc) {
        if (doc.error().code() == errc::limit_exceeded) return std::move(doc).error();
        return bad_manifest("invalid " + std::string(what) + ": " + doc.error().message());
    }
    if (!doc->IsObject()) return bad_manifest("invalid " + std::string(what) + ": not a JSON object");
    return doc;
}

inline void write_string_map(json::writer& w, std::string_view key, const std::map<std::string, std::string>& m) {
    if (m.empty()) return;  // omitempty
    w.key(key).begin_object();
    for (const auto& kv : m) w.key(kv.first).string(kv.second);
    w.end_object();
}

inline void write_strings(json::writer& w, std::string_view key, const std::vector<std::string>& v) {
    if (v.empty()) return;  // omitempty
    w.key(key).begin_array();
    for (const auto& s : v) w.string(s);
    w.end_array();
}

inline void write_platform(json::writer& w, const oci::platform& p) {
    w.begin_object();
    w.key("architecture").string(p.architecture);
    w.key("os").string(p.os);
    if (!p.os_version.empty()) w.key("os.version").string(p.os_version);
    write_strings(w, "os.features", p.os_features);
    if (!p.variant.empty()) w.key("variant").string(p.variant);
    write_strings(w, "features", p.features);
    w.end_object();
}

inline void write_descriptor(json::writer& w, const descriptor& d) {
    w.begin_object();
    w.key("mediaType").string(d.media_type);
    w.key("size").integer(d.size);
    w.key("digest").string(d.digest.str());
    if (!d.data.empty()) w.key("data").string(base64::encode(d.data));
    write_strings(w, "urls", d.urls);
    write_string_map(w, "annotations", d.annotations);
    if (d.platform) {
        w.key("platform");
        write_platform(w, *d.platform);
    }
    if (!d.artifact_type.empty()) w.key("artifactType").string(d.artifact_type);
    w.end_object();
}

}  // namespace detail

/// Parses an image manifest. Errors: errc::invalid_manifest naming the field, or
/// errc::limit_exceeded beyond COSIGN_MAX_MANIFEST_SIZE.
inline result<manifest> parse_manifest(byte_view text) {
    COSIGN_TRY(auto doc, detail::parse_top(text, "manifest"));
    const json::value& v = doc;
    manifest m;
    m.schema_version = 0;
    COSIGN_TRY_VOID(detail::read_int(v, "schemaVersion", "manifest", m.schema_version));
    COSIGN_TRY_VOID(detail::read_string(v, "mediaType", "manifest", m.media_type));
    if (const json::value* c = detail::present(v, "config")) {
        COSIGN_TRY(m.config, detail::parse_descriptor(*c, "manifest.config"));
    }
    if (const json::value* l = detail::present(v, "layers")) {
        if (!l->IsArray()) return detail::bad_manifest("manifest.layers is not an array");
        for (rapidjson::SizeType i = 0; i < l->Size(); ++i) {
            COSIGN_TRY(auto d, detail::parse_descriptor((*l)[i], "manifest.layers[" + std::to_string(i) + "]"));
            m.layers.push_back(std::move(d));
        }
    }
    COSIGN_TRY_VOID(detail::read_string_map(v, "annotations", "manifest", m.annotations));
    if (const json::value* s = detail::present(v, "subject")) {
        COSIGN_TRY(m.subject, detail::parse_descriptor(*s, "manifest.subject"));
    }
    COSIGN_TRY_VOID(detail::read_string(v, "artifactType", "manifest", m.artifact_type));
    return m;
}

/// Parses an image index or Docker manifest list.
inline result<index> parse_index(byte_view text) {
    COSIGN_TRY(auto doc, detail::parse_top(text, "index"));
    const json::value& v = doc;
    index ix;
    ix.schema_version = 0;
    COSIGN_TRY_VOID(detail::read_int(v, "schemaVersion", "index", ix.schema_version));
    COSIGN_TRY_VOID(detail::read_string(v, "mediaType", "index", ix.media_type));
    if (const json::value* l = detail::present(v, "manifests")) {
        if (!l->IsArray()) return detail::bad_manifest("index.manifests is not an array");
        for (rapidjson::SizeType i = 0; i < l->Size(); ++i) {
            COSIGN_TRY(auto d, detail::parse_descriptor((*l)[i], "index.manifests[" + std::to_string(i) + "]"));
            ix.manifests.push_back(std::move(d));
        }
    }
    COSIGN_TRY_VOID(detail::read_string_map(v, "annotations", "index", ix.annotations));
    if (const json::value* s = detail::present(v, "subject")) {
        COSIGN_TRY(ix.subject, detail::parse_descriptor(*s, "index.subject"));
    }
    COSIGN_TRY_VOID(detail::read_string(v, "artifactType", "index", ix.artifact_type));
    return ix;
}

/// The `mediaType` field of a manifest or index document, or "" when absent (for dispatch
/// when the registry's Content-Type is missing).
inline result<std::string> sniff_media_type(byte_view text) {
    COSIGN_TRY(auto doc, detail::parse_top(text, "manifest"));
    std::string mt;
    COSIGN_TRY_VOID(detail::read_string(doc, "mediaType", "manifest", mt));
    return mt;
}

/// Serialises a descriptor as ggcr does.
inline std::string to_json(const descriptor& d) {
    json::writer w;
    detail::write_descriptor(w, d);
    return std::move(w).str();
}

/// Serialises a manifest as ggcr does (compact; the bytes whose sha256 is its digest).
inline std::string to_json(const manifest& m) {
    json::writer w;
    w.begin_object();
    w.key("schemaVersion").integer(m.schema_version);
    if (!m.media_type.empty()) w.key("mediaType").string(m.media_type);
    w.key("config");
    detail::write_descriptor(w, m.config);
    w.key("layers").begin_array();
    for (const auto& l : m.layers) detail::write_descriptor(w, l);
    w.end_array();
    detail::write_string_map(w, "annotations", m.annotations);
    if (m.subject) {
        w.key("subject");
        detail::write_descriptor(w, *m.subject);
    }
    if (!m.artifact_type.empty()) w.key("artifactType").string(m.artifact_type);
    w.end_object();
    return std::move(w).str();
}

/// Serialises an index as ggcr does.
inline std::string to_json(const index& ix) {
    json::writer w;
    w.begin_object();
    w.key("schemaVersion").integer(ix.schema_version);
    if (!ix.media_type.empty()) w.key("mediaType").string(ix.media_type);
    w.key("manifests").begin_array();
    for (const auto& d : ix.manifests) detail::write_descriptor(w, d);
    w.end_array();
    detail::write_string_map(w, "annotations", ix.annotations);
    if (ix.subject) {
        w.key("subject");
        detail::write_descriptor(w, *ix.subject);
    }
    if (!ix.artifact_type.empty()) w.key("artifactType").string(ix.artifact_type);
    w.end_object();
    return std::move(w).str();
}

}  // namespace oci
}  // namespace v0
}  // namespace cosign
