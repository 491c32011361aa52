// SPDX-License-Identifier: Apache-2.0
/// The simple-signing payload cosign signs: byte-exact generation, strict parsing, claim checks.
///
/// Generation reproduces sigstore's payload.Cosign.MarshalJSON (Go encoding/json: fixed key order,
/// sorted `optional` keys, HTML-safe escaping, `"optional":null` without annotations).
/// Parsing is stricter than cosign and as strict as skopeo (containers/image's paranoid parser):
/// every object in `critical` must have exactly its fields (spelled exactly; Go's
/// case-insensitive matching, e.g. `Docker-manifest-digest`, is refused because no cosign
/// writes it), `type` must be cosign's, the digest must be valid, and `optional` must be present
/// (null or an object). Every payload cosign, sigstore-rs or skopeo writes passes. The values
/// inside `optional` are not constrained (skopeo wants an integral `timestamp`, but
/// `cosign sign -a timestamp=1` writes a string). `docker-reference` must be a string but is not
/// parsed: cosign's verify never reads it and `--sign-container-identity` takes any text.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// Annotations as the CLI gives them (`-a key=value`): always string values, keys sorted by
/// bytes as Go sorts map keys.
using annotation_map = std::map<std::string, std::string>;

/// A JSON value inside `optional` (Go's `any`): null, bool, number, string, array or object.
/// Numbers keep their JSON text, so they are written back exactly as given.
class optional_value {
public:
    enum class kind { null, boolean, number, string, array, object };

    optional_value() = default;
    optional_value(std::string s) : kind_(kind::string), text_(std::move(s)) {}
    optional_value(const char* s) : optional_value(std::string(s)) {}

    static optional_value null_value() { return {}; }
    static optional_value boolean(bool b) {
        optional_value v;
        v.kind_ = kind::boolean;
        v.bool_ = b;
        return v;
    }
    static optional_value string(std::string s) { return optional_value(std::move(s)); }
    static optional_value integer(std::int64_t i) { return raw_number(std::to_string(i)); }
    /// A float64 written as Go's encoding/json writes it (shortest round trip, `1e+21`, `1e-7`).
    /// NaN and infinities have no JSON form and become null.
    static optional_value number(double d) {
        if (!std::isfinite(d)) return {};
        double a = std::fabs(d);
        bool exp = a != 0 && (a < 1e-6 || a >= 1e21);
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, d, exp ? std::chars_format::scientific : std::chars_format::fixed);
        std::string s(buf, r.ptr);
        if (exp) {  // Go writes e-07 as e-7
            auto n = s.size();
            if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
        }
        return raw_number(std::move(s));
    }
    /// A number from its JSON text, written verbatim (the caller vouches for the syntax).
    static optional_value raw_number(std::string json_text) {
        optional_value v;
        v.kind_ = kind::number;
        v.text_ = std::move(json_text);
        return v;
    }
    static optional_value array(std::vector<optional_value> items) {
        optional_value v;
        v.kind_ = kind::array;
        v.items_ = std::move(items);
        return v;
    }
    static optional_value object(const std::map<std::string, optional_value>& members);

    kind type() const noexcept { return kind_; }
    bool is_null() const noexcept { return kind_ == kind::null; }
    bool is_string() const noexcept { return kind_ == kind::string; }
    /// The text of a string, or the JSON text of a number; "" otherwise.
    const std::string& text() const noexcept { return text_; }
    bool as_bool() const noexcept { return bool_; }
    /// Array elements, or object member values (in key order).
    const std::vector<optional_value>& items() const noexcept { return items_; }
    /// Object member keys, sorted.
    const std::vector<std::string>& keys() const noexcept { return keys_; }
    /// The member `key` of an object, or nullptr.
    const optional_value* find(std::string_view key) const {
        for (std::size_t i = 0; i < keys_.size(); ++i)
            if (keys_[i] == key) return &items_[i];
        return nullptr;
    }

    /// Writes the value as Go's encoding/json would.
    void write(json::writer& w) const {
        switch (kind_) {
            case kind::null: w.null(); break;
            case kind::boolean: w.boolean(bool_); break;
            case kind::number: w.raw(text_); break;
            case kind::string: w.string(text_); break;
            case kind::array:
                w.begin_array();
                for (const auto& i : items_) i.write(w);
                w.end_array();
                break;
            case kind::object:
                w.begin_object();
                for (std::size_t i = 0; i < keys_.size(); ++i) {
                    w.key(keys_[i]);
                    items_[i].write(w);
                }
                w.end_object();
                break;
        }
    }

    friend bool operator==(const optional_value& a, const optional_value& b) {
        return a.kind_ == b.kind_ && a.bool_ == b.bool_ && a.text_ == b.text_ && a.keys_ == b.keys_ &&
               a.items_ == b.items_;
    }
    friend bool operator!=(const optional_value& a, const optional_value& b) { return !(a == b); }

