// SPDX-License-Identifier: Apache-2.0
/// cosign's `clean`: removes an image's signature, attestation and SBOM images from the image's
/// own repository (COSIGN_REPOSITORY and --attachment-tag-prefix do not apply, as in cosign).
#pragma once

#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "compose.hpp"
#include "registry_flags.hpp"

namespace cli {

/// clean's flags: cosign's, with cosign's descriptions, and -y.
inline std::vector<flag> clean_flags() {
    return std::vector<flag>{
        {"type", 0, kind::string, "all", "a type of clean: <signature|attestation|sbom|all> (sbom is deprecated)"},
        {"force", 'f', kind::boolean, "", "do not prompt for confirmation"},
        {"yes", 'y', kind::boolean, "", "do not prompt for confirmation (a cosign-cpp addition: -f spelt as sign spells it)"},
    } + registry_flags();
}

inline int cmd_clean(const std::vector<std::string>& argv) {
    const std::vector<flag> spec = clean_flags();
    args a;
    if (auto e = parse(spec, argv, a); !e.empty()) return report(e);
    const std::string type = a.get("type");
    std::vector<std::string_view> suffixes;
    const char* what = nullptr;
    if (type == "signature") {
        suffixes = {cosign::oci::tag_suffix::signature};
        what = "signatures";
    } else if (type == "attestation") {
        suffixes = {cosign::oci::tag_suffix::attestation};
        what = "attestations";
    } else if (type == "sbom") {
        suffixes = {cosign::oci::tag_suffix::sbom};
        what = "SBOMs";
    } else if (type == "all") {
        suffixes = {cosign::oci::tag_suffix::signature, cosign::oci::tag_suffix::attestation,
                    cosign::oci::tag_suffix::sbom};
        what = "signatures, SBOMs and attestations";
    } else {
        return report("invalid argument \"" + type + "\" for \"--type\" flag: invalid clean type: " + type);
    }
    if (a.positional.size() != 1) return report("accepts 1 arg(s), received " + std::to_string(a.positional.size()));
    if (!a.get_bool("force") && !a.get_bool("yes")) {
        std::cerr << "WARNING: this will remove all " << what << " from the image\n";
        if (!confirm_continue(false)) return report("user declined the prompt");
    }
    const std::string& input = a.positional[0];
    auto ref = cosign::oci::reference::parse(input);
    if (!ref) return report(ref.error().message());
    auto c = make_client(a, {ref->registry});
    if (!c) return report(c.error().message());
    client& cl = *c;
    cosign::oci::digest d;
    if (ref->has_digest()) {
        d = *ref->digest;
    } else {
        // The digest of the manifest bytes, as sign and verify resolve it: a registry header
        // naming another image must not get that image's signatures deleted.
        auto m = cl.get_manifest(ref->registry, ref->repository, ref->identifier());
        if (!m) return report(m.error().message());
        auto pd = cosign::oci::digest::parse(m->digest);
        if (!pd) return report(pd.error().message());
        d = *pd;
    }
    cl.prepare_push(ref->registry, ref->repository);
    // Look first, then delete: only tags that exist are touched, and the first refusal stops
    // the command, so a registry that refuses deletion loses nothing (cosign goes on and exits 0).
    std::size_t removed = 0;
    for (auto suffix : suffixes) {
        const std::string tag = cosign::oci::signature_tag(d, suffix);
        const std::string full = ref->repo().str() + ":" + tag;
        auto head = cl.head_manifest(ref->registry, ref->repository, tag);
        if (!head) {
            if (head.error().code() == cosign::errc::not_found) continue;
            return report(head.error().message());
        }
        auto del = cl.delete_manifest(ref->registry, ref->repository, tag);
        if (!del) {
            if (del.error().code() == cosign::errc::not_found) continue;  // gone meanwhile: as cosign
            std::cerr << "could not delete " << full << " from " << input << ":\n" << del.error().message() << "\n";
            const int status = del.error().backend_code();
            std::string why = status == 405 ? "the registry does not allow deleting manifests (HTTP 405; "
                                              "docker-registry needs storage.delete.enabled: true)"
                                            : "the registry refused to delete " + full;
            return report(why + "; " +
                          (removed ? std::to_string(removed) + " attached image(s) were removed before it, "
                                                               "nothing after it"
                                   : std::string("nothing was removed")));
        }
        ++removed;
        std::cerr << "Removed " << full << " from " << input << "\n";
    }
    return exit_code::ok;
}

}  // namespace cli
