// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/keys/signer.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
