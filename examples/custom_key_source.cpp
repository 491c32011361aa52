// SPDX-License-Identifier: Apache-2.0
// custom_key_source: plugs a key source of your own in beside cosign's: here, plain PEM private keys
// kept in a device keystore directory and named `keystore://NAME`.
//
//     custom_key_source keystore://release 'bytes to sign'     (keys in $KEYSTORE_DIR/NAME.pem)
//     custom_key_source cosign.key 'bytes to sign'              (cosign's own key files still work)
//
// A key source is a tiny policy class: signer_type, handles() and load(). Forget one and the
// compiler says which, in one line; tests/compile_fail/custom_key_source_without_load.cpp builds
// this file without load() and checks that line:
//   key source: missing `static result<signer_type> load(std::string_view key_ref, const password_fn& pw)`
#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

using crypto = cosign::crypto::mbedtls;

struct keystore_source {
    using signer_type = cosign::local_signer<crypto>;

    static bool handles(std::string_view key_ref) { return key_ref.substr(0, 11) == "keystore://"; }

#ifndef CUSTOM_KEY_SOURCE_WITHOUT_LOAD
    static cosign::result<signer_type> load(std::string_view key_ref, const cosign::password_fn&) {
        const char* dir = std::getenv("KEYSTORE_DIR");
        std::string path = std::string(dir ? dir : "/etc/keystore") + "/" + std::string(key_ref.substr(11)) + ".pem";
        std::ifstream in(path);
        if (!in) return cosign::fail(cosign::errc::io, "cannot read " + path);
        std::stringstream pem;
        pem << in.rdbuf();
        COSIGN_TRY(auto key, crypto::parse_private_key_pem(pem.str()));
        return signer_type::from_key(std::move(key));
    }
#endif
};
static_assert(cosign::check_key_source<keystore_source>());

// Yours first, then cosign's own (env://, key files); the list picks by reference at run time.
using keys = cosign::key_sources<keystore_source, cosign::default_key_sources<crypto>>;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s KEY_REF PAYLOAD   (e.g. keystore://release)\n", argv[0]);
        return 2;
    }
    auto password = []() -> cosign::result<cosign::secure_bytes> {
        const char* p = std::getenv("COSIGN_PASSWORD");
        if (!p) return cosign::fail(cosign::errc::invalid_argument, "set COSIGN_PASSWORD");
        return cosign::secure_bytes(p, p + std::strlen(p));
    };
    auto signer = keys::load(argv[1], password);
    if (!signer) return std::fprintf(stderr, "key: %s\n", signer.error().message().c_str()), 1;
    auto sig = signer->sign(cosign::byte_view(std::string_view(argv[2])));
    if (!sig) return std::fprintf(stderr, "sign: %s\n", sig.error().message().c_str()), 1;
    std::printf("%s\n", cosign::base64::encode(*sig).c_str());  // as `cosign sign-blob` prints it
    return 0;
}
