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
