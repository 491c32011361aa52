// SPDX-License-Identifier: Apache-2.0
/// The composition the cosign-cpp CLI uses: mbedTLS crypto, cpp-httplib transport, the
/// default key sources (cosign key files and env://).
#pragma once

#include <cosign/cosign.hpp>
#include <cosign/defaults.hpp>

namespace cli {
using crypto = cosign::crypto::mbedtls;
using keys = cosign::default_key_sources<crypto>;
using transport = cosign::transport::httplib_transport;
using client = cosign::registry::basic_client<transport>;
using signer = cosign::basic_signer<crypto, transport, keys>;
using verifier = cosign::basic_verifier<crypto, transport>;
}  // namespace cli
