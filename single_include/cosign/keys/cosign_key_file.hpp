// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/keys/cosign_key_file.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
