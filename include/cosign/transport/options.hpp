// SPDX-License-Identifier: Apache-2.0
/// transport::options, shared by every transport policy, and where trusted CA certificates are found.
///
///     cosign::transport::options o;
///     o.ca_file = "registry-ca.pem";
///     o.stall_timeout = std::chrono::seconds(10);
///     cosign::transport::httplib_transport t(o);     // or mbedtls_transport t(o);
///
/// How long a request may take is bounded twice: by the stall timeout (no byte sent or received
/// for that long fails the request on its own) and by the request's deadline (request::deadline,
/// the end of the whole operation), whichever comes first.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__unix__) || defined(__APPLE__)
#include <dirent.h>
#endif

#include "../core/config.hpp"
#include "../core/duration.hpp"

namespace cosign {
inline namespace v0 {
namespace transport {

namespace detail {
/// A duration from the environment, as a Go duration ("30s", "500ms", "2m") or a bare number of
/// seconds; `fallback` when the variable is unset, malformed or not positive.
inline std::chrono::milliseconds env_duration(const char* name, std::chrono::milliseconds fallback) {
    const char* e = std::getenv(name);
    if (!e || !*e) return fallback;
    std::string v(e);
    if (v.size() <= 9 && v.find_first_not_of("0123456789") == std::string::npos) v += "s";
    auto d = parse_go_duration(v);
    if (!d || d->count() <= 0) return fallback;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*d);
    return ms;
}
}  // namespace detail

/// What every transport policy is configured with. A transport ignores what it has no use for
/// (mbedtls_transport opens one connection per exchange: keep_alive does not apply).
struct options {
    /// Verify server certificates and host names.
    bool tls_verify = true;
    /// PEM bundle of trusted CAs; "" means $SSL_CERT_FILE, else the system bundle.
    std::string ca_file;
    /// Directory of CA certificates; "" means $SSL_CERT_DIR, else none.
    std::string ca_dir;
    /// The longest wait for a TCP connection. Default 10 s, or $COSIGN_CPP_HTTP_TIMEOUT.
    std::chrono::milliseconds connect_timeout{
        detail::env_duration("COSIGN_CPP_HTTP_TIMEOUT", std::chrono::seconds(10))};
    /// A connection on which no byte moves, either way, for this long fails the request (a stalled
    /// registry). Default 30 s, or $COSIGN_CPP_HTTP_TIMEOUT ("30s", "500ms", "2m").
    std::chrono::milliseconds stall_timeout{
        detail::env_duration("COSIGN_CPP_HTTP_TIMEOUT", std::chrono::seconds(30))};
    /// User-Agent of requests that do not set one.
    std::string user_agent = std::string("cosign-cpp/") + COSIGN_VERSION_STRING;
    /// Keep connections open between requests.
    bool keep_alive = true;
    /// Redirects followed per request at most.
    unsigned max_redirects = 10;
    /// Extra attempts of an idempotent request after 408, 429, 5xx or a lost connection.
    unsigned max_retries = 3;
    /// The first wait before a retry; doubled per attempt; Retry-After (seconds) replaces it.
    std::chrono::milliseconds initial_backoff{std::chrono::milliseconds(250)};
    /// One wait at most.
    std::chrono::milliseconds max_backoff{std::chrono::seconds(8)};
    /// All waits of one request together at most (the request's deadline bounds them too).
    std::chrono::milliseconds max_retry_time{std::chrono::seconds(20)};
};

namespace detail {

/// True when path names a file that can be opened for reading.
inline bool readable_file(const std::string& path) {
    if (path.empty()) return false;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    std::fclose(f);
    return true;
}

/// True when dir holds OpenSSL hash links (`1234abcd.0`), as Debian's /etc/ssl/certs does.
inline bool has_hashed_certs(const char* dir) {
#if defined(__unix__) || defined(__APPLE__)
    DIR* d = opendir(dir);
    if (!d) return false;
    bool found = false;
    while (!found) {
        const dirent* e = readdir(d);
        if (!e) break;
        const char* n = e->d_name;
        if (std::strlen(n) != 10 || n[8] != '.' || n[9] != '0') continue;
        found = true;
        for (int i = 0; i < 8; ++i)
            if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f'))) found = false;
    }
    closedir(d);
    return found;
#else
    (void)dir;
    return false;
#endif
}

/// Where trusted CA certificates are: a PEM bundle, a directory, or both; both empty means
/// "the TLS library's defaults".
struct ca_locations {
    std::string file;
    std::string dir;
};

/// The system's CA bundles, most common first (Debian/Ubuntu, Fedora/RHEL, Alpine/macOS).
inline constexpr const char* system_ca_bundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                                    "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"};

/// The one CA discovery of every transport: options, then $SSL_CERT_FILE / $SSL_CERT_DIR, then
/// the system. `lazy_dir` says the TLS library looks a hashed directory up per issuer (OpenSSL):
/// then /etc/ssl/certs is preferred to the bundle, whose parsing costs ~20 ms on every run.
/// mbedTLS parses a directory whole, so it gets the bundle.
inline ca_locations find_ca_locations(const options& o, bool lazy_dir) {
    ca_locations out{o.ca_file, o.ca_dir};
    if (out.file.empty())
        if (const char* e = std::getenv("SSL_CERT_FILE"); e && *e) out.file = e;
    if (out.dir.empty())
        if (const char* e = std::getenv("SSL_CERT_DIR"); e && *e) out.dir = e;
    if (!out.file.empty() || !out.dir.empty()) return out;
    if (lazy_dir && has_hashed_certs("/etc/ssl/certs")) {
        out.dir = "/etc/ssl/certs";
        return out;
    }
    for (const char* p : system_ca_bundles)
        if (readable_file(p)) {
            out.file = p;
            break;
        }
    return out;
}

}  // namespace detail
}  // namespace transport
}  // namespace v0
}  // namespace cosign
