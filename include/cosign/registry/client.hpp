// SPDX-License-Identifier: Apache-2.0
/// basic_client<Transport>: the OCI distribution API (manifests, blobs, uploads, tags) with auth, over any
/// transport policy.
///
///     cosign::registry::basic_client<cosign::transport::fake_transport> c(fake);
///     auto m = c.get_manifest("127.0.0.1:5000", "demo", "latest");   // bytes, media type, digest
///
/// Registries are named by host ("127.0.0.1:5000", "ghcr.io", "docker.io") and repositories by
/// path ("library/alpine"): plain strings, so the client does not depend on oci/ (the
/// `.sig` writer beside it, signature_writer.hpp, does).
///
/// A tag resolves to the digest of the manifest bytes it names (get_manifest), never to the
/// registry's Docker-Content-Digest header alone: head_manifest, which trusts the header, is for
/// checking whether a tag moved, not for choosing what to sign or verify.
///
/// Round trips are kept low: there is no /v2/ ping; the first 401 teaches the host's auth
/// scheme, Basic credentials from the docker config are sent up front (https or loopback
/// only), bearer tokens are cached per (host, scope) and a push token serves reads too.
/// Blob uploads try the single-request `POST ?digest=` first and remember per host when the
/// registry does not take it. Not thread-safe: use one client per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/deadline.hpp"
#include "../core/hex.hpp"
#include "../core/json_reader.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "../transport/concepts.hpp"
#include "../transport/url.hpp"
#include "auth.hpp"
#include "docker_config.hpp"

