// SPDX-License-Identifier: Apache-2.0
/// The claims of an OIDC identity token that a Fulcio client needs (issuer, subject, e-mail),
/// read from the JWT payload without checking its signature (Fulcio checks it), and the subject
/// the proof of possession is signed over. Pure: no transport, no crypto. Messages never hold
/// the token.
///
///     COSIGN_TRY(auto claims, fulcio::read_token_claims(token));
///     COSIGN_TRY(std::string subject, fulcio::proof_subject(claims));   // email, else sub
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/base64.hpp"
#include "../core/bytes.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"

namespace cosign {
inline namespace v0 {
namespace fulcio {

/// What an identity token says about its holder (the JWT payload's registered and e-mail claims).
struct token_claims {
    std::string issuer;                 ///< "iss"
    std::string subject;                ///< "sub"
    std::string email;                  ///< "email" (empty when absent)
    bool email_verified = false;        ///< "email_verified": true or "true"
    std::vector<std::string> audience;  ///< "aud" (a string or an array of strings)
    std::int64_t expires = 0;           ///< "exp" in Unix seconds (0 when absent)
};

namespace detail {

/// Decodes unpadded base64url (RFC 7515 §2), as JWS segments are written; padded input is
/// accepted too.
inline result<bytes> base64url_decode(std::string_view in) {
    std::string s;
    s.reserve(in.size() + 3);
    for (char c : in) {
        if (c == '-') s += '+';
        else if (c == '_') s += '/';
        else if (c == '+' || c == '/') return fail(errc::invalid_argument, "not base64url");
        else s += c;
    }
    while (!s.empty() && s.back() == '=') s.pop_back();
    if (s.size() % 4 == 1) return fail(errc::invalid_argument, "not base64url");
    while (s.size() % 4 != 0) s += '=';
    return base64::decode(s);
}

inline bool truthy(const json::value* v) {
    if (!v) return false;
    if (v->IsBool()) return v->GetBool();
    if (auto s = json::as_string(*v)) return *s == "true";
    return false;
}

}  // namespace detail

/// Reads the claims of a compact JWS identity token (`header.payload.signature`). The signature
/// is not checked: Fulcio does that. Errors say what is wrong with the token, never its text.
inline result<token_claims> read_token_claims(std::string_view token) {
    const std::string_view what = "the identity token";
    if (token.empty()) return fail(errc::invalid_argument, std::string(what) + " is empty");
    const auto d1 = token.find('.');
    const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if (d1 == std::string_view::npos || d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return fail(errc::invalid_argument,
                    std::string(what) + " is not a JWT (expected three dot-separated parts: header.payload.signature)");
    for (char c : token)
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            return fail(errc::invalid_argument, std::string(what) + " contains whitespace (a trailing newline in a token file?)");
    auto payload = detail::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
    if (!payload) return fail(errc::invalid_argument, std::string(what) + "'s payload is not base64url");
    auto doc = json::parse(byte_view(*payload).to_string());
    if (!doc || !doc->IsObject()) return fail(errc::invalid_argument, std::string(what) + "'s payload is not a JSON object");
    token_claims c;
    auto str = [&](std::string_view name, std::string& out) -> result<void> {
        const json::value* v = json::member(*doc, name);
        if (!v || v->IsNull()) return {};
        auto s = json::as_string(*v);
        if (!s) return fail(errc::invalid_argument, std::string(what) + "'s \"" + std::string(name) + "\" claim is not a string");
        out = std::string(*s);
        return {};
    };
    COSIGN_TRY_VOID(str("iss", c.issuer));
    COSIGN_TRY_VOID(str("sub", c.subject));
    COSIGN_TRY_VOID(str("email", c.email));
    c.email_verified = detail::truthy(json::member(*doc, "email_verified"));
    if (const json::value* aud = json::member(*doc, "aud"); aud && !aud->IsNull()) {
        if (auto s = json::as_string(*aud)) {
            c.audience.emplace_back(*s);
        } else if (aud->IsArray()) {
            for (const auto& a : aud->GetArray()) {
                auto one = json::as_string(a);
                if (!one) return fail(errc::invalid_argument, std::string(what) + "'s \"aud\" claim holds a non-string");
                c.audience.emplace_back(*one);
            }
        } else {
            return fail(errc::invalid_argument, std::string(what) + "'s \"aud\" claim is neither a string nor an array");
        }
    }
    if (const json::value* exp = json::member(*doc, "exp"); exp && exp->IsNumber())
        c.expires = exp->IsInt64() ? exp->GetInt64() : static_cast<std::int64_t>(exp->GetDouble());
    return c;
}

/// The subject Fulcio expects the proof of possession over, as sigstore's oauthflow picks it:
/// the `email` claim when present (then `email_verified` must be true), else `sub`.
inline result<std::string> proof_subject(const token_claims& c) {
    if (!c.email.empty()) {
        if (!c.email_verified)
            return fail(errc::invalid_argument,
                        "the identity token's email claim is not verified by the identity provider "
                        "(\"email_verified\" is not true)");
        return c.email;
    }
    if (c.subject.empty())
        return fail(errc::invalid_argument, "the identity token has neither an \"email\" nor a \"sub\" claim");
    return c.subject;
}

}  // namespace fulcio
}  // namespace v0
}  // namespace cosign
