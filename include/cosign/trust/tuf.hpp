// SPDX-License-Identifier: Apache-2.0
/// A TUF 1.0 client (the specification's "detailed client workflow", §5) over a transport: root
/// rotation with thresholds, expiry, rollback protection, timestamp, snapshot and targets checked
/// by version, length and hash, consistent snapshots; it yields target files such as
/// trusted_root.json. Cache layout as cosign 3 (sigstore-go) keeps it under ~/.sigstore/root:
///
///     <cache root>/remote.json                  {"mirror":"<mirror URL>"}
///     <cache root>/<mirror as a path>.json      {"lastTimestamp":"<RFC 3339>"} (last full update)
///     <cache root>/<mirror as a path>/root.json, timestamp.json, snapshot.json, targets.json
///     <cache root>/<mirror as a path>/targets/<target name>
///
/// where <mirror as a path> is the URL without `https://` or `http://`, `/` and `:` made `-`
/// (`tuf-repo-cdn.sigstore.dev`, `127.0.0.1-8080-tuf`). Files are written owner-only.
///
/// Not supported (each refused by name, never skipped): delegated targets roles (targets are
/// looked up in the top-level targets.json, where Sigstore keeps trusted_root.json), targets
/// with no sha256 hash, and key types other than ECDSA P-256 (`ecdsa`, `ecdsa-sha2-nistp256`)
/// and Ed25519 (through the crypto policy's optional verify_ed25519).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "../core/hex.hpp"
#include "../core/json_writer.hpp"
#include "../core/result.hpp"
#include "../core/sha256.hpp"
#include "../crypto/concepts.hpp"
#include "../keys/file_io.hpp"
#include "../transport/concepts.hpp"
#include "trust_root.hpp"
#include "trusted_root_json.hpp"
#include "tuf_metadata.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {
namespace tuf {

/// The public-good Sigstore TUF repository (cosign's default `--mirror`).
inline constexpr const char* default_mirror = "https://tuf-repo-cdn.sigstore.dev";

/// The wall clock, as an instant.
inline instant system_now() {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    return instant{static_cast<std::int64_t>(ns / 1000000000), static_cast<std::int32_t>(ns % 1000000000)};
}

/// What a client is told.
struct options {
    /// Where metadata is fetched from (`<mirror>/2.root.json`, `<mirror>/timestamp.json`, ...).
    std::string mirror = default_mirror;
    /// Where targets are fetched from; empty: `<mirror>/targets`.
    std::string targets_url;
    /// The directory holding this mirror's metadata and targets (cache_dir_for() gives cosign's);
    /// empty: nothing is read from or written to disk.
    std::string cache_dir;
    /// The root.json trusted on first use, when the cache holds none (e.g. `--root FILE`, or
    /// public_good_root() from <cosign/trust/public_good_root.hpp>).
    std::string initial_root;
    /// The clock expiry is judged by: fixed in tests.
    std::function<instant()> now = system_now;
    /// At most this many root versions are fetched in one update (python-tuf's default).
    std::uint64_t max_root_rotations = 32;
    /// Largest metadata files accepted when the referring metadata gives no length.
    std::size_t max_root_size = 512000;
    std::size_t max_timestamp_size = 16384;
    std::size_t max_snapshot_size = 2000000;
    std::size_t max_targets_size = 5000000;
};

/// `<mirror as a path>`: the URL without its http(s) scheme, `/` and `:` made `-`, as sigstore-go's
/// URLToPath writes the directory name.
inline std::string mirror_path_name(std::string_view url) {
    std::string s(url);
    if (s.rfind("https://", 0) == 0) s.erase(0, 8);
    else if (s.rfind("http://", 0) == 0) s.erase(0, 7);
    for (auto& c : s)
        if (c == '/' || c == ':') c = '-';
    if (s.empty() || s == "." || s == "..") s = "_" + s;  // never the cache root or its parent
    return s;
}

/// The cache root cosign uses: `$TUF_ROOT`, else `$HOME/.sigstore/root`.
inline std::string default_cache_root() {
    if (const char* t = std::getenv("TUF_ROOT"); t && *t) return t;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/.sigstore/root";
}

/// The cache directory of one mirror under a cache root.
inline std::string cache_dir_for(const std::string& cache_root, std::string_view mirror) {
    return cache_root + "/" + mirror_path_name(mirror);
}

namespace detail {

inline result<void> make_dirs(const std::string& path) {
    std::string cur;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t next = path.find('/', pos);
        if (next == std::string::npos) next = path.size();
        cur = path.substr(0, next);
        pos = next + 1;
        if (cur.empty()) continue;
        if (::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST)
            return cosign::detail::io_fail("cannot create directory", cur, errno);
    }
    return {};
}

// Writes a file through a temporary and a rename, so that a reader never sees half of it.
inline result<void> write_atomic(const std::string& path, std::string_view content) {
    const std::string tmp = path + ".tmp";
    COSIGN_TRY_VOID(write_file_0600(tmp, content));
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return cosign::detail::io_fail("cannot write", path, err);
    }
    return {};
}

