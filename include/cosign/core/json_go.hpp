// SPDX-License-Identifier: Apache-2.0
/// Re-encodes a parsed JSON value exactly as Go does after decoding it into interface{}:
/// objects with sorted keys, every number as a float64, strings Go-escaped.
///
/// cosign's verify prints each payload decoded and re-encoded this way, so cosign-cpp does too.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json_reader.hpp"
#include "json_writer.hpp"

namespace cosign {
inline namespace v0 {
namespace json {

/// Formats a float64 as Go's encoding/json does ('f' format, or 'e' outside [1e-6, 1e21)).
inline std::string go_float(double f) {
    char buf[64];
    double a = std::fabs(f);
    bool exp = a != 0 && (a < 1e-6 || a >= 1e21);
    auto r = std::to_chars(buf, buf + sizeof buf, f, exp ? std::chars_format::scientific : std::chars_format::fixed);
    std::string s(buf, r.ptr);
    if (exp) {
        // Go writes e-7 where C++ and strconv write e-07.
        std::size_t n = s.size();
        if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
    }
    return s;
}

/// Writes v through w as Go would re-encode it.
inline void write_go(writer& w, const value& v) {
    switch (v.GetType()) {
        case rapidjson::kNullType: w.null(); break;
        case rapidjson::kFalseType: w.boolean(false); break;
        case rapidjson::kTrueType: w.boolean(true); break;
        case rapidjson::kNumberType: w.raw(go_float(v.GetDouble())); break;
        case rapidjson::kStringType: w.string({v.GetString(), v.GetStringLength()}); break;
        case rapidjson::kArrayType:
            w.begin_array();
            for (const auto& e : v.GetArray()) write_go(w, e);
            w.end_array();
            break;
        case rapidjson::kObjectType: {
            std::vector<std::pair<std::string_view, const value*>> members;
            for (const auto& m : v.GetObject()) members.emplace_back(key_of(m.name), &m.value);
            std::sort(members.begin(), members.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            w.begin_object();
            for (const auto& m : members) {
                w.key(m.first);
                write_go(w, *m.second);
            }
            w.end_object();
            break;
        }
    }
}

}  // namespace json
}  // namespace v0
}  // namespace cosign
