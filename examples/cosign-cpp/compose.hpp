// SPDX-License-Identifier: Apache-2.0
/// The composition the cosign-cpp CLI uses: mbedTLS crypto, cpp-httplib transport (or, with
/// COSIGN_CLI_MBEDTLS_TRANSPORT, the mbedTLS transport for a fully static binary), the
/// key sources (pkcs11: URIs unless COSIGN_CLI_NO_PKCS11; hashivault://, openbao://, azurekms:// and
/// k8s:// unless COSIGN_CLI_NO_KMS; then cosign key files and env://). With COSIGN_CLI_OPENSSL_VERIFY (the
/// default build, where cpp-httplib has loaded libcrypto already), ECDSA signatures are
/// verified by OpenSSL: 17 times faster than mbedTLS 2.28 here, the rest is mbedTLS.
#pragma once

#include <cosign/cosign.hpp>
#include <cosign/crypto/mbedtls.hpp>
#if defined(COSIGN_CLI_OPENSSL_VERIFY)
#include <cosign/crypto/openssl_verify.hpp>
#endif
#if defined(COSIGN_CLI_MBEDTLS_TRANSPORT)
#include <cosign/transport/mbedtls.hpp>
#else
#include <cosign/transport/httplib.hpp>
#endif
#if !defined(COSIGN_CLI_NO_PKCS11)
#include "pkcs11_pin.hpp"
#endif
#if !defined(COSIGN_CLI_NO_KMS)
#include <cosign/keys/kms/azure.hpp>
#include <cosign/keys/kms/k8s.hpp>
#include <cosign/keys/kms/vault.hpp>
#endif

namespace cli {
#if defined(COSIGN_CLI_OPENSSL_VERIFY)
using crypto = cosign::crypto::openssl_verify<cosign::crypto::mbedtls>;
#else
using crypto = cosign::crypto::mbedtls;
#endif
#if defined(COSIGN_CLI_MBEDTLS_TRANSPORT)
using transport = cosign::transport::mbedtls_transport;
#else
using transport = cosign::transport::httplib_transport;
#endif
#if defined(COSIGN_CLI_NO_KMS)
using kms_keys = cosign::default_key_sources<crypto>;
#else
/// Vault/OpenBao transit, Azure Key Vault and Kubernetes secrets, before the default sources.
using kms_keys = cosign::key_sources<cosign::hashivault_key_source<crypto, transport>,
                                     cosign::azurekms_key_source<crypto, transport>,
                                     cosign::k8s_key_source<crypto, transport>, cosign::default_key_sources<crypto>>;
#endif
#if defined(COSIGN_CLI_NO_PKCS11)
using keys = kms_keys;
#else
using keys = cosign::key_sources<cosign::pkcs11_key_source<crypto, terminal_pin_prompt>, kms_keys>;
#endif
using client = cosign::registry::basic_client<transport>;
using signer = cosign::basic_signer<crypto, transport, keys>;
using verifier = cosign::basic_verifier<crypto, transport>;
}  // namespace cli