inline std::optional<std::string> read_optional(const std::string& path, std::size_t max) {
    if (path.empty()) return std::nullopt;
    auto b = read_file(path, max);
    if (!b) return std::nullopt;
    return std::string(b->begin(), b->end());
}

inline std::string trim_slash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

// A target name is a relative path: no empty, "." or ".." segment, no leading "/".
inline bool safe_target_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find('\\') != std::string_view::npos) return false;
    std::size_t pos = 0;
    while (pos <= name.size()) {
        std::size_t next = name.find('/', pos);
        if (next == std::string_view::npos) next = name.size();
        std::string_view seg = name.substr(pos, next - pos);
        if (seg.empty() || seg == "." || seg == "..") return false;
        pos = next + 1;
    }
    return true;
}

// Checks a downloaded file against the length and hashes its referrer gives.
inline result<void> check_length_and_hashes(std::string_view file, std::string_view data,
                                            std::optional<std::uint64_t> length,
                                            const std::map<std::string, std::string>& hashes,
                                            std::string_view referrer, bool need_hash) {
    if (length && data.size() != *length)
        return fail(errc::verification_failed, "TUF " + std::string(file) + ": length " + std::to_string(data.size()) +
                                                   " differs from the " + std::to_string(*length) + " that " +
                                                   std::string(referrer) + " gives");
    bool checked = false;
    for (const auto& h : hashes) {
        if (h.first != "sha256") continue;  // the one this client computes; others are not needed to decide
        const std::string got = sha256(byte_view(data)).hex();
        if (got != h.second)
            return fail(errc::verification_failed, "TUF " + std::string(file) + ": sha256 " + got +
                                                       " does not match the " + h.second + " that " +
                                                       std::string(referrer) + " gives");
        checked = true;
    }
    if (need_hash && !checked)
        return fail(errc::unsupported,
                    "TUF " + std::string(file) + ": " + std::string(referrer) + " gives no sha256 hash to check it by");
    return {};
}

inline cosign::error expired(std::string_view file, const common& c, const instant& now) {
    return fail(errc::verification_failed, "TUF " + std::string(file) + ": expired at " + format_rfc3339(c.expires) +
                                               " (now " + format_rfc3339(now) + ")");
}

}  // namespace detail

