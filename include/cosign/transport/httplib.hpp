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
///   and on old cpp-httplib the Location's percent-encoding is restored before it is used
///   (transport::follow_redirects).
/// - TLS: server certificates and host names verified unless tls_verify is false; CA certificates
///   from options::ca_file/ca_dir, else $SSL_CERT_FILE/$SSL_CERT_DIR, else the system's
///   (transport::detail::find_ca_locations), else the TLS library's default paths.
/// - Bodies longer than request::max_response_body stop the read: errc::limit_exceeded.
/// - Time: every wait for the network lasts at most options::stall_timeout (connect:
///   options::connect_timeout) and never past request::deadline. cpp-httplib restarts its
///   timeouts at every byte, so a watchdog thread (one per transport, started by the first
///   request with a deadline) stops the connection when the deadline passes: a registry that
///   drips a byte every few seconds ends the exchange at the deadline, headers included.
/// - Idempotent requests (GET, HEAD, PUT, DELETE) are retried on 408, 429, 5xx and on connection
///   failures (not on TLS failures), with exponential backoff and Retry-After (in seconds),
///   bounded by max_retries, max_retry_time and the deadline (transport::detail::send_with_retries).
///   POST and PATCH are never retried.
/// Not thread-safe: use one transport per thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include <httplib.h>

#include "../core/config.hpp"
#include "../core/result.hpp"
#include "concepts.hpp"
#include "io.hpp"
#include "options.hpp"
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

/// Stops a cpp-httplib client from another thread when the deadline of its exchange passes
/// (ClientImpl::stop() is meant for that: it shuts the socket down, and the blocked read or write
/// fails). One thread per transport, idle on a condition variable between exchanges.
class httplib_watchdog {
public:
    using clock = std::chrono::steady_clock;

    httplib_watchdog() = default;
    httplib_watchdog(const httplib_watchdog&) = delete;
    httplib_watchdog& operator=(const httplib_watchdog&) = delete;
    ~httplib_watchdog() {
        {
            std::lock_guard<std::mutex> l(m_);
            quit_ = true;
        }
        cv_.notify_one();
        if (th_.joinable()) th_.join();
    }

    /// Starts the thread; false when the system gives none (the exchange then relies on its
    /// content receiver, which bounds the body but not the headers).
    bool start() {
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            th_ = std::thread([this] { run(); });
        } catch (...) {
            return false;
        }
#else
        th_ = std::thread([this] { run(); });
#endif
        return true;
    }
    /// Watches c until disarm(): c->stop() at `at`.
    void arm(httplib::ClientImpl* c, clock::time_point at) {
        {
            std::lock_guard<std::mutex> l(m_);
            client_ = c;
            at_ = at;
            fired_ = false;
        }
        cv_.notify_one();
    }
    /// Stops watching; true when the deadline fired during the exchange. After it returns the
    /// thread no longer touches the client.
    bool disarm() {
        std::lock_guard<std::mutex> l(m_);
        client_ = nullptr;
        return fired_;
    }

private:
    void run() {
        std::unique_lock<std::mutex> l(m_);
        while (!quit_) {
            if (!client_) {
                cv_.wait(l);
            } else if (clock::now() >= at_) {
                client_->stop();
                client_ = nullptr;
                fired_ = true;
            } else {
                cv_.wait_until(l, at_);
            }
        }
    }

    std::mutex m_;
    std::condition_variable cv_;
    std::thread th_;
    httplib::ClientImpl* client_ = nullptr;
    clock::time_point at_{};
    bool fired_ = false;
    bool quit_ = false;
};

}  // namespace detail

/// The transport policy over cpp-httplib.
class httplib_transport {
public:
    /// The options every transport shares (transport/options.hpp).
    using options = transport::options;

    httplib_transport() : httplib_transport(options{}) {}
    explicit httplib_transport(options o) : opts_(std::move(o)) {}
    httplib_transport(httplib_transport&&) noexcept = default;
    /// A transport with the same options and no connections, for another thread.
    httplib_transport fresh() const { return httplib_transport(opts_); }
    httplib_transport& operator=(httplib_transport&&) noexcept = default;

    const options& get_options() const noexcept { return opts_; }

