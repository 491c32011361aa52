// SPDX-License-Identifier: Apache-2.0
/// httplib_transport: the transport policy over cpp-httplib (TLS verified, keep-alive, safe redirects,
/// bounded bodies, retries).
///
/// The only file of cosign-cpp that includes <httplib.h>. Debian ships cpp-httplib compiled:
/// build with `$(pkg-config --cflags --libs cpp-httplib)` (it defines CPPHTTPLIB_OPENSSL_SUPPORT;
/// without the same macros the program crashes at run time). A current single-header
/// cpp-httplib works as well.
///
/// - One connection per origin (scheme://host:port), kept alive between requests.
/// - cpp-httplib's own redirect following is off (it forwards Authorization to other hosts and,
///   before 0.12.2, percent-decodes the Location header); redirects are followed here: at most
///   options::max_redirects, Authorization dropped when the origin changes, https -> http refused,
///   and on old cpp-httplib the Location's percent-encoding is restored before it is used.
/// - TLS: server certificates and host names verified unless tls_verify is false; CA bundle from
///   options::ca_file, else $SSL_CERT_FILE, else /etc/ssl/certs/ca-certificates.crt if present,
///   else the TLS library's default paths.
/// - Bodies longer than request::max_response_body stop the read: errc::limit_exceeded.
/// - Idempotent requests (GET, HEAD, PUT, DELETE) are retried on 408, 429, 5xx and on connection
///   failures (not on TLS failures), with exponential backoff and Retry-After (in seconds),
///   bounded by max_retries and max_retry_time. POST and PATCH are never retried.
/// Not thread-safe: use one transport per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include <httplib.h>

#if defined(__unix__) || defined(__APPLE__)
#include <dirent.h>
#endif
#include <cstring>

#include "../core/config.hpp"
#include "../core/result.hpp"
#include "concepts.hpp"
#include "url.hpp"

#if defined(CPPHTTPLIB_OPENSSL_SUPPORT) || defined(CPPHTTPLIB_MBEDTLS_SUPPORT) || \
    defined(CPPHTTPLIB_WOLFSSL_SUPPORT)
#define COSIGN_DETAIL_HTTPLIB_TLS 1
#else
#define COSIGN_DETAIL_HTTPLIB_TLS 0
#endif

