// SPDX-License-Identifier: Apache-2.0
/// Instants as trust material states them: RFC 3339 text (trusted_root.json `validFor`, TUF
/// `expires`) parsed into Unix seconds plus nanoseconds, with no clock and no backend.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "../core/result.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {

/// An instant: seconds since the Unix epoch (UTC) and a fraction in nanoseconds [0, 1e9).
struct instant {
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;

    /// The instant at a whole Unix second (Rekor's integratedTime, a certificate's NotBefore).
    static constexpr instant from_unix(std::int64_t s) noexcept { return instant{s, 0}; }

    friend constexpr bool operator<(const instant& a, const instant& b) noexcept {
        return a.seconds < b.seconds || (a.seconds == b.seconds && a.nanos < b.nanos);
    }
    friend constexpr bool operator>(const instant& a, const instant& b) noexcept { return b < a; }
    friend constexpr bool operator<=(const instant& a, const instant& b) noexcept { return !(b < a); }
    friend constexpr bool operator>=(const instant& a, const instant& b) noexcept { return !(a < b); }
    friend constexpr bool operator==(const instant& a, const instant& b) noexcept {
        return a.seconds == b.seconds && a.nanos == b.nanos;
    }
    friend constexpr bool operator!=(const instant& a, const instant& b) noexcept { return !(a == b); }
};

namespace detail {
// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

// Civil date and time of a Unix second, for formatting.
inline void civil_from_unix(std::int64_t t, std::int64_t& y, unsigned& mo, unsigned& d, unsigned& h, unsigned& mi,
                            unsigned& s) noexcept {
    std::int64_t days = t / 86400;
    std::int64_t rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    h = static_cast<unsigned>(rem / 3600);
    mi = static_cast<unsigned>(rem % 3600 / 60);
    s = static_cast<unsigned>(rem % 60);
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    mo = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (mo <= 2);
}
}  // namespace detail

/// Parses RFC 3339 date-time text: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, as Go's
/// time.RFC3339 and protobuf's JSON Timestamp accept it (`T`/`t`, `Z`/`z`, up to 9 fraction digits).
inline result<instant> parse_rfc3339(std::string_view s) {
    auto bad = [&](const char* why) {
        return fail(errc::invalid_argument, "invalid RFC 3339 time \"" + std::string(s.substr(0, 64)) + "\": " + why);
    };
    auto digits = [&](std::size_t pos, std::size_t n, unsigned& out) {
        if (pos + n > s.size()) return false;
        unsigned v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            char c = s[pos + i];
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        out = v;
        return true;
    };
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!digits(0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d) ||
        (s[10] != 'T' && s[10] != 't') || !digits(11, 2, h) || s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' ||
        !digits(17, 2, se))
        return bad("expected YYYY-MM-DDTHH:MM:SS");
    if (mo < 1 || mo > 12 || d < 1 || d > detail::days_in_month(y, mo)) return bad("no such date");
    if (h > 23 || mi > 59 || se > 59) return bad("no such time of day");
    std::size_t pos = 19;
    std::int32_t nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n == 9) return bad("more than 9 fraction digits");
            nanos = nanos * 10 + (s[pos] - '0');
            ++n;
            ++pos;
        }
        if (n == 0) return bad("empty fraction");
        for (; n < 9; ++n) nanos *= 10;
    }
    std::int64_t offset = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        unsigned oh = 0, om = 0;
        if (!digits(pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(pos + 4, 2, om) ||
            oh > 23 || om > 59)
            return bad("bad zone offset");
        offset = (s[pos] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
        pos += 6;
    } else {
        return bad("missing zone (Z or +HH:MM)");
    }
    if (pos != s.size()) return bad("trailing characters");
    std::int64_t t = detail::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return instant{t, nanos};
}

/// Formats an instant as RFC 3339 in UTC, with the fraction only when it is not zero
/// (`2021-01-12T11:53:27Z`, `2022-12-31T23:59:59.999Z`): for messages.
inline std::string format_rfc3339(const instant& t) {
    std::int64_t y = 0;
    unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
    detail::civil_from_unix(t.seconds, y, mo, d, h, mi, s);
    char buf[48];
    int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u", static_cast<long long>(y), mo, d, h,
                          mi, s);
    std::string out(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    if (t.nanos != 0) {
        std::snprintf(buf, sizeof buf, ".%09d", static_cast<int>(t.nanos));
        std::string frac(buf);
        while (frac.back() == '0') frac.pop_back();
        out += frac;
    }
    out += 'Z';
    return out;
}

}  // namespace trust
}  // namespace v0
}  // namespace cosign
