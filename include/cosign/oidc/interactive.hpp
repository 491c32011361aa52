// SPDX-License-Identifier: Apache-2.0
/// The OIDC browser login cosign runs on a workstation (sigstore's oauthflow): discovery, the
/// authorization code flow with PKCE (S256), a state and a nonce, the browser sent back to a
/// listener on 127.0.0.1, the code exchanged at the token endpoint, the id_token's nonce,
/// issuer, audience and expiry checked. HTTP goes through the transport policy; the listener
/// and the browser launch are POSIX (elsewhere the flow is errc::unsupported).
///
///     cosign::oidc::interaction ui;
///     ui.print = [](const std::string& s) { std::cerr << s; };
///     auto tok = cosign::oidc::browser_flow(transport, opts, ui);
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#define COSIGN_DETAIL_OIDC_POSIX 1
#endif

#include "../core/base64.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../transport/concepts.hpp"
#include "../transport/url.hpp"
#include "pkce.hpp"
#include "sources.hpp"
#include "token.hpp"

#if defined(COSIGN_DETAIL_OIDC_POSIX)
extern "C" char** environ;
#endif

namespace cosign {
inline namespace v0 {
namespace oidc {

/// What the browser flow needs from its host program: a way to open a URL and a way to talk to
/// the user. The library prints nothing itself.
struct interaction {
    /// Opens the login URL in a browser; an error makes the flow print the URL instead.
    /// Empty: open_browser() (xdg-open, x-www-browser, www-browser, as Go's pkg/browser).
    std::function<result<void>(const std::string& url)> open_browser;
    /// Shows text to the user (cosign writes it to stderr); empty: nothing is shown.
    std::function<void(const std::string& text)> print;
    /// Called before a browser flow the environment chose (a terminal, no token): cosign shows
    /// its privacy statement and asks to continue there. An error stops the flow.
    std::function<result<void>()> confirm;
    /// How long to wait for the browser to come back (cosign: 120 s).
    std::chrono::milliseconds timeout{std::chrono::seconds(120)};
};

/// What OIDC discovery (`/.well-known/openid-configuration`) says the flow needs.
struct provider_metadata {
    std::string issuer;
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::vector<std::string> code_challenge_methods;
};

namespace detail {

/// Go's url.QueryEscape: unreserved characters kept, space as '+', everything else %XX.
inline std::string go_query_escape(std::string_view s) {
    static constexpr char hexd[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += c;
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hexd[u >> 4];
            out += hexd[u & 15];
        }
    }
    return out;
}

/// Go's url.Values.Encode: keys sorted, `k=v` joined by '&'.
inline std::string encode_form(const std::map<std::string, std::string>& v) {
    std::string out;
    for (const auto& kv : v) {
        if (!out.empty()) out += '&';
        out += go_query_escape(kv.first) + '=' + go_query_escape(kv.second);
    }
    return out;
}

/// Decodes one application/x-www-form-urlencoded component ('+' is a space); nullopt when a
/// percent escape is malformed.
inline std::optional<std::string> form_unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= s.size() || !transport::detail::is_hex_digit(s[i + 1]) || !transport::detail::is_hex_digit(s[i + 2]))
                return std::nullopt;
            auto hv = [](char h) { return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
            out += static_cast<char>(hv(s[i + 1]) * 16 + hv(s[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

/// The first value of each key of a query string.
inline std::map<std::string, std::string> parse_query(std::string_view q) {
    std::map<std::string, std::string> out;
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view kv = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
        if (kv.empty()) continue;
        auto eq = kv.find('=');
        auto k = form_unescape(kv.substr(0, eq));
        auto v = form_unescape(eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1));
        if (k && v && !out.count(*k)) out.emplace(std::move(*k), std::move(*v));
    }
    return out;
}

/// The page the browser shows once it came back (cosign shows a similar one).
inline constexpr const char* success_page =
    "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Sigstore Auth</title></head>\n"
    "<body>\n<h1>Sigstore Auth Successful</h1>\n<p>You may now close this page.</p>\n</body>\n</html>\n";

}  // namespace detail

/// Parses a discovery document and checks it names `issuer` (as go-oidc does) and offers S256
/// PKCE (as sigstore requires; Microsoft's login, which supports it without saying so, is
/// accepted as sigstore accepts it).
inline result<provider_metadata> parse_discovery(std::string_view body, const std::string& issuer) {
    auto doc = json::parse(body);
    if (!doc) return cosign::error(doc.error()).context("OIDC discovery of " + issuer);
    if (!doc->IsObject()) return fail(errc::invalid_json, "OIDC discovery of " + issuer + ": not a JSON object");
    provider_metadata m;
    m.issuer = std::string(json::string_member(*doc, "issuer").value_or(""));
    m.authorization_endpoint = std::string(json::string_member(*doc, "authorization_endpoint").value_or(""));
    m.token_endpoint = std::string(json::string_member(*doc, "token_endpoint").value_or(""));
    if (const json::value* a = json::member(*doc, "code_challenge_methods_supported"); a && a->IsArray())
        for (const auto& e : a->GetArray())
            if (auto s = json::as_string(e)) m.code_challenge_methods.emplace_back(*s);
    if (m.issuer != issuer)
        return fail(errc::invalid_argument, "oidc: issuer did not match the issuer returned by provider, expected \"" +
                                                issuer + "\" got \"" + m.issuer + "\"");
    if (m.authorization_endpoint.empty() || m.token_endpoint.empty())
        return fail(errc::invalid_json, "OIDC discovery of " + issuer + ": no authorization_endpoint or token_endpoint");
    bool s256 = false;
    for (const auto& x : m.code_challenge_methods) s256 = s256 || x == "S256";
    const bool azure = m.authorization_endpoint.rfind("https://login.microsoftonline.com/", 0) == 0 ||
                       m.authorization_endpoint.rfind("https://login.microsoftonline.us/", 0) == 0;
    if (!s256 && !azure)
        return fail(errc::unsupported, "PKCE is not supported by OIDC provider '" + m.authorization_endpoint + "'");
    return m;
}

/// The login URL, byte for byte as golang.org/x/oauth2's AuthCodeURL writes cosign's: parameters
/// sorted (access_type=online, client_id, code_challenge, code_challenge_method, nonce,
/// redirect_uri, response_type=code, scope="openid email", state).
inline std::string authorization_url(const provider_metadata& m, const std::string& client_id,
                                     const std::string& redirect_uri, const std::string& state,
                                     const std::string& nonce, const pkce& p) {
    std::map<std::string, std::string> v{{"response_type", "code"},
                                         {"client_id", client_id},
                                         {"scope", "openid email"},
                                         {"state", state},
                                         {"code_challenge_method", p.method},
                                         {"code_challenge", p.challenge},
                                         {"access_type", "online"},
                                         {"nonce", nonce}};
    if (!redirect_uri.empty()) v["redirect_uri"] = redirect_uri;
    const char sep = m.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
    return m.authorization_endpoint + sep + detail::encode_form(v);
}

/// Checks the id_token the token endpoint gave: it parses, its nonce is ours, its issuer the
/// one we asked, its audience holds the client ID, and it is not expired (its signature is
/// Fulcio's to check). Returns its claims.
inline result<token_claims> check_id_token(std::string_view token, const std::string& issuer, const std::string& client_id,
                                           const std::string& nonce, std::int64_t now_unix) {
    COSIGN_TRY(auto c, parse_claims(token));
    if (c.nonce != nonce) return fail(errc::verification_failed, "nonce does not match value sent");
    if (c.issuer != issuer)
        return fail(errc::verification_failed, "oidc: id token issued by a different provider, expected \"" + issuer +
                                                   "\" got \"" + c.issuer + "\"");
    if (!c.has_audience(client_id))
        return fail(errc::verification_failed, "oidc: expected audience \"" + client_id + "\" in the id token");
    if (!c.expiry || *c.expiry <= now_unix)
        return fail(errc::verification_failed, "oidc: the id token the issuer returned is expired or has no expiry");
    return c;
}

#if defined(COSIGN_DETAIL_OIDC_POSIX)

/// A one-shot HTTP listener for the redirect back from the issuer.
class redirect_listener {
public:
    redirect_listener(const redirect_listener&) = delete;
    redirect_listener& operator=(const redirect_listener&) = delete;
    redirect_listener(redirect_listener&& o) noexcept : fd_(o.fd_), uri_(std::move(o.uri_)), path_(std::move(o.path_)) { o.fd_ = -1; }
    redirect_listener& operator=(redirect_listener&&) = delete;
    ~redirect_listener() {
        if (fd_ >= 0) ::close(fd_);
    }

    /// Listens where `redirect_url` says (`--oidc-redirect-url`: an http URL on localhost or an
    /// IPv4 address, port 0 for any), or, when empty, on 127.0.0.1 at a free port with the
    /// redirect URI `http://localhost:PORT/auth/callback`, as cosign.
    static result<redirect_listener> open(const std::string& redirect_url) {
        std::string host = "localhost", path = "/auth/callback", scheme = "http";
        int port = 0;
        if (!redirect_url.empty()) {
            // Port 0 (cosign's documented default, "http://localhost:0/auth/callback") means any
            // free port; parse_url refuses it, so it is taken off first.
            std::string text = redirect_url;
            bool any_port = false;
            if (auto sep = text.find("://"); sep != std::string::npos) {
                auto end = text.find_first_of("/?#", sep + 3);
                auto authority_end = end == std::string::npos ? text.size() : end;
                if (authority_end >= sep + 5 && text.compare(authority_end - 2, 2, ":0") == 0) {
                    text.erase(authority_end - 2, 2);
                    any_port = true;
                }
            }
            auto u = transport::parse_url(text);
            if (!u) return cosign::error(u.error()).context("--oidc-redirect-url " + redirect_url);
            if (u->scheme != "http")
                return fail(errc::invalid_argument, "--oidc-redirect-url " + redirect_url + ": the listener speaks http only");
            host = u->host;
            port = any_port ? 0 : u->port;
            path = std::string(u->path());
            if (path.empty()) path = "/";
        }
        in_addr addr{};
        if (host == "localhost") {
            addr.s_addr = htonl(INADDR_LOOPBACK);
        } else if (::inet_pton(AF_INET, host.c_str(), &addr) != 1) {
            return fail(errc::invalid_argument, "--oidc-redirect-url " + redirect_url +
                                                    ": the listener needs localhost or an IPv4 address");
        }
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) return fail(errc::io, std::string("starting redirect listener: socket: ") + std::strerror(errno));
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr = addr;
        sa.sin_port = htons(static_cast<std::uint16_t>(port));
        if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 8) != 0) {
            int e = errno;
            ::close(fd);
            return fail(errc::io, "starting redirect listener: listen on " + host + ":" + std::to_string(port) + ": " +
                                      std::strerror(e));
        }
        socklen_t len = sizeof sa;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
        const int bound = ntohs(sa.sin_port);
        redirect_listener l(fd);
        l.path_ = path;
        l.uri_ = scheme + "://" + host + ":" + std::to_string(bound) + path;
        return l;
    }

