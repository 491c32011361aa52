// SPDX-License-Identifier: Apache-2.0
/// The composition the cosign-cpp CLI uses: mbedTLS crypto, cpp-httplib transport (or, with
/// COSIGN_CLI_MBEDTLS_TRANSPORT, the mbedTLS transport for a fully static binary), the
/// key sources (pkcs11: URIs unless COSIGN_CLI_NO_PKCS11; awskms://, gcpkms://, hashivault://,
/// openbao://, azurekms:// and k8s:// unless COSIGN_CLI_NO_KMS; then cosign key files and env://).
/// With COSIGN_CLI_OPENSSL_VERIFY (the
/// default build, where cpp-httplib has loaded libcrypto already), ECDSA signatures are
/// verified by OpenSSL: 17 times faster than mbedTLS 2.28 here, the rest is mbedTLS.
#pragma once

#include <string>
#include <utility>

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
#include <cosign/keys/kms/aws.hpp>
#include <cosign/keys/kms/azure.hpp>
#include <cosign/keys/kms/gcp.hpp>
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
// The key sources before the default ones (which refuse the KMS schemes they do not know).
#if defined(COSIGN_CLI_NO_PKCS11)
#define COSIGN_CLI_PKCS11_SOURCE
#else
#define COSIGN_CLI_PKCS11_SOURCE cosign::pkcs11_key_source<crypto, terminal_pin_prompt>,
#endif
#if defined(COSIGN_CLI_NO_KMS)
#define COSIGN_CLI_KMS_SOURCES
#else
#define COSIGN_CLI_KMS_SOURCES                                                                          \
    cosign::aws_kms_key_source<crypto, transport>, cosign::gcp_kms_key_source<crypto, transport>,       \
        cosign::hashivault_key_source<crypto, transport>, cosign::azurekms_key_source<crypto, transport>, \
        cosign::k8s_key_source<crypto, transport>,
#endif
using keys = cosign::key_sources<COSIGN_CLI_PKCS11_SOURCE COSIGN_CLI_KMS_SOURCES cosign::default_key_sources<crypto>>;
#undef COSIGN_CLI_PKCS11_SOURCE
#undef COSIGN_CLI_KMS_SOURCES
using client = cosign::registry::basic_client<transport>;

using signer = cosign::basic_signer<crypto, transport, keys>;
using verifier = cosign::basic_verifier<crypto, transport>;

/// The public key `verify --key` and `verify-blob --key` check with: for a KMS or PKCS#11
/// reference, the key's public half read from its provider, as cosign does (a k8s:// Secret's
/// cosign.pub, nothing decrypted; refused by scheme when this build has no source for it); else a
/// public key file or env://VAR.
inline cosign::result<crypto::public_key> verification_key(const std::string& ref) {
#if !defined(COSIGN_CLI_NO_KMS)
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
    if (cosign::not_supported_key_source::handles(ref)) {
        auto s = keys::load(ref, cosign::password_fn());
        if (!s) return std::move(s).error();
        return crypto::parse_public_key(s->public_key_pem());
    }
    return cosign::load_public_key<crypto>(ref);
}
}  // namespace cli
