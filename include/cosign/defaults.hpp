// SPDX-License-Identifier: Apache-2.0
/// The usual composition, named: mbedTLS crypto, cpp-httplib transport, cosign key files and
/// env:// keys. Include it to get cosign::signer, cosign::verifier and cosign::registry_client
/// (also named registry::client); it pulls in both backends (link cosign::mbedtls and
/// cosign::httplib). It is the only header besides the backends' own that includes a backend.
#pragma once

#include "cosign.hpp"
#include "crypto/mbedtls.hpp"
#include "transport/httplib.hpp"

namespace cosign {
inline namespace v0 {

/// The OCI registry client over cpp-httplib.
using registry_client = registry::basic_client<transport::httplib_transport>;

namespace registry {
/// The registry client over cpp-httplib, the composition most programs use (the same type as
/// cosign::registry_client). registry/client.hpp itself knows only the transport concept.
///
///     cosign::registry::client c;
///     auto m = c.get_manifest("ghcr.io", "sigstore/cosign/cosign", "v2.4.1");
using client = basic_client<transport::httplib_transport>;
}  // namespace registry

/// Signs with cosign key files or env:// keys, mbedTLS crypto, over cpp-httplib.
using signer = basic_signer<crypto::mbedtls, transport::httplib_transport, default_key_sources<crypto::mbedtls>>;

/// Verifies with mbedTLS crypto over cpp-httplib.
using verifier = basic_verifier<crypto::mbedtls, transport::httplib_transport>;

}  // namespace v0
}  // namespace cosign
