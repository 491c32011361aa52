// SPDX-License-Identifier: Apache-2.0
/// cosign's key commands: generate-key-pair, public-key, import-key-pair.
#pragma once

#include <sys/stat.h>

#include <ctime>
#include <iostream>
#include <string>

#include "cli.hpp"
#include "compose.hpp"
#include "password.hpp"

namespace cli {

inline bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

/// Writes <prefix>.key (0600) and <prefix>.pub (0644), asking before overwriting, as cosign does.
inline int write_key_pair(const crypto::private_key& key, const cosign::secure_bytes& password,
                          const std::string& prefix, bool yes) {
    std::string key_path = prefix + ".key", pub_path = prefix + ".pub";
    auto encrypted = cosign::cosign_key_file<crypto>::encrypt(key, password);
    if (!encrypted) return report(encrypted.error().message());
    auto pub = crypto::public_key_of(key);
    if (!pub) return report(pub.error().message());
    if (file_exists(key_path)) {
        std::cerr << "WARNING: File " << key_path << " already exists. Overwrite?\n";
        if (!confirm_continue(yes)) return report("user declined the prompt");
    }
    if (auto w = cosign::write_file_0600(key_path, *encrypted); !w) return report(w.error().message());
    std::cerr << "Private key written to " << key_path << "\n";
    if (auto w = cosign::write_file_0600(pub_path, crypto::public_key_pem(*pub)); !w) return report(w.error().message());
    ::chmod(pub_path.c_str(), 0644);
    std::cerr << "Public key written to " << pub_path << "\n";
    return exit_code::ok;
}

/// generate-key-pair's flags: cosign's, with cosign's descriptions.
inline std::vector<flag> generate_key_pair_flags() {
    return {
        {"output-key-prefix", 0, kind::string, "cosign", "name used for generated .pub and .key files (defaults to `cosign`)"},
#if defined(COSIGN_CLI_NO_KMS)
        {"kms", 0, kind::string, "", "create key pair in KMS service to use for signing (not supported in this build)", true},
#else
        {"kms", 0, kind::string, "", "create key pair in KMS service to use for signing (this build: awskms:// aliases, gcpkms://, hashivault://, openbao:// and azurekms://)"},
#endif
        {"yes", 'y', kind::boolean, "", "skip confirmation prompts for overwriting an existing key (a cosign-cpp addition)"},
    };
}

#if !defined(COSIGN_CLI_NO_KMS)
/// `generate-key-pair k8s://NS/NAME`, as cosign: the key pair and its password in a Secret, the
/// public key in cosign.pub.
inline int generate_k8s_key_pair(const std::string& target) {
    auto ref = cosign::k8s_reference::parse(target);
    if (!ref) return report(ref.error().message());
    auto password = read_password(true);
    if (!password) return report(password.error().message());
    auto config = cosign::k8s_config::from_env();
    if (!config) return report("new for config: " + config.error().message());
    transport t(config->tls);
    cosign::k8s_client<transport> k8s(std::move(*config), std::move(t));
    auto pem = cosign::k8s_generate_key_pair<crypto, transport>(*ref, k8s, *password);
    if (!pem) return report(pem.error().message());
    std::cerr << "Successfully created secret " << ref->name << " in namespace " << ref->ns << "\n";
    if (auto w = cosign::write_file_0600("cosign.pub", *pem); !w) return report(w.error().message());
    std::cerr << "Public key written to cosign.pub\n";
    return exit_code::ok;
}

/// A line as Go's log package prints it (local time, "2006/01/02 15:04:05 "), for the lines
/// cosign's gcp client logs while it creates a key.
inline void go_log_line(const std::string& text) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S ", &tm);
    std::cerr << stamp << text << "\n";
}

/// `generate-key-pair --kms URI`: the key made in the service (or found there, for awskms:// and
/// gcpkms://, as cosign), its public key in <prefix>.pub.
inline int generate_kms_key(const std::string& uri, const std::string& prefix) {
    cosign::result<std::string> pem = cosign::fail(cosign::errc::unsupported, "");
    if (cosign::hashivault_key_source<crypto, transport>::handles(uri)) {
        pem = cosign::hashivault_key_source<crypto, transport>::create(uri);
    } else if (cosign::azurekms_key_source<crypto, transport>::handles(uri)) {
        pem = cosign::azurekms_key_source<crypto, transport>::create(uri);
    } else if (cosign::aws_kms_key_source<crypto, transport>::handles(uri) ||
               cosign::gcp_kms_key_source<crypto, transport>::handles(uri)) {
        const bool gcp = cosign::gcp_kms_key_source<crypto, transport>::handles(uri);
        auto made = gcp ? cosign::gcp_kms_key_source<crypto, transport>::create(uri)
                        : cosign::aws_kms_key_source<crypto, transport>::create(uri);
        if (!made) return report("creating key: " + made.error().message());
        if (gcp)
            go_log_line(made->key_ring_created
                            ? "Created key ring " + made->key_ring + " in GCP KMS."
                            : "Key ring " + made->key_ring + " already exists in GCP KMS, moving on to creating key.");
        pem = std::move(made->public_key_pem);
    } else {
        return report("--kms: " + uri.substr(0, uri.find("://")) + " keys are not supported in this build");
    }
    if (!pem) return report("creating key: " + pem.error().message());
    const std::string path = prefix + ".pub";
    if (auto w = cosign::write_file_0600(path, *pem); !w) return report(w.error().message());
    std::cerr << "Public key written to " << path << "\n";
    return exit_code::ok;
}
#endif

