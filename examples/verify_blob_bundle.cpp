// SPDX-License-Identifier: Apache-2.0
// verify_blob_bundle: checks a firmware file against its Sigstore bundle at boot, as
// `cosign verify-blob --key K --bundle F` does (cosign 3), entirely offline.
//
//     verify_blob_bundle cosign.pub firmware.bin.sigstore.json trusted_root.json firmware.bin
//
// A verify-only composition over mbedTLS: no transport, no registry, no key source. The bundle
// (v0.1-v0.3) is parsed, the file's digest checked against it, the signature verified with the
// key, and each Rekor entry checked with the trust root's log keys (SET, inclusion proof and
// checkpoint, body against the signature and the file).
#include <cosign/bundle/bundle.hpp>
#include <cosign/bundle/verify.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/file_io.hpp>
#include <cosign/keys/public_key.hpp>
#include <cosign/trust/trusted_root_json.hpp>

#include <cstdio>

using crypto = cosign::crypto::mbedtls;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s PUBLIC_KEY BUNDLE TRUSTED_ROOT_JSON FILE\n", argv[0]);
        return 2;
    }
    auto key = cosign::load_public_key<crypto>(argv[1]);
    if (!key) return std::fprintf(stderr, "key: %s\n", key.error().message().c_str()), 2;
    auto bundle_text = cosign::read_file<cosign::bytes>(argv[2], 4u << 20);
    if (!bundle_text) return std::fprintf(stderr, "bundle: %s\n", bundle_text.error().message().c_str()), 2;
    auto b = cosign::bundle::parse_bundle(cosign::byte_view(*bundle_text).as_chars());
    if (!b) return std::fprintf(stderr, "bundle: %s\n", b.error().message().c_str()), 2;
    auto root_text = cosign::read_file<cosign::bytes>(argv[3], 4u << 20);
    if (!root_text) return std::fprintf(stderr, "trusted root: %s\n", root_text.error().message().c_str()), 2;
    auto root = cosign::trust::parse_trusted_root(cosign::byte_view(*root_text).as_chars());
    if (!root) return std::fprintf(stderr, "trusted root: %s\n", root.error().message().c_str()), 2;

    // The file is digested with the bundle's algorithm (streamed: memory does not grow with it).
    cosign::hash_algorithm h = cosign::hash_algorithm::sha256;
    if (b->message && b->message->digest_algorithm) h = *b->message->digest_algorithm;
    auto digest = cosign::digest_blob_file(argv[4], h);
    if (!digest) return std::fprintf(stderr, "file: %s\n", digest.error().message().c_str()), 2;

    cosign::bundle::key_verify_options opts;
    opts.log_keys = cosign::tlog::log_keys_from(*root);
    auto checked = cosign::bundle::verify_blob_bundle<crypto>(*b, *digest, *key, opts);
    if (!checked) return std::fprintf(stderr, "REJECTED: %s\n", checked.error().message().c_str()), 1;
    std::printf("Verified OK: %s (%zu log entries)\n", argv[4], checked->tlog_entries_verified);
    return 0;
}
