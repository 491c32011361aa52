// SPDX-License-Identifier: Apache-2.0
/// AWS Signature Version 4 (AWS4-HMAC-SHA256, Authorization-header form): a standalone signer
/// for HTTP requests, checked against AWS's published SigV4 test suite.
///
///     cosign::sigv4::credentials c{"AKID...", secret, ""};
///     cosign::sigv4::http_request r{"POST", "/", "", {{"Host", "kms.us-east-1.amazonaws.com"}, ...}, body};
///     auto s = cosign::sigv4::sign(r, c, {"us-east-1", "kms", "20261127T124506Z"});
///     // add s->added_headers to the request, then send it
///
/// The secret access key is held in secure_bytes and the derived signing key is wiped after use;
/// neither appears in any result or message.
#pragma once
// Generated from include/cosign/keys/kms/sigv4.hpp: a KMS key source, kept out of cosign.hpp.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../cosign.hpp"  // was: ../../core/bytes.hpp
#include "../../cosign.hpp"  // was: ../../core/hex.hpp
#include "../../cosign.hpp"  // was: ../../core/result.hpp
#include "../../cosign.hpp"  // was: ../../core/sha256.hpp

namespace cosign {
inline namespace v0 {
namespace sigv4 {

/// AWS credentials. The secret is wiped when freed; the session token may be empty.
struct credentials {
    std::string access_key_id;
    secure_bytes secret_access_key;
    secure_bytes session_token;
};

/// The request to sign: the raw (not yet percent-encoded) path, the query as sent (already
/// encoded, `a=b&c=d`, without '?'), every header to sign (names in any case) and the body.
struct http_request {
    std::string method;
    std::string path = "/";
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// What a signature is scoped to.
struct signing_params {
    std::string region;
    std::string service;
    std::string amz_date;  ///< ISO 8601 basic, UTC: "20150830T123600Z"
    /// Remove dot and empty path segments, as every service but S3 expects.
    bool normalize_path = true;
    /// Add (and sign) `x-amz-content-sha256` with the body's hash.
    bool sign_body = false;
    /// Add X-Amz-Security-Token after signing instead of signing it (a few services ask that).
    bool omit_session_token = false;
};

/// The result of signing: the intermediate strings (for tests and diagnosis, free of secrets)
/// and the headers the caller adds to the request, in order.
struct signed_request {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;  ///< lower-case hex
    std::vector<std::pair<std::string, std::string>> added_headers;  ///< X-Amz-Date, ..., Authorization
};

namespace detail {

/// HMAC-SHA256 (RFC 2104) on the library's SHA-256; the padded key blocks are wiped.
inline std::array<std::uint8_t, 32> hmac_sha256(byte_view key, byte_view msg) {
    std::array<std::uint8_t, 64> k{};
    if (key.size() > 64) {
        auto h = sha256(key);
        std::copy(h.bytes.begin(), h.bytes.end(), k.begin());
    } else {
        std::copy(key.begin(), key.end(), k.begin());
    }
    std::array<std::uint8_t, 64> pad{};
    for (std::size_t i = 0; i < 64; ++i) pad[i] = static_cast<std::uint8_t>(k[i] ^ 0x36);
    sha256_hasher inner;
    inner.update(pad);
    inner.update(msg);
    auto ih = inner.finish();
    for (std::size_t i = 0; i < 64; ++i) pad[i] = static_cast<std::uint8_t>(k[i] ^ 0x5c);
    sha256_hasher outer;
    outer.update(pad);
    outer.update(ih.bytes);
    auto oh = outer.finish();
    secure_zero(k.data(), k.size());
    secure_zero(pad.data(), pad.size());
    return oh.bytes;
}

inline char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool unreserved(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

/// SigV4's URI encoding: every byte but the unreserved ones as %XX (upper-case hex).
inline std::string uri_encode(std::string_view s, bool keep_slash) {
    static constexpr char hexd[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        if (unreserved(c) || (keep_slash && c == '/')) {
            out += c;
        } else {
            auto u = static_cast<unsigned char>(c);
            out += '%';
            out += hexd[u >> 4];
            out += hexd[u & 15];
        }
    }
    return out;
}

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decodes a query component ('+' stays a plus sign: AWS signs it as %2B).
inline std::string uri_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// The canonical URI: the raw path encoded once, with dot and empty segments removed when
/// normalising (a trailing slash kept).
inline std::string canonical_path(std::string_view path, bool normalize) {
    if (path.empty()) return "/";
    if (!normalize) return uri_encode(path, true);
    std::vector<std::string_view> segs;
    std::size_t i = 0;
    while (i <= path.size()) {
        auto j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        std::string_view s = path.substr(i, j - i);
        if (s == "..") {
            if (!segs.empty()) segs.pop_back();
        } else if (!s.empty() && s != ".") {
            segs.push_back(s);
        }
        i = j + 1;
    }
    bool trailing = path.back() == '/' || (path.size() >= 2 && path.substr(path.size() - 2) == "/.") ||
                    (path.size() >= 3 && path.substr(path.size() - 3) == "/..");
    std::string out = "/";
    for (std::size_t k = 0; k < segs.size(); ++k) {
        if (k) out += '/';
        out += uri_encode(segs[k], false);
    }
    if (trailing && !segs.empty()) out += '/';
    return out;
}

/// The canonical query: each name and value decoded then encoded, sorted by name then value.
inline std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> kv;
    std::size_t i = 0;
    while (i < query.size()) {
        auto j = query.find('&', i);
        if (j == std::string_view::npos) j = query.size();
        std::string_view p = query.substr(i, j - i);
        if (!p.empty()) {
            auto eq = p.find('=');
            std::string_view k = p.substr(0, eq);
            std::string_view v = eq == std::string_view::npos ? std::string_view() : p.substr(eq + 1);
            kv.emplace_back(uri_encode(uri_decode(k), false), uri_encode(uri_decode(v), false));
        }
        i = j + 1;
    }
    std::sort(kv.begin(), kv.end());
    std::string out;
    for (const auto& p : kv) {
        if (!out.empty()) out += '&';
        out += p.first + "=" + p.second;
    }
    return out;
}

/// Trims a header value and collapses runs of spaces (and folded line breaks) into one space.
inline std::string canonical_value(std::string_view v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace detail

/// The SigV4 signing key: HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request".
/// Wiped when freed.
inline secure_bytes signing_key(const secure_bytes& secret, std::string_view date, std::string_view region,
                                std::string_view service) {
    secure_bytes k0;
    k0.reserve(4 + secret.size());
    k0.insert(k0.end(), {'A', 'W', 'S', '4'});
    k0.insert(k0.end(), secret.begin(), secret.end());
    auto k1 = detail::hmac_sha256(k0, date);
    auto k2 = detail::hmac_sha256(k1, region);
    auto k3 = detail::hmac_sha256(k2, service);
    auto k4 = detail::hmac_sha256(k3, "aws4_request");
    secure_bytes out(k4.begin(), k4.end());
    secure_zero(k1.data(), k1.size());
    secure_zero(k2.data(), k2.size());
    secure_zero(k3.data(), k3.size());
    secure_zero(k4.data(), k4.size());
    return out;
}

/// Signs `req` (Authorization-header form). Adds X-Amz-Date, X-Amz-Security-Token (with session
/// credentials) and x-amz-content-sha256 (with sign_body) to the signed headers, then returns
/// them and Authorization in `added_headers`. Fails on a malformed date or missing scope.
inline result<signed_request> sign(const http_request& req, const credentials& cred, const signing_params& p) {
    if (p.amz_date.size() != 16 || p.amz_date[8] != 'T' || p.amz_date[15] != 'Z')
        return fail(errc::invalid_argument, "SigV4: the date must be YYYYMMDDTHHMMSSZ, not \"" + p.amz_date + "\"");
    if (p.region.empty() || p.service.empty())
        return fail(errc::invalid_argument, "SigV4: the region and the service must be set");
    if (cred.access_key_id.empty() || cred.secret_access_key.empty())
        return fail(errc::invalid_argument, "SigV4: the access key ID and the secret access key must be set");
    const std::string date = p.amz_date.substr(0, 8);
    const std::string body_hash = sha256(req.body).hex();

    signed_request out;
    out.added_headers.emplace_back("X-Amz-Date", p.amz_date);
    std::string token(cred.session_token.begin(), cred.session_token.end());
    if (!token.empty() && !p.omit_session_token) out.added_headers.emplace_back("X-Amz-Security-Token", token);
    if (p.sign_body) out.added_headers.emplace_back("x-amz-content-sha256", body_hash);

    // name -> values in order of appearance; names compared lower-cased
    std::vector<std::pair<std::string, std::vector<std::string>>> hs;
    auto add = [&](const std::string& name, const std::string& value) {
        std::string n;
        for (char c : name) n += detail::lower(c);
        for (auto& h : hs)
            if (h.first == n) {
                h.second.push_back(detail::canonical_value(value));
                return;
            }
        hs.push_back({n, {detail::canonical_value(value)}});
    };
    for (const auto& h : req.headers) add(h.first, h.second);
    for (const auto& h : out.added_headers) add(h.first, h.second);
    std::sort(hs.begin(), hs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    std::string canonical_headers, signed_headers;
    for (const auto& h : hs) {
        canonical_headers += h.first + ":";
        for (std::size_t i = 0; i < h.second.size(); ++i) canonical_headers += (i ? "," : "") + h.second[i];
        canonical_headers += "\n";
        if (!signed_headers.empty()) signed_headers += ';';
        signed_headers += h.first;
    }
    out.canonical_request = req.method + "\n" + detail::canonical_path(req.path, p.normalize_path) + "\n" +
                            detail::canonical_query(req.query) + "\n" + canonical_headers + "\n" + signed_headers +
                            "\n" + body_hash;
    const std::string scope = date + "/" + p.region + "/" + p.service + "/aws4_request";
    out.string_to_sign =
        "AWS4-HMAC-SHA256\n" + p.amz_date + "\n" + scope + "\n" + sha256(out.canonical_request).hex();
    secure_bytes key = signing_key(cred.secret_access_key, date, p.region, p.service);
    auto sig = detail::hmac_sha256(key, out.string_to_sign);
    out.signature = hex::encode(sig);
    out.added_headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + cred.access_key_id + "/" +
                                                        scope + ", SignedHeaders=" + signed_headers +
                                                        ", Signature=" + out.signature);
    if (!token.empty() && p.omit_session_token) out.added_headers.emplace_back("X-Amz-Security-Token", token);
    secure_zero(token.empty() ? nullptr : &token[0], token.size());
    secure_zero(sig.data(), sig.size());
    return out;
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the Unix epoch (UTC).
inline std::string amz_date(std::int64_t unix_seconds) {
    std::int64_t days = unix_seconds / 86400;
    std::int64_t rem = unix_seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    // civil_from_days (H. Hinnant)
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld%02lld%02lldT%02lld%02lld%02lldZ", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d), static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
    return buf;
}

}  // namespace sigv4
}  // namespace v0
}  // namespace cosign