    /// One exchange: redirects followed, retries done, body bounded, deadline kept.
    result<response> send(const request& req) {
        return detail::send_with_policies(
            req, opts_, [this](const request& one, bool& retryable) { return send_once(one, retryable); });
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

    result<connection*> connection_for(const url& u) {
        std::string key = u.origin();
        auto it = conns_.find(key);
        if (it != conns_.end()) return &it->second;
        connection c;
        if (u.scheme == "https") {
#if COSIGN_DETAIL_HTTPLIB_TLS
            auto ssl = std::make_unique<httplib::SSLClient>(u.host, u.port);
            c.ssl = ssl.get();
            detail::ca_locations ca = detail::find_ca_locations(opts_, true);
            if (!ca.file.empty() || !ca.dir.empty()) ssl->set_ca_cert_path(ca.file, ca.dir);
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
        return &(conns_[key] = std::move(c));
    }

    // Watches the exchange on c when its deadline is near enough to matter; true when armed.
    bool arm_watchdog(httplib::ClientImpl* c, const cosign::deadline& d) {
        if (!d.is_set() || d.when() - std::chrono::steady_clock::now() > std::chrono::hours(24)) return false;
        if (!watchdog_) {
            auto w = std::make_unique<detail::httplib_watchdog>();
            if (!w->start()) return false;
            watchdog_ = std::move(w);
        }
        watchdog_->arm(c, d.when());
        return true;
    }

    result<response> send_once(const request& req, bool& retryable_failure) {
        using clock = std::chrono::steady_clock;
        retryable_failure = false;
        COSIGN_TRY(url u, parse_url(req.url));
        const detail::exchange_clock timer(u, req.deadline, opts_.stall_timeout);
        if (timer.expired()) return timer.timed_out();
        COSIGN_TRY(connection * c, connection_for(u));
        // Set per exchange: each wait is bounded by the stall timeout and by the time left.
        c->cli->set_connection_timeout(timer.wait(opts_.connect_timeout));
        c->cli->set_read_timeout(timer.wait());
        c->cli->set_write_timeout(timer.wait());
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
        bool too_large = false, expired = false;
        auto last_byte = clock::now();
        hr.response_handler = [&](const httplib::Response& r) {
            last_byte = clock::now();
            std::string cl = r.get_header_value("Content-Length");
            if (!cl.empty() && cl.size() < 20 && cl.find_first_not_of("0123456789") == std::string::npos &&
                std::strtoull(cl.c_str(), nullptr, 10) > max) {
                too_large = true;
                return false;
            }
            return true;
        };
        hr.content_receiver = [&](const char* data, std::size_t n, std::uint64_t, std::uint64_t) {
            last_byte = clock::now();
            if (timer.expired()) {  // a body that drips: end it at the deadline even without the watchdog
                expired = true;
                return false;
            }
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
        bool armed = arm_watchdog(c->cli.get(), req.deadline);
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            ok = c->cli->send(hr, hres, err);
        } catch (const std::exception& e) {
            if (armed) watchdog_->disarm();
            conns_.erase(u.origin());
            return fail(errc::network, u.origin() + ": " + e.what());
        }
#else
        ok = c->cli->send(hr, hres, err);
#endif
        bool fired = armed && watchdog_->disarm();
        if (too_large) {
            conns_.erase(u.origin());  // the rest of the body is unread: do not reuse the socket
            return detail::body_too_large(max);
        }
        if (!ok || expired) {
            std::string why = httplib::to_string(err);
#if defined(CPPHTTPLIB_OPENSSL_SUPPORT)
            if (err == httplib::Error::SSLServerVerification && c->ssl)
                why += " (" + detail::x509_verify_text(c->ssl->get_openssl_verify_result()) + ")";
#endif
            conns_.erase(u.origin());
            if (fired || expired || timer.expired()) return timer.timed_out(static_cast<int>(err));
            bool io = err == httplib::Error::Read || err == httplib::Error::Write;
            retryable_failure =
                io || err == httplib::Error::Connection || err == httplib::Error::ConnectionTimeout;
            // cpp-httplib tells a timed-out read from a failed one by nothing but the time it took.
            if (io && clock::now() - last_byte + std::chrono::milliseconds(20) >= timer.stall_timeout())
                return timer.stalled(
                    err == httplib::Error::Read ? "waiting for the response" : "sending the request",
                    static_cast<int>(err));
            return detail::unreachable(u, why, static_cast<int>(err));
        }
        response out;
        out.status = hres.status;
        for (const auto& h : hres.headers) {
            if (detail::httplib_decodes_location && is_redirect_status(hres.status) &&
                header_name_equal(h.first, "Location"))
                out.headers.emplace_back(h.first, detail::restore_location_encoding(h.second));
            else
                out.headers.emplace_back(h.first, h.second);
        }
        out.body = std::move(body);
        if (!opts_.keep_alive || fired) conns_.erase(u.origin());
        return out;
    }

    options opts_;
    std::map<std::string, connection> conns_;
    // Last: destroyed first, so its thread has stopped before the clients it may watch go.
    std::unique_ptr<detail::httplib_watchdog> watchdog_;
};

}  // namespace transport
}  // namespace v0
}  // namespace cosign
