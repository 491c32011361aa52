// SPDX-License-Identifier: Apache-2.0
/// The `.sig` image: signature layers, the image config and manifest exactly as cosign (go-containerregistry) writes them.
///
/// cosign builds it with ggcr's mutate.Append on either an empty image (OCI media types, or
/// Docker ones with COSIGN_DOCKER_MEDIA_TYPES=1) or the image already at the tag. Appending
/// re-serialises the existing config through ggcr's v1.ConfigFile (unknown fields dropped, a
/// skopeo-written config gains `created` and `history`), adds one history entry and one
/// diff_id per layer, and rewrites the manifest through v1.Manifest (v0.20.7: `subject` and
/// `artifactType` are dropped). Until something is appended the original bytes are kept, since
/// cosign re-PUTs an unchanged image as it read it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/config.hpp"
#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/result.hpp"
#include "digest.hpp"
#include "manifest.hpp"
#include "media_types.hpp"

namespace cosign {
inline namespace v0 {
namespace oci {

/// One signature to store: the payload (the layer blob), its base64 signature and the other
/// layer annotations (certificate, chain, bundle, RFC 3161 timestamp, predicateType).
struct signature_layer {
    bytes payload;
    std::string signature_b64;
    std::map<std::string, std::string> annotations;
    std::string media_type = std::string(media_type::simple_signing);

    /// The layer's annotations as written: `annotations` plus the signature key.
    std::map<std::string, std::string> all_annotations() const {
        auto a = annotations;
        a[std::string(annotation::signature)] = signature_b64;
        return a;
    }
    /// The layer descriptor: media type, size, sha256 of the payload, annotations.
    descriptor to_descriptor() const {
        descriptor d;
        d.media_type = media_type;
        d.size = static_cast<std::int64_t>(payload.size());
        d.digest = digest::of(payload);
        d.annotations = all_annotations();
        return d;
    }
    /// Rebuilds a layer from its descriptor and blob (the signature annotation is split off).
    static signature_layer from_descriptor(const descriptor& d, bytes payload) {
        signature_layer l;
        l.payload = std::move(payload);
        l.media_type = d.media_type;
        l.annotations = d.annotations;
        auto it = l.annotations.find(std::string(annotation::signature));
        if (it != l.annotations.end()) {
            l.signature_b64 = it->second;
            l.annotations.erase(it);
        }
        return l;
    }
};

namespace detail {

// RFC 3339 as Go's time.Time reads it and MarshalJSON writes it (RFC3339Nano: trailing zeros
// of the fraction dropped, a zero offset written `Z`).
inline result<std::string> normalise_rfc3339(std::string_view s) {
    auto digits = [&](std::size_t at, std::size_t n) {
        if (at + n > s.size()) return false;
        for (std::size_t i = at; i < at + n; ++i)
            if (s[i] < '0' || s[i] > '9') return false;
        return true;
    };
    auto bad = [&] { return fail(errc::invalid_manifest, "invalid time " + json::go_quote(s)); };
    if (!digits(0, 4) || s.size() < 20 || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
        s[10] != 'T' || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2))
        return bad();
    std::string out(s.substr(0, 19));
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start || i - start > 9) return bad();
        std::string frac(s.substr(start, i - start));
        while (!frac.empty() && frac.back() == '0') frac.pop_back();
        if (!frac.empty()) out += "." + frac;
    }
    std::string_view zone = s.substr(i);
    if (zone == "Z") {
        out += 'Z';
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(i + 1, 2) && zone[3] == ':' &&
               digits(i + 4, 2)) {
        if (zone.substr(1) == "00:00") out += 'Z';
        else out += std::string(zone);
    } else {
        return bad();
    }
    return out;
}

inline constexpr std::string_view zero_time = "0001-01-01T00:00:00Z";

struct history_entry {
    std::string author, created = std::string(zero_time), created_by, comment;
    bool empty_layer = false;
};

// The container `config` of ggcr's v1.Config: every field is omitempty.
enum class cfg_kind { boolean, string, strings, string_map, set, health };
struct cfg_field {
    std::string_view name;
    cfg_kind kind;
};
inline constexpr cfg_field container_config_fields[] = {
    {"AttachStderr", cfg_kind::boolean}, {"AttachStdin", cfg_kind::boolean}, {"AttachStdout", cfg_kind::boolean},
    {"Cmd", cfg_kind::strings},          {"Healthcheck", cfg_kind::health},  {"Domainname", cfg_kind::string},
    {"Entrypoint", cfg_kind::strings},   {"Env", cfg_kind::strings},         {"Hostname", cfg_kind::string},
    {"Image", cfg_kind::string},         {"Labels", cfg_kind::string_map},   {"OnBuild", cfg_kind::strings},
    {"OpenStdin", cfg_kind::boolean},    {"StdinOnce", cfg_kind::boolean},   {"Tty", cfg_kind::boolean},
    {"User", cfg_kind::string},          {"Volumes", cfg_kind::set},         {"WorkingDir", cfg_kind::string},
    {"ExposedPorts", cfg_kind::set},     {"ArgsEscaped", cfg_kind::boolean}, {"NetworkDisabled", cfg_kind::boolean},
    {"MacAddress", cfg_kind::string},    {"StopSignal", cfg_kind::string},   {"Shell", cfg_kind::strings},
};
inline constexpr std::size_t container_config_field_count = sizeof(container_config_fields) / sizeof(cfg_field);

struct cfg_value {
    bool present = false;  // for Healthcheck (a pointer: written when non-null, even if empty)
    bool b = false;
    std::string s;
    std::vector<std::string> list;
    std::map<std::string, std::string> map;  // also the keys of a set
    std::int64_t interval = 0, timeout = 0, start_period = 0, retries = 0;  // Healthcheck
};

// ggcr's v1.ConfigFile.
struct config_file {
    std::string architecture, author, container, created = std::string(zero_time), docker_version;
    std::vector<history_entry> history;
    std::string os;
    std::string rootfs_type = "layers";
    std::vector<digest> diff_ids;
    std::vector<cfg_value> config = std::vector<cfg_value>(container_config_field_count);
    std::string os_version, variant;
    std::vector<std::string> os_features;

