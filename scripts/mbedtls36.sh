#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# mbedtls36.sh: builds mbedTLS 3.6 LTS from Debian 13 (trixie)'s source package into a cache,
# without root, and prints the install prefix (the last line of its output).
#
#   scripts/mbedtls36.sh            the prefix ~/.cache/cosign-cpp/mbedtls-3.6/<version>/
#   cmake -DCOSIGN_MBEDTLS_ROOT="$(scripts/mbedtls36.sh | tail -n1)" ...
#
# 1. Downloads the trixie source package (.dsc, .orig.tar.*, .debian.tar.*) with apt-get and a
#    private sources list (scripts/lib/private-apt.sh: the signed Sources index vouches for the
#    .dsc), then checks every file against the .dsc's Checksums-Sha256. When that fails it falls
#    back to the pool directory of the machine's Debian mirror (same SHA-256 check).
# 2. Unpacks it with Debian's patches (dpkg-source -x), turns on in include/mbedtls/mbedtls_config.h
#    what cosign-cpp uses beyond the defaults (scripts/config.py): MBEDTLS_THREADING_C +
#    MBEDTLS_THREADING_PTHREAD (as Debian builds it), and keeps the PSA Crypto core with persistent
#    key storage in ITS files (MBEDTLS_PSA_CRYPTO_C, MBEDTLS_PSA_CRYPTO_STORAGE_C,
#    MBEDTLS_PSA_ITS_FILE_C) and TLS 1.3 (MBEDTLS_SSL_PROTO_TLS1_3).
# 3. Builds the static libraries with CMake (no tests, no programs), nice -n 10, JOBS jobs
#    (default 2), and installs them into the prefix.
# A later run finds the prefix's stamp file and does nothing but print it (no network).
# Environment: DEBIAN_MIRROR (default: the machine's), JOBS (2), XDG_CACHE_HOME, CC.
set -euo pipefail

