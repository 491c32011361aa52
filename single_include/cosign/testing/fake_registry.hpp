// SPDX-License-Identifier: Apache-2.0
/// fake_transport: an in-memory OCI registry behind the transport policy, for tests and examples without a
/// network. A testing header: cosign.hpp does not include it.
///
/// It serves the distribution API for any host: manifests by tag and digest (GET, HEAD, PUT,
/// DELETE), blobs (GET, HEAD, DELETE), uploads (POST, PATCH, PUT ?digest=, optionally the
/// single-request POST ?digest=), tag lists with paging, optional Basic or Bearer auth with a
/// token endpoint, and blob downloads redirected to a "storage" host with a signed URL. It
/// follows redirects as a real transport must, and records every hop it saw.
///
///     cosign::transport::fake_transport fake;                      // copies share one registry
///     fake.put_manifest("registry.test", "demo", "latest", body,
///     "application/vnd.oci.image.manifest.v1+json");
///     cosign::registry::basic_client<cosign::transport::fake_transport> c(fake);
///     auto m = c.get_manifest("registry.test", "demo", "latest");
///     CHECK(fake.request_count() == 1);
#pragma once
// Generated from include/cosign/testing/fake_registry.hpp: a testing header, kept out of cosign.hpp.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../cosign.hpp"  // was: ../core/base64.hpp
#include "../cosign.hpp"  // was: ../core/json_writer.hpp
#include "../cosign.hpp"  // was: ../core/result.hpp
#include "../cosign.hpp"  // was: ../core/sha256.hpp
#include "../cosign.hpp"  // was: ../transport/concepts.hpp
#include "../cosign.hpp"  // was: ../transport/url.hpp