    std::string to_json() const {
        json::writer w;
        w.begin_object();
        w.key("architecture").string(architecture);
        if (!author.empty()) w.key("author").string(author);
        if (!container.empty()) w.key("container").string(container);
        w.key("created").string(created);
        if (!docker_version.empty()) w.key("docker_version").string(docker_version);
        if (!history.empty()) {
            w.key("history").begin_array();
            for (const auto& h : history) {
                w.begin_object();
                if (!h.author.empty()) w.key("author").string(h.author);
                w.key("created").string(h.created);
                if (!h.created_by.empty()) w.key("created_by").string(h.created_by);
                if (!h.comment.empty()) w.key("comment").string(h.comment);
                if (h.empty_layer) w.key("empty_layer").boolean(true);
                w.end_object();
            }
            w.end_array();
        }
        w.key("os").string(os);
        w.key("rootfs").begin_object().key("type").string(rootfs_type).key("diff_ids");
        if (diff_ids.empty()) {
            w.null();  // a nil slice, as in ggcr's empty image
        } else {
            w.begin_array();
            for (const auto& d : diff_ids) w.string(d.str());
            w.end_array();
        }
        w.end_object();
        w.key("config").begin_object();
        for (std::size_t i = 0; i < container_config_field_count; ++i) {
            const auto& f = container_config_fields[i];
            const auto& v = config[i];
            switch (f.kind) {
                case cfg_kind::boolean:
                    if (v.b) w.key(f.name).boolean(true);
                    break;
                case cfg_kind::string:
                    if (!v.s.empty()) w.key(f.name).string(v.s);
                    break;
                case cfg_kind::strings:
                    write_strings(w, f.name, v.list);
                    break;
                case cfg_kind::string_map:
                    write_string_map(w, f.name, v.map);
                    break;
                case cfg_kind::set:
                    if (!v.map.empty()) {
                        w.key(f.name).begin_object();
                        for (const auto& kv : v.map) w.key(kv.first).begin_object().end_object();
                        w.end_object();
                    }
                    break;
                case cfg_kind::health:
                    if (v.present) {
                        w.key(f.name).begin_object();
                        write_strings(w, "Test", v.list);
                        if (v.interval) w.key("Interval").integer(v.interval);
                        if (v.timeout) w.key("Timeout").integer(v.timeout);
                        if (v.start_period) w.key("StartPeriod").integer(v.start_period);
                        if (v.retries) w.key("Retries").integer(v.retries);
                        w.end_object();
                    }
                    break;
            }
        }
        w.end_object();
        if (!os_version.empty()) w.key("os.version").string(os_version);
        if (!variant.empty()) w.key("variant").string(variant);
        write_strings(w, "os.features", os_features);
        w.end_object();
        return std::move(w).str();
    }
};

inline result<void> read_bool(const json::value& obj, std::string_view name, std::string_view where, bool& out) {
    if (const json::value* m = present(obj, name)) {
        if (!m->IsBool()) return bad_manifest(std::string(where) + "." + std::string(name) + " is not a boolean");
        out = m->GetBool();
    }
    return {};
}

inline result<void> read_time(const json::value& obj, std::string_view name, std::string_view where, std::string& out) {
    std::string raw;
    COSIGN_TRY_VOID(read_string(obj, name, where, raw));
    if (!present(obj, name)) return {};
    auto t = normalise_rfc3339(raw);
    if (!t) return bad_manifest(std::string(where) + "." + std::string(name) + ": " + t.error().message());
    out = std::move(*t);
    return {};
}

inline result<config_file> parse_config_file(byte_view text) {
    if (text.size() > COSIGN_MAX_MANIFEST_SIZE) return fail(errc::limit_exceeded, "image config too large");
    auto doc = json::parse(text.as_chars());
    if (!doc) {
        if (doc.error().code() == errc::limit_exceeded) return std::move(doc).error();
        return bad_manifest("invalid image config: " + doc.error().message());
    }
    const json::value& v = *doc;
    if (!v.IsObject()) return bad_manifest("invalid image config: not a JSON object");
    config_file c;
    c.rootfs_type.clear();
    COSIGN_TRY_VOID(read_string(v, "architecture", "config", c.architecture));
    COSIGN_TRY_VOID(read_string(v, "author", "config", c.author));
    COSIGN_TRY_VOID(read_string(v, "container", "config", c.container));
    COSIGN_TRY_VOID(read_time(v, "created", "config", c.created));
    COSIGN_TRY_VOID(read_string(v, "docker_version", "config", c.docker_version));
    if (const json::value* h = present(v, "history")) {
        if (!h->IsArray()) return bad_manifest("config.history is not an array");
        for (auto it = h->Begin(); it != h->End(); ++it) {
            if (!it->IsObject()) return bad_manifest("config.history holds a non-object");
            history_entry e;
            COSIGN_TRY_VOID(read_string(*it, "author", "config.history", e.author));
            COSIGN_TRY_VOID(read_time(*it, "created", "config.history", e.created));
            COSIGN_TRY_VOID(read_string(*it, "created_by", "config.history", e.created_by));
            COSIGN_TRY_VOID(read_string(*it, "comment", "config.history", e.comment));
            COSIGN_TRY_VOID(read_bool(*it, "empty_layer", "config.history", e.empty_layer));
            c.history.push_back(std::move(e));
        }
    }
    COSIGN_TRY_VOID(read_string(v, "os", "config", c.os));
    if (const json::value* r = present(v, "rootfs")) {
        if (!r->IsObject()) return bad_manifest("config.rootfs is not an object");
        COSIGN_TRY_VOID(read_string(*r, "type", "config.rootfs", c.rootfs_type));
        std::vector<std::string> ids;
        COSIGN_TRY_VOID(read_strings(*r, "diff_ids", "config.rootfs", ids));
        for (const auto& id : ids) {
            auto d = digest::parse(id);
            if (!d) return bad_manifest("config.rootfs.diff_ids: " + d.error().message());
            c.diff_ids.push_back(std::move(*d));
        }
    }
    if (const json::value* cc = present(v, "config")) {
        if (!cc->IsObject()) return bad_manifest("config.config is not an object");
        for (std::size_t i = 0; i < container_config_field_count; ++i) {
            const auto& f = container_config_fields[i];
            auto& out = c.config[i];
            const json::value* m = present(*cc, f.name);
            if (!m) continue;
            switch (f.kind) {
                case cfg_kind::boolean: COSIGN_TRY_VOID(read_bool(*cc, f.name, "config.config", out.b)); break;
                case cfg_kind::string: COSIGN_TRY_VOID(read_string(*cc, f.name, "config.config", out.s)); break;
                case cfg_kind::strings: COSIGN_TRY_VOID(read_strings(*cc, f.name, "config.config", out.list)); break;
                case cfg_kind::string_map: COSIGN_TRY_VOID(read_string_map(*cc, f.name, "config.config", out.map)); break;
                case cfg_kind::set:
                    if (!m->IsObject()) return bad_manifest("config.config." + std::string(f.name) + " is not an object");
                    for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
                        if (!it->value.IsObject() && !it->value.IsNull())
                            return bad_manifest("config.config." + std::string(f.name) + " holds a non-object");
                        out.map[std::string(json::key_of(it->name))];
                    }
                    break;
                case cfg_kind::health:
                    if (!m->IsObject()) return bad_manifest("config.config.Healthcheck is not an object");
                    out.present = true;
                    COSIGN_TRY_VOID(read_strings(*m, "Test", "config.config.Healthcheck", out.list));
                    COSIGN_TRY_VOID(read_int(*m, "Interval", "config.config.Healthcheck", out.interval));
                    COSIGN_TRY_VOID(read_int(*m, "Timeout", "config.config.Healthcheck", out.timeout));
                    COSIGN_TRY_VOID(read_int(*m, "StartPeriod", "config.config.Healthcheck", out.start_period));
                    COSIGN_TRY_VOID(read_int(*m, "Retries", "config.config.Healthcheck", out.retries));
                    break;
            }
        }
    }
    COSIGN_TRY_VOID(read_string(v, "os.version", "config", c.os_version));
    COSIGN_TRY_VOID(read_string(v, "variant", "config", c.variant));
    COSIGN_TRY_VOID(read_strings(v, "os.features", "config", c.os_features));
    return c;
}

}  // namespace detail

