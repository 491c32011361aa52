// SPDX-License-Identifier: Apache-2.0
/// RFC 8785 JSON Canonicalization Scheme (JCS): the bytes Rekor signs in a SET.
///
/// JCS is ECMAScript's JSON.stringify with object keys sorted by their UTF-16 code units:
/// strings escape only `"`, `\` and the controls below U+0020 (\b \t \n \f \r, else \u00xx in
/// lower-case hex), everything else is written as UTF-8; numbers are IEEE doubles written as
/// ES6's Number.prototype.toString (shortest round trip, exponent past 1e21 and below 1e-6).
/// canonicalize() turns received JSON into that form; jcs_writer builds it from values, with
/// the caller giving keys in jcs_key_less order.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json_reader.hpp"
#include "result.hpp"

namespace cosign {
inline namespace v0 {
namespace json {

namespace detail {

// Appends the UTF-16 code units of UTF-8 text (already validated) to out.
inline void utf16_units(std::string_view s, std::vector<std::uint16_t>& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t i = 0, n = s.size();
    while (i < n) {
        std::uint32_t cp = p[i];
        std::size_t len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (len > 1) {
            cp &= len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u;
            for (std::size_t k = 1; k < len && i + k < n; ++k) cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<std::uint16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<std::uint16_t>(cp));
        }
    }
}

}  // namespace detail

/// True when key a sorts before key b in JCS order (UTF-16 code units, then length).
inline bool jcs_key_less(std::string_view a, std::string_view b) {
    std::vector<std::uint16_t> ua, ub;
    detail::utf16_units(a, ua);
    detail::utf16_units(b, ub);
    return std::lexicographical_compare(ua.begin(), ua.end(), ub.begin(), ub.end());
}

/// Appends s to out as a JCS string: only `"`, `\` and controls are escaped. s must be UTF-8.
inline void append_jcs_string(std::string& out, std::string_view s) {
    static constexpr char hexd[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hexd[c >> 4];
                    out += hexd[c & 15];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

/// Formats a double as ES6's Number.prototype.toString does (RFC 8785 §3.2.2.3).
/// NaN and the infinities have no JSON form: an error.
inline result<std::string> es6_number(double v) {
    if (std::isnan(v) || std::isinf(v))
        return fail(errc::invalid_json, "JSON canonicalization: NaN and Infinity are not JSON numbers");
    if (v == 0) return std::string("0");  // also -0
    std::string out;
    if (v < 0) {
        out += '-';
        v = -v;
    }
    // Shortest round-trip digits, as "d.ddde[+-]xx".
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
    auto epos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, epos))
        if (c != '.') digits += c;
    int exp10 = std::atoi(std::string(sci.substr(epos + 1)).c_str());
    const int k = static_cast<int>(digits.size());
    const int n = exp10 + 1;  // the decimal point sits after n digits
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out.append(digits, 0, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits, static_cast<std::size_t>(n), std::string::npos);
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits, 1, std::string::npos);
        }
        out += 'e';
        out += n - 1 >= 0 ? '+' : '-';
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

/// Streaming writer of JCS output. It does not sort: give object keys in jcs_key_less order
/// (canonicalize() does it for parsed JSON).
///
///     json::jcs_writer w;
///     w.begin_object().key("body").string(b).key("integratedTime").integer(t).end_object();
class jcs_writer {
public:
    jcs_writer& begin_object() { value_prefix(); out_ += '{'; first_.push_back(true); return *this; }
    jcs_writer& end_object() { out_ += '}'; first_.pop_back(); return *this; }
    jcs_writer& begin_array() { value_prefix(); out_ += '['; first_.push_back(true); return *this; }
    jcs_writer& end_array() { out_ += ']'; first_.pop_back(); return *this; }
    jcs_writer& key(std::string_view k) {
        comma();
        append_jcs_string(out_, k);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    jcs_writer& string(std::string_view s) { value_prefix(); append_jcs_string(out_, s); return *this; }
    /// An integer; JCS numbers are doubles, so magnitudes past 2^53 are written as the double
    /// nearest to them, as every JCS implementation does.
    jcs_writer& integer(std::int64_t v) {
        value_prefix();
        const std::int64_t exact = std::int64_t(1) << 53;
        if (v >= -exact && v <= exact)
            out_ += std::to_string(v);
        else
            out_ += *es6_number(static_cast<double>(v));  // finite: cannot fail
        return *this;
    }
    /// A double in ES6 form; NaN and infinities are refused.
    result<void> number(double d) {
        COSIGN_TRY(std::string text, es6_number(d));
        value_prefix();
        out_ += text;
        return {};
    }
    jcs_writer& boolean(bool b) { value_prefix(); out_ += b ? "true" : "false"; return *this; }
    jcs_writer& null() { value_prefix(); out_ += "null"; return *this; }

    const std::string& str() const& noexcept { return out_; }
    std::string str() && noexcept { return std::move(out_); }

private:
    void comma() {
        if (!first_.empty()) {
            if (!first_.back()) out_ += ',';
            first_.back() = false;
        }
    }
    void value_prefix() {
        if (after_key_) { after_key_ = false; return; }
        comma();
    }
    std::string out_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

namespace detail {
inline result<void> write_jcs(jcs_writer& w, const value& v) {
    switch (v.GetType()) {
        case rapidjson::kNullType: w.null(); return {};
        case rapidjson::kFalseType: w.boolean(false); return {};
        case rapidjson::kTrueType: w.boolean(true); return {};
        case rapidjson::kNumberType:
            // Every JSON number is an IEEE double in JCS (as in ECMAScript and Go's canonicalizer).
            if (v.IsInt64()) {
                w.integer(v.GetInt64());
                return {};
            }
            return w.number(v.GetDouble());
        case rapidjson::kStringType: w.string({v.GetString(), v.GetStringLength()}); return {};
        case rapidjson::kArrayType:
            w.begin_array();
            for (const auto& e : v.GetArray()) COSIGN_TRY_VOID(write_jcs(w, e));
            w.end_array();
            return {};
        case rapidjson::kObjectType: {
            std::vector<std::pair<std::vector<std::uint16_t>, const rapidjson::Value::Member*>> members;
            for (const auto& m : v.GetObject()) {
                std::vector<std::uint16_t> units;
                utf16_units(key_of(m.name), units);
                members.emplace_back(std::move(units), &m);
            }
            std::sort(members.begin(), members.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            w.begin_object();
            for (const auto& m : members) {
                w.key(key_of(m.second->name));
                COSIGN_TRY_VOID(write_jcs(w, m.second->value));
            }
            w.end_object();
            return {};
        }
    }
    return fail(errc::internal, "JSON canonicalization: unknown value type");
}
}  // namespace detail

/// The RFC 8785 canonical form of a parsed JSON value.
inline result<std::string> canonicalize(const value& v) {
    jcs_writer w;
    COSIGN_TRY_VOID(detail::write_jcs(w, v));
    return std::move(w).str();
}

/// Parses untrusted JSON text (hardened reader: valid UTF-8, no duplicate keys) and returns
/// its RFC 8785 canonical form.
inline result<std::string> canonicalize(std::string_view json_text) {
    COSIGN_TRY(document doc, parse(json_text));
    return canonicalize(static_cast<const value&>(doc));
}

}  // namespace json
}  // namespace v0
}  // namespace cosign
