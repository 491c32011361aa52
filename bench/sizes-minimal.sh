#!/bin/bash
# sizes-minimal.sh - the size of examples/verify_on_device linked against an mbedTLS 2.28 built
# with a minimal configuration (bench/mbedtls-minimal-config.h) and with -ffunction-sections
# (issue 5: the verify-only example at most 0.6 MB).
#
#   bench/sizes-minimal.sh [BUILD_DIR]        (default: build-size-minimal)
#
# 1. Fetches Debian bookworm's mbedTLS source (the 2.28.3 orig tarball Debian 12's libmbedtls-dev
#    is built from) with apt-get and a private sources list (a deb-src line for the Debian mirror
#    this machine's apt configuration uses); lists and cache in a temporary directory, nothing under
#    /etc or /var changed, no root needed. The tarball is kept in
#    ${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/mbedtls-src; later runs need no network.
# 2. Builds library/*.c with -Os -ffunction-sections -fdata-sections against the minimal
#    configuration, which it installs as BUILD_DIR/include/mbedtls/config.h (cosign-cpp's headers
#    include <mbedtls/config.h> directly, so they must see the same configuration), into
#    BUILD_DIR/lib/libmbed{tls,x509,crypto}.a.
# 3. Compiles and links examples/verify_on_device.cpp against them (-Os, --gc-sections, stripped):
#    BUILD_DIR/verify_on_device (libstdc++ and glibc shared) and
#    BUILD_DIR/verify_on_device-static-libstdc++ (-static-libstdc++ -static-libgcc; glibc shared),
#    and prints both sizes.
# Environment: DEBIAN_MIRROR (default: the machine's), CXX (g++), CC (gcc), JOBS (nproc), EXAMPLE
# (default verify_on_device; verify_blob_bundle: the offline Sigstore-bundle check, no transport).
set -euo pipefail

log() { echo "sizes-minimal.sh: $*" >&2; }
die() { log "$*"; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-size-minimal}
mkdir -p "$BUILD"; BUILD=$(cd "$BUILD" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/mbedtls-src
CC=${CC:-gcc}; CXX=${CXX:-g++}; JOBS=${JOBS:-$(nproc)}; EXAMPLE=${EXAMPLE:-verify_on_device}
SUITE=bookworm

# --- 1. the source ---------------------------------------------------------------------------
tarball() { ls "$CACHE"/mbedtls_2.28*.orig.tar.* 2>/dev/null | sort -V | tail -n1; }
if [ -z "$(tarball)" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/sizes-minimal.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  # shellcheck source=scripts/lib/private-apt.sh
  . "$ROOT/scripts/lib/private-apt.sh"
  private_apt_init "$WORK"
  mkdir -p "$WORK/src"
  private_apt_source deb-src "$SUITE"
  log "reading the $SUITE source index from $MIRROR"
  private_apt_update
  log "downloading the mbedtls source package"
  (cd "$WORK/src" && apt-get "${APT_OPTS[@]}" -q source --download-only "mbedtls/$SUITE") >>"$WORK/apt.log" 2>&1 ||
    { cat "$WORK/apt.log" >&2; die "apt-get source failed"; }
  mkdir -p "$CACHE"
  cp "$WORK"/src/mbedtls_*.orig.tar.* "$WORK"/src/mbedtls_*.dsc "$CACHE"/
  [ -n "$(tarball)" ] || die "no mbedTLS 2.28 orig tarball in the source package"
fi
TARBALL=$(tarball)
log "source: $TARBALL"

# --- 2. mbedTLS with the minimal configuration ------------------------------------------------
SRC=$BUILD/mbedtls-src
if [ ! -f "$SRC/.unpacked-$(basename "$TARBALL")" ]; then
  rm -rf "$SRC"; mkdir -p "$SRC"
  tar xf "$TARBALL" -C "$SRC" --strip-components=1
  touch "$SRC/.unpacked-$(basename "$TARBALL")"
fi
rm -rf "$BUILD/include" "$BUILD/obj" "$BUILD/lib"
mkdir -p "$BUILD/include" "$BUILD/obj" "$BUILD/lib"
cp -r "$SRC/include/mbedtls" "$SRC/include/psa" "$BUILD/include/"
cp "$ROOT/bench/mbedtls-minimal-config.h" "$BUILD/include/mbedtls/config.h"

CFLAGS=(-Os -ffunction-sections -fdata-sections -I"$BUILD/include" -I"$SRC/library")
log "compiling mbedTLS ($(ls "$SRC"/library/*.c | wc -l) files, -Os -ffunction-sections)"
ls "$SRC"/library/*.c | xargs -P "$JOBS" -I{} sh -c \
  'o="$1/obj/$(basename "$2" .c).o"; '"$CC"' '"${CFLAGS[*]}"' -c "$2" -o "$o"' _ "$BUILD" {}
# The same split as mbedTLS's library/Makefile.
objs() { for f in "$@"; do echo "$BUILD/obj/$f.o"; done; }
TLS=(debug net_sockets ssl_cache ssl_ciphersuites ssl_cli ssl_cookie ssl_msg ssl_srv ssl_ticket ssl_tls ssl_tls13_keys)
X509=(certs pkcs11 x509 x509_create x509_crl x509_crt x509_csr x509write_crt x509write_csr)
CRYPTO=()
for o in "$BUILD"/obj/*.o; do
  n=$(basename "$o" .o)
  case " ${TLS[*]} ${X509[*]} " in *" $n "*) ;; *) CRYPTO+=("$n") ;; esac
done
ar rcs "$BUILD/lib/libmbedtls.a" $(objs "${TLS[@]}")
ar rcs "$BUILD/lib/libmbedx509.a" $(objs "${X509[@]}")
ar rcs "$BUILD/lib/libmbedcrypto.a" $(objs "${CRYPTO[@]}")

# --- 3. the example ($EXAMPLE) -----------------------------------------------------------------
LIBS=("$BUILD/lib/libmbedtls.a" "$BUILD/lib/libmbedx509.a" "$BUILD/lib/libmbedcrypto.a")
CXXFLAGS=(-std=c++17 -Os -ffunction-sections -fdata-sections -I"$BUILD/include" -I"$ROOT/include")
log "compiling examples/$EXAMPLE.cpp"
"$CXX" "${CXXFLAGS[@]}" -c "$ROOT/examples/$EXAMPLE.cpp" -o "$BUILD/$EXAMPLE.o"
"$CXX" "$BUILD/$EXAMPLE.o" -Wl,--gc-sections "${LIBS[@]}" -o "$BUILD/$EXAMPLE"
"$CXX" "$BUILD/$EXAMPLE.o" -Wl,--gc-sections -static-libstdc++ -static-libgcc "${LIBS[@]}" \
  -o "$BUILD/$EXAMPLE-static-libstdc++"
strip "$BUILD/$EXAMPLE" "$BUILD/$EXAMPLE-static-libstdc++"

size_of() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
a=$(size_of "$BUILD/$EXAMPLE"); b=$(size_of "$BUILD/$EXAMPLE-static-libstdc++")
printf '%-45s %9s bytes  %s\n' "$EXAMPLE (libstdc++, glibc shared)" "$a" "$(mb "$a")"
printf '%-45s %9s bytes  %s\n' "$EXAMPLE (-static-libstdc++, glibc)" "$b" "$(mb "$b")"
