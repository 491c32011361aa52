// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/trust/default_trust_root.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
