// SPDX-License-Identifier: Apache-2.0
/// basic_signer: signs an image in a registry the way `cosign sign --key` does. It composes a
/// crypto policy, a transport, a list of key sources and a transparency-log step (none by
/// default), and owns no protocol detail itself.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base64.hpp"
#include "core/result.hpp"
#include "crypto/concepts.hpp"
#include "keys/concepts.hpp"
#include "oci/digest.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"
#include "oci/signature_image.hpp"
#include "oci/simple_signing.hpp"
#include "registry/client.hpp"
#include "registry/signature_writer.hpp"
#include "tlog/steps.hpp"

namespace cosign {
inline namespace v0 {

/// What `cosign sign` lets the user choose.
struct sign_options {
    /// `-a key=value`: the payload's `optional` section (none: `"optional":null`).
    oci::annotation_map annotations;
    /// `--payload FILE`: sign these bytes instead of generating the payload.
    std::optional<std::string> payload;
    /// `COSIGN_REPOSITORY`: where signatures are stored (default: the image's repository).
    std::optional<oci::repository_name> signature_repository;
    /// `--attachment-tag-prefix`.
    std::string tag_prefix;
    /// `COSIGN_DOCKER_MEDIA_TYPES=1`: a new .sig image gets Docker media types.
    bool docker_media_types = false;
    /// `--upload=false`: sign, but write nothing to the registry.
    bool upload = true;
    /// `-r`: on an index, sign the index and every platform manifest (parent first).
    bool recursive = false;
    /// Extra layer annotations (certificate, chain, ...), added to every signature layer. A signer
    /// that carries a certificate (keyless, has_certificate_v) adds its certificate and chain.
    std::map<std::string, std::string> layer_annotations;
};

/// One signed manifest.
struct signed_image {
    oci::digest digest;          ///< the signed manifest or index
    std::string payload;         ///< the exact bytes signed
    std::string signature_b64;   ///< standard base64 of the DER signature
    std::string repository;      ///< where the signature went: "registry/repo"
    std::string tag;             ///< the signature tag: "sha256-<hex>.sig"
    bool duplicate = false;      ///< an identical signature was already there: nothing written
    bool uploaded = false;       ///< the registry now holds it
    /// The transparency-log entry the log step made (none without a log step), and the
    /// `dev.sigstore.cosign/bundle` annotation stored on the layer for it.
    std::optional<tlog::rekor_bundle> tlog_entry;
    std::string bundle_annotation;
};

/// Signs images. `Keys` is a key source (or a key_sources list) that turns a key reference
/// into a signer; the signer never hands out key bytes. `Log` is the transparency-log step run
/// once per signature, after signing and before anything is written to the registry
/// (tlog::rekor_upload_step; tlog::no_transparency_log, the default, logs nothing and pulls
/// in no Rekor client); its record becomes the layer's `dev.sigstore.cosign/bundle` annotation.
///
///     cosign::signer s{client};
///     auto key = s.load_key("cosign.key", read_password);
///     auto out = s.sign(*cosign::oci::reference::parse("registry.example/app:1"), *key, {});
///
///     using step = tlog::rekor_upload_step<Crypto, Transport>;          // with Rekor
///     basic_signer<Crypto, Transport, Keys, step> logged{client, step(rekor_client, keys)};
template <class Crypto, class Transport, class Keys, class Log = tlog::no_transparency_log>
class basic_signer {
    static_assert(check_crypto_policy<Crypto>(), "basic_signer: Crypto is not a crypto policy");
    static_assert(check_key_source<Keys>(), "basic_signer: Keys is not a key source");

public:
    using crypto_type = Crypto;
    using client_type = registry::basic_client<Transport>;
    using key_signer = typename Keys::signer_type;

    explicit basic_signer(client_type& client, Log log = Log{}) : client_(client), log_(std::move(log)) {}

    /// The transparency-log step (e.g. to count its requests).
    Log& log_step() noexcept { return log_; }

    /// Loads a signer from a key reference (file, env://VAR, ...); the password callback is
    /// called only when the key needs one.
    static result<key_signer> load_key(std::string_view key_ref, const password_fn& password) {
        return Keys::load(key_ref, password);
    }

    /// Resolves a reference: GETs its manifest or index (bounded by COSIGN_MAX_MANIFEST_SIZE)
    /// and takes the digest of the bytes; a Docker-Content-Digest header that names another
    /// digest, or content that does not hash to the reference's digest, is an error.
    result<registry::manifest_blob> resolve(const oci::reference& ref) {
        return client_.get_manifest(ref.registry, ref.repository, ref.identifier());
    }

    /// Signs `ref` (and, with `recursive`, each platform of an index) and stores the signatures.
    /// Every signature is signed and logged (when a log step is composed) before the first
    /// registry write: a log that refuses or cannot be reached leaves the registry untouched.
    result<std::vector<signed_image>> sign(const oci::reference& ref, const key_signer& key, const sign_options& opts) {
        oci::repository_name sig_repo = opts.signature_repository.value_or(ref.repo());
        if (opts.upload) client_.prepare_push(sig_repo.registry, sig_repo.repository);
        COSIGN_TRY(auto targets, resolve_targets(ref, opts.recursive));
        std::vector<signed_image> out;
        for (const auto& d : targets) {
            signed_image one = describe(d, sig_repo, opts.tag_prefix,
                                        opts.payload ? *opts.payload : payload_for(ref, d, opts.annotations));
            COSIGN_TRY(auto sig, key.sign(one.payload));
            one.signature_b64 = base64::encode(sig);
            if constexpr (Log::enabled) COSIGN_TRY_VOID(log_one(one, key, opts));
            out.push_back(std::move(one));
        }
        if (opts.upload)
            for (auto& one : out) COSIGN_TRY_VOID(push(one, key, sig_repo, opts));
        return out;
    }

    /// The payload `cosign generate` prints for ref at digest d.
    static std::string payload_for(const oci::reference& ref, const oci::digest& d, const oci::annotation_map& a) {
        return oci::make_payload(ref.context(), d, a.empty() ? nullptr : &a);
    }

    /// `cosign attach signature`: stores a signature made elsewhere. The reference is resolved
    /// to a digest; an empty `payload` becomes cosign's implied payload (what `generate` prints,
    /// without annotations). The layer is appended WITHOUT de-duplication, as cosign's attach
    /// does; `layer_annotations` (certificate, chain) join the signature annotation. Nothing is
    /// verified here: callers check the signature text and certificates before.
    result<signed_image> attach(const oci::reference& ref, std::string payload, std::string signature_b64,
                                std::map<std::string, std::string> layer_annotations, const sign_options& opts) {
        oci::repository_name sig_repo = opts.signature_repository.value_or(ref.repo());
        client_.prepare_push(sig_repo.registry, sig_repo.repository);
        COSIGN_TRY(auto top, resolve(ref));
        COSIGN_TRY(auto d, oci::digest::parse(top.digest));
        signed_image out =
            describe(d, sig_repo, opts.tag_prefix, payload.empty() ? payload_for(ref, d, {}) : std::move(payload));
        out.signature_b64 = std::move(signature_b64);
        COSIGN_TRY_VOID(writer(sig_repo, out.tag, opts).add(layer_of(out, layer_annotations)));
        out.uploaded = true;
        return out;
    }

private:
    // The digests `sign` signs: the manifest's (computed from its bytes) and, with `recursive`
    // on an index, each platform manifest's after it (the index's bytes are read once).
    result<std::vector<oci::digest>> resolve_targets(const oci::reference& ref, bool recursive) {
        COSIGN_TRY(auto top, resolve(ref));
        COSIGN_TRY(auto top_digest, oci::digest::parse(top.digest));
        std::vector<oci::digest> out{top_digest};
        if (recursive && oci::is_index_media_type(top.media_type)) {
            COSIGN_TRY(auto idx, oci::parse_index(top.body));
            for (const auto& m : idx.manifests) out.push_back(m.digest);
        }
        return out;
    }

    // What is signed for digest d and where it goes; no signature yet.
    static signed_image describe(const oci::digest& d, const oci::repository_name& sig_repo, const std::string& tag_prefix,
                                 std::string payload) {
        signed_image out;
        out.digest = d;
        out.payload = std::move(payload);
        out.repository = sig_repo.str();
        out.tag = oci::signature_tag(d, oci::tag_suffix::signature, tag_prefix);
        return out;
    }

    static oci::signature_layer layer_of(const signed_image& s, std::map<std::string, std::string> annotations) {
        oci::signature_layer layer;
        layer.payload = bytes(s.payload.begin(), s.payload.end());
        layer.signature_b64 = s.signature_b64;
        layer.annotations = std::move(annotations);
        return layer;
    }

    // The layer annotations of a signature by `key`: the caller's, plus the certificate and chain
    // the signer carries (keyless), both always written, as cosign's static.WithCertChain does.
    static std::map<std::string, std::string> annotations_for(const key_signer& key, const sign_options& opts) {
        auto out = opts.layer_annotations;
        if constexpr (has_certificate_v<key_signer>) {
            signer_certificate c = key.certificate();
            if (!c.certificate_pem.empty()) {
                out[std::string(oci::annotation::certificate)] = std::move(c.certificate_pem);
                out[std::string(oci::annotation::chain)] = std::move(c.chain_pem);
            }
        }
        return out;
    }

    // Logs one signature: the key's PEM, or the certificate's when the layer carries one (what
    // cosign uploads keyless and with --certificate).
    result<void> log_one(signed_image& one, const key_signer& key, const sign_options& opts) {
        const auto layer_annotations = annotations_for(key, opts);
        auto cert = layer_annotations.find(std::string(oci::annotation::certificate));
        const std::string pem = cert != layer_annotations.end() && !cert->second.empty() ? cert->second
                                                                                          : key.public_key_pem();
        COSIGN_TRY(auto rec, log_.log(one.signature_b64, byte_view(one.payload), pem));
        if (rec) {
            one.tlog_entry = rec->bundle;
            one.bundle_annotation = rec->annotation;
        }
        return {};
    }

    // Attaches the signature as a layer of the .sig image and pushes it, unless a layer with the
    // same payload and annotations holds a signature by this key already (cosign's dupe check).
    result<void> push(signed_image& one, const key_signer& key, const oci::repository_name& sig_repo,
                      const sign_options& opts) {
        COSIGN_TRY(auto pub, Crypto::parse_public_key(key.public_key_pem()));
        auto annotations = annotations_for(key, opts);
        if (!one.bundle_annotation.empty()) annotations[tlog::bundle_annotation_key] = one.bundle_annotation;
        const oci::signature_layer layer = layer_of(one, std::move(annotations));
        auto signed_by_key = [&](const oci::signature_image& image) {
            return image.has_duplicate(layer, [&pub](byte_view s, byte_view p) { return static_cast<bool>(Crypto::verify(pub, p, s)); });
        };
        COSIGN_TRY(bool added, writer(sig_repo, one.tag, opts).add(layer, signed_by_key));
        one.duplicate = !added;
        one.uploaded = true;
        return {};
    }

    registry::signature_writer<Transport> writer(const oci::repository_name& repo, const std::string& tag,
                                                 const sign_options& opts) {
        return {client_, repo.registry, repo.repository, tag,
                opts.docker_media_types ? oci::signature_image::media_types::docker : oci::signature_image::media_types::oci};
    }

    client_type& client_;
    Log log_;
};

}  // namespace v0
}  // namespace cosign
