// SPDX-License-Identifier: Apache-2.0
/// Rekor v1 log entries as values: the hashedrekord proposed entry cosign uploads, the entries
/// Rekor answers with, and the canonical entry body they carry. Pure: no transport, no crypto.
///
///     std::string proposed = tlog::hashedrekord_entry(sha256(payload).hex(), sig_b64, pub_pem);
///     auto entries = tlog::parse_log_entries(response_body);   // {"<uuid>": {...}}
///     auto body = tlog::parse_entry_body(entries->front().body);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/json_writer.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// An RFC 6962 inclusion proof as Rekor v1 gives it with an entry.
struct inclusion_proof {
    std::int64_t log_index = 0;       ///< index in the shard's tree (not the entry's global logIndex)
    std::int64_t tree_size = 0;
    std::string root_hash;            ///< hex
    std::vector<std::string> hashes;  ///< hex, leaf to root
    std::string checkpoint;           ///< the signed note, kept as text
};

/// One Rekor v1 log entry (`LogEntryAnon` with the entry ID it was keyed by).
struct log_entry {
    std::string uuid;                    ///< entry ID: 64 hex (leaf hash) or 80 hex (tree ID + leaf hash)
    std::string body;                    ///< base64 of the canonical entry, as Rekor sent it
    std::int64_t integrated_time = 0;    ///< Unix seconds
    std::string log_id;                  ///< hex SHA-256 of the log key's DER SubjectPublicKeyInfo
    std::int64_t log_index = 0;          ///< global (virtual) index
    std::string signed_entry_timestamp;  ///< base64 ASN.1 ECDSA signature (the SET)
    std::optional<inclusion_proof> proof;
};

/// What a hashedrekord (or rekord) v0.0.1 body says about the signature it logs.
struct entry_body {
    std::string kind;            ///< "hashedrekord" or "rekord"
    std::string api_version;     ///< "0.0.1"
    std::string hash_algorithm;  ///< "sha256", "sha384", "sha512"
    std::string hash_value;      ///< hex digest of the signed payload
    std::string signature;       ///< base64 signature, as in the body
    std::string public_key;      ///< PEM text (public key or certificate), base64-decoded
};

/// The hashedrekord v0.0.1 proposed entry cosign uploads for a signature, byte for byte: the
/// hex SHA-256 of the payload, the base64 signature and the PEM of the public key or
/// certificate (sent as base64 of the PEM text, as Go's []byte fields are). go-swagger writes
/// "kind" last (tests/data/tlog/cosign2-request holds cosign 2.5's own request).
inline std::string hashedrekord_entry(std::string_view payload_sha256_hex, std::string_view signature_b64,
                                      std::string_view public_key_pem) {
    json::writer w;
    w.begin_object();
    w.key("apiVersion").string("0.0.1");
    w.key("spec").begin_object();
    w.key("data").begin_object().key("hash").begin_object();
    w.key("algorithm").string("sha256").key("value").string(payload_sha256_hex);
    w.end_object().end_object();
    w.key("signature").begin_object();
    w.key("content").string(signature_b64);
    w.key("publicKey").begin_object().key("content").string(base64::encode(public_key_pem)).end_object();
    w.end_object();
    w.end_object();
    w.key("kind").string("hashedrekord");
    w.end_object();
    return std::move(w).str();
}

/// The RFC 6962 leaf hash of a base64 entry body: SHA-256(0x00 || body bytes).
inline result<sha256_hash> leaf_hash(std::string_view body_b64) {
    auto raw = base64::decode(body_b64);
    if (!raw) return fail(errc::invalid_json, "Rekor entry body is not base64");
    sha256_hasher h;
    const std::uint8_t zero = 0;
    h.update(byte_view(&zero, 1));
    h.update(*raw);
    return h.finish();
}