private:
    kind kind_ = kind::null;
    bool bool_ = false;
    std::string text_;
    std::vector<std::string> keys_;
    std::vector<optional_value> items_;
};

/// The `optional` object: keys sorted as Go sorts map keys.
using optional_map = std::map<std::string, optional_value>;

inline optional_value optional_value::object(const std::map<std::string, optional_value>& members) {
    optional_value v;
    v.kind_ = kind::object;
    for (const auto& m : members) {
        v.keys_.push_back(m.first);
        v.items_.push_back(m.second);
    }
    return v;
}

/// A parsed simple-signing payload.
struct simple_signing {
    /// `critical.identity.docker-reference` (a repository for cosign, repo:tag for skopeo).
    std::string docker_reference;
    /// `critical.image.docker-manifest-digest`.
    digest manifest_digest;
    /// `optional`: nullopt when it was null.
    std::optional<optional_map> annotations;
};

namespace detail {
inline void write_payload_head(json::writer& w, std::string_view docker_reference, const digest& d) {
    w.begin_object().key("critical").begin_object();
    w.key("identity").begin_object().key("docker-reference").string(docker_reference).end_object();
    w.key("image").begin_object().key("docker-manifest-digest").string(d.str()).end_object();
    w.key("type").string(simple_signing_type).end_object();
    w.key("optional");
}
}  // namespace detail

/// The payload `cosign sign` signs, byte for byte. `docker_reference` is the repository
/// (reference::context()) or the `--sign-container-identity` text. `optional` null or empty
/// gives `"optional":null`, as the CLI (whose map exists only once an `-a` item was read).
///
///     auto p = oci::make_payload("example.com/test/image", d);   // …,"optional":null}
inline std::string make_payload(std::string_view docker_reference, const digest& d,
                                const annotation_map* optional = nullptr) {
    json::writer w;
    detail::write_payload_head(w, docker_reference, d);
    if (!optional || optional->empty()) {
        w.null();
    } else {
        w.begin_object();
        for (const auto& kv : *optional) w.key(kv.first).string(kv.second);
        w.end_object();
    }
    w.end_object();
    return std::move(w).str();
}

/// The payload with arbitrary JSON values in `optional` (what sigstore's Go API allows):
/// nullopt gives `null`, an empty map `{}`.
inline std::string make_payload(std::string_view docker_reference, const digest& d,
                                const std::optional<optional_map>& optional) {
    json::writer w;
    detail::write_payload_head(w, docker_reference, d);
    if (!optional) w.null();
    else optional_value::object(*optional).write(w);
    w.end_object();
    return std::move(w).str();
}

namespace detail {
inline error bad_payload(const std::string& why) {
    return error(errc::invalid_payload, "invalid simple-signing payload: " + why);
}

// The object must have exactly these members (skopeo's ParanoidUnmarshalJSONObjectExactFields).
inline result<void> exact_fields(const json::value& v, std::string_view where,
                                 std::initializer_list<std::string_view> names) {
    if (!v.IsObject()) return bad_payload(std::string(where) + " is not a JSON object");
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        auto k = json::key_of(it->name);
        bool known = false;
        for (auto n : names) known = known || n == k;
        if (!known) return bad_payload("unknown field \"" + std::string(k) + "\" in " + std::string(where));
    }
    for (auto n : names)
        if (!json::member(v, n)) return bad_payload("missing field \"" + std::string(n) + "\" in " + std::string(where));
    return {};
}

