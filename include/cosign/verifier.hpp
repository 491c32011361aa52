// SPDX-License-Identifier: Apache-2.0
/// basic_verifier: checks an image's signatures the way `cosign verify` does, with a key
/// (`--key`) or keyless (a Fulcio certificate on each layer, checked against a trust root and an
/// identity policy). It needs no key source at all: public keys are values; the transparency
/// log's keys come from a trust root (verify_options::tlog_keys), and an online Rekor lookup only
/// when one is composed.
#pragma once

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#if !defined(COSIGN_NO_THREADS)
#include <thread>
#endif

#include "core/base64.hpp"
#include "core/config.hpp"
#include "core/result.hpp"
#include "crypto/concepts.hpp"
#include "crypto/x509.hpp"
#include "identity/certificate.hpp"
#include "identity/keyless.hpp"
#include "identity/policy.hpp"
#include "oci/digest.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "oci/reference.hpp"
#include "oci/simple_signing.hpp"
#include "registry/client.hpp"
#include "tlog/bundle_annotation.hpp"
#include "tlog/set.hpp"
#include "tlog/steps.hpp"
#include "trust/time.hpp"

namespace cosign {
inline namespace v0 {

/// What `cosign verify` lets the user choose.
struct verify_options {
    /// `-a key=value`: each must be in the payload's `optional` with an equal string value.
    oci::annotation_map annotations;
    /// `--check-claims` (default true): check the payload's digest and annotations.
    bool check_claims = true;
    /// `COSIGN_REPOSITORY`: where signatures are looked for.
    std::optional<oci::repository_name> signature_repository;
    /// `--attachment-tag-prefix`.
    std::string tag_prefix;
    /// The time a certificate on a signature layer must be valid at (Unix seconds): with no
    /// transparency log and no timestamp, cosign takes "now" (0 here means now).
    std::int64_t certificate_time = 0;
    /// `--max-workers`: layers checked in parallel, each worker with its own copy of the key
    /// (1: on the calling thread; compiled out with COSIGN_NO_THREADS).
    unsigned max_workers = 1;
    /// The trusted Rekor keys (tlog::log_keys_from(trust_root), or a SIGSTORE_REKOR_PUBLIC_KEY):
    /// each layer must then be vouched for by the log, as cosign checks it: its
    /// `dev.sigstore.cosign/bundle` (SET with the key for its log ID and time, body against the
    /// layer, integratedTime not in the future), or, without one, an entry found in Rekor.
    /// nullopt skips the log entirely (`--insecure-ignore-tlog`).
    std::optional<tlog::log_keys> tlog_keys;
    /// `--offline`: a layer without a bundle annotation fails instead of being looked up.
    bool offline = false;
    /// The time the log checks take as now (Unix seconds; 0: the system clock).
    std::int64_t now = 0;
};

/// One signature that passed every check.
struct verified_signature {
    std::string payload;                          ///< the payload bytes as stored
    oci::digest layer_digest;                     ///< the layer (= sha256 of the payload)
    std::map<std::string, std::string> annotations;  ///< the layer's annotations
    /// The layer's certificate (`dev.sigstore.cosign/certificate`), described, when it has one
    /// and the crypto policy reads X.509 (has_x509_v).
    std::optional<certificate_info> certificate;
    /// The log entry that vouched for the signature (with verify_options::tlog_keys), and whether
    /// it came from the layer's bundle annotation (checked offline) rather than a Rekor lookup.
    std::optional<tlog::rekor_bundle> tlog_entry;
    bool tlog_offline = false;
};

/// The outcome of a successful verification.
struct verification {
    oci::digest image_digest;
    std::vector<verified_signature> signatures;  ///< at least one
};

/// Verifies images against a public key (or the key of a certificate that satisfies an
/// identity_policy: key_from_certificate). `Lookup` finds the log entry of a layer without a
/// bundle annotation (tlog::rekor_lookup over a Rekor client); the default,
/// tlog::no_rekor_lookup, has no client: such a layer fails, and no HTTP to Rekor is linked.
template <class Crypto, class Transport, class Lookup = tlog::no_rekor_lookup>
class basic_verifier {
    static_assert(check_verify_crypto<Crypto>(), "basic_verifier: Crypto lacks the verify set of a crypto policy");

public:
    using client_type = registry::basic_client<Transport>;
    using public_key = typename Crypto::public_key;

    explicit basic_verifier(client_type& client, Lookup lookup = Lookup{}) : client_(client), lookup_(std::move(lookup)) {}

    /// The online lookup step (e.g. to count its requests).
    Lookup& lookup_step() noexcept { return lookup_; }

    /// Verifies ref. Errors: errc::not_found (the image tag does not exist: cosign's exit 11),
    /// errc::no_signatures (no .sig image: exit 10), errc::verification_failed (no layer
    /// passed: exit 12, the message lists each layer's reason, naming the failed check, e.g.
    /// "transparency log: the signed entry timestamp (SET) ... does not verify"), others for I/O.
    result<verification> verify(const oci::reference& ref, const public_key& key, const verify_options& opts = {}) {
        return verify_with(ref, &key, nullptr, opts);
    }

    /// Verifies ref keyless, as `cosign verify` without `--key`: each layer's signature is
    /// checked with the key of its `dev.sigstore.cosign/certificate`, which must chain to a
    /// Fulcio CA of policy.root (through the `dev.sigstore.cosign/chain` intermediates or the
    /// trust root's), carry a valid embedded SCT (unless policy.ignore_sct), the identity and
    /// GitHub workflow claims asked for, and be valid at the log's integratedTime (now only
    /// without a log: opts.tlog_keys unset). Errors as verify(); a layer's reason names the check
    /// ("certificate chain: ...", "SCT: ...", "none of the expected identities matched ...",
    /// "certificate validity: ...", "transparency log: ...").
    template <class C = Crypto>
    result<verification> verify_keyless(const oci::reference& ref, const keyless_policy& policy,
                                        const verify_options& opts = {}) {
        static_assert(has_x509_v<C>, "verify_keyless: the crypto policy has no X.509 members (has_x509_v)");
        if (!policy.identity.has_subject() || !policy.identity.has_issuer())
            return fail(errc::invalid_argument,
                        "keyless verification needs an identity and an issuer (--certificate-identity[-regexp] and "
                        "--certificate-oidc-issuer[-regexp])");
        COSIGN_TRY_VOID(policy.identity.check_regexps());
        return verify_with(ref, nullptr, &policy, opts);
    }

private:
    // verify() with a key, or keyless with a policy (key nullptr).
    result<verification> verify_with(const oci::reference& ref, const public_key* key, const keyless_policy* keyless,
                                     const verify_options& opts) {
        verification out;
        COSIGN_TRY(out.image_digest, image_digest(ref));
        const oci::repository_name sig_repo = opts.signature_repository.value_or(ref.repo());
        COSIGN_TRY(const oci::manifest m, signature_manifest(sig_repo, out.image_digest, opts.tag_prefix));
        COSIGN_TRY(auto payloads, read_payloads(m, ref, out.image_digest, sig_repo, opts));
        std::vector<std::optional<result<verified_signature>>> checked(m.layers.size());
        auto check_range = [&](const public_key* k, std::size_t first, std::size_t step) {
            for (std::size_t i = first; i < m.layers.size(); i += step) {
                auto it = payloads.find(m.layers[i].digest);
                checked[i] = check_layer(m.layers[i], it == payloads.end() ? nullptr : &it->second, k,
                                         out.image_digest, opts);
            }
        };
        run_workers(key, m.layers.size(), opts.max_workers, check_range);
        // Layers without a bundle: their entries are looked up one after another on this thread
        // (the Rekor client is not shared between workers).
        if (opts.tlog_keys && !opts.offline) {
            for (std::size_t i = 0; i < m.layers.size(); ++i) {
                auto& r = *checked[i];
                if (!r || r->tlog_entry) continue;
                std::string pem;
                auto found = lookup_.find(signed_layer_of(*r, key, pem), *opts.tlog_keys, now_of(opts));
                if (!found) {
                    r = fail(errc::verification_failed, "transparency log: " + found.error().message());
                    continue;
                }
                r->tlog_entry = std::move(*found);
                // The entry dates the signature: a key-verified layer's certificate must be valid
                // then (keyless layers are checked below, with their chain).
                if (!keyless && r->certificate)
                    if (auto ok = certificate_valid_at(*r->certificate, r->tlog_entry->integrated_time); !ok)
                        r = std::move(ok).error();
            }
        }
        // Keyless: each certificate checked at the time the log dated its signature.
        if constexpr (has_x509_v<Crypto>) {
            if (keyless) {
                for (auto& c : checked)
                    if (*c) {
                        if (auto ok = check_keyless(**c, *keyless, opts); !ok) *c = std::move(ok).error();
                    }
            }
        }
        std::string reasons;
        for (auto& r : checked) {
            if (*r) out.signatures.push_back(std::move(**r));
            else reasons += (reasons.empty() ? "" : "\n") + r->error().message();
        }
        if (out.signatures.empty()) return fail(errc::verification_failed, "no matching signatures: " + reasons);
        return out;
    }

    // cosign's CheckExpiry against the time the log dated a signature.
    static result<void> certificate_valid_at(const certificate_info& info, std::int64_t t) {
        using trust::instant;
        if (t > info.not_after)
            return fail(errc::verification_failed, "certificate expired before signatures were entered in log: " +
                                                       trust::format_rfc3339(instant::from_unix(info.not_after)) +
                                                       " is before " + trust::format_rfc3339(instant::from_unix(t)));
        if (t < info.not_before)
            return fail(errc::verification_failed, "certificate was issued after signatures were entered in log: " +
                                                       trust::format_rfc3339(instant::from_unix(info.not_before)) +
                                                       " is after " + trust::format_rfc3339(instant::from_unix(t)));
        return {};
    }

    // The keyless checks of one layer that passed the signature and log checks.
    template <class C = Crypto>
    static result<void> check_keyless(const verified_signature& sig, const keyless_policy& policy,
                                      const verify_options& opts) {
        auto cert_it = sig.annotations.find(std::string(oci::annotation::certificate));
        auto chain_it = sig.annotations.find(std::string(oci::annotation::chain));
        if (cert_it == sig.annotations.end()) return fail(errc::internal, "keyless layer without certificate");
        COSIGN_TRY(auto cert, C::parse_certificate(cert_it->second));
        const std::int64_t t = sig.tlog_entry ? sig.tlog_entry->integrated_time
                               : opts.certificate_time ? opts.certificate_time
                                                       : static_cast<std::int64_t>(std::time(nullptr));
        auto ok = verify_keyless_certificate<C>(cert, chain_it == sig.annotations.end() ? std::string_view() : chain_it->second,
                                                policy, t);
        if (!ok) return std::move(ok).error();
        return {};
    }

public:

    /// The digest verify checks signatures for: a digest reference's own (as cosign: no
    /// lookup), else the digest of the manifest or index bytes the tag names (GET, bounded by
    /// COSIGN_MAX_MANIFEST_SIZE); a Docker-Content-Digest header naming another is an error.
    result<oci::digest> image_digest(const oci::reference& ref) {
        if (ref.has_digest()) return *ref.digest;
        auto m = client_.get_manifest(ref.registry, ref.repository, ref.identifier());
        if (!m) {
            if (m.error().code() == errc::not_found)
                return fail(errc::not_found, "image tag not found: " + m.error().message());
            return std::move(m).error();
        }
        return oci::digest::parse(m->digest);
    }

    /// The key to verify with when the signer gave a certificate instead (`verify --certificate
    /// --certificate-chain`): the certificate's, once its chain leads to the chain's last
    /// certificate and it carries the identity `policy` asks for (see identity/certificate.hpp).
    template <class C = Crypto>
    static result<public_key> key_from_certificate(const typename C::certificate& cert, std::string_view chain_pem,
                                                   const identity_policy& policy) {
        return cosign::key_from_certificate<C>(cert, chain_pem, policy);
    }

    /// The text with every '\r' and '\n' removed: Go's StdEncoding ignores them, so a signature
    /// attached as `base64` wrapped it (76 columns, final newline) verifies in cosign.
    static std::string without_newlines(std::string_view s) {
        std::string out;
        out.reserve(s.size());
        for (char c : s)
            if (c != '\r' && c != '\n') out += c;
        return out;
    }

private:
    // The .sig manifest for image: errc::no_signatures when there is none or it has no layer.
    result<oci::manifest> signature_manifest(const oci::repository_name& sig_repo, const oci::digest& image,
                                             const std::string& tag_prefix) {
        std::string tag = oci::signature_tag(image, oci::tag_suffix::signature, tag_prefix);
        auto sig_manifest = client_.get_manifest(sig_repo.registry, sig_repo.repository, tag);
        if (!sig_manifest) {
            if (sig_manifest.error().code() == errc::not_found) return fail(errc::no_signatures, "no signatures found");
            return std::move(sig_manifest).error();
        }
        COSIGN_TRY(auto m, oci::parse_manifest(sig_manifest->body));
        if (m.layers.empty()) return fail(errc::no_signatures, "no signatures found");
        return m;
    }

    // The payload of each readable layer, by layer digest. Layers are content-addressed: a layer
    // whose digest and size are those of a payload cosign writes for this image (no
    // annotations, or exactly the -a ones asked for) holds those bytes, and is not read. (Only a
    // registry that lost the blob tells the difference: cosign fails there.) Each other distinct
    // payload is read once; a registry that cannot be reached fails the whole verification
    // ("could not reach", not "does not verify").
    result<std::map<oci::digest, result<std::string>>> read_payloads(const oci::manifest& m, const oci::reference& ref,
                                                                     const oci::digest& image,
                                                                     const oci::repository_name& sig_repo,
                                                                     const verify_options& opts) {
        std::map<oci::digest, std::string> known;
        for (const auto* a : {static_cast<const oci::annotation_map*>(nullptr), &opts.annotations}) {
            if (a && a->empty()) continue;
            std::string p = oci::make_payload(ref.context(), image, a);
            known.emplace(oci::digest::of(p), std::move(p));
        }
        std::map<oci::digest, result<std::string>> payloads;
        std::vector<oci::digest> wanted;
        for (const auto& layer : m.layers) {
            if (!readable(layer) || payloads.count(layer.digest) ||
                std::find(wanted.begin(), wanted.end(), layer.digest) != wanted.end())
                continue;
            auto k = known.find(layer.digest);
            if (k != known.end() && static_cast<std::uint64_t>(layer.size) == k->second.size())
                payloads.emplace(layer.digest, k->second);
            else
                wanted.push_back(layer.digest);
        }
        for (auto& p : read_blobs(sig_repo, wanted, opts.max_workers)) {
            if (!p.second && (p.second.error().code() == errc::network || p.second.error().code() == errc::unauthorized))
                return p.second.error();
            payloads.emplace(p.first, std::move(p.second));
        }
        return payloads;
    }

    // Reads each wanted payload blob: on `workers` connections at once when the transport can
    // fork (registry round trips dominate a verify of many signatures), else one after another.
    std::map<oci::digest, result<std::string>> read_blobs(const oci::repository_name& repo,
                                                             const std::vector<oci::digest>& wanted,
                                                             unsigned workers) {
        if (wanted.empty()) return {};
        std::vector<std::optional<result<std::string>>> got(wanted.size());
        auto read_range = [&](client_type& c, std::size_t first, std::size_t step) {
            for (std::size_t i = first; i < wanted.size(); i += step)
                got[i] = c.get_blob(repo.registry, repo.repository, wanted[i].str(), COSIGN_MAX_PAYLOAD_SIZE);
        };
        std::size_t n = std::min<std::size_t>(workers ? workers : 1u, wanted.size());
        bool parallel = false;
#if !defined(COSIGN_NO_THREADS)
        if constexpr (transport::can_fork_v<Transport>) {
            if (n > 1) {
                // The .sig manifest read on this client settled the scheme and the token for
                // this repository: the forks inherit them and start reading at once.
                std::vector<client_type> forks;
                for (std::size_t w = 1; w < n; ++w) forks.push_back(client_.fork());
                std::vector<std::thread> pool;
                for (std::size_t w = 1; w < n; ++w)
                    pool.emplace_back([&, w] { read_range(forks[w - 1], w, n); });
                read_range(client_, 0, n);  // this thread is worker 0
                for (auto& t : pool) t.join();
                parallel = true;
            }
        }
#endif
        if (!parallel) read_range(client_, 0, 1);
        std::map<oci::digest, result<std::string>> out;
        for (std::size_t i = 0; i < wanted.size(); ++i)
            out.emplace(wanted[i], got[i] ? std::move(*got[i]) : result<std::string>(fail(errc::internal, "payload not read")));
        return out;
    }

    // A layer worth reading: it has a signature and a payload within the limit.
    static bool readable(const oci::descriptor& layer) {
        return layer.annotations.count(std::string(oci::annotation::signature)) && layer.size >= 0 &&
               static_cast<std::uint64_t>(layer.size) <= COSIGN_MAX_PAYLOAD_SIZE;
    }

    // Runs check(key_copy, first, step) on `workers` threads (at most one per layer and per
    // core), each with its own parse of the key: backends may cache per-key state lazily.
    // (key nullptr: keyless, each layer brings its certificate's key.)
    template <class F>
    static void run_workers(const public_key* key, std::size_t layers, unsigned workers, F&& check) {
#if !defined(COSIGN_NO_THREADS)
        unsigned cores = std::thread::hardware_concurrency();
        std::size_t n = std::min<std::size_t>({workers ? workers : 1u, cores ? cores : 1u, layers ? layers : 1u});
        if (n > 1) {
            std::string pem = key ? Crypto::public_key_pem(*key) : std::string();
            std::vector<std::thread> pool;
            for (std::size_t w = 1; w < n; ++w)
                pool.emplace_back([&, w] {
                    if (!key) return check(key, w, n);
                    auto own = Crypto::parse_public_key(pem);
                    check(own ? &*own : key, w, n);
                });
            check(key, 0, n);
            for (auto& t : pool) t.join();
            return;
        }
#else
        (void)workers;
#endif
        (void)layers;
        check(key, 0, 1);
    }

    // Checks one layer against its payload (read beforehand; nullptr when not read).
    // (key nullptr: keyless, the layer's certificate's key; its time is checked later.)
    result<verified_signature> check_layer(const oci::descriptor& layer, const result<std::string>* read,
                                           const public_key* key, const oci::digest& image,
                                           const verify_options& opts) const {
        auto sig_it = layer.annotations.find(std::string(oci::annotation::signature));
        if (sig_it == layer.annotations.end())
            return fail(errc::verification_failed, "signature layer " + layer.digest.str() + " is missing \"" +
                                                       std::string(oci::annotation::signature) + "\" annotation");
        if (layer.size < 0 || static_cast<std::uint64_t>(layer.size) > COSIGN_MAX_PAYLOAD_SIZE)
            return fail(errc::limit_exceeded, "signature layer " + layer.digest.str() + " is larger than " +
                                                  std::to_string(COSIGN_MAX_PAYLOAD_SIZE) + " bytes");
        if (!read) return fail(errc::internal, "payload of layer " + layer.digest.str() + " was not read");
        if (!*read) return read->error();
        // The client checked that the bytes read hash to the layer digest; their length must be
        // the layer's size too (ggcr refuses a blob whose length is not the descriptor's).
        const std::string& payload = **read;
        if (payload.size() != static_cast<std::uint64_t>(layer.size))
            return fail(errc::verification_failed, "payload of layer " + layer.digest.str() + " is " +
                                                       std::to_string(payload.size()) + " bytes, the manifest says " +
                                                       std::to_string(layer.size));
        auto raw = base64::decode(without_newlines(sig_it->second));
        if (!raw) return fail(errc::verification_failed, "signature of layer " + layer.digest.str() + " is not base64: " + raw.error().message());
        std::optional<public_key> cert_key;
        if (!key) {
            if constexpr (has_x509_v<Crypto>) {
                auto c = layer.annotations.find(std::string(oci::annotation::certificate));
                if (c == layer.annotations.end() || c->second.empty())
                    return fail(errc::verification_failed, "signature layer " + layer.digest.str() +
                                                               " has no certificate (\"" +
                                                               std::string(oci::annotation::certificate) +
                                                               "\"): keyless verification needs one");
                auto cert = Crypto::parse_certificate(c->second);
                if (!cert)
                    return fail(errc::verification_failed, "certificate on signature layer " + layer.digest.str() +
                                                               " does not parse: " + cert.error().message());
                COSIGN_TRY(cert_key, Crypto::certificate_public_key(*cert));
                key = &*cert_key;
            } else {
                return fail(errc::unsupported, "keyless verification needs a crypto policy with X.509 members");
            }
        }
        auto ok = Crypto::verify(*key, payload, *raw);
        if (!ok) {
            if (ok.error().code() == errc::verification_failed)
                return fail(errc::verification_failed, "invalid signature when validating ASN.1 encoded signature");
            return std::move(ok).error();
        }
        if (opts.check_claims) {
            auto parsed = oci::parse_payload(payload);
            if (!parsed) return fail(errc::verification_failed, "invalid payload: " + parsed.error().message());
            COSIGN_TRY_VOID(oci::check_claims(*parsed, image, opts.annotations));
        }
        verified_signature out{payload, layer.digest, layer.annotations, std::nullopt, std::nullopt, false};
        std::int64_t cert_time = opts.certificate_time;
        if (opts.tlog_keys) {
            auto b = layer.annotations.find(tlog::bundle_annotation_key);
            if (b != layer.annotations.end() || opts.offline) {
                const std::string& text = b != layer.annotations.end() ? b->second : std::string();
                std::string pem;
                auto entry = tlog::verify_layer_offline<Crypto>(text, signed_layer_of(out, key, pem), *opts.tlog_keys,
                                                                now_of(opts));
                if (!entry) {
                    if (entry.error().code() != errc::verification_failed && entry.error().code() != errc::invalid_json)
                        return std::move(entry).error();
                    return fail(errc::verification_failed, "transparency log: " + entry.error().message());
                }
                out.tlog_entry = std::move(*entry);
                out.tlog_offline = true;
                // The log dates the signature: a certificate must be valid at integratedTime.
                cert_time = out.tlog_entry->integrated_time;
            }
        }
        if constexpr (has_x509_v<Crypto>) {
            verify_options at = opts;
            at.certificate_time = cert_time;
            // A layer without a bundle is dated by the entry the online lookup finds: its
            // certificate's time is checked then (verify_with), not now.
            const bool dated_later = opts.tlog_keys && !opts.offline && !out.tlog_entry;
            COSIGN_TRY(out.certificate, layer_certificate(layer, at, cert_key.has_value() || dated_later));
        }
        return out;
    }

    // What the log entry of a verified signature must record: its signature text, payload, and
    // the layer's certificate when it has one, else the verifier's key.
    // (`pem` holds the key's PEM when it is needed: the view points into it.)
    static tlog::signed_layer signed_layer_of(const verified_signature& v, const public_key* key, std::string& pem) {
        auto cert = v.annotations.find(std::string(oci::annotation::certificate));
        if (cert != v.annotations.end() && !cert->second.empty()) pem = cert->second;
        else if (key) pem = Crypto::public_key_pem(*key);
        auto sig = v.annotations.find(std::string(oci::annotation::signature));
        return {sig->second, byte_view(v.payload), pem};
    }

    static std::int64_t now_of(const verify_options& opts) { return opts.now ? opts.now : tlog::unix_now(); }

    // The layer's certificate, if any, checked as cosign does for a key-verified signature: it
    // must parse, and be valid at opts.certificate_time (now, without a log or timestamp).
    // (keyless: its time is checked with the rest, once the log entry is known.)
    template <class C = Crypto>
    static result<std::optional<certificate_info>> layer_certificate(const oci::descriptor& layer,
                                                                     const verify_options& opts, bool keyless = false) {
        auto it = layer.annotations.find(std::string(oci::annotation::certificate));
        if (it == layer.annotations.end() || it->second.empty()) return std::optional<certificate_info>();
        auto cert = C::parse_certificate(it->second);
        if (!cert)
            return fail(errc::verification_failed, "certificate on signature layer " + layer.digest.str() +
                                                       " does not parse: " + cert.error().message());
        COSIGN_TRY(auto info, C::describe_certificate(*cert));
        std::int64_t t = opts.certificate_time ? opts.certificate_time : static_cast<std::int64_t>(std::time(nullptr));
        if (!keyless && (t > info.not_after || t < info.not_before))
            return fail(errc::verification_failed, "expected a signed timestamp to verify an expired certificate");
        return std::optional<certificate_info>(std::move(info));
    }

    client_type& client_;
    Lookup lookup_;
};

}  // namespace v0
}  // namespace cosign
