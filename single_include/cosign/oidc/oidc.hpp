// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/oidc/oidc.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