/// A TUF client of one repository. `Crypto` verifies the metadata signatures (ECDSA P-256 through
/// parse_public_key + verify; Ed25519 through the optional verify_ed25519); `Transport` fetches.
///
///     cosign::trust::tuf::options o;
///     o.initial_root = cosign::trust::public_good_root();
///     o.cache_dir = cosign::trust::tuf::cache_dir_for(cosign::trust::tuf::default_cache_root(), o.mirror);
///     cosign::trust::tuf::basic_client<cosign::crypto::mbedtls, my_transport> tuf(my_transport{}, o);
///     auto root = tuf.refresh() ? tuf.trusted_root() : ...;
template <class Crypto, class Transport>
class basic_client {
    static_assert(transport::check_transport<Transport>());

public:
    basic_client(Transport t, options o) : transport_(std::move(t)), opts_(std::move(o)) {
        opts_.mirror = detail::trim_slash(opts_.mirror);
        opts_.targets_url = opts_.targets_url.empty() ? opts_.mirror + "/targets" : detail::trim_slash(opts_.targets_url);
        if (!opts_.now) opts_.now = system_now;
    }

    /// The full update (§5.3 root, §5.4 timestamp, §5.5 snapshot, §5.6 targets). Each refusal is
    /// errc::verification_failed naming the file and the check: expired, rollback, not enough
    /// signatures, length or hash mismatch, version mismatch.
    result<void> refresh() {
        COSIGN_TRY_VOID(load_trusted_root());
        COSIGN_TRY_VOID(update_root());
        COSIGN_TRY_VOID(update_timestamp());
        COSIGN_TRY_VOID(update_snapshot());
        COSIGN_TRY_VOID(update_targets());
        refreshed_ = true;
        return {};
    }

    /// Verifies the cached metadata without the network (for use after `initialize`): the cached
    /// root must be signed by itself, timestamp, snapshot and targets by it and each other, none
    /// expired. An error means a refresh() is needed.
    result<void> load_from_cache() {
        if (opts_.cache_dir.empty()) return fail(errc::invalid_argument, "TUF: no cache directory");
        COSIGN_TRY_VOID(load_trusted_root());
        const instant now = opts_.now();
        if (root_.expires < now) return detail::expired("root.json", root_, now);
        auto ts = cached("timestamp.json", opts_.max_timestamp_size);
        auto sn = cached("snapshot.json", opts_.max_snapshot_size);
        auto tg = cached("targets.json", opts_.max_targets_size);
        if (!ts || !sn || !tg) return fail(errc::not_found, "TUF: the cache in " + opts_.cache_dir + " is incomplete (run initialize)");
        COSIGN_TRY(auto t, verify_timestamp(*ts, now));
        COSIGN_TRY(auto s, verify_snapshot(*sn, t, now));
        COSIGN_TRY(auto g, verify_targets(*tg, s, now));
        timestamp_ = std::move(t);
        snapshot_ = std::move(s);
        targets_ = std::move(g);
        refreshed_ = true;
        return {};
    }

    /// A target's bytes, after refresh() or load_from_cache(): from the cache when its length and
    /// hash match targets.json, else downloaded (as `HASH.NAME` with consistent snapshots),
    /// checked and cached. errc::not_found when targets.json does not list it.
    result<std::string> get_target(std::string_view name) {
        if (!refreshed_ || !targets_) return fail(errc::invalid_argument, "TUF: refresh() first");
        if (!detail::safe_target_name(name)) return fail(errc::invalid_argument, "TUF: unsafe target name \"" + std::string(name) + "\"");
        auto it = targets_->targets.find(std::string(name));
        if (it == targets_->targets.end())
            return fail(errc::not_found, "TUF: targets.json lists no target \"" + std::string(name) + "\"");
        const target_file& tf = it->second;
        const std::string local = opts_.cache_dir.empty() ? std::string() : opts_.cache_dir + "/targets/" + std::string(name);
        if (auto c = detail::read_optional(local, static_cast<std::size_t>(tf.length) + 1)) {
            if (detail::check_length_and_hashes(name, *c, tf.length, tf.hashes, "targets.json", true)) return *c;
        }
        std::string url = opts_.targets_url + "/" + std::string(name);
        if (root_.consistent_snapshot) {
            auto h = tf.hashes.find("sha256");
            if (h == tf.hashes.end()) h = tf.hashes.begin();
            const std::size_t slash = name.rfind('/');
            const std::string dir = slash == std::string_view::npos ? std::string() : std::string(name.substr(0, slash + 1));
            const std::string base(slash == std::string_view::npos ? name : name.substr(slash + 1));
            url = opts_.targets_url + "/" + dir + h->second + "." + base;
        }
        COSIGN_TRY(auto body, fetch(url, static_cast<std::size_t>(tf.length), std::string("target ") + std::string(name)));
        if (!body) return fail(errc::not_found, "TUF: target " + std::string(name) + " not found at " + url);
        COSIGN_TRY_VOID(detail::check_length_and_hashes(name, *body, tf.length, tf.hashes, "targets.json", true));
        if (!local.empty()) {
            const std::size_t slash = local.rfind('/');
            COSIGN_TRY_VOID(detail::make_dirs(local.substr(0, slash)));
            COSIGN_TRY_VOID(detail::write_atomic(local, *body));
        }
        return std::move(*body);
    }

