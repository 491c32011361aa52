// SPDX-License-Identifier: Apache-2.0
/// URL pieces every transport shares: parsing, resolving a Location, loopback tests and the redirect policy
/// (follow_redirects).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "../core/result.hpp"
#include "concepts.hpp"

namespace cosign {
inline namespace v0 {
namespace transport {

/// An absolute http(s) URL split into the parts a client needs.
struct url {
    std::string scheme;  ///< "http" or "https", lower case
    std::string host;    ///< name or address; IPv6 without brackets
    int port = 0;        ///< explicit or the scheme's default
    std::string target;  ///< path and query, starting with '/'; never a fragment

    /// `scheme://host:port`, with brackets around IPv6: what identifies a connection and an origin.
    std::string origin() const {
        std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + std::to_string(port);
    }
    /// The path without the query.
    std::string_view path() const {
        std::string_view t = target;
        return t.substr(0, t.find('?'));
    }
};

namespace detail {
inline char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool is_hex_digit(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool is_unreserved(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}
inline void append_pct(std::string& out, unsigned char c) {
    static constexpr char hexd[] = "0123456789ABCDEF";
    out += '%';
    out += hexd[c >> 4];
    out += hexd[c & 15];
}
}  // namespace detail

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
inline std::string query_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (detail::is_unreserved(c))
            out += c;
        else
            detail::append_pct(out, static_cast<unsigned char>(c));
    }
    return out;
}

/// Parses an absolute http(s) URL. Userinfo, fragments, control characters and spaces are refused.
inline result<url> parse_url(std::string_view s) {
    url u;
    auto sep = s.find("://");
    if (sep == std::string_view::npos)
        return fail(errc::invalid_argument, "not an absolute URL: " + std::string(s));
    for (char c : s.substr(0, sep)) u.scheme += detail::ascii_lower(c);
    if (u.scheme != "http" && u.scheme != "https")
        return fail(errc::unsupported, "unsupported URL scheme \"" + u.scheme + "\" (only http and https)");
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(errc::invalid_argument, "URL contains a space or control character");
    std::string_view rest = s.substr(sep + 3);
    auto end_auth = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end_auth);
    std::string_view tail = end_auth == std::string_view::npos ? std::string_view() : rest.substr(end_auth);
    if (authority.find('@') != std::string_view::npos)
        return fail(errc::invalid_argument, "URLs with user information are not accepted");
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return fail(errc::invalid_argument, "unterminated IPv6 address in URL");
        u.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return fail(errc::invalid_argument, "malformed URL authority");
            port_text = after.substr(1);
        }
    } else {
        auto colon = authority.rfind(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    for (auto& c : u.host) c = detail::ascii_lower(c);
    if (u.host.empty()) return fail(errc::invalid_argument, "URL has no host");
    if (!port_text.empty()) {
        if (port_text.size() > 5) return fail(errc::invalid_argument, "invalid port in URL");
        int p = 0;
        for (char c : port_text) {
            if (c < '0' || c > '9') return fail(errc::invalid_argument, "invalid port in URL");
            p = p * 10 + (c - '0');
        }
        if (p <= 0 || p > 65535) return fail(errc::invalid_argument, "invalid port in URL");
        u.port = p;
    } else {
        u.port = u.scheme == "https" ? 443 : 80;
    }
    tail = tail.substr(0, tail.find('#'));
    if (tail.empty() || tail.front() == '?')
        u.target = "/" + std::string(tail);
    else
        u.target = std::string(tail);
    return u;
}

/// Resolves a Location value (absolute, scheme-relative, absolute-path or relative) against base.
inline std::string resolve_location(const url& base, std::string_view loc) {
    loc = loc.substr(0, loc.find('#'));
    auto colon = loc.find(':');
    auto slash = loc.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash) &&
        loc.find("://") == colon)
        return std::string(loc);
    std::string prefix =
        base.scheme + "://" + (base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host);
    bool default_port =
        (base.scheme == "https" && base.port == 443) || (base.scheme == "http" && base.port == 80);
    if (!default_port) prefix += ":" + std::to_string(base.port);
    if (loc.substr(0, 2) == "//") return base.scheme + ":" + std::string(loc);
    if (!loc.empty() && loc.front() == '/') return prefix + std::string(loc);
    std::string dir(base.path());
    dir = dir.substr(0, dir.rfind('/') + 1);
    if (loc.empty()) return prefix + base.target;
    if (loc.front() == '?') return prefix + std::string(base.path()) + std::string(loc);
    // Remove "./" and "../" segments of the merged path (RFC 3986 §5.2.4), keeping the query.
    std::string merged = dir + std::string(loc);
    auto q = merged.find('?');
    std::string query = q == std::string::npos ? std::string() : merged.substr(q);
    std::string path = merged.substr(0, q);
    std::string out;
    std::size_t i = 0;
    while (i < path.size()) {
        auto next = path.find('/', i + 1);
        std::string seg = path.substr(i, next == std::string::npos ? std::string::npos : next - i);
        if (seg == "/..") {
            auto cut = out.rfind('/');
            out = cut == std::string::npos ? std::string() : out.substr(0, cut);
            if (next == std::string::npos) out += '/';
        } else if (seg == "/.") {
            if (next == std::string::npos) out += '/';
        } else {
            out += seg;
        }
        if (next == std::string::npos) break;
        i = next;
    }
    if (out.empty()) out = "/";
    return prefix + out + query;
}