inline int cmd_generate_key_pair(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = generate_key_pair_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
#if !defined(COSIGN_CLI_NO_KMS)
    if (!a.get("kms").empty()) return generate_kms_key(a.get("kms"), a.get("output-key-prefix"));
    if (!a.positional.empty()) {
        const std::string& target = a.positional.front();
        std::size_t sep = target.find("://");
        if (sep == std::string::npos) return report("could not parse scheme, use <scheme>://<ref> format");
        if (target.compare(0, sep, "k8s") == 0) return generate_k8s_key_pair(target);
        return report("generate-key-pair " + target.substr(0, sep) +
                      "://: only k8s:// destinations are supported in this build");
    }
#else
    if (!a.positional.empty())
        return report("generate-key-pair takes no arguments; "
                      "k8s://, gitlab:// and github:// destinations are not supported in this build");
    if (!a.get("kms").empty()) {
        std::string k = a.get("kms");
        return report("--kms: " + k.substr(0, k.find("://")) + " keys are not supported in this build");
    }
#endif
    auto password = read_password(true);
    if (!password) return report(password.error().message());
    auto key = crypto::generate_p256();
    if (!key) return report(key.error().message());
    return write_key_pair(*key, *password, a.get("output-key-prefix"), a.get_bool("yes"));
}

/// public-key's flags. --outfile says what it does: cosign 2.5's text for it is a copy of --payload's.
inline std::vector<flag> public_key_flags() {
    return {
        {"key", 0, kind::string, "", "path to the private key file, KMS URI or Kubernetes Secret (this build: a key file, env://VAR, pkcs11:, awskms://, gcpkms://, hashivault://, azurekms:// or k8s://)"},
        {"outfile", 0, kind::string, "", "file to write the public key to (default: standard output)"},
    };
}

inline int cmd_public_key(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = public_key_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (a.get("key").empty()) return report("--key is required (a cosign private key file, env://VAR or a KMS/PKCS#11 URI)");
    auto key = keys::load(a.get("key"), [] { return read_password(false); });
    if (!key) return report(key.error().message());
    std::string pem = key->public_key_pem();
    if (!a.get("outfile").empty()) {
        auto w = cosign::write_file_0600(a.get("outfile"), pem);
        if (!w) return report(w.error().message());
        ::chmod(a.get("outfile").c_str(), 0644);
        return exit_code::ok;
    }
    std::cout << pem << std::flush;
    return exit_code::ok;
}

/// cosign's import rules: RSA 2048/3072/4096, ECDSA P-256/P-384/P-521, Ed25519.
inline std::string import_refusal(const cosign::key_info& info) {
    using cosign::key_type;
    switch (info.type) {
        case key_type::rsa:
            if (info.bits == 2048 || info.bits == 3072 || info.bits == 4096) return "";
            return "error validating rsa key: rsa key size " + std::to_string(info.bits) +
                   " is not supported, modulus size must be 2048, 3072, or 4096";
        case key_type::ecdsa:
            if (info.curve == "P-256" || info.curve == "P-384" || info.curve == "P-521") return "";
            return "error validating ecdsa key: ecdsa curve " + (info.curve.empty() ? std::string("(unknown)") : info.curve) +
                   " is not supported, must be NIST P-256, P-384 or P-521";
        case key_type::ed25519: return "";
        case key_type::other: break;
    }
    return "unsupported private key type";
}

/// import-key-pair's flags: cosign's, with cosign's descriptions.
inline std::vector<flag> import_key_pair_flags() {
    return {
        {"key", 'k', kind::string, "", "import key pair to use for signing"},
        {"output-key-prefix", 'o', kind::string, "import-cosign", "name used for outputted key pairs"},
        {"yes", 'y', kind::boolean, "", "skip confirmation prompts for overwriting existing key"},
    };
}

inline int cmd_import_key_pair(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = import_key_pair_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    std::string path = a.get("key");
    if (path.empty()) return report("--key is required: the PEM private key to import");
    auto text = cosign::read_file<cosign::secure_bytes>(path, 1 << 20);
    if (!text) return report(text.error().message());
    auto key = crypto::parse_private_key_pem(cosign::byte_view(*text).as_chars());
    if (!key) return report(key.error().message());
    if (auto why = import_refusal(crypto::describe(*key)); !why.empty()) return report(why);
    auto password = read_password(true);
    if (!password) return report(password.error().message());
    return write_key_pair(*key, *password, a.get("output-key-prefix"), a.get_bool("yes"));
}

}  // namespace cli