namespace cosign {
inline namespace v0 {
namespace transport {

/// An in-memory registry as a transport policy. Copies share the same registry and log.
class fake_transport {
public:
    enum class auth_mode { none, basic, bearer };

    struct options {
        auth_mode auth = auth_mode::none;
        /// Credentials the registry (basic) or the token endpoint (bearer) requires; with bearer
        /// and an empty username, tokens are given to anyone.
        std::string username;
        std::string password;
        std::string token_realm = "https://auth.fake.test/token";
        std::string service = "fake-registry";
        int token_expires_in = 300;
        /// When set (e.g. "https://storage.fake.test"), blob GETs answer 307 to a signed URL on
        /// that origin, which refuses requests that carry Authorization or a re-encoded query.
        std::string redirect_blobs_to;
        /// Accept the single-request upload `POST /v2/<repo>/blobs/uploads/?digest=` (201).
        bool monolithic_post = false;
        /// Allow DELETE of a manifest by tag (docker-registry answers 400 DIGEST_INVALID).
        bool delete_by_tag = false;
        /// Answer upload POSTs with a relative Location ("upload-N?_state=...") instead of an absolute URL.
        bool relative_upload_location = false;
        /// Page size of tags/list (0: no paging).
        std::size_t tags_page_size = 0;
        /// Origins ("https://host:443") that fail as unreachable (errc::network).
        std::set<std::string> unreachable;
    };

    /// A hook consulted before the registry for every hop: return a response to answer it.
    using handler = std::function<std::optional<response>(const request&)>;

    fake_transport() : s_(std::make_shared<state>()) {}
    explicit fake_transport(options o) : s_(std::make_shared<state>()) { s_->opts = std::move(o); }

    /// The transport requirement: one exchange, redirects followed.
    result<response> send(const request& req) {
        return detail::follow_redirects(req, [this](const request& r) { return hop(r); });
    }

    // ---- inspection ----
    const std::vector<request>& requests() const noexcept { return s_->log; }
    std::size_t request_count() const noexcept { return s_->log.size(); }
    void clear_requests() { s_->log.clear(); }
    std::size_t tokens_issued() const noexcept { return s_->tokens.size(); }
    options& opts() noexcept { return s_->opts; }
    void set_handler(handler h) { s_->hook = std::move(h); }

    // ---- seeding and peeking (host as the client names it, e.g. "registry.test", "127.0.0.1:5000") ----
    /// Stores a manifest (tag may be empty) and returns its digest.
    std::string put_manifest(std::string_view host, std::string_view repo, std::string_view tag,
                             std::string body, std::string media_type) {
        std::string d = digest_of(body);
        repo_state& r = s_->repos[key(host, repo)];
        r.manifests[d] = {std::move(body), std::move(media_type)};
        if (!tag.empty()) r.tags[std::string(tag)] = d;
        return d;
    }
    /// Stores a blob and returns its digest.
    std::string put_blob(std::string_view host, std::string_view repo, std::string content) {
        std::string d = digest_of(content);
        s_->repos[key(host, repo)].blobs[d] = std::move(content);
        return d;
    }
    /// Replaces a stored blob's bytes without changing its digest key (to test digest checks).
    void corrupt_blob(std::string_view host, std::string_view repo, const std::string& digest,
                      std::string content) {
        s_->repos[key(host, repo)].blobs[digest] = std::move(content);
    }
    bool has_blob(std::string_view host, std::string_view repo, const std::string& digest) const {
        auto it = s_->repos.find(key(host, repo));
        return it != s_->repos.end() && it->second.blobs.count(digest) > 0;
    }
    /// The manifest bytes under a tag or digest.
    std::optional<std::string> manifest(std::string_view host, std::string_view repo,
                                        std::string_view ref) const {
        auto it = s_->repos.find(key(host, repo));
        if (it == s_->repos.end()) return std::nullopt;
        std::string d(ref);
        if (auto t = it->second.tags.find(d); t != it->second.tags.end()) d = t->second;
        auto m = it->second.manifests.find(d);
        if (m == it->second.manifests.end()) return std::nullopt;
        return m->second.body;
    }

    /// The signed query string blob redirects carry (percent-encoded on purpose).
    static constexpr const char* signed_query = "X-Sig=a%2Bb%2Fc%3D%3D&X-Exp=1";

private:
    struct stored_manifest {
        std::string body;
        std::string media_type;
    };
    struct repo_state {
        std::map<std::string, stored_manifest> manifests;  // by digest
        std::map<std::string, std::string> tags;           // tag -> digest
        std::map<std::string, std::string> blobs;          // digest -> bytes
    };
    struct state {
        options opts;
        std::map<std::string, repo_state> repos;              // "host:port/repo"
        std::map<std::string, std::string> uploads;           // uuid -> bytes so far
        std::map<std::string, std::set<std::string>> tokens;  // token -> "repo:action" grants
        std::vector<request> log;
        handler hook;
        int next_id = 0;
    };

    static std::string digest_of(std::string_view b) { return "sha256:" + sha256(b).hex(); }

    // Registry key: the host:port the client addresses, independent of http/https.
    static std::string authority(std::string_view host) {
        auto u = parse_url("https://" + std::string(host) + "/");
        if (!u) return std::string(host);
        return u->host + ":" + std::to_string(u->port);
    }
    static std::string key(std::string_view host, std::string_view repo) {
        return authority(host) + "/" + std::string(repo);
    }

    static response error_response(int status, std::string_view code, std::string_view message) {
        response r;
        r.status = status;
        json::writer w;
        w.begin_object()
            .key("errors")
            .begin_array()
            .begin_object()
            .key("code")
            .string(code)
            .key("message")
            .string(message)
            .key("detail")
            .null()
            .end_object()
            .end_array()
            .end_object();
        r.body = w.str();
        r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
        r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
        return r;
    }

    static std::string pct_decode(std::string_view s) {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size() && detail::is_hex_digit(s[i + 1]) &&
                detail::is_hex_digit(s[i + 2])) {
                auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
                out += static_cast<char>(v(s[i + 1]) * 16 + v(s[i + 2]));
                i += 2;
            } else {
                out += s[i];
            }
        }
        return out;
    }
    static std::string query_param(std::string_view target, std::string_view name) {
        auto q = target.find('?');
        if (q == std::string_view::npos) return {};
        std::string_view qs = target.substr(q + 1);
        while (!qs.empty()) {
            auto amp = qs.find('&');
            std::string_view kv = qs.substr(0, amp);
            auto eq = kv.find('=');
            if (pct_decode(kv.substr(0, eq)) == name)
                return eq == std::string_view::npos ? std::string() : pct_decode(kv.substr(eq + 1));
            if (amp == std::string_view::npos) break;
            qs.remove_prefix(amp + 1);
        }
        return {};
    }
    static std::vector<std::string> query_params(std::string_view target, std::string_view name) {
        std::vector<std::string> out;
        auto q = target.find('?');
        if (q == std::string_view::npos) return out;
        std::string_view qs = target.substr(q + 1);
        while (!qs.empty()) {
            auto amp = qs.find('&');
            std::string_view kv = qs.substr(0, amp);
            auto eq = kv.find('=');
            if (pct_decode(kv.substr(0, eq)) == name && eq != std::string_view::npos)
                out.push_back(pct_decode(kv.substr(eq + 1)));
            if (amp == std::string_view::npos) break;
            qs.remove_prefix(amp + 1);
        }
        return out;
    }

    result<response> hop(const request& req) {
        s_->log.push_back(req);
        COSIGN_TRY(url u, parse_url(req.url));
        if (s_->opts.unreachable.count(u.origin()))
            return fail(errc::network, "connection to " + u.origin() + " refused (fake)");
        if (s_->hook) {
            if (auto r = s_->hook(req)) return cap(std::move(*r), req);
        }
        const options& o = s_->opts;
        if (o.auth == auth_mode::bearer && !o.token_realm.empty()) {
            auto realm = parse_url(o.token_realm);
            if (realm && realm->origin() == u.origin() && realm->path() == u.path())
                return cap(token_endpoint(req, u), req);
        }
        if (!o.redirect_blobs_to.empty()) {
            auto st = parse_url(o.redirect_blobs_to);
            if (st && st->origin() == u.origin()) return cap(storage(req, u), req);
        }
        return cap(registry(req, u), req);
    }

    static result<response> cap(response r, const request& req) {
        if (req.method == "HEAD") r.body.clear();
        if (r.body.size() > req.max_response_body)
            return fail(errc::limit_exceeded,
                        "response body larger than " + std::to_string(req.max_response_body) + " bytes");
        return r;
    }

    bool basic_ok(const request& req) const {
        std::string want = "Basic " + base64::encode(s_->opts.username + ":" + s_->opts.password);
        return req.header("Authorization") == want;
    }

    response token_endpoint(const request& req, const url& u) {
        const options& o = s_->opts;
        if (!o.username.empty() && !basic_ok(req)) {
            response r = error_response(401, "UNAUTHORIZED", "authentication required");
            r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"fake-token\"");
            return r;
        }
        std::string tok = "faketoken-" + std::to_string(++s_->next_id);
        std::set<std::string> grants;
        for (const auto& scope : query_params(u.target, "scope")) {
            // repository:<name>:<actions>
            auto first = scope.find(':');
            auto last = scope.rfind(':');
            if (first == std::string::npos || last == first) continue;
            std::string name = scope.substr(first + 1, last - first - 1);
            std::string actions = scope.substr(last + 1);
            std::size_t b = 0;
            while (b <= actions.size()) {
                auto c = actions.find(',', b);
                grants.insert(name + ":" +
                              actions.substr(b, c == std::string::npos ? std::string::npos : c - b));
                if (c == std::string::npos) break;
                b = c + 1;
            }
        }
        s_->tokens[tok] = std::move(grants);
        response r;
        r.status = 200;
        json::writer w;
        w.begin_object().key("token").string(tok).key("expires_in").integer(o.token_expires_in).end_object();
        r.body = w.str();
        r.headers.emplace_back("Content-Type", "application/json");
        return r;
    }