    /// The repository's `trusted_root.json` target, parsed.
    result<trust_root> trusted_root() {
        COSIGN_TRY(auto text, get_target("trusted_root.json"));
        return parse_trusted_root(text);
    }

    /// The trusted metadata after an update (valid once refresh() or load_from_cache() succeeded).
    const root_metadata& root() const noexcept { return root_; }
    const std::optional<timestamp_metadata>& timestamp() const noexcept { return timestamp_; }
    const std::optional<snapshot_metadata>& snapshot() const noexcept { return snapshot_; }
    const std::optional<targets_metadata>& targets() const noexcept { return targets_; }
    const options& config() const noexcept { return opts_; }

private:
    std::string path(std::string_view file) const {
        return opts_.cache_dir.empty() ? std::string() : opts_.cache_dir + "/" + std::string(file);
    }
    std::optional<std::string> cached(std::string_view file, std::size_t max) const {
        return detail::read_optional(path(file), max);
    }
    result<void> persist(std::string_view file, std::string_view data) {
        if (opts_.cache_dir.empty()) return {};
        COSIGN_TRY_VOID(detail::make_dirs(opts_.cache_dir));
        return detail::write_atomic(path(file), data);
    }

    // GET url: the body on 200, nullopt on 404/403 (TUF's "not there"), an error otherwise.
    result<std::optional<std::string>> fetch(const std::string& url, std::size_t max, const std::string& what) {
        transport::request req;
        req.method = "GET";
        req.url = url;
        req.max_response_body = max;
        auto r = transport_.send(req);
        if (!r) {
            auto e = std::move(r).error();
            e.context("TUF: fetching " + what + " from " + url);
            return e;
        }
        if (r->status == 404 || r->status == 403) return std::optional<std::string>();
        if (r->status != 200)
            return fail(errc::network, "TUF: fetching " + what + " from " + url + ": HTTP " + std::to_string(r->status),
                        r->status);
        if (r->body.size() > max)
            return fail(errc::limit_exceeded, "TUF: " + what + " is larger than " + std::to_string(max) + " bytes");
        return std::optional<std::string>(std::move(r->body));
    }

    // §5.2: the trusted root, from the cache or the initial root; it must be signed by itself.
    result<void> load_trusted_root() {
        std::optional<std::string> text = cached("root.json", opts_.max_root_size);
        const bool from_cache = text.has_value();
        if (!text) {
            if (opts_.initial_root.empty())
                return fail(errc::invalid_argument, "TUF: no trusted root (none cached, no initial root given)");
            text = opts_.initial_root;
        }
        const char* name = from_cache ? "root.json (cached)" : "root.json (initial)";
        COSIGN_TRY(auto env, parse_envelope(*text, name));
        COSIGN_TRY(auto r, parse_root(env.signed_value(), name));
        COSIGN_TRY_VOID(verify_role<Crypto>(r, "root", env, name));
        root_ = std::move(r);
        if (!from_cache) COSIGN_TRY_VOID(persist("root.json", *text));
        return {};
    }

