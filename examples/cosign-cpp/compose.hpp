// SPDX-License-Identifier: Apache-2.0
/// The composition the cosign-cpp CLI uses: mbedTLS crypto, cpp-httplib transport (or, with
/// COSIGN_CLI_MBEDTLS_TRANSPORT, the mbedTLS transport for a fully static binary), the
/// default key sources (cosign key files and env://).
#pragma once

#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#if defined(COSIGN_CLI_MBEDTLS_TRANSPORT)
#include <cosign/transport/mbedtls.hpp>
#else
#include <cosign/transport/httplib.hpp>
#endif

namespace cli {
using crypto = cosign::crypto::mbedtls;
using keys = cosign::default_key_sources<crypto>;
#if defined(COSIGN_CLI_MBEDTLS_TRANSPORT)
using transport = cosign::transport::mbedtls_transport;
#else
using transport = cosign::transport::httplib_transport;
#endif
using client = cosign::registry::basic_client<transport>;
using signer = cosign::basic_signer<crypto, transport, keys>;
using verifier = cosign::basic_verifier<crypto, transport>;
}  // namespace cli
