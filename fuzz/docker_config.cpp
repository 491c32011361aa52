// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the Docker config.json reader and the credential lookup (no helpers are run: the
/// lookup of a host with a credential helper is skipped).
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    auto cfg = cosign::registry::docker_config::parse(in);
    if (!cfg) return 0;
    for (const char* host : {"index.docker.io", "docker.io", "127.0.0.1:5000", "ghcr.io", "registry.example"}) {
        if (!cfg->has_entry_for(host)) continue;
        if (!cfg->creds_store().empty() ||
            cfg->cred_helpers().count(cosign::registry::docker_config::auth_key(host)))
            continue;
        (void)cfg->lookup(host);
    }
    return 0;
}
