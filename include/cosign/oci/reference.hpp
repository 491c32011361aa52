// SPDX-License-Identifier: Apache-2.0
/// Image references parsed exactly as go-containerregistry's name.ParseReference (weak validation).
///
/// cosign v2.6.4 pins go-containerregistry v0.20.7 and the rules below are that version's
/// (pkg/name/{ref,tag,digest,registry,repository,check}.go), checked against the cosign binaries:
///  * the first path component is a registry only if it contains '.' or ':' (so `localhost/x`
///    is the Docker Hub repository `localhost/x`; newer ggcr treats `localhost` as a registry);
///  * a repository is 2 to 255 characters of `a-z 0-9 _ - . /` (`a//b` is accepted);
///  * a tag is 1 to 128 characters of `A-Z a-z 0-9 _ - .` (it may start with `.` or `-`), and
///    a ':' must be followed by one (`foo:` is refused; cosign 2.5 and older accepted it);
///  * a digest is `sha256:` and 64 lower-case hex digits; with `repo:tag@digest` the digest wins;
///  * the registry must be a valid RFC 3986 authority (Go's url.Parse round trip);
///  * `docker.io` and no registry become `index.docker.io`, one-component names get `library/`
///    (a digest reference re-parses `registry/repository`, so there `library/` must fit in 255).
/// Two deliberate differences, both only for input that cannot name a registry: a URL scheme
/// (`https://…`) is refused with newer ggcr's message, and a bracketed host must hold an IPv6
/// address (Go 1.24.8+ url.Parse; older Go accepted `[foo]:5000`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "../core/result.hpp"
#include "digest.hpp"

