// SPDX-License-Identifier: Apache-2.0
/// Making the v0.3 bundle `sign-blob --bundle --new-bundle-format --key` writes: the message
/// signature over the blob's digest, the key's hint, and the Rekor v1 entry the signature was
/// logged as (SET, inclusion proof, checkpoint, body). Pure: no crypto backend.
///
///     auto b = bundle::make_blob_bundle(digest, signature_der, public_key_der, rekor_entry);
///     write_file(path, bundle::to_json(*b));
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "../blob.hpp"
#include "../core/base64.hpp"
#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "../tlog/rekor_entry.hpp"
#include "bundle.hpp"

namespace cosign {
inline namespace v0 {
namespace bundle {

/// The hint cosign writes for a public key: standard base64 of SHA-256 of its DER
/// SubjectPublicKeyInfo.
inline std::string public_key_hint(byte_view spki_der) { return base64::encode(sha256(spki_der).bytes); }

/// A bundle entry from a Rekor v1 entry (cosign's and sigstore-go's conversion): the body
/// decoded, kind and version read from it, the log ID and root hash as bytes.
inline result<tlog_entry> from_rekor_entry(const tlog::log_entry& e) {
    tlog_entry out;
    out.log_index = e.log_index;
    auto id = hex::decode(e.log_id);
    if (!id) return fail(errc::invalid_json, "Rekor entry: logID is not hex");
    out.log_id = std::move(*id);
    auto body = base64::decode(e.body);
    if (!body) return fail(errc::invalid_json, "Rekor entry: body is not base64");
    out.canonicalized_body = std::move(*body);
    auto doc = json::parse(byte_view(out.canonicalized_body).as_chars());
    if (!doc) return std::move(doc).error().context("Rekor entry body");
    auto kind = json::string_member(*doc, "kind");
    auto api = json::string_member(*doc, "apiVersion");
    if (!kind || !api) return fail(errc::invalid_json, "Rekor entry body lacks \"kind\" or \"apiVersion\"");
    out.kind = std::string(*kind);
    out.version = std::string(*api);
    out.integrated_time = e.integrated_time;
    auto set = base64::decode(e.signed_entry_timestamp);
    if (!set) return fail(errc::invalid_json, "Rekor entry: signedEntryTimestamp is not base64");
    out.signed_entry_timestamp = std::move(*set);
    if (e.proof) {
        inclusion_proof p;
        p.log_index = e.proof->log_index;
        p.tree_size = e.proof->tree_size;
        auto root = hex::decode(e.proof->root_hash);
        if (!root) return fail(errc::invalid_json, "Rekor entry: inclusionProof.rootHash is not hex");
        p.root_hash = std::move(*root);
        for (const auto& h : e.proof->hashes) {
            auto hb = hex::decode(h);
            if (!hb) return fail(errc::invalid_json, "Rekor entry: inclusionProof.hashes holds a non-hex value");
            p.hashes.push_back(std::move(*hb));
        }
        p.checkpoint = e.proof->checkpoint;
        out.proof = std::move(p);
    }
    return out;
}

namespace detail {

/// The bundle around a message signature over `digest`, with the material given.
inline result<sigstore_bundle> make_blob_bundle_with(verification_material vm, const blob_digest& digest,
                                                     byte_view signature,
                                                     const std::optional<tlog::log_entry>& entry) {
    sigstore_bundle b;
    b.media_type = media_type_v0_3;
    b.minor_version = 3;
    b.material = std::move(vm);
    if (entry) {
        COSIGN_TRY(tlog_entry e, from_rekor_entry(*entry));
        b.material.tlog_entries.push_back(std::move(e));
    }
    message_signature m;
    m.digest_algorithm = digest.algorithm;
    m.digest = digest.value;
    m.signature = signature.to_bytes();
    b.message = std::move(m);
    return b;
}

}  // namespace detail

/// The v0.3 bundle of a key-signed blob: `digest` the blob's, `signature` the raw (DER)
/// signature over it, `public_key_der` the signing key's SubjectPublicKeyInfo (for the hint),
/// `entry` the Rekor entry it was logged as (none with --tlog-upload=false).
inline result<sigstore_bundle> make_blob_bundle(const blob_digest& digest, byte_view signature,
                                                byte_view public_key_der,
                                                const std::optional<tlog::log_entry>& entry) {
    verification_material vm;
    vm.material = verification_material::kind::public_key;
    vm.public_key_hint = public_key_hint(public_key_der);
    return detail::make_blob_bundle_with(std::move(vm), digest, signature, entry);
}

/// The v0.3 bundle of a keyless (or --issue-certificate) blob signature, as cosign 3 writes it:
/// `certificate_der` the Fulcio leaf (v0.3 `certificate`: the leaf only, no chain), the rest as
/// make_blob_bundle. The Rekor entry is the one that carries this certificate.
inline result<sigstore_bundle> make_certified_blob_bundle(const blob_digest& digest, byte_view signature,
                                                          byte_view certificate_der,
                                                          const std::optional<tlog::log_entry>& entry) {
    if (certificate_der.empty()) return fail(errc::invalid_argument, "a certified blob bundle needs the signing certificate");
    verification_material vm;
    vm.material = verification_material::kind::certificate;
    vm.certificates.push_back(certificate_der.to_bytes());
    return detail::make_blob_bundle_with(std::move(vm), digest, signature, entry);
}

}  // namespace bundle
}  // namespace v0
}  // namespace cosign
