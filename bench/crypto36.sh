#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# crypto36.sh - mbedTLS 2.28 against 3.6 LTS (issue 15), on one table, in one run:
#
#   bench/crypto36.sh [BUILD_DIR]        (default: build-crypto36)
#
# 1. ECDSA P-256 verify and sign per second (bench/crypto_ops.cpp, -O2) through
#    crypto::mbedtls on Debian 12's mbedTLS 2.28, crypto::openssl_verify<mbedtls> (OpenSSL
#    verifies, mbedTLS signs), crypto::mbedtls and crypto::psa on mbedTLS 3.6 (scripts/mbedtls36.sh's
#    build), and crypto::psa on a 3.6 built with MBEDTLS_PSA_P256M_DRIVER_ENABLED (p256-m, which
#    serves PSA_ALG_ECDSA on P-256: verification, and randomized signing; deterministic ECDSA,
#    which cosign-cpp signs with, stays mbedTLS's own).
# 2. The size of examples/verify_on_device (-Os, --gc-sections, stripped; libstdc++ and glibc
#    shared) linked against a 3.6 built with bench/mbedtls36-minimal-config.h, beside the same on
#    2.28 with bench/mbedtls-minimal-config.h (bench/sizes-minimal.sh, run here too).
# The 3.6 variants are built once with CMake from the source scripts/mbedtls36.sh kept (no
# network), nice -n 10, into ${XDG_CACHE_HOME:-~/.cache}/cosign-cpp/mbedtls-3.6/<version>-<variant>.
# Environment: CXX (g++), JOBS (2), SKIP_SIZES=1 to leave out step 2.
set -euo pipefail

log() { echo "crypto36.sh: $*" >&2; }
die() { log "$*"; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-crypto36}
mkdir -p "$BUILD"; BUILD=$(cd "$BUILD" && pwd)
CXX=${CXX:-g++}; JOBS=${JOBS:-2}
M36=$("$ROOT/scripts/mbedtls36.sh" | tail -n1)
[ -f "$M36/.cosign-cpp-built" ] || die "scripts/mbedtls36.sh gave no mbedTLS 3.6 prefix"
VERSION=$(basename "$M36")

# --- the 3.6 variants ----------------------------------------------------------------------------
SRC=$BUILD/mbedtls-$VERSION-src
if [ ! -f "$SRC/.unpacked" ]; then
  rm -rf "$SRC"
  dpkg-source --no-check -x "$(ls "$M36"/src/*.dsc)" "$SRC" >/dev/null 2>&1 || die "cannot unpack $M36/src"
  touch "$SRC/.unpacked"
fi
# Debian's packaging leaves 3rdparty/ (p256-m, Everest) out of the CMake build: put it back here.
grep -q '^add_subdirectory(3rdparty)' "$SRC/CMakeLists.txt" ||
  sed -i 's/^add_subdirectory(library)$/add_subdirectory(3rdparty)\nadd_subdirectory(library)/' "$SRC/CMakeLists.txt"

# variant NAME CONFIG_FILE CFLAGS: builds (once) and prints the prefix.
variant() {
  local name=$1 cfg=$2 cflags=$3 prefix stamp
  prefix=$(dirname "$M36")/$VERSION-$name
  stamp="3rdparty $(sha256sum "$cfg" | cut -c1-16) $cflags"
  if [ -f "$prefix/.stamp" ] && [ "$(cat "$prefix/.stamp")" = "$stamp" ]; then echo "$prefix"; return; fi
  log "building mbedTLS $VERSION ($name)"
  rm -rf "$prefix" "$BUILD/b-$name"
  nice -n 10 cmake -S "$SRC" -B "$BUILD/b-$name" -DCMAKE_BUILD_TYPE=Release -DENABLE_TESTING=OFF \
    -DENABLE_PROGRAMS=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF \
    -DMBEDTLS_FATAL_WARNINGS=OFF -DMBEDTLS_CONFIG_FILE="$cfg" -DCMAKE_C_FLAGS="$cflags" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib >"$BUILD/b-$name.log" 2>&1 &&
  nice -n 10 cmake --build "$BUILD/b-$name" -j "$JOBS" >>"$BUILD/b-$name.log" 2>&1 &&
  cmake --install "$BUILD/b-$name" >>"$BUILD/b-$name.log" 2>&1 || { tail -n 30 "$BUILD/b-$name.log" >&2; die "build of $name failed"; }
  cp "$cfg" "$prefix/include/mbedtls/mbedtls_config.h"  # what cosign-cpp's headers must see too
  echo "$stamp" >"$prefix/.stamp"
  echo "$prefix"
}

