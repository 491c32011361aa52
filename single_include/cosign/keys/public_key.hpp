// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/keys/public_key.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
