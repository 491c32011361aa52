#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/consumers/run.sh [WORK_DIR]: proves the four ways a project takes cosign-cpp: installs it
# (cmake --install) into a private prefix, then builds and runs the small signer (signer.cpp)
# through find_package(cosign CONFIG), add_subdirectory, FetchContent (an archive of this
# checkout, as a release tarball) and pkg-config (cosign.pc). Exit status: failures.
set -uo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd -P)
WORK=${1:-$(mktemp -d "${TMPDIR:-/tmp}/cosign-consumers.XXXXXX")}
mkdir -p "$WORK"
JOBS=${JOBS:-2}
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
status=0
step() { # NAME CMD...: runs CMD quietly; shows its log on failure.
  local name=$1; shift
  if "$@" >"$WORK/$name.log" 2>&1; then echo "ok: $name"; else echo "FAIL: $name"; tail -n 30 "$WORK/$name.log"; status=1; fi
}

# 1. Install: headers, cosignConfig.cmake, cosignConfigVersion.cmake, cosign.pc.
step install-configure cmake -S "$SRC" -B "$WORK/cosign-build" "${GEN[@]}" -DCOSIGN_BUILD_TESTS=OFF \
  -DCOSIGN_BUILD_EXAMPLES=OFF -DCMAKE_INSTALL_PREFIX="$WORK/prefix"
step install cmake --install "$WORK/cosign-build"
for f in include/cosign/cosign.hpp include/cosign/crypto/mbedtls.hpp share/cmake/cosign/cosignConfig.cmake \
         share/cmake/cosign/cosignConfigVersion.cmake share/pkgconfig/cosign.pc; do
  [ -f "$WORK/prefix/$f" ] || { echo "FAIL: install lacks $f"; status=1; }
done

# 2. find_package(cosign CONFIG)
step find_package-build bash -c "cmake -S '$SRC/tests/consumers/find_package' -B '$WORK/find_package' ${GEN[*]} \
  -DCMAKE_PREFIX_PATH='$WORK/prefix' && cmake --build '$WORK/find_package' -j $JOBS"
step find_package-run "$WORK/find_package/signer"

# 3. add_subdirectory
step add_subdirectory-build bash -c "cmake -S '$SRC/tests/consumers/add_subdirectory' -B '$WORK/add_subdirectory' \
  ${GEN[*]} -DCOSIGN_SOURCE_DIR='$SRC' && cmake --build '$WORK/add_subdirectory' -j $JOBS"
step add_subdirectory-run "$WORK/add_subdirectory/signer"

# 4. FetchContent, from an archive of the checkout (tracked and new files, not build trees).
(cd "$SRC" && git ls-files -co --exclude-standard -z | tar --null -T - -czf "$WORK/cosign-src.tar.gz" \
  --transform 's,^,cosign-cpp/,' 2>/dev/null) || { echo "FAIL: cannot archive $SRC"; status=1; }
step fetchcontent-build bash -c "cmake -S '$SRC/tests/consumers/fetchcontent' -B '$WORK/fetchcontent' ${GEN[*]} \
  -DCOSIGN_URL='$WORK/cosign-src.tar.gz' && cmake --build '$WORK/fetchcontent' -j $JOBS"
step fetchcontent-run "$WORK/fetchcontent/signer"

# 5. pkg-config
step pkg-config-build bash -c "PKG_CONFIG_PATH='$WORK/prefix/share/pkgconfig' && export PKG_CONFIG_PATH && \
  \${CXX:-c++} -std=c++17 '$SRC/tests/consumers/signer.cpp' -o '$WORK/signer-pc' \$(pkg-config --cflags --libs cosign)"
step pkg-config-run "$WORK/signer-pc"

[ $status -eq 0 ] && echo "consumers: find_package, add_subdirectory, FetchContent and pkg-config all build and run"
[ -z "${1:-}" ] && [ $status -eq 0 ] && rm -rf "$WORK"
exit $status