    /// The redirect URI to give the issuer.
    const std::string& redirect_uri() const noexcept { return uri_; }

    /// Waits for the browser: answers other paths with 404, and returns the `code` of the first
    /// request to the redirect path whose `state` is ours ("invalid state token" otherwise, as
    /// cosign; an `error` from the issuer is returned as such).
    result<std::string> wait_for_code(const std::string& state, std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left.count() <= 0) return fail(errc::network, "timeout: the browser did not come back to " + uri_);
            pollfd p{fd_, POLLIN, 0};
            int r = ::poll(&p, 1, static_cast<int>(left.count() > 1000000 ? 1000000 : left.count()));
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return fail(errc::io, std::string("redirect listener: poll: ") + std::strerror(errno));
            if (r == 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            ::fcntl(c, F_SETFD, FD_CLOEXEC);
            auto outcome = serve(c, state);
            ::close(c);
            if (outcome) return std::move(*outcome);
        }
    }

private:
    explicit redirect_listener(int fd) : fd_(fd) {}

    static void send_all(int c, const std::string& s) {
        std::size_t off = 0;
        while (off < s.size()) {
#if defined(MSG_NOSIGNAL)
            ssize_t w = ::send(c, s.data() + off, s.size() - off, MSG_NOSIGNAL);
#else
            ssize_t w = ::send(c, s.data() + off, s.size() - off, 0);
#endif
            if (w <= 0) return;
            off += static_cast<std::size_t>(w);
        }
    }
    static void reply(int c, int status, const std::string& reason, const std::string& body) {
        send_all(c, "HTTP/1.1 " + std::to_string(status) + " " + reason +
                        "\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body);
    }

    /// One connection: nullopt to keep waiting, else the code or the error that ends the flow.
    std::optional<result<std::string>> serve(int c, const std::string& state) {
        std::string head;
        char buf[2048];
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);  // Go's ReadHeaderTimeout
        while (head.find("\r\n\r\n") == std::string::npos && head.find("\n\n") == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
            if (left.count() <= 0 || head.size() > 16384) return std::nullopt;
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return std::nullopt;
            head.append(buf, static_cast<std::size_t>(n));
        }
        std::string_view line(head);
        line = line.substr(0, line.find_first_of("\r\n"));
        auto sp1 = line.find(' ');
        auto sp2 = line.find(' ', sp1 == std::string_view::npos ? sp1 : sp1 + 1);
        if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
            reply(c, 400, "Bad Request", "bad request\n");
            return std::nullopt;
        }
        std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        std::string_view path = target.substr(0, target.find('?'));
        if (path != path_) {
            reply(c, 404, "Not Found", "404 page not found\n");
            return std::nullopt;
        }
        auto q = detail::parse_query(target.find('?') == std::string_view::npos ? std::string_view()
                                                                                : target.substr(target.find('?') + 1));
        std::string code = q.count("code") ? q["code"] : std::string();
        // The answer is built once, after the branches (g++ 12 at -O3 sees a result<std::string>
        // assigned into an optional in each branch as maybe-uninitialized).
        errc why = errc::verification_failed;
        std::string message;
        if (q["state"] != state) {
            reply(c, 400, "Bad Request", "invalid state token\n");
            message = "invalid state token";
        } else if (q.count("error")) {
            reply(c, 400, "Bad Request", "login failed\n");
            why = errc::unauthorized;
            message = "the OIDC issuer refused the login: " + q["error"];
            if (q.count("error_description")) message += ": " + q["error_description"];
        } else if (code.empty()) {
            reply(c, 400, "Bad Request", "no code\n");
            why = errc::invalid_argument;
            message = "the browser came back without an authorization code";
        } else {
            reply(c, 200, "OK", detail::success_page);
        }
        secure_zero(head.data(), head.size());
        if (q.count("code")) secure_zero(q["code"].data(), q["code"].size());
        if (!message.empty()) return std::optional<result<std::string>>(std::in_place, fail(why, message));
        return std::optional<result<std::string>>(std::in_place, std::move(code));
    }

    int fd_ = -1;
    std::string uri_;
    std::string path_;
};

