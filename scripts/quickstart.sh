#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# quickstart.sh: the whole main job of cosign-cpp on a throwaway local registry.
#
# Installs what is missing (Debian 12: scripts/deps.sh --quickstart, no test tools), builds the
# cosign-cpp CLI, starts Debian's docker-registry on a free port of 127.0.0.1, pushes a small demo
# image (with curl), generates a key pair, signs the image, verifies it, shows where the signature
# lives (triangulate), and stops the registry.
# Nothing outside a temporary directory is touched, except build/ in the repository.
#
# Environment: COSIGN_CPP (use this binary instead of building), QUICKSTART_PASSWORD (default
# "quickstart"), KEEP=1 (keep the temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd -P)

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "Installing what is missing and building"
scripts/deps.sh --quickstart   # the compiler, CMake, the library's packages, docker-registry, curl
if [ -z "${COSIGN_CPP:-}" ]; then
  # Only the CLI is built: a new build/ is configured without the tests (no Catch2 needed); an
  # existing one keeps its settings.
  if [ -f build/CMakeCache.txt ]; then
    cmake -S . -B build >/dev/null
  else
    cmake -S . -B build -DCOSIGN_BUILD_TESTS=OFF >/dev/null
  fi
  cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target cosign-cpp
  COSIGN_CPP=$ROOT/build/examples/cosign-cpp
fi
[ -x "$COSIGN_CPP" ] || { echo "cosign-cpp not found at $COSIGN_CPP" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cosign-cpp-quickstart.XXXXXX")
REG_PID=
cleanup() {
  if [ -n "$REG_PID" ] && kill -0 "$REG_PID" 2>/dev/null; then
    step "Stopping the registry"
    kill "$REG_PID" 2>/dev/null || true
    wait "$REG_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

step "Starting a throwaway registry on 127.0.0.1"
PORT=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || { echo "no free port found" >&2; exit 1; }
mkdir -p "$WORK/registry"
cat > "$WORK/registry/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
YML
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REG_PID=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/v2/" && break
  kill -0 "$REG_PID" 2>/dev/null || { cat "$WORK/registry/log" >&2; exit 1; }
  sleep 0.1
done
REG=127.0.0.1:$PORT
echo "registry: $REG"

step "Pushing a small demo image to $REG/demo:latest"
put_blob() {  # file -> digest
  local d loc
  d=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  loc=$(curl -fsS -X POST -D - -o /dev/null "http://$REG/v2/demo/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
  case "$loc" in http*) ;; *) loc="http://$REG$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$1" "$loc" >/dev/null
  echo "$d"
}
mkdir -p "$WORK/image"
printf 'hello from cosign-cpp quickstart\n' > "$WORK/image/hello.txt"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$WORK/image" -cf "$WORK/layer.tar" hello.txt
gzip -n -9 -c "$WORK/layer.tar" > "$WORK/layer.tar.gz"
DIFF_ID=sha256:$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
LAYER=$(put_blob "$WORK/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' "$DIFF_ID" > "$WORK/config.json"
CONFIG=$(put_blob "$WORK/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$CONFIG" "$(stat -c %s "$WORK/config.json")" "$LAYER" "$(stat -c %s "$WORK/layer.tar.gz")" > "$WORK/manifest.json"
curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
  --data-binary @"$WORK/manifest.json" "http://$REG/v2/demo/manifests/latest" >/dev/null
echo "pushed $REG/demo:latest = sha256:$(sha256sum "$WORK/manifest.json" | cut -d' ' -f1)"

cd "$WORK"
export COSIGN_PASSWORD=${QUICKSTART_PASSWORD:-quickstart}

step "Generating a key pair (password from COSIGN_PASSWORD)"
show "$COSIGN_CPP" generate-key-pair
ls -l cosign.key cosign.pub

step "Signing the image"
show "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$REG/demo:latest"

step "Verifying the signature"
show "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$REG/demo:latest"

step "Where the signature lives"
show "$COSIGN_CPP" triangulate "$REG/demo:latest"

step "Done: cosign-cpp signed and verified $REG/demo:latest"
