// SPDX-License-Identifier: Apache-2.0
/// The composition the cosign-cpp CLI uses: mbedTLS crypto, cpp-httplib transport (or, with
/// COSIGN_CLI_MBEDTLS_TRANSPORT, the mbedTLS transport for a fully static binary), the
/// key sources (pkcs11: URIs unless COSIGN_CLI_NO_PKCS11; hashivault://, openbao://, azurekms:// and
/// k8s:// unless COSIGN_CLI_NO_KMS; then cosign key files and env://). With COSIGN_CLI_OPENSSL_VERIFY (the
/// default build, where cpp-httplib has loaded libcrypto already), ECDSA signatures are
/// verified by OpenSSL: 17 times faster than mbedTLS 2.28 here, the rest is mbedTLS.
#pragma once

#include <string>

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

/// The public key of `verify --key`: a file or env://VAR, or (with the KMS key sources) the key
/// of a hashivault:// or azurekms:// key read from the service, or a k8s:// Secret's cosign.pub.
inline cosign::result<crypto::public_key> load_verification_key(const std::string& ref) {
#if !defined(COSIGN_CLI_NO_KMS)
    using vault = cosign::hashivault_key_source<crypto, transport>;
    using azure = cosign::azurekms_key_source<crypto, transport>;
    if (vault::handles(ref)) {
        auto s = vault::load(ref, {});
        if (!s) return std::move(s).error();
        return crypto::parse_public_key(s->public_key_pem());
    }
    if (azure::handles(ref)) {
        auto s = azure::load(ref, {});
        if (!s) return std::move(s).error();
        return crypto::parse_public_key(s->public_key_pem());
    }
    if (cosign::k8s_key_source<crypto, transport>::handles(ref)) {
        auto r = cosign::k8s_reference::parse(ref);
        if (!r) return std::move(r).error();
        auto c = cosign::k8s_config::from_env();
        if (!c) return std::move(c).error();
        transport t(c->tls);
        cosign::k8s_client<transport> k8s(std::move(*c), std::move(t));
        return cosign::k8s_public_key<crypto, transport>(*r, k8s);
    }
#endif
    return cosign::load_public_key<crypto>(ref);
}
using signer = cosign::basic_signer<crypto, transport, keys>;
using verifier = cosign::basic_verifier<crypto, transport>;
}  // namespace cli
