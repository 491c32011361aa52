// SPDX-License-Identifier: Apache-2.0
/// Verification of a Sigstore bundle for a blob, with a public key (`verify-blob --bundle --key`)
/// or keyless (the bundle's certificate checked as keyless verify checks it, at the log's time):
/// the artifact against the message digest or the in-toto subject, the signature with the key,
/// and each transparency-log entry (its body against the bundle's signature, key and artifact;
/// its SET; its inclusion proof and checkpoint) with the trusted log keys. Pure: the crypto
/// policy's verify set (and verify_prehashed for message signatures), nothing of transport/.
///
///     bundle::key_verify_options o;
///     o.log_keys = tlog::log_keys_from(trust_root);
///     auto ok = bundle::verify_blob_bundle<crypto::mbedtls>(*b, artifact_digest, *pub, o);
///
/// Each error says which check failed: "bundle signature:", "artifact:", "verification material:",
/// "transparency log:", "tlog entry N: body:", "... SET:", "... inclusion proof:", "... checkpoint:".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../blob.hpp"
#include "../core/base64.hpp"
#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "../crypto/concepts.hpp"
#include "../identity/keyless.hpp"
#include "../tlog/bundle_annotation.hpp"
#include "../tlog/checkpoint.hpp"
#include "../tlog/inclusion_proof.hpp"
#include "../tlog/rekor_entry.hpp"
#include "../tlog/set.hpp"
#include "../timestamp/verify.hpp"
#include "../trust/trust_root.hpp"
#include "bundle.hpp"
#include "dsse.hpp"

