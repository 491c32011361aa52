// SPDX-License-Identifier: Apache-2.0
// The backend policies, which cosign.hpp leaves out.
#pragma once
#include <cosign/crypto/mbedtls.hpp>
#if defined(COSIGN_TWO_TU_HTTPLIB)
#include <cosign/transport/httplib.hpp>
#endif
