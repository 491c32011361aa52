// SPDX-License-Identifier: Apache-2.0
/// signature_writer: adds one signature layer to the `.sig` image at a tag and keeps every layer
/// that concurrent signers add meanwhile (the registry is last-writer-wins: cosign's plain
/// read-modify-write loses most of 16 racing signatures).
///
///     registry::signature_writer<T> w(client, "registry.test", "demo", "sha256-<hex>.sig");
///     auto added = w.add(layer);   // true: written; false: the duplicate check said it is there
#pragma once

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <utility>

#include "../core/config.hpp"
#include "../core/result.hpp"
#include "../oci/digest.hpp"
#include "../oci/manifest.hpp"
#include "../oci/signature_image.hpp"
#include "client.hpp"

namespace cosign {
inline namespace v0 {
namespace registry {

/// True for the answers docker-registry gives a manifest PUT while a racing signer uploads the
/// same config blob (400 with DIGEST_INVALID, BLOB_UNKNOWN or MANIFEST_BLOB_UNKNOWN): one more
/// race round, not a failure. Classified on the registry's error code, never on message text.
inline bool is_racing_put_error(const error& e) noexcept {
    const std::string& c = e.remote_code();
    return e.code() == errc::registry && e.backend_code() == 400 &&
           (c == error_code::digest_invalid || c == error_code::blob_unknown || c == error_code::manifest_blob_unknown);
}

/// Writes signature layers into the `.sig` image at one tag of one repository, race-safely.
template <class Transport>
class signature_writer {
public:
    using client_type = basic_client<Transport>;
    using media_types = oci::signature_image::media_types;

    /// The image at `host`/`repository`:`tag`; a new image gets `new_image` media types
    /// (Docker ones for COSIGN_DOCKER_MEDIA_TYPES=1).
    signature_writer(client_type& client, std::string host, std::string repository, std::string tag,
                     media_types new_image = media_types::oci)
        : client_(client), host_(std::move(host)), repo_(std::move(repository)), tag_(std::move(tag)),
          new_image_(new_image) {}

    /// The .sig image at the tag, or an empty one when the tag does not exist yet.
    result<oci::signature_image> read() {
        auto m = client_.get_manifest(host_, repo_, tag_);
        if (!m) {
            if (m.error().code() != errc::not_found) return std::move(m).error();
            return oci::signature_image::empty(new_image_);
        }
        COSIGN_TRY(auto parsed, oci::parse_manifest(m->body));
        COSIGN_TRY(auto cfg, client_.get_blob(host_, repo_, parsed.config.digest.str(), COSIGN_MAX_MANIFEST_SIZE));
        return oci::signature_image::from_existing(m->body, cfg);
    }

    /// Stores `layer` in the image at the tag: its payload blob first (it does not depend on
    /// what is at the tag, and keeping it out of the read-modify-write keeps that window short),
    /// then reads the image; when `is_duplicate(image)` is true nothing more is written and
    /// the result is false; else the layer is appended and written (see write_layer): true.
    template <class Duplicate>
    result<bool> add(const oci::signature_layer& layer, Duplicate&& is_duplicate) {
        COSIGN_TRY_VOID(client_.put_blob(host_, repo_, oci::digest::of(layer.payload).str(),
                                         byte_view(layer.payload).as_chars()));
        auto read_start = std::chrono::steady_clock::now();
        COSIGN_TRY(auto image, read());
        if (is_duplicate(static_cast<const oci::signature_image&>(image))) return false;
        COSIGN_TRY_VOID(write_layer(std::move(image), layer, read_start));
        return true;
    }

    /// add() without a duplicate check: the layer is always appended (cosign's attach).
    result<bool> add(const oci::signature_layer& layer) {
        return add(layer, [](const oci::signature_image&) { return false; });
    }

private:
    // Rounds of read-merge-write before giving up on a tag that racing signers keep replacing.
    static constexpr unsigned max_merge_rounds = 12;

    static bool holds(const oci::signature_image& image, const oci::descriptor& mine) {
        for (const auto& l : image.layers())
            if (l.digest == mine.digest && l.media_type == mine.media_type && l.size == mine.size &&
                l.annotations == mine.annotations)
                return true;
        return false;
    }

    // A random wait in [lo, hi] milliseconds: racing signers must not retry in step.
    static std::chrono::milliseconds jitter(long lo, long hi) {
        std::random_device rd;
        return std::chrono::milliseconds(std::uniform_int_distribution<long>(lo, hi < lo ? lo : hi)(rd));
    }

    static long since(std::chrono::steady_clock::time_point t) {
        using namespace std::chrono;
        return static_cast<long>(duration_cast<milliseconds>(steady_clock::now() - t).count());
    }

    std::string where() const { return host_ + "/" + repo_ + ":" + tag_; }

    // After our PUT, wait longer than a racer's stale window can last and HEAD the tag: true
    // while it still names our manifest (`checks` times, a settle time apart). A racer's stale
    // window runs from its confirmation of its base to its PUT landing; a racer is slowed by the
    // same registry and load as we are, but a loaded machine can stall it between the two, so
    // the wait is our whole read-modify-write (`window`: from our read to our PUT's answer, which
    // is several round trips longer than a racer's HEAD-to-PUT), at least `at_least` ms, plus jitter.
    // (Waiting only our own HEAD-to-PUT time lost 1 of 16 racing signatures under ASan on a
    // loaded 2-core machine.)
    result<bool> still_ours(const std::string& written, long window, long at_least, int checks) {
        long settle = window < at_least ? at_least : (window > 1000 ? 1000 : window);
        for (int check = 0; check < checks; ++check) {
            std::this_thread::sleep_for(jitter(settle, settle + (window < 1000 ? window / 2 : 500)));
            auto now = client_.head_manifest(host_, repo_, tag_);
            if (!now)
                return error(now.error()).context("the signature was written to " + where() +
                                                  " but reading it back failed");
            if (now->digest != written) return false;
        }
        return true;
    }

    // Writes `base` plus `layer` under the tag (config blob, then manifest: the registry never
    // holds a manifest whose blobs are missing). Three defences against racing signers:
    // - when our read is more than 15 ms old, HEAD the tag just before the PUT and start over
    //   from the current image if it moved (our stale window shrinks to one round trip);
    // - after the PUT, still_ours(); if not, read the current image: done if it holds our
    //   layer, else add our layer to it (what the racer wrote is kept) and write again, at most
    //   max_merge_rounds times with jittered backoff;
    // - after a race, our manifest must be seen twice, a settle time apart (at least 50 ms).
    // Without a race this costs one HEAD and a few tens of milliseconds.
    result<void> write_layer(oci::signature_image image, const oci::signature_layer& layer,
                             std::chrono::steady_clock::time_point read_start) {
        const oci::descriptor mine = layer.to_descriptor();
        bool raced = false;
        for (unsigned round = 1;; ++round) {
            std::string base_digest = image.size() ? image.manifest_digest().str() : std::string();
            COSIGN_TRY_VOID(image.append(layer));
            std::string config = image.config_json();
            COSIGN_TRY_VOID(client_.put_blob(host_, repo_, oci::digest::of(config).str(), config));
            bool moved = false;
            if (raced || since(read_start) > 15) {
                auto cur = client_.head_manifest(host_, repo_, tag_);
                if (!cur && cur.error().code() != errc::not_found) return std::move(cur).error();
                moved = (cur ? cur->digest : std::string()) != base_digest;
            }
            if (!moved) {
                auto written = client_.put_manifest(host_, repo_, tag_, image.manifest_json(), image.manifest_media_type());
                if (written) {
                    COSIGN_TRY(bool ours, still_ours(*written, since(read_start), raced ? 50 : 20, raced ? 2 : 1));
                    if (ours) return {};
                } else if (!is_racing_put_error(written.error()) || round >= max_merge_rounds) {
                    return std::move(written).error();
                }
            }
            raced = true;
            if (round >= max_merge_rounds)
                return fail(errc::registry, "concurrent signers kept replacing " + where() +
                                                "; the signature is not in it after " + std::to_string(round) +
                                                " attempts (sign again)");
            // Back off before reading, not between reading and writing: that window stays short.
            std::this_thread::sleep_for(jitter(5, 25L << (round < 5 ? round : 5)));
            read_start = std::chrono::steady_clock::now();
            COSIGN_TRY(auto fresh, read());
            if (holds(fresh, mine)) return {};
            image = std::move(fresh);
        }
    }

    client_type& client_;
    std::string host_, repo_, tag_;
    media_types new_image_;
};

}  // namespace registry
}  // namespace v0
}  // namespace cosign
