// SPDX-License-Identifier: Apache-2.0
/// mbedtls_transport: a small HTTP/1.1 client on mbedTLS sockets and TLS, for static, embedded and
/// exception-free builds. No HTTP server code, no OpenSSL, no threads: a verifier built on it links
/// mbedTLS and the C++ runtime only.
///
///     cosign::transport::mbedtls_transport t;
///     cosign::registry::basic_client<cosign::transport::mbedtls_transport> client{std::move(t)};
///
/// Link cosign::mbedtls (`-lmbedtls -lmbedx509 -lmbedcrypto`).
///
/// - One connection per exchange (`Connection: close`): simple and enough for the few requests a
///   verification makes. Redirects are followed by transport::follow_redirects (credentials
///   dropped when the origin changes, https -> http refused, the Location used byte for byte).
/// - TLS: the server certificate and host name are verified unless tls_verify is false; CA
///   certificates from options::ca_file/ca_dir, else $SSL_CERT_FILE/$SSL_CERT_DIR, else the usual
///   system bundles (transport::detail::find_ca_locations). TLS 1.2 on mbedTLS 2.28; 1.2 and 1.3
///   on 3.6.
/// - Bodies are bounded by request::max_response_body (errc::limit_exceeded).
/// - Time: the socket is non-blocking; every wait (connect: options::connect_timeout, then each
///   read and write: options::stall_timeout) ends at request::deadline at the latest, so a server
///   that drips a byte every few seconds ends the exchange at the deadline. Name resolution uses
///   the system resolver's own timeout.
/// - Idempotent requests are retried as httplib_transport does (transport::detail::send_with_retries).
/// Not thread-safe: use one transport per thread.
#pragma once
// Generated from include/cosign/transport/mbedtls.hpp: a backend policy, kept out of cosign.hpp.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_MAJOR >= 3
#include <mbedtls/build_info.h>
#else
#include <mbedtls/config.h>
#endif
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "../cosign.hpp"  // was: ../core/config.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../cosign.hpp"  // was: concepts.hpp
#include "../cosign.hpp"  // was: io.hpp
#include "../cosign.hpp"  // was: options.hpp
#include "../cosign.hpp"  // was: url.hpp

