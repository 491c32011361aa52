// SPDX-License-Identifier: Apache-2.0
// cosign_rekor_check: drives the library's Rekor client and checks over cpp-httplib, for
// tests/integration/test_rekor_client.sh against the local Sigstore mock (no CLI wiring yet).
//
//   cosign_rekor_check upload   --rekor-url URL --rekor-pub PEM --payload F --signature F --public-key PEM
//       the signer's step: upload (201, or 409 + fetch), check the answer, print the
//       dev.sigstore.cosign/bundle annotation on stdout and "requests=N" on stderr
//   cosign_rekor_check verify   --rekor-pub PEM --annotation F --payload F --signature F --public-key PEM
//       the verifier's offline check of a layer with a bundle annotation
//   cosign_rekor_check lookup   --rekor-url URL --rekor-pub PEM --payload F --signature F --public-key PEM
//       the verifier's online check of a layer without one; prints the entry's annotation
// --signature names a file holding the base64 signature, as the layer annotation has it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <cosign/crypto/mbedtls.hpp>
#include <cosign/tlog/bundle_annotation.hpp>
#include <cosign/tlog/log_step.hpp>
#include <cosign/tlog/rekor_client.hpp>
#include <cosign/tlog/set.hpp>
#include <cosign/transport/httplib.hpp>

using namespace cosign;
using crypto_policy = crypto::mbedtls;
using transport_policy = transport::httplib_transport;

namespace {

bool slurp(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

int fail_with(const std::string& what) {
    std::cerr << "cosign_rekor_check: " << what << "\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return fail_with("usage: cosign_rekor_check upload|verify|lookup --flag value ...");
    std::string mode = argv[1];
    std::map<std::string, std::string> flags;
    for (int i = 2; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
    auto need = [&](const char* name, std::string& out) {
        auto it = flags.find(name);
        if (it == flags.end()) return false;
        out = it->second;
        return true;
    };
    std::string pub_path, payload_path, sig_path, key_path;
    if (!need("--rekor-pub", pub_path) || !need("--payload", payload_path) || !need("--signature", sig_path) ||
        !need("--public-key", key_path))
        return fail_with("--rekor-pub, --payload, --signature and --public-key are required");
    std::string rekor_pub, payload, sig_b64, key_pem;
    if (!slurp(pub_path, rekor_pub) || !slurp(payload_path, payload) || !slurp(sig_path, sig_b64) ||
        !slurp(key_path, key_pem))
        return fail_with("cannot read one of the input files");
    while (!sig_b64.empty() && (sig_b64.back() == '\n' || sig_b64.back() == '\r')) sig_b64.pop_back();
    auto key = tlog::log_key::from_pem(rekor_pub);
    if (!key) return fail_with("--rekor-pub: " + key.error().message());
    tlog::log_keys trusted{*key};
    tlog::signed_layer layer{sig_b64, payload, key_pem};

    if (mode == "verify") {
        std::string annotation_path, annotation;
        if (!need("--annotation", annotation_path) || !slurp(annotation_path, annotation))
            return fail_with("--annotation FILE is required");
        auto b = tlog::parse_annotation(annotation);
        if (!b) return fail_with(b.error().message());
        auto ok = tlog::verify_bundle<crypto_policy>(*b, layer, trusted, tlog::unix_now());
        if (!ok) return fail_with(ok.error().message());
        std::cout << "verified: SET, body and time of Rekor entry " << b->log_index << "\n";
        return 0;
    }

    std::string url;
    if (!need("--rekor-url", url)) return fail_with("--rekor-url is required");
    tlog::rekor_options opts;
    opts.url = url;
    tlog::basic_rekor_client<transport_policy> client(transport_policy{}, opts);
    if (mode == "upload") {
        tlog::rekor_upload_step<crypto_policy, transport_policy> step(std::move(client), trusted);
        auto rec = step.log(sig_b64, payload, key_pem);
        std::cerr << "requests=" << step.client().request_count() << "\n";
        if (!rec) return fail_with(rec.error().message());
        std::cout << (*rec)->annotation;
        return 0;
    }
    if (mode == "lookup") {
        auto e = tlog::find_verified_entry<crypto_policy>(client, layer, trusted, tlog::unix_now());
        std::cerr << "requests=" << client.request_count() << "\n";
        if (!e) return fail_with(e.error().message());
        std::cout << tlog::to_annotation(tlog::rekor_bundle::from_entry(*e));
        return 0;
    }
    return fail_with("unknown mode " + mode);
}