/// A signature image in memory: start empty or from the registry's manifest and config, add
/// layers, then write `config_json()` and `manifest_json()` (and the new payload blobs).
///
///     auto img = oci::signature_image::empty();
///     img.append({payload, sig_b64, {}});
///     put_blob(img.config_json()); put_blob(payload); put_manifest(img.manifest_json());
class signature_image {
public:
    /// Which media types an empty image gets.
    enum class media_types { oci, docker };

    /// An empty signature image (cosign's empty.Signatures()).
    static signature_image empty(media_types mt = media_types::oci) {
        signature_image s;
        bool docker = mt == media_types::docker;
        s.manifest_.schema_version = 2;
        s.manifest_.media_type = std::string(docker ? media_type::docker_manifest : media_type::oci_manifest);
        s.manifest_.config.media_type = std::string(docker ? media_type::docker_config : media_type::oci_config);
        return s;
    }

    /// The image already at the tag: its manifest and config blob as read. The config must
    /// match the manifest's config digest; more than COSIGN_MAX_SIGNATURE_LAYERS layers is
    /// refused, as cosign does.
    static result<signature_image> from_existing(byte_view manifest_json, byte_view config_json) {
        COSIGN_TRY(auto m, parse_manifest(manifest_json));
        if (m.layers.size() > COSIGN_MAX_SIGNATURE_LAYERS)
            return fail(errc::limit_exceeded, "signature image has " + std::to_string(m.layers.size()) +
                                                  " layers, more than the " + std::to_string(COSIGN_MAX_SIGNATURE_LAYERS) +
                                                  " allowed");
        // A descriptor without a digest would be written back as `"digest":""`, which no registry
        // takes (found by fuzz/manifest.cpp): refuse it here, with the field named.
        if (m.config.digest.str().empty())
            return fail(errc::invalid_manifest, "signature image manifest has no config digest");
        for (std::size_t i = 0; i < m.layers.size(); ++i)
            if (m.layers[i].digest.str().empty())
                return fail(errc::invalid_manifest,
                            "signature image manifest: layers[" + std::to_string(i) + "] has no digest");
        if (m.config.digest.algorithm() == "sha256" && m.config.digest != digest::of(config_json))
            return fail(errc::invalid_manifest, "config blob does not match the manifest's config digest " + m.config.digest.str());
        COSIGN_TRY(auto c, detail::parse_config_file(config_json));
        signature_image s;
        s.manifest_ = std::move(m);
        s.config_ = std::move(c);
        s.raw_manifest_ = manifest_json.to_string();
        s.raw_config_ = config_json.to_string();
        return s;
    }