namespace cosign {
inline namespace v0 {
namespace transport {

namespace detail {

// CPPHTTPLIB_VERSION "a.b.c" as a*10000 + b*100 + c, at compile time.
constexpr int httplib_version_number(const char* s, int part = 0, int acc = 0, int cur = 0) {
    return (*s >= '0' && *s <= '9') ? httplib_version_number(s + 1, part, acc, cur * 10 + (*s - '0'))
           : (*s == '.')            ? httplib_version_number(s + 1, part + 1, acc * 100 + cur, 0)
                                    : (acc * 100 + cur) * (part == 1 ? 100 : 1);
}
inline constexpr int httplib_version = httplib_version_number(CPPHTTPLIB_VERSION);
/// cpp-httplib before 0.12.2 percent-decodes the Location header (yhirose/cpp-httplib#1459).
inline constexpr bool httplib_decodes_location = httplib_version < 1202;

/// Re-encodes a Location that old cpp-httplib percent-decoded. Exact for what storage signed
/// URLs contain (`+ / = :` and other reserved characters inside query values, spaces, non-ASCII);
/// a decoded `&`, `#` or `%25` cannot be told apart from the original and stays as it is.
inline std::string restore_location_encoding(std::string_view loc) {
    std::string out;
    auto q = loc.find('?');
    std::string_view before = loc.substr(0, q);
    for (char c : before) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
            c == '{' || c == '|' || c == '}')
            append_pct(out, u);
        else
            out += c;
    }
    if (q == std::string_view::npos) return out;
    out += '?';
    std::string_view query = loc.substr(q + 1);
    bool first = true;
    while (true) {
        auto amp = query.find('&');
        std::string_view kv = query.substr(0, amp);
        if (!first) out += '&';
        first = false;
        auto eq = kv.find('=');
        auto encode = [&](std::string_view part) {
            for (std::size_t i = 0; i < part.size(); ++i) {
                char c = part[i];
                if (c == '%' && i + 2 < part.size() && is_hex_digit(part[i + 1]) && is_hex_digit(part[i + 2]))
                    out += c;  // still encoded (double-encoded originally): keep
                else if (is_unreserved(c))
                    out += c;
                else
                    append_pct(out, static_cast<unsigned char>(c));
            }
        };
        encode(kv.substr(0, eq));
        if (eq != std::string_view::npos) {
            out += '=';
            encode(kv.substr(eq + 1));
        }
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

// cpp-httplib renamed set_url_encode to set_path_encode; call whichever exists.
template <class C>
auto disable_path_encoding(C& c, int) -> decltype(c.set_path_encode(false), void()) {
    c.set_path_encode(false);
}
template <class C>
auto disable_path_encoding(C& c, long) -> decltype(c.set_url_encode(false), void()) {
    c.set_url_encode(false);
}
template <class C>
void disable_path_encoding(C&, ...) {}

// The common OpenSSL verify results, named without linking libcrypto ourselves.
inline std::string x509_verify_text(long v) {
    switch (v) {
        case 2:
            return "unable to get issuer certificate";
        case 9:
            return "certificate is not yet valid";
        case 10:
            return "certificate has expired";
        case 18:
            return "self-signed certificate";
        case 19:
            return "self-signed certificate in certificate chain";
        case 20:
            return "unable to get local issuer certificate";
        case 21:
            return "unable to verify the first certificate";
        case 62:
            return "hostname mismatch";
        case 64:
            return "IP address mismatch";
        default:
            return "X509 verify error " + std::to_string(v);
    }
}

/// A duration from the environment: "<n>ms", "<n>s", "<n>m" or "<n>" (seconds); `fallback` when the
/// variable is unset or malformed.
inline std::chrono::milliseconds env_duration(const char* name, std::chrono::milliseconds fallback) {
    const char* e = std::getenv(name);
    if (!e || !*e) return fallback;
    std::string_view v(e);
    std::size_t i = 0;
    unsigned long long n = 0;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9' && i < 9; ++i) n = n * 10 + static_cast<unsigned>(v[i] - '0');
    if (i == 0) return fallback;
    std::string_view unit = v.substr(i);
    if (unit == "ms") return std::chrono::milliseconds(n);
    if (unit.empty() || unit == "s") return std::chrono::seconds(n);
    if (unit == "m") return std::chrono::minutes(n);
    return fallback;
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

inline bool file_exists(const std::string& p) {
    std::ifstream f(p);
    return static_cast<bool>(f);
}

}  // namespace detail

/// The transport policy over cpp-httplib.
class httplib_transport {
public:
    struct options {
        bool tls_verify = true;  ///< verify server certificates and host names
        std::string ca_file;     ///< PEM bundle of trusted CAs ("" = $SSL_CERT_FILE or the system bundle)
        std::string ca_dir;      ///< directory of hashed CA certificates ("" = $SSL_CERT_DIR or none)
        /// Defaults can be set with $COSIGN_CPP_HTTP_TIMEOUT ("30s", "500ms", "2m"): the longest
        /// wait for a connection, and for each read or write of a request.
        std::chrono::milliseconds connect_timeout{detail::env_duration("COSIGN_CPP_HTTP_TIMEOUT", std::chrono::seconds(10))};
        std::chrono::milliseconds read_timeout{detail::env_duration("COSIGN_CPP_HTTP_TIMEOUT", std::chrono::seconds(60))};
        std::chrono::milliseconds write_timeout{detail::env_duration("COSIGN_CPP_HTTP_TIMEOUT", std::chrono::seconds(60))};
        std::string user_agent = std::string("cosign-cpp/") + COSIGN_VERSION_STRING;
        bool keep_alive = true;
        unsigned max_redirects = 10;
        unsigned max_retries = 3;                                                   ///< extra attempts
        std::chrono::milliseconds initial_backoff{std::chrono::milliseconds(250)};  ///< doubled per attempt
        std::chrono::milliseconds max_backoff{std::chrono::seconds(8)};             ///< one wait at most
        std::chrono::milliseconds max_retry_time{std::chrono::seconds(20)};         ///< all waits together
    };

    httplib_transport() : httplib_transport(options{}) {}
    explicit httplib_transport(options o) : opts_(std::move(o)) {}
    httplib_transport(httplib_transport&&) noexcept = default;
    /// A transport with the same options and no connections, for another thread.
    httplib_transport fresh() const { return httplib_transport(opts_); }
    httplib_transport& operator=(httplib_transport&&) noexcept = default;

    const options& get_options() const noexcept { return opts_; }

    /// One exchange: redirects followed, retries done, body bounded.
    result<response> send(const request& req) {
        return detail::follow_redirects(
            req, [this](const request& r) { return send_with_retries(r); }, opts_.max_redirects);
    }

    /// Number of connections (origins) currently held open or ready.
    std::size_t connection_count() const noexcept { return conns_.size(); }

private:
    struct connection {
        std::unique_ptr<httplib::ClientImpl> cli;
#if COSIGN_DETAIL_HTTPLIB_TLS
        httplib::SSLClient* ssl = nullptr;
#endif
    };

    static bool idempotent(const std::string& m) {
        return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
    }
    static bool retry_status(int s) {
        return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
    }

    result<response> send_with_retries(const request& req) {
        auto start = std::chrono::steady_clock::now();
        bool may_retry = idempotent(req.method);
        for (unsigned attempt = 0;; ++attempt) {
            bool retryable_failure = false;
            auto r = send_once(req, retryable_failure);
            bool retry =
                may_retry && attempt < opts_.max_retries && (r ? retry_status(r->status) : retryable_failure);
            if (!retry) return r;
            auto wait = opts_.initial_backoff * (1u << (attempt < 16 ? attempt : 16));
            if (r) {
                std::string ra = r->header("Retry-After");
                if (!ra.empty() && ra.size() < 7 && ra.find_first_not_of("0123456789") == std::string::npos)
                    wait = std::chrono::seconds(std::atoi(ra.c_str()));
            }
            if (wait > opts_.max_backoff) wait = opts_.max_backoff;
            auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start);
            if (spent + wait > opts_.max_retry_time) return r;
            std::this_thread::sleep_for(wait);
        }
    }

    result<connection*> connection_for(const url& u) {
        std::string key = u.origin();
        auto it = conns_.find(key);
        if (it != conns_.end()) return &it->second;
        connection c;
        if (u.scheme == "https") {
#if COSIGN_DETAIL_HTTPLIB_TLS
            auto ssl = std::make_unique<httplib::SSLClient>(u.host, u.port);
            c.ssl = ssl.get();
            std::string ca = opts_.ca_file, dir = opts_.ca_dir;
            if (ca.empty())
                if (const char* e = std::getenv("SSL_CERT_FILE"); e && *e) ca = e;
            if (dir.empty())
                if (const char* e = std::getenv("SSL_CERT_DIR"); e && *e) dir = e;
            // The hashed directory is looked up lazily, per issuer; parsing the whole bundle costs
            // ~20 ms on every run, a third of a local verify.
            if (ca.empty() && dir.empty() && detail::has_hashed_certs("/etc/ssl/certs"))
                dir = "/etc/ssl/certs";
            else if (ca.empty() && detail::file_exists("/etc/ssl/certs/ca-certificates.crt"))
                ca = "/etc/ssl/certs/ca-certificates.crt";
            if (!ca.empty() || !dir.empty()) ssl->set_ca_cert_path(ca, dir);
            ssl->enable_server_certificate_verification(opts_.tls_verify);
            c.cli = std::move(ssl);
#else
            return fail(errc::unsupported,
                        "this build of cpp-httplib has no TLS support (define CPPHTTPLIB_OPENSSL_SUPPORT)");
#endif
        } else {
            c.cli = std::make_unique<httplib::ClientImpl>(u.host, u.port);
        }
        c.cli->set_follow_location(false);
        detail::disable_path_encoding(*c.cli, 0);
        c.cli->set_keep_alive(opts_.keep_alive);
        // Headers and body go out in two writes: without TCP_NODELAY, Nagle holds the body until
        // the server's delayed ACK, 40 ms per upload.
        c.cli->set_tcp_nodelay(true);
        c.cli->set_connection_timeout(opts_.connect_timeout);
        c.cli->set_read_timeout(opts_.read_timeout);
        c.cli->set_write_timeout(opts_.write_timeout);
        return &(conns_[key] = std::move(c));
    }

    result<response> send_once(const request& req, bool& retryable_failure) {
        retryable_failure = false;
        COSIGN_TRY(url u, parse_url(req.url));
        COSIGN_TRY(connection * c, connection_for(u));
        httplib::Request hr;
        hr.method = req.method;
        hr.path = u.target;
        for (const auto& h : req.headers) hr.headers.emplace(h.first, h.second);
        if (req.header("User-Agent").empty() && !opts_.user_agent.empty())
            hr.headers.emplace("User-Agent", opts_.user_agent);
        if (req.header("Accept-Encoding").empty()) hr.headers.emplace("Accept-Encoding", "identity");
        hr.body = req.body;
        const std::size_t max = req.max_response_body;
        std::string body;
        bool too_large = false;
        hr.response_handler = [&](const httplib::Response& r) {
            std::string cl = r.get_header_value("Content-Length");
            if (!cl.empty() && cl.size() < 20 && cl.find_first_not_of("0123456789") == std::string::npos &&
                std::strtoull(cl.c_str(), nullptr, 10) > max) {
                too_large = true;
                return false;
            }
            return true;
        };
        hr.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
            if (body.size() + n > max) {
                too_large = true;
                return false;
            }
            body.append(data, n);
            return true;
        };
        httplib::Response hres;
        httplib::Error err = httplib::Error::Success;
        bool ok = false;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            ok = c->cli->send(hr, hres, err);
        } catch (const std::exception& e) {
            conns_.erase(u.origin());
            return fail(errc::network, u.origin() + ": " + e.what());
        }
#else
        ok = c->cli->send(hr, hres, err);
#endif
        if (too_large) {
            conns_.erase(u.origin());  // the rest of the body is unread: do not reuse the socket
            return fail(errc::limit_exceeded, "response body larger than " + std::to_string(max) + " bytes");
        }
        if (!ok) {
            std::string why = httplib::to_string(err);
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
            if (err == httplib::Error::SSLServerVerification && c->ssl)
                why += " (" + detail::x509_verify_text(c->ssl->get_openssl_verify_result()) + ")";
#endif
            retryable_failure = err == httplib::Error::Connection || err == httplib::Error::Read ||
                                err == httplib::Error::Write || err == httplib::Error::ConnectionTimeout;
            conns_.erase(u.origin());
            return fail(errc::network, "cannot reach " + u.origin() + ": " + why, static_cast<int>(err));
        }
        response out;
        out.status = hres.status;
        for (const auto& h : hres.headers) {
            if (detail::httplib_decodes_location && detail::is_redirect_status(hres.status) &&
                header_name_equal(h.first, "Location"))
                out.headers.emplace_back(h.first, detail::restore_location_encoding(h.second));
            else
                out.headers.emplace_back(h.first, h.second);
        }
        out.body = std::move(body);
        if (!opts_.keep_alive) conns_.erase(u.origin());
        return out;
    }

    options opts_;
    std::map<std::string, connection> conns_;
};

}  // namespace transport
}  // namespace v0
}  // namespace cosign