# The default 3.6 configuration (mbedtls36.sh's) with p256-m.
cp "$M36/include/mbedtls/mbedtls_config.h" "$BUILD/p256m-config.h"
python3 "$SRC/scripts/config.py" -f "$BUILD/p256m-config.h" set MBEDTLS_PSA_P256M_DRIVER_ENABLED
P256M=$(variant p256m "$BUILD/p256m-config.h" "-O2")

# --- 1. speed ------------------------------------------------------------------------------------
CXXFLAGS=(-std=c++17 -O2 -DNDEBUG -I"$ROOT/include")
log "compiling bench/crypto_ops.cpp three times"
"$CXX" "${CXXFLAGS[@]}" -DCRYPTO_OPS_OPENSSL "$ROOT/bench/crypto_ops.cpp" -o "$BUILD/ops-228" \
  -lmbedtls -lmbedx509 -lmbedcrypto -lcrypto -lpthread
"$CXX" "${CXXFLAGS[@]}" -isystem "$M36/include" "$ROOT/bench/crypto_ops.cpp" -o "$BUILD/ops-36" \
  "$M36"/lib/libmbed{tls,x509,crypto}.a -lpthread
"$CXX" "${CXXFLAGS[@]}" -isystem "$P256M/include" "$ROOT/bench/crypto_ops.cpp" -o "$BUILD/ops-36-p256m" \
  "$P256M"/lib/libmbed{tls,x509,crypto}.a "$P256M"/lib/libp256m.a "$P256M"/lib/libmbedcrypto.a -lpthread
V228=$(dpkg-query -W -f='${Version}' libmbedtls-dev 2>/dev/null || echo 2.28)
OSSL=$(dpkg-query -W -f='${Version}' libssl3 2>/dev/null || echo 3)
echo
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) cores; $(date -u +%F)"
echo
echo "| mbedTLS, policy | P-256 verify/s | P-256 sign/s |"
echo "| --- | ---: | ---: |"
"$BUILD/ops-228" "mbedTLS $V228 (Debian 12; OpenSSL $OSSL)"
"$BUILD/ops-36" "mbedTLS $VERSION"
"$BUILD/ops-36-p256m" "mbedTLS $VERSION + p256-m"

# --- 2. size -------------------------------------------------------------------------------------
[ "${SKIP_SIZES:-0}" = 1 ] && exit 0
MIN=$(variant min "$ROOT/bench/mbedtls36-minimal-config.h" "-Os -ffunction-sections -fdata-sections")
SZ=(-std=c++17 -Os -ffunction-sections -fdata-sections -I"$ROOT/include")
"$CXX" "${SZ[@]}" -isystem "$MIN/include" -c "$ROOT/examples/verify_on_device.cpp" -o "$BUILD/vod36.o"
"$CXX" "$BUILD/vod36.o" -Wl,--gc-sections "$MIN"/lib/libmbed{tls,x509,crypto}.a -o "$BUILD/verify_on_device-36"
strip "$BUILD/verify_on_device-36"
sm=$("$ROOT/bench/sizes-minimal.sh" "$BUILD/size-228" 2>/dev/null)
s228=$(printf '%s\n' "$sm" | sed -n 1p | awk '{print $(NF-3)}')
s36=$(stat -c %s "$BUILD/verify_on_device-36")
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
echo
echo "| verify_on_device, minimal mbedTLS (-Os, --gc-sections, stripped; libstdc++, glibc shared) | bytes | size |"
echo "| --- | ---: | ---: |"
echo "| mbedTLS $V228, bench/mbedtls-minimal-config.h | $s228 | $(mb "$s228") |"
echo "| mbedTLS $VERSION, bench/mbedtls36-minimal-config.h | $s36 | $(mb "$s36") |"
