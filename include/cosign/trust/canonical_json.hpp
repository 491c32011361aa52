// SPDX-License-Identifier: Apache-2.0
/// OLPC canonical JSON, the form TUF signatures cover (securesystemslib's encode_canonical,
/// go-securesystemslib's cjson, tuf-js's canonical-json): no whitespace, object keys sorted by
/// their bytes, strings escaping only `"` and `\`, integers only.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "../core/json_reader.hpp"
#include "../core/result.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {

namespace detail {
inline void append_canonical_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

inline result<void> append_canonical(std::string& out, const json::value& v, unsigned depth) {
    if (depth > COSIGN_MAX_JSON_DEPTH) return fail(errc::limit_exceeded, "canonical JSON: nesting too deep");
    switch (v.GetType()) {
        case rapidjson::kNullType: out += "null"; return {};
        case rapidjson::kFalseType: out += "false"; return {};
        case rapidjson::kTrueType: out += "true"; return {};
        case rapidjson::kStringType: append_canonical_string(out, {v.GetString(), v.GetStringLength()}); return {};
        case rapidjson::kNumberType:
            if (v.IsInt64()) out += std::to_string(v.GetInt64());
            else if (v.IsUint64()) out += std::to_string(v.GetUint64());
            else return fail(errc::invalid_json, "canonical JSON: a number that is not an integer cannot be canonicalised");
            return {};
        case rapidjson::kArrayType: {
            out += '[';
            bool first = true;
            for (const auto& e : v.GetArray()) {
                if (!first) out += ',';
                first = false;
                COSIGN_TRY_VOID(append_canonical(out, e, depth + 1));
            }
            out += ']';
            return {};
        }
        case rapidjson::kObjectType: {
            std::vector<const json::value::ConstMemberIterator::value_type*> members;
            for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) members.push_back(&*it);
            std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
                return json::key_of(a->name) < json::key_of(b->name);  // byte order = code point order in UTF-8
            });
            out += '{';
            bool first = true;
            for (const auto* m : members) {
                if (!first) out += ',';
                first = false;
                append_canonical_string(out, json::key_of(m->name));
                out += ':';
                COSIGN_TRY_VOID(append_canonical(out, m->value, depth + 1));
            }
            out += '}';
            return {};
        }
    }
    return fail(errc::invalid_json, "canonical JSON: unknown value type");
}
}  // namespace detail

/// The OLPC canonical JSON bytes of a parsed value (what a TUF signature covers when `v` is the
/// metadata's `signed` object). Fails on non-integer numbers, which the form cannot express.
inline result<std::string> canonical_json(const json::value& v) {
    std::string out;
    COSIGN_TRY_VOID(detail::append_canonical(out, v, 0));
    return out;
}

}  // namespace trust
}  // namespace v0
}  // namespace cosign