/// The leaf-hash part of an entry ID (its last 64 hex digits), or an error for a malformed ID.
inline result<std::string> entry_uuid(std::string_view entry_id) {
    if (entry_id.size() != 64 && entry_id.size() != 80)
        return fail(errc::invalid_json, "Rekor entry ID \"" + std::string(entry_id.substr(0, 100)) +
                                            "\" is neither 64 nor 80 hex digits");
    std::string_view tail = entry_id.substr(entry_id.size() - 64);
    for (char c : entry_id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return fail(errc::invalid_json, "Rekor entry ID \"" + std::string(entry_id) + "\" is not hex");
    std::string out;
    for (char c : tail) out += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
}

/// Checks that an entry's ID names its body (cosign's verifyUUID): the leaf hash of the body
/// equals the last 64 hex digits of the ID.
inline result<void> check_entry_id(const log_entry& e) {
    COSIGN_TRY(std::string uuid, entry_uuid(e.uuid));
    COSIGN_TRY(sha256_hash leaf, leaf_hash(e.body));
    if (leaf.hex() != uuid)
        return fail(errc::verification_failed,
                    "Rekor entry " + e.uuid + ": the body's leaf hash is " + leaf.hex() + ", not the entry ID");
    return {};
}

namespace detail {

inline bool int_member(const json::value& v, std::string_view name, std::int64_t& out) {
    const json::value* m = json::member(v, name);
    if (!m || !m->IsInt64()) return false;
    out = m->GetInt64();
    return true;
}

inline result<log_entry> parse_one_entry(std::string_view uuid, const json::value& v) {
    const std::string where = "Rekor entry " + std::string(uuid.substr(0, 100));
    if (!v.IsObject()) return fail(errc::invalid_json, where + " is not a JSON object");
    log_entry e;
    e.uuid = std::string(uuid);
    auto body = json::string_member(v, "body");
    if (!body || body->empty()) return fail(errc::invalid_json, where + " has no \"body\" string");
    e.body = std::string(*body);
    if (!int_member(v, "integratedTime", e.integrated_time) || e.integrated_time < 0)
        return fail(errc::invalid_json, where + " has no valid \"integratedTime\"");
    if (!int_member(v, "logIndex", e.log_index) || e.log_index < 0)
        return fail(errc::invalid_json, where + " has no valid \"logIndex\"");
    auto log_id = json::string_member(v, "logID");
    if (!log_id || !hex::is_lower_hex(*log_id))
        return fail(errc::invalid_json, where + " has no hex \"logID\"");
    e.log_id = std::string(*log_id);
    const json::value* ver = json::member(v, "verification");
    if (!ver || !ver->IsObject())
        return fail(errc::invalid_json, where + " has no \"verification\" (no signed entry timestamp)");
    auto set = json::string_member(*ver, "signedEntryTimestamp");
    if (!set || set->empty() || !base64::decode(*set))
        return fail(errc::invalid_json, where + " has no base64 \"verification.signedEntryTimestamp\"");
    e.signed_entry_timestamp = std::string(*set);
    if (const json::value* p = json::member(*ver, "inclusionProof"); p && !p->IsNull()) {
        inclusion_proof pr;
        if (!p->IsObject() || !int_member(*p, "logIndex", pr.log_index) ||
            !int_member(*p, "treeSize", pr.tree_size))
            return fail(errc::invalid_json, where + ": \"inclusionProof\" lacks logIndex or treeSize");
        auto root = json::string_member(*p, "rootHash");
        if (!root || !hex::is_lower_hex(*root))
            return fail(errc::invalid_json, where + ": \"inclusionProof.rootHash\" is not hex");
        pr.root_hash = std::string(*root);
        const json::value* hs = json::member(*p, "hashes");
        if (hs && !hs->IsNull()) {
            if (!hs->IsArray()) return fail(errc::invalid_json, where + ": \"inclusionProof.hashes\" is not an array");
            for (const auto& h : hs->GetArray()) {
                auto s = json::as_string(h);
                if (!s || !hex::is_lower_hex(*s))
                    return fail(errc::invalid_json, where + ": \"inclusionProof.hashes\" holds a non-hex value");
                pr.hashes.emplace_back(*s);
            }
        }
        if (auto cp = json::string_member(*p, "checkpoint")) pr.checkpoint = std::string(*cp);
        e.proof = std::move(pr);
    }
    return e;
}

inline result<void> parse_entry_map(const json::value& map, std::vector<log_entry>& out) {
    if (!map.IsObject()) return fail(errc::invalid_json, "Rekor answer is not an object of entries");
    for (const auto& m : map.GetObject()) {
        COSIGN_TRY(log_entry e, parse_one_entry(json::key_of(m.name), m.value));
        out.push_back(std::move(e));
    }
    return {};
}

}  // namespace detail

/// Parses Rekor's answer to an upload, a GET by UUID or a retrieve: an object keyed by entry
/// ID (`{"<id>": entry}`) or an array of such objects. Every entry must carry a body,
/// integratedTime, logID, logIndex and a signed entry timestamp.
inline result<std::vector<log_entry>> parse_log_entries(std::string_view json_text) {
    COSIGN_TRY(json::document doc, json::parse(json_text));
    std::vector<log_entry> out;
    if (doc.IsArray()) {
        for (const auto& m : doc.GetArray()) COSIGN_TRY_VOID(detail::parse_entry_map(m, out));
    } else {
        COSIGN_TRY_VOID(detail::parse_entry_map(doc, out));
    }
    return out;
}

/// Decodes and reads a base64 entry body of kind hashedrekord or rekord, v0.0.1 (the kinds a
/// signature with a key or certificate is logged as). Other kinds are errc::unsupported.
inline result<entry_body> parse_entry_body(std::string_view body_b64) {
    auto raw = base64::decode(body_b64);
    if (!raw) return fail(errc::invalid_json, "Rekor entry body is not base64");
    std::string text(raw->begin(), raw->end());
    auto doc = json::parse(text);
    if (!doc) return std::move(doc).error().context("Rekor entry body");
    entry_body b;
    auto kind = json::string_member(*doc, "kind");
    auto api = json::string_member(*doc, "apiVersion");
    if (!kind || !api) return fail(errc::invalid_json, "Rekor entry body lacks \"kind\" or \"apiVersion\"");
    b.kind = std::string(*kind);
    b.api_version = std::string(*api);
    if ((b.kind != "hashedrekord" && b.kind != "rekord") || b.api_version != "0.0.1")
        return fail(errc::unsupported, "Rekor entry of kind \"" + b.kind + "\" version " + b.api_version +
                                           " is not supported here (hashedrekord and rekord 0.0.1 are)");
    const json::value* spec = json::member(*doc, "spec");
    const json::value* data = spec ? json::member(*spec, "data") : nullptr;
    const json::value* hash = data ? json::member(*data, "hash") : nullptr;
    const json::value* sig = spec ? json::member(*spec, "signature") : nullptr;
    const json::value* pk = sig ? json::member(*sig, "publicKey") : nullptr;
    auto alg = hash ? json::string_member(*hash, "algorithm") : std::nullopt;
    auto val = hash ? json::string_member(*hash, "value") : std::nullopt;
    if (!alg || !val) return fail(errc::invalid_json, "Rekor entry body lacks spec.data.hash");
    auto content = sig ? json::string_member(*sig, "content") : std::nullopt;
    if (!content) return fail(errc::invalid_json, "Rekor entry body lacks spec.signature.content");
    auto key = pk ? json::string_member(*pk, "content") : std::nullopt;
    if (!key) return fail(errc::invalid_json, "Rekor entry body lacks spec.signature.publicKey.content");
    auto key_pem = base64::decode(*key);
    if (!key_pem) return fail(errc::invalid_json, "Rekor entry body: spec.signature.publicKey.content is not base64");
    b.hash_algorithm = std::string(*alg);
    b.hash_value = std::string(*val);
    b.signature = std::string(*content);
    b.public_key.assign(key_pem->begin(), key_pem->end());
    return b;
}

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
