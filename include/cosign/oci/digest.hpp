// SPDX-License-Identifier: Apache-2.0
/// OCI content digests (`sha256:<hex>`) and cosign's tag rule `sha256-<hex>.sig`.
#pragma once

#include <string>
#include <string_view>

#include "../core/bytes.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"

namespace cosign {
inline namespace v0 {
namespace oci {

/// A validated content digest: `sha256:` and 64 lower-case hex digits (or `sha512:` and 128,
/// accepted when parsing only). A default-constructed digest is empty: "no digest".
///
///     auto d = oci::digest::parse("sha256:9614…b8d6");   // result<digest>
///     oci::digest e = oci::digest::of(payload);           // sha256 of the bytes
class digest {
public:
    digest() = default;

    /// Parses `algorithm:hex`. Only lower-case hex is accepted, as go-containerregistry's
    /// v1.Hash and the OCI go-digest regular expressions do.
    static result<digest> parse(std::string_view s) {
        auto colon = s.find(':');
        if (colon == std::string_view::npos)
            return fail(errc::invalid_argument, "invalid digest \"" + std::string(s) + "\": missing ':'");
        std::string_view alg = s.substr(0, colon), hx = s.substr(colon + 1);
        std::size_t want = 0;
        if (alg == "sha256") want = 64;
        else if (alg == "sha512") want = 128;
        else
            return fail(errc::invalid_argument,
                        "invalid digest \"" + std::string(s) + "\": unsupported algorithm \"" + std::string(alg) + "\"");
        if (hx.size() != want)
            return fail(errc::invalid_argument, "invalid digest \"" + std::string(s) + "\": " + std::string(alg) +
                                                    " needs " + std::to_string(want) + " hex digits");
        for (char c : hx)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                return fail(errc::invalid_argument,
                            "invalid digest \"" + std::string(s) + "\": not lower-case hex");
        digest d;
        d.value_ = std::string(s);
        return d;
    }

    /// The sha256 digest of a byte range.
    static digest of(byte_view data) {
        digest d;
        d.value_ = "sha256:" + sha256(data).hex();
        return d;
    }

    /// `algorithm:hex`, or "" when empty.
    const std::string& str() const noexcept { return value_; }
    /// `sha256` (or `sha512`), or "" when empty.
    std::string_view algorithm() const noexcept {
        auto c = value_.find(':');
        return c == std::string::npos ? std::string_view() : std::string_view(value_).substr(0, c);
    }
    /// The hex part, or "" when empty.
    std::string_view hex() const noexcept {
        auto c = value_.find(':');
        return c == std::string::npos ? std::string_view() : std::string_view(value_).substr(c + 1);
    }
    bool empty() const noexcept { return value_.empty(); }

    friend bool operator==(const digest& a, const digest& b) noexcept { return a.value_ == b.value_; }
    friend bool operator!=(const digest& a, const digest& b) noexcept { return a.value_ != b.value_; }
    friend bool operator<(const digest& a, const digest& b) noexcept { return a.value_ < b.value_; }

private:
    std::string value_;
};

/// The tag cosign stores attachments under: `[prefix]<alg>-<hex>.<suffix>`
/// (`normalize` in cosign's pkg/oci/remote/remote.go), e.g. `sha256-9614….sig`.
inline std::string signature_tag(const digest& d, std::string_view suffix = "sig", std::string_view prefix = "") {
    std::string out(prefix);
    out += d.algorithm();
    out += '-';
    out += d.hex();
    out += '.';
    out += suffix;
    return out;
}

/// The OCI 1.1 referrers fallback tag, `<alg>-<hex>` (go-containerregistry's remote.Write).
inline std::string referrers_fallback_tag(const digest& d) {
    std::string out(d.algorithm());
    out += '-';
    out += d.hex();
    return out;
}

}  // namespace oci
}  // namespace v0
}  // namespace cosign
