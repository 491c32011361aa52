// SPDX-License-Identifier: Apache-2.0
/// Shared by the libFuzzer targets: the library, the input as a string_view, and a helper that
/// splits one input into parts (for parsers that take two documents).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include <cosign/cosign.hpp>

namespace fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return std::string_view(reinterpret_cast<const char*>(data), size);
}

/// Splits at the first "\n--\n": (before, after); no separator gives (all, "").
inline std::pair<std::string_view, std::string_view> split(std::string_view in) {
    auto p = in.find("\n--\n");
    if (p == std::string_view::npos) return {in, {}};
    return {in.substr(0, p), in.substr(p + 4)};
}

}  // namespace fuzz
