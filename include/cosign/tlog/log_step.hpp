// SPDX-License-Identifier: Apache-2.0
/// The transparency-log steps the hosts compose: rekor_upload_step (the signer runs it once per
/// signature, before anything is written to the registry) and rekor_lookup (the verifier's
/// online search when a layer has no bundle). no_transparency_log and no_rekor_lookup, the
/// steps of builds that name none, are in steps.hpp: they compile to nothing.
///
///     tlog::rekor_upload_step<crypto::mbedtls, transport::httplib_transport> step(client, keys);
///     COSIGN_TRY(tlog::log_record rec, step.log(sig_b64, payload, public_key_pem));
///     annotations[tlog::bundle_annotation_key] = rec.annotation;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "bundle_annotation.hpp"
#include "inclusion_proof.hpp"
#include "rekor_client.hpp"
#include "rekor_entry.hpp"
#include "set.hpp"
#include "steps.hpp"

namespace cosign {
inline namespace v0 {
namespace tlog {

/// Uploads a hashedrekord entry for each signature and turns Rekor's answer into cosign's
/// bundle annotation. The answer is checked before it is used: its body must record this
/// signature, key and payload hash, and, when trusted keys are given, its SET must verify
/// with the key for its log ID (so a wrong or lying --rekor-url fails the sign).
template <class Crypto, class Transport>
class rekor_upload_step {
public:
    static constexpr bool enabled = true;

    explicit rekor_upload_step(basic_rekor_client<Transport> client, log_keys trusted = {})
        : client_(std::move(client)), trusted_(std::move(trusted)) {}

    basic_rekor_client<Transport>& client() noexcept { return client_; }

    /// Logs one signature: `signature_b64` as stored in the layer, the signed payload, and the
    /// PEM of the public key or (keyless, --certificate) the certificate.
    result<std::optional<log_record>> log(std::string_view signature_b64, byte_view payload,
                                          std::string_view public_key_pem) {
        return log_digest(signature_b64, sha256(payload).hex(), public_key_pem);
    }

    /// log() for a blob known by its SHA-256 (lower-case hex): `sign-blob`.
    result<std::optional<log_record>> log_digest(std::string_view signature_b64, std::string_view payload_sha256_hex,
                                                 std::string_view public_key_pem) {
        std::string proposed = hashedrekord_entry(payload_sha256_hex, signature_b64, public_key_pem);
        COSIGN_TRY(log_entry e, client_.upload(proposed));
        log_record rec;
        rec.bundle = rekor_bundle::from_entry(e);
        auto body_ok = check_body_digest(rec.bundle.body, signature_b64, payload_sha256_hex, public_key_pem);
        if (!body_ok) return std::move(body_ok).error().context("Rekor at " + client_.url() + " logged another entry");
        if (!trusted_.empty()) {
            auto set_ok = verify_set<Crypto>(rec.bundle, trusted_);
            if (!set_ok) return std::move(set_ok).error().context("Rekor at " + client_.url());
        }
        rec.annotation = to_annotation(rec.bundle);
        rec.entry = std::move(e);
        return std::optional<log_record>(std::move(rec));
    }

private:
    basic_rekor_client<Transport> client_;
    log_keys trusted_;
};

/// The verifier's online check of a layer without a bundle (cosign's tlogValidateEntry):
/// search Rekor for the layer's hashedrekord entry, keep the entries whose inclusion proof,
/// SET (with the trusted keys), body and time check out, and return the earliest.
template <class Crypto, class Transport>
result<log_entry> find_verified_entry(basic_rekor_client<Transport>& client, const signed_digest& signed_,
                                      const log_keys& trusted, std::int64_t now) {
    std::string proposed = hashedrekord_entry(signed_.payload_sha256_hex, signed_.signature_b64, signed_.public_key_pem);
    COSIGN_TRY(std::vector<log_entry> entries, client.retrieve(proposed));
    if (entries.empty())
        return fail(errc::verification_failed, "signature not found in the transparency log at " + client.url());
    std::optional<log_entry> best;
    std::string why;
    for (auto& e : entries) {
        rekor_bundle b = rekor_bundle::from_entry(e);
        auto ok = verify_inclusion(e);
        if (ok) ok = verify_bundle<Crypto>(b, signed_, trusted, now);
        if (!ok) {
            why += (why.empty() ? "" : "; ") + ok.error().message();
            continue;
        }
        if (!best || e.integrated_time < best->integrated_time) best = std::move(e);
    }
    if (!best) return fail(errc::verification_failed, "no valid entry in the transparency log at " + client.url() + ": " + why);
    return std::move(*best);
}

/// find_verified_entry for a signature layer (its payload is hashed here).
template <class Crypto, class Transport>
result<log_entry> find_verified_entry(basic_rekor_client<Transport>& client, const signed_layer& layer,
                                      const log_keys& trusted, std::int64_t now) {
    const std::string hex = sha256(layer.payload).hex();
    return find_verified_entry<Crypto>(client, signed_digest{layer.signature_b64, hex, layer.public_key_pem}, trusted, now);
}

/// The verifier's online lookup step (basic_verifier's Lookup): find_verified_entry through a
/// Rekor client, for layers that carry no bundle annotation.
///
///     tlog::rekor_lookup<crypto::mbedtls, transport::httplib_transport> lookup(client);
///     cosign::basic_verifier<crypto::mbedtls, transport::httplib_transport, decltype(lookup)> v(registry, lookup);
template <class Crypto, class Transport>
class rekor_lookup {
public:
    static constexpr bool enabled = true;

    explicit rekor_lookup(basic_rekor_client<Transport> client) : client_(std::move(client)) {}

    basic_rekor_client<Transport>& client() noexcept { return client_; }

    /// The earliest entry for the layer that passes every check (inclusion proof, SET, body, time).
    result<rekor_bundle> find(const signed_layer& layer, const log_keys& keys, std::int64_t now) {
        COSIGN_TRY(log_entry e, find_verified_entry<Crypto>(client_, layer, keys, now));
        return rekor_bundle::from_entry(e);
    }

private:
    basic_rekor_client<Transport> client_;
};

/// The verifier's transparency-log check of one layer, as cosign's verifyInternal does it:
/// with a bundle annotation, offline (verify_layer_offline); without one, the entry is looked
/// up in Rekor (find_verified_entry). Returns the bundle of the entry that vouches for the
/// layer; its integrated_time dates the signature.
template <class Crypto, class Transport>
result<rekor_bundle> verify_layer(std::string_view bundle_annotation, const signed_layer& layer,
                                  const log_keys& keys, std::int64_t now, basic_rekor_client<Transport>& rekor) {
    if (!bundle_annotation.empty()) return verify_layer_offline<Crypto>(bundle_annotation, layer, keys, now);
    COSIGN_TRY(log_entry e, find_verified_entry<Crypto>(rekor, layer, keys, now));
    return rekor_bundle::from_entry(e);
}

}  // namespace tlog
}  // namespace v0
}  // namespace cosign
