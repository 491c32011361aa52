// SPDX-License-Identifier: Apache-2.0
/// Command-line plumbing of cosign-cpp: pflag-style flags, cosign's error output and exit codes.
#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <cosign/core/error.hpp>

namespace cli {

/// How a flag takes its value, as pflag's types do (a number is read as a string; the kind
/// only changes how --help shows its default).
enum class kind { string, boolean, slice, number };

/// One flag of a command: its table is what the parser accepts and what --help lists.
struct flag {
    std::string name;       // long name without dashes
    char shorthand = 0;     // 0: none
    kind type = kind::string;
    std::string default_value;
    std::string help;       // cosign's description, plus what this build does differently
    /// Accepted so that cosign's command lines parse, but refused when set (a boolean: when
    /// true): --help lists it under "Not supported in this build".
    bool unsupported = false;
};

/// Parsed flags and positional arguments of one command.
class args {
public:
    std::vector<std::string> positional;

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    /// The flag's value: last occurrence, or the COSIGN_<NAME> environment variable, or the default.
    std::string get(const std::string& name) const {
        auto it = values_.find(name);
        if (it != values_.end() && !it->second.empty()) return it->second.back();
        auto d = defaults_.find(name);
        return d == defaults_.end() ? std::string() : d->second;
    }
    bool get_bool(const std::string& name) const {
        std::string v = get(name);
        return v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True";
    }
    const std::vector<std::string>& get_all(const std::string& name) const {
        static const std::vector<std::string> none;
        auto it = values_.find(name);
        return it == values_.end() ? none : it->second;
    }

    std::map<std::string, std::vector<std::string>> values_;
    std::map<std::string, std::string> defaults_;
};

inline bool parse_bool_text(const std::string& v, bool& out) {
    if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") { out = true; return true; }
    if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") { out = false; return true; }
    return false;
}

/// Environment variable cosign binds to a flag with a dash: --tlog-upload -> COSIGN_TLOG_UPLOAD.
inline std::string env_name_of(const std::string& flag_name) {
    std::string e = "COSIGN_";
    for (char c : flag_name) e += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return e;
}

/// Parses argv as pflag does: --name=value, --name value, -n value, -nvalue, bool flags without a
/// value, --name=false, interspersed positionals, "--" ends flags. Single-dash long flags
/// (-key) are rewritten to --key with a warning, as cosign does. Returns an error message or "".
inline std::string parse(const std::vector<flag>& spec, const std::vector<std::string>& argv, args& out) {
    // Every command has cobra's -h/--help; a true one never gets here (see wants_help), a
    // --help=false is accepted and does nothing, as in cosign.
    static const flag help_flag{"help", 'h', kind::boolean, "false", "help"};
    auto find_long = [&](const std::string& n) -> const flag* {
        for (const auto& f : spec)
            if (f.name == n) return &f;
        if (n == "help") return &help_flag;
        // cosign's aliases (--cert -> --certificate, ...)
        static const std::map<std::string, std::string> aliases = {
            {"cert", "certificate"}, {"cert-chain", "certificate-chain"}, {"output-cert", "output-certificate"},
            {"cert-identity", "certificate-identity"}, {"cert-oidc-issuer", "certificate-oidc-issuer"}};
        auto a = aliases.find(n);
        if (a != aliases.end())
            for (const auto& f : spec)
                if (f.name == a->second) return &f;
        return nullptr;
    };
    auto find_short = [&](char c) -> const flag* {
        for (const auto& f : spec)
            if (f.shorthand == c) return &f;
        return c == 'h' ? &help_flag : nullptr;
    };
    for (const auto& f : spec) out.defaults_[f.name] = f.default_value;

    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string a = argv[i];
        if (a == "--") {
            for (++i; i < argv.size(); ++i) out.positional.push_back(argv[i]);
            break;
        }
        if (a.size() > 2 && a[0] == '-' && a[1] != '-') {
            // "-key" (a long name with one dash) -> "--key", as cosign's main.go does.
            std::string body = a.substr(1);
            std::string nm = body.substr(0, body.find('='));
            if (nm.size() > 1 && find_long(nm)) {
                std::cerr << "WARNING: the flag " << a << " is deprecated and will be removed in a future release. "
                          << "Please use the flag --" << body << ".\n";
                a = "--" + body;
            }
        }
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            std::string body = a.substr(2);
            std::string name = body, value;
            bool has_value = false;
            auto eq = body.find('=');
            if (eq != std::string::npos) {
                name = body.substr(0, eq);
                value = body.substr(eq + 1);
                has_value = true;
            }
            const flag* f = find_long(name);
            if (!f) return "unknown flag: --" + name;
            if (f->type == kind::boolean) {
                bool b = true;
                if (has_value && !parse_bool_text(value, b))
                    return "invalid argument \"" + value + "\" for \"--" + f->name + "\" flag: strconv.ParseBool: parsing \"" + value + "\": invalid syntax";
                out.values_[f->name].push_back(b ? "true" : "false");
                continue;
            }
            if (!has_value) {
                if (i + 1 >= argv.size()) return "flag needs an argument: --" + name;
                value = argv[++i];
            }
            out.values_[f->name].push_back(value);
            continue;
        }
        if (a.size() >= 2 && a[0] == '-' && a != "-") {
            // one or more shorthands: -y, -a k=v, -ak=v, -yk key
            for (std::size_t j = 1; j < a.size(); ++j) {
                const flag* f = find_short(a[j]);
                if (!f) return std::string("unknown shorthand flag: '") + a[j] + "' in " + a;
                if (f->type == kind::boolean) {
                    bool b = true;
                    if (j + 1 < a.size() && a[j + 1] == '=') {
                        if (!parse_bool_text(a.substr(j + 2), b)) return "invalid argument for -" + std::string(1, a[j]);
                        j = a.size();
                    }
                    out.values_[f->name].push_back(b ? "true" : "false");
                    continue;
                }
                std::string value;
                if (j + 1 < a.size()) {
                    value = a.substr(j + 1);
                    if (!value.empty() && value[0] == '=') value.erase(0, 1);
                } else {
                    if (i + 1 >= argv.size()) return std::string("flag needs an argument: '") + a[j] + "' in -" + a[j];
                    value = argv[++i];
                }
                out.values_[f->name].push_back(value);
                break;
            }
            continue;
        }
        out.positional.push_back(a);
    }
    // Flags not given on the command line may come from COSIGN_<FLAG> (viper), for names with a dash.
    for (const auto& f : spec) {
        if (out.values_.count(f.name) || f.name.find('-') == std::string::npos) continue;
        if (const char* e = std::getenv(env_name_of(f.name).c_str())) out.values_[f.name].push_back(e);
    }
    return "";
}