namespace cosign {
inline namespace v0 {
namespace oci {

/// go-containerregistry's name.DefaultRegistry.
inline constexpr std::string_view default_registry = "index.docker.io";
/// go-containerregistry's name.DefaultTag.
inline constexpr std::string_view default_tag = "latest";

namespace detail {

// utf8.RuneCountInString: every byte that does not continue a sequence starts a rune.
inline std::size_t rune_count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

// checkElement of ggcr's check.go; returns the problem in ggcr's words, or "".
inline std::string check_element(std::string_view what, std::string_view element, std::string_view allowed,
                                 std::size_t min_runes, std::size_t max_runes) {
    std::size_t n = rune_count(element);
    if (n < min_runes || n > max_runes)
        return std::string(what) + " must be between " + std::to_string(min_runes) + " and " +
               std::to_string(max_runes) + " characters in length: " + std::string(element);
    for (char c : element)
        if (allowed.find(c) == std::string_view::npos)
            return std::string(what) + " can only contain the characters `" + std::string(allowed) +
                   "`: " + std::string(element);
    return {};
}

inline constexpr std::string_view repository_chars = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
inline constexpr std::string_view tag_chars = "abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ";

inline bool is_digits(std::string_view s) noexcept {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

inline bool is_hex_digit(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Go's validOptionalPort: "" or ':' followed by digits (possibly none).
inline bool valid_optional_port(std::string_view p) noexcept {
    return p.empty() || (p[0] == ':' && is_digits(p.substr(1)));
}

// A dotted-quad IPv4 address as Go's net.ParseIP reads it (no leading zeros).
inline bool parse_ipv4(std::string_view s, unsigned char out[4] = nullptr) noexcept {
    int part = 0;
    std::size_t i = 0;
    while (part < 4) {
        std::size_t start = i;
        unsigned v = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 4) v = v * 10 + unsigned(s[i++] - '0');
        std::size_t len = i - start;
        if (len == 0 || len > 3 || v > 255 || (len > 1 && s[start] == '0')) return false;
        if (out) out[part] = static_cast<unsigned char>(v);
        ++part;
        if (part < 4) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
    }
    return i == s.size();
}

// An IPv6 address (RFC 4291 text forms, optional trailing dotted IPv4), as netip.ParseAddr.
inline bool is_ipv6(std::string_view s) noexcept {
    int groups = 0;
    bool ellipsis = false;
    std::size_t i = 0;
    if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
        ellipsis = true;
        i = 2;
        if (i == s.size()) return true;
    }
    while (i < s.size()) {
        std::size_t start = i;
        while (i < s.size() && i - start < 5 && is_hex_digit(s[i])) ++i;
        std::size_t len = i - start;
        if (i < s.size() && s[i] == '.') {  // trailing IPv4 takes two groups
            if (groups > 6 || !parse_ipv4(s.substr(start))) return false;
            groups += 2;
            i = s.size();
            break;
        }
        if (len == 0 || len > 4) return false;
        ++groups;
        if (i == s.size()) break;
        if (s[i] != ':') return false;
        ++i;
        if (i < s.size() && s[i] == ':') {
            if (ellipsis) return false;
            ellipsis = true;
            ++i;
            if (i == s.size()) break;
        } else if (i == s.size()) {
            return false;  // trailing single ':'
        }
    }
    return ellipsis ? groups < 8 : groups == 8;
}

// checkRegistry: url.Parse("//" + name) must succeed and give back name as its Host.
inline bool valid_authority(std::string_view name) noexcept {
    for (char ch : name) {
        auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) continue;  // Go leaves non-ASCII bytes of a host alone
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
        switch (c) {
            case '-': case '_': case '.': case '~':
            case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
            case ',': case ';': case '=': case ':': case '[': case ']': case '<': case '>': case '"':
                continue;
            default:
                return false;  // controls, space, %, /, ?, #, @ and the rest change or break the parse
        }
    }
    if (!name.empty() && name[0] == '[') {
        auto close = name.rfind(']');
        if (close == std::string_view::npos) return false;
        if (!valid_optional_port(name.substr(close + 1))) return false;
        std::string_view inside = name.substr(1, close - 1);
        return is_ipv6(inside) && !parse_ipv4(inside);
    }
    auto colon = name.rfind(':');
    return colon == std::string_view::npos || valid_optional_port(name.substr(colon));
}

inline error bad_name(std::string message) { return error(errc::invalid_reference, std::move(message)); }

}  // namespace detail

struct reference;

/// A repository (registry + path, no tag or digest), as ggcr's name.Repository; what
/// COSIGN_REPOSITORY names.
struct repository_name {
    /// Registry host with optional port, normalised (`index.docker.io` for Docker Hub).
    std::string registry;
    /// Repository path, with `library/` added for one-component Docker Hub names.
    std::string repository;

    /// `registry/repository`: ggcr's Repository.Name(), what cosign writes as docker-reference.
    std::string str() const { return registry + "/" + repository; }
    /// The token scope for an action ("pull", "push,pull"): `repository:<repo>:<action>`.
    std::string scope(std::string_view action) const {
        return "repository:" + repository + ":" + std::string(action);
    }
    /// The host to contact. ggcr talks to `index.docker.io` itself, so this is the registry.
    const std::string& api_host() const noexcept { return registry; }
    /// ggcr v0.20.7's Registry.Scheme() without the Insecure option: "http" for RFC 1918
    /// IPv4, `localhost[:port]`, names ending `.local`/`.localhost` (optional port), and any
    /// name containing `127.0.0.1` or `::1`; "https" otherwise.
    std::string default_scheme() const {
        const std::string& n = registry;
        std::string_view ip = std::string_view(n).substr(0, n.find(':'));
        unsigned char a[4];
        if (detail::parse_ipv4(ip, a) &&
            (a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168)))
            return "http";
        if (n == "localhost" || n.rfind("localhost:", 0) == 0) return "http";
        {
            std::string_view rest = n;
            auto colon = rest.rfind(':');
            if (colon != std::string_view::npos) {
                auto port = rest.substr(colon + 1);
                if (!port.empty() && port.size() <= 5 && detail::is_digits(port)) rest = rest.substr(0, colon);
            }
            auto ends = [&](std::string_view suf) {
                return rest.size() >= suf.size() && rest.substr(rest.size() - suf.size()) == suf;
            };
            if (ends(".local") || ends(".localhost")) return "http";
        }
        if (n.find("127.0.0.1") != std::string::npos || n.find("::1") != std::string::npos) return "http";
        return "https";
    }
    /// True for `localhost`, `*.localhost`, 127.0.0.0/8 and ::1, with or without a port.
    bool is_loopback_registry() const {
        std::string_view h = registry;
        if (!h.empty() && h[0] == '[') {
            auto close = h.find(']');
            h = close == std::string_view::npos ? h : h.substr(1, close - 1);
        } else if (auto colon = h.find(':'); colon != std::string_view::npos && h.find(':', colon + 1) == std::string_view::npos) {
            h = h.substr(0, colon);
        }
        if (h == "localhost" || (h.size() > 10 && h.substr(h.size() - 10) == ".localhost")) return true;
        unsigned char a[4];
        if (detail::parse_ipv4(h, a)) return a[0] == 127;
        return h == "::1" || h == "0:0:0:0:0:0:0:1";
    }

    /// `repo:tag` in this repository (ggcr's Repository.Tag: the tag is not validated).
    reference with_tag(std::string_view tag) const;
    /// `repo@digest` in this repository (ggcr's Repository.Digest).
    reference with_digest(const digest& d) const;

    friend bool operator==(const repository_name& a, const repository_name& b) {
        return a.registry == b.registry && a.repository == b.repository;
    }
    friend bool operator!=(const repository_name& a, const repository_name& b) { return !(a == b); }
};

namespace detail {
// ggcr's NewRepository (weak validation).
inline result<repository_name> new_repository(std::string_view name) {
    if (name.empty()) return bad_name("a repository name must be specified");
    std::string_view registry, repo = name;
    auto slash = name.find('/');
    if (slash != std::string_view::npos) {
        std::string_view first = name.substr(0, slash);
        if (first.find_first_of(".:") != std::string_view::npos) {
            registry = first;
            repo = name.substr(slash + 1);
        }
    }
    if (auto p = check_element("repository", repo, repository_chars, 2, 255); !p.empty()) return bad_name(p);
    if (!valid_authority(registry))
        return bad_name("registries must be valid RFC 3986 URI authorities: " + std::string(registry));
    repository_name out;
    out.registry = registry.empty() || registry == "docker.io" ? std::string(default_registry) : std::string(registry);
    out.repository = std::string(repo);
    if (out.registry == default_registry && repo.find('/') == std::string_view::npos)
        out.repository = "library/" + out.repository;
    return out;
}
}  // namespace detail

/// Parses a repository name without tag or digest (ggcr's name.NewRepository), as cosign
/// reads COSIGN_REPOSITORY: `registry.example.com/sigs`, `user/sigs` (Docker Hub).
inline result<repository_name> parse_repository(std::string_view s) {
    auto r = detail::new_repository(s);
    if (!r) return fail(errc::invalid_reference, "invalid repository \"" + std::string(s) + "\": " + r.error().message());
    return r;
}

/// A parsed image reference: repository plus tag, digest, or both (the digest wins).
///
///     auto r = oci::reference::parse("ubuntu:22.04");
///     r->context();   // "index.docker.io/library/ubuntu"
///     r->str();       // "index.docker.io/library/ubuntu:22.04"
struct reference {
    /// Registry host with optional port, normalised (`index.docker.io` for Docker Hub).
    std::string registry;
    /// Repository path (`library/ubuntu`).
    std::string repository;
    /// The tag as written, or "" when none was given. With a digest it is kept for display only.
    std::string tag;
    /// The digest, when the reference names one.
    std::optional<oci::digest> digest;
    /// The text that was parsed (ggcr's String()); empty for references built in code.
    std::string original;

