// SPDX-License-Identifier: Apache-2.0
/// Offline checks of a Rekor bundle against a signature layer: the SET (Rekor's ECDSA over
/// the RFC 8785 form of body, integratedTime, logID, logIndex) with the trusted key for that
/// log ID and time, the body against the layer, and integratedTime not in the future.
///
///     tlog::log_keys keys{*tlog::log_key::from_pem(rekor_pub_pem)};
///     tlog::signed_layer layer{sig_b64, payload, public_key_pem};
///     auto ok = tlog::verify_bundle<crypto::mbedtls>(*bundle, layer, keys, tlog::unix_now());
///
/// Pure: the crypto policy's parse_public_key and verify, nothing of transport/ or registry/.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_canonical.hpp"
#include "../core/pem.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "bundle_annotation.hpp"
#include "rekor_entry.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// A transparency log's public key, as a trust root names it: the key (DER
/// SubjectPublicKeyInfo), its log ID and the window in which it signed (Unix seconds,
/// inclusive; absent bounds are open).
struct log_key {
    std::string log_id;  ///< hex SHA-256 of public_key_der
    bytes public_key_der;
    std::optional<std::int64_t> valid_from;
    std::optional<std::int64_t> valid_until;

    /// A key from DER; the log ID is computed as Rekor and cosign do.
    static log_key from_der(byte_view der) {
        log_key k;
        k.public_key_der = der.to_bytes();
        k.log_id = sha256(der).hex();
        return k;
    }
    /// A key from a "PUBLIC KEY" PEM (what SIGSTORE_REKOR_PUBLIC_KEY and GET
    /// /api/v1/log/publicKey hold).
    static result<log_key> from_pem(std::string_view pem_text) {
        COSIGN_TRY(auto blocks, pem::decode_all(pem_text));
        if (blocks.size() != 1 || blocks.front().label != "PUBLIC KEY")
            return fail(errc::invalid_key, "a Rekor public key must be one \"PUBLIC KEY\" PEM block");
        return from_der(blocks.front().der);
    }
    /// True when the key may have signed at Unix time t.
    bool valid_at(std::int64_t t) const noexcept {
        return (!valid_from || *valid_from <= t) && (!valid_until || t <= *valid_until);
    }
};

/// The trusted transparency-log keys a verifier takes.
using log_keys = std::vector<log_key>;

/// The Rekor keys of a trust root: trust::trust_root (include/cosign/trust/, whose `tlogs` hold
/// `log_id_hex()`, `public_key.der` and `public_key.valid_for` {start, optional end} as instants
/// with seconds and nanos), or any type of that shape. A window that starts within a second
/// admits integratedTimes from the next whole second on, as sigstore-go's ValidAtTime does.
template <class TrustRoot>
log_keys log_keys_from(const TrustRoot& root) {
    log_keys out;
    for (const auto& l : root.tlogs) {
        log_key k;
        k.log_id = l.log_id_hex();
        k.public_key_der = bytes(l.public_key.der.begin(), l.public_key.der.end());
        const auto& v = l.public_key.valid_for;
        k.valid_from = static_cast<std::int64_t>(v.start.seconds) + (v.start.nanos > 0 ? 1 : 0);
        if (v.end) k.valid_until = static_cast<std::int64_t>(v.end->seconds);
        out.push_back(std::move(k));
    }
    return out;
}

/// What a signature layer offers for comparison with its log entry.
struct signed_layer {
    std::string_view signature_b64;  ///< the `dev.cosignproject.cosign/signature` annotation
    byte_view payload;               ///< the signed payload bytes
    std::string_view public_key_pem; ///< the verifier's public key PEM, or the layer's certificate PEM
};

/// What a blob signature offers for comparison with its log entry: the blob is known by its
/// SHA-256 only (it streamed by, or `verify-blob sha256:<hex>` named it).
struct signed_digest {
    std::string_view signature_b64;       ///< the signature, base64 as cosign prints it
    std::string_view payload_sha256_hex;  ///< the blob's SHA-256, lower-case hex
    std::string_view public_key_pem;      ///< the verifier's public key PEM, or the certificate PEM
};

/// Now, in Unix seconds (the default clock of the checks below).
inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// The bytes Rekor signed for a bundle: the RFC 8785 form of
/// {"body","integratedTime","logID","logIndex"}.
inline std::string set_payload(const rekor_bundle& b) {
    json::jcs_writer w;
    w.begin_object();
    w.key("body").string(b.body);
    w.key("integratedTime").integer(b.integrated_time);
    w.key("logID").string(b.log_id);
    w.key("logIndex").integer(b.log_index);
    w.end_object();
    return std::move(w).str();
}

/// The trusted key that signed for logID at time t, or an error naming why there is none.
inline result<const log_key*> find_log_key(const log_keys& keys, std::string_view log_id, std::int64_t t) {
    const log_key* id_match = nullptr;
    for (const auto& k : keys) {
        if (k.log_id != log_id) continue;
        if (k.valid_at(t)) return &k;
        id_match = &k;
    }
    if (id_match)
        return fail(errc::verification_failed, "the trusted Rekor key with log ID " + std::string(log_id) +
                                                   " was not valid at integratedTime " + std::to_string(t));
    return fail(errc::verification_failed,
                "no trusted Rekor key has log ID " + std::string(log_id) +
                    " (set the Rekor key: SIGSTORE_REKOR_PUBLIC_KEY or a trusted root)");
}

