// SPDX-License-Identifier: Apache-2.0
// Catch2 for the tests, v2 (Debian: <catch2/catch.hpp>) or v3 (Bazel Central Registry:
// <catch2/catch_all.hpp>). Tests include "catch.hpp", never Catch2 directly.
#pragma once
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#include <string>
namespace Catch {
// v2's Catch::Contains became Catch::Matchers::ContainsSubstring in v3.
inline Matchers::StringContainsMatcher Contains(const std::string& s, CaseSensitive cs = CaseSensitive::Yes) {
    return Matchers::ContainsSubstring(s, cs);
}
}  // namespace Catch
#else
#include <catch2/catch.hpp>
#endif
