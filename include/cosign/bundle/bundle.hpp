// SPDX-License-Identifier: Apache-2.0
/// Sigstore bundles (protobuf-specs `dev.sigstore.bundle.v1.Bundle`) v0.1, v0.2 and v0.3 as
/// values: read from their protobuf JSON form (camelCase or proto field names, int64 as string
/// or number, bytes as standard or URL-safe base64, unknown fields refused as protojson does),
/// and written as v0.3 in the shape cosign 3's `sign-blob --bundle` writes. Pure: no crypto.
///
///     auto b = bundle::parse_bundle(text);           // errors name the JSON path: "bundle:
///                                                    //  verificationMaterial.tlogEntries[0].logIndex: ..."
///     std::string out = bundle::to_json(*b);         // v0.3, field order as protojson emits
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_canonical.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../crypto/key_info.hpp"
#include "dsse.hpp"

namespace cosign {
inline namespace v0 {
namespace bundle {

/// The media types of the bundle versions read here.
inline constexpr const char* media_type_v0_1 = "application/vnd.dev.sigstore.bundle+json;version=0.1";
inline constexpr const char* media_type_v0_2 = "application/vnd.dev.sigstore.bundle+json;version=0.2";
inline constexpr const char* media_type_v0_3 = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The v0.3 spelling of the older versions' media type scheme, also accepted by sigstore-go.
inline constexpr const char* media_type_v0_3_alt = "application/vnd.dev.sigstore.bundle+json;version=0.3";

/// An RFC 6962 inclusion proof with the log's checkpoint, as a bundle carries it.
struct inclusion_proof {
    std::int64_t log_index = 0;  ///< index in the tree the proof is for (not the entry's global logIndex)
    bytes root_hash;
    std::int64_t tree_size = 0;
    std::vector<bytes> hashes;   ///< leaf to root
    std::string checkpoint;      ///< the signed note (checkpoint.envelope)
};

/// One transparency-log entry (`TransparencyLogEntry`).
struct tlog_entry {
    std::int64_t log_index = 0;
    bytes log_id;                 ///< logId.keyId: SHA-256 of the log key's DER for Rekor v1
    std::string kind;             ///< kindVersion.kind: "hashedrekord", "dsse", ...
    std::string version;          ///< kindVersion.version: "0.0.1"
    std::int64_t integrated_time = 0;
    std::optional<bytes> signed_entry_timestamp;  ///< inclusionPromise.signedEntryTimestamp (the SET)
    std::optional<inclusion_proof> proof;
    bytes canonicalized_body;     ///< the entry body exactly as the log hashed it
};

/// What verifies the signature: a public key named by a hint (`--key`), a certificate (v0.3) or a
/// certificate chain (v0.1, v0.2).
struct verification_material {
    enum class kind { public_key, certificate, x509_chain };
    kind material = kind::public_key;
    std::string public_key_hint;     ///< publicKey.hint (may be empty)
    std::vector<bytes> certificates; ///< DER: the leaf first
    std::vector<tlog_entry> tlog_entries;
    std::vector<bytes> rfc3161_timestamps;  ///< timestampVerificationData.rfc3161Timestamps[].signedTimestamp
};

/// A signature over a message (a blob) and, optionally, the message's digest.
struct message_signature {
    std::optional<hash_algorithm> digest_algorithm;  ///< messageDigest.algorithm (SHA2_256 ...)
    bytes digest;                                    ///< messageDigest.digest
    bytes signature;
};

/// A Sigstore bundle: media type, verification material, and a message signature or a DSSE
/// envelope (exactly one).
struct sigstore_bundle {
    std::string media_type;
    int minor_version = 3;  ///< 1, 2 or 3
    verification_material material;
    std::optional<message_signature> message;
    std::optional<dsse_envelope> dsse;
};

/// protobuf-specs' HashAlgorithm name for a digest algorithm ("SHA2_256").
inline const char* hash_algorithm_name(hash_algorithm h) noexcept {
    switch (h) {
        case hash_algorithm::sha224: return "SHA2_224";
        case hash_algorithm::sha256: return "SHA2_256";
        case hash_algorithm::sha384: return "SHA2_384";
        case hash_algorithm::sha512: return "SHA2_512";
    }
    return "HASH_ALGORITHM_UNSPECIFIED";
}

namespace detail {

/// The proto field name of a camelCase JSON name ("logIndex" -> "log_index", "x509CertificateChain"
/// -> "x509_certificate_chain", "rfc3161Timestamps" -> "rfc3161_timestamps").
inline std::string proto_name(std::string_view camel) {
    std::string out;
    for (char c : camel) {
        if (c >= 'A' && c <= 'Z') {
            out += '_';
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            out += c;
        }
    }
    return out;
}

inline error bad(const std::string& path, const std::string& what) {
    return error(errc::invalid_json, "bundle: " + path + ": " + what);
}

/// An object's fields, read by camelCase name (or its proto name), unknown names refused.
class object_reader {
public:
    object_reader(const json::value& v, std::string path) : v_(v), path_(std::move(path)) {}

    /// Checks that v is an object whose every key is one of `names` (either spelling), no field twice.
    result<void> check(std::initializer_list<const char*> names) const {
        if (!v_.IsObject()) return bad(path_.empty() ? "(top level)" : path_, "not a JSON object");
        for (const auto& m : v_.GetObject()) {
            const std::string_view k = json::key_of(m.name);
            bool known = false;
            for (const char* n : names) {
                if (k == n || k == proto_name(n)) {
                    if (k != n && json::member(v_, n))
                        return bad(at(n), "given twice (as \"" + std::string(n) + "\" and \"" + std::string(k) + "\")");
                    known = true;
                    break;
                }
            }
            if (!known) return bad(at(std::string(k)), "unknown field");
        }
        return {};
    }
    /// The field `name` (camelCase) or its proto spelling; null counts as absent, as in protojson.
    const json::value* get(const char* name) const {
        const json::value* m = json::member(v_, name);
        if (!m) m = json::member(v_, proto_name(name));
        return (m && !m->IsNull()) ? m : nullptr;
    }
    std::string at(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }
    const std::string& path() const noexcept { return path_; }

    result<std::string> string(const char* name, bool required) const {
        const json::value* m = get(name);
        if (!m) {
            if (required) return bad(at(name), "missing");
            return std::string();
        }
        auto s = json::as_string(*m);
        if (!s) return bad(at(name), "not a string");
        return std::string(*s);
    }
    result<bytes> bytes_field(const char* name, bool required) const {
        const json::value* m = get(name);
        if (!m) {
            if (required) return bad(at(name), "missing");
            return bytes();
        }
        return decode_bytes(*m, at(name));
    }
    result<std::int64_t> int64(const char* name, bool required) const {
        const json::value* m = get(name);
        if (!m) {
            if (required) return bad(at(name), "missing");
            return std::int64_t(0);
        }
        return decode_int64(*m, at(name));
    }

    static result<bytes> decode_bytes(const json::value& v, const std::string& path) {
        auto s = json::as_string(v);
        if (!s) return bad(path, "not a base64 string");
        // protojson takes standard or URL-safe base64, padded or not.
        std::string t(*s);
        for (char& c : t) {
            if (c == '-') c = '+';
            else if (c == '_') c = '/';
        }
        if (t.size() % 4 == 1) return bad(path, "not base64");
        if (t.find('=') == std::string::npos)
            while (t.size() % 4 != 0) t += '=';
        auto raw = base64::decode(t);
        if (!raw) return bad(path, "not base64");
        return std::move(*raw);
    }
    static result<std::int64_t> decode_int64(const json::value& v, const std::string& path) {
        if (v.IsInt64()) return v.GetInt64();
        auto s = json::as_string(v);
        if (!s || s->empty() || s->size() > 19) return bad(path, "not an int64 (a decimal string or an integer)");
        std::string_view d = *s;
        bool neg = d.front() == '-';
        if (neg) d.remove_prefix(1);
        if (d.empty()) return bad(path, "not an int64");
        std::uint64_t acc = 0;
        for (char c : d) {
            if (c < '0' || c > '9') return bad(path, "not an int64 (\"" + std::string(*s) + "\")");
            acc = acc * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (acc > static_cast<std::uint64_t>(INT64_MAX)) return bad(path, "out of int64 range");
        const auto n = static_cast<std::int64_t>(acc);
        return neg ? -n : n;
    }

private:
    const json::value& v_;
    std::string path_;
};

inline result<void> non_negative(std::int64_t v, const std::string& path) {
    if (v < 0) return bad(path, "negative");
    return {};
}

inline result<tlog_entry> parse_tlog_entry(const json::value& v, const std::string& path) {
    object_reader r(v, path);
    COSIGN_TRY_VOID(r.check({"logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise",
                             "inclusionProof", "canonicalizedBody"}));
    tlog_entry e;
    COSIGN_TRY(e.log_index, r.int64("logIndex", false));  // protojson leaves zeros out
    COSIGN_TRY_VOID(non_negative(e.log_index, r.at("logIndex")));
    const json::value* id = r.get("logId");
    if (!id) return bad(r.at("logId"), "missing");
    object_reader idr(*id, r.at("logId"));
    COSIGN_TRY_VOID(idr.check({"keyId"}));
    COSIGN_TRY(e.log_id, idr.bytes_field("keyId", true));
    if (e.log_id.empty()) return bad(idr.at("keyId"), "empty");
    const json::value* kv = r.get("kindVersion");
    if (!kv) return bad(r.at("kindVersion"), "missing");
    object_reader kvr(*kv, r.at("kindVersion"));
    COSIGN_TRY_VOID(kvr.check({"kind", "version"}));
    COSIGN_TRY(e.kind, kvr.string("kind", true));
    COSIGN_TRY(e.version, kvr.string("version", true));
    COSIGN_TRY(e.integrated_time, r.int64("integratedTime", false));
    COSIGN_TRY_VOID(non_negative(e.integrated_time, r.at("integratedTime")));
    if (const json::value* p = r.get("inclusionPromise")) {
        object_reader pr(*p, r.at("inclusionPromise"));
        COSIGN_TRY_VOID(pr.check({"signedEntryTimestamp"}));
        COSIGN_TRY(bytes set, pr.bytes_field("signedEntryTimestamp", true));
        if (set.empty()) return bad(pr.at("signedEntryTimestamp"), "empty");
        e.signed_entry_timestamp = std::move(set);
    }
    if (const json::value* p = r.get("inclusionProof")) {
        object_reader pr(*p, r.at("inclusionProof"));
        COSIGN_TRY_VOID(pr.check({"logIndex", "rootHash", "treeSize", "hashes", "checkpoint"}));
        inclusion_proof proof;
        COSIGN_TRY(proof.log_index, pr.int64("logIndex", false));
        COSIGN_TRY_VOID(non_negative(proof.log_index, pr.at("logIndex")));
        COSIGN_TRY(proof.root_hash, pr.bytes_field("rootHash", false));  // checked when verified
        COSIGN_TRY(proof.tree_size, pr.int64("treeSize", false));
        COSIGN_TRY_VOID(non_negative(proof.tree_size, pr.at("treeSize")));
        if (const json::value* hs = pr.get("hashes")) {
            if (!hs->IsArray()) return bad(pr.at("hashes"), "not an array");
            std::size_t i = 0;
            for (const auto& h : hs->GetArray()) {
                COSIGN_TRY(bytes hb, object_reader::decode_bytes(h, pr.at("hashes") + "[" + std::to_string(i++) + "]"));
                proof.hashes.push_back(std::move(hb));
            }
        }
        if (const json::value* cp = pr.get("checkpoint")) {
            object_reader cr(*cp, pr.at("checkpoint"));
            COSIGN_TRY_VOID(cr.check({"envelope"}));
            COSIGN_TRY(proof.checkpoint, cr.string("envelope", true));
        }
        e.proof = std::move(proof);
    }
    COSIGN_TRY(e.canonicalized_body, r.bytes_field("canonicalizedBody", false));
    return e;
}

inline result<std::vector<bytes>> parse_certificate_list(const json::value& v, const std::string& path) {
    object_reader r(v, path);
    COSIGN_TRY_VOID(r.check({"certificates"}));
    const json::value* list = r.get("certificates");
    if (!list || !list->IsArray() || list->Empty()) return bad(r.at("certificates"), "missing or empty");
    std::vector<bytes> out;
    std::size_t i = 0;
    for (const auto& c : list->GetArray()) {
        object_reader cr(c, r.at("certificates") + "[" + std::to_string(i++) + "]");
        COSIGN_TRY_VOID(cr.check({"rawBytes"}));
        COSIGN_TRY(bytes der, cr.bytes_field("rawBytes", true));
        if (der.empty()) return bad(cr.at("rawBytes"), "empty");
        out.push_back(std::move(der));
    }
    return out;
}

inline result<verification_material> parse_material(const json::value& v, const std::string& path, int minor) {
    object_reader r(v, path);
    COSIGN_TRY_VOID(r.check({"publicKey", "x509CertificateChain", "certificate", "tlogEntries",
                             "timestampVerificationData"}));
    verification_material m;
    const json::value* pk = r.get("publicKey");
    const json::value* chain = r.get("x509CertificateChain");
    const json::value* cert = r.get("certificate");
    const int given = (pk ? 1 : 0) + (chain ? 1 : 0) + (cert ? 1 : 0);
    if (given != 1)
        return bad(path, given == 0 ? "none of publicKey, x509CertificateChain, certificate"
                                    : "more than one of publicKey, x509CertificateChain, certificate");
    if (pk) {
        object_reader pr(*pk, r.at("publicKey"));
        COSIGN_TRY_VOID(pr.check({"hint"}));
        m.material = verification_material::kind::public_key;
        COSIGN_TRY(m.public_key_hint, pr.string("hint", false));
    } else if (chain) {
        m.material = verification_material::kind::x509_chain;
        COSIGN_TRY(m.certificates, parse_certificate_list(*chain, r.at("x509CertificateChain")));
    } else {
        if (minor < 3) return bad(r.at("certificate"), "a single certificate needs bundle v0.3");
        object_reader cr(*cert, r.at("certificate"));
        COSIGN_TRY_VOID(cr.check({"rawBytes"}));
        m.material = verification_material::kind::certificate;
        COSIGN_TRY(bytes der, cr.bytes_field("rawBytes", true));
        if (der.empty()) return bad(cr.at("rawBytes"), "empty");
        m.certificates.push_back(std::move(der));
    }
    if (const json::value* tl = r.get("tlogEntries")) {
        if (!tl->IsArray()) return bad(r.at("tlogEntries"), "not an array");
        std::size_t i = 0;
        for (const auto& e : tl->GetArray()) {
            COSIGN_TRY(tlog_entry te, parse_tlog_entry(e, r.at("tlogEntries") + "[" + std::to_string(i++) + "]"));
            m.tlog_entries.push_back(std::move(te));
        }
    }
    if (const json::value* tv = r.get("timestampVerificationData")) {
        object_reader tr(*tv, r.at("timestampVerificationData"));
        COSIGN_TRY_VOID(tr.check({"rfc3161Timestamps"}));
        if (const json::value* ts = tr.get("rfc3161Timestamps")) {
            if (!ts->IsArray()) return bad(tr.at("rfc3161Timestamps"), "not an array");
            std::size_t i = 0;
            for (const auto& t : ts->GetArray()) {
                object_reader sr(t, tr.at("rfc3161Timestamps") + "[" + std::to_string(i++) + "]");
                COSIGN_TRY_VOID(sr.check({"signedTimestamp"}));
                COSIGN_TRY(bytes token, sr.bytes_field("signedTimestamp", true));
                m.rfc3161_timestamps.push_back(std::move(token));
            }
        }
    }
    return m;
}

inline result<hash_algorithm> parse_hash_algorithm(const json::value& v, const std::string& path) {
    auto s = json::as_string(v);
    if (!s) {
        // protojson also takes an enum by number.
        if (v.IsInt()) {
            switch (v.GetInt()) {
                case 1: return hash_algorithm::sha256;
                case 2: return hash_algorithm::sha384;
                case 3: return hash_algorithm::sha512;
                default: break;
            }
        }
        return bad(path, "not a hash algorithm");
    }
    if (*s == "SHA2_256") return hash_algorithm::sha256;
    if (*s == "SHA2_384") return hash_algorithm::sha384;
    if (*s == "SHA2_512") return hash_algorithm::sha512;
    return bad(path, "unsupported hash algorithm \"" + std::string(*s) + "\" (SHA2_256, SHA2_384, SHA2_512)");
}

inline result<message_signature> parse_message_signature(const json::value& v, const std::string& path) {
    object_reader r(v, path);
    COSIGN_TRY_VOID(r.check({"messageDigest", "signature"}));
    message_signature m;
    if (const json::value* d = r.get("messageDigest")) {
        object_reader dr(*d, r.at("messageDigest"));
        COSIGN_TRY_VOID(dr.check({"algorithm", "digest"}));
        const json::value* alg = dr.get("algorithm");
        if (!alg) return bad(dr.at("algorithm"), "missing");
        COSIGN_TRY(hash_algorithm h, parse_hash_algorithm(*alg, dr.at("algorithm")));
        m.digest_algorithm = h;
        COSIGN_TRY(m.digest, dr.bytes_field("digest", true));
        if (m.digest.size() != digest_size(h))
            return bad(dr.at("digest"), std::to_string(m.digest.size()) + " bytes, not the " +
                                            std::to_string(digest_size(h)) + " of " + hash_algorithm_name(h));
    }
    COSIGN_TRY(m.signature, r.bytes_field("signature", true));
    if (m.signature.empty()) return bad(r.at("signature"), "empty");
    return m;
}

inline result<dsse_envelope> parse_dsse(const json::value& v, const std::string& path) {
    object_reader r(v, path);
    COSIGN_TRY_VOID(r.check({"payload", "payloadType", "signatures"}));
    dsse_envelope e;
    COSIGN_TRY(e.payload, r.bytes_field("payload", true));
    COSIGN_TRY(e.payload_type, r.string("payloadType", true));
    const json::value* sigs = r.get("signatures");
    if (!sigs || !sigs->IsArray() || sigs->Empty()) return bad(r.at("signatures"), "missing or empty");
    std::size_t i = 0;
    for (const auto& s : sigs->GetArray()) {
        object_reader sr(s, r.at("signatures") + "[" + std::to_string(i++) + "]");
        COSIGN_TRY_VOID(sr.check({"sig", "keyid"}));
        dsse_signature ds;
        COSIGN_TRY(ds.sig, sr.bytes_field("sig", true));
        if (ds.sig.empty()) return bad(sr.at("sig"), "empty");
        COSIGN_TRY(ds.keyid, sr.string("keyid", false));
        e.signatures.push_back(std::move(ds));
    }
    return e;
}

}  // namespace detail

/// The minor version (1, 2, 3) a bundle media type names, or an error naming the media type.
inline result<int> bundle_minor_version(std::string_view media_type) {
    if (media_type == media_type_v0_1) return 1;
    if (media_type == media_type_v0_2) return 2;
    if (media_type == media_type_v0_3 || media_type == media_type_v0_3_alt) return 3;
    return fail(errc::unsupported, "bundle: mediaType: \"" + std::string(media_type.substr(0, 200)) +
                                       "\" is not a Sigstore bundle version read here (0.1, 0.2, 0.3)");
}

/// True when text looks like a Sigstore bundle (a JSON object with a bundle mediaType) rather
/// than cosign's legacy blob bundle: what `verify-blob --bundle` uses to pick the reader.
inline bool looks_like_sigstore_bundle(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc || !doc->IsObject()) return false;
    auto mt = json::string_member(*doc, "mediaType");
    if (!mt) mt = json::string_member(*doc, "media_type");
    return mt && mt->rfind("application/vnd.dev.sigstore.bundle", 0) == 0;
}

/// Parses a bundle from its protobuf JSON. Structural rules of protobuf-specs are checked here
/// (one kind of verification material, one of messageSignature and dsseEnvelope, a v0.1 entry
/// carries an inclusion promise, a v0.2+ entry an inclusion proof with its checkpoint); errors
/// are errc::invalid_json (errc::unsupported for a media type not read here) and name the path.
inline result<sigstore_bundle> parse_bundle(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) return std::move(doc).error().context("bundle");
    detail::object_reader r(*doc, "");
    COSIGN_TRY_VOID(r.check({"mediaType", "verificationMaterial", "messageSignature", "dsseEnvelope"}));
    sigstore_bundle b;
    COSIGN_TRY(b.media_type, r.string("mediaType", true));
    COSIGN_TRY(b.minor_version, bundle_minor_version(b.media_type));
    const json::value* vm = r.get("verificationMaterial");
    if (!vm) return detail::bad("verificationMaterial", "missing");
    COSIGN_TRY(b.material, detail::parse_material(*vm, "verificationMaterial", b.minor_version));
    const json::value* ms = r.get("messageSignature");
    const json::value* de = r.get("dsseEnvelope");
    if ((ms != nullptr) == (de != nullptr))
        return detail::bad("(top level)", ms ? "both messageSignature and dsseEnvelope" : "neither messageSignature nor dsseEnvelope");
    if (ms) {
        COSIGN_TRY(message_signature m, detail::parse_message_signature(*ms, "messageSignature"));
        b.message = std::move(m);
    } else {
        COSIGN_TRY(dsse_envelope e, detail::parse_dsse(*de, "dsseEnvelope"));
        b.dsse = std::move(e);
    }
    for (std::size_t i = 0; i < b.material.tlog_entries.size(); ++i) {
        const tlog_entry& e = b.material.tlog_entries[i];
        const std::string at = "verificationMaterial.tlogEntries[" + std::to_string(i) + "]";
        if (b.minor_version == 1 && !e.signed_entry_timestamp)
            return detail::bad(at + ".inclusionPromise", "missing (a v0.1 bundle's entries carry the SET)");
        if (b.minor_version >= 2 && !e.proof)
            return detail::bad(at + ".inclusionProof", "missing (a v0.2+ bundle's entries carry an inclusion proof)");
        if (b.minor_version >= 2 && e.proof->checkpoint.empty())
            return detail::bad(at + ".inclusionProof.checkpoint", "missing");
        if (e.canonicalized_body.empty()) return detail::bad(at + ".canonicalizedBody", "missing");
    }
    return b;
}

namespace detail {
/// Appends a JSON string as Go's protojson writes it: UTF-8 as is, no HTML escaping; only `"`,
/// `\` and controls escaped, which is JCS's escaping too.
inline void append_proto_string(std::string& out, std::string_view s) { json::append_jcs_string(out, s); }

/// A small writer of protojson's compact output: fields in the order written, zero values left
/// out by the caller, int64 as strings.
class proto_writer {
public:
    proto_writer& open(std::string_view key) { field(key); out_ += '{'; first_.push_back(true); return *this; }
    proto_writer& open() { item(); out_ += '{'; first_.push_back(true); return *this; }
    proto_writer& close() { out_ += '}'; first_.pop_back(); return *this; }
    proto_writer& open_array(std::string_view key) { field(key); out_ += '['; first_.push_back(true); return *this; }
    proto_writer& close_array() { out_ += ']'; first_.pop_back(); return *this; }
    proto_writer& str(std::string_view key, std::string_view v) { field(key); append_proto_string(out_, v); return *this; }
    proto_writer& str_item(std::string_view v) { item(); append_proto_string(out_, v); return *this; }
    proto_writer& b64(std::string_view key, byte_view v) { return str(key, base64::encode(v)); }
    proto_writer& int64(std::string_view key, std::int64_t v) { return str(key, std::to_string(v)); }
    std::string take() && { return std::move(out_); }

private:
    void item() {
        if (!first_.empty()) {
            if (!first_.back()) out_ += ',';
            first_.back() = false;
        }
    }
    void field(std::string_view key) {
        item();
        append_proto_string(out_, key);
        out_ += ':';
    }
    std::string out_;
    std::vector<bool> first_;
};
}  // namespace detail

/// The bundle as v0.3 protobuf JSON, in the shape cosign 3 writes (`sign-blob --bundle`): protojson's
/// field order, zero values and empty lists left out, int64 as strings, bytes as standard base64.
/// The media type written is v0.3's; a v0.1/v0.2 chain is written as its leaf `certificate`.
inline std::string to_json(const sigstore_bundle& b) {
    detail::proto_writer w;
    w.open();
    w.str("mediaType", media_type_v0_3);
    w.open("verificationMaterial");
    const verification_material& m = b.material;
    if (m.material == verification_material::kind::public_key) {
        w.open("publicKey");
        if (!m.public_key_hint.empty()) w.str("hint", m.public_key_hint);
        w.close();
    } else if (!m.certificates.empty()) {
        w.open("certificate").b64("rawBytes", m.certificates.front()).close();
    }
    if (!m.tlog_entries.empty()) {
        w.open_array("tlogEntries");
        for (const tlog_entry& e : m.tlog_entries) {
            w.open();
            if (e.log_index != 0) w.int64("logIndex", e.log_index);
            w.open("logId").b64("keyId", e.log_id).close();
            w.open("kindVersion").str("kind", e.kind).str("version", e.version).close();
            if (e.integrated_time != 0) w.int64("integratedTime", e.integrated_time);
            if (e.signed_entry_timestamp)
                w.open("inclusionPromise").b64("signedEntryTimestamp", *e.signed_entry_timestamp).close();
            if (e.proof) {
                const inclusion_proof& p = *e.proof;
                w.open("inclusionProof");
                if (p.log_index != 0) w.int64("logIndex", p.log_index);
                if (!p.root_hash.empty()) w.b64("rootHash", p.root_hash);
                if (p.tree_size != 0) w.int64("treeSize", p.tree_size);
                if (!p.hashes.empty()) {
                    w.open_array("hashes");
                    for (const bytes& h : p.hashes) w.str_item(base64::encode(h));
                    w.close_array();
                }
                if (!p.checkpoint.empty()) w.open("checkpoint").str("envelope", p.checkpoint).close();
                w.close();
            }
            if (!e.canonicalized_body.empty()) w.b64("canonicalizedBody", e.canonicalized_body);
            w.close();
        }
        w.close_array();
    }
    if (!m.rfc3161_timestamps.empty()) {
        w.open("timestampVerificationData").open_array("rfc3161Timestamps");
        for (const bytes& t : m.rfc3161_timestamps) w.open().b64("signedTimestamp", t).close();
        w.close_array().close();
    }
    w.close();
    if (b.message) {
        w.open("messageSignature");
        if (b.message->digest_algorithm) {
            w.open("messageDigest")
                .str("algorithm", hash_algorithm_name(*b.message->digest_algorithm))
                .b64("digest", b.message->digest)
                .close();
        }
        w.b64("signature", b.message->signature);
        w.close();
    } else if (b.dsse) {
        w.open("dsseEnvelope");
        w.b64("payload", b.dsse->payload).str("payloadType", b.dsse->payload_type);
        w.open_array("signatures");
        for (const dsse_signature& s : b.dsse->signatures) {
            w.open().b64("sig", s.sig);
            if (!s.keyid.empty()) w.str("keyid", s.keyid);
            w.close();
        }
        w.close_array();
        w.close();
    }
    w.close();
    return std::move(w).take();
}

}  // namespace bundle
}  // namespace v0
}  // namespace cosign
