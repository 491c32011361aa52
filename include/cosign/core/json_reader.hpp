// SPDX-License-Identifier: Apache-2.0
/// Hardened JSON reading on RapidJSON: valid UTF-8 only, bounded depth, no duplicate keys,
/// iterative parsing (no recursion on hostile input), no trailing data.
///
/// RapidJSON keeps the first of duplicate keys while Go keeps the last; refusing duplicates
/// removes that parser differential. Never compare a rapidjson::Value with a primitive
/// (an upstream bug recurses forever under C++20): use the accessors below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "result.hpp"

#if defined(__GNUC__)
#pragma GCC system_header
#endif
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace cosign {
inline namespace v0 {
namespace json {

using document = rapidjson::Document;
using value = rapidjson::Value;

namespace detail {
// Forwards SAX events to a Document while enforcing depth and key uniqueness.
struct guarded_handler {
    document& doc;
    unsigned max_depth;
    std::vector<std::vector<std::string>> keys;  // one entry per open container (empty for arrays)
    std::vector<bool> is_object;
    std::string problem;

    bool Null() { return doc.Null(); }
    bool Bool(bool b) { return doc.Bool(b); }
    bool Int(int i) { return doc.Int(i); }
    bool Uint(unsigned u) { return doc.Uint(u); }
    bool Int64(std::int64_t i) { return doc.Int64(i); }
    bool Uint64(std::uint64_t u) { return doc.Uint64(u); }
    bool Double(double d) { return doc.Double(d); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc.RawNumber(s, n, copy); }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc.String(s, n, copy); }
    bool StartObject() { return open(true) && doc.StartObject(); }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) {
        auto& seen = keys.back();
        std::string k(s, n);
        for (const auto& e : seen)
            if (e == k) {
                problem = "duplicate key \"" + k + "\"";
                return false;
            }
        seen.push_back(std::move(k));
        return doc.Key(s, n, copy);
    }
    bool EndObject(rapidjson::SizeType n) { close(); return doc.EndObject(n); }
    bool StartArray() { return open(false) && doc.StartArray(); }
    bool EndArray(rapidjson::SizeType n) { close(); return doc.EndArray(n); }

    bool open(bool obj) {
        if (keys.size() >= max_depth) {
            problem = "nesting deeper than " + std::to_string(max_depth);
            return false;
        }
        keys.emplace_back();
        is_object.push_back(obj);
        return true;
    }
    void close() {
        keys.pop_back();
        is_object.pop_back();
    }
};
}  // namespace detail

/// Parses untrusted JSON into a document. Errors name the offset and the rule broken.
inline result<document> parse(std::string_view text, unsigned max_depth = COSIGN_MAX_JSON_DEPTH) {
    document doc;
    rapidjson::MemoryStream ms(text.data(), text.size());
    rapidjson::Reader reader;
    detail::guarded_handler h{doc, max_depth, {}, {}, {}};
    rapidjson::ParseResult pr;
    auto gen = [&](document& d) {
        (void)d;
        // Full precision: numbers become the double nearest to their text, as Go's strconv and
        // ECMAScript read them (RapidJSON's fast path may be 1 ulp off, which changes the RFC
        // 8785 form of a number).
        pr = reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                          rapidjson::kParseFullPrecisionFlag>(ms, h);
        return !pr.IsError();
    };
    doc.Populate(gen);
    if (pr.IsError()) {
        std::string why = !h.problem.empty() ? h.problem : rapidjson::GetParseError_En(pr.Code());
        errc code = h.problem.rfind("nesting", 0) == 0 ? errc::limit_exceeded : errc::invalid_json;
        return fail(code, "invalid JSON at offset " + std::to_string(pr.Offset()) + ": " + why);
    }
    return doc;
}

/// The member `name` of an object, or nullptr when v is not an object or has no such member.
inline const value* member(const value& v, std::string_view name) {
    if (!v.IsObject()) return nullptr;
    auto it = v.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
    return it == v.MemberEnd() ? nullptr : &it->value;
}

/// The text of a string value (embedded NULs kept), or nullopt when v is not a string.
inline std::optional<std::string_view> as_string(const value& v) {
    if (!v.IsString()) return std::nullopt;
    return std::string_view(v.GetString(), v.GetStringLength());
}

/// The string member `name`, or nullopt when absent or not a string.
inline std::optional<std::string_view> string_member(const value& v, std::string_view name) {
    const value* m = member(v, name);
    return m ? as_string(*m) : std::nullopt;
}

/// The text of a key in an object iteration.
inline std::string_view key_of(const value& k) { return {k.GetString(), k.GetStringLength()}; }

}  // namespace json
}  // namespace v0
}  // namespace cosign