    // §5.3: N+1.root.json until there is none; each signed by the old and the new root role.
    result<void> update_root() {
        for (std::uint64_t i = 0; i < opts_.max_root_rotations; ++i) {
            const std::uint64_t next = root_.version + 1;
            const std::string file = std::to_string(next) + ".root.json";
            COSIGN_TRY(auto body, fetch(opts_.mirror + "/" + file, opts_.max_root_size, file));
            if (!body) break;
            COSIGN_TRY(auto env, parse_envelope(*body, file));
            COSIGN_TRY(auto r, parse_root(env.signed_value(), file));
            {
                auto old_ok = verify_role<Crypto>(root_, "root", env, file);
                if (!old_ok)
                    return fail(errc::verification_failed,
                                old_ok.error().message() + " (of the trusted root version " + std::to_string(root_.version) + ")");
            }
            {
                auto new_ok = verify_role<Crypto>(r, "root", env, file);
                if (!new_ok)
                    return fail(errc::verification_failed, new_ok.error().message() + " (of its own root role)");
            }
            if (r.version != next)
                return fail(errc::verification_failed, "TUF " + file + ": version " + std::to_string(r.version) +
                                                           " where " + std::to_string(next) +
                                                           " was expected (rollback or replay)");
            root_ = std::move(r);
            COSIGN_TRY_VOID(persist("root.json", *body));
        }
        const instant now = opts_.now();
        if (root_.expires < now) return detail::expired("root.json version " + std::to_string(root_.version), root_, now);
        // §5.3.11: when keys rotated, the cached timestamp and snapshot no longer verify under the
        // new root and are dropped below (trusted_cached), which removes their rollback floor.
        return {};
    }

    result<timestamp_metadata> verify_timestamp(std::string_view text, const instant& now) {
        COSIGN_TRY(auto env, parse_envelope(text, "timestamp.json"));
        COSIGN_TRY(auto t, parse_timestamp(env.signed_value()));
        COSIGN_TRY_VOID(verify_role<Crypto>(root_, "timestamp", env, "timestamp.json"));
        if (t.expires < now) return detail::expired("timestamp.json", t, now);
        return t;
    }

    result<snapshot_metadata> verify_snapshot(std::string_view text, const timestamp_metadata& ts, const instant& now) {
        COSIGN_TRY_VOID(detail::check_length_and_hashes("snapshot.json", text, ts.snapshot.length, ts.snapshot.hashes,
                                                        "timestamp.json", false));
        COSIGN_TRY(auto env, parse_envelope(text, "snapshot.json"));
        COSIGN_TRY(auto s, parse_snapshot(env.signed_value()));
        COSIGN_TRY_VOID(verify_role<Crypto>(root_, "snapshot", env, "snapshot.json"));
        if (s.version != ts.snapshot.version)
            return fail(errc::verification_failed, "TUF snapshot.json: version " + std::to_string(s.version) +
                                                       " does not match the version " + std::to_string(ts.snapshot.version) +
                                                       " that timestamp.json gives");
        if (s.expires < now) return detail::expired("snapshot.json", s, now);
        return s;
    }

    result<targets_metadata> verify_targets(std::string_view text, const snapshot_metadata& sn, const instant& now) {
        const meta_file& mf = sn.meta.at("targets.json");
        COSIGN_TRY_VOID(detail::check_length_and_hashes("targets.json", text, mf.length, mf.hashes, "snapshot.json", false));
        COSIGN_TRY(auto env, parse_envelope(text, "targets.json"));
        COSIGN_TRY(auto g, parse_targets(env.signed_value()));
        COSIGN_TRY_VOID(verify_role<Crypto>(root_, "targets", env, "targets.json"));
        if (g.version != mf.version)
            return fail(errc::verification_failed, "TUF targets.json: version " + std::to_string(g.version) +
                                                       " does not match the version " + std::to_string(mf.version) +
                                                       " that snapshot.json gives");
        if (g.expires < now) return detail::expired("targets.json", g, now);
        return g;
    }

