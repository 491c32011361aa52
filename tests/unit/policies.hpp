// SPDX-License-Identifier: Apache-2.0
// The policy lists that policy-neutral tests run over with TEMPLATE_LIST_TEST_CASE: a new crypto
// policy or transport is tested by adding it to its list here.
#pragma once

#include <tuple>

#include <cosign/crypto/mbedtls.hpp>
// Built against mbedTLS 3.6 (scripts/mbedtls36.sh) with its PSA core: the PSA policy too.
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C) && !defined(COSIGN_TEST_NO_PSA)
#define COSIGN_TEST_PSA 1
#include <cosign/crypto/psa.hpp>
#endif
#if defined(COSIGN_TEST_OPENSSL)  // set by CMake (when cosign::openssl exists) and Bazel
#include <cosign/crypto/openssl_verify.hpp>
#endif

namespace cosign_test {

/// Every full crypto policy of this build.
using crypto_policies = std::tuple<cosign::crypto::mbedtls
#if defined(COSIGN_TEST_OPENSSL)
                                   ,
                                   cosign::crypto::openssl_verify<cosign::crypto::mbedtls>
#endif
#if defined(COSIGN_TEST_PSA)
                                   ,
                                   cosign::crypto::psa
#endif
                                   >;

}  // namespace cosign_test
