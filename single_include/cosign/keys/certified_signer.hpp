// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/keys/certified_signer.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
