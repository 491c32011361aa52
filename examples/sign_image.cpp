// SPDX-License-Identifier: Apache-2.0
// sign_image: signs a container image with a cosign key file, as `cosign sign --key` does.
//
//     COSIGN_PASSWORD=... sign_image cosign.key registry.example.com/app:1.0
//
// cosign::signer is the usual composition (cosign/defaults.hpp): mbedTLS crypto, cpp-httplib
// transport, cosign key files and env:// keys. Link cosign::mbedtls and cosign::httplib.
#include <cosign/cosign.hpp>
#include <cosign/defaults.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s KEY IMAGE   (the key's password in COSIGN_PASSWORD)\n", argv[0]);
        return 2;
    }
    // Asked for only when the key is encrypted (cosign's keys always are).
    auto password = []() -> cosign::result<cosign::secure_bytes> {
        const char* p = std::getenv("COSIGN_PASSWORD");
        if (!p) return cosign::fail(cosign::errc::invalid_argument, "set COSIGN_PASSWORD");
        return cosign::secure_bytes(p, p + std::strlen(p));
    };
    auto key = cosign::signer::load_key(argv[1], password);
    if (!key) return std::fprintf(stderr, "key: %s\n", key.error().message().c_str()), 1;
    auto image = cosign::oci::reference::parse(argv[2]);
    if (!image) return std::fprintf(stderr, "image: %s\n", image.error().message().c_str()), 1;

    cosign::registry_client registry;  // credentials from ~/.docker/config.json, if any
    cosign::signer signer(registry);
    auto done = signer.sign(*image, *key, {});
    if (!done) return std::fprintf(stderr, "signing: %s\n", done.error().message().c_str()), 1;
    for (const auto& s : *done) std::printf("Pushed signature to: %s:%s\n", s.repository.c_str(), s.tag.c_str());
    return 0;
}
