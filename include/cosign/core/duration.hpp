// SPDX-License-Identifier: Apache-2.0
/// Go durations ("1h2m3.5s", "500ms", "3m0s"): parsed and printed exactly as Go's time package does.
///
///     auto d = cosign::parse_go_duration("1m30s");       // result<std::chrono::nanoseconds>
///     cosign::format_go_duration(std::chrono::minutes(3)) == "3m0s";
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "result.hpp"

namespace cosign {
inline namespace v0 {

namespace detail {
// Go's strconv.Quote for the ASCII text a flag holds: quotes, `"` and `\` escaped, others as \xNN.
inline std::string go_quote(std::string_view s) {
    static constexpr char hexd[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += hexd[u >> 4];
            out += hexd[u & 15];
        } else {
            out += c;  // UTF-8 (µs) stays as it is
        }
    }
    return out + "\"";
}

// The digits of v/10^prec after the point, trailing zeros dropped (Go's fmtFrac).
inline std::string go_fraction(std::uint64_t& v, int prec) {
    std::string digits;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
        auto digit = static_cast<char>('0' + v % 10);
        print = print || digit != '0';
        if (print) digits.insert(digits.begin(), digit);
        v /= 10;
    }
    return print ? "." + digits : std::string();
}
}  // namespace detail

/// Parses a Go duration: an optional sign, then one or more decimal numbers with a unit
/// (ns, us, µs, ms, s, m, h), or "0". Errors (errc::invalid_argument) carry Go's own text,
/// e.g. `time: invalid duration "abc"`, `time: missing unit in duration "5"`.
inline result<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
    const std::string_view orig = text;
    auto invalid = [&] {
        return fail(errc::invalid_argument, "time: invalid duration " + detail::go_quote(orig));
    };
    constexpr std::uint64_t limit = std::uint64_t(1) << 63;
    bool neg = false;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        neg = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text == "0") return std::chrono::nanoseconds(0);
    if (text.empty()) return invalid();
    std::uint64_t total = 0;
    while (!text.empty()) {
        if (!(text.front() == '.' || (text.front() >= '0' && text.front() <= '9'))) return invalid();
        std::uint64_t whole = 0;
        std::size_t i = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (whole > (limit - 1) / 10) return invalid();  // Go: "bad [0-9]*"
            whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
            if (whole > limit) return invalid();
        }
        bool pre = i > 0;
        text.remove_prefix(i);
        std::uint64_t frac = 0;
        double scale = 1;
        bool post = false;
        if (!text.empty() && text.front() == '.') {
            text.remove_prefix(1);
            bool overflow = false;
            std::size_t j = 0;
            for (; j < text.size() && text[j] >= '0' && text[j] <= '9'; ++j) {
                if (overflow) continue;
                if (frac > (limit - 1) / 10) {
                    overflow = true;
                    continue;
                }
                std::uint64_t y = frac * 10 + static_cast<std::uint64_t>(text[j] - '0');
                if (y > limit) {
                    overflow = true;
                    continue;
                }
                frac = y;
                scale *= 10;
            }
            post = j > 0;
            text.remove_prefix(j);
        }
        if (!pre && !post) return invalid();
        std::size_t u = 0;
        while (u < text.size() && text[u] != '.' && !(text[u] >= '0' && text[u] <= '9')) ++u;
        if (u == 0)
            return fail(errc::invalid_argument, "time: missing unit in duration " + detail::go_quote(orig));
        std::string_view unit_text = text.substr(0, u);
        text.remove_prefix(u);
        std::uint64_t unit = 0;
        if (unit_text == "ns")
            unit = 1;
        else if (unit_text == "us" || unit_text == "\xc2\xb5s" || unit_text == "\xce\xbcs")
            unit = 1000;
        else if (unit_text == "ms")
            unit = 1000000;
        else if (unit_text == "s")
            unit = 1000000000;
        else if (unit_text == "m")
            unit = 60ull * 1000000000;
        else if (unit_text == "h")
            unit = 3600ull * 1000000000;
        else
            return fail(errc::invalid_argument, "time: unknown unit " + detail::go_quote(unit_text) +
                                                    " in duration " + detail::go_quote(orig));
        if (whole > limit / unit) return invalid();
        whole *= unit;
        if (frac > 0) {
            whole +=
                static_cast<std::uint64_t>(static_cast<double>(frac) * (static_cast<double>(unit) / scale));
            if (whole > limit) return invalid();
        }
        total += whole;
        if (total > limit) return invalid();
    }
    if (neg)
        return std::chrono::nanoseconds(total == limit ? std::numeric_limits<std::int64_t>::min()
                                                       : -static_cast<std::int64_t>(total));
    if (total > limit - 1) return invalid();
    return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

/// Prints a duration as Go's Duration.String does: "3m0s", "1h0m0s", "1.5s", "500ms", "0s".
inline std::string format_go_duration(std::chrono::nanoseconds d) {
    std::int64_t n = d.count();
    bool neg = n < 0;
    std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
    std::string out;
    if (u < 1000000000) {
        if (u == 0) return "0s";
        std::string unit;
        int prec;
        if (u < 1000) {
            prec = 0;
            unit = "ns";
        } else if (u < 1000000) {
            prec = 3;
            unit = "\xc2\xb5s";
        } else {
            prec = 6;
            unit = "ms";
        }
        std::string frac = detail::go_fraction(u, prec);
        out = std::to_string(u) + frac + unit;
    } else {
        std::string frac = detail::go_fraction(u, 9);
        out = std::to_string(u % 60) + frac + "s";
        u /= 60;
        if (u > 0) {
            out = std::to_string(u % 60) + "m" + out;
            u /= 60;
            if (u > 0) out = std::to_string(u) + "h" + out;
        }
    }
    return neg ? "-" + out : out;
}

}  // namespace v0
}  // namespace cosign
