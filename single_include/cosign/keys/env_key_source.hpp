// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/keys/env_key_source.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
