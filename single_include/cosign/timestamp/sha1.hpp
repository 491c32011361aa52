// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/timestamp/sha1.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
