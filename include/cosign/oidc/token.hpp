// SPDX-License-Identifier: Apache-2.0
/// OIDC identity tokens as values: the secret token itself (id_token, wiped when freed) and its
/// claims decoded from the JWT payload, with the checks a signer makes before any request. Pure:
/// no I/O, no crypto backend (the signature is Fulcio's to check, as in cosign).
///
///     auto claims = cosign::oidc::check_token(token.str(), std::time(nullptr));
///     if (!claims) return claims.error();           // malformed, expired, e-mail not verified
///     claims->principal;                            // what the proof of possession signs
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/bytes.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../trust/time.hpp"

namespace cosign {
inline namespace v0 {
namespace oidc {

/// An identity token (a compact JWS): a secret, held in memory that is wiped when freed. Never
/// print it or put it in a message; str() is for the one place it goes (an Authorization header).
class id_token {
public:
    id_token() = default;
    explicit id_token(std::string_view raw) : raw_(raw.begin(), raw.end()) {}
    /// The token text.
    std::string_view str() const noexcept {
        return raw_.empty() ? std::string_view() : std::string_view(reinterpret_cast<const char*>(raw_.data()), raw_.size());
    }
    bool empty() const noexcept { return raw_.empty(); }
    /// Wipes the token now (it is wiped when destroyed anyway).
    void clear() noexcept {
        secure_zero(raw_.data(), raw_.size());
        raw_.clear();
    }

private:
    secure_bytes raw_;
};

/// The claims of an identity token that Sigstore uses (cosign's and Fulcio's view of it).
struct token_claims {
    std::string issuer;                  ///< `iss`
    std::string subject;                 ///< `sub`
    std::string email;                   ///< `email`, "" when absent
    bool email_verified = false;         ///< `email_verified` (a boolean, or "true"/"false" as sigstore reads it)
    std::vector<std::string> audience;   ///< `aud` (a string or an array of strings)
    std::optional<std::int64_t> expiry;      ///< `exp`, Unix seconds
    std::optional<std::int64_t> issued_at;   ///< `iat`
    std::optional<std::int64_t> not_before;  ///< `nbf`
    std::string nonce;                   ///< `nonce`, "" when absent
    /// What Fulcio certifies and the proof of possession signs, as sigstore's subjectFromClaims:
    /// the e-mail when there is one (it must be verified), else `sub`. "" until check_token()
    /// or principal_of() filled it.
    std::string principal;

    /// True when `aud` holds this value.
    bool has_audience(std::string_view a) const {
        for (const auto& x : audience)
            if (x == a) return true;
        return false;
    }
};

namespace detail {

inline int base64url_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/// Decodes unpadded base64url (RFC 7515 §2), trailing '=' tolerated, as go-jose reads JWS parts.
inline std::optional<std::string> base64url_decode(std::string_view in) {
    while (!in.empty() && in.back() == '=') in.remove_suffix(1);
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = base64url_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xffu);
        }
    }
    return out;
}

/// Encodes bytes as unpadded base64url.
inline std::string base64url_encode(byte_view in) {
    static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((in.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        std::uint32_t v = (std::uint32_t(in[i]) << 16) | (std::uint32_t(in[i + 1]) << 8) | in[i + 2];
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
        out += tbl[v & 63];
    }
    if (i < in.size()) {
        std::uint32_t v = std::uint32_t(in[i]) << 16;
        if (i + 1 < in.size()) v |= std::uint32_t(in[i + 1]) << 8;
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        if (i + 1 < in.size()) out += tbl[(v >> 6) & 63];
    }
    return out;
}

/// The three parts of a compact JWS, or nullopt when the text is not one.
struct jws_parts {
    std::string_view header, payload, signature;
};
inline std::optional<jws_parts> split_jws(std::string_view t) {
    auto a = t.find('.');
    if (a == std::string_view::npos) return std::nullopt;
    auto b = t.find('.', a + 1);
    if (b == std::string_view::npos || t.find('.', b + 1) != std::string_view::npos) return std::nullopt;
    jws_parts p{t.substr(0, a), t.substr(a + 1, b - a - 1), t.substr(b + 1)};
    if (p.header.empty() || p.payload.empty()) return std::nullopt;
    return p;
}

/// A NumericDate (RFC 7519 §2): a JSON number, fraction dropped.
inline std::optional<std::int64_t> numeric_date(const json::value& v) {
    if (v.IsInt64()) return v.GetInt64();
    if (v.IsUint64()) return std::nullopt;  // beyond int64: not a date
    if (v.IsDouble()) {
        double d = v.GetDouble();
        if (!(d > -9.2e18 && d < 9.2e18)) return std::nullopt;
        return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

}  // namespace detail

/// True when the text parses as a compact JWS: three base64url parts whose header is a JSON
/// object with a string `alg`. This is how `--identity-token` tells a token from a file name.
inline bool looks_like_jws(std::string_view text) {
    auto p = detail::split_jws(text);
    if (!p) return false;
    auto header = detail::base64url_decode(p->header);
    if (!header || !detail::base64url_decode(p->payload) || !detail::base64url_decode(p->signature)) return false;
    auto doc = json::parse(*header);
    if (!doc || !doc->IsObject()) return false;
    auto alg = json::string_member(*doc, "alg");
    return alg && !alg->empty();
}

/// The principal Fulcio certifies, as sigstore's subjectFromClaims: a verified e-mail, else `sub`.
inline result<std::string> principal_of(const token_claims& c) {
    if (!c.email.empty()) {
        if (!c.email_verified)
            return fail(errc::invalid_argument,
                        "the identity token's email \"" + c.email + "\" is not verified by the identity provider "
                        "(email_verified is not true)");
        return c.email;
    }
    if (c.subject.empty()) return fail(errc::invalid_argument, "the identity token has no subject: no email and no sub claim");
    return c.subject;
}

/// Decodes the claims of a compact JWS without checking its signature (Fulcio does). Errors say
/// what is malformed and never quote the token.
inline result<token_claims> parse_claims(std::string_view token) {
    auto parts = detail::split_jws(token);
    if (!parts)
        return fail(errc::invalid_argument,
                    "the identity token is not a JWT: expected three base64url parts separated by dots");
    auto header = detail::base64url_decode(parts->header);
    if (!header) return fail(errc::invalid_argument, "the identity token's header is not base64url");
    auto hdoc = json::parse(*header);
    if (!hdoc || !hdoc->IsObject()) return fail(errc::invalid_argument, "the identity token's header is not a JSON object");
    auto alg = json::string_member(*hdoc, "alg");
    if (!alg || alg->empty()) return fail(errc::invalid_argument, "the identity token's header has no \"alg\"");
    if (!detail::base64url_decode(parts->signature))
        return fail(errc::invalid_argument, "the identity token's signature is not base64url");
    auto payload = detail::base64url_decode(parts->payload);
    if (!payload) return fail(errc::invalid_argument, "the identity token's payload is not base64url");
    auto doc = json::parse(*payload);
    if (!doc) return fail(errc::invalid_argument, "the identity token's payload is not JSON: " + doc.error().message());
    if (!doc->IsObject()) return fail(errc::invalid_argument, "the identity token's payload is not a JSON object");

    token_claims c;
    auto text = [&](const char* name, std::string& out) -> result<void> {
        const json::value* m = json::member(*doc, name);
        if (!m || m->IsNull()) return {};
        auto s = json::as_string(*m);
        if (!s) return fail(errc::invalid_argument, std::string("the identity token's \"") + name + "\" claim is not a string");
        out = std::string(*s);
        return {};
    };
    auto date = [&](const char* name, std::optional<std::int64_t>& out) -> result<void> {
        const json::value* m = json::member(*doc, name);
        if (!m || m->IsNull()) return {};
        out = detail::numeric_date(*m);
        if (!out) return fail(errc::invalid_argument, std::string("the identity token's \"") + name + "\" claim is not a number of seconds");
        return {};
    };
    COSIGN_TRY_VOID(text("iss", c.issuer));
    COSIGN_TRY_VOID(text("sub", c.subject));
    COSIGN_TRY_VOID(text("email", c.email));
    COSIGN_TRY_VOID(text("nonce", c.nonce));
    COSIGN_TRY_VOID(date("exp", c.expiry));
    COSIGN_TRY_VOID(date("iat", c.issued_at));
    COSIGN_TRY_VOID(date("nbf", c.not_before));
    if (const json::value* v = json::member(*doc, "email_verified")) {
        // sigstore's stringAsBool: true, false, "true", "false" (and their capitalised forms).
        if (v->IsBool()) {
            c.email_verified = v->GetBool();
        } else if (auto s = json::as_string(*v); s && (*s == "true" || *s == "True" || *s == "false" || *s == "False")) {
            c.email_verified = *s == "true" || *s == "True";
        } else if (!v->IsNull()) {
            return fail(errc::invalid_argument, "the identity token's \"email_verified\" claim is not a boolean");
        }
    }
    if (const json::value* v = json::member(*doc, "aud")) {
        if (auto s = json::as_string(*v)) {
            c.audience.emplace_back(*s);
        } else if (v->IsArray()) {
            for (const auto& e : v->GetArray()) {
                auto es = json::as_string(e);
                if (!es) return fail(errc::invalid_argument, "the identity token's \"aud\" claim holds a value that is not a string");
                c.audience.emplace_back(*es);
            }
        } else if (!v->IsNull()) {
            return fail(errc::invalid_argument, "the identity token's \"aud\" claim is neither a string nor an array");
        }
    }
    return c;
}

/// What a signer checks before sending a token anywhere: it parses, it has an issuer and a
/// principal (principal_of), and it is not expired at `now_unix` (`leeway_seconds` of clock skew
/// allowed, as Fulcio allows none beyond its own). Fills token_claims::principal.
inline result<token_claims> check_token(std::string_view token, std::int64_t now_unix, std::int64_t leeway_seconds = 0) {
    COSIGN_TRY(auto c, parse_claims(token));
    if (c.issuer.empty()) return fail(errc::invalid_argument, "the identity token has no issuer (\"iss\" claim)");
    if (!c.expiry) return fail(errc::invalid_argument, "the identity token has no expiry (\"exp\" claim)");
    if (*c.expiry + leeway_seconds <= now_unix)
        return fail(errc::invalid_argument,
                    "the identity token from " + c.issuer + " expired at " +
                        trust::format_rfc3339(trust::instant::from_unix(*c.expiry)) + " (" +
                        std::to_string(now_unix - *c.expiry) + " s ago): get a fresh token");
    if (c.not_before && *c.not_before - leeway_seconds > now_unix)
        return fail(errc::invalid_argument,
                    "the identity token from " + c.issuer + " is not valid before " +
                        trust::format_rfc3339(trust::instant::from_unix(*c.not_before)) + " (check the clock)");
    COSIGN_TRY(c.principal, principal_of(c));
    return c;
}

}  // namespace oidc
}  // namespace v0
}  // namespace cosign
