// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/trust/public_good_root.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
