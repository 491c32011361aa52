// SPDX-License-Identifier: Apache-2.0
/// Registry authentication pieces: credentials, WWW-Authenticate parsing, token requests and the token cache.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../transport/concepts.hpp"
#include "../transport/url.hpp"

namespace cosign {
inline namespace v0 {
namespace registry {

/// What a user proves their identity with at one registry. Secrets wipe themselves.
struct credentials {
    std::string username;
    secure_bytes password;        ///< with username: HTTP Basic, and Basic at the token endpoint
    secure_bytes identity_token;  ///< an OAuth2 refresh token (docker config "identitytoken")
    secure_bytes registry_token;  ///< a ready bearer token (docker config "registrytoken")

    bool empty() const noexcept {
        return username.empty() && password.empty() && identity_token.empty() && registry_token.empty();
    }
    bool has_basic() const noexcept { return !username.empty() || !password.empty(); }
};

/// `Basic base64(user:password)`, the value of an Authorization header.
inline std::string basic_authorization(const credentials& c) {
    secure_bytes joined(c.username.begin(), c.username.end());
    joined.push_back(':');
    joined.insert(joined.end(), c.password.begin(), c.password.end());
    return "Basic " + base64::encode(joined);
}

/// One challenge of a WWW-Authenticate header: a scheme ("basic", "bearer", lower case)
/// and its parameters (names lower case, values unquoted).
struct challenge {
    std::string scheme;
    std::vector<std::pair<std::string, std::string>> params;

    /// The value of a parameter, or "" when absent.
    std::string param(std::string_view name) const {
        for (const auto& p : params)
            if (transport::header_name_equal(p.first, name)) return p.second;
        return {};
    }
};

namespace detail {
inline bool is_token_char(char c) noexcept {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
    switch (c) {
        case '(':
        case ')':
        case '<':
        case '>':
        case '@':
        case ',':
        case ';':
        case ':':
        case '\\':
        case '"':
        case '/':
        case '[':
        case ']':
        case '?':
        case '=':
        case '{':
        case '}':
            return false;
        default:
            return true;
    }
}
inline std::string lower(std::string_view s) {
    std::string out;
    for (char c : s) out += transport::detail::ascii_lower(c);
    return out;
}
}  // namespace detail

/// Parses a WWW-Authenticate value (RFC 9110 §11.6.1): one or more challenges, parameters
/// with token or quoted-string values (commas and escaped quotes inside quotes are kept),
/// stray commas and whitespace tolerated. Malformed tails are ignored, never fatal.
///
///     parse_www_authenticate(R"(Bearer
///     realm="https://auth.io/token",service="reg",scope="repository:a:pull,push")")
inline std::vector<challenge> parse_www_authenticate(std::string_view h) {
    std::vector<challenge> out;
    std::size_t i = 0, n = h.size();
    auto skip_ws = [&] {
        while (i < n && (h[i] == ' ' || h[i] == '\t')) ++i;
    };
    auto skip_ws_commas = [&] {
        while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == ',')) ++i;
    };
    auto read_token = [&] {
        std::size_t b = i;
        while (i < n && detail::is_token_char(h[i])) ++i;
        return h.substr(b, i - b);
    };
    while (true) {
        skip_ws_commas();
        if (i >= n) break;
        std::string_view scheme = read_token();
        if (scheme.empty()) break;  // garbage: stop rather than guess
        challenge c;
        c.scheme = detail::lower(scheme);
        // Parameters follow until a token that is not followed by '=' (the next scheme).
        while (true) {
            skip_ws_commas();
            if (i >= n) break;
            std::size_t name_begin = i;
            std::string_view name = read_token();
            skip_ws();
            if (name.empty() || i >= n || h[i] != '=') {
                i = name.empty() ? n : name_begin;  // garbage ends parsing; a bare token starts a challenge
                break;
            }
            ++i;  // '='
            skip_ws();
            std::string value;
            if (i < n && h[i] == '"') {
                ++i;
                while (i < n && h[i] != '"') {
                    if (h[i] == '\\' && i + 1 < n) ++i;
                    value += h[i++];
                }
                if (i < n) ++i;  // closing quote
            } else {
                std::size_t b = i;
                while (i < n && h[i] != ',' && h[i] != ' ' && h[i] != '\t') ++i;
                value = std::string(h.substr(b, i - b));
            }
            c.params.emplace_back(detail::lower(name), std::move(value));
        }
        out.push_back(std::move(c));
    }
    return out;
}

/// The scope string of a repository: `repository:<repo>:pull` or `repository:<repo>:pull,push`.
inline std::string repository_scope(std::string_view repo, bool push) {
    return "repository:" + std::string(repo) + (push ? ":pull,push" : ":pull");
}

/// A bearer token and when it stops being usable.
struct bearer_token {
    secure_bytes token;
    std::chrono::steady_clock::time_point expires;
};

/// Parses a token endpoint's answer: `token` or `access_token`, and `expires_in` (seconds,
/// default 60 as the distribution spec says). Tokens are reused until 10 s before expiry.
inline result<bearer_token> parse_token_response(
    std::string_view body, std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    auto doc = json::parse(body);
    if (!doc || !doc->IsObject())
        return fail(errc::registry, "token endpoint answered with something that is not a JSON object");
    auto tok = json::string_member(*doc, "token");
    if (!tok || tok->empty()) tok = json::string_member(*doc, "access_token");
    if (!tok || tok->empty()) return fail(errc::registry, "token endpoint answered without a token");
    long long seconds = 60;
    if (const json::value* e = json::member(*doc, "expires_in")) {
        if (e->IsInt64() && e->GetInt64() > 0) seconds = e->GetInt64();
    }
    if (seconds > 24 * 3600) seconds = 24 * 3600;
    long long usable = seconds > 20 ? seconds - 10 : seconds / 2;
    bearer_token t;
    t.token.assign(tok->begin(), tok->end());
    t.expires = now + std::chrono::seconds(usable);
    // The document holds a copy of the token in RapidJSON's allocator: wipe that too.
    for (auto m = doc->MemberBegin(), m_end = m + doc->MemberCount(); m < m_end; ++m) {
        if (m->value.IsString() && m->value.GetStringLength() > 0)
            secure_zero(const_cast<char*>(m->value.GetString()), m->value.GetStringLength());
    }
    return t;
}

/// Builds the request that asks a Bearer challenge's realm for a token covering scopes.
/// Basic credentials go only to an https realm or a loopback one; an identity token is
/// exchanged with the OAuth2 refresh-token grant (POST), as Docker and go-containerregistry do.
inline result<transport::request> make_token_request(const challenge& ch,
                                                     const std::vector<std::string>& scopes,
                                                     const credentials* creds, std::string_view user_agent) {
    std::string realm = ch.param("realm");
    if (realm.empty()) return fail(errc::registry, "Bearer challenge without a realm");
    COSIGN_TRY(transport::url realm_url, transport::parse_url(realm));
    bool may_send_secret = realm_url.scheme == "https" || transport::is_loopback_host(realm_url.host);
    std::string service = ch.param("service");
    transport::request req;
    if (!user_agent.empty()) req.headers.emplace_back("User-Agent", std::string(user_agent));
    req.max_response_body = 1u << 20;
    if (creds && !creds->identity_token.empty() && may_send_secret) {
        req.method = "POST";
        req.url = realm;
        std::string form = "grant_type=refresh_token&client_id=cosign-cpp";
        if (!service.empty()) form += "&service=" + transport::query_escape(service);
        if (!scopes.empty()) {
            std::string joined;
            for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
            form += "&scope=" + transport::query_escape(joined);
        }
        form += "&refresh_token=" + transport::query_escape(byte_view(creds->identity_token).as_chars());
        req.body = std::move(form);
        req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        return req;
    }
    req.method = "GET";
    std::string q;
    if (!service.empty()) q += "service=" + transport::query_escape(service);
    for (const auto& s : scopes)
        q += (q.empty() ? "" : "&") + std::string("scope=") + transport::query_escape(s);
    req.url = realm + (q.empty() ? "" : (realm.find('?') == std::string::npos ? "?" : "&") + q);
    if (creds && creds->has_basic() && may_send_secret)
        req.headers.emplace_back("Authorization", basic_authorization(*creds));
    return req;
}

/// Bearer tokens per (registry host, scope). A pull,push token also serves pull requests.
class token_cache {
public:
    /// The usable token for host and scope, or nullptr.
    const secure_bytes* find(
        const std::string& host, const std::string& scope,
        std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const {
        if (const secure_bytes* t = lookup(host + " " + scope, now)) return t;
        const std::string pull = ":pull";
        if (scope.size() > pull.size() && scope.compare(scope.size() - pull.size(), pull.size(), pull) == 0)
            return lookup(host + " " + scope + ",push", now);
        return nullptr;
    }
    void put(const std::string& host, const std::string& scope, bearer_token t) {
        tokens_[host + " " + scope] = std::move(t);
    }
    void erase(const std::string& host, const std::string& scope) { tokens_.erase(host + " " + scope); }
    void clear() { tokens_.clear(); }
    std::size_t size() const noexcept { return tokens_.size(); }

private:
    const secure_bytes* lookup(const std::string& key, std::chrono::steady_clock::time_point now) const {
        auto it = tokens_.find(key);
        if (it == tokens_.end() || it->second.expires <= now) return nullptr;
        return &it->second.token;
    }
    std::map<std::string, bearer_token> tokens_;
};

}  // namespace registry
}  // namespace v0
}  // namespace cosign
