// SPDX-License-Identifier: Apache-2.0
/// basic_signer: signs an image in a registry the way `cosign sign --key` does. It composes a
/// crypto policy, a transport and a list of key sources, and owns no protocol detail itself.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <thread>
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
    /// Extra layer annotations (certificate, chain, ...), added to every signature layer.
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
};

/// Signs images. `Keys` is a key source (or a key_sources list) that turns a key reference
/// into a signer; the signer never hands out key bytes.
///
///     cosign::signer s{client};
///     auto key = s.load_key("cosign.key", read_password);
///     auto out = s.sign(*cosign::oci::reference::parse("registry.example/app:1"), *key, {});
template <class Crypto, class Transport, class Keys>
class basic_signer {
    static_assert(check_crypto_policy<Crypto>(), "basic_signer: Crypto is not a crypto policy");
    static_assert(check_key_source<Keys>(), "basic_signer: Keys is not a key source");

public:
    using crypto_type = Crypto;
    using client_type = registry::basic_client<Transport>;
    using key_signer = typename Keys::signer_type;

    explicit basic_signer(client_type& client) : client_(client) {}

    /// Loads a signer from a key reference (file, env://VAR, ...); the password callback is
    /// called only when the key needs one.
    static result<key_signer> load_key(std::string_view key_ref, const password_fn& password) {
        return Keys::load(key_ref, password);
    }

    /// Resolves a reference to the digest of its manifest or index, and its media type.
    result<registry::manifest_info> resolve(const oci::reference& ref) {
        return client_.head_manifest(ref.registry, ref.repository, ref.identifier());
    }

    /// Signs `ref` (and, with `recursive`, each platform of an index) and stores the signatures.
    result<std::vector<signed_image>> sign(const oci::reference& ref, const key_signer& key, const sign_options& opts) {
        oci::repository_name sig_repo = opts.signature_repository.value_or(ref.repo());
        if (opts.upload) client_.prepare_push(sig_repo.registry, sig_repo.repository);
        COSIGN_TRY(auto top, resolve(ref));
        COSIGN_TRY(auto top_digest, oci::digest::parse(top.digest));
        if (ref.has_digest() && *ref.digest != top_digest)
            return fail(errc::registry, "registry returned digest " + top.digest + " for " + ref.original);

        std::vector<oci::digest> targets{top_digest};
        if (opts.recursive && oci::is_index_media_type(top.media_type)) {
            COSIGN_TRY(auto idx_blob, client_.get_manifest(ref.registry, ref.repository, top.digest));
            COSIGN_TRY(auto idx, oci::parse_index(idx_blob.body));
            for (const auto& m : idx.manifests) targets.push_back(m.digest);
        }
        std::vector<signed_image> out;
        for (const auto& d : targets) {
            COSIGN_TRY(auto one, sign_digest(ref, d, key, sig_repo, opts));
            out.push_back(std::move(one));
        }
        return out;
    }

    /// The payload `cosign generate` prints for ref at digest d.
    static std::string payload_for(const oci::reference& ref, const oci::digest& d, const oci::annotation_map& a) {
        return oci::make_payload(ref.context(), d, a.empty() ? nullptr : &a);
    }

private:
    result<signed_image> sign_digest(const oci::reference& ref, const oci::digest& d, const key_signer& key,
                                     const oci::repository_name& sig_repo, const sign_options& opts) {
        signed_image out;
        out.digest = d;
        out.payload = opts.payload ? *opts.payload : payload_for(ref, d, opts.annotations);
        COSIGN_TRY(auto sig, key.sign(out.payload));
        out.signature_b64 = base64::encode(sig);
        out.repository = sig_repo.str();
        out.tag = oci::signature_tag(d, oci::tag_suffix::signature, opts.tag_prefix);
        if (!opts.upload) return out;

        oci::signature_layer layer;
        layer.payload = bytes(out.payload.begin(), out.payload.end());
        layer.signature_b64 = out.signature_b64;
        layer.annotations = opts.layer_annotations;

        // The payload blob goes first: it does not depend on what is at the tag, and keeping it
        // out of the read-modify-write keeps that window (and the settle time below) short.
        COSIGN_TRY_VOID(client_.put_blob(sig_repo.registry, sig_repo.repository, oci::digest::of(layer.payload).str(),
                                         byte_view(layer.payload).as_chars()));
        auto read_start = std::chrono::steady_clock::now();
        COSIGN_TRY(auto image, existing_image(sig_repo, out.tag, opts));
        COSIGN_TRY(auto pub, Crypto::parse_public_key(key.public_key_pem()));
        bool dup = image.has_duplicate(layer, [&](byte_view s, byte_view p) {
            return static_cast<bool>(Crypto::verify(pub, p, s));
        });
        if (dup) {
            out.duplicate = true;
            out.uploaded = true;
            return out;
        }
        COSIGN_TRY_VOID(write(sig_repo, out.tag, std::move(image), layer, read_start, opts, true));
        out.uploaded = true;
        return out;
    }