inline optional_value to_optional_value(const json::value& v) {
    if (v.IsNull()) return optional_value::null_value();
    if (v.IsBool()) return optional_value::boolean(v.GetBool());
    if (v.IsString()) return optional_value::string(std::string(v.GetString(), v.GetStringLength()));
    if (v.IsInt64()) return optional_value::integer(v.GetInt64());
    if (v.IsUint64()) return optional_value::raw_number(std::to_string(v.GetUint64()));
    if (v.IsNumber()) return optional_value::number(v.GetDouble());
    if (v.IsArray()) {
        std::vector<optional_value> items;
        for (auto it = v.Begin(); it != v.End(); ++it) items.push_back(to_optional_value(*it));
        return optional_value::array(std::move(items));
    }
    optional_map m;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
        m[std::string(json::key_of(it->name))] = to_optional_value(it->value);
    return optional_value::object(m);
}
}  // namespace detail

/// Parses and checks a payload strictly (see the file comment). Errors are
/// errc::invalid_payload naming the problem, or errc::limit_exceeded.
inline result<simple_signing> parse_payload(byte_view payload) {
    if (payload.size() > COSIGN_MAX_PAYLOAD_SIZE)
        return fail(errc::limit_exceeded, "simple-signing payload larger than " + std::to_string(COSIGN_MAX_PAYLOAD_SIZE) + " bytes");
    auto doc = json::parse(payload.as_chars());
    if (!doc) {
        if (doc.error().code() == errc::limit_exceeded) return std::move(doc).error();
        return detail::bad_payload(doc.error().message());
    }
    const json::value& root = *doc;
    COSIGN_TRY_VOID(detail::exact_fields(root, "the payload", {"critical", "optional"}));
    const json::value& critical = *json::member(root, "critical");
    COSIGN_TRY_VOID(detail::exact_fields(critical, "critical", {"identity", "image", "type"}));
    const json::value& identity = *json::member(critical, "identity");
    COSIGN_TRY_VOID(detail::exact_fields(identity, "critical.identity", {"docker-reference"}));
    const json::value& image = *json::member(critical, "image");
    COSIGN_TRY_VOID(detail::exact_fields(image, "critical.image", {"docker-manifest-digest"}));

    auto type = json::string_member(critical, "type");
    if (!type) return detail::bad_payload("critical.type is not a string");
    if (*type != simple_signing_type)
        return detail::bad_payload("unknown signature type " + json::go_quote(*type) + " (want " +
                                   json::go_quote(simple_signing_type) + ")");
    auto ref = json::string_member(identity, "docker-reference");
    if (!ref) return detail::bad_payload("critical.identity.docker-reference is not a string");
    auto dg = json::string_member(image, "docker-manifest-digest");
    if (!dg) return detail::bad_payload("critical.image.docker-manifest-digest is not a string");
    auto d = digest::parse(*dg);
    if (!d) return detail::bad_payload("critical.image.docker-manifest-digest: " + d.error().message());

    simple_signing out;
    out.docker_reference = std::string(*ref);
    out.manifest_digest = std::move(*d);
    const json::value& opt = *json::member(root, "optional");
    if (opt.IsObject()) {
        optional_map m;
        for (auto it = opt.MemberBegin(); it != opt.MemberEnd(); ++it)
            m[std::string(json::key_of(it->name))] = detail::to_optional_value(it->value);
        out.annotations = std::move(m);
    } else if (!opt.IsNull()) {
        return detail::bad_payload("optional is neither null nor a JSON object");
    }
    return out;
}

/// cosign's SimpleClaimVerifier: the payload's digest must equal `image`, and every `required`
/// annotation must be in `optional` as a string with an equal value (a CLI string never equals
/// a JSON number or bool). `docker-reference` and the type are not compared here.
inline result<void> check_claims(const simple_signing& payload, const digest& image,
                                 const annotation_map& required = {}) {
    if (payload.manifest_digest != image)
        return fail(errc::verification_failed, "invalid or missing digest in claim: " + payload.manifest_digest.str() +
                                                   " (expected " + image.str() + ")");
    for (const auto& kv : required) {
        const optional_value* have = nullptr;
        if (payload.annotations) {
            auto it = payload.annotations->find(kv.first);
            if (it != payload.annotations->end()) have = &it->second;
        }
        if (!have || !have->is_string() || have->text() != kv.second)
            return fail(errc::verification_failed, "missing or incorrect annotation " + json::go_quote(kv.first));
    }
    return {};
}

}  // namespace oci
}  // namespace v0
}  // namespace cosign