/// Whether argv asks for help: -h, --help or --help=true before "--", as cobra's help flag.
inline bool wants_help(const std::vector<std::string>& argv) {
    for (const auto& a : argv) {
        if (a == "--") return false;
        if (a == "-h" || a == "--help") return true;
        bool b = false;
        if (a.rfind("--help=", 0) == 0 && parse_bool_text(a.substr(7), b) && b) return true;
    }
    return false;
}

/// Exit codes of cosign (cmd/cosign/errors/exit_codes.go).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int generic = 1;
inline constexpr int no_signatures = 10;
inline constexpr int image_not_found = 11;
inline constexpr int no_matching_signature = 12;
inline constexpr int no_certificate = 13;
}  // namespace exit_code

/// Prints an error as cosign 2.x does and returns the exit code.
inline int report(const std::string& message, int code = exit_code::generic) {
    std::cerr << "Error: " << message << "\n";
    std::cerr << "error during command execution: " << message << "\n";
    return code;
}

/// The exit code cosign gives a verification error of this kind.
inline int exit_code_for(cosign::errc e) {
    switch (e) {
        case cosign::errc::no_signatures: return exit_code::no_signatures;
        case cosign::errc::not_found: return exit_code::image_not_found;
        case cosign::errc::verification_failed: return exit_code::no_matching_signature;
        default: return exit_code::generic;
    }
}

/// Asks cosign's yes/no question on stderr; only y/Y continues; EOF or anything else declines.
inline bool confirm_continue(bool skip) {
    if (skip) return true;
    std::cerr << "Are you sure you would like to continue? [y/N] " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return false;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line == "y" || line == "Y";
}

}  // namespace cli