namespace cosign {
inline namespace v0 {
namespace bundle {

/// What a key verification of a bundle takes besides the bundle, the artifact and the key.
struct key_verify_options {
    tlog::log_keys log_keys;    ///< the trusted Rekor keys (tlog::log_keys_from(trust_root))
    bool ignore_tlog = false;   ///< --insecure-ignore-tlog: no log entry needed, none checked
    std::int64_t now = 0;       ///< Unix seconds; 0: the clock
    /// The trusted timestamp authorities (trust_root::timestamp_authorities) the bundle's RFC 3161
    /// timestamps are verified with; keyless verification also takes those of its policy's root.
    std::vector<trust::certificate_authority> timestamp_authorities;
};

/// What a successful verification found.
struct bundle_verification {
    std::size_t tlog_entries_verified = 0;
    std::optional<std::int64_t> integrated_time;  ///< the earliest verified entry's
    std::size_t timestamps_verified = 0;          ///< RFC 3161 timestamps verified
    std::optional<trust::instant> timestamp_time; ///< the earliest verified timestamp's genTime
};

namespace detail {
inline error check_failed(const std::string& check, const std::string& why) {
    return error(errc::verification_failed, check + ": " + why);
}

inline result<bytes> pem_der(std::string_view pem_text, const std::string& check, const char* what) {
    auto blocks = pem::decode_all(pem_text);
    if (!blocks || blocks->size() != 1) return check_failed(check, std::string(what) + " is not one PEM block");
    return std::move(blocks->front().der);
}

/// The in-toto statement's subjects must name the artifact's digest.
inline result<void> check_in_toto_subject(const dsse_envelope& env, const blob_digest& artifact) {
    if (env.payload_type != in_toto_payload_type)
        return check_failed("artifact", "the DSSE payload type is \"" + env.payload_type + "\", not \"" +
                                            in_toto_payload_type + "\": no subject to match the artifact with");
    auto doc = json::parse(byte_view(env.payload).as_chars());
    if (!doc) return check_failed("artifact", "the DSSE payload is not a JSON in-toto statement: " + doc.error().message());
    const json::value* subjects = json::member(*doc, "subject");
    if (!subjects || !subjects->IsArray() || subjects->Empty())
        return check_failed("artifact", "the in-toto statement has no subject");
    const std::string alg = cosign::to_string(artifact.algorithm);
    const std::string want = hex::encode(artifact.value);
    for (const auto& s : subjects->GetArray()) {
        const json::value* d = json::member(s, "digest");
        auto v = d ? json::string_member(*d, alg) : std::nullopt;
        if (!v) continue;
        std::string lower(*v);
        for (char& c : lower)
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (lower == want) return {};
    }
    return check_failed("artifact", "no subject of the in-toto statement has the artifact's digest " + artifact.to_string());
}

/// A hashedrekord body against a message signature: same signature, same key, the artifact's hash.
inline result<void> check_hashedrekord_body(const tlog::entry_body& body, const message_signature& msg,
                                            const blob_digest& artifact, byte_view key_der, const std::string& check) {
    auto sig = base64::decode(body.signature);
    if (!sig || byte_view(*sig) != byte_view(msg.signature))
        return check_failed(check, "the logged signature is not the bundle's signature");
    COSIGN_TRY(bytes logged_key, pem_der(body.public_key, check, "the logged public key"));
    if (byte_view(logged_key) != key_der)
        return check_failed(check, "the entry was logged with another public key or certificate than the one verifying");
    if (body.hash_algorithm != cosign::to_string(artifact.algorithm))
        return check_failed(check, "the entry logs a " + body.hash_algorithm + " hash, the artifact is given as " +
                                       cosign::to_string(artifact.algorithm));
    if (body.hash_value != hex::encode(artifact.value))
        return check_failed(check, "the entry logs artifact hash " + body.hash_value + ", the artifact's is " +
                                       hex::encode(artifact.value));
    return {};
}

/// A dsse v0.0.1 body against the envelope: Rekor's canonical form (payloadHash, signatures with
/// their verifiers), or the proposed form some logs keep (proposedContent.envelope, verifiers).
inline result<void> check_dsse_body(byte_view body_bytes, const dsse_envelope& env, byte_view key_der,
                                    const std::string& check) {
    auto doc = json::parse(body_bytes.as_chars());
    if (!doc) return check_failed(check, "the entry body is not JSON");
    const json::value* spec = json::member(*doc, "spec");
    if (!spec || !spec->IsObject()) return check_failed(check, "the dsse entry body has no spec");
    auto key_matches = [&](std::string_view verifier_b64) {
        auto pem_text = base64::decode(verifier_b64);
        if (!pem_text) return false;
        auto der = pem_der(byte_view(*pem_text).as_chars(), check, "verifier");
        return der && byte_view(*der) == key_der;
    };
    if (const json::value* ph = json::member(*spec, "payloadHash")) {
        auto alg = json::string_member(*ph, "algorithm");
        auto val = json::string_member(*ph, "value");
        if (!alg || *alg != "sha256" || !val) return check_failed(check, "the dsse entry has no sha256 payloadHash");
        if (*val != sha256(env.payload).hex())
            return check_failed(check, "the entry logs payload hash " + std::string(*val) +
                                           ", the bundle's DSSE payload hashes to " + sha256(env.payload).hex());
        const json::value* sigs = json::member(*spec, "signatures");
        if (!sigs || !sigs->IsArray()) return check_failed(check, "the dsse entry has no signatures");
        for (const dsse_signature& s : env.signatures) {
            bool found = false;
            for (const auto& ls : sigs->GetArray()) {
                auto sig = json::string_member(ls, "signature");
                auto ver = json::string_member(ls, "verifier");
                auto raw = sig ? base64::decode(*sig) : result<bytes>(fail(errc::invalid_json, ""));
                if (raw && byte_view(*raw) == byte_view(s.sig) && ver && key_matches(*ver)) found = true;
            }
            if (!found)
                return check_failed(check, "the entry does not log the envelope's signature with the key verifying");
        }
        return {};
    }
    const json::value* pc = json::member(*spec, "proposedContent");
    auto env_text = pc ? json::string_member(*pc, "envelope") : std::nullopt;
    const json::value* verifiers = pc ? json::member(*pc, "verifiers") : nullptr;
    if (!env_text || !verifiers || !verifiers->IsArray())
        return check_failed(check, "the dsse entry body has neither payloadHash nor proposedContent");
    auto logged = json::parse(*env_text);
    if (!logged) return check_failed(check, "the logged envelope is not JSON");
    auto payload = json::string_member(*logged, "payload");
    auto payload_raw = payload ? base64::decode(*payload) : result<bytes>(fail(errc::invalid_json, ""));
    if (!payload_raw || byte_view(*payload_raw) != byte_view(env.payload))
        return check_failed(check, "the logged envelope's payload is not the bundle's");
    const json::value* sigs = json::member(*logged, "signatures");
    if (!sigs || !sigs->IsArray()) return check_failed(check, "the logged envelope has no signatures");
    for (const dsse_signature& s : env.signatures) {
        bool found = false;
        for (const auto& ls : sigs->GetArray()) {
            auto sig = json::string_member(ls, "sig");
            auto raw = sig ? base64::decode(*sig) : result<bytes>(fail(errc::invalid_json, ""));
            if (raw && byte_view(*raw) == byte_view(s.sig)) found = true;
        }
        if (!found) return check_failed(check, "the logged envelope lacks the bundle's signature");
    }
    bool key_found = false;
    for (const auto& v : verifiers->GetArray())
        if (auto t = json::as_string(v); t && key_matches(*t)) key_found = true;
    if (!key_found) return check_failed(check, "the entry was logged with another key than the one verifying");
    return {};
}

}  // namespace detail

/// The log's evidence for entry `i` of a bundle, whatever it logs: the SET (with the trusted key
/// for its log ID at its integratedTime, which must not be after `now`), and when present the
/// inclusion proof from the body's leaf hash to the proof's root and the checkpoint signed by
/// the same log's key, for that root and tree size. At least one of SET and proof is required.
template <class Crypto>
result<void> verify_entry_evidence(const tlog_entry& e, std::size_t i, const tlog::log_keys& keys, std::int64_t now) {
    const std::string at = "tlog entry " + std::to_string(i);
    const std::string body_b64 = base64::encode(e.canonicalized_body);
    const std::string log_id_hex = hex::encode(e.log_id);
    if (!e.signed_entry_timestamp && !e.proof)
        return detail::check_failed(at, "neither an inclusion promise (SET) nor an inclusion proof");
    if (e.signed_entry_timestamp) {
        tlog::rekor_bundle rb;
        rb.signed_entry_timestamp = base64::encode(*e.signed_entry_timestamp);
        rb.body = body_b64;
        rb.integrated_time = e.integrated_time;
        rb.log_index = e.log_index;
        rb.log_id = log_id_hex;
        auto ok = tlog::verify_set<Crypto>(rb, keys);
        if (!ok) return std::move(ok).error().context(at + ": SET");
        auto t = tlog::check_integrated_time(rb, now);
        if (!t) return std::move(t).error().context(at + ": integratedTime");
    }
    if (e.proof) {
        const inclusion_proof& p = *e.proof;
        tlog::log_entry le;
        le.uuid = "at log index " + std::to_string(e.log_index);
        le.body = body_b64;
        tlog::inclusion_proof tp;
        tp.log_index = p.log_index;
        tp.tree_size = p.tree_size;
        tp.root_hash = hex::encode(p.root_hash);
        for (const bytes& h : p.hashes) tp.hashes.push_back(hex::encode(h));
        le.proof = std::move(tp);
        auto ok = tlog::verify_inclusion(le);
        if (!ok) return detail::check_failed(at + ": inclusion proof", ok.error().message());
        if (p.checkpoint.empty()) return detail::check_failed(at + ": checkpoint", "the inclusion proof has no checkpoint");
        auto cp = tlog::verify_checkpoint_for_proof<Crypto>(p.checkpoint, log_id_hex, e.integrated_time, keys,
                                                            static_cast<std::uint64_t>(p.tree_size), p.root_hash);
        if (!cp) return std::move(cp).error().context(at);
    }
    return {};
}

namespace detail {

/// Checks one entry: its body against the bundle, SET, inclusion proof and checkpoint.
template <class Crypto>
result<void> verify_tlog_entry(const sigstore_bundle& b, const tlog_entry& e, std::size_t i,
                               const blob_digest& artifact, byte_view key_der, const key_verify_options& o,
                               std::int64_t now) {
    const std::string at = "tlog entry " + std::to_string(i);
    const std::string body_b64 = base64::encode(e.canonicalized_body);
    // The body: the kind it claims, and the bundle's content.
    {
        auto doc = json::parse(byte_view(e.canonicalized_body).as_chars());
        if (!doc) return check_failed(at + ": body", "canonicalizedBody is not JSON");
        auto kind = json::string_member(*doc, "kind");
        auto api = json::string_member(*doc, "apiVersion");
        if (!kind || !api || *kind != e.kind || *api != e.version)
            return check_failed(at + ": body", "the body's kind and apiVersion are not kindVersion's " + e.kind + " " +
                                                   e.version);
    }
    if (e.kind == "hashedrekord") {
        if (!b.message) return check_failed(at + ": body", "a hashedrekord entry for a bundle with a DSSE envelope");
        auto body = tlog::parse_entry_body(body_b64);
        if (!body) return check_failed(at + ": body", body.error().message());
        COSIGN_TRY_VOID(check_hashedrekord_body(*body, *b.message, artifact, key_der, at + ": body"));
    } else if (e.kind == "dsse" && e.version == "0.0.1") {
        if (!b.dsse) return check_failed(at + ": body", "a dsse entry for a bundle with a message signature");
        COSIGN_TRY_VOID(check_dsse_body(e.canonicalized_body, *b.dsse, key_der, at + ": body"));
    } else {
        return fail(errc::unsupported, at + ": entries of kind " + e.kind + " " + e.version +
                                           " are not verified here (hashedrekord 0.0.1, dsse 0.0.1 are)");
    }
    return verify_entry_evidence<Crypto>(e, i, o.log_keys, now);
}

}  // namespace detail

namespace detail {

/// The signature checks: the artifact against the message digest or the in-toto subject, and
/// the signature with `key` over the digest or the envelope's PAE.
template <class Crypto>
result<void> verify_content(const sigstore_bundle& b, const blob_digest& artifact, const typename Crypto::public_key& key) {
    if (b.message) {
        const message_signature& m = *b.message;
        if (m.digest_algorithm) {
            if (*m.digest_algorithm != artifact.algorithm)
                return check_failed("artifact", std::string("the bundle's messageDigest is ") +
                                                    hash_algorithm_name(*m.digest_algorithm) +
                                                    ", the artifact is given as " + cosign::to_string(artifact.algorithm));
            if (byte_view(m.digest) != byte_view(artifact.value))
                return check_failed("artifact", "the artifact's digest " + artifact.to_string() +
                                                    " is not the bundle's messageDigest " +
                                                    std::string(cosign::to_string(artifact.algorithm)) + ":" +
                                                    hex::encode(m.digest));
        }
        if constexpr (has_verify_prehashed_v<Crypto>) {
            auto ok = Crypto::verify_prehashed(key, artifact.value, m.signature, artifact.algorithm);
            if (!ok) {
                if (ok.error().code() != errc::verification_failed) return std::move(ok).error().context("bundle signature");
                return check_failed("bundle signature",
                                    "the message signature does not verify with the key over " + artifact.to_string());
            }
        } else {
            (void)key;
            return fail(errc::unsupported, "bundle signature: this crypto policy cannot verify a signature over a digest "
                                           "(no verify_prehashed)");
        }
        return {};
    }
    if (!b.dsse) return fail(errc::invalid_json, "bundle: neither messageSignature nor dsseEnvelope");
    const dsse_envelope& env = *b.dsse;
    if (env.signatures.size() != 1)
        return check_failed("bundle signature", "the DSSE envelope has " + std::to_string(env.signatures.size()) +
                                                    " signatures, a bundle's has exactly one");
    const std::string signed_bytes = pae(env.payload_type, env.payload);
    auto ok = Crypto::verify(key, byte_view(signed_bytes), env.signatures.front().sig);
    if (!ok) {
        if (ok.error().code() != errc::verification_failed) return std::move(ok).error().context("bundle signature");
        return check_failed("bundle signature", "the DSSE signature does not verify with the key");
    }
    return check_in_toto_subject(env, artifact);
}

/// The log checks of every entry (at least one unless o.ignore_tlog); `signer_der` is the DER
/// of the key or certificate the entries must have logged.
template <class Crypto>
result<bundle_verification> verify_entries(const sigstore_bundle& b, const blob_digest& artifact, byte_view signer_der,
                                           const key_verify_options& o) {
    bundle_verification out;
    if (o.ignore_tlog) return out;
    if (b.material.tlog_entries.empty())
        return check_failed("transparency log",
                            "the bundle has no tlog entry (pass --insecure-ignore-tlog to verify without one)");
    const std::int64_t now = o.now != 0 ? o.now : tlog::unix_now();
    for (std::size_t i = 0; i < b.material.tlog_entries.size(); ++i) {
        const tlog_entry& e = b.material.tlog_entries[i];
        COSIGN_TRY_VOID(verify_tlog_entry<Crypto>(b, e, i, artifact, signer_der, o, now));
        ++out.tlog_entries_verified;
        if (!out.integrated_time || e.integrated_time < *out.integrated_time) out.integrated_time = e.integrated_time;
    }
    return out;
}

}  // namespace detail

namespace detail {

/// Every RFC 3161 timestamp of the bundle, over its signature (the message signature, or the
/// DSSE envelope's), with the authorities given: "timestamp N: timestamp: <check>: ...".
template <class Crypto>
result<void> verify_timestamps(const sigstore_bundle& b, const std::vector<trust::certificate_authority>& authorities,
                               bundle_verification& out) {
    const auto& tokens = b.material.rfc3161_timestamps;
    if (tokens.empty()) return {};
    byte_view signature;
    if (b.message)
        signature = b.message->signature;
    else if (b.dsse && !b.dsse->signatures.empty())
        signature = b.dsse->signatures.front().sig;
    trust::trust_root tsas;
    tsas.timestamp_authorities = authorities;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        auto v = timestamp::verify_token<Crypto>(tokens[i], signature, tsas);
        if (!v) {
            std::string m = v.error().message();
            if (m.rfind("timestamp: ", 0) == 0) m = m.substr(11);
            return error(v.error().code(), "timestamp " + std::to_string(i) + ": " + m);
        }
        ++out.timestamps_verified;
        if (!out.timestamp_time || v->time < *out.timestamp_time) out.timestamp_time = v->time;
    }
    return {};
}

}  // namespace detail

/// Verifies a blob's bundle with a public key (cosign's `verify-blob --bundle --key`). `artifact`
/// is the blob's digest (streamed, or given as sha256:<hex>). Checks, each error naming its check:
/// the verification material is a public key; the artifact matches the message digest (or a
/// subject of the DSSE in-toto statement); the signature verifies with the key (over the digest,
/// or over the envelope's PAE); unless o.ignore_tlog, at least one log entry, and every entry
/// verifies (body consistent with the bundle, SET with the trusted key for its log ID and time,
/// integratedTime not in the future, inclusion proof and checkpoint when present); every RFC 3161
/// timestamp with o.timestamp_authorities (timestamp/verify.hpp).
template <class Crypto>
result<bundle_verification> verify_blob_bundle(const sigstore_bundle& b, const blob_digest& artifact,
                                               const typename Crypto::public_key& key, const key_verify_options& o) {
    static_assert(is_verify_crypto_v<Crypto>, "verify_blob_bundle needs a crypto policy with the verify set");
    if (b.material.material != verification_material::kind::public_key)
        return detail::check_failed("verification material",
                                    "the bundle carries a certificate, not a public key hint: verify it keyless "
                                    "(certificate identity flags) instead of with a key");
    const std::string pem_text = Crypto::public_key_pem(key);
    COSIGN_TRY(bytes key_der, detail::pem_der(pem_text, "verification material", "the verifying key"));
    COSIGN_TRY_VOID(detail::verify_content<Crypto>(b, artifact, key));
    COSIGN_TRY(bundle_verification out, detail::verify_entries<Crypto>(b, artifact, key_der, o));
    COSIGN_TRY_VOID(detail::verify_timestamps<Crypto>(b, o.timestamp_authorities, out));
    return out;
}

/// What a keyless verification found: the log evidence and the certificate it checked.
struct keyless_bundle_verification {
    bundle_verification log;
    certificate_info certificate;
};

/// Verifies a blob's bundle keyless (cosign's `verify-blob --bundle --certificate-identity ...`):
/// the bundle's certificate (v0.3) or chain (v0.1/v0.2, its leaf first) is the signer; the
/// content and log checks are verify_blob_bundle's, with the certificate as what the entries
/// logged; then the certificate checks of keyless verification (verify_keyless_certificate:
/// chain to a Fulcio CA of policy.root, SCT, identity, validity) at the earliest verified
/// integratedTime, else the earliest verified RFC 3161 timestamp's genTime (o.timestamp_authorities
/// and those of policy.root), else now.
template <class Crypto>
result<keyless_bundle_verification> verify_blob_bundle_keyless(const sigstore_bundle& b, const blob_digest& artifact,
                                                               const keyless_policy& policy,
                                                               const key_verify_options& o) {
    static_assert(has_x509_v<Crypto>, "verify_blob_bundle_keyless: the crypto policy has no X.509 members (has_x509_v)");
    if (b.material.material == verification_material::kind::public_key || b.material.certificates.empty())
        return detail::check_failed("verification material",
                                    "the bundle carries a public key hint, no certificate: verify it with --key");
    const bytes& leaf_der = b.material.certificates.front();
    auto leaf = Crypto::parse_certificate(byte_view(leaf_der).as_chars());
    if (!leaf) return detail::check_failed("verification material", "the certificate does not parse: " + leaf.error().message());
    std::string chain_pem;
    for (std::size_t i = 1; i < b.material.certificates.size(); ++i)
        chain_pem += pem::encode("CERTIFICATE", b.material.certificates[i]);
    auto pub = Crypto::certificate_public_key(*leaf);
    if (!pub) return std::move(pub).error().context("verification material: the certificate's key");
    COSIGN_TRY_VOID(detail::verify_content<Crypto>(b, artifact, *pub));
    keyless_bundle_verification out;
    COSIGN_TRY(out.log, detail::verify_entries<Crypto>(b, artifact, leaf_der, o));
    std::vector<trust::certificate_authority> tsas = o.timestamp_authorities;
    tsas.insert(tsas.end(), policy.root.timestamp_authorities.begin(), policy.root.timestamp_authorities.end());
    COSIGN_TRY_VOID(detail::verify_timestamps<Crypto>(b, tsas, out.log));
    const std::int64_t t = out.log.integrated_time   ? *out.log.integrated_time
                           : out.log.timestamp_time ? out.log.timestamp_time->seconds
                                                    : (o.now != 0 ? o.now : tlog::unix_now());
    COSIGN_TRY(out.certificate, verify_keyless_certificate<Crypto>(*leaf, chain_pem, policy, t));
    return out;
}

}  // namespace bundle
}  // namespace v0
}  // namespace cosign
