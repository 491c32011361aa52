// SPDX-License-Identifier: Apache-2.0
/// Lower-case hexadecimal encoding and strict decoding.
#pragma once

#include <string>
#include <string_view>

#include "bytes.hpp"
#include "result.hpp"

namespace cosign {
inline namespace v0 {
namespace hex {

/// Encodes bytes as lower-case hex.
inline std::string encode(byte_view in) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(in.size() * 2);
    for (auto b : in) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

/// True when s is non-empty lower-case hex of even length.
inline bool is_lower_hex(std::string_view s) noexcept {
    if (s.empty() || s.size() % 2) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

/// Decodes hex (either case).
inline result<bytes> decode(std::string_view in) {
    if (in.size() % 2) return fail(errc::invalid_argument, "invalid hex: odd length");
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    bytes out;
    out.reserve(in.size() / 2);
    for (std::size_t i = 0; i < in.size(); i += 2) {
        int h = nib(in[i]), l = nib(in[i + 1]);
        if (h < 0 || l < 0) return fail(errc::invalid_argument, "invalid hex: unexpected character");
        out.push_back(static_cast<std::uint8_t>(h * 16 + l));
    }
    return out;
}

}  // namespace hex
}  // namespace v0
}  // namespace cosign
