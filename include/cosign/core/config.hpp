// SPDX-License-Identifier: Apache-2.0
/// Tunables of cosign-cpp, each overridable with a -D before the first include.
#pragma once

#include <cstddef>

#define COSIGN_VERSION_MAJOR 0
#define COSIGN_VERSION_MINOR 1
#define COSIGN_VERSION_PATCH 0
#define COSIGN_VERSION_STRING "0.1.0"

/// Largest manifest the registry client reads (skopeo's limit).
#ifndef COSIGN_MAX_MANIFEST_SIZE
#define COSIGN_MAX_MANIFEST_SIZE (4u * 1024u * 1024u)
#endif

/// Largest signature payload blob read during verification (skopeo's limit).
#ifndef COSIGN_MAX_PAYLOAD_SIZE
#define COSIGN_MAX_PAYLOAD_SIZE (4u * 1024u * 1024u)
#endif

/// Deepest JSON nesting accepted from untrusted input.
#ifndef COSIGN_MAX_JSON_DEPTH
#define COSIGN_MAX_JSON_DEPTH 64
#endif

/// Largest scrypt N accepted when reading key files (cosign's "OWASP" preset is 2^17).
/// 2^20 with r=8 needs 1 GiB of memory; we stop at 2^17 (128 MiB).
#ifndef COSIGN_MAX_SCRYPT_N
#define COSIGN_MAX_SCRYPT_N (1u << 17)
#endif

/// Most layers in one signature image (cosign's limit).
#ifndef COSIGN_MAX_SIGNATURE_LAYERS
#define COSIGN_MAX_SIGNATURE_LAYERS 1000
#endif

namespace cosign {
inline namespace v0 {
/// The library's version as text.
inline constexpr const char* version_string = COSIGN_VERSION_STRING;
}  // namespace v0
}  // namespace cosign
