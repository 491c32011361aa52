#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/compile_time.sh [BUILD_DIR]: wall-clock compile times on this machine:
#   1. one translation unit that includes single_include/cosign/cosign.hpp (nothing instantiated),
#   2. one that includes it with the mbedTLS backend and instantiates a verifier (verify_on_device),
#   3. the whole unit-test suite plus the two-TU test, clean, with -j$JOBS (default build type).
# Default BUILD_DIR: build-compile-time (removed and rebuilt).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build-compile-time}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CXX=${CXX:-g++}
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f s", e - s }'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <cosign/cosign.hpp>\nint main() { return 0; }\n' > "$tmp/include_only.cpp"
echo "| what | -O0 | -O2 |"
echo "| --- | ---: | ---: |"
for src in "$tmp/include_only.cpp" examples/verify_on_device.cpp; do
  o0=$(t "$CXX" -std=c++17 -O0 -Isingle_include -c "$src" -o "$tmp/x.o")
  o2=$(t "$CXX" -std=c++17 -O2 -Isingle_include -c "$src" -o "$tmp/x.o")
  name=$([ "$src" = examples/verify_on_device.cpp ] && echo "verify_on_device.cpp (single header + mbedTLS backend, a verifier instantiated)" || echo "one TU that includes single_include/cosign/cosign.hpp")
  echo "| $name | $o0 | $o2 |"
done
rm -rf "$B"
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
cmake -S . -B "$B" "${GEN[@]}" -DCOSIGN_BUILD_EXAMPLES=OFF >/dev/null
n=$(ls tests/unit/*.cpp | wc -l)
suite=$(t cmake --build "$B" -j "$JOBS" --target cosign_unit_tests cosign_two_tu)
echo "| the unit-test suite ($n TUs + two-TU test, RelWithDebInfo = -O2 -g, clean, -j$JOBS) | | $suite |"
echo
echo "($($CXX --version | head -n1), $(nproc) cores; \`$0\`)"