namespace cosign {
inline namespace v0 {
namespace registry {

/// What HEAD (or GET) of a manifest tells: its digest, media type and size in bytes.
struct manifest_info {
    std::string digest;      ///< "sha256:<hex>"
    std::string media_type;  ///< Content-Type without parameters
    std::uint64_t size = 0;
};

/// A manifest as fetched: its exact bytes, media type and digest (computed from the bytes).
struct manifest_blob {
    std::string body;
    std::string media_type;
    std::string digest;  ///< "sha256:<hex>" of body
};

/// Options of basic_client.
struct client_options {
    /// Allow plain http for registries that are not loopback (loopback always may fall back).
    bool allow_insecure = false;
    /// Read credentials from the docker config file.
    bool use_docker_config = true;
    /// The docker config file; empty means `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
    std::string docker_config_path;
    /// User-Agent of every request; empty leaves it to the transport.
    std::string user_agent;
    /// When every operation of this client (and of its forks) must have ended, all requests,
    /// token requests and retries included: `cosign::deadline::after(std::chrono::minutes(3))`.
    /// None by default.
    cosign::deadline deadline;
};

/// The media types get_manifest asks for.
inline constexpr const char* manifest_accept_header =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

/// Error codes of the OCI distribution spec, as a registry sends them in `errors[].code`
/// (cosign::error::remote_code() holds the first).
namespace error_code {
inline constexpr std::string_view blob_unknown = "BLOB_UNKNOWN";
inline constexpr std::string_view blob_upload_unknown = "BLOB_UPLOAD_UNKNOWN";
inline constexpr std::string_view digest_invalid = "DIGEST_INVALID";
inline constexpr std::string_view manifest_blob_unknown = "MANIFEST_BLOB_UNKNOWN";
inline constexpr std::string_view manifest_invalid = "MANIFEST_INVALID";
inline constexpr std::string_view manifest_unknown = "MANIFEST_UNKNOWN";
inline constexpr std::string_view name_unknown = "NAME_UNKNOWN";
inline constexpr std::string_view unauthorized = "UNAUTHORIZED";
inline constexpr std::string_view denied = "DENIED";
inline constexpr std::string_view too_many_requests = "TOOMANYREQUESTS";
}  // namespace error_code

/// "sha256:<64 lower-case hex>".
inline bool is_sha256_digest(std::string_view s) noexcept {
    return s.size() == 71 && s.substr(0, 7) == "sha256:" && hex::is_lower_hex(s.substr(7));
}

/// The digest string of content: "sha256:<hex>".
inline std::string sha256_digest(byte_view content) { return "sha256:" + sha256(content).hex(); }

namespace detail {

inline bool valid_repository(std::string_view r) noexcept {
    if (r.empty() || r.size() > 255 || r.front() == '/' || r.back() == '/') return false;
    std::size_t seg = 0;
    for (std::size_t i = 0; i <= r.size(); ++i) {
        if (i == r.size() || r[i] == '/') {
            std::string_view part = r.substr(seg, i - seg);
            if (part.empty() || part == "." || part == "..") return false;
            char f = part.front(), b = part.back();
            bool f_ok = (f >= 'a' && f <= 'z') || (f >= '0' && f <= '9');
            bool b_ok = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9');
            if (!f_ok || !b_ok) return false;
            seg = i + 1;
            continue;
        }
        char c = r[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

inline bool valid_tag(std::string_view t) noexcept {
    if (t.empty() || t.size() > 128) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  (i > 0 && (c == '.' || c == '-'));
        if (!ok) return false;
    }
    return true;
}

inline bool valid_host(std::string_view h) noexcept {
    if (h.empty() || h.size() > 255) return false;
    for (char c : h)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == ':' || c == '[' || c == ']'))
            return false;
    return true;
}

/// Docker Hub's names all mean the API host go-containerregistry talks to.
inline std::string api_host(std::string_view host) {
    if (host == "docker.io" || host == "index.docker.io") return "index.docker.io";
    return std::string(host);
}

inline std::string strip_params(std::string_view media_type) {
    media_type = media_type.substr(0, media_type.find(';'));
    while (!media_type.empty() && (media_type.back() == ' ' || media_type.back() == '\t'))
        media_type.remove_suffix(1);
    while (!media_type.empty() && (media_type.front() == ' ' || media_type.front() == '\t'))
        media_type.remove_prefix(1);
    return std::string(media_type);
}

/// The error for an unexpected status: kind from the status, the HTTP status as backend code,
/// and the registry's own `errors[0]` code and message when the body carries them.
inline error status_error(const transport::response& r, const std::string& what) {
    errc kind = r.status == 401 || r.status == 403 ? errc::unauthorized
                : r.status == 404                  ? errc::not_found
                                                   : errc::registry;
    std::string msg = what + ": HTTP " + std::to_string(r.status);
    std::string remote;
    if (!r.body.empty() && r.body.size() < (64u << 10)) {
        if (auto doc = json::parse(r.body)) {
            if (const json::value* errs = json::member(*doc, "errors");
                errs && errs->IsArray() && !errs->Empty()) {
                const json::value& e0 = (*errs)[0];
                auto code = json::string_member(e0, "code");
                auto m = json::string_member(e0, "message");
                if (code && !code->empty()) {
                    remote = std::string(*code);
                    msg += " " + remote;
                }
                if (m && !m->empty()) msg += ": " + std::string(*m);
            }
        }
    }
    if (kind == errc::unauthorized && msg.find(": ", what.size() + 2) == std::string::npos)
        msg += r.status == 401 ? ": authentication failed (check the credentials for this registry)"
                               : ": access denied (the credentials lack permission for this repository)";
    return error(kind, msg, r.status).with_remote_code(std::move(remote));
}

inline std::uint64_t parse_u64(std::string_view s) noexcept {
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return 0;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

/// The URL of a `Link: <url>; rel="next"` header, or "".
inline std::string next_link(std::string_view link) {
    auto lt = link.find('<');
    auto gt = link.find('>', lt == std::string_view::npos ? 0 : lt);
    if (lt == std::string_view::npos || gt == std::string_view::npos) return {};
    if (link.find("next", gt) == std::string_view::npos) return {};
    return std::string(link.substr(lt + 1, gt - lt - 1));
}

}  // namespace detail

/// The OCI distribution client over a transport policy (see transport/concepts.hpp).
template <class Transport>
class basic_client {
    static_assert(transport::check_transport<Transport>(),
                  "basic_client<Transport>: Transport is not a transport policy");

public:
    using transport_type = Transport;
    using options = client_options;

    basic_client() : basic_client(Transport{}, options{}) {}
    explicit basic_client(Transport t) : basic_client(std::move(t), options{}) {}
    basic_client(Transport t, options o) : transport_(std::move(t)), opts_(std::move(o)) {}

    /// A client for another thread: the same options, credentials, tokens and known schemes,
    /// over a fresh transport (only for transports with `fresh()`, see transport::can_fork_v).
    template <class T = Transport, class = std::enable_if_t<transport::can_fork_v<T>>>
    basic_client fork() const {
        basic_client c(transport_.fresh(), opts_);
        c.hosts_ = hosts_;
        c.tokens_ = tokens_;
        c.config_loaded_ = config_loaded_;
        c.config_ = config_;
        c.config_error_ = config_error_;
        return c;
    }

    /// The transport, for inspection (a fake's recorded requests) or tuning.
    Transport& transport() noexcept { return transport_; }
    const options& get_options() const noexcept { return opts_; }

    /// Uses these credentials for host instead of the docker config's.
    void set_credentials(std::string_view host, credentials c) {
        host_state& hs = state(detail::api_host(host));
        hs.creds = std::move(c);
        hs.creds_loaded = true;
        hs.creds_error.reset();
    }

    /// Announces that repo will be written: tokens for it are asked with pull,push from the
    /// first request on, so a sign (read the image, then write its .sig) fetches one token.
    void prepare_push(std::string_view host, std::string_view repo) {
        state(detail::api_host(host)).push_repos.insert(std::string(repo));
    }

    /// Requests sent so far, token requests included (each redirect hop counts once).
    std::size_t request_count() const noexcept { return requests_; }

    /// HEAD of a manifest by tag or digest: its digest (Docker-Content-Digest), media type and
    /// size. Falls back to GET when the registry gives no digest for a tag. The digest is the
    /// registry's say-so: resolve what is signed or verified with get_manifest.
    result<manifest_info> head_manifest(std::string_view host, std::string_view repo, std::string_view ref) {
        COSIGN_TRY_VOID(check_names(host, repo, ref));
        std::string h = detail::api_host(host);
        op o;
        o.method = "HEAD";
        o.target = manifest_path(repo, ref);
        o.repo = std::string(repo);
        o.headers.emplace_back("Accept", manifest_accept_header);
        COSIGN_TRY(transport::response r, exchange(h, o));
        if (r.status != 200)
            return detail::status_error(r, "HEAD manifest " + std::string(repo) + ":" + std::string(ref));
        manifest_info info;
        info.digest = r.header("Docker-Content-Digest");
        info.media_type = detail::strip_params(r.header("Content-Type"));
        info.size = detail::parse_u64(r.header("Content-Length"));
        bool by_digest = is_sha256_digest(ref);
        if (!info.digest.empty() && !is_sha256_digest(info.digest))
            return fail(errc::registry,
                        "registry gave an invalid Docker-Content-Digest for " + std::string(repo));
        if (by_digest && !info.digest.empty() && info.digest != ref)
            return fail(errc::registry,
                        "registry answered HEAD " + std::string(ref) + " with digest " + info.digest);
        if (by_digest) info.digest = std::string(ref);
        if (info.digest.empty() || info.media_type.empty()) {
            COSIGN_TRY(manifest_blob m, get_manifest(host, repo, ref));
            info.digest = m.digest;
            info.media_type = m.media_type;
            info.size = m.body.size();
        }
        return info;
    }

    /// GET of a manifest or index (at most COSIGN_MAX_MANIFEST_SIZE bytes): this is how a tag is
    /// resolved to the digest that is signed or verified. The digest returned is always computed
    /// from the bytes, as go-containerregistry does; when ref is a digest the bytes must hash to
    /// it, and a Docker-Content-Digest header that names another digest is an error naming both
    /// (a registry, proxy or cache must not get another image signed or approved by its say-so).
    result<manifest_blob> get_manifest(std::string_view host, std::string_view repo, std::string_view ref) {
        COSIGN_TRY_VOID(check_names(host, repo, ref));
        op o;
        o.method = "GET";
        o.target = manifest_path(repo, ref);
        o.repo = std::string(repo);
        o.headers.emplace_back("Accept", manifest_accept_header);
        o.max_body = COSIGN_MAX_MANIFEST_SIZE;
        COSIGN_TRY(transport::response r, exchange(detail::api_host(host), o));
        if (r.status != 200)
            return detail::status_error(r, "GET manifest " + std::string(repo) + ":" + std::string(ref));
        manifest_blob m;
        m.digest = sha256_digest(r.body);
        if (is_sha256_digest(ref) && m.digest != ref)
            return fail(errc::registry, "manifest digest mismatch: asked for " + std::string(ref) +
                                            ", got content hashing to " + m.digest);
        std::string named = r.header("Docker-Content-Digest");
        if (!named.empty() && named != m.digest)
            return fail(errc::registry, "manifest digest mismatch: the registry names " + std::string(repo) + ":" +
                                            std::string(ref) + " " + named + " (Docker-Content-Digest), but its content hashes to " +
                                            m.digest);
        m.media_type = detail::strip_params(r.header("Content-Type"));
        if (m.media_type.empty() || m.media_type == "application/json" || m.media_type == "text/plain" ||
            m.media_type == "application/octet-stream") {
            if (auto doc = json::parse(r.body)) {
                if (auto mt = json::string_member(*doc, "mediaType")) m.media_type = std::string(*mt);
            }
        }
        m.body = std::move(r.body);
        return m;
    }

    /// PUT of a manifest under a tag or its digest. Returns the manifest's digest.
    result<std::string> put_manifest(std::string_view host, std::string_view repo, std::string_view ref,
                                     std::string_view body, std::string_view media_type) {
        COSIGN_TRY_VOID(check_names(host, repo, ref));
        std::string digest = sha256_digest(body);
        if (is_sha256_digest(ref) && digest != ref)
            return fail(errc::invalid_argument,
                        "put_manifest: the body hashes to " + digest + ", not " + std::string(ref));
        if (media_type.empty()) return fail(errc::invalid_argument, "put_manifest: a media type is required");
        op o;
        o.method = "PUT";
        o.target = manifest_path(repo, ref);
        o.repo = std::string(repo);
        o.push = true;
        o.headers.emplace_back("Content-Type", std::string(media_type));
        o.body = std::string(body);
        COSIGN_TRY(transport::response r, exchange(detail::api_host(host), o));
        if (r.status != 201 && r.status != 200 && r.status != 202 && r.status != 204)
            return detail::status_error(r, "PUT manifest " + std::string(repo) + ":" + std::string(ref));
        return digest;
    }

    /// HEAD of a blob: true when the repository has it.
    result<bool> blob_exists(std::string_view host, std::string_view repo, std::string_view digest) {
        COSIGN_TRY_VOID(check_digest_args(host, repo, digest));
        op o;
        o.method = "HEAD";
        o.target = "/v2/" + std::string(repo) + "/blobs/" + std::string(digest);
        o.repo = std::string(repo);
        COSIGN_TRY(transport::response r, exchange(detail::api_host(host), o));
        if (r.status == 200) return true;
        if (r.status == 404) return false;
        return detail::status_error(r, "HEAD blob " + std::string(digest) + " in " + std::string(repo));
    }

    /// GET of a blob (redirects to storage are followed by the transport, without our
    /// credentials), at most max_size bytes; the bytes must hash to digest.
    result<std::string> get_blob(std::string_view host, std::string_view repo, std::string_view digest,
                                 std::size_t max_size = COSIGN_MAX_PAYLOAD_SIZE) {
        COSIGN_TRY_VOID(check_digest_args(host, repo, digest));
        op o;
        o.method = "GET";
        o.target = "/v2/" + std::string(repo) + "/blobs/" + std::string(digest);
        o.repo = std::string(repo);
        o.max_body = max_size;
        COSIGN_TRY(transport::response r, exchange(detail::api_host(host), o));
        if (r.status != 200)
            return detail::status_error(r, "GET blob " + std::string(digest) + " in " + std::string(repo));
        std::string got = sha256_digest(r.body);
        if (got != digest)
            return fail(errc::registry, "blob digest mismatch: asked for " + std::string(digest) +
                                            ", got content hashing to " + got);
        return std::move(r.body);
    }

    /// Uploads a blob monolithically: `POST .../blobs/uploads/?digest=` with the content when
    /// the registry takes it (one request), else POST then `PUT <Location>&digest=`. Does not
    /// HEAD first: call blob_exists when skipping known blobs saves more than it costs.
    result<void> put_blob(std::string_view host, std::string_view repo, std::string_view digest,
                          std::string_view content) {
        COSIGN_TRY_VOID(check_digest_args(host, repo, digest));
        if (sha256_digest(content) != digest)
            return fail(errc::invalid_argument, "put_blob: the content hashes to " + sha256_digest(content) +
                                                    ", not " + std::string(digest));
        std::string h = detail::api_host(host);
        host_state& hs = state(h);
        std::string uploads = "/v2/" + std::string(repo) + "/blobs/uploads/";
        std::optional<transport::response> started;
        if (!hs.monolithic_post_unsupported && content.size() <= monolithic_limit) {
            op o;
            o.method = "POST";
            o.target = uploads + "?digest=" + transport::query_escape(digest);
            o.repo = std::string(repo);
            o.push = true;
            o.headers.emplace_back("Content-Type", "application/octet-stream");
            o.body = std::string(content);
            COSIGN_TRY(transport::response r, exchange(h, o));
            if (r.status == 201) return {};
            if (r.status == 401 || r.status == 403 || r.status == 404)
                return detail::status_error(r, "starting blob upload to " + std::string(repo));
            hs.monolithic_post_unsupported = true;
            if (r.status == 202) started = std::move(r);
        }
        if (!started) {
            op o;
            o.method = "POST";
            o.target = uploads;
            o.repo = std::string(repo);
            o.push = true;
            COSIGN_TRY(transport::response r, exchange(h, o));
            if (r.status != 202)
                return detail::status_error(r, "starting blob upload to " + std::string(repo));
            started = std::move(r);
        }
        std::string location = started->header("Location");
        if (location.empty())
            return fail(errc::registry, "registry started a blob upload without a Location", started->status);
        // Relative Locations are relative to the URL we POSTed to.
        COSIGN_TRY(transport::url base, transport::parse_url(hs.scheme + "://" + h + uploads));
        std::string put_url = transport::resolve_location(base, location);
        put_url += (put_url.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") +
                   transport::query_escape(digest);
        op o;
        o.method = "PUT";
        o.target = std::move(put_url);
        o.repo = std::string(repo);
        o.push = true;
        o.headers.emplace_back("Content-Type", "application/octet-stream");
        o.body = std::string(content);
        COSIGN_TRY(transport::response r, exchange(h, o));
        // A retried PUT whose first answer was lost finds its upload already closed (404
        // BLOB_UPLOAD_UNKNOWN): the blob may well be there.
        if (r.status == 404) {
            auto there = blob_exists(host, repo, digest);
            if (there && *there) return {};
        }
        if (r.status != 201 && r.status != 204 && r.status != 200)
            return detail::status_error(r,
                                        "uploading blob " + std::string(digest) + " to " + std::string(repo));
        return {};
    }

    /// DELETE of a manifest. A registry that refuses deleting by tag (HTTP 400, as
    /// docker-registry does) gets the tag resolved and the digest deleted instead, as cosign does.
    result<void> delete_manifest(std::string_view host, std::string_view repo, std::string_view ref) {
        COSIGN_TRY_VOID(check_names(host, repo, ref));
        op o;
        o.method = "DELETE";
        o.target = manifest_path(repo, ref);
        o.repo = std::string(repo);
        o.push = true;
        COSIGN_TRY(transport::response r, exchange(detail::api_host(host), o));
        if (r.status == 200 || r.status == 202 || r.status == 204) return {};
        if (r.status == 400 && !is_sha256_digest(ref)) {
            COSIGN_TRY(manifest_info info, head_manifest(host, repo, ref));
            return delete_manifest(host, repo, info.digest);
        }
        return detail::status_error(r, "DELETE manifest " + std::string(repo) + ":" + std::string(ref));
    }

    /// Every tag of a repository (following `Link: rel="next"` pages). An empty repository gives
    /// an empty list ("tags": null in docker-registry).
    result<std::vector<std::string>> list_tags(std::string_view host, std::string_view repo) {
        COSIGN_TRY_VOID(check_names(host, repo, "latest"));
        std::string h = detail::api_host(host);
        std::vector<std::string> tags;
        std::string target = "/v2/" + std::string(repo) + "/tags/list";
        for (int page = 0; page < 1000 && !target.empty(); ++page) {
            op o;
            o.method = "GET";
            o.target = target;
            o.repo = std::string(repo);
            o.max_body = tags_list_limit;
            COSIGN_TRY(transport::response r, exchange(h, o));
            if (r.status != 200) return detail::status_error(r, "listing tags of " + std::string(repo));
            auto doc = json::parse(r.body);
            if (!doc || !doc->IsObject())
                return fail(errc::registry, "tag list of " + std::string(repo) + " is not a JSON object");
            if (const json::value* t = json::member(*doc, "tags"); t && !t->IsNull()) {
                if (!t->IsArray())
                    return fail(errc::registry, "tag list of " + std::string(repo) + " has no tags array");
                for (const auto& v : t->GetArray())
                    if (auto s = json::as_string(v)) tags.emplace_back(*s);
            }
            target = detail::next_link(r.header("Link"));
        }
        return tags;
    }

private:
    static constexpr std::size_t monolithic_limit = 1u << 20;
    static constexpr std::size_t tags_list_limit = 16u << 20;

    enum class auth_kind { unknown, basic, bearer };

    struct host_state {
        std::string scheme = "https";
        bool scheme_known = false;
        auth_kind kind = auth_kind::unknown;
        challenge bearer;
        bool creds_loaded = false;
        credentials creds;
        std::optional<error> creds_error;
        bool monolithic_post_unsupported = false;
        std::set<std::string> push_repos;
    };

    struct op {
        std::string method;
        std::string target;  // "/v2/..." on the registry, or an absolute URL (upload Location, Link)
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;
        std::string repo;
        bool push = false;
        std::size_t max_body = COSIGN_MAX_MANIFEST_SIZE;
    };

    static std::string manifest_path(std::string_view repo, std::string_view ref) {
        return "/v2/" + std::string(repo) + "/manifests/" + std::string(ref);
    }

    static result<void> check_names(std::string_view host, std::string_view repo, std::string_view ref) {
        if (!detail::valid_host(host))
            return fail(errc::invalid_reference, "invalid registry host \"" + std::string(host) + "\"");
        if (!detail::valid_repository(repo))
            return fail(errc::invalid_reference, "invalid repository name \"" + std::string(repo) + "\"");
        if (ref.find(':') != std::string_view::npos) {
            if (!is_sha256_digest(ref)) {
                if (ref.substr(0, 7) == "sha256:")
                    return fail(errc::invalid_reference, "invalid digest \"" + std::string(ref) + "\"");
                return fail(errc::unsupported,
                            "only sha256 digests are supported (\"" + std::string(ref) + "\")");
            }
        } else if (!detail::valid_tag(ref)) {
            return fail(errc::invalid_reference, "invalid tag \"" + std::string(ref) + "\"");
        }
        return {};
    }

    static result<void> check_digest_args(std::string_view host, std::string_view repo,
                                          std::string_view digest) {
        COSIGN_TRY_VOID(check_names(host, repo, "latest"));
        if (!is_sha256_digest(digest)) {
            if (digest.substr(0, 7) != "sha256:" && digest.find(':') != std::string_view::npos)
                return fail(errc::unsupported,
                            "only sha256 digests are supported (\"" + std::string(digest) + "\")");
            return fail(errc::invalid_argument, "invalid blob digest \"" + std::string(digest) + "\"");
        }
        return {};
    }

    host_state& state(const std::string& host) { return hosts_[host]; }

    bool may_fall_back(const std::string& host) const {
        return opts_.allow_insecure || transport::is_loopback_host(host);
    }
    static bool secure_for_secrets(const host_state& hs, const std::string& host) {
        return hs.scheme == "https" || transport::is_loopback_host(host);
    }

    const credentials* load_credentials(const std::string& host, host_state& hs) {
        if (!hs.creds_loaded) {
            hs.creds_loaded = true;
            if (opts_.use_docker_config) {
                if (!config_loaded_) {
                    config_loaded_ = true;
                    auto cfg = docker_config::load(opts_.docker_config_path);
                    if (cfg)
                        config_ = std::move(*cfg);
                    else
                        config_error_ = cfg.error();
                }
                if (config_error_)
                    hs.creds_error = config_error_;
                else if (config_->has_entry_for(host)) {
                    auto c = config_->lookup(host);
                    if (c)
                        hs.creds = std::move(*c);
                    else
                        hs.creds_error = c.error();
                }
            }
        }
        return &hs.creds;
    }

    std::string scope_of(const host_state& hs, const op& o) const {
        if (o.repo.empty()) return {};
        return repository_scope(o.repo, o.push || hs.push_repos.count(o.repo) > 0);
    }

    // Adds an Authorization header when we know how; reports what was sent.
    result<void> authorize(const std::string& host, host_state& hs, const std::string& scope,
                           transport::request& req, bool& sent_basic, bool& sent_fresh_token) {
        sent_basic = false;
        sent_fresh_token = false;
        if (hs.kind == auth_kind::bearer) {
            const credentials* c = load_credentials(host, hs);
            if (!c->registry_token.empty()) {
                req.set_header("Authorization", "Bearer " + byte_view(c->registry_token).to_string());
                sent_fresh_token = true;  // refused means refused: there is no other token to try
                return {};
            }
            const secure_bytes* tok = tokens_.find(host, scope);
            if (!tok) {
                COSIGN_TRY_VOID(fetch_token(host, hs, scope, {}));
                tok = tokens_.find(host, scope);
                sent_fresh_token = true;
            }
            if (tok) req.set_header("Authorization", "Bearer " + byte_view(*tok).to_string());
            return {};
        }
        // Unknown or Basic: send Basic when we hold a password for this host and the channel is
        // fit for it. For an unknown host this saves the 401 round trip of htpasswd registries.
        if (!secure_for_secrets(hs, host)) return {};
        const credentials* c = load_credentials(host, hs);
        if (hs.kind == auth_kind::basic && hs.creds_error) return *hs.creds_error;
        if (c->has_basic()) {
            req.set_header("Authorization", basic_authorization(*c));
            sent_basic = true;
        }
        return {};
    }

    result<void> fetch_token(const std::string& host, host_state& hs, const std::string& scope,
                             const std::string& extra_scope) {
        const credentials* c = load_credentials(host, hs);
        if (hs.creds_error) return *hs.creds_error;
        std::vector<std::string> scopes;
        if (!scope.empty()) scopes.push_back(scope);
        if (!extra_scope.empty() && extra_scope != scope) scopes.push_back(extra_scope);
        COSIGN_TRY(transport::request req, make_token_request(hs.bearer, scopes, c, opts_.user_agent));
        req.deadline = opts_.deadline;
        ++requests_;
        auto r = transport_.send(req);
        wipe_authorization(req);
        if (!r) {
            if (r.error().code() == errc::network && opts_.deadline.passed())
                return timed_out(host, r.error(), "fetching a registry token");
            auto e = std::move(r).error();
            e.context("fetching a registry token from " + hs.bearer.param("realm"));
            return e;
        }
        if (r->status == 401 || r->status == 403)
            return detail::status_error(
                *r, "token endpoint " + hs.bearer.param("realm") + " refused " +
                        (c->empty() ? "anonymous access" : "the credentials for " + host));
        if (r->status != 200) return detail::status_error(*r, "token endpoint " + hs.bearer.param("realm"));
        auto t = parse_token_response(r->body);
        secure_zero(&r->body[0], r->body.size());
        if (!t) return std::move(t).error();
        tokens_.put(host, scope, std::move(*t));
        return {};
    }

    // What to do after a 401: true when the request should be sent again.
    result<bool> on_unauthorized(const std::string& host, host_state& hs, const std::string& scope,
                                 const transport::response& r, bool sent_basic, bool sent_fresh_token) {
        std::optional<challenge> bearer, basic;
        for (const auto& v : r.header_values("WWW-Authenticate"))
            for (auto& c : parse_www_authenticate(v)) {
                if (c.scheme == "bearer" && !bearer)
                    bearer = c;
                else if (c.scheme == "basic" && !basic)
                    basic = c;
            }
        if (bearer) {
            if (sent_fresh_token) return false;  // a token minted for this request was refused
            hs.kind = auth_kind::bearer;
            hs.bearer = *bearer;
            const credentials* c = load_credentials(host, hs);
            if (!c->registry_token.empty())
                return true;  // docker's "registrytoken": no token endpoint needed
            tokens_.erase(host, scope);
            COSIGN_TRY_VOID(fetch_token(host, hs, scope, bearer->param("scope")));
            return true;
        }
        if (basic) {
            hs.kind = auth_kind::basic;
            if (sent_basic) return false;  // our password was refused
            const credentials* c = load_credentials(host, hs);
            if (hs.creds_error) return *hs.creds_error;
            if (!c->has_basic())
                return fail(errc::unauthorized,
                            "registry " + host +
                                " requires credentials and none were found "
                                "(docker config, or set_credentials)",
                            401);
            if (!secure_for_secrets(hs, host))
                return fail(errc::unauthorized,
                            "registry " + host +
                                " asks for a password over plain http; refusing "
                                "to send it to a host that is not loopback",
                            401);
            return true;
        }
        return false;
    }

    // The error of a request cut by the deadline: names the registry and the request.
    error timed_out(const std::string& host, const error& e, const std::string& during) const {
        return error(errc::network,
                     "registry " + host + ": " + opts_.deadline.expired_message() + ", during " + during,
                     e.backend_code());
    }

    static void wipe_authorization(transport::request& req) {
        for (auto& h : req.headers)
            if (transport::header_name_equal(h.first, "Authorization") && !h.second.empty())
                secure_zero(&h.second[0], h.second.size());
    }

    // Sends one operation: picks the scheme (https, falling back to http for loopback or
    // allow_insecure when https fails below HTTP), attaches auth, answers one 401 challenge.
    result<transport::response> exchange(const std::string& host, const op& o) {
        host_state& hs = state(host);
        std::string scope = scope_of(hs, o);
        if (o.push && !o.repo.empty()) hs.push_repos.insert(o.repo);
        bool answered_challenge = false;
        std::optional<error> https_error;
        while (true) {
            bool absolute = o.target.empty() || o.target.front() != '/';
            transport::request req;
            req.method = o.method;
            req.url = absolute ? o.target : hs.scheme + "://" + host + o.target;
            req.headers = o.headers;
            req.body = o.body;
            req.max_response_body = o.max_body;
            req.deadline = opts_.deadline;
            if (!opts_.user_agent.empty()) req.set_header("User-Agent", opts_.user_agent);
            bool same_origin = !absolute;
            if (absolute) {
                auto u = transport::parse_url(req.url);
                auto mine = transport::parse_url(hs.scheme + "://" + host + "/");
                if (!u) return fail(errc::registry, "registry gave an invalid URL: " + u.error().message());
                same_origin = mine && u->origin() == mine->origin();
            }
            bool sent_basic = false, sent_fresh_token = false;
            if (same_origin) COSIGN_TRY_VOID(authorize(host, hs, scope, req, sent_basic, sent_fresh_token));
            ++requests_;
            auto r = transport_.send(req);
            wipe_authorization(req);
            if (!r) {
                if (r.error().code() == errc::network && opts_.deadline.passed())
                    return timed_out(host, r.error(), o.method + " " + req.url);
                auto e = std::move(r).error();
                e.context(o.method + " " + req.url);
                if (e.code() == errc::network && !absolute && !hs.scheme_known && hs.scheme == "https" &&
                    may_fall_back(host)) {
                    hs.scheme = "http";
                    https_error = std::move(e);
                    continue;
                }
                // When plain http fails too, the https failure (a certificate problem, say) is the news.
                if (https_error) return *https_error;
                return e;
            }
            // An https server asked in plain http answers 400: report why https failed instead.
            if (https_error && r->status == 400) {
                hs.scheme = "https";
                return *https_error;
            }
            if (!absolute) hs.scheme_known = true;
            if (r->status == 401 && same_origin && !answered_challenge) {
                answered_challenge = true;
                COSIGN_TRY(bool again, on_unauthorized(host, hs, scope, *r, sent_basic, sent_fresh_token));
                if (again) continue;
            }
            return r;
        }
    }

    Transport transport_;
    options opts_;
    std::map<std::string, host_state> hosts_;
    token_cache tokens_;
    bool config_loaded_ = false;
    std::optional<docker_config> config_;
    std::optional<error> config_error_;
    std::size_t requests_ = 0;
};

}  // namespace registry
}  // namespace v0
}  // namespace cosign
