// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/keys/pkcs11/uri.hpp is part of the single header.
#pragma once
#include "../../cosign.hpp"