    /// The layer descriptors, oldest first.
    const std::vector<descriptor>& layers() const noexcept { return manifest_.layers; }
    std::size_t size() const noexcept { return manifest_.layers.size(); }
    /// The manifest's media type (kept from an existing image).
    const std::string& manifest_media_type() const noexcept { return manifest_.media_type; }

    /// cosign's dupe detector (§3.7): true when an existing layer has every non-signature
    /// annotation of `layer` with the same value, the same digest and media type, and a
    /// signature for which `verifies(signature_bytes, payload)` (the signer's key, over the NEW
    /// payload) returns true. `verifies` is any callable `bool(byte_view, byte_view)`.
    template <class VerifyFn>
    bool has_duplicate(const signature_layer& layer, VerifyFn&& verifies) const {
        const digest d = digest::of(layer.payload);
        for (const auto& existing : manifest_.layers) {
            bool same = true;
            for (const auto& kv : layer.annotations) {
                if (kv.first == annotation::signature) continue;
                auto it = existing.annotations.find(kv.first);
                if (it == existing.annotations.end() || it->second != kv.second) same = false;
            }
            if (!same || existing.digest != d || existing.media_type != layer.media_type) continue;
            auto sig = existing.annotations.find(std::string(annotation::signature));
            if (sig == existing.annotations.end() || sig->second.empty()) continue;
            auto raw = base64::decode(sig->second);
            if (!raw) continue;
            if (verifies(byte_view(*raw), byte_view(layer.payload))) return true;
        }
        return false;
    }

