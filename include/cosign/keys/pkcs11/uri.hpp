// SPDX-License-Identifier: Apache-2.0
/// `pkcs11:` key URIs (RFC 7512) as cosign accepts and writes them: a pure parser, no I/O.
///
///     pkcs11:token=signing;object=release?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234
///
/// Path attributes (before `?`): `token` (label) or `slot-id` (one is required), `object` (label)
/// or `id` (percent-encoded bytes; one is required). Query attributes: `module-path` (else
/// COSIGN_PKCS11_MODULE_PATH, resolved by the key source) and `pin-value` (else COSIGN_PKCS11_PIN
/// or a prompt). As in cosign, `;` and `&` both separate attributes. Unlike cosign (Go's
/// url.ParseQuery), `+` stays a plus sign, as RFC 7512 says; the writer percent-encodes it, so
/// URIs written here mean the same to both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../../core/bytes.hpp"
#include "../../core/result.hpp"

namespace cosign {
inline namespace v0 {

/// A parsed `pkcs11:` URI. The PIN is held wiped and never appears in display().
struct pkcs11_uri {
    std::string token;                        ///< token label (`token=`), empty when absent
    std::optional<unsigned long> slot_id;     ///< slot ID (`slot-id=`)
    std::string object;                       ///< key label (`object=`), empty when absent
    bytes id;                                 ///< key ID bytes (`id=`), empty when absent
    std::string module_path;                  ///< `module-path=`, empty when absent
    secure_bytes pin;                         ///< `pin-value=`, empty when absent
    bool has_pin = false;                     ///< true when `pin-value=` was given

    /// Parses `text`; errors name the attribute that is wrong. Does not read the environment.
    static result<pkcs11_uri> parse(std::string_view text);

    /// The URI without its query (no module path, no PIN): safe for messages and logs.
    std::string display() const;

    /// The URI as cosign's `pkcs11-tool list-keys-uris` writes it (token, slot-id, id, object,
    /// then module-path), but never with the PIN.
    std::string to_string() const;
};

namespace detail {
namespace p11uri {

inline bool is_unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/// Percent-encodes every byte outside `allowed` (cosign's character sets, without `&` and `+`).
inline std::string encode(byte_view in, bool path) {
    static constexpr std::string_view path_extra = ":[]@!$'()*,=";
    static constexpr std::string_view query_extra = ":[]@!$'()*,=/?|";
    const std::string_view extra = path ? path_extra : query_extra;
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : in) {
        char c = static_cast<char>(b);
        if (is_unreserved(c) || extra.find(c) != std::string_view::npos) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(digits[b >> 4]);
            out.push_back(digits[b & 0xf]);
        }
    }
    return out;
}

/// Every byte as %xx (cosign writes `id=` this way).
inline std::string encode_all(byte_view in) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : in) {
        out.push_back('%');
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
    return out;
}

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes %XX escapes into `out`; false on a truncated or non-hex escape.
template <class Out>
bool decode(std::string_view in, Out& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out.push_back(static_cast<typename Out::value_type>(in[i]));
            continue;
        }
        if (i + 2 >= in.size()) return false;
        int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<typename Out::value_type>(static_cast<unsigned char>(hi * 16 + lo)));
        i += 2;
    }
    return true;
}

inline bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
    for (std::string_view n : names)
        if (n == name) return true;
    return false;
}

}  // namespace p11uri
}  // namespace detail

