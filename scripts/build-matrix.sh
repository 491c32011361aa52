#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# build-matrix.sh: builds cosign-cpp as users do, Release and Debug with g++ and clang++, every
# configuration with -DCOSIGN_USER_WARNINGS=ON (-Wpedantic -Wshadow -Wconversion on top of
# -Wall -Wextra, as errors), then installs the g++ Release build and checks what it installed.
#
#   * builds, in build-matrix/<compiler>-<type>/, only what users compile: the CLI, the examples
#     and the two-TU program (every header in two translation units); Release builds also build
#     the unit tests, since optimised builds are where -Warray-bounds and friends speak;
#   * runs the unit tests once, in the g++ Release build (scripts/test.sh runs every ctest test
#     in build/);
#   * `cmake --install` of the g++ Release build into a temporary prefix: the CMake package,
#     the pkg-config files and every header of include/cosign must be there, and the installed
#     entry headers must compile from the prefix.
# Environment: JOBS (parallel jobs, default nproc), COMPILERS (default "g++ clang++"),
# TYPES (default "Release Debug"). Exit status: non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
status=0

for cxx in ${COMPILERS:-g++ clang++}; do
  for type in ${TYPES:-Release Debug}; do
    dir=build-matrix/$cxx-$type
    targets=(cosign-cpp sign_image verify_on_device custom_key_source cosign_two_tu)
    [ "$type" = Release ] && targets+=(cosign_unit_tests)
    echo "-- $cxx $type ($dir): ${targets[*]}"
    if ! { cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$type" -DCOSIGN_USER_WARNINGS=ON \
             -DCOSIGN_BUILD_TESTS=ON -DCOSIGN_BUILD_EXAMPLES=ON >/dev/null &&
           cmake --build "$dir" -j "$JOBS" --target "${targets[@]}"; }; then
      echo "FAIL: $cxx $type build"
      status=1
    fi
  done
done

rel=build-matrix/g++-Release
if [ -x "$rel/tests/cosign_unit_tests" ]; then
  echo "-- unit tests, g++ Release"
  "$rel/tests/cosign_unit_tests" || { echo "FAIL: unit tests, g++ Release"; status=1; }
  prefix=$(mktemp -d "${TMPDIR:-/tmp}/cosign-install.XXXXXX")
  echo "-- cmake --install $rel --prefix $prefix"
  if cmake --install "$rel" --prefix "$prefix" >/dev/null; then
    n=0
    for f in share/cmake/cosign/cosignConfig.cmake share/cmake/cosign/cosignConfigVersion.cmake \
             share/cmake/cosign/cosignTargets.cmake share/cmake/cosign/FindMbedTLS.cmake \
             share/pkgconfig/cosign.pc share/pkgconfig/cosign-httplib.pc \
             $(cd include && find cosign -type f -name '*.hpp' | sort | sed 's|^|include/|'); do
      n=$((n + 1))
      [ -f "$prefix/$f" ] || { echo "FAIL: cmake --install lacks $f"; status=1; }
    done
    # The installed headers stand alone: the entry headers compile from the prefix.
    printf '#include <cosign/cosign.hpp>\n#include <cosign/defaults.hpp>\nint main() {}\n' > "$prefix/check.cpp"
    # shellcheck disable=SC2046  # pkg-config prints several flags
    if g++ -std=c++17 -fsyntax-only $(pkg-config --cflags cpp-httplib) -I"$prefix/include" "$prefix/check.cpp"; then
      echo "installed: $n files checked, the entry headers compile from the prefix"
    else
      echo "FAIL: the installed headers do not compile"
      status=1
    fi
  else
    echo "FAIL: cmake --install $rel"
    status=1
  fi
  rm -rf "$prefix"
else
  echo "FAIL: no unit tests in $rel (build failed?)"
  status=1
fi
exit "$status"
