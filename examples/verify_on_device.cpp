// SPDX-License-Identifier: Apache-2.0
// verify_on_device: checks an image's cosign signature on an edge device, as
// `cosign verify --key` does.
//
//     verify_on_device cosign.pub registry.example.com/app@sha256:... [trusted_root.json]
//
// A verify-only composition: mbedTLS for the signature and for TLS, no key source (so no
// private-key, scrypt or key-file code), no cpp-httplib (so no HTTP server code, no OpenSSL).
// Link cosign::mbedtls only; it links fully statically (cmake -DCOSIGN_STATIC=ON).
// With a trusted_root.json, each signature must also carry a transparency-log bundle whose SET
// verifies with the root's Rekor key (checked offline: no Rekor client is composed or linked).
// Built with COSIGN_EXAMPLE_PSA_CRYPTO (verify_on_device_psa, against mbedTLS 3.6), the signature
// is checked through the PSA Crypto API (crypto::psa) instead; TLS stays mbedTLS's.
#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/transport/mbedtls.hpp>
#include <cosign/trust/trusted_root_json.hpp>
#if defined(COSIGN_EXAMPLE_PSA_CRYPTO)
#include <cosign/crypto/psa.hpp>
#endif

#include <cstdio>

#if defined(COSIGN_EXAMPLE_PSA_CRYPTO)
using crypto = cosign::crypto::psa;
#else
using crypto = cosign::crypto::mbedtls;
#endif
using transport = cosign::transport::mbedtls_transport;
using verifier = cosign::basic_verifier<crypto, transport>;

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: %s PUBLIC_KEY IMAGE [TRUSTED_ROOT_JSON]\n", argv[0]);
        return 2;
    }
    auto key = cosign::load_public_key<crypto>(argv[1]);
    if (!key) return std::fprintf(stderr, "key: %s\n", key.error().message().c_str()), 2;
    auto image = cosign::oci::reference::parse(argv[2]);
    if (!image) return std::fprintf(stderr, "image: %s\n", image.error().message().c_str()), 2;

    cosign::verify_options opts;
    if (argc == 4) {
        auto text = cosign::read_file<cosign::bytes>(argv[3], 4u << 20);
        if (!text) return std::fprintf(stderr, "trusted root: %s\n", text.error().message().c_str()), 2;
        auto root = cosign::trust::parse_trusted_root(cosign::byte_view(*text).as_chars());
        if (!root) return std::fprintf(stderr, "trusted root: %s\n", root.error().message().c_str()), 2;
        opts.tlog_keys = cosign::tlog::log_keys_from(*root);
        opts.offline = true;
    }

    cosign::registry::basic_client<transport> registry;
    verifier v(registry);
    auto checked = v.verify(*image, *key, opts);
    if (!checked) {
        // "Does not verify" (exit 1) is not "could not ask the registry" (exit 2).
        auto code = checked.error().code();
        bool rejected = code == cosign::errc::verification_failed || code == cosign::errc::no_signatures;
        std::fprintf(stderr, "%s: %s\n", rejected ? "REJECTED" : "error", checked.error().message().c_str());
        return rejected ? 1 : 2;
    }
    std::printf("Verified %s (%s): %zu valid signature(s)\n", argv[2], checked->image_digest.str().c_str(),
                checked->signatures.size());
    return 0;
}
