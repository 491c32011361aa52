// SPDX-License-Identifier: Apache-2.0
// The small signer every consumer project builds: signs an image in an in-memory registry with a
// fresh key and verifies it, as a program that took cosign-cpp through CMake or pkg-config would.
#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/testing/fake_registry.hpp>

#include <cstdio>

using crypto = cosign::crypto::mbedtls;
using transport = cosign::transport::fake_transport;

int main() {
    transport registry;  // an in-memory OCI registry: no network needed
    registry.put_manifest("registry.test", "demo", "1.0",
                          R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                          R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,)"
                          R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]})",
                          "application/vnd.oci.image.manifest.v1+json");
    cosign::registry::basic_client<transport> client(registry);

    auto key = crypto::generate_p256();
    if (!key) return std::fprintf(stderr, "%s\n", key.error().message().c_str()), 1;
    auto signer_key = cosign::local_signer<crypto>::from_key(std::move(*key));
    if (!signer_key) return std::fprintf(stderr, "%s\n", signer_key.error().message().c_str()), 1;
    auto image = cosign::oci::reference::parse("registry.test/demo:1.0");

    cosign::basic_signer<crypto, transport, cosign::file_key_source<crypto>> signer(client);
    auto signed_images = signer.sign(*image, *signer_key, {});
    if (!signed_images) return std::fprintf(stderr, "sign: %s\n", signed_images.error().message().c_str()), 1;

    auto pub = crypto::parse_public_key(signer_key->public_key_pem());
    cosign::basic_verifier<crypto, transport> verifier(client);
    auto checked = pub ? verifier.verify(*image, *pub) : cosign::result<cosign::verification>(pub.error());
    if (!checked) return std::fprintf(stderr, "verify: %s\n", checked.error().message().c_str()), 1;
    std::printf("cosign-cpp %s: signed and verified %s (%s)\n", cosign::version_string, image->original.c_str(),
                checked->image_digest.str().c_str());
    return 0;
}
