// SPDX-License-Identifier: Apache-2.0
/// A compact JSON writer whose output is byte for byte what Go's encoding/json emits.
///
/// cosign compares payloads byte for byte, so strings are escaped exactly as Go 1.22+ does with
/// HTML escaping on: `<` `>` `&` become \u003c \u003e \u0026, U+2028/U+2029 are escaped, control
/// characters are \b \f \n \r \t or \u00XX (lower-case hex), and each byte of invalid UTF-8
/// becomes \ufffd. No whitespace, no trailing newline. Keys are written in the order given:
/// callers that mirror a Go map sort them first (sorted_keys helps).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cosign {
inline namespace v0 {
namespace json {

/// Appends s to out as a quoted JSON string, escaped as Go's encoding/json does.
inline void append_go_string(std::string& out, std::string_view s) {
    static constexpr char hexd[] = "0123456789abcdef";
    out += '"';
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\b': out += "\\b"; break;
                case '\f': out += "\\f"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '<':
                case '>':
                case '&':
                    out += "\\u00";
                    out += hexd[c >> 4];
                    out += hexd[c & 15];
                    break;
                default:
                    if (c < 0x20) {
                        out += "\\u00";
                        out += hexd[c >> 4];
                        out += hexd[c & 15];
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        // Decode one UTF-8 sequence the way Go's utf8.DecodeRuneInString does.
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            unsigned char cc = p[i + k];
            if ((cc & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (ok) {
            if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
            if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ok = false;
        }
        if (!ok) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        if (cp == 0x2028 || cp == 0x2029) {
            out += cp == 0x2028 ? "\\u2028" : "\\u2029";
        } else {
            out.append(s.data() + i, len);
        }
        i += len;
    }
    out += '"';
}

/// Quotes s as Go's encoding/json does.
inline std::string go_quote(std::string_view s) {
    std::string out;
    append_go_string(out, s);
    return out;
}

/// Streaming writer of compact, Go-exact JSON.
///
///     json::writer w;
///     w.begin_object().key("a").string("<b>").end_object();   // {"a":"\u003cb\u003e"}
class writer {
public:
    writer& begin_object() { value_prefix(); out_ += '{'; first_.push_back(true); return *this; }
    writer& end_object() { out_ += '}'; first_.pop_back(); return *this; }
    writer& begin_array() { value_prefix(); out_ += '['; first_.push_back(true); return *this; }
    writer& end_array() { out_ += ']'; first_.pop_back(); return *this; }

    writer& key(std::string_view k) {
        comma();
        append_go_string(out_, k);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    writer& string(std::string_view s) { value_prefix(); append_go_string(out_, s); return *this; }
    writer& integer(std::int64_t v) { value_prefix(); out_ += std::to_string(v); return *this; }
    writer& unsigned_integer(std::uint64_t v) { value_prefix(); out_ += std::to_string(v); return *this; }
    writer& boolean(bool b) { value_prefix(); out_ += b ? "true" : "false"; return *this; }
    writer& null() { value_prefix(); out_ += "null"; return *this; }
    /// Writes already-encoded JSON as the next value (for example, a number's original text).
    writer& raw(std::string_view json) { value_prefix(); out_.append(json); return *this; }

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

}  // namespace json
}  // namespace v0
}  // namespace cosign
