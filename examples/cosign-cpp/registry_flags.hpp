// SPDX-License-Identifier: Apache-2.0
/// cosign's registry flags (--allow-insecure-registry, --registry-cacert, ...) and the
/// registry client they configure.
#pragma once

#include <cctype>
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
        {"timeout", 't', kind::string, "", "timeout for each request to the registry, as a Go duration (e.g. 30s, 2m); default 60s for reads and writes, 10s to connect"},
        {"attachment-tag-prefix", 0, kind::string, "", "optional custom prefix to use for attached image tags. Attachment images are tagged as: `[AttachmentTagPrefix]sha256-[TargetImageDigest].[AttachmentName]`"},
    };
}

inline std::vector<flag> operator+(std::vector<flag> a, const std::vector<flag>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// Parses a Go duration ("1h2m3.5s", "500ms", "30s"); false when malformed or not positive.
inline bool parse_go_duration(const std::string& text, std::chrono::milliseconds& out) {
    static const std::pair<const char*, double> units[] = {
        {"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3}, {"ms", 1.0}, {"s", 1e3}, {"m", 60e3}, {"h", 3600e3}};
    double total = 0;
    std::size_t i = 0;
    if (text.empty()) return false;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (i == start) return false;
        double value = std::strtod(text.substr(start, i - start).c_str(), nullptr);
        bool matched = false;
        for (const auto& u : units) {
            std::size_t n = std::strlen(u.first);
            // two-letter units come first in the table, so "ms" is never read as "m"
            if (text.compare(i, n, u.first) == 0) {
                total += value * u.second;
                i += n;
                matched = true;
                break;
            }
        }
        if (!matched) return false;
    }
    if (total < 1) return false;
    out = std::chrono::milliseconds(static_cast<long long>(total));
    return true;
}

// The transports differ in which timeouts they have: set those that exist.
template <class O>
auto set_connect_timeout(O& o, std::chrono::milliseconds t, int) -> decltype(o.connect_timeout = t, void()) {
    o.connect_timeout = t;
}
template <class O>
void set_connect_timeout(O&, std::chrono::milliseconds, long) {}
template <class O>
auto set_write_timeout(O& o, std::chrono::milliseconds t, int) -> decltype(o.write_timeout = t, void()) {
    o.write_timeout = t;
}
template <class O>
void set_write_timeout(O&, std::chrono::milliseconds, long) {}

/// Builds the registry client the flags describe; `hosts` get the --registry-username/password.
inline cosign::result<client> make_client(const args& a, const std::vector<std::string>& hosts) {
    for (const char* f : {"registry-client-cert", "registry-client-key", "registry-server-name"})
        if (!a.get(f).empty())
            return cosign::fail(cosign::errc::unsupported, std::string("--") + f + " is not supported in this build");
    if (a.get_bool("k8s-keychain"))
        return cosign::fail(cosign::errc::unsupported, "--k8s-keychain is not supported in this build");
    transport::options topts;
    topts.tls_verify = !a.get_bool("allow-insecure-registry");
    topts.ca_file = a.get("registry-cacert");
    if (!a.get("timeout").empty()) {
        std::chrono::milliseconds t{};
        if (!parse_go_duration(a.get("timeout"), t))
            return cosign::fail(cosign::errc::invalid_argument,
                                "invalid argument \"" + a.get("timeout") + "\" for \"-t, --timeout\" flag: time: invalid duration");
        topts.read_timeout = t;
        set_connect_timeout(topts, t, 0);
        set_write_timeout(topts, t, 0);
    }
    cosign::registry::client_options copts;
    copts.allow_insecure = a.get_bool("allow-insecure-registry") || a.get_bool("allow-http-registry");
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
