// SPDX-License-Identifier: Apache-2.0
/// identity_policy: the identity a signing certificate must carry (subject and OIDC issuer,
/// exact or by regular expression), checked as cosign's CheckCertificatePolicy does. Pure: it
/// reads a certificate_info, so it needs no crypto backend. Regular expressions are written in
/// Go's RE2 syntax, as cosign's users write them; re2_to_ecmascript() carries them over to
/// std::regex where the meaning is the same and refuses, by name, what ECMAScript would read
/// differently.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/result.hpp"
#include "../crypto/x509.hpp"

namespace cosign {
inline namespace v0 {

/// A Go RE2 regular expression carried over to std::regex ECMAScript.
struct translated_regexp {
    std::string pattern;     ///< ECMAScript source
    bool icase = false;      ///< a leading (?i)
    bool multiline = false;  ///< a leading (?m)

    /// The std::regex flags for it.
    std::regex::flag_type flags() const {
        auto f = std::regex::ECMAScript;
        if (icase) f |= std::regex::icase;
        if (multiline) f |= std::regex::multiline;
        return f;
    }
};

/// Carries a Go RE2 expression over to ECMAScript: leading flag groups `(?i)`, `(?m)`, `(?s)`
/// (also combined, `(?is)`) become flags (`s`: `.` rewritten to `[\s\S]`); `\A`, `\z`,
/// `\Q...\E`, `(?P<name>...)`, `\x{7f}`, `\a`, a leading `]` in a class and a `{` that does not
/// start a repetition are rewritten. Refused with errc::invalid_argument naming the construct:
/// what RE2 has and ECMAScript reads otherwise or lacks (flags after the start or in a group,
/// `(?U)`, `\pN`/`\p{Greek}`, octal escapes `\1`-`\9` (back-references in ECMAScript), `\C`,
/// non-ASCII `\x{...}`), and what RE2 itself refuses but ECMAScript would accept (look-around,
/// unknown escapes), so that an expression means what it means to cosign or fails.
inline result<translated_regexp> re2_to_ecmascript(std::string_view re) {
    translated_regexp out;
    auto refuse = [&](const std::string& what) {
        return fail(errc::invalid_argument, "regular expression " + std::string(re) + ": " + what);
    };
    std::size_t i = 0;
    bool dotall = false;
    // Leading flag groups: (?flags) with flags from "imsU-".
    while (re.compare(i, 2, "(?") == 0) {
        std::size_t j = i + 2;
        bool negate = false, any = false;
        bool i_flag = out.icase, m_flag = out.multiline, s_flag = dotall;
        while (j < re.size() && re[j] != ')') {
            char c = re[j];
            if (c == '-') negate = true;
            else if (c == 'i') i_flag = !negate;
            else if (c == 'm') m_flag = !negate;
            else if (c == 's') s_flag = !negate;
            else if (c == 'U') return refuse("the ungreedy flag (?U) has no ECMAScript equivalent; write lazy quantifiers (*?, +?)");
            else break;
            any = true;
            ++j;
        }
        if (j >= re.size() || re[j] != ')' || !any) break;  // not a flag group: (?:, (?P<, ...
        out.icase = i_flag;
        out.multiline = m_flag;
        dotall = s_flag;
        i = j + 1;
    }
    std::string& p = out.pattern;
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    auto literal = [&](char c) {
        if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) p += '\\';
        p += c;
    };
    bool in_class = false;
    std::size_t class_start = 0;
    for (; i < re.size(); ++i) {
        const char c = re[i];
        if (c == '\\') {
            if (i + 1 >= re.size()) return refuse("trailing backslash");
            const char e = re[++i];
            switch (e) {
                case 'Q': {
                    std::size_t end = re.find("\\E", i + 1);
                    std::string_view lit = re.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
                    for (char l : lit) {
                        if (in_class && (l == ']' || l == '\\' || l == '^' || l == '-')) p += '\\';
                        if (in_class) p += l;
                        else literal(l);
                    }
                    i = end == std::string_view::npos ? re.size() : end + 1;
                    continue;
                }
                case 'A':
                case 'z':
                    if (in_class) return refuse(std::string("\\") + e + " inside a character class");
                    if (out.multiline) return refuse(std::string("\\") + e + " with (?m): ECMAScript has no text-only anchor");
                    p += e == 'A' ? '^' : '$';
                    continue;
                case 'p':
                case 'P':
                    return refuse("Unicode classes (\\p, \\P) are not supported by std::regex");
                case 'C': return refuse("\\C (any byte) is not supported");
                case 'a': p += "\\x07"; continue;
                case 'x': {
                    int v = 0;
                    if (i + 1 < re.size() && re[i + 1] == '{') {
                        std::size_t end = re.find('}', i + 2);
                        if (end == std::string_view::npos || end == i + 2) return refuse("malformed \\x{...}");
                        for (std::size_t k = i + 2; k < end; ++k) {
                            int h = hexval(re[k]);
                            if (h < 0 || v > 0x10ffff) return refuse("malformed \\x{...}");
                            v = v * 16 + h;
                        }
                        i = end;
                    } else {
                        if (i + 2 >= re.size() || hexval(re[i + 1]) < 0 || hexval(re[i + 2]) < 0) return refuse("malformed \\x escape");
                        v = hexval(re[i + 1]) * 16 + hexval(re[i + 2]);
                        i += 2;
                    }
                    if (v > 0x7f)
                        return refuse("a non-ASCII \\x escape: std::regex matches bytes, Go matches UTF-8 characters");
                    static const char* digits = "0123456789abcdef";
                    p += "\\x";
                    p += digits[v >> 4];
                    p += digits[v & 15];
                    continue;
                }
                default:
                    if (e >= '1' && e <= '9')
                        return refuse("\\" + std::string(1, e) + " is an octal escape in Go and a back-reference in ECMAScript");
                    if (e == '0') {
                        p += "\\x00";
                        continue;
                    }
                    if (std::string_view("dDwWsSbBfnrtv").find(e) != std::string_view::npos ||
                        !((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))) {
                        p += '\\';
                        p += e;
                        continue;
                    }
                    return refuse(std::string("\\") + e + " is not an RE2 escape");
            }
        }
        if (in_class) {
            if (c == ']' && i > class_start) {
                in_class = false;
                p += c;
            } else if (c == ']') {
                p += "\\]";  // RE2: a ']' first in a class is literal; ECMAScript: [] is empty
            } else if (c == '[' && i + 1 < re.size() && re[i + 1] == ':') {
                std::size_t end = re.find(":]", i + 2);
                if (end == std::string_view::npos) return refuse("malformed [:class:]");
                p.append(re.substr(i, end + 2 - i));
                i = end + 1;
            } else if (c == '[') {
                p += "\\[";
            } else {
                p += c;
            }
            continue;
        }
        switch (c) {
            case '[':
                in_class = true;
                p += c;
                if (i + 1 < re.size() && re[i + 1] == '^') {
                    p += '^';
                    ++i;
                }
                class_start = i + 1;
                break;
            case '.': p += dotall ? "[\\s\\S]" : "."; break;
            case '(':
                if (re.compare(i, 2, "(?") != 0) {
                    p += c;
                } else if (re.compare(i, 3, "(?:") == 0) {
                    p += "(?:";
                    i += 2;
                } else if (re.compare(i, 4, "(?P<") == 0 || (re.compare(i, 3, "(?<") == 0 && i + 3 < re.size() &&
                                                               re[i + 3] != '=' && re[i + 3] != '!')) {
                    std::size_t end = re.find('>', i);
                    if (end == std::string_view::npos) return refuse("malformed named group");
                    p += '(';  // std::regex has no named groups: the group stays, unnamed
                    i = end;
                } else if (re.compare(i, 3, "(?=") == 0 || re.compare(i, 3, "(?!") == 0 || re.compare(i, 3, "(?<") == 0) {
                    return refuse("look-around assertions are not RE2 syntax (Go refuses them)");
                } else {
                    return refuse("flags are supported only at the start of the expression, e.g. (?i)abc");
                }
                break;
            case '{': {
                std::size_t j = i + 1;
                while (j < re.size() && is_digit(re[j])) ++j;
                bool rep = j > i + 1;
                if (rep && j < re.size() && re[j] == ',') {
                    ++j;
                    while (j < re.size() && is_digit(re[j])) ++j;
                }
                rep = rep && j < re.size() && re[j] == '}';
                if (rep) p.append(re.substr(i, j + 1 - i)), i = j;
                else p += "\\{";
                break;
            }
            case '}': p += "\\}"; break;
            default: p += c;
        }
    }
    if (in_class) return refuse("missing closing ]");
    return out;
}

/// One expected identity (cosign's Identity: `--certificate-identity[-regexp]` and
/// `--certificate-oidc-issuer[-regexp]`). A regular expression wins over its exact string and
/// matches anywhere (unanchored, as Go's regexp.MatchString). An empty subject (both fields)
/// accepts any subject, an empty issuer any issuer.
///
///     cosign::identity_policy id{"dev@example.com", "", "https://accounts.example.com", ""};
///     auto ok = id.check(info);   // errc::verification_failed naming what the certificate holds
struct identity_policy {
    std::string subject;         ///< a subject alternative name, exactly
    std::string subject_regexp;  ///< or a regular expression (Go RE2 syntax, re2_to_ecmascript) one SAN must match
    std::string issuer;          ///< the Fulcio OIDC issuer extension, exactly
    std::string issuer_regexp;   ///< or a regular expression it must match

