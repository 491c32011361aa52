// SPDX-License-Identifier: Apache-2.0
/// Every media type, annotation key, tag suffix and fixed string of cosign's OCI formats, in one place.
#pragma once

#include <string_view>

namespace cosign {
inline namespace v0 {
namespace oci {

/// Media types of manifests, indexes, configs and layers.
namespace media_type {
/// OCI image manifest (what cosign writes for `.sig` images by default).
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
/// OCI image config.
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
/// OCI empty descriptor (`{}`), the config of OCI 1.1 artifacts.
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";
/// OCI layers (listed for completeness: signature images never contain them).
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";

/// Docker schema 2 manifest (cosign with COSIGN_DOCKER_MEDIA_TYPES=1).
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list (an index).
inline constexpr std::string_view docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image config (cosign with COSIGN_DOCKER_MEDIA_TYPES=1).
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
/// Docker schema 1 manifests (obsolete; recognised so they can be refused by name).
inline constexpr std::string_view docker_manifest_v1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_manifest_v1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
/// Docker layer.
inline constexpr std::string_view docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// The layer of a `.sig` image: the raw simple-signing payload.
inline constexpr std::string_view simple_signing = "application/vnd.dev.cosign.simplesigning.v1+json";
/// The layer of a `.att` image: a DSSE envelope.
inline constexpr std::string_view dsse_envelope = "application/vnd.dsse.envelope.v1+json";
/// A Sigstore bundle v0.3 (cosign v3's default signature format, stored as a referrer).
inline constexpr std::string_view sigstore_bundle_v03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// SBOM layer types of `cosign attach sbom`.
inline constexpr std::string_view spdx = "text/spdx";
inline constexpr std::string_view spdx_json = "text/spdx+json";
inline constexpr std::string_view cyclonedx_xml = "application/vnd.cyclonedx+xml";
inline constexpr std::string_view cyclonedx_json = "application/vnd.cyclonedx+json";
inline constexpr std::string_view syft_json = "application/vnd.syft+json";
}  // namespace media_type

/// artifactType values of cosign's OCI 1.1 referrers mode (`ArtifactType(name)`).
namespace artifact_type {
inline constexpr std::string_view signature = "application/vnd.dev.cosign.artifact.sig.v1+json";
inline constexpr std::string_view attestation = "application/vnd.dev.cosign.artifact.att.v1+json";
inline constexpr std::string_view sbom = "application/vnd.dev.cosign.artifact.sbom.v1+json";
}  // namespace artifact_type

/// Annotation keys on signature layers and on referrer manifests.
namespace annotation {
/// Base64 signature (the old `dev.cosignproject` domain is what cosign really writes).
inline constexpr std::string_view signature = "dev.cosignproject.cosign/signature";
/// Leaf certificate, PEM.
inline constexpr std::string_view certificate = "dev.sigstore.cosign/certificate";
/// Rest of the certificate chain, PEM concatenation.
inline constexpr std::string_view chain = "dev.sigstore.cosign/chain";
/// Rekor bundle, compact JSON.
inline constexpr std::string_view bundle = "dev.sigstore.cosign/bundle";
/// RFC 3161 timestamp, `{"SignedRFC3161Timestamp":"<base64>"}` (not `…/timestamp`).
inline constexpr std::string_view rfc3161_timestamp = "dev.sigstore.cosign/rfc3161timestamp";
/// predicateType of an attestation layer.
inline constexpr std::string_view predicate_type = "predicateType";
/// OCI creation time of a referrer manifest.
inline constexpr std::string_view oci_created = "org.opencontainers.image.created";
/// Annotations cosign v3 puts on Sigstore-bundle referrer manifests.
inline constexpr std::string_view bundle_content = "dev.sigstore.bundle.content";
inline constexpr std::string_view bundle_predicate_type = "dev.sigstore.bundle.predicateType";
}  // namespace annotation

/// Tag suffixes: `sha256-<hex>.<suffix>`.
namespace tag_suffix {
inline constexpr std::string_view signature = "sig";
inline constexpr std::string_view attestation = "att";
inline constexpr std::string_view sbom = "sbom";
}  // namespace tag_suffix

/// `critical.type` of a simple-signing payload.
inline constexpr std::string_view simple_signing_type = "cosign container image signature";
/// DSSE payloadType of in-toto statements.
inline constexpr std::string_view in_toto_payload_type = "application/vnd.in-toto+json";

}  // namespace oci
}  // namespace v0
}  // namespace cosign
