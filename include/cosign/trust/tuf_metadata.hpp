// SPDX-License-Identifier: Apache-2.0
/// TUF 1.0 metadata (root, timestamp, snapshot, targets) as values, parsed from their JSON, and
/// the threshold signature check over the canonical JSON of `signed`. Pure apart from the crypto
/// policy it verifies with: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../crypto/concepts.hpp"
#include "canonical_json.hpp"
#include "time.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {
namespace tuf {

/// A key of a TUF root: its type and scheme as written, and `keyval.public` as written (PEM for
/// ECDSA keys, hex for Ed25519).
struct key {
    std::string keytype;
    std::string scheme;
    std::string public_value;
};

/// A top-level role: the key ids allowed to sign it and how many must.
struct role {
    std::vector<std::string> keyids;
    std::uint64_t threshold = 1;
};

/// Fields every metadata file has.
struct common {
    std::string type;  ///< "_type": root, timestamp, snapshot, targets
    std::string spec_version;
    std::uint64_t version = 0;
    instant expires;
};

/// root.json's `signed`.
struct root_metadata : common {
    bool consistent_snapshot = false;
    std::map<std::string, key> keys;
    std::map<std::string, role> roles;
};

/// A METAFILES entry: version, and optionally length and hashes (hex, by algorithm name).
struct meta_file {
    std::uint64_t version = 0;
    std::optional<std::uint64_t> length;
    std::map<std::string, std::string> hashes;
};

/// timestamp.json's `signed`.
struct timestamp_metadata : common {
    meta_file snapshot;
};

/// snapshot.json's `signed`.
struct snapshot_metadata : common {
    std::map<std::string, meta_file> meta;
};

/// A TARGETS entry.
struct target_file {
    std::uint64_t length = 0;
    std::map<std::string, std::string> hashes;
};

/// targets.json's `signed` (top-level targets only: delegations are not followed).
struct targets_metadata : common {
    std::map<std::string, target_file> targets;
};

/// One metadata file: the parsed JSON, the canonical bytes of `signed` and the signatures.
struct envelope {
    json::document doc;
    std::string canonical_signed;
    std::vector<std::pair<std::string, std::string>> signatures;  ///< keyid, sig (hex)
    const json::value& signed_value() const { return *json::member(doc, "signed"); }
};

namespace detail {

inline cosign::error md_fail(std::string_view file, const std::string& why) {
    return fail(errc::invalid_json, "TUF " + std::string(file) + ": " + why);
}

inline result<std::string> str_field(const json::value& v, std::string_view name, std::string_view file,
                                     const std::string& path) {
    auto s = json::string_member(v, name);
    if (!s) return md_fail(file, path + std::string(name) + " is missing or not a string");
    return std::string(*s);
}

inline result<std::uint64_t> uint_field(const json::value& v, std::string_view name, std::string_view file,
                                        const std::string& path, bool positive) {
    const json::value* m = json::member(v, name);
    if (!m || !m->IsUint64()) return md_fail(file, path + std::string(name) + " is missing or not a non-negative integer");
    std::uint64_t n = m->GetUint64();
    if (positive && n == 0) return md_fail(file, path + std::string(name) + " must be at least 1");
    return n;
}

inline result<std::map<std::string, std::string>> hashes_field(const json::value& v, std::string_view file,
                                                               const std::string& path, bool required) {
    std::map<std::string, std::string> out;
    const json::value* h = json::member(v, "hashes");
    if (!h) {
        if (required) return md_fail(file, path + "hashes is missing");
        return out;
    }
    if (!h->IsObject() || h->MemberCount() == 0) return md_fail(file, path + "hashes is not a non-empty object");
    for (auto it = h->MemberBegin(); it != h->MemberEnd(); ++it) {
        auto s = json::as_string(it->value);
        if (!s || s->empty() || !hex::decode(*s))
            return md_fail(file, path + "hashes." + std::string(json::key_of(it->name)) + " is not hex");
        out.emplace(std::string(json::key_of(it->name)), std::string(*s));
    }
    return out;
}

inline result<void> parse_common(const json::value& s, std::string_view expected_type, std::string_view file,
                                 common& out) {
    if (!s.IsObject()) return md_fail(file, "signed is not an object");
    COSIGN_TRY(out.type, str_field(s, "_type", file, ""));
    if (out.type != expected_type)
        return fail(errc::verification_failed,
                    "TUF " + std::string(file) + ": _type is \"" + out.type + "\", expected \"" + std::string(expected_type) + "\"");
    COSIGN_TRY(out.spec_version, str_field(s, "spec_version", file, ""));
    // Clients accept the same major version (python-tuf, go-tuf): "1", "1.0", "1.0.31".
    const std::string major = out.spec_version.substr(0, out.spec_version.find('.'));
    if (major != "1")
        return fail(errc::unsupported, "TUF " + std::string(file) + ": unsupported spec_version \"" + out.spec_version + "\"");
    COSIGN_TRY(out.version, uint_field(s, "version", file, "", true));
    COSIGN_TRY(auto exp, str_field(s, "expires", file, ""));
    auto t = parse_rfc3339(exp);
    if (!t) return md_fail(file, "expires: " + t.error().message());
    out.expires = *t;
    return {};
}

inline result<meta_file> parse_meta_file(const json::value& v, std::string_view file, const std::string& path) {
    if (!v.IsObject()) return md_fail(file, path + " is not an object");
    meta_file m;
    COSIGN_TRY(m.version, uint_field(v, "version", file, path + ".", true));
    if (json::member(v, "length")) {
        COSIGN_TRY(auto len, uint_field(v, "length", file, path + ".", false));
        m.length = len;
    }
    COSIGN_TRY(m.hashes, hashes_field(v, file, path + ".", false));
    return m;
}

}  // namespace detail

/// Parses a metadata file into its envelope: `signed` must be an object, `signatures` an array
/// of {keyid, sig}; the canonical bytes of `signed` are computed once here.
inline result<envelope> parse_envelope(std::string_view text, std::string_view file) {
    auto doc = json::parse(text);
    if (!doc) return fail(doc.error().code(), "TUF " + std::string(file) + ": " + doc.error().message());
    envelope env{std::move(*doc), {}, {}};
    if (!env.doc.IsObject()) return detail::md_fail(file, "not a JSON object");
    const json::value* s = json::member(env.doc, "signed");
    if (!s || !s->IsObject()) return detail::md_fail(file, "signed is missing or not an object");
    const json::value* sigs = json::member(env.doc, "signatures");
    if (!sigs || !sigs->IsArray()) return detail::md_fail(file, "signatures is missing or not an array");
    for (const auto& sig : sigs->GetArray()) {
        auto keyid = json::string_member(sig, "keyid");
        auto value = json::string_member(sig, "sig");
        if (!keyid || !value) return detail::md_fail(file, "a signature lacks keyid or sig");
        env.signatures.emplace_back(std::string(*keyid), std::string(*value));
    }
    COSIGN_TRY(env.canonical_signed, canonical_json(*s));
    return env;
}

/// root.json's `signed`.
inline result<root_metadata> parse_root(const json::value& s, std::string_view file = "root.json") {
    root_metadata r;
    COSIGN_TRY_VOID(detail::parse_common(s, "root", file, r));
    const json::value* cs = json::member(s, "consistent_snapshot");
    if (cs) {
        if (!cs->IsBool()) return detail::md_fail(file, "consistent_snapshot is not a boolean");
        r.consistent_snapshot = cs->GetBool();
    }
    const json::value* keys = json::member(s, "keys");
    if (!keys || !keys->IsObject()) return detail::md_fail(file, "keys is missing or not an object");
    for (auto it = keys->MemberBegin(); it != keys->MemberEnd(); ++it) {
        const std::string id(json::key_of(it->name));
        const std::string p = "keys." + id + ".";
        if (!it->value.IsObject()) return detail::md_fail(file, "keys." + id + " is not an object");
        key k;
        COSIGN_TRY(k.keytype, detail::str_field(it->value, "keytype", file, p));
        COSIGN_TRY(k.scheme, detail::str_field(it->value, "scheme", file, p));
        const json::value* kv = json::member(it->value, "keyval");
        if (!kv || !kv->IsObject()) return detail::md_fail(file, p + "keyval is missing or not an object");
        COSIGN_TRY(k.public_value, detail::str_field(*kv, "public", file, p + "keyval."));
        r.keys.emplace(id, std::move(k));
    }
    const json::value* roles = json::member(s, "roles");
    if (!roles || !roles->IsObject()) return detail::md_fail(file, "roles is missing or not an object");
    for (auto it = roles->MemberBegin(); it != roles->MemberEnd(); ++it) {
        const std::string name(json::key_of(it->name));
        const std::string p = "roles." + name + ".";
        if (!it->value.IsObject()) return detail::md_fail(file, "roles." + name + " is not an object");
        role ro;
        COSIGN_TRY(ro.threshold, detail::uint_field(it->value, "threshold", file, p, true));
        const json::value* ids = json::member(it->value, "keyids");
        if (!ids || !ids->IsArray()) return detail::md_fail(file, p + "keyids is missing or not an array");
        std::set<std::string> seen;
        for (const auto& id : ids->GetArray()) {
            auto sid = json::as_string(id);
            if (!sid) return detail::md_fail(file, p + "keyids holds a non-string");
            if (!seen.insert(std::string(*sid)).second) return detail::md_fail(file, p + "keyids lists a key twice");
            if (!r.keys.count(std::string(*sid)))
                return detail::md_fail(file, p + "keyids names key " + std::string(*sid) + " that keys does not hold");
            ro.keyids.emplace_back(*sid);
        }
        r.roles.emplace(name, std::move(ro));
    }
    for (const char* needed : {"root", "timestamp", "snapshot", "targets"})
        if (!r.roles.count(needed)) return detail::md_fail(file, std::string("roles.") + needed + " is missing");
    return r;
}

/// timestamp.json's `signed`.
inline result<timestamp_metadata> parse_timestamp(const json::value& s, std::string_view file = "timestamp.json") {
    timestamp_metadata t;
    COSIGN_TRY_VOID(detail::parse_common(s, "timestamp", file, t));
    const json::value* meta = json::member(s, "meta");
    if (!meta || !meta->IsObject()) return detail::md_fail(file, "meta is missing or not an object");
    const json::value* snap = json::member(*meta, "snapshot.json");
    if (!snap) return detail::md_fail(file, "meta has no snapshot.json");
    COSIGN_TRY(t.snapshot, detail::parse_meta_file(*snap, file, "meta.snapshot.json"));
    return t;
}

/// snapshot.json's `signed`.
inline result<snapshot_metadata> parse_snapshot(const json::value& s, std::string_view file = "snapshot.json") {
    snapshot_metadata m;
    COSIGN_TRY_VOID(detail::parse_common(s, "snapshot", file, m));
    const json::value* meta = json::member(s, "meta");
    if (!meta || !meta->IsObject()) return detail::md_fail(file, "meta is missing or not an object");
    for (auto it = meta->MemberBegin(); it != meta->MemberEnd(); ++it) {
        const std::string name(json::key_of(it->name));
        COSIGN_TRY(auto mf, detail::parse_meta_file(it->value, file, "meta." + name));
        m.meta.emplace(name, std::move(mf));
    }
    if (!m.meta.count("targets.json")) return detail::md_fail(file, "meta has no targets.json");
    return m;
}

/// targets.json's `signed` (the `targets` map; delegations are ignored).
inline result<targets_metadata> parse_targets(const json::value& s, std::string_view file = "targets.json") {
    targets_metadata m;
    COSIGN_TRY_VOID(detail::parse_common(s, "targets", file, m));
    const json::value* targets = json::member(s, "targets");
    if (!targets || !targets->IsObject()) return detail::md_fail(file, "targets is missing or not an object");
    for (auto it = targets->MemberBegin(); it != targets->MemberEnd(); ++it) {
        const std::string name(json::key_of(it->name));
        const std::string p = "targets." + name + ".";
        if (!it->value.IsObject()) return detail::md_fail(file, "targets." + name + " is not an object");
        target_file tf;
        COSIGN_TRY(tf.length, detail::uint_field(it->value, "length", file, p, false));
        COSIGN_TRY(tf.hashes, detail::hashes_field(it->value, file, p, true));
        m.targets.emplace(name, std::move(tf));
    }
    return m;
}

namespace detail {
// DER SubjectPublicKeyInfo of a raw 32-byte Ed25519 key.
inline bytes ed25519_spki(byte_view raw) {
    static constexpr std::uint8_t prefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    bytes out(prefix, prefix + sizeof prefix);
    out.insert(out.end(), raw.begin(), raw.end());
    return out;
}

// Verifies one signature with one key; the error says why it does not count.
template <class Crypto>
result<void> verify_with_key(const key& k, byte_view message, std::string_view sig_hex) {
    auto sig = hex::decode(sig_hex);
    if (!sig) return fail(errc::verification_failed, "signature is not hex");
    const bool ecdsa_type = k.keytype == "ecdsa" || k.keytype == "ecdsa-sha2-nistp256";
    if (ecdsa_type && k.scheme == "ecdsa-sha2-nistp256") {
        auto pub = Crypto::parse_public_key(k.public_value);
        if (!pub) return fail(errc::invalid_key, "key does not parse: " + pub.error().message());
        if (Crypto::describe(*pub).curve != "P-256") return fail(errc::invalid_key, "key is not a P-256 key");
        return Crypto::verify(*pub, message, *sig);
    }
    if (k.keytype == "ed25519" && k.scheme == "ed25519") {
        if constexpr (has_ed25519_v<Crypto>) {
            auto raw = hex::decode(k.public_value);
            if (!raw || raw->size() != 32) return fail(errc::invalid_key, "Ed25519 key is not 32 bytes of hex");
            return Crypto::verify_ed25519(ed25519_spki(*raw), message, *sig);
        } else {
            return fail(errc::unsupported,
                        "Ed25519 key, and this crypto policy has no verify_ed25519 (compose one that has, e.g. "
                        "crypto::openssl_verify)");
        }
    }
    return fail(errc::unsupported, "unsupported key type \"" + k.keytype + "\" with scheme \"" + k.scheme + "\"");
}
}  // namespace detail

/// Checks that `env` carries valid signatures from at least `threshold` distinct keys of role
/// `role_name` of `root` (TUF 1.0 §5.3-5.6). The error (errc::verification_failed) names the role,
/// the count and why each signature did not count.
template <class Crypto>
result<void> verify_role(const root_metadata& root, std::string_view role_name, const envelope& env,
                         std::string_view file) {
    auto rit = root.roles.find(std::string(role_name));
    if (rit == root.roles.end()) return fail(errc::verification_failed, "TUF " + std::string(file) + ": no role " + std::string(role_name));
    const role& r = rit->second;
    std::uint64_t good = 0;
    std::string why;
    std::set<std::string> counted_keys;  // one key listed under two ids counts once
    for (const auto& keyid : r.keyids) {
        const key& k = root.keys.at(keyid);
        if (counted_keys.count(k.public_value)) continue;
        bool counted = false;
        std::string last;
        for (const auto& sig : env.signatures) {
            if (sig.first != keyid) continue;
            auto v = detail::verify_with_key<Crypto>(k, env.canonical_signed, sig.second);
            if (v) {
                counted = true;
                break;
            }
            last = v.error().message();
        }
        if (counted) {
            ++good;
            counted_keys.insert(k.public_value);
        } else if (!last.empty()) {
            why += "; key " + keyid.substr(0, 16) + ": " + last;
        }
    }
    if (good >= r.threshold) return {};
    return fail(errc::verification_failed, "TUF " + std::string(file) + ": not enough signatures: " +
                                               std::to_string(good) + " valid of the " + std::to_string(r.threshold) +
                                               " required from the " + std::string(role_name) + " role" + why);
}

}  // namespace tuf
}  // namespace trust
}  // namespace v0
}  // namespace cosign
