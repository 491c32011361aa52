// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/timestamp/token.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
