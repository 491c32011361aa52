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

/// Encodes bytes as standard base64 with padding, no line breaks.
inline std::string encode(byte_view in) {
    static constexpr char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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
        out += (i + 1 < in.size()) ? tbl[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
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
}  // namespace detail

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