    // A cached metadata file that still verifies under the current root (signatures only: an
    // expired one still guards against rollback), else nothing.
    template <class Parsed, class Parse>
    std::optional<Parsed> trusted_cached(std::string_view file, std::size_t max, std::string_view role_name, Parse parse) {
        auto text = cached(file, max);
        if (!text) return std::nullopt;
        auto env = parse_envelope(*text, file);
        if (!env) return std::nullopt;
        auto parsed = parse(env->signed_value(), file);
        if (!parsed || !verify_role<Crypto>(root_, role_name, *env, file)) return std::nullopt;
        return std::move(*parsed);
    }

    // §5.4
    result<void> update_timestamp() {
        const instant now = opts_.now();
        auto old = trusted_cached<timestamp_metadata>("timestamp.json", opts_.max_timestamp_size, "timestamp",
                                                      [](const json::value& v, std::string_view f) { return parse_timestamp(v, f); });
        COSIGN_TRY(auto body, fetch(opts_.mirror + "/timestamp.json", opts_.max_timestamp_size, "timestamp.json"));
        if (!body) return fail(errc::not_found, "TUF: the mirror has no timestamp.json");
        COSIGN_TRY(auto env, parse_envelope(*body, "timestamp.json"));
        COSIGN_TRY(auto t, parse_timestamp(env.signed_value()));
        COSIGN_TRY_VOID(verify_role<Crypto>(root_, "timestamp", env, "timestamp.json"));
        if (old) {
            if (t.version < old->version)
                return fail(errc::verification_failed, "TUF timestamp.json: version " + std::to_string(t.version) +
                                                           " is lower than the trusted version " +
                                                           std::to_string(old->version) + " (rollback)");
            if (t.snapshot.version < old->snapshot.version)
                return fail(errc::verification_failed, "TUF timestamp.json: snapshot version " +
                                                           std::to_string(t.snapshot.version) +
                                                           " is lower than the trusted version " +
                                                           std::to_string(old->snapshot.version) + " (rollback)");
        }
        if (t.expires < now) return detail::expired("timestamp.json", t, now);
        COSIGN_TRY_VOID(persist("timestamp.json", *body));
        timestamp_ = std::move(t);
        return {};
    }

    // §5.5
    result<void> update_snapshot() {
        const instant now = opts_.now();
        const timestamp_metadata& ts = *timestamp_;
        auto old = trusted_cached<snapshot_metadata>("snapshot.json", opts_.max_snapshot_size, "snapshot",
                                                     [](const json::value& v, std::string_view f) { return parse_snapshot(v, f); });
        // The cached snapshot is what the timestamp names: no download needed.
        if (auto text = cached("snapshot.json", opts_.max_snapshot_size)) {
            if (auto s = verify_snapshot(*text, ts, now)) {
                snapshot_ = std::move(*s);
                return {};
            }
        }
        const std::string file = root_.consistent_snapshot ? std::to_string(ts.snapshot.version) + ".snapshot.json"
                                                           : std::string("snapshot.json");
        const std::size_t max = ts.snapshot.length ? static_cast<std::size_t>(*ts.snapshot.length) : opts_.max_snapshot_size;
        COSIGN_TRY(auto body, fetch(opts_.mirror + "/" + file, max, file));
        if (!body) return fail(errc::not_found, "TUF: the mirror has no " + file);
        COSIGN_TRY(auto s, verify_snapshot(*body, ts, now));
        if (old) {
            for (const auto& m : old->meta) {
                auto it = s.meta.find(m.first);
                if (it == s.meta.end())
                    return fail(errc::verification_failed, "TUF snapshot.json: " + m.first +
                                                               " was removed from the snapshot (rollback)");
                if (it->second.version < m.second.version)
                    return fail(errc::verification_failed, "TUF snapshot.json: " + m.first + " version " +
                                                               std::to_string(it->second.version) +
                                                               " is lower than the trusted version " +
                                                               std::to_string(m.second.version) + " (rollback)");
            }
        }
        COSIGN_TRY_VOID(persist("snapshot.json", *body));
        snapshot_ = std::move(s);
        return {};
    }