namespace cosign {
inline namespace v0 {
namespace transport {

namespace detail {

inline std::string mbedtls_error_text(int ret) {
    char buf[160] = {0};
#if defined(MBEDTLS_ERROR_C)
    mbedtls_strerror(ret, buf, sizeof buf);
#else
    std::snprintf(buf, sizeof buf, "mbedTLS error -0x%04x", static_cast<unsigned>(-ret));
#endif
    return buf;
}

inline cosign::error mbedtls_io_fail(std::string_view what, int ret, const std::string& origin) {
    return fail(errc::network, origin + ": " + std::string(what) + ": " + mbedtls_error_text(ret), ret);
}

// Waits until fd is ready for `events` (POLLIN, POLLOUT) or `ms` pass: > 0 ready, 0 timed out, < 0 error.
inline int wait_fd(int fd, short events, std::chrono::milliseconds ms) {
    pollfd p{fd, events, 0};
    auto until = std::chrono::steady_clock::now() + ms;
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        int r = ::poll(&p, 1, static_cast<int>(left.count() < 0 ? 0 : left.count()));
        if (r < 0 && errno == EINTR) continue;
        return r;
    }
}

// A non-blocking TCP connection to u, each attempt bounded by connect_timeout and the deadline.
inline result<void> connect_tcp(mbedtls_net_context& net, const url& u, const exchange_clock& timer,
                                std::chrono::milliseconds connect_timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    addrinfo* list = nullptr;
    std::string port = std::to_string(u.port);
    int rc = ::getaddrinfo(u.host.c_str(), port.c_str(), &hints, &list);
    if (rc != 0)
        return unreachable(u, std::string("cannot resolve the host name: ") + ::gai_strerror(rc),
                           MBEDTLS_ERR_NET_UNKNOWN_HOST);
    int last = ECONNREFUSED;
    for (const addrinfo* a = list; a; a = a->ai_next) {
        if (timer.expired()) break;
        int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        int flags = ::fcntl(fd, F_GETFL, 0);
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (r != 0 && errno == EINPROGRESS) {
            int ready = wait_fd(fd, POLLOUT, timer.wait(connect_timeout));
            int so = ETIMEDOUT;
            socklen_t len = sizeof so;
            if (ready > 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len) != 0) so = errno;
            r = so == 0 ? 0 : -1;
            errno = so;
        }
        if (r == 0) {
            net.fd = fd;
            ::freeaddrinfo(list);
            return {};
        }
        last = errno;
        ::close(fd);
    }
    ::freeaddrinfo(list);
    if (timer.expired()) return timer.timed_out(MBEDTLS_ERR_NET_CONNECT_FAILED);
    if (last == ETIMEDOUT)
        return unreachable(u, "no connection within " + format_go_duration(connect_timeout),
                           MBEDTLS_ERR_NET_CONNECT_FAILED);
    return unreachable(u, std::strerror(last), MBEDTLS_ERR_NET_CONNECT_FAILED);
}

// Everything one exchange owns; freed in the destructor whatever happened. Every wait on its
// (non-blocking) socket is bounded by the exchange's clock.
struct mbedtls_connection {
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    bool tls = false;
    std::string host;    // for the certificate's name check
    std::string origin;  // for messages
    std::string buf;     // bytes received and not yet consumed, from pos
    std::size_t pos = 0;
    bool eof = false;
    const exchange_clock& timer;

    explicit mbedtls_connection(const exchange_clock& t) : timer(t) {
        mbedtls_net_init(&net);
        mbedtls_ssl_init(&ssl);
        mbedtls_ssl_config_init(&conf);
    }
    ~mbedtls_connection() {
        if (tls) mbedtls_ssl_close_notify(&ssl);  // best effort: the socket is non-blocking
        mbedtls_ssl_free(&ssl);
        mbedtls_ssl_config_free(&conf);
        mbedtls_net_free(&net);
    }
    mbedtls_connection(const mbedtls_connection&) = delete;
    mbedtls_connection& operator=(const mbedtls_connection&) = delete;

    // After WANT_READ / WANT_WRITE: waits until the socket is ready, at most one stall timeout.
    result<void> wait_ready(int want, std::string_view doing) {
        auto w = timer.wait();
        if (w.count() == 0) return timer.timed_out(want);
        int r = wait_fd(net.fd, want == MBEDTLS_ERR_SSL_WANT_READ ? POLLIN : POLLOUT, w);
        if (r < 0)
            return fail(errc::network, origin + ": " + std::string(doing) + ": " + std::strerror(errno));
        if (r == 0) return timer.waited_in_vain(doing, MBEDTLS_ERR_SSL_TIMEOUT);
        return {};
    }

    // The TLS layer's receive: mbedTLS loops on it until a whole record is in (16 KiB may come a
    // byte at a time), so the clock is asked at every call, not once per mbedtls_ssl_read.
    static int bio_recv(void* self, unsigned char* out, std::size_t len, std::uint32_t) {
        auto* c = static_cast<mbedtls_connection*>(self);
        auto w = c->timer.wait();
        if (w.count() == 0) return MBEDTLS_ERR_SSL_TIMEOUT;
        return mbedtls_net_recv_timeout(&c->net, out, len, static_cast<std::uint32_t>(w.count()));
    }
    void start_tls() {
        mbedtls_ssl_set_bio(&ssl, this, bio_send, nullptr, bio_recv);
        tls = true;
    }
    static int bio_send(void* self, const unsigned char* in, std::size_t len) {
        return mbedtls_net_send(&static_cast<mbedtls_connection*>(self)->net, in, len);
    }

    result<void> write_all(std::string_view data, std::string_view doing) {
        while (!data.empty()) {
            if (timer.expired()) return timer.timed_out();
            const auto* p = reinterpret_cast<const unsigned char*>(data.data());
            int n = tls ? mbedtls_ssl_write(&ssl, p, data.size()) : mbedtls_net_send(&net, p, data.size());
            if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) {
                COSIGN_TRY_VOID(wait_ready(n, doing));
                continue;
            }
            if (n <= 0) return mbedtls_io_fail(doing, n < 0 ? n : MBEDTLS_ERR_NET_SEND_FAILED, origin);
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return {};
    }

    // Appends what arrives to buf: the number of bytes read, 0 at the end of the stream.
    result<std::size_t> fill(std::string_view doing) {
        if (eof) return std::size_t(0);
        if (pos > 0 && pos == buf.size()) {
            buf.clear();
            pos = 0;
        }
        unsigned char tmp[16384];
        for (;;) {
            // Never 0: mbedtls_net_recv_timeout would wait for ever.
            auto w = timer.wait();
            if (w.count() == 0) return timer.timed_out(MBEDTLS_ERR_SSL_TIMEOUT);
            int n = tls ? mbedtls_ssl_read(&ssl, tmp, sizeof tmp)
                        : mbedtls_net_recv_timeout(&net, tmp, sizeof tmp, static_cast<std::uint32_t>(w.count()));
            if (n == MBEDTLS_ERR_SSL_TIMEOUT) return timer.waited_in_vain(doing, n);
            if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE) {
                if (n == MBEDTLS_ERR_SSL_WANT_WRITE) COSIGN_TRY_VOID(wait_ready(n, doing));
                continue;  // WANT_READ: recv_timeout waits itself (select was interrupted)
            }
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
            if (n == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) continue;  // TLS 1.3 on mbedTLS 3
#endif
            if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == MBEDTLS_ERR_NET_CONN_RESET) {
                eof = true;
                return std::size_t(0);
            }
            if (n < 0) return mbedtls_io_fail(doing, n, origin);
            buf.append(reinterpret_cast<const char*>(tmp), static_cast<std::size_t>(n));
            return static_cast<std::size_t>(n);
        }
    }
};

