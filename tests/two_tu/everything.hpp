// SPDX-License-Identifier: Apache-2.0
// The backend policies, which cosign.hpp leaves out.
#pragma once
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/keys/pkcs11.hpp>
#if defined(COSIGN_TWO_TU_HTTPLIB)
#include <cosign/defaults.hpp>
#include <cosign/registry/default_client.hpp>
#endif
#include <cosign/tlog/log_step.hpp>
