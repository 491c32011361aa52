// SPDX-License-Identifier: Apache-2.0
// The backend policies and the testing headers, which cosign.hpp leaves out.
#pragma once
#include <cosign/crypto/mbedtls.hpp>
#include <cosign/keys/key_sources.hpp>
#include <cosign/testing/fake_registry.hpp>
#if defined(COSIGN_TWO_TU_HTTPLIB)
#include <cosign/defaults.hpp>
#endif