    /// True when a subject (exact or regexp) is required.
    bool has_subject() const noexcept { return !subject.empty() || !subject_regexp.empty(); }
    /// True when an issuer (exact or regexp) is required.
    bool has_issuer() const noexcept { return !issuer.empty() || !issuer_regexp.empty(); }

    /// Checks a certificate's SANs and OIDC issuer (Fulcio's extension .1.8, else .1.1). A
    /// regular expression RE2 and ECMAScript would read differently, or a malformed one, is
    /// errc::invalid_argument (malformed: with exceptions enabled; std::regex cannot report it otherwise);
    /// a certificate that does not match is errc::verification_failed listing its subjects and issuer.
    result<void> check(const certificate_info& info) const {
        const std::string oidc_issuer = info.oidc_issuer();
        const auto sans = info.subject_alternative_names();
        std::string err;
        bool issuer_ok = true;
        if (!issuer_regexp.empty()) {
            issuer_ok = search(issuer_regexp, oidc_issuer, err);
            if (!err.empty())
                return fail(errc::invalid_argument, "malformed issuer in identity: " + issuer_regexp + " : " + err);
        } else if (!issuer.empty()) {
            issuer_ok = issuer == oidc_issuer;
        }
        bool subject_ok = !has_subject();
        for (const auto& san : sans) {
            if (!subject_regexp.empty()) {
                if (search(subject_regexp, san, err)) subject_ok = true;
                if (!err.empty())
                    return fail(errc::invalid_argument, "malformed subject in identity: " + subject_regexp + " : " + err);
            } else if (!subject.empty() && san == subject) {
                subject_ok = true;
            }
        }
        if (subject_ok && issuer_ok) return {};
        std::string list;
        for (std::size_t i = 0; i < sans.size(); ++i) list += (i ? ", " : "") + sans[i];
        return fail(errc::verification_failed, "none of the expected identities matched what was in the certificate, got subjects [" +
                                                   list + "] with issuer " + oidc_issuer);
    }

    /// Both regular expressions carried over from RE2 (errc::invalid_argument naming what is
    /// refused): what a command line checks before any request.
    result<void> check_regexps() const {
        for (const auto* re : {&subject_regexp, &issuer_regexp}) {
            if (re->empty()) continue;
            if (auto t = re2_to_ecmascript(*re); !t) return std::move(t).error();
            std::string err;
            search(*re, std::string(), err);
            if (!err.empty()) return fail(errc::invalid_argument, "malformed regular expression " + *re + " : " + err);
        }
        return {};
    }

private:
    static bool search(const std::string& re, const std::string& s, std::string& err) {
        auto t = re2_to_ecmascript(re);
        if (!t) {
            err = t.error().message();
            return false;
        }
#if defined(__cpp_exceptions)
        try {
            return std::regex_search(s, std::regex(t->pattern, t->flags()));
        } catch (const std::regex_error& e) {
            err = e.what();
            return false;
        }
#else
        (void)err;
        return std::regex_search(s, std::regex(t->pattern, t->flags()));
#endif
    }
};

}  // namespace v0
}  // namespace cosign