inline result<pkcs11_uri> pkcs11_uri::parse(std::string_view text) {
    using namespace detail::p11uri;
    static constexpr std::string_view scheme = "pkcs11:";
    if (text.substr(0, scheme.size()) != scheme)
        return fail(errc::invalid_argument, "invalid pkcs11 URI: it must start with \"pkcs11:\"");
    std::string_view rest = text.substr(scheme.size());
    std::string_view path = rest, query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        path = rest.substr(0, q);
        query = rest.substr(q + 1);
    }
    if (auto h = query.find('#'); h != std::string_view::npos) query = query.substr(0, h);

    pkcs11_uri out;
    bool seen_token = false, seen_slot = false, seen_object = false, seen_id = false, seen_module = false;
    auto duplicate = [](std::string_view name) {
        return fail(errc::invalid_argument,
                    "invalid pkcs11 URI: attribute \"" + std::string(name) + "\" appears more than once");
    };
    // Walks one part; in_path tells which attributes belong there.
    auto walk = [&](std::string_view part, bool in_path) -> result<void> {
        std::size_t pos = 0;
        while (pos <= part.size()) {
            std::size_t end = part.find_first_of(";&", pos);
            if (end == std::string_view::npos) end = part.size();
            std::string_view attr = part.substr(pos, end - pos);
            pos = end + 1;
            if (attr.empty()) continue;
            const std::size_t eq = attr.find('=');
            if (eq == std::string_view::npos) {
                // Name only known attributes: a bare word here may be a PIN typed without pin-value=.
                const bool known = is_one_of(attr, {"token", "slot-id", "object", "id", "module-path", "pin-value"});
                return fail(errc::invalid_argument,
                            "invalid pkcs11 URI: " +
                                (known ? "attribute \"" + std::string(attr) + "\" has no value"
                                       : std::string("an attribute without a value (name=value) in the ") +
                                             (in_path ? "path" : "query")));
            }
            std::string_view name = attr.substr(0, eq), raw = attr.substr(eq + 1);
            const std::string where = in_path ? "path" : "query";
            const std::string bad_value = "invalid pkcs11 URI: bad percent-encoding in the value of \"" +
                                          std::string(name) + "\"";
            const bool path_attr = is_one_of(name, {"token", "slot-id", "object", "id"});
            const bool query_attr = is_one_of(name, {"module-path", "pin-value"});
            if ((path_attr && !in_path) || (query_attr && in_path))
                return fail(errc::invalid_argument,
                            "invalid pkcs11 URI: attribute \"" + std::string(name) + "\" belongs in the " +
                                (in_path ? "query (after ?)" : "path (before ?)") + ", not the " + where);
            if (name == "pin-value") {
                if (out.has_pin) return duplicate(name);
                if (!decode(raw, out.pin)) return fail(errc::invalid_argument, bad_value);
                out.has_pin = true;
            } else if (name == "id") {
                if (seen_id) return duplicate(name);
                seen_id = true;
                if (!decode(raw, out.id)) return fail(errc::invalid_argument, bad_value);
            } else if (path_attr || name == "module-path") {
                std::string value;
                if (!decode(raw, value)) return fail(errc::invalid_argument, bad_value);
                bool& seen = name == "token" ? seen_token
                             : name == "slot-id" ? seen_slot
                             : name == "object" ? seen_object
                                                : seen_module;
                if (seen) return duplicate(name);
                seen = true;
                if (name == "token") {
                    out.token = std::move(value);
                } else if (name == "object") {
                    out.object = std::move(value);
                } else if (name == "module-path") {
                    out.module_path = std::move(value);
                } else if (!value.empty()) {  // slot-id: a decimal number, as cosign's strconv.Atoi
                    unsigned long n = 0;
                    for (char c : value) {
                        if (c < '0' || c > '9' || n > (~0UL - 9) / 10)
                            return fail(errc::invalid_argument,
                                        "invalid pkcs11 URI: slot-id '" + value + "' is not a valid number");
                        n = n * 10 + static_cast<unsigned long>(c - '0');
                    }
                    out.slot_id = n;
                }
            } else if (!is_one_of(name, {"library-description", "library-manufacturer", "library-version",
                                         "manufacturer", "model", "serial", "slot-description",
                                         "slot-manufacturer", "type", "pin-source", "module-name"}) &&
                       name.substr(0, 2) != "x-") {
                // RFC 7512's other attributes and vendor x- attributes are ignored, as by cosign;
                // anything else is most likely a typo of one of ours.
                return fail(errc::invalid_argument,
                            "invalid pkcs11 URI: unknown attribute \"" + std::string(name) + "\" in the " + where);
            }
        }
        return {};
    };
    COSIGN_TRY_VOID(walk(path, true));
    COSIGN_TRY_VOID(walk(query, false));
    if (out.token.empty() && !out.slot_id)
        return fail(errc::invalid_argument, "invalid pkcs11 URI: one of token and slot-id must be set");
    if (out.object.empty() && out.id.empty())
        return fail(errc::invalid_argument, "invalid pkcs11 URI: one of object and id must be set");
    return out;
}

inline std::string pkcs11_uri::display() const {
    using namespace detail::p11uri;
    std::string s = "pkcs11:";
    const char* sep = "";
    if (!token.empty()) {
        s += "token=" + encode(token, true);
        sep = ";";
    }
    if (slot_id) {
        s += sep + std::string("slot-id=") + std::to_string(*slot_id);
        sep = ";";
    }
    if (!id.empty()) {
        s += sep + std::string("id=") + encode_all(id);
        sep = ";";
    }
    if (!object.empty()) s += sep + std::string("object=") + encode(object, true);
    return s;
}

inline std::string pkcs11_uri::to_string() const {
    std::string s = display();
    if (!module_path.empty()) s += "?module-path=" + detail::p11uri::encode(module_path, false);
    return s;
}

}  // namespace v0
}  // namespace cosign
