// SPDX-License-Identifier: Apache-2.0
/// cosign's registry flags (--allow-insecure-registry, --registry-cacert, ...) and the
/// registry client they configure.
#pragma once

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli.hpp"
#include "compose.hpp"

namespace cli {

inline std::vector<flag> registry_flags() {
    return {
        {"allow-insecure-registry", 0, kind::boolean, "", "whether to allow insecure connections to registries (e.g., with expired or self-signed TLS certificates). Don't use this for anything but testing"},
        {"allow-http-registry", 0, kind::boolean, "", "whether to allow using HTTP protocol while connecting to registries. Don't use this for anything but testing"},
        {"registry-cacert", 0, kind::string, "", "path to the X.509 CA certificate file in PEM format to be used for the connection to the registry"},
        {"registry-username", 0, kind::string, "", "registry basic auth username"},
        {"registry-password", 0, kind::string, "", "registry basic auth password"},
        {"registry-token", 0, kind::string, "", "registry bearer auth token"},
        {"registry-client-cert", 0, kind::string, "", "path to the X.509 certificate file in PEM format to be used for the connection to the registry (not supported in this build)", true},
        {"registry-client-key", 0, kind::string, "", "path to the X.509 private key file in PEM format to be used, together with the 'registry-client-cert' value, for the connection to the registry (not supported in this build)", true},
        {"registry-server-name", 0, kind::string, "", "SAN name to use as the 'ServerName' tls.Config field to verify the mTLS connection to the registry (not supported in this build)", true},
        {"k8s-keychain", 0, kind::boolean, "", "whether to use the kubernetes keychain instead of the default keychain (supports workload identity). (Not supported in this build.)", true},
        {"timeout", 't', kind::string, "3m0s", "timeout for commands"},
        {"attachment-tag-prefix", 0, kind::string, "", "optional custom prefix to use for attached image tags. Attachment images are tagged as: `[AttachmentTagPrefix]sha256-[TargetImageDigest].[AttachmentName]`"},
    };
}

inline std::vector<flag> operator+(std::vector<flag> a, const std::vector<flag>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// -t/--timeout: the time the whole command may take (cosign's default is 3m0s).
inline cosign::result<std::chrono::nanoseconds> command_timeout(const args& a) {
    std::string text = a.get("timeout");
    if (text.empty()) text = "3m0s";
    auto d = cosign::parse_go_duration(text);
    if (!d) return cosign::fail(cosign::errc::invalid_argument, "invalid argument \"" + text + "\" for \"-t, --timeout\" flag: " + d.error().message());
    if (d->count() <= 0) return cosign::fail(cosign::errc::invalid_argument, "invalid argument \"" + text + "\" for \"-t, --timeout\" flag: the timeout must be positive");
    return *d;
}

/// Builds the registry client the flags describe; `hosts` get the --registry-username/password.
inline cosign::result<client> make_client(const args& a, const std::vector<std::string>& hosts) {
    for (const char* f : {"registry-client-cert", "registry-client-key", "registry-server-name"})
        if (!a.get(f).empty())
            return cosign::fail(cosign::errc::unsupported, std::string("--") + f + " is not supported in this build");
    if (a.get_bool("k8s-keychain"))
        return cosign::fail(cosign::errc::unsupported, "--k8s-keychain is not supported in this build");
    COSIGN_TRY(auto timeout, command_timeout(a));
    cosign::transport::options topts;
    topts.tls_verify = !a.get_bool("allow-insecure-registry");
    topts.ca_file = a.get("registry-cacert");
    cosign::registry::client_options copts;
    copts.allow_insecure = a.get_bool("allow-insecure-registry") || a.get_bool("allow-http-registry");
    // Every request of the command, token requests and retries included, ends by then; a
    // connection on which nothing moves fails sooner, after topts.stall_timeout.
    copts.deadline = cosign::deadline::after(timeout, "-t/--timeout");
    client c(transport(topts), copts);
    std::string user = a.get("registry-username"), pass = a.get("registry-password"), token = a.get("registry-token");
    if (!user.empty() || !pass.empty() || !token.empty()) {
        for (const auto& h : hosts) {
            cosign::registry::credentials cr;
            cr.username = user;
            cr.password.assign(pass.begin(), pass.end());
            cr.registry_token.assign(token.begin(), token.end());
            c.set_credentials(h, std::move(cr));
        }
        cosign::secure_zero(pass.data(), pass.size());
        cosign::secure_zero(token.data(), token.size());
    }
    return c;
}

/// COSIGN_REPOSITORY, parsed, or nullopt when unset.
inline cosign::result<std::optional<cosign::oci::repository_name>> signature_repository() {
    const char* env = std::getenv("COSIGN_REPOSITORY");
    if (!env || !*env) return std::optional<cosign::oci::repository_name>();
    auto r = cosign::oci::parse_repository(env);
    if (!r) return cosign::error(r.error()).context("COSIGN_REPOSITORY");
    return std::optional<cosign::oci::repository_name>(*r);
}

}  // namespace cli
