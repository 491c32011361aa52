#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# deps.sh [--runtime-only]: installs the Debian 12 packages cosign-cpp needs to build and test,
# only those missing. Needs root (or sudo). Prints nothing when everything is present.
set -euo pipefail
BUILD_PKGS=(g++ clang cmake make pkg-config libmbedtls-dev libcpp-httplib-dev rapidjson-dev catch2 python3 bazel-bootstrap)
TEST_PKGS=(docker-registry skopeo openssl curl jq apache2-utils ca-certificates debian-archive-keyring softhsm2)
want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
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