#if MBEDTLS_VERSION_MAJOR < 3
// mbedTLS 2.28 matches host names against DNS names only: a certificate for an IP address
// (subjectAltName IP:...) fails with CN_MISMATCH. Accept it when an iPAddress entry equals the host.
inline int accept_ip_san(void* host, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags) {
    if (depth != 0 || !(*flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)) return 0;
    unsigned char ip[16];
    const char* h = static_cast<const std::string*>(host)->c_str();
    std::size_t n = inet_pton(AF_INET, h, ip) == 1 ? 4 : inet_pton(AF_INET6, h, ip) == 1 ? 16 : 0;
    if (n == 0) return 0;
    for (const mbedtls_x509_sequence* san = &crt->subject_alt_names; san; san = san->next)
        if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && san->buf.len == n &&
            std::memcmp(san->buf.p, ip, n) == 0)
            *flags &= ~static_cast<std::uint32_t>(MBEDTLS_X509_BADCERT_CN_MISMATCH);
    return 0;
}
#endif

inline bool parse_size(std::string_view s, int base, std::size_t& out) {
    if (s.empty() || s.size() > 15) return false;
    std::size_t v = 0;
    for (char c : s) {
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : 99;
        if (d >= base) return false;
        v = v * static_cast<std::size_t>(base) + static_cast<std::size_t>(d);
    }
    out = v;
    return true;
}

inline std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace detail

/// The transport policy over mbedTLS: HTTP/1.1, one connection per exchange.
class mbedtls_transport {
public:
    /// The options every transport shares (transport/options.hpp); keep_alive does not apply.
    using options = transport::options;

    mbedtls_transport() : mbedtls_transport(options{}) {}
    explicit mbedtls_transport(options o) : opts_(std::move(o)) {}
    /// A transport with the same options and no connections, for another thread.
    mbedtls_transport fresh() const { return mbedtls_transport(opts_); }

