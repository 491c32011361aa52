// SPDX-License-Identifier: Apache-2.0
// The backend policies and the testing headers, which cosign.hpp leaves out.
#pragma once
#include <cosign/crypto/mbedtls.hpp>
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)  // against mbedTLS 3.6: the PSA policy too
#include <cosign/crypto/psa.hpp>
#include <cosign/keys/psa_key_source.hpp>
#endif
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/pkcs11.hpp>
#include <cosign/keys/kms/aws.hpp>
#include <cosign/keys/kms/gcp.hpp>
#include <cosign/keys/kms/sigv4.hpp>
#include <cosign/keys/kms/azure.hpp>
#include <cosign/keys/kms/k8s.hpp>
#include <cosign/keys/kms/vault.hpp>
#include <cosign/testing/fake_registry.hpp>
#if defined(COSIGN_TWO_TU_HTTPLIB)
#include <cosign/defaults.hpp>
#endif
#include <cosign/tlog/log_step.hpp>
// Trust material and the TUF client (no backend of their own; named here to check them for ODR).
#include <cosign/trust/trust_root.hpp>
#include <cosign/trust/trusted_root_json.hpp>
#include <cosign/trust/sigstore_env.hpp>
#include <cosign/trust/tuf.hpp>
#include <cosign/trust/public_good_root.hpp>
// Keyless: the Fulcio client, formats and issuer (left out of cosign.hpp).
#include <cosign/fulcio/client.hpp>
#include <cosign/fulcio/formats.hpp>
#include <cosign/fulcio/issuer.hpp>
#include <cosign/keys/certified_signer.hpp>
// Identity-token acquisition (not included by cosign.hpp).
#include <cosign/oidc/oidc.hpp>
