#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# peers.sh - the local Sigstore services the tests run against: tests/peers/sigstore-mock-server.js
# (Rekor v1, Fulcio, a TSA and a TUF repository over the npm package @sigstore/mock) on 127.0.0.1,
# and tests/peers/oidc-server.mjs (an OIDC issuer over npm oauth2-mock-server), which install copies.
# No test reaches a public Sigstore service.
#
#   scripts/peers.sh install          install the pinned npm packages (if missing); print the dir
#   scripts/peers.sh start OUT_DIR    install, start the server in the background, wait until it
#                                     answers; print SIGSTORE_MOCK_URL=... and SIGSTORE_MOCK_PID=...
#   scripts/peers.sh stop OUT_DIR     stop the server `start` left running for OUT_DIR
#
# The packages (tests/peers/package.json, pinned by tests/peers/package-lock.json) go with a copy
# of the server into $COSIGN_PEERS_DIR, default ${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/peers,
# reinstalled with `npm ci` when the lock file changes (about 60 MB, 10-20 s, needs the npm
# registry once). The server writes OUT_DIR/url, rekor.pub, trusted_root.json, fulcio_root.pem,
# ctfe.pub, tsa_chain.pem, tuf-root.json and logs each request to OUT_DIR/requests.log.
# Node 20 prints EBADENGINE warnings for @sigstore/mock (it asks for 22): harmless.
set -euo pipefail

log() { echo "peers.sh: $*" >&2; }
die() { log "$*"; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SRC=$ROOT/tests/peers
DIR=${COSIGN_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/peers}

install_peers() {
  command -v node >/dev/null 2>&1 || die "node not found: install Node.js 20 or newer (Debian: apt-get install nodejs npm)"
  command -v npm >/dev/null 2>&1 || die "npm not found: install npm (Debian: apt-get install npm)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "node $(node --version) is too old: the pinned packages need Node.js 20 or newer"
  mkdir -p "$DIR"
  # The server must sit beside its node_modules: require() resolves from the script's folder.
  cp "$SRC/sigstore-mock-server.js" "$DIR/sigstore-mock-server.js"
  # The local OIDC issuer (npm oauth2-mock-server) likewise: ESM imports resolve from its folder.
  [ ! -f "$SRC/oidc-server.mjs" ] || cp "$SRC/oidc-server.mjs" "$DIR/oidc-server.mjs"
  if [ -d "$DIR/node_modules/@sigstore/mock" ] && cmp -s "$SRC/package-lock.json" "$DIR/package-lock.json"; then
    echo "$DIR"
    return 0
  fi
  log "installing the pinned npm packages into $DIR (npm ci)"
  cp "$SRC/package.json" "$SRC/package-lock.json" "$DIR/"
  if ! (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error >"$DIR/npm-install.log" 2>&1); then
    cat "$DIR/npm-install.log" >&2
    rm -f "$DIR/package-lock.json"   # so the next run installs again
    die "npm ci failed in $DIR (is the npm registry reachable?)"
  fi
  [ -d "$DIR/node_modules/@sigstore/mock" ] || die "npm ci ran but @sigstore/mock is missing in $DIR/node_modules"
  echo "$DIR"
}

start_peers() {
  local out=$1 dir pid
  dir=$(install_peers)
  mkdir -p "$out"
  out=$(cd "$out" && pwd -P)
  rm -f "$out/url"
  node "$dir/sigstore-mock-server.js" --port 0 --keys "$out/keys" --out "$out" --log "$out/requests.log" \
    >"$out/server.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" > "$out/pid"
  for _ in $(seq 1 100); do
    if grep -q '^http://127\.0\.0\.1:[0-9]*' "$out/url" 2>/dev/null; then
      echo "SIGSTORE_MOCK_URL=$(cat "$out/url")"
      echo "SIGSTORE_MOCK_PID=$pid"
      echo "SIGSTORE_MOCK_DIR=$out"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$out/server.log" >&2; die "the sigstore mock server exited at start-up"; }
    sleep 0.1
  done
  cat "$out/server.log" >&2
  kill "$pid" 2>/dev/null || true
  die "the sigstore mock server did not write $out/url within 10 s"
}

stop_peers() {
  local out=$1 pid
  [ -f "$out/pid" ] || die "no $out/pid: nothing started there"
  pid=$(cat "$out/pid")
  if grep -qa sigstore-mock-server.js "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
  fi
  rm -f "$out/pid"
}

case "${1:-}" in
  install) install_peers ;;
  start) [ $# -eq 2 ] || die "usage: $0 start OUT_DIR"; start_peers "$2" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop OUT_DIR"; stop_peers "$2" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2 ;;
esac
