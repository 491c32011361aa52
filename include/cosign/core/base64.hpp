// SPDX-License-Identifier: Apache-2.0
/// Standard base64 with padding (RFC 4648 §4), as Go's base64.StdEncoding; strict decoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bytes.hpp"
#include "result.hpp"

namespace cosign {
inline namespace v0 {
namespace base64 {

namespace detail {
// Encodes with the alphabet `tbl` (64 characters), '='-padded when `pad`.
inline std::string encode_with(byte_view in, const char* tbl, bool pad) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
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
        else if (pad) out += '=';
        if (pad) out += '=';
    }
    return out;
}
}  // namespace detail

/// Encodes bytes as standard base64 with padding, no line breaks.
inline std::string encode(byte_view in) {
    return detail::encode_with(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

/// Encodes bytes as unpadded base64url (RFC 4648 section 5; RFC 7515's JWS parts, PKCE).
inline std::string url_encode(byte_view in) {
    return detail::encode_with(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

namespace detail {
inline int value_of(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
inline int url_value_of(char c) noexcept {
    if (c == '-') return 62;
    if (c == '_') return 63;
    if (c == '+' || c == '/') return -1;
    return value_of(c);
}
}  // namespace detail

/// Decodes base64url without padding (trailing '=' tolerated), as go-jose reads JWS parts;
/// errc::invalid_argument for a character outside the alphabet or an impossible length.
template <class Out = bytes>
result<Out> url_decode(std::string_view in) {
    while (!in.empty() && in.back() == '=') in.remove_suffix(1);
    if (in.size() % 4 == 1) return fail(errc::invalid_argument, "invalid base64url: impossible length");
    Out out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = detail::url_value_of(c);
        if (v < 0) return fail(errc::invalid_argument, "invalid base64url: unexpected character");
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xffu));
        }
    }
    return out;
}

/// Decodes standard base64 as Go's StdEncoding does (padding required, no whitespace),
/// into any byte container (bytes or secure_bytes).
template <class Out = bytes>
result<Out> decode(std::string_view in) {
    if (in.size() % 4 != 0) return fail(errc::invalid_argument, "invalid base64: length is not a multiple of 4");
    Out out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            char c = in[i + j];
            if (c == '=') {
                if (i + 4 != in.size() || j < 2) return fail(errc::invalid_argument, "invalid base64: misplaced padding");
                v[j] = 0;
                ++pad;
            } else {
                if (pad) return fail(errc::invalid_argument, "invalid base64: data after padding");
                v[j] = detail::value_of(c);
                if (v[j] < 0) return fail(errc::invalid_argument, "invalid base64: unexpected character");
            }
        }
        std::uint32_t w = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) |
                          (std::uint32_t(v[2]) << 6) | std::uint32_t(v[3]);
        out.push_back(static_cast<std::uint8_t>(w >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(w >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(w));
        // Like Go's StdEncoding (not .Strict()), unused low bits before the padding are ignored:
        // cosign accepts such signatures, so cosign-cpp does too.
    }
    return out;
}

}  // namespace base64
}  // namespace v0
}  // namespace cosign
