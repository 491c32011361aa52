// SPDX-License-Identifier: Apache-2.0
// Second of two translation units that include everything.
#include <cosign/cosign.hpp>
#include "everything.hpp"
int tu_b() { return 42; }
