// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/crypto/key_file_crypto.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