    const options& get_options() const noexcept { return opts_; }

    /// One exchange: redirects followed, retries done, body bounded, deadline kept.
    result<response> send(const request& req) {
        return detail::send_with_policies(
            req, opts_, [this](const request& one, bool& retryable) { return send_once(one, retryable); });
    }

private:
    // The random generator and the trusted CAs, set up on the first https exchange and kept.
    struct tls_state {
        mbedtls_entropy_context entropy;
        mbedtls_ctr_drbg_context drbg;
        mbedtls_x509_crt ca;
        tls_state() {
            mbedtls_entropy_init(&entropy);
            mbedtls_ctr_drbg_init(&drbg);
            mbedtls_x509_crt_init(&ca);
        }
        ~tls_state() {
            mbedtls_x509_crt_free(&ca);
            mbedtls_ctr_drbg_free(&drbg);
            mbedtls_entropy_free(&entropy);
        }
        tls_state(const tls_state&) = delete;
        tls_state& operator=(const tls_state&) = delete;
    };

    result<tls_state*> tls() {
        if (tls_) return tls_.get();
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
        if (psa_crypto_init() != PSA_SUCCESS) return fail(errc::internal, "psa_crypto_init failed");
#endif
        std::unique_ptr<tls_state> s(new (std::nothrow) tls_state);
        if (!s) return fail(errc::internal, "out of memory");
        static constexpr unsigned char personal[] = "cosign-cpp mbedtls_transport";
        int ret =
            mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy, personal, sizeof personal - 1);
        if (ret != 0)
            return fail(errc::internal,
                        "cannot seed the random generator: " + detail::mbedtls_error_text(ret), ret);
        if (opts_.tls_verify) {
            detail::ca_locations ca = detail::find_ca_locations(opts_, false);
            const std::string &file = ca.file, &dir = ca.dir;
            bool any = false;
            if (!file.empty() && mbedtls_x509_crt_parse_file(&s->ca, file.c_str()) >= 0) any = true;
            if (!dir.empty() && mbedtls_x509_crt_parse_path(&s->ca, dir.c_str()) >= 0) any = true;
            if (!any || s->ca.version == 0)
                return fail(errc::network, "no trusted CA certificates (tried \"" + file + "\" \"" + dir +
                                               "\"): set options::ca_file or SSL_CERT_FILE");
        }
        tls_ = std::move(s);
        return tls_.get();
    }

    result<void> connect(detail::mbedtls_connection& c, const url& u) {
        c.origin = u.origin();
        COSIGN_TRY_VOID(detail::connect_tcp(c.net, u, c.timer, opts_.connect_timeout));
        if (u.scheme != "https") return {};
        COSIGN_TRY(tls_state * s, tls());
        int ret = mbedtls_ssl_config_defaults(&c.conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                              MBEDTLS_SSL_PRESET_DEFAULT);
        if (ret != 0) return detail::mbedtls_io_fail("configuring TLS", ret, c.origin);
        mbedtls_ssl_conf_authmode(&c.conf,
                                  opts_.tls_verify ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
        mbedtls_ssl_conf_ca_chain(&c.conf, &s->ca, nullptr);
        mbedtls_ssl_conf_rng(&c.conf, mbedtls_ctr_drbg_random, &s->drbg);
#if MBEDTLS_VERSION_MAJOR < 3
        c.host = u.host;
        mbedtls_ssl_conf_verify(&c.conf, detail::accept_ip_san, &c.host);
#endif
        ret = mbedtls_ssl_setup(&c.ssl, &c.conf);
        if (ret != 0) return detail::mbedtls_io_fail("setting up TLS", ret, c.origin);
        // mbedTLS 2.28 skips the name check unless a host name is set.
        ret = mbedtls_ssl_set_hostname(&c.ssl, u.host.c_str());
        if (ret != 0) return detail::mbedtls_io_fail("setting the TLS host name", ret, c.origin);
        c.start_tls();
        for (;;) {
            if (c.timer.expired()) return c.timer.timed_out(MBEDTLS_ERR_SSL_TIMEOUT);
            ret = mbedtls_ssl_handshake(&c.ssl);
            if (ret == 0) break;
            if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
                if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
                    COSIGN_TRY_VOID(c.wait_ready(ret, "in the TLS handshake"));
                continue;
            }
            c.tls = false;  // no close_notify on a failed handshake
            if (ret == MBEDTLS_ERR_SSL_TIMEOUT) return c.timer.waited_in_vain("in the TLS handshake", ret);
            std::uint32_t flags = mbedtls_ssl_get_verify_result(&c.ssl);
            if (flags != 0 && flags != static_cast<std::uint32_t>(-1)) {
                char info[512] = {0};
                mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
                std::string why(info);
                while (!why.empty() && why.back() == '\n') why.pop_back();
                for (auto& ch : why)
                    if (ch == '\n') ch = ';';
                return fail(errc::network, "TLS certificate of " + c.origin + " not trusted: " + why, ret);
            }
            return detail::mbedtls_io_fail("in the TLS handshake", ret, c.origin);
        }
        return {};
    }

    // One line without its CRLF; errc::network at EOF, errc::registry when absurdly long.
    result<std::string> read_line(detail::mbedtls_connection& c) {
        for (;;) {
            auto nl = c.buf.find("\r\n", c.pos);
            if (nl != std::string::npos) {
                std::string line = c.buf.substr(c.pos, nl - c.pos);
                c.pos = nl + 2;
                return line;
            }
            if (c.buf.size() - c.pos > 65536)
                return fail(errc::registry, c.origin + ": response header line too long");
            COSIGN_TRY(std::size_t n, c.fill("reading the response"));
            if (n == 0)
                return fail(errc::network, c.origin + ": connection closed in the middle of a response");
        }
    }

    // Exactly n more body bytes into out.
    result<void> read_exact(detail::mbedtls_connection& c, std::size_t n, std::string& out) {
        while (c.buf.size() - c.pos < n) {
            COSIGN_TRY(std::size_t r, c.fill("reading the response body"));
            if (r == 0)
                return fail(errc::network, c.origin + ": connection closed in the middle of a response body");
        }
        out.append(c.buf, c.pos, n);
        c.pos += n;
        return {};
    }

    result<response> send_once(const request& req, bool& retryable_failure) {
        retryable_failure = false;
        COSIGN_TRY(url u, parse_url(req.url));
        const std::string origin = u.origin();
        const detail::exchange_clock timer(u, req.deadline, opts_.stall_timeout);
        if (timer.expired()) return timer.timed_out();
        detail::mbedtls_connection c(timer);
        auto connected = connect(c, u);
        if (!connected) {
            // As httplib_transport: a connection that could not be made is worth another try, a
            // TLS failure is not, nor the deadline.
            retryable_failure =
                !timer.expired() && connected.error().backend_code() == MBEDTLS_ERR_NET_CONNECT_FAILED;
            return std::move(connected).error();
        }
        auto r = exchange(c, req, u);
        // A stalled or cut answer is worth another try (an idempotent request only: the caller decides).
        if (!r && r.error().code() == errc::network && !timer.expired()) retryable_failure = true;
        return r;
    }

    result<response> exchange(detail::mbedtls_connection& c, const request& req, const url& u) {
        const std::string& origin = c.origin;

        bool default_port = (u.scheme == "https" && u.port == 443) || (u.scheme == "http" && u.port == 80);
        std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
        if (!default_port) host += ":" + std::to_string(u.port);
        std::string head = req.method + " " + u.target + " HTTP/1.1\r\nHost: " + host + "\r\n";
        for (const auto& h : req.headers) {
            if (header_name_equal(h.first, "Host") || header_name_equal(h.first, "Connection") ||
                header_name_equal(h.first, "Content-Length"))
                continue;
            head += h.first + ": " + h.second + "\r\n";
        }
        if (req.header("User-Agent").empty() && !opts_.user_agent.empty())
            head += "User-Agent: " + opts_.user_agent + "\r\n";
        if (req.header("Accept-Encoding").empty()) head += "Accept-Encoding: identity\r\n";
        if (!req.body.empty() || req.method == "PUT" || req.method == "POST" || req.method == "PATCH")
            head += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
        head += "Connection: close\r\n\r\n";
        COSIGN_TRY_VOID(c.write_all(head, "sending the request"));
        COSIGN_TRY_VOID(c.write_all(req.body, "sending the request body"));

        response out;
        for (;;) {  // skip interim 1xx answers
            COSIGN_TRY(std::string status_line, read_line(c));
            // "HTTP/1.1 200 OK"
            if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0 || status_line[8] != ' ')
                return fail(errc::registry, origin + ": not an HTTP response: " + status_line.substr(0, 64));
            std::size_t code = 0;
            if (!detail::parse_size(std::string_view(status_line).substr(9, 3), 10, code))
                return fail(errc::registry, origin + ": bad HTTP status line: " + status_line.substr(0, 64));
            out.status = static_cast<int>(code);
            out.headers.clear();
            std::size_t header_bytes = 0;
            for (;;) {
                COSIGN_TRY(std::string line, read_line(c));
                if (line.empty()) break;
                header_bytes += line.size();
                if (header_bytes > 256 * 1024)
                    return fail(errc::registry, origin + ": response headers too large");
                auto colon = line.find(':');
                if (colon == std::string::npos || colon == 0) continue;
                std::string_view v = detail::trim_ows(std::string_view(line).substr(colon + 1));
                out.headers.emplace_back(line.substr(0, colon), std::string(v));
            }
            if (out.status >= 200 || out.status < 100) break;
        }

        const std::size_t max = req.max_response_body;
        if (req.method == "HEAD" || out.status == 204 || out.status == 304) return out;
        std::string te = out.header("Transfer-Encoding");
        std::string cl = out.header("Content-Length");
        if (!te.empty() && te != "identity") {
            if (te.find("chunked") == std::string::npos)
                return fail(errc::registry, origin + ": unsupported Transfer-Encoding: " + te);
            for (;;) {
                COSIGN_TRY(std::string size_line, read_line(c));
                std::string_view sz =
                    detail::trim_ows(std::string_view(size_line).substr(0, size_line.find(';')));
                std::size_t n = 0;
                if (!detail::parse_size(sz, 16, n))
                    return fail(errc::registry, origin + ": bad chunk size: " + size_line.substr(0, 32));
                if (n == 0) break;
                if (out.body.size() + n > max) return detail::body_too_large(max);
                COSIGN_TRY_VOID(read_exact(c, n, out.body));
                COSIGN_TRY(std::string crlf, read_line(c));
                if (!crlf.empty()) return fail(errc::registry, origin + ": bad chunk framing");
            }
            for (;;) {  // trailers
                COSIGN_TRY(std::string line, read_line(c));
                if (line.empty()) break;
            }
            return out;
        }
        if (!cl.empty()) {
            std::size_t n = 0;
            if (!detail::parse_size(detail::trim_ows(cl), 10, n))
                return fail(errc::registry, origin + ": bad Content-Length: " + cl);
            if (n > max) return detail::body_too_large(max);
            COSIGN_TRY_VOID(read_exact(c, n, out.body));
            return out;
        }
        for (;;) {  // no length: the body ends when the server closes
            if (c.buf.size() - c.pos + out.body.size() > max) return detail::body_too_large(max);
            out.body.append(c.buf, c.pos, std::string::npos);
            c.pos = c.buf.size();
            COSIGN_TRY(std::size_t n, c.fill("reading the response body"));
            if (n == 0) break;
        }
        return out;
    }

    options opts_;
    std::unique_ptr<tls_state> tls_;
};

}  // namespace transport
}  // namespace v0
}  // namespace cosign