    /// Parses as name.ParseReference: first as a tag reference, then as a digest reference.
    static result<reference> parse(std::string_view s) {
        auto fail_with = [&](const std::string& why) -> result<reference> {
            return detail::bad_name("could not parse reference: " + std::string(s) + ": " + why);
        };
        if (s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0)
            return detail::bad_name("image reference must not contain a URL scheme (http:// or https://): " +
                                    std::string(s));
        auto as_tag = parse_tag(s);
        if (as_tag) return as_tag;
        // NewDigest: exactly one '@', `sha256:` and 64 lower-case hex digits (go-digest's
        // Validate), then the base as a tag reference (its repository is kept; ggcr drops the tag).
        auto at = s.find('@');
        if (at == std::string_view::npos) return fail_with(as_tag.error().message());
        if (s.find('@', at + 1) != std::string_view::npos)
            return fail_with("a digest must contain exactly one '@' separator (e.g. registry/repository@digest) saw: " +
                             std::string(s));
        std::string_view dg = s.substr(at + 1);
        if (dg.substr(0, 7) != "sha256:") return fail_with("unsupported digest algorithm: " + std::string(dg));
        if (dg.size() != 7 + 64) return fail_with("invalid checksum digest length");
        auto d = oci::digest::parse(dg);
        if (!d) return fail_with("invalid checksum digest format");
        auto base = parse_tag(s.substr(0, at));
        if (!base) return fail_with(base.error().message());
        // ggcr parses the tag reference's Name() again, so `library/` must fit in 255 characters.
        if (auto again = detail::new_repository(base->context()); !again) return fail_with(again.error().message());
        reference out = std::move(*base);
        out.digest = std::move(*d);
        out.original = std::string(s);
        return out;
    }

