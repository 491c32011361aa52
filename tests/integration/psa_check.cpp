// SPDX-License-Identifier: Apache-2.0
// cosign_psa_check: blob signing and verification through crypto::psa and psa_key_source, for
// tests/integration/test_psa_interop.sh (the real cosign verifies what it signs, and it verifies
// what cosign signs). Built only against mbedTLS 3.6 with its PSA core (-DCOSIGN_MBEDTLS_ROOT).
//
//   cosign_psa_check generate-key-pair PREFIX      PREFIX.key (cosign's format) and PREFIX.pub
//   cosign_psa_check import-key KEYFILE ID         stores a cosign key file's key as persistent key ID
//   cosign_psa_check generate ID                   a new persistent P-256 key ID (never exported)
//   cosign_psa_check public-key KEYREF             prints the key's "PUBLIC KEY" PEM
//   cosign_psa_check sign-blob KEYREF FILE         prints the base64 signature, as cosign sign-blob
//   cosign_psa_check verify-blob PUBFILE SIGFILE FILE   exit 0 verified, 1 rejected, 2 error
//   cosign_psa_check destroy ID                    removes persistent key ID
//
// KEYREF is psa-key:<id>, env://VAR or a cosign key file; key files take COSIGN_PASSWORD. PSA's
// ITS files are in the current directory.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <cosign/core/base64.hpp>
#include <cosign/crypto/psa.hpp>
#include <cosign/keys/cosign_key_file.hpp>
#include <cosign/keys/file_io.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/psa_key_source.hpp>

using namespace cosign;
using P = cosign::crypto::psa;
using keys = key_sources<psa_key_source, default_key_sources<P>>;

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: cosign_psa_check generate-key-pair PREFIX | import-key KEYFILE ID | generate ID |\n"
                 "       public-key KEYREF | sign-blob KEYREF FILE | verify-blob PUBFILE SIGFILE FILE | destroy ID\n");
    return 2;
}

int report(const cosign::error& e) {
    std::fprintf(stderr, "Error: %s\n", e.message().c_str());
    return 2;
}

result<secure_bytes> password() {
    const char* pw = std::getenv("COSIGN_PASSWORD");
    if (!pw) return fail(errc::invalid_argument, "set COSIGN_PASSWORD");
    std::string s(pw);
    return secure_bytes(s.begin(), s.end());
}

result<std::string> read_text(const std::string& path) {
    COSIGN_TRY(auto b, read_file<bytes>(path, 1u << 26));
    return std::string(b.begin(), b.end());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string cmd = argv[1];
    if (cmd == "generate-key-pair" && argc == 3) {
        auto key = P::generate_p256();
        if (!key) return report(key.error());
        auto pw = password();
        if (!pw) return report(pw.error());
        auto pem = cosign_key_file<P>::encrypt(*key, *pw);
        if (!pem) return report(pem.error());
        auto pub = P::public_key_of(*key);
        if (!pub) return report(pub.error());
        const std::string prefix = argv[2];
        auto w1 = write_file_0600(prefix + ".key", *pem);
        if (!w1) return report(w1.error());
        auto w2 = write_file_0600(prefix + ".pub", P::public_key_pem(*pub));
        if (!w2) return report(w2.error());
        return 0;
    }
    if (cmd == "import-key" && argc == 4) {
        auto text = read_text(argv[2]);
        if (!text) return report(text.error());
        auto pw = password();
        if (!pw) return report(pw.error());
        auto key = cosign_key_file<P>::decrypt(*text, *pw);
        if (!key) return report(key.error());
        auto id = psa_key_source::parse_id(argv[3]);
        if (!id) return report(id.error());
        auto r = P::store_persistent_key(*id, *key);
        if (!r) return report(r.error());
        return 0;
    }
    if ((cmd == "generate" || cmd == "destroy") && argc == 3) {
        auto id = psa_key_source::parse_id(argv[2]);
        if (!id) return report(id.error());
        auto r = cmd == "generate" ? P::generate_persistent_p256(*id) : P::destroy_persistent_key(*id);
        if (!r) return report(r.error());
        return 0;
    }
    if (cmd == "public-key" && argc == 3) {
        auto s = keys::load(argv[2], password);
        if (!s) return report(s.error());
        std::fputs(s->public_key_pem().c_str(), stdout);
        return 0;
    }
    if (cmd == "sign-blob" && argc == 4) {
        auto s = keys::load(argv[2], password);
        if (!s) return report(s.error());
        auto blob = read_file<bytes>(argv[3], 1u << 26);
        if (!blob) return report(blob.error());
        auto sig = s->sign(*blob);
        if (!sig) return report(sig.error());
        std::printf("%s\n", base64::encode(*sig).c_str());
        return 0;
    }
    if (cmd == "verify-blob" && argc == 5) {
        auto pem = read_text(argv[2]);
        if (!pem) return report(pem.error());
        auto pub = P::parse_public_key(*pem);
        if (!pub) return report(pub.error());
        auto sig_text = read_text(argv[3]);
        if (!sig_text) return report(sig_text.error());
        std::string b64 = *sig_text;
        while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
        auto sig = base64::decode(b64);
        if (!sig) return report(sig.error());
        auto blob = read_file<bytes>(argv[4], 1u << 26);
        if (!blob) return report(blob.error());
        auto ok = P::verify(*pub, *blob, *sig);
        if (!ok) {
            std::fprintf(stderr, "Error: %s\n", ok.error().message().c_str());
            return ok.error().code() == errc::verification_failed ? 1 : 2;
        }
        std::printf("Verified OK\n");
        return 0;
    }
    return usage();
}
