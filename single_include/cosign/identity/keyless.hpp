// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/identity/keyless.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