    /// The repository part (ggcr's Context()).
    repository_name repo() const { return {registry, repository}; }
    /// `registry/repository`: ggcr's Context().Name(), what cosign writes as docker-reference.
    std::string context() const { return registry + "/" + repository; }
    /// The digest text if there is one, else the tag, else `latest` (ggcr's Identifier()).
    std::string identifier() const {
        if (digest) return digest->str();
        return tag.empty() ? std::string(default_tag) : tag;
    }
    /// The fully-qualified name (ggcr's Name()): `registry/repo@sha256:…` when a digest is
    /// present, else `registry/repo:tag` (`:latest` when no tag was given). Docker Hub names keep
    /// `index.docker.io/`.
    std::string str() const { return context() + (digest ? "@" : ":") + identifier(); }
    /// True when the reference names a digest.
    bool has_digest() const noexcept { return digest.has_value(); }
    /// The same repository at a digest (ggcr's ref.Context().Digest(d)); the tag is kept for display.
    reference with_digest(const oci::digest& d) const {
        reference r = *this;
        r.digest = d;
        r.original = r.str();
        return r;
    }
    /// See repository_name::default_scheme.
    std::string default_scheme() const { return repo().default_scheme(); }
    /// See repository_name::is_loopback_registry.
    bool is_loopback_registry() const { return repo().is_loopback_registry(); }
    /// See repository_name::api_host.
    std::string api_host() const { return registry; }

    friend bool operator==(const reference& a, const reference& b) {
        return a.registry == b.registry && a.repository == b.repository && a.identifier() == b.identifier();
    }
    friend bool operator!=(const reference& a, const reference& b) { return !(a == b); }

private:
    // ggcr's NewTag (weak validation).
    static result<reference> parse_tag(std::string_view name) {
        std::string_view base = name, tag;
        auto colon = name.rfind(':');
        if (colon != std::string_view::npos && name.find('/', colon + 1) == std::string_view::npos) {
            base = name.substr(0, colon);
            tag = name.substr(colon + 1);
            if (tag.empty()) return detail::bad_name(std::string(name) + " must specify a tag name after the colon");
        }
        if (!tag.empty())
            if (auto p = detail::check_element("tag", tag, detail::tag_chars, 1, 128); !p.empty())
                return detail::bad_name(p);
        COSIGN_TRY(auto repo, detail::new_repository(base));
        reference out;
        out.registry = std::move(repo.registry);
        out.repository = std::move(repo.repository);
        out.tag = std::string(tag);
        out.original = std::string(name);
        return out;
    }
};

inline reference repository_name::with_tag(std::string_view tag) const {
    reference r;
    r.registry = registry;
    r.repository = repository;
    r.tag = std::string(tag);
    r.original = r.str();
    return r;
}

inline reference repository_name::with_digest(const digest& d) const {
    reference r;
    r.registry = registry;
    r.repository = repository;
    r.digest = d;
    r.original = r.str();
    return r;
}

}  // namespace oci
}  // namespace v0
}  // namespace cosign
