// SPDX-License-Identifier: Apache-2.0
/// Where cosign finds its trust when a command is given none explicitly, in cosign's order:
/// `--trusted-root FILE`, else the SIGSTORE_* variables, else TUF (the mirror `initialize`
/// recorded, or the public-good one, with its cache under $TUF_ROOT or ~/.sigstore/root,
/// refreshed when older than a day as sigstore-go does). Names the compiled-in public-good root.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "../core/result.hpp"
#include "../keys/file_io.hpp"
#include "public_good_root.hpp"
#include "sigstore_env.hpp"
#include "trust_root.hpp"
#include "trusted_root_json.hpp"
#include "tuf.hpp"

namespace cosign {
inline namespace v0 {
namespace trust {

/// Largest trusted_root.json read from a file.
inline constexpr std::size_t max_trusted_root_size = 4 * 1024 * 1024;

/// Reads and parses a trusted_root.json file (`--trusted-root`); errors name the file.
inline result<trust_root> load_trusted_root_file(const std::string& path) {
    auto b = read_file(path, max_trusted_root_size);
    if (!b) return std::move(b).error();
    auto tr = parse_trusted_root(std::string_view(reinterpret_cast<const char*>(b->data()), b->size()));
    if (!tr) {
        auto e = std::move(tr).error();
        e.context(path);
        return e;
    }
    return tr;
}

/// How trust_root_from_tuf() uses the cache.
struct tuf_cache_options {
    std::string cache_root = tuf::default_cache_root();
    /// The mirror when `<cache root>/remote.json` names none.
    std::string default_mirror = tuf::default_mirror;
    /// The root trusted when the cache holds none for that mirror.
    std::string initial_root = public_good_root();
    /// Cached metadata younger than this (since the last full update) is used without the network.
    std::int64_t cache_validity_seconds = 86400;
    std::function<instant()> now = tuf::system_now;
};

/// The trusted_root.json of the TUF mirror `initialize` recorded: from the cache while it is
/// fresh and verifies, else after a full TUF update (which refreshes the cache).
template <class Crypto, class Transport>
result<trust_root> trust_root_from_tuf(Transport t, const tuf_cache_options& c = {}) {
    const std::string mirror = tuf::cached_mirror(c.cache_root).value_or(c.default_mirror);
    tuf::options o;
    o.mirror = mirror;
    o.cache_dir = tuf::cache_dir_for(c.cache_root, mirror);
    o.initial_root = c.initial_root;
    o.now = c.now ? c.now : tuf::system_now;
    const instant now = o.now();
    tuf::basic_client<Crypto, Transport> client(std::move(t), o);
    bool fresh = false;
    if (auto cfg = tuf::detail::read_optional(c.cache_root + "/" + tuf::mirror_path_name(mirror) + ".json", 65536)) {
        if (auto doc = json::parse(*cfg)) {
            if (auto last = json::string_member(*doc, "lastTimestamp")) {
                auto when = parse_rfc3339(*last);
                fresh = when && !(now < *when) && now.seconds - when->seconds < c.cache_validity_seconds;
            }
        }
    }
    if (fresh && client.load_from_cache()) {
        if (auto tr = client.trusted_root()) return tr;
    }
    COSIGN_TRY_VOID(client.refresh());
    COSIGN_TRY_VOID(tuf::write_cache_config(c.cache_root, mirror, now));
    return client.trusted_root();
}

/// cosign's order: `trusted_root_file` when given, else the SIGSTORE_* variables when any is
/// set, else TUF through `transport`.
template <class Crypto, class Transport>
result<trust_root> resolve_trust_root(const std::string& trusted_root_file, Transport transport,
                                      const tuf_cache_options& c = {},
                                      const std::function<const char*(const char*)>& getenv =
                                          [](const char* n) { return std::getenv(n); }) {
    if (!trusted_root_file.empty()) return load_trusted_root_file(trusted_root_file);
    COSIGN_TRY(auto from_env, trust_root_from_env(getenv));
    if (from_env) return std::move(*from_env);
    return trust_root_from_tuf<Crypto>(std::move(transport), c);
}

}  // namespace trust
}  // namespace v0
}  // namespace cosign
