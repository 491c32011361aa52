#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# deps.sh [--quickstart | --quick]: installs the Debian 12 packages cosign-cpp needs, only those
# missing. Needs root (or sudo) when something is missing; prints nothing when everything is present.
#
#   (no option)    everything scripts/test.sh runs: both compilers, Bazel, the test tools;
#   --quick        what `scripts/test.sh --quick` runs (the g++ build and ctest): no clang, no Bazel;
#   --quickstart   what scripts/quickstart.sh uses: g++, CMake, the library's dependencies, and
#                  docker-registry and curl for the demo registry; no test tools.
#   --check        (after any of the above) install nothing: list what is missing, exit 1 if anything.
set -euo pipefail
MODE=full CHECK=0
for a in "$@"; do
  case "$a" in
    --quick) MODE=quick ;;
    --quickstart) MODE=quickstart ;;
    --check) CHECK=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "deps.sh: unknown option $a (--quick, --quickstart, --check)" >&2; exit 2 ;;
  esac
done
# The library and the CLI (cpp-httplib brings libssl-dev: the CLI's OpenSSL ECDSA verification).
LIB_PKGS=(g++ cmake make pkg-config libmbedtls-dev libcpp-httplib-dev rapidjson-dev)
# The unit tests and the integration tests (a local registry, the tools they script, and the
# keyring get-cosign.sh and get-skopeo.sh check Debian's newer suites with).
TEST_PKGS=(catch2 python3 docker-registry skopeo openssl curl jq apache2-utils ca-certificates debian-archive-keyring softhsm2)
# The full run only: sanitizers, libFuzzer and clang builds; Bazel; building mbedTLS 3.6 from
# Debian 13's source package (scripts/mbedtls36.sh: dpkg-source, its patches' tools, bzip2/xz).
FULL_PKGS=(clang bazel-bootstrap dpkg-dev patch bzip2 xz-utils)
case "$MODE" in
  full) want=("${LIB_PKGS[@]}" "${TEST_PKGS[@]}" "${FULL_PKGS[@]}") ;;
  quick) want=("${LIB_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  quickstart) want=("${LIB_PKGS[@]}" docker-registry curl ca-certificates) ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$CHECK" = 1 ]; then
  echo "deps.sh: missing ${missing[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q >&2
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
# docker-registry's package starts a system registry on :5000; tests run their own.
if command -v systemctl >/dev/null 2>&1; then "${SUDO[@]}" systemctl stop docker-registry >/dev/null 2>&1 || true; fi
