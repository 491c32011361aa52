#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# test.sh [--quick]: installs what is missing, builds, and runs every test.
#
#   1. Debian packages (scripts/deps.sh), the real cosign 2.x/3.x and crane (scripts/get-cosign.sh),
#      a sigstore-capable skopeo (scripts/get-skopeo.sh);
#   2. unit tests built with clang and AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/);
#   3. unit tests built against the single header (build-single/);
#   4. the full build with g++ (build/): unit, compile-fail, two-TU, single-header freshness and
#      integration tests against a real registry, the real cosign and skopeo. Its ctest summary
#      is the last thing printed.
# --quick skips steps 2 and 3. Exit status: non-zero if any step failed.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

scripts/deps.sh
COSIGN_TOOLS_DIR=$(scripts/get-cosign.sh | tail -n1)
export COSIGN_TOOLS_DIR
SKOPEO_SIGSTORE=$(scripts/get-skopeo.sh | tail -n1)
export SKOPEO_SIGSTORE

status=0
if [ "$QUICK" = 0 ]; then
  echo "== unit tests under ASan+UBSan (clang) =="
  cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCOSIGN_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$JOBS" --target cosign_unit_tests cosign_two_tu
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest -L unit -j "$JOBS" --output-on-failure) || status=1

  echo "== unit tests against single_include/cosign/cosign.hpp =="
  cmake -S . -B build-single -DCOSIGN_USE_SINGLE_HEADER=ON -DCOSIGN_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build build-single -j "$JOBS" --target cosign_unit_tests cosign_two_tu
  (cd build-single && ctest -L unit -j "$JOBS" --output-on-failure) || status=1
fi

echo "== full build and every test (g++) =="
cmake -S . -B build >/dev/null
cmake --build build -j "$JOBS"
[ "$status" = 0 ] || echo "NOTE: an earlier step (sanitizers or single header) failed; see above."
cd build
ctest -j "$JOBS" --output-on-failure || status=1
exit "$status"