/// Verifies the SET of a bundle with the trusted key for its log ID, valid at its integratedTime.
template <class Crypto>
result<void> verify_set(const rekor_bundle& b, const log_keys& keys) {
    COSIGN_TRY(const log_key* key, find_log_key(keys, b.log_id, b.integrated_time));
    auto pub = Crypto::parse_public_key(byte_view(key->public_key_der).as_chars());
    if (!pub) return std::move(pub).error().context("the trusted Rekor key with log ID " + b.log_id);
    auto sig = base64::decode(b.signed_entry_timestamp);
    if (!sig) return fail(errc::verification_failed, "the signed entry timestamp is not base64");
    const std::string signed_bytes = set_payload(b);
    auto ok = Crypto::verify(*pub, byte_view(signed_bytes), *sig);
    if (!ok) {
        if (ok.error().code() != errc::verification_failed) return std::move(ok).error().context("checking the SET");
        return fail(errc::verification_failed, "the signed entry timestamp (SET) of Rekor entry " +
                                                   std::to_string(b.log_index) +
                                                   " does not verify with the trusted Rekor key for log ID " + b.log_id);
    }
    return {};
}

/// integratedTime must not be after now (Unix seconds).
inline result<void> check_integrated_time(const rekor_bundle& b, std::int64_t now) {
    if (b.integrated_time > now)
        return fail(errc::verification_failed, "the Rekor entry's integratedTime " + std::to_string(b.integrated_time) +
                                                   " is in the future (now " + std::to_string(now) + ")");
    return {};
}

namespace detail {
inline result<bytes> single_pem_der(std::string_view text, const char* what) {
    auto blocks = pem::decode_all(text);
    if (!blocks || blocks->empty())
        return fail(errc::verification_failed, std::string(what) + " is not PEM");
    if (blocks->size() != 1) return fail(errc::verification_failed, std::string(what) + " holds more than one PEM block");
    return std::move(blocks->front().der);
}
}  // namespace detail

/// Checks that a log entry body records this signature (cosign's compareSigs,
/// comparePublicKey and bundleHash): the same base64 signature, the same key or certificate
/// (compared as DER) and the payload's sha256 `payload_sha256_hex` (for a blob hashed while it
/// streamed by).
inline result<void> check_body_digest(std::string_view body_b64, std::string_view signature_b64,
                                      std::string_view payload_sha256_hex, std::string_view public_key_pem) {
    COSIGN_TRY(entry_body body, parse_entry_body(body_b64));
    // cosign compares the body's signature, decoded and re-encoded, with the layer's text.
    auto sig = base64::decode(body.signature);
    if (!sig) return fail(errc::verification_failed, "the Rekor entry's signature is not base64");
    if (base64::encode(*sig) != signature_b64)
        return fail(errc::verification_failed, "the signature in the Rekor entry does not match the layer's signature");
    COSIGN_TRY(bytes logged_key, detail::single_pem_der(body.public_key, "the Rekor entry's public key"));
    COSIGN_TRY(bytes our_key, detail::single_pem_der(public_key_pem, "the verifier's public key"));
    if (logged_key != our_key)
        return fail(errc::verification_failed,
                    "the Rekor entry was made with another public key or certificate than the one verifying");
    if (body.hash_algorithm != "sha256")
        return fail(errc::verification_failed, "the Rekor entry hashes the payload with \"" + body.hash_algorithm +
                                                   "\", not sha256");
    if (body.hash_value != payload_sha256_hex)
        return fail(errc::verification_failed, "the Rekor entry logs payload hash " + body.hash_value +
                                                   ", the layer's payload hashes to " + std::string(payload_sha256_hex));
    return {};
}

/// check_body_digest for a signature layer: its signature text, key or certificate and the
/// sha256 of its payload.
inline result<void> check_body(std::string_view body_b64, const signed_layer& layer) {
    return check_body_digest(body_b64, layer.signature_b64, sha256(layer.payload).hex(), layer.public_key_pem);
}

/// Everything cosign checks offline for a layer with a bundle annotation, in its order: the
/// body against the layer, the SET with the trusted key for its log ID and time, and
/// integratedTime not after now.
template <class Crypto>
result<void> verify_bundle(const rekor_bundle& b, const signed_digest& d, const log_keys& keys, std::int64_t now) {
    COSIGN_TRY_VOID(check_body_digest(b.body, d.signature_b64, d.payload_sha256_hex, d.public_key_pem));
    COSIGN_TRY_VOID(verify_set<Crypto>(b, keys));
    COSIGN_TRY_VOID(check_integrated_time(b, now));
    return {};
}

/// verify_bundle for a signature layer (its payload is hashed here).
template <class Crypto>
result<void> verify_bundle(const rekor_bundle& b, const signed_layer& layer, const log_keys& keys, std::int64_t now) {
    const std::string hex = sha256(layer.payload).hex();
    return verify_bundle<Crypto>(b, signed_digest{layer.signature_b64, hex, layer.public_key_pem}, keys, now);
}

/// The offline check of one layer (cosign's VerifyBundle, as `verify --offline` runs it): the
/// layer's `dev.sigstore.cosign/bundle` annotation value (empty when the layer has none), parsed
/// and verified. Returns the bundle, whose integrated_time dates the signature.
template <class Crypto>
result<rekor_bundle> verify_layer_offline(std::string_view bundle_annotation, const signed_layer& layer,
                                          const log_keys& keys, std::int64_t now) {
    if (bundle_annotation.empty())
        return fail(errc::verification_failed,
                    "the signature has no transparency-log bundle and offline verification cannot look it up");
    COSIGN_TRY(rekor_bundle b, parse_annotation(bundle_annotation));
    COSIGN_TRY_VOID(verify_bundle<Crypto>(b, layer, keys, now));
    return b;
}

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
