// SPDX-License-Identifier: Apache-2.0
/// Sigstore bundles for blobs in the CLI (issue 13): `sign-blob --bundle FILE
/// --new-bundle-format` writes the v0.3 bundle cosign 3 writes (with --key or keyless), and
/// `verify-blob --bundle FILE` verifies one with --key or keyless when the flag is given or the file is a Sigstore bundle (cosign 3's
/// default), against the Rekor keys of the trust root verify resolves.
#pragma once

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <cosign/blob.hpp>
#include <cosign/bundle/blob_bundle.hpp>
#include <cosign/bundle/bundle.hpp>
#include <cosign/bundle/verify.hpp>
#include <cosign/core/pem.hpp>
#include <cosign/keys/file_io.hpp>
#include <cosign/timestamp/client.hpp>
#include <cosign/tlog/steps.hpp>

#include "cli.hpp"
#include "commands_image.hpp"
#include "compose.hpp"
#include "tlog_flags.hpp"

namespace cli {

/// Writes the v0.3 bundle of a blob signature to `path` (0600, as cosign's bundle files): the
/// signature over `digest`, the Rekor entry when the signature was logged, and what verifies it:
/// with a certificate (keyless, --issue-certificate) its leaf as cosign 3 writes it, else the
/// key's hint.
inline cosign::result<void> write_sigstore_blob_bundle(const std::string& path, const cosign::blob_digest& digest,
                                                       const std::string& signature_b64,
                                                       const std::string& public_key_pem,
                                                       const std::string& certificate_pem,
                                                       const std::optional<cosign::tlog::log_entry>& entry,
                                                       const std::vector<cosign::bytes>& timestamps = {}) {
    auto sig = cosign::base64::decode(signature_b64);
    if (!sig) return cosign::fail(cosign::errc::internal, "the signature is not base64");
    if (!certificate_pem.empty()) {
        // Fulcio's PEM may hold the chain after the leaf: v0.3 carries the leaf only.
        auto certs = cosign::pem::decode_all(certificate_pem);
        if (!certs || certs->empty() || certs->front().label != "CERTIFICATE")
            return cosign::fail(cosign::errc::internal, "the signing certificate is not a PEM CERTIFICATE");
        COSIGN_TRY(auto b, cosign::bundle::make_certified_blob_bundle(digest, *sig, certs->front().der, entry));
        b.material.rfc3161_timestamps = timestamps;
        return cosign::write_file_0600(path, cosign::bundle::to_json(b));
    }
    auto blocks = cosign::pem::decode_all(public_key_pem);
    if (!blocks || blocks->size() != 1) return cosign::fail(cosign::errc::internal, "the signing key's public key is not one PEM block");
    COSIGN_TRY(auto b, cosign::bundle::make_blob_bundle(digest, *sig, blocks->front().der, entry));
    b.material.rfc3161_timestamps = timestamps;
    return cosign::write_file_0600(path, cosign::bundle::to_json(b));
}

/// Reads --bundle FILE as text (at most 4 MiB), naming the flag on error.
inline cosign::result<std::string> read_bundle_text(const std::string& path) {
    auto f = cosign::read_file<cosign::bytes>(path, 4u << 20);
    if (!f) return cosign::error(f.error()).context("--bundle");
    return cosign::byte_view(*f).to_string();
}

/// verify-blob with a Sigstore bundle, with --key or keyless (the identity flags: the bundle's
/// certificate against the trust root's Fulcio CAs and CT logs): the bundle parsed, the artifact
/// (a file or sha256:<hex>) and the signature checked against it, the log entries with the trust
/// root's Rekor keys (none needed with --insecure-ignore-tlog). `artifact_digest(hash_algorithm)` digests the
/// positional argument (verify_blob_artifact). Prints cosign's "Verified OK".
template <class ArtifactDigest>
int verify_blob_sigstore_bundle(const args& a, const std::string& bundle_text, ArtifactDigest artifact_digest) {
    if (!a.get("signature").empty())
        return report("--signature cannot be used with a Sigstore bundle (--new-bundle-format): the signature is in the bundle");
    auto b = cosign::bundle::parse_bundle(bundle_text);
    if (!b) return report("--bundle " + a.get("bundle") + ": " + b.error().message());
    const bool ignore_tlog = a.get_bool("insecure-ignore-tlog");
    if (ignore_tlog)
        std::cerr << "WARNING: Skipping tlog verification is an insecure practice that lacks transparency and "
                     "auditability verification for the blob.\n";
    std::optional<cosign::keyless_policy> keyless;
    std::optional<crypto::public_key> key;
    if (a.get("key").empty()) {
        auto id = identity_flags(a);
        if (!id) return report(id.error().message());
        keyless.emplace();
        keyless->identity = std::move(*id);
        keyless->github_workflow = github_workflow_flags(a);
        keyless->ignore_sct = a.get_bool("insecure-ignore-sct");
    } else {
        auto k = verification_key(a.get("key"));
        if (!k) return report("loading public key: " + k.error().message());
        key = std::move(*k);
    }
    cosign::hash_algorithm h = cosign::hash_algorithm::sha256;
    if (b->message && b->message->digest_algorithm) h = *b->message->digest_algorithm;
    auto digest = artifact_digest(h);
    if (!digest) return report(digest.error().message());
    cosign::bundle::key_verify_options o;
    o.ignore_tlog = ignore_tlog;
    if (!ignore_tlog || keyless || !b->material.rfc3161_timestamps.empty()) {
        auto root = verify_trust_root(a);
        if (!root) return report("error verifying bundle: getting the trust root: " + root.error().message());
        o.log_keys = cosign::tlog::log_keys_from(*root);
        if (!keyless) o.timestamp_authorities = root->timestamp_authorities;  // keyless: the policy's root
        if (keyless) keyless->root = std::move(*root);
    }
    if (keyless) {
        auto ok = cosign::bundle::verify_blob_bundle_keyless<crypto>(*b, *digest, *keyless, o);
        if (!ok) return report("error verifying bundle: " + ok.error().message());
    } else {
        auto ok = cosign::bundle::verify_blob_bundle<crypto>(*b, *digest, *key, o);
        if (!ok) return report("error verifying bundle: " + ok.error().message());
    }
    std::cerr << "Verified OK\n";
    return exit_code::ok;
}

}  // namespace cli
