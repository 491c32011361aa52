// SPDX-License-Identifier: Apache-2.0
// Generated: cosign/bundle/blob_bundle.hpp is part of the single header.
#pragma once
#include "../cosign.hpp"
