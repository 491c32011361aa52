// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/oci/simple_signing.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