    // The .sig image at the tag, or an empty one when the tag does not exist yet.
    result<oci::signature_image> existing_image(const oci::repository_name& repo, const std::string& tag,
                                                const sign_options& opts) {
        auto m = client_.get_manifest(repo.registry, repo.repository, tag);
        if (!m) {
            if (m.error().code() != errc::not_found) return std::move(m).error();
            return oci::signature_image::empty(opts.docker_media_types ? oci::signature_image::media_types::docker
                                                                       : oci::signature_image::media_types::oci);
        }
        COSIGN_TRY(auto parsed, oci::parse_manifest(m->body));
        COSIGN_TRY(auto cfg, client_.get_blob(repo.registry, repo.repository, parsed.config.digest.str(),
                                              COSIGN_MAX_MANIFEST_SIZE));
        return oci::signature_image::from_existing(m->body, cfg);
    }

    // Rounds of read-merge-write before giving up on a tag that racing signers keep replacing.
    static constexpr unsigned max_merge_rounds = 12;

    static bool holds(const oci::signature_image& image, const oci::descriptor& mine) {
        for (const auto& l : image.layers())
            if (l.digest == mine.digest && l.media_type == mine.media_type && l.size == mine.size &&
                l.annotations == mine.annotations)
                return true;
        return false;
    }

    // docker-registry refuses a manifest with 400 DIGEST_INVALID or BLOB_UNKNOWN while a racing
    // signer uploads the same config blob: that is one more race round, not a failure.
    static bool racing_put_error(const error& e) {
        return e.code() == errc::registry && e.backend_code() == 400 &&
               (e.message().find("DIGEST_INVALID") != std::string::npos ||
                e.message().find("BLOB_UNKNOWN") != std::string::npos);
    }

    // A random wait in [lo, hi] milliseconds: racing signers must not retry in step.
    static std::chrono::milliseconds jitter(long lo, long hi) {
        std::random_device rd;
        return std::chrono::milliseconds(std::uniform_int_distribution<long>(lo, hi < lo ? lo : hi)(rd));
    }

