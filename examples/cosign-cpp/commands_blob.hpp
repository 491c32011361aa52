// SPDX-License-Identifier: Apache-2.0
/// cosign's blob commands with a key: sign-blob and verify-blob.
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "blob_bundle.hpp"
#include "cli.hpp"
#include "commands_image.hpp"
#include "compose.hpp"
#include "password.hpp"

namespace cli {

/// The blob to sign or verify: a file, or standard input for "-".
inline cosign::result<cosign::bytes> read_blob(const std::string& path) {
    if (path == "-") {
        auto in = read_all_stdin();
        return cosign::bytes(in.begin(), in.end());
    }
    return cosign::read_file<cosign::bytes>(path, std::size_t(1) << 31);
}

inline int cmd_sign_blob(const std::vector<std::string>& argv) {
    std::vector<flag> spec = {
        {"key", 0, kind::string, "", "path to the private key file, or env://VAR"},
        {"output-signature", 0, kind::string, "", "write the signature to FILE"},
        {"yes", 'y', kind::boolean, "", "skip confirmation prompts for non-destructive operations"},
        {"tlog-upload", 0, kind::boolean, "false", "whether to upload to the tlog (not supported in this build: false)"},
        {"new-bundle-format", 0, kind::boolean, "false", "output bundle in new format (not supported in this build)"},
        {"use-signing-config", 0, kind::boolean, "false", "use a signing config (not supported in this build)"},
    };
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1) return report("sign-blob requires exactly one file (or - for standard input)");
    if (a.get("key").empty()) return report("keyless signing is not supported in this build: pass --key");
    if (auto e = check_tlog_upload(a); !e.empty()) return report(e);
    const std::string& path = a.positional[0];
    auto blob = read_blob(path);
    if (!blob) return report(blob.error().message());
    auto key = signer::load_key(a.get("key"), [] { return read_password(false); });
    if (!key) return report("signing " + path + ": getting signer: reading key: " + key.error().message());
    std::cerr << "Using payload from: " << path << "\n";
    auto sig = key->sign(*blob);
    if (!sig) return report(sig.error().message());
    std::string b64 = cosign::base64::encode(*sig);
    if (!a.get("output-signature").empty()) {
        auto w = cosign::write_file_0600(a.get("output-signature"), b64);
        if (!w) return report(w.error().message());
        std::cerr << "Signature wrote in the file " << a.get("output-signature") << "\n";
    } else {
        std::cout << b64 << "\n" << std::flush;
    }
    return exit_code::ok;
}

inline int cmd_verify_blob(const std::vector<std::string>& argv) {
    std::vector<flag> spec = {
        {"key", 0, kind::string, "", "path to the public key file, or env://VAR"},
        {"signature", 0, kind::string, "", "signature content or path"},
        {"insecure-ignore-tlog", 0, kind::boolean, "", "ignore transparency log verification"},
        {"offline", 0, kind::boolean, "", "only allow offline verification"},
        {"bundle", 0, kind::string, "", "path to bundle FILE"},
        rekor_url_flag(),
        {"trusted-root", 0, kind::string, "", "Path to a Sigstore TrustedRoot JSON file"},
    };
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.positional.size() != 1) return report("verify-blob requires exactly one file (or - for standard input)");
    if (a.get("key").empty()) return report("keyless verification is not supported in this build: pass --key");
    std::optional<legacy_bundle> bundle;
    if (!a.get("bundle").empty()) {
        auto b = read_legacy_bundle(a.get("bundle"));
        if (!b) return report(b.error().message());
        bundle = std::move(*b);
    }
    if (a.get("signature").empty() && (!bundle || bundle->signature_b64.empty()))
        return report("--signature is required (or --bundle with a base64Signature)");
    const bool ignore_tlog = a.get_bool("insecure-ignore-tlog");
    if (ignore_tlog)
        std::cerr << "WARNING: Skipping tlog verification is an insecure practice that lacks transparency and "
                     "auditability verification for the blob.\n";
    auto key = cosign::load_public_key<crypto>(a.get("key"));
    if (!key) return report("loading public key: " + key.error().message());
    std::string sig_text = a.get("signature").empty() ? bundle->signature_b64 : a.get("signature");
    if (auto f = cosign::read_file<cosign::bytes>(sig_text, 1 << 20)) sig_text = cosign::byte_view(*f).to_string();
    while (!sig_text.empty() && (sig_text.back() == '\n' || sig_text.back() == '\r')) sig_text.pop_back();
    auto sig = cosign::base64::decode(sig_text);
    if (!sig) return report("decoding signature: " + sig.error().message());
    auto blob = read_blob(a.positional[0]);
    if (!blob) return report(blob.error().message());
    if (!ignore_tlog) {
        auto logged = check_blob_tlog(a, bundle, sig_text, cosign::sha256(cosign::byte_view(*blob)).hex(),
                                      crypto::public_key_pem(*key));
        if (!logged) return report(logged.error().message());
    }
    auto ok = crypto::verify(*key, *blob, *sig);
    if (!ok) {
        if (ok.error().code() == cosign::errc::verification_failed)
            return report("invalid signature when validating ASN.1 encoded signature");
        return report(ok.error().message());
    }
    std::cerr << "Verified OK\n";
    return exit_code::ok;
}

}  // namespace cli