/// Opens a URL as Go's pkg/browser does on Linux: the first of xdg-open, x-www-browser and
/// www-browser found on $PATH, run to its end (its output goes to stderr). Never a shell.
inline result<void> open_browser(const std::string& url) {
    const char* candidates[] = {"xdg-open", "x-www-browser", "www-browser"};
    const char* path_env = std::getenv("PATH");
    std::string dirs = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
    std::string found;
    for (const char* prog : candidates) {
        std::size_t start = 0;
        while (found.empty() && start <= dirs.size()) {
            auto colon = dirs.find(':', start);
            std::string d = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (d.empty()) d = ".";
            std::string p = d + "/" + prog;
            if (::access(p.c_str(), X_OK) == 0) found = p;
            if (colon == std::string::npos) break;
            start = colon + 1;
        }
        if (!found.empty()) break;
    }
    if (found.empty())
        return fail(errc::unsupported, "exec: \"xdg-open,x-www-browser,www-browser\": executable file not found in $PATH");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);  // keep our stdout clean
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    std::string arg0 = found, arg1 = url;
    char* argv[] = {&arg0[0], &arg1[0], nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, found.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return fail(errc::io, found + ": " + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return fail(errc::io, found + ": waitpid: " + std::strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (WIFEXITED(status)) return fail(errc::io, "exit status " + std::to_string(WEXITSTATUS(status)));
    return fail(errc::io, found + " was killed by a signal");
}

#endif  // COSIGN_DETAIL_OIDC_POSIX

namespace detail {
/// POSTs the code to the token endpoint as golang.org/x/oauth2 does with its default auth
/// style: the client credentials in HTTP Basic first, then, if that fails, in the form.
template <class Transport>
result<transport::response> exchange_code(Transport& t, const provider_metadata& m, const options& o,
                                          std::map<std::string, std::string> form) {
    auto attempt = [&](bool in_header) {
        transport::request req;
        req.method = "POST";
        req.url = m.token_endpoint;
        req.max_response_body = max_token_size * 4;
        req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        req.headers.emplace_back("Accept", "application/json");
        auto f = form;
        if (in_header) {
            std::string cred = go_query_escape(o.client_id) + ":" + go_query_escape(o.client_secret);
            req.headers.emplace_back("Authorization", "Basic " + base64::encode(byte_view(cred.data(), cred.size())));
            secure_zero(cred.data(), cred.size());
        } else {
            f["client_id"] = o.client_id;
            if (!o.client_secret.empty()) f["client_secret"] = o.client_secret;
        }
        req.body = encode_form(f);
        for (auto& kv : f) secure_zero(kv.second.data(), kv.second.size());
        auto r = t.send(req);
        secure_zero(req.body.data(), req.body.size());
        for (auto& h : req.headers) secure_zero(h.second.data(), h.second.size());
        return r;
    };
    auto wipe = [&form] {
        for (auto& kv : form) secure_zero(kv.second.data(), kv.second.size());
    };
    auto r = attempt(true);
    if (r && r->status >= 200 && r->status < 300) {
        wipe();
        return r;
    }
    auto second = attempt(false);
    wipe();
    if (second || !r) return second;
    return r;
}

/// The issuer's own words for a refused exchange (`error`, `error_description`), no secrets.
inline std::string token_error_text(const transport::response& r) {
    std::string m = "oauth2: cannot fetch token: HTTP " + std::to_string(r.status);
    auto doc = json::parse(r.body);
    if (doc && doc->IsObject()) {
        if (auto e = json::string_member(*doc, "error")) m += ": " + std::string(*e);
        if (auto d = json::string_member(*doc, "error_description")) m += ": " + std::string(*d);
    }
    return m;
}
}  // namespace detail

/// The browser login against `options::issuer` (sigstore's InteractiveIDTokenGetter): returns
/// the id_token, checked by check_id_token. The login URL goes to `ui.open_browser`; when it
/// fails the URL is shown with cosign's words ("Go to the following link in a browser:") and the
/// flow still waits for the redirect to the listener.
template <class Transport>
result<id_token> browser_flow(Transport& t, const options& o, const interaction& ui) {
    static_assert(transport::check_transport<Transport>());
#if !defined(COSIGN_DETAIL_OIDC_POSIX)
    (void)t, (void)o, (void)ui;
    return fail(errc::unsupported, "the OIDC browser flow needs a POSIX system: pass --identity-token");
#else
    auto say = [&](const std::string& s) {
        if (ui.print) ui.print(s);
    };
    std::string issuer = o.issuer;
    if (issuer.empty()) return fail(errc::invalid_argument, "no OIDC issuer: pass --oidc-issuer");
    // Discovery, as go-oidc's NewProvider.
    transport::request disc;
    disc.method = "GET";
    std::string base = issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    disc.url = base + "/.well-known/openid-configuration";
    disc.headers.emplace_back("Accept", "application/json");
    auto dr = t.send(disc);
    if (!dr) return cosign::error(dr.error()).context("OIDC discovery at " + disc.url);
    if (dr->status != 200)
        return fail(errc::network, "OIDC discovery at " + disc.url + ": HTTP " + std::to_string(dr->status), dr->status);
    COSIGN_TRY(auto meta, parse_discovery(dr->body, issuer));

    COSIGN_TRY(auto state, random_url_safe_string(128));
    COSIGN_TRY(auto nonce, random_url_safe_string(128));
    COSIGN_TRY(auto listener, redirect_listener::open(o.redirect_url));
    COSIGN_TRY(auto p, make_pkce());
    const std::string url = authorization_url(meta, o.client_id, listener.redirect_uri(), state, nonce, p);

    auto opened = ui.open_browser ? ui.open_browser(url) : open_browser(url);
    if (!opened) {
        say("error opening browser: " + opened.error().message() + "\n");
        say("Go to the following link in a browser:\n\n\t " + url + "\n");
    } else {
        say("Your browser will now be opened to:\n" + url + "\n");
    }
    auto code = listener.wait_for_code(state, ui.timeout);
    if (!code) return cosign::error(code.error()).context("error getting code from local server");

    std::map<std::string, std::string> form{{"grant_type", "authorization_code"},
                                            {"code", *code},
                                            {"redirect_uri", listener.redirect_uri()},
                                            {"code_verifier", p.verifier},
                                            {"nonce", nonce}};
    secure_zero(code->data(), code->size());
    secure_zero(p.verifier.data(), p.verifier.size());
    auto tr = detail::exchange_code(t, meta, o, std::move(form));  // wipes the code and verifier
    if (!tr) return cosign::error(tr.error()).context("exchanging the authorization code at " + meta.token_endpoint);
    if (tr->status < 200 || tr->status >= 300) {
        auto e = fail(tr->status == 400 || tr->status == 401 ? errc::unauthorized : errc::network,
                      detail::token_error_text(*tr), tr->status);
        secure_zero(tr->body.data(), tr->body.size());
        return e;
    }
    auto doc = json::parse(tr->body);
    secure_zero(tr->body.data(), tr->body.size());
    if (!doc || !doc->IsObject())
        return fail(errc::invalid_json, "the token endpoint " + meta.token_endpoint + " did not answer a JSON object");
    auto raw = json::string_member(*doc, "id_token");
    if (!raw || raw->empty()) return fail(errc::invalid_json, "id_token not present");
    id_token tok(*raw);
    // The document held the access, refresh and id tokens: wipe its strings before it goes.
    for (auto& mbr : doc->GetObject())
        if (mbr.value.IsString()) secure_zero(const_cast<char*>(mbr.value.GetString()), mbr.value.GetStringLength());
    COSIGN_TRY_VOID(check_id_token(tok.str(), issuer, o.client_id, nonce,
                                   static_cast<std::int64_t>(std::time(nullptr))));
    return tok;
#endif
}

}  // namespace oidc
}  // namespace v0
}  // namespace cosign

#undef COSIGN_DETAIL_OIDC_POSIX