    // Writes `base` plus `layer` under the tag: blobs first, then the manifest, so the registry
    // never holds a manifest whose blobs are missing.
    //
    // The registry is last-writer-wins: a signer that read the tag before our PUT and writes
    // after it drops our layer (cosign loses most of 16 racing signatures so). Three defences:
    // - when our read is more than 15 ms old, HEAD the tag just before the PUT and start over
    //   from the current image if it moved (a racer's stale window shrinks to one round trip);
    // - after the PUT, wait longer than a racer's unchecked read-modify-write can take (at
    //   least 20 ms, at least as long as ours, plus jitter) and HEAD the tag: still our
    //   manifest, done; else read the current image and
    //   done if it holds our layer, or add our layer to it (what the racer wrote is kept) and
    //   write again, at most max_merge_rounds times with jittered backoff;
    // - after a race, our manifest must be seen twice, a settle time apart.
    // Without a race this costs one HEAD and a few tens of milliseconds.
    result<void> write(const oci::repository_name& repo, const std::string& tag, oci::signature_image base,
                       const oci::signature_layer& layer, std::chrono::steady_clock::time_point read_start,
                       const sign_options& opts, bool payload_uploaded = false) {
        using namespace std::chrono;
        const oci::descriptor mine = layer.to_descriptor();
        if (!payload_uploaded) {
            COSIGN_TRY_VOID(client_.put_blob(repo.registry, repo.repository, mine.digest.str(),
                                             byte_view(layer.payload).as_chars()));
        }
        oci::signature_image image = std::move(base);
        auto since = [](steady_clock::time_point t) {
            return static_cast<long>(duration_cast<milliseconds>(steady_clock::now() - t).count());
        };
        bool raced = false;
        for (unsigned round = 1;; ++round) {
            std::string base_digest = image.size() ? image.manifest_digest().str() : std::string();
            COSIGN_TRY_VOID(image.append(layer));
            std::string config = image.config_json();
            COSIGN_TRY_VOID(client_.put_blob(repo.registry, repo.repository, oci::digest::of(config).str(), config));
            bool moved = false;
            if (raced || since(read_start) > 15) {
                auto cur = client_.head_manifest(repo.registry, repo.repository, tag);
                if (!cur && cur.error().code() != errc::not_found) return std::move(cur).error();
                moved = (cur ? cur->digest : std::string()) != base_digest;
            }
            if (!moved) {
                auto written = client_.put_manifest(repo.registry, repo.repository, tag, image.manifest_json(),
                                                    image.manifest_media_type());
                if (written) {
                    long window = since(read_start);
                    long settle = window < 20 ? 20 : (window > 1000 ? 1000 : window);
                    bool ours = true;
                    for (int check = 0; ours && check < (raced ? 2 : 1); ++check) {
                        std::this_thread::sleep_for(jitter(settle, settle + (window < 1000 ? window / 2 : 500)));
                        auto now = client_.head_manifest(repo.registry, repo.repository, tag);
                        if (!now)
                            return error(now.error()).context("the signature was written to " + repo.str() + ":" +
                                                              tag + " but reading it back failed");
                        ours = now->digest == *written;
                    }
                    if (ours) return {};
                } else if (!racing_put_error(written.error()) || round >= max_merge_rounds) {
                    return std::move(written).error();
                }
            }
            raced = true;
            if (round >= max_merge_rounds)
                return fail(errc::registry, "concurrent signers kept replacing " + repo.str() + ":" + tag +
                                                "; the signature is not in it after " + std::to_string(round) +
                                                " attempts (sign again)");
            // Back off before reading, not between reading and writing: that window stays short.
            std::this_thread::sleep_for(jitter(5, 25L << (round < 5 ? round : 5)));
            read_start = steady_clock::now();
            COSIGN_TRY(auto fresh, existing_image(repo, tag, opts));
            if (holds(fresh, mine)) return {};
            image = std::move(fresh);
        }
    }

    client_type& client_;

public:
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
        if (ref.has_digest() && *ref.digest != d)
            return fail(errc::registry, "registry returned digest " + top.digest + " for " + ref.original);
        signed_image out;
        out.digest = d;
        out.payload = payload.empty() ? payload_for(ref, d, {}) : std::move(payload);
        out.signature_b64 = std::move(signature_b64);
        out.repository = sig_repo.str();
        out.tag = oci::signature_tag(d, oci::tag_suffix::signature, opts.tag_prefix);

        oci::signature_layer layer;
        layer.payload = bytes(out.payload.begin(), out.payload.end());
        layer.signature_b64 = out.signature_b64;
        layer.annotations = std::move(layer_annotations);
        auto read_start = std::chrono::steady_clock::now();
        COSIGN_TRY(auto image, existing_image(sig_repo, out.tag, opts));
        COSIGN_TRY_VOID(write(sig_repo, out.tag, std::move(image), layer, read_start, opts));
        out.uploaded = true;
        return out;
    }
};

}  // namespace v0
}  // namespace cosign