    // §5.6 (top-level targets)
    result<void> update_targets() {
        const instant now = opts_.now();
        const snapshot_metadata& sn = *snapshot_;
        const meta_file& mf = sn.meta.at("targets.json");
        if (auto text = cached("targets.json", opts_.max_targets_size)) {
            if (auto g = verify_targets(*text, sn, now)) {
                targets_ = std::move(*g);
                return {};
            }
        }
        const std::string file = root_.consistent_snapshot ? std::to_string(mf.version) + ".targets.json"
                                                           : std::string("targets.json");
        const std::size_t max = mf.length ? static_cast<std::size_t>(*mf.length) : opts_.max_targets_size;
        COSIGN_TRY(auto body, fetch(opts_.mirror + "/" + file, max, file));
        if (!body) return fail(errc::not_found, "TUF: the mirror has no " + file);
        COSIGN_TRY(auto g, verify_targets(*body, sn, now));
        COSIGN_TRY_VOID(persist("targets.json", *body));
        targets_ = std::move(g);
        return {};
    }

    Transport transport_;
    options opts_;
    root_metadata root_;
    std::optional<timestamp_metadata> timestamp_;
    std::optional<snapshot_metadata> snapshot_;
    std::optional<targets_metadata> targets_;
    bool refreshed_ = false;
};

/// Records the mirror as cosign 3's `initialize` does: `<cache root>/remote.json` holding
/// {"mirror": URL} and `<cache root>/<mirror as a path>.json` holding {"lastTimestamp": now}.
inline result<void> write_cache_config(const std::string& cache_root, std::string_view mirror, const instant& now) {
    COSIGN_TRY_VOID(detail::make_dirs(cache_root));
    std::string remote = "{\"mirror\":";
    json::append_go_string(remote, mirror);
    remote += "}";
    COSIGN_TRY_VOID(detail::write_atomic(cache_root + "/remote.json", remote));
    std::string cfg = "{\"lastTimestamp\":";
    json::append_go_string(cfg, format_rfc3339(now));
    cfg += "}";
    return detail::write_atomic(cache_root + "/" + mirror_path_name(mirror) + ".json", cfg);
}

/// Removes a mirror's cached metadata (root, timestamp, snapshot, targets), so that the next
/// client starts over from its initial root; cached target files stay (they are checked by hash).
inline result<void> clear_metadata(const std::string& cache_dir) {
    for (const char* f : {"root.json", "timestamp.json", "snapshot.json", "targets.json"}) {
        const std::string p = cache_dir + "/" + f;
        if (::unlink(p.c_str()) != 0 && errno != ENOENT) return cosign::detail::io_fail("cannot remove", p, errno);
    }
    return {};
}

/// The mirror recorded in `<cache root>/remote.json`, or nullopt when there is none.
inline std::optional<std::string> cached_mirror(const std::string& cache_root) {
    auto text = detail::read_optional(cache_root + "/remote.json", 65536);
    if (!text) return std::nullopt;
    auto doc = json::parse(*text);
    if (!doc) return std::nullopt;
    auto m = json::string_member(*doc, "mirror");
    if (!m || m->empty()) return std::nullopt;
    return std::string(*m);
}

}  // namespace tuf
}  // namespace trust
}  // namespace v0
}  // namespace cosign