    response storage(const request& req, const url& u) {
        if (!req.header("Authorization").empty())
            return error_response(400, "AUTH_LEAKED", "storage got the registry's Authorization header");
        auto q = u.target.find('?');
        if (q == std::string::npos || u.target.substr(q + 1) != signed_query)
            return error_response(403, "SIGNATURE_MISMATCH", "the signed URL was altered");
        std::string path(u.path());  // /<authority>/<repo...>/<digest>
        auto slash = path.rfind('/');
        std::string digest = path.substr(slash + 1);
        std::string repo_key = path.substr(1, slash - 1);
        auto it = s_->repos.find(repo_key);
        if (it == s_->repos.end() || !it->second.blobs.count(digest))
            return error_response(404, "NOT_FOUND", "no such object");
        response r;
        r.status = 200;
        r.body = it->second.blobs[digest];
        r.headers.emplace_back("Content-Type", "application/octet-stream");
        r.headers.emplace_back("Content-Length", std::to_string(r.body.size()));
        return r;
    }

    // Checks auth for an action on repo ("" for /v2/); returns the 401 to send, if any.
    std::optional<response> check_auth(const request& req, const std::string& repo, bool write) {
        const options& o = s_->opts;
        if (o.auth == auth_mode::none) return std::nullopt;
        if (o.auth == auth_mode::basic) {
            if (basic_ok(req)) return std::nullopt;
            response r = error_response(401, "UNAUTHORIZED", "authentication required");
            r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"fake-registry\"");
            return r;
        }
        std::string auth = req.header("Authorization");
        if (auth.rfind("Bearer ", 0) == 0) {
            auto t = s_->tokens.find(auth.substr(7));
            if (t != s_->tokens.end()) {
                if (repo.empty()) return std::nullopt;
                if (t->second.count(repo + ":" + (write ? "push" : "pull"))) return std::nullopt;
            }
        }
        response r = error_response(401, "UNAUTHORIZED", "authentication required");
        std::string ch = "Bearer realm=\"" + o.token_realm + "\",service=\"" + o.service + "\"";
        if (!repo.empty()) ch += ",scope=\"repository:" + repo + (write ? ":pull,push\"" : ":pull\"");
        r.headers.emplace_back("WWW-Authenticate", ch);
        return r;
    }

    response registry(const request& req, const url& u) {
        std::string path(u.path());
        const std::string& m = req.method;
        bool write = !(m == "GET" || m == "HEAD");
        if (path == "/v2/" || path == "/v2") {
            if (auto deny = check_auth(req, "", false)) return *deny;
            response r;
            r.status = 200;
            r.body = "{}";
            return r;
        }
        if (path.rfind("/v2/", 0) != 0) return error_response(404, "NOT_FOUND", "not a registry path");
        std::string rest = path.substr(4);
        auto split = [&](std::string_view marker, std::string& name, std::string& tail) {
            auto p = rest.rfind(marker);
            if (p == std::string::npos || p == 0) return false;
            name = rest.substr(0, p);
            tail = rest.substr(p + marker.size());
            return true;
        };
        std::string name, tail;
        std::string auth_host = u.host + ":" + std::to_string(u.port);
        if (split("/manifests/", name, tail)) {
            if (auto deny = check_auth(req, name, write)) return *deny;
            return manifests(req, auth_host, name, tail);
        }
        if (split("/blobs/uploads/", name, tail) ||
            (rest.size() > 14 && rest.compare(rest.size() - 14, 14, "/blobs/uploads") == 0 &&
             ((name = rest.substr(0, rest.size() - 14)), (tail.clear()), true))) {
            if (auto deny = check_auth(req, name, true)) return *deny;
            return uploads(req, u, auth_host, name, tail);
        }
        if (split("/blobs/", name, tail)) {
            if (auto deny = check_auth(req, name, write)) return *deny;
            return blobs(req, auth_host, name, tail);
        }
        if (split("/tags/list", name, tail) && tail.empty()) {
            if (auto deny = check_auth(req, name, false)) return *deny;
            return tags(req, u, auth_host, name);
        }
        return error_response(404, "NOT_FOUND", "unknown endpoint");
    }

    response manifests(const request& req, const std::string& host, const std::string& name,
                       const std::string& ref) {
        repo_state& r = s_->repos[host + "/" + name];
        if (req.method == "PUT") {
            std::string ct = req.header("Content-Type");
            if (ct.empty())
                return error_response(400, "MANIFEST_INVALID", "manifest invalid: no Content-Type");
            std::string d = digest_of(req.body);
            if (ref.rfind("sha256:", 0) == 0 && ref != d)
                return error_response(400, "DIGEST_INVALID",
                                      "provided digest did not match uploaded content");
            r.manifests[d] = {req.body, ct};
            if (ref.rfind("sha256:", 0) != 0) r.tags[ref] = d;
            response out;
            out.status = 201;
            out.headers.emplace_back("Location", "/v2/" + name + "/manifests/" + d);
            out.headers.emplace_back("Docker-Content-Digest", d);
            out.headers.emplace_back("Content-Length", "0");
            return out;
        }
        std::string d = ref;
        if (ref.rfind("sha256:", 0) != 0) {
            auto t = r.tags.find(ref);
            if (t == r.tags.end()) return error_response(404, "MANIFEST_UNKNOWN", "manifest unknown");
            d = t->second;
        }
        auto it = r.manifests.find(d);
        if (it == r.manifests.end()) return error_response(404, "MANIFEST_UNKNOWN", "manifest unknown");
        if (req.method == "DELETE") {
            if (ref.rfind("sha256:", 0) != 0 && !s_->opts.delete_by_tag)
                return error_response(400, "DIGEST_INVALID",
                                      "provided digest did not match uploaded content");
            r.manifests.erase(it);
            for (auto t = r.tags.begin(); t != r.tags.end();)
                t = t->second == d ? r.tags.erase(t) : std::next(t);
            response out;
            out.status = 202;
            return out;
        }
        if (req.method != "GET" && req.method != "HEAD")
            return error_response(405, "UNSUPPORTED", "method not allowed");
        response out;
        out.status = 200;
        out.body = it->second.body;
        out.headers.emplace_back("Content-Type", it->second.media_type);
        out.headers.emplace_back("Docker-Content-Digest", d);
        out.headers.emplace_back("Content-Length", std::to_string(it->second.body.size()));
        return out;
    }

    response blobs(const request& req, const std::string& host, const std::string& name,
                   const std::string& digest) {
        repo_state& r = s_->repos[host + "/" + name];
        auto it = r.blobs.find(digest);
        if (it == r.blobs.end()) return error_response(404, "BLOB_UNKNOWN", "blob unknown to registry");
        if (req.method == "DELETE") {
            r.blobs.erase(it);
            response out;
            out.status = 202;
            return out;
        }
        response out;
        if (req.method == "GET" && !s_->opts.redirect_blobs_to.empty()) {
            out.status = 307;
            out.headers.emplace_back("Location", s_->opts.redirect_blobs_to + "/" + host + "/" + name + "/" +
                                                     digest + "?" + signed_query);
            return out;
        }
        out.status = 200;
        out.body = it->second;
        out.headers.emplace_back("Content-Type", "application/octet-stream");
        out.headers.emplace_back("Docker-Content-Digest", digest);
        out.headers.emplace_back("Content-Length", std::to_string(it->second.size()));
        return out;
    }

    response uploads(const request& req, const url& u, const std::string& host, const std::string& name,
                     const std::string& uuid) {
        repo_state& r = s_->repos[host + "/" + name];
        if (req.method == "POST" && uuid.empty()) {
            std::string digest = query_param(u.target, "digest");
            if (!digest.empty() && s_->opts.monolithic_post) {
                if (digest_of(req.body) != digest)
                    return error_response(400, "DIGEST_INVALID",
                                          "provided digest did not match uploaded content");
                r.blobs[digest] = req.body;
                response out;
                out.status = 201;
                out.headers.emplace_back("Location", "/v2/" + name + "/blobs/" + digest);
                out.headers.emplace_back("Docker-Content-Digest", digest);
                return out;
            }
            std::string id = "upload-" + std::to_string(++s_->next_id);
            s_->uploads[id] = {};
            response out;
            out.status = 202;
            // An absolute Location with a query, as docker-registry sends (or a relative one).
            std::string loc = id + "?_state=st" + id;
            if (!s_->opts.relative_upload_location) {
                std::string h = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
                loc = u.scheme + "://" + h + ":" + std::to_string(u.port) + "/v2/" + name +
                      "/blobs/uploads/" + loc;
            }
            out.headers.emplace_back("Location", loc);
            out.headers.emplace_back("Docker-Upload-UUID", id);
            out.headers.emplace_back("Range", "0-0");
            return out;
        }
        auto up = s_->uploads.find(uuid);
        if (up == s_->uploads.end() || query_param(u.target, "_state") != "st" + uuid)
            return error_response(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
        if (req.method == "PATCH") {
            up->second += req.body;
            response out;
            out.status = 202;
            out.headers.emplace_back("Location",
                                     "/v2/" + name + "/blobs/uploads/" + uuid + "?_state=st" + uuid);
            return out;
        }
        if (req.method == "PUT") {
            std::string content = up->second + req.body;
            std::string digest = query_param(u.target, "digest");
            if (digest.empty() || digest_of(content) != digest)
                return error_response(400, "DIGEST_INVALID",
                                      "provided digest did not match uploaded content");
            s_->uploads.erase(up);
            r.blobs[digest] = std::move(content);
            response out;
            out.status = 201;
            out.headers.emplace_back("Location", "/v2/" + name + "/blobs/" + digest);
            out.headers.emplace_back("Docker-Content-Digest", digest);
            return out;
        }
        return error_response(405, "UNSUPPORTED", "method not allowed");
    }

    response tags(const request& req, const url& u, const std::string& host, const std::string& name) {
        (void)req;
        auto it = s_->repos.find(host + "/" + name);
        if (it == s_->repos.end())
            return error_response(404, "NAME_UNKNOWN", "repository name not known to registry");
        std::vector<std::string> all;
        for (const auto& t : it->second.tags) all.push_back(t.first);
        std::string last = query_param(u.target, "last");
        std::vector<std::string> page;
        for (const auto& t : all)
            if (last.empty() || t > last) page.push_back(t);
        bool more = false;
        std::size_t n = s_->opts.tags_page_size;
        if (n > 0 && page.size() > n) {
            page.resize(n);
            more = true;
        }
        json::writer w;
        w.begin_object().key("name").string(name).key("tags");
        if (page.empty()) {
            w.null();
        } else {
            w.begin_array();
            for (const auto& t : page) w.string(t);
            w.end_array();
        }
        w.end_object();
        response out;
        out.status = 200;
        out.body = w.str();
        out.headers.emplace_back("Content-Type", "application/json");
        if (more)
            out.headers.emplace_back("Link", "</v2/" + name + "/tags/list?last=" + query_escape(page.back()) +
                                                 "&n=" + std::to_string(n) + ">; rel=\"next\"");
        return out;
    }

    std::shared_ptr<state> s_;
};

}  // namespace transport
}  // namespace v0
}  // namespace cosign
