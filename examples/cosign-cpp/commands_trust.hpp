// SPDX-License-Identifier: Apache-2.0
/// cosign's `initialize`: fetches a TUF repository's trust (root rotation, timestamp, snapshot,
/// targets, then the trusted_root.json target) into the cache cosign 3 keeps under
/// ~/.sigstore/root (or $TUF_ROOT), where sign and verify find it.
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include <cosign/core/sha256.hpp>
#include <cosign/keys/file_io.hpp>
#include <cosign/trust/public_good_root.hpp>
#include <cosign/trust/tuf.hpp>

#include "cli.hpp"
#include "compose.hpp"

namespace cli {

inline std::vector<flag> initialize_flags() {
    return {
        {"mirror", 0, kind::string, cosign::trust::tuf::default_mirror, "GCS bucket to a SigStore TUF repository, or HTTP(S) base URL, or file:/// for local filestore remote (air-gap)"},
        {"root", 0, kind::string, "", "path to trusted initial root. defaults to embedded root"},
        {"root-checksum", 0, kind::string, "", "checksum of the initial root, required if root is downloaded via http(s). expects sha256 by default, can be changed to sha512 by providing sha512:<checksum>"},
    };
}

inline int cmd_initialize(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = initialize_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    if (!a.positional.empty()) return report("unknown command \"" + a.positional[0] + "\" for \"cosign initialize\"");
    std::string mirror = a.get("mirror");
    if (mirror.rfind("http://", 0) != 0 && mirror.rfind("https://", 0) != 0)
        return report("--mirror " + mirror + ": only http(s) mirrors are supported in this build");
    while (!mirror.empty() && mirror.back() == '/') mirror.pop_back();

    std::string root_json;
    const std::string root_path = a.get("root");
    if (root_path.empty()) {
        root_json = cosign::trust::public_good_root();
    } else {
        if (root_path.rfind("http://", 0) == 0 || root_path.rfind("https://", 0) == 0)
            return report("--root " + root_path + ": a root by URL is not supported in this build; download it and pass the file");
        auto bytes = cosign::read_file(root_path, 1024 * 1024);
        if (!bytes) return report(bytes.error().message());
        root_json.assign(bytes->begin(), bytes->end());
        const std::string sum = a.get("root-checksum");
        if (!sum.empty()) {
            std::string want = sum.rfind("sha256:", 0) == 0 ? sum.substr(7) : sum;
            if (sum.rfind("sha512:", 0) == 0) return report("--root-checksum: sha512 is not supported in this build");
            const std::string got = cosign::sha256(cosign::byte_view(root_json)).hex();
            if (got != want) return report("root checksum mismatch: expected " + want + ", got " + got);
        }
    }

    const std::string cache_root = cosign::trust::tuf::default_cache_root();
    cosign::trust::tuf::options o;
    o.mirror = mirror;
    o.cache_dir = cosign::trust::tuf::cache_dir_for(cache_root, mirror);
    o.initial_root = root_json;
    // An explicit --root starts the mirror's cache over from it (a re-initialized or re-keyed
    // repository); the embedded root keeps a cache that has already moved past it.
    if (!root_path.empty()) {
        if (auto r = cosign::trust::tuf::clear_metadata(o.cache_dir); !r) return report(r.error().message());
    }
    cosign::trust::tuf::basic_client<crypto, transport> tuf(transport{}, o);
    if (auto r = tuf.refresh(); !r) return report(r.error().message());
    auto tr = tuf.trusted_root();
    if (!tr) return report("fetching trusted_root.json from the TUF mirror: " + tr.error().message());
    if (auto r = cosign::trust::tuf::write_cache_config(cache_root, mirror, o.now()); !r) return report(r.error().message());
    return exit_code::ok;
}

}  // namespace cli