log() { echo "mbedtls36.sh: $*" >&2; }
die() { log "$*"; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/mbedtls-3.6
JOBS=${JOBS:-2}
SUITE=trixie

# Already built: print the newest prefix and stop.
newest() { ls -d "$BASE"/3.6.*/ 2>/dev/null | sort -V | tail -n1 | sed 's:/$::'; }
p=$(newest || true)
if [ -n "$p" ] && [ -f "$p/.cosign-cpp-built" ]; then
  echo "$p"
  exit 0
fi

for c in cmake dpkg-source python3 sha256sum; do command -v "$c" >/dev/null || die "$c not found"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mbedtls36.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SRCDL=$WORK/dl
mkdir -p "$SRCDL"

# --- 1. the source package ---------------------------------------------------------------------
# shellcheck source=scripts/lib/private-apt.sh
. "$ROOT/scripts/lib/private-apt.sh"
private_apt_init "$WORK/apt"

# Checks each file that the .dsc lists against its Checksums-Sha256 line.
check_dsc() {
  local dsc=$1 dir ok=0 sum size name
  dir=$(dirname "$dsc")
  while read -r sum size name; do
    [ -n "$name" ] || continue
    [ -f "$dir/$name" ] || die "$name (listed in $(basename "$dsc")) is missing"
    echo "$sum  $dir/$name" | sha256sum -c --quiet - >/dev/null 2>&1 ||
      die "SHA-256 mismatch for $name (expected $sum from $(basename "$dsc"))"
    ok=$((ok + 1))
  done < <(awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print }' "$dsc")
  [ "$ok" -ge 2 ] || die "$(basename "$dsc") lists no SHA-256 checksums"
  log "SHA-256 of $ok files checked against $(basename "$dsc")"
}

fetch_with_apt() {
  private_apt_source deb-src "$SUITE"
  log "reading the $SUITE source index from $MIRROR"
  private_apt_update || return 1
  log "downloading the mbedtls source package ($SUITE)"
  (cd "$SRCDL" && apt-get "${APT_OPTS[@]}" -q source --download-only "mbedtls/$SUITE") >>"$WORK/apt.log" 2>&1
}

fetch_from_pool() {
  command -v curl >/dev/null || die "curl not found"
  local pool="$MIRROR/pool/main/m/mbedtls/" dsc f
  log "listing $pool"
  # The newest 3.6.x .dsc that the pool holds (trixie's is the 3.6 series).
  dsc=$(curl -fsSL "$pool" | grep -o 'mbedtls_3\.6\.[^"<>]*\.dsc' | sort -uV | tail -n1)
  [ -n "$dsc" ] || die "no mbedtls 3.6 .dsc in $pool"
  curl -fsSL -o "$SRCDL/$dsc" "$pool$dsc"
  for f in $(awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $3 }' "$SRCDL/$dsc"); do
    log "downloading $f"
    curl -fsSL -o "$SRCDL/$f" "$pool$f"
  done
}

if ! fetch_with_apt; then
  log "apt-get source failed (see below); trying the pool directory"
  tail -n 5 "$WORK/apt.log" >&2 || true
  rm -f "$SRCDL"/*
  fetch_from_pool
fi
DSC=$(ls "$SRCDL"/mbedtls_3.6*.dsc 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$DSC" ] || die "no mbedtls 3.6 .dsc downloaded (the $SUITE package is no longer 3.6?)"
check_dsc "$DSC"
DEBVER=$(awk '/^Version:/ { print $2; exit }' "$DSC")
VERSION=${DEBVER%%-*}
VERSION=${VERSION#*:}
case "$VERSION" in 3.6.*) ;; *) die "the $SUITE source package is mbedTLS $VERSION, not 3.6" ;; esac
PREFIX=$BASE/$VERSION
log "mbedTLS $VERSION (Debian $DEBVER) -> $PREFIX"

# --- 2. unpack with Debian's patches, configure -------------------------------------------------
SRC=$WORK/src
dpkg-source --no-check -x "$DSC" "$SRC" >"$WORK/unpack.log" 2>&1 || { cat "$WORK/unpack.log" >&2; die "dpkg-source -x failed"; }
CFG=(python3 "$SRC/scripts/config.py" -f "$SRC/include/mbedtls/mbedtls_config.h")
for opt in MBEDTLS_THREADING_C MBEDTLS_THREADING_PTHREAD MBEDTLS_PSA_CRYPTO_C MBEDTLS_PSA_CRYPTO_STORAGE_C \
           MBEDTLS_PSA_ITS_FILE_C MBEDTLS_SSL_PROTO_TLS1_3; do
  "${CFG[@]}" set "$opt"
done
for opt in MBEDTLS_THREADING_C MBEDTLS_PSA_CRYPTO_C MBEDTLS_PSA_CRYPTO_STORAGE_C MBEDTLS_PSA_ITS_FILE_C; do
  "${CFG[@]}" get "$opt" >/dev/null || die "$opt could not be enabled"
done

# --- 3. build and install ------------------------------------------------------------------------
log "building (static libraries, $JOBS jobs, nice -n 10)"
rm -rf "$PREFIX"
nice -n 10 cmake -S "$SRC" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release -DENABLE_TESTING=OFF \
  -DENABLE_PROGRAMS=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DMBEDTLS_FATAL_WARNINGS=OFF \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib >"$WORK/cmake.log" 2>&1 ||
  { cat "$WORK/cmake.log" >&2; die "cmake configure failed"; }
nice -n 10 cmake --build "$WORK/build" -j "$JOBS" >"$WORK/build.log" 2>&1 ||
  { tail -n 40 "$WORK/build.log" >&2; die "build failed"; }
cmake --install "$WORK/build" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; die "install failed"; }
# The source tarball too: bench/crypto36.sh builds minimal configurations from it offline.
mkdir -p "$PREFIX/src"
cp "$DSC" "$SRCDL"/mbedtls_*.orig.tar.* "$SRCDL"/mbedtls_*.debian.tar.* "$PREFIX/src/"
echo "$DEBVER" >"$PREFIX/.cosign-cpp-built"
log "installed mbedTLS $VERSION into $PREFIX"
echo "$PREFIX"
