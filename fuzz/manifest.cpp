// SPDX-License-Identifier: Apache-2.0
/// Fuzzes the manifest and index parsers and the .sig image reader (manifest + config blob,
/// separated by "\n--\n"), then appends a layer and serialises, as sign does.
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto in = fuzz::text(data, size);
    (void)cosign::oci::parse_manifest(cosign::byte_view(in));
    (void)cosign::oci::parse_index(cosign::byte_view(in));
    auto [m, c] = fuzz::split(in);
    if (auto img = cosign::oci::signature_image::from_existing(cosign::byte_view(m), cosign::byte_view(c))) {
        cosign::oci::signature_layer l;
        l.payload = cosign::bytes(m.begin(), m.end());
        l.signature_b64 = "MEUCIQ==";
        if (img->append(std::move(l))) {
            std::string out = img->manifest_json();
            if (!cosign::oci::parse_manifest(cosign::byte_view(out))) __builtin_trap();  // we must read what we write
        }
    }
    return 0;
}
