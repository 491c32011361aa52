// SPDX-License-Identifier: Apache-2.0
// First of two translation units that include everything: together they must link.
#include <cosign/cosign.hpp>
#include "everything.hpp"
int tu_b();
int main() { return tu_b() == 42 ? 0 : 1; }