/// True for names and addresses that never leave the machine: localhost, *.localhost,
/// 127.0.0.0/8 and ::1. A port suffix ("127.0.0.1:5000", "[::1]:5000") is ignored.
inline bool is_loopback_host(std::string_view host) {
    if (!host.empty() && host.front() == '[') {
        auto close = host.find(']');
        host = host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    } else if (std::count(host.begin(), host.end(), ':') == 1) {
        host = host.substr(0, host.find(':'));
    }
    std::string h;
    for (char c : host) h += detail::ascii_lower(c);
    if (h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1") return true;
    if (h.size() > 10 && h.compare(h.size() - 10, 10, ".localhost") == 0) return true;
    // 127.x.y.z, strictly four decimal octets.
    if (h.compare(0, 4, "127.") != 0) return false;
    int parts = 0, value = -1;
    for (char c : h) {
        if (c == '.') {
            if (value < 0) return false;
            ++parts;
            value = -1;
        } else if (c >= '0' && c <= '9') {
            value = (value < 0 ? 0 : value * 10) + (c - '0');
            if (value > 255) return false;
        } else {
            return false;
        }
    }
    return parts == 3 && value >= 0;
}

/// True for the statuses that redirect: 301, 302, 303, 307, 308.
inline bool is_redirect_status(int s) noexcept {
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/// The one redirect policy of every transport. Follows redirects for a sender whose
/// `once(request)` performs one hop: at most max_redirects, the Location resolved against the
/// request URL and used byte for byte (its percent-encoding kept), Authorization and Cookie
/// dropped when the origin (scheme, host, port) changes, https -> http refused, 303 (and
/// 301/302 after a POST) turned into GET without a body, as Go's net/http does. Each hop carries
/// the first request's deadline.
///
///     result<response> send(const request& req) {
///         return transport::follow_redirects(req, [this](const request& r) { return one_hop(r); });
///     }
template <class Once>
result<response> follow_redirects(const request& first, Once&& once, unsigned max_redirects = 10) {
    request cur = first;
    COSIGN_TRY(url cur_url, parse_url(cur.url));
    for (unsigned hops = 0;; ++hops) {
        COSIGN_TRY(response res, once(cur));
        if (!is_redirect_status(res.status)) return res;
        std::string loc = res.header("Location");
        if (loc.empty()) return res;  // a 3xx without Location is an answer, not a redirect
        if (hops >= max_redirects)
            return fail(errc::registry, "stopped after " + std::to_string(max_redirects) + " redirects",
                        res.status);
        std::string next_text = resolve_location(cur_url, loc);
        auto next = parse_url(next_text);
        if (!next)
            return fail(errc::registry, "registry redirected to an invalid URL: " + next.error().message(),
                        res.status);
        if (cur_url.scheme == "https" && next->scheme == "http")
            return fail(errc::registry,
                        "refusing a redirect from https to plain http (" + next->origin() + ")", res.status);
        if (next->origin() != cur_url.origin()) {
            cur.remove_header("Authorization");
            cur.remove_header("Cookie");
        }
        bool to_get = (res.status == 303 && cur.method != "HEAD") ||
                      ((res.status == 301 || res.status == 302) && cur.method == "POST");
        if (to_get) {
            cur.method = "GET";
            cur.body.clear();
            cur.remove_header("Content-Type");
            cur.remove_header("Content-Length");
        }
        cur.url = std::move(next_text);
        cur_url = std::move(*next);
    }
}

namespace detail {
// Earlier names, kept for code written against them.
using transport::follow_redirects;
using transport::is_redirect_status;
}  // namespace detail
}  // namespace transport
}  // namespace v0
}  // namespace cosign