    /// Appends a layer at the end (cosign's AppendSignatures). errc::limit_exceeded past
    /// COSIGN_MAX_SIGNATURE_LAYERS.
    result<void> append(signature_layer layer) {
        if (manifest_.layers.size() + 1 > COSIGN_MAX_SIGNATURE_LAYERS)
            return fail(errc::limit_exceeded, "a signature image holds at most " +
                                                  std::to_string(COSIGN_MAX_SIGNATURE_LAYERS) + " layers");
        descriptor d = layer.to_descriptor();
        config_.diff_ids.push_back(d.digest);
        config_.history.emplace_back();
        blobs_[d.digest] = std::move(layer.payload);
        manifest_.layers.push_back(std::move(d));
        mutated();
        return {};
    }

    /// Sets the config's `created` (`--record-creation-timestamp`; RFC 3339, normalised as Go).
    result<void> set_created(std::string_view rfc3339) {
        COSIGN_TRY(auto t, detail::normalise_rfc3339(rfc3339));
        config_.created = std::move(t);
        mutated();
        return {};
    }

    /// The config blob: the bytes read when nothing changed, else ggcr's serialisation.
    std::string config_json() const { return dirty_ || raw_config_.empty() ? config_.to_json() : raw_config_; }

    /// The manifest: the bytes read when nothing changed, else ggcr's serialisation with the
    /// config descriptor updated.
    std::string manifest_json() const {
        if (!dirty_ && !raw_manifest_.empty()) return raw_manifest_;
        manifest m = manifest_;
        std::string cfg = config_json();
        m.config.size = static_cast<std::int64_t>(cfg.size());
        m.config.digest = digest::of(cfg);
        if (!m.config.data.empty()) m.config.data = bytes(cfg.begin(), cfg.end());
        return to_json(m);
    }

    digest config_digest() const { return digest::of(config_json()); }
    digest manifest_digest() const { return digest::of(manifest_json()); }

    /// The payload of a layer appended here, or nullptr (layers read from a registry have
    /// only their descriptor).
    const bytes* blob(const digest& d) const {
        auto it = blobs_.find(d);
        return it == blobs_.end() ? nullptr : &it->second;
    }

    /// The layers of this image that `other` lacks (same media type, size, digest and
    /// annotations), in order: after a racing writer replaced the tag, append these to the
    /// fresh image (their blobs come from blob()).
    std::vector<descriptor> missing_from(const signature_image& other) const {
        std::vector<descriptor> out;
        for (const auto& l : manifest_.layers) {
            bool found = false;
            for (const auto& o : other.manifest_.layers)
                if (o.media_type == l.media_type && o.size == l.size && o.digest == l.digest &&
                    o.annotations == l.annotations)
                    found = true;
            if (!found) out.push_back(l);
        }
        return out;
    }

private:
    void mutated() {
        if (!dirty_ && !raw_manifest_.empty()) {
            manifest_.subject.reset();  // ggcr v0.20.7's mutate keeps neither
            manifest_.artifact_type.clear();
        }
        dirty_ = true;
    }

    manifest manifest_;
    detail::config_file config_;
    std::string raw_manifest_, raw_config_;
    std::map<digest, bytes> blobs_;
    bool dirty_ = false;
};

}  // namespace oci
}  // namespace v0
}  // namespace cosign
