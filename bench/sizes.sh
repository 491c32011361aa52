#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/sizes.sh [BUILD_DIR]: builds the CLI and the examples for size (MinSizeRel, COSIGN_STATIC:
# sections GC, static mbedTLS) twice: programs without cpp-httplib fully static (BUILD_DIR), and
# static but for glibc (BUILD_DIR-glibc, COSIGN_STATIC_LIBC=OFF); prints a Markdown table of the
# stripped sizes and of what each program still loads at run time.
# Default BUILD_DIR: build-size. Needs the Debian packages of scripts/deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build-size}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
build() { # DIR LIBC
  cmake -S . -B "$1" "${GEN[@]}" -DCMAKE_BUILD_TYPE=MinSizeRel -DCOSIGN_STATIC=ON -DCOSIGN_STATIC_LIBC="$2" \
    -DCOSIGN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$1" -j "$JOBS" >"$1/build-log.txt" 2>&1 || { cat "$1/build-log.txt"; exit 1; }
}
build "$B" ON
build "$B-glibc" OFF

mib() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
linkage() {
  if ! ldd "$1" >/dev/null 2>&1; then echo "fully static"; return; fi
  ldd "$1" | awk '$1 !~ /linux-vdso|ld-linux/ { sub(/\.so.*/, "", $1); printf "%s%s", sep, $1; sep=", " }'
}
echo "| program | stripped | links at run time |"
echo "| --- | ---: | --- |"
for f in "$B"/examples/{cosign-cpp,cosign-cpp-mbedtls,sign_image,verify_on_device,custom_key_source} \
         "$B-glibc"/examples/{cosign-cpp-mbedtls,verify_on_device}; do
  [ -x "$f" ] || continue
  p=$(basename "$f")
  strip -o "$f.stripped" "$f"
  s=$(stat -c %s "$f.stripped")
  echo "| \`$p\` | $s B ($(mib "$s")) | $(linkage "$f") |"
done
echo
echo "($(g++ --version | head -n1); mbedTLS $(dpkg-query -W -f='${Version}' libmbedtls-dev 2>/dev/null || echo '?'); \`$0\`)"
