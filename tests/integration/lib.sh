# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration/lib.sh - shared harness for the integration tests. Source it first:
#
#   . "$(dirname "$0")/lib.sh"
#
# What it gives a test:
#   * strict mode (set -euo pipefail), a private work dir $WORK (removed on exit unless
#     KEEP_WORK=1), and an EXIT trap that stops every registry / token server the test started;
#   * check helpers that print every check: pass, die, check, check_fails, check_eq, check_contains,
#     check_file_eq, run_cmd (captures rc/stdout/stderr), finish;
#   * setup_interop: find every tool below, isolate_env, cd $WORK (how most tests start);
#   * COSIGN_CPP_FORBID_PUBLIC_SIGSTORE=1, exported: cosign-cpp fails loudly rather than
#     contact a public Sigstore service (its default --rekor-url or TUF mirror);
#   * the tools: $COSIGN_CPP (the CLI under test), $COSIGN2, $COSIGN3, $CRANE (real cosign 2.x/3.x
#     and crane from scripts/get-cosign.sh), $SKOPEO (sigstore-capable skopeo from
#     scripts/get-skopeo.sh). A missing tool FAILS the test (exit 1) with a hint; nothing is skipped;
#   * registry_start NAME [--tls] [--htpasswd USER:PASS] [--token USER:PASS]: a throw-away
#     docker-registry on 127.0.0.1 (random free port); sets REG (HOST:PORT) and REG_DIR;
#   * push_image REG_DIR REPO:TAG [--multiarch]: a deterministic tiny OCI image (or 2-platform
#     index), prints its digest;
#   * skopeo_verify REG_DIR IMAGE PUBKEY...: skopeo's sigstoreSigned + matchRepository verdict;
#   * reg_requests / reg_mark / reg_writes_since: request counting from the registry's access log;
#   * reg_snapshot: catalog, tags and manifest digests (via crane) plus the storage tree;
#   * put_blob / put_manifest / get_manifest / get_blob: raw registry API for tampering.
#
# Environment:
#   COSIGN_CPP         the cosign-cpp binary (ctest sets it); default build/examples/cosign-cpp
#   COSIGN_CPP_SOURCE  the repository root (ctest sets it); default: two levels above this file
#   COSIGN_TOOLS_DIR   where cosign2, cosign3, crane live; default: scripts/get-cosign.sh's cache
#   SKOPEO             sigstore-capable skopeo (or SKOPEO_SIGSTORE, as scripts/test.sh exports);
#                      default: scripts/get-skopeo.sh's cache
#   REGISTRY_BIN       default docker-registry
#   KEEP_WORK=1        keep $WORK for inspection
#   VERBOSE=1          print the captured stdout/stderr of every run_cmd

set -euo pipefail
export LC_ALL=C.UTF-8
umask 022
# No test may reach a public Sigstore service: sign and verify now log to and check Rekor by
# default (issue 11). With this set, cosign-cpp refuses any request to the public Sigstore hosts (Rekor,
# the public-good TUF repository) with an error naming the URL, instead of hanging on a network
# that is not there. Tests pass --tlog-upload=false / --insecure-ignore-tlog where they test
# something else, or point the command at sigstore_mock_start's local services.
export COSIGN_CPP_FORBID_PUBLIC_SIGSTORE=1
# The public Sigstore domain, for tests that check the guard's messages (written in two pieces so
# that no test names a public URL literally).
PUBLIC_SIGSTORE_DOMAIN="sigstore"".dev"

TEST_NAME=$(basename "$0" .sh)
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
SOURCE_DIR=${COSIGN_CPP_SOURCE:-$(cd "$LIB_DIR/../.." && pwd -P)}
CHECKS=0

# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------
say() { printf '%s\n' "$*"; }
note() { printf '  .. %s\n' "$*"; }
pass() { CHECKS=$((CHECKS + 1)); printf '  ok %d - %s\n' "$CHECKS" "$*"; }
die() {
  printf '\nFAIL [%s]: %s\n' "$TEST_NAME" "$*" >&2
  exit 1
}
# Show a captured file (indented) on stderr; used when a check fails.
show() {
  local label=$1 f=$2
  [ -f "$f" ] || return 0
  printf '  --- %s (%s):\n' "$label" "$f" >&2
  sed -e 's/^/  | /' "$f" | head -n 60 >&2
}

# run_cmd NAME CMD...: runs CMD with stdin from /dev/null; stdout -> $WORK/NAME.out,
# stderr -> $WORK/NAME.err, exit status -> $RC. Never fails by itself.
run_cmd() {
  local name=$1; shift
  OUT=$WORK/$name.out ERR=$WORK/$name.err
  set +e
  "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  set -e
  if [ "${VERBOSE:-0}" = 1 ]; then
    note "\$ $* -> rc=$RC"; show stdout "$OUT"; show stderr "$ERR"
  fi
  return 0
}

# check DESC CMD...: CMD must exit 0.
check() {
  local desc=$1; shift
  run_cmd check "$@"
  if [ "$RC" -ne 0 ]; then
    show stdout "$OUT"; show stderr "$ERR"
    die "$desc: command failed with exit $RC: $*"
  fi
  pass "$desc"
}

# check_fails DESC CMD...: CMD must exit non-zero.
check_fails() {
  local desc=$1; shift
  run_cmd check "$@"
  if [ "$RC" -eq 0 ]; then
    show stdout "$OUT"; show stderr "$ERR"
    die "$desc: command succeeded but should have failed: $*"
  fi
  pass "$desc (exit $RC)"
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
  if [ "$2" != "$3" ]; then
    printf '  expected: %s\n  actual:   %s\n' "$2" "$3" >&2
    die "$1"
  fi
  pass "$1"
}

# check_contains DESC FILE SUBSTRING (fixed string)
check_contains() {
  if ! grep -qF -- "$3" "$2"; then
    show "$(basename "$2")" "$2"
    die "$1: '$3' not found in $2"
  fi
  pass "$1"
}

# check_not_contains DESC FILE SUBSTRING
check_not_contains() {
  if grep -qF -- "$3" "$2"; then
    show "$(basename "$2")" "$2"
    die "$1: '$3' unexpectedly found in $2"
  fi
  pass "$1"
}

# check_file_eq DESC EXPECTED_FILE ACTUAL_FILE (byte for byte)
check_file_eq() {
  if ! cmp -s "$2" "$3"; then
    if grep -qI . "$2" 2>/dev/null && { [ ! -s "$3" ] || grep -qI . "$3"; }; then
      printf '  diff -u expected actual (a missing final newline shows as "\\ No newline"):\n' >&2
      diff -u "$2" "$3" | head -n 40 | sed -e 's/^/  /' >&2 || true
    else
      printf '  expected (%s):\n' "$2" >&2; od -c "$2" | head -n 20 >&2
      printf '  actual (%s):\n' "$3" >&2; od -c "$3" | head -n 20 >&2
    fi
    die "$1: $2 and $3 differ"
  fi
  pass "$1"
}

finish() {
  printf '\nPASS [%s]: %d checks\n' "$TEST_NAME" "$CHECKS"
}

# ---------------------------------------------------------------------------------------------
# Work dir and cleanup
# ---------------------------------------------------------------------------------------------
CLEANUP_PIDS=()   # "pid:cmdline-marker" of processes we started
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cosign-cpp-it.$TEST_NAME.XXXXXX")
WORK=$(cd "$WORK" && pwd -P)

_stop_pid() {
  # Stop one process we started, after checking it still is what we started.
  local pid=$1 marker=$2 cmdline
  [ -r "/proc/$pid/cmdline" ] || return 0
  cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)
  case "$cmdline" in *"$marker"*) ;; *) return 0 ;; esac
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

_cleanup() {
  local rc=$? entry
  set +e
  for entry in "${CLEANUP_PIDS[@]+"${CLEANUP_PIDS[@]}"}"; do
    _stop_pid "${entry%%:*}" "${entry#*:}"
  done
  if [ "${KEEP_WORK:-0}" = 1 ] || { [ "$rc" -ne 0 ] && [ "${KEEP_WORK_ON_FAIL:-0}" = 1 ]; }; then
    printf 'work dir kept: %s\n' "$WORK" >&2
  else
    rm -rf "$WORK"
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    printf 'FAIL [%s]: exited with status %d\n' "$TEST_NAME" "$rc" >&2
  fi
  exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
need_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "required command '$c' not found (Debian: apt-get install docker-registry openssl curl jq apache2-utils iproute2 python3)"
  done
}
need_cmd openssl curl jq sha256sum base64 tar gzip cmp od

find_cosign_cpp() {
  COSIGN_CPP=${COSIGN_CPP:-$SOURCE_DIR/build/examples/cosign-cpp}
  [ -x "$COSIGN_CPP" ] || die "cosign-cpp not found at $COSIGN_CPP: build it (cmake -B build && cmake --build build) or set COSIGN_CPP"
  COSIGN_CPP=$(cd "$(dirname "$COSIGN_CPP")" && pwd -P)/$(basename "$COSIGN_CPP")
  export COSIGN_CPP
}

find_cosign_tools() {
  local dir=${COSIGN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/cosign}
  local b
  for b in cosign2 cosign3 crane; do
    [ -x "$dir/$b" ] || die "$dir/$b not found: run scripts/get-cosign.sh (or set COSIGN_TOOLS_DIR)"
  done
  COSIGN2=$dir/cosign2 COSIGN3=$dir/cosign3 CRANE=$dir/crane
  "$COSIGN2" version >/dev/null 2>&1 || die "$COSIGN2 does not run"
  export COSIGN2 COSIGN3 CRANE
}

find_skopeo() {
  SKOPEO=${SKOPEO:-${SKOPEO_SIGSTORE:-${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/skopeo/skopeo}}
  [ -x "$SKOPEO" ] || die "sigstore-capable skopeo not found at $SKOPEO: run scripts/get-skopeo.sh (or set SKOPEO)"
  local real
  real=$(command -v "$SKOPEO")
  if grep -qa 'Debian-local change: sigstore disabled' "$real" 2>/dev/null; then
    die "$SKOPEO is Debian 12's skopeo with sigstore disabled; run scripts/get-skopeo.sh and set SKOPEO to its output"
  fi
  "$SKOPEO" --version >/dev/null 2>&1 || die "$SKOPEO does not run"
  export SKOPEO
}

# Isolate every tool from the user's real configuration: fresh HOME, no docker credentials,
# no cosign/sigstore caches, no proxies for 127.0.0.1.
isolate_env() {
  export HOME=$WORK/home
  mkdir -p "$HOME"
  unset DOCKER_CONFIG REGISTRY_AUTH_FILE COSIGN_REPOSITORY COSIGN_PASSWORD COSIGN_DOCKER_MEDIA_TYPES \
        COSIGN_EXPERIMENTAL SSL_CERT_FILE SSL_CERT_DIR TUF_ROOT SIGSTORE_ROOT_FILE XDG_CONFIG_HOME 2>/dev/null || true
  export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
  # COSIGN_* flags could also come in through viper env binding; drop them all.
  local v
  for v in $(compgen -e | grep '^COSIGN_' || true); do
    case "$v" in COSIGN_CPP|COSIGN_CPP_SOURCE|COSIGN_TOOLS_DIR|COSIGN2|COSIGN3) ;; *) unset "$v" ;; esac
  done
  export COSIGN_CPP_FORBID_PUBLIC_SIGSTORE=1
}

# setup_interop: what most tests start with: the CLI, cosign 2/3 and crane, the
# sigstore-capable skopeo, an isolated environment, and $WORK as the current directory.
setup_interop() {
  find_cosign_cpp
  find_cosign_tools
  find_skopeo
  isolate_env
  cd "$WORK"
}

# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------
REGISTRY_BIN=${REGISTRY_BIN:-docker-registry}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 20000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "no free port found"
}

# wait_http URL [CURL_OPTS...]: wait until URL answers at all (any HTTP status).
wait_http() {
  local url=$1 code; shift
  for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" 2>/dev/null || true)
    case "$code" in 000|"") sleep 0.1 ;; *) return 0 ;; esac
  done
  return 1
}

_make_tls() {
  local dir=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$dir/tls/server.key" -out "$dir/tls/server.crt" >/dev/null 2>&1 \
    || die "openssl could not create the registry's self-signed certificate"
  cp "$dir/tls/server.crt" "$dir/ca.crt"
  mkdir -p "$dir/certs.d"
  cp "$dir/tls/server.crt" "$dir/certs.d/ca.crt"   # containers/image: every *.crt is a CA
}

# _write_docker_config DIR USER:PASS: DIR/docker/config.json for the registry in DIR.
_write_docker_config() {
  local dir=$1 creds=$2
  mkdir -p "$dir/docker"
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$(cat "$dir/address")" "$(printf '%s' "$creds" | base64 -w0)" \
    > "$dir/docker/config.json"
  chmod 600 "$dir/docker/config.json"
}

# _start_token_server DIR USER:PASS -> sets TOKEN_REALM; writes DIR/token/{key,cert,log}.
_start_token_server() {
  local dir=$1 creds=$2 port py
  py=$(command -v python3 || true)
  [ -n "$py" ] || die "python3 not found (needed for the token server)"
  mkdir -p "$dir/token"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cosign-cpp test token issuer" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$dir/token/key.pem" -out "$dir/token/cert.pem" >/dev/null 2>&1 \
    || die "openssl could not create the token signing certificate"
  for _ in 1 2 3 4 5; do
    port=$(pick_port)
    "$py" "$LIB_DIR/token_server.py" --port "$port" --key "$dir/token/key.pem" \
      --cert "$dir/token/cert.pem" --user "$creds" --issuer cosign-cpp-test-issuer \
      --service cosign-cpp-test-registry --log "$dir/token/requests.log" \
      >"$dir/token/server.log" 2>&1 </dev/null &
    local pid=$!
    CLEANUP_PIDS+=("$pid:$LIB_DIR/token_server.py")
    if wait_http "http://127.0.0.1:$port/token"; then
      TOKEN_REALM=http://127.0.0.1:$port/token
      echo "$TOKEN_REALM" > "$dir/token/realm"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null && { cat "$dir/token/server.log" >&2; die "token server on port $port does not answer"; }
  done
  cat "$dir/token/server.log" >&2
  die "token server did not start"
}

# registry_start NAME [--tls] [--htpasswd USER:PASS] [--token USER:PASS]
# Starts docker-registry with state in $WORK/registry-NAME. Sets REG=127.0.0.1:PORT and REG_DIR.
# REG_DIR holds: address, scheme, config.yml, registry.log (one access-log line per request),
# data/, and when used ca.crt + certs.d/ (TLS), docker/config.json (credentials), token/.
registry_start() {
  local name=$1; shift
  local tls=0 htpasswd="" token=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --tls) tls=1 ;;
      --htpasswd) htpasswd=$2; shift ;;
      --token) token=$2; shift ;;
      *) die "registry_start: unknown option $1" ;;
    esac
    shift
  done
  need_cmd "$REGISTRY_BIN"
  local dir=$WORK/registry-$name
  [ ! -e "$dir" ] || die "registry $name already started"
  mkdir -p "$dir/data" "$dir/tls"
  [ "$tls" = 1 ] && _make_tls "$dir"
  if [ -n "$htpasswd" ]; then
    need_cmd htpasswd
    htpasswd -Bbn "${htpasswd%%:*}" "${htpasswd#*:}" > "$dir/htpasswd" 2>/dev/null || die "htpasswd failed"
  fi
  [ -n "$token" ] && _start_token_server "$dir" "$token"
  local scheme=http curl_tls=()
  if [ "$tls" = 1 ]; then scheme=https; curl_tls=(--cacert "$dir/ca.crt"); fi
  local port pid
  for _ in 1 2 3 4 5; do
    port=$(pick_port)
    {
      cat <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(openssl rand -hex 16)
  headers:
    X-Content-Type-Options: [nosniff]
EOF
      if [ "$tls" = 1 ]; then
        printf '  tls:\n    certificate: %s\n    key: %s\n' "$dir/tls/server.crt" "$dir/tls/server.key"
      fi
      if [ -n "$htpasswd" ]; then
        printf 'auth:\n  htpasswd:\n    realm: cosign-cpp-test\n    path: %s\n' "$dir/htpasswd"
      elif [ -n "$token" ]; then
        printf 'auth:\n  token:\n    realm: %s\n    service: cosign-cpp-test-registry\n    issuer: cosign-cpp-test-issuer\n    rootcertbundle: %s\n' \
          "$TOKEN_REALM" "$dir/token/cert.pem"
      fi
    } > "$dir/config.yml"
    "$REGISTRY_BIN" serve "$dir/config.yml" > "$dir/registry.log" 2>&1 </dev/null &
    pid=$!
    CLEANUP_PIDS+=("$pid:$dir/config.yml")
    if wait_http "$scheme://127.0.0.1:$port/v2/" "${curl_tls[@]+"${curl_tls[@]}"}"; then
      break
    fi
    if kill -0 "$pid" 2>/dev/null; then
      cat "$dir/registry.log" >&2; die "registry on port $port runs but does not answer"
    fi
    grep -q 'address already in use' "$dir/registry.log" || { cat "$dir/registry.log" >&2; die "registry did not start"; }
    note "port $port was taken, retrying"
    port=""
  done
  [ -n "$port" ] || die "registry did not start after 5 attempts"
  echo "127.0.0.1:$port" > "$dir/address"
  echo "$scheme" > "$dir/scheme"
  echo "$pid" > "$dir/pid"
  if [ -n "$htpasswd" ]; then _write_docker_config "$dir" "$htpasswd"; fi
  if [ -n "$token" ]; then _write_docker_config "$dir" "$token"; fi
  REG=127.0.0.1:$port
  # shellcheck disable=SC2034 # used by the tests
  REG_DIR=$dir
  note "registry $name at $scheme://$REG (state $dir)"
}

# reg_env REG_DIR CMD...: run CMD with DOCKER_CONFIG / SSL_CERT_FILE for that registry (used for
# crane and the real cosign; the CLI under test gets them explicitly in each test).
reg_env() {
  local dir=$1; shift
  local envs=()
  [ -f "$dir/docker/config.json" ] && envs+=("DOCKER_CONFIG=$dir/docker")
  [ -f "$dir/ca.crt" ] && envs+=("SSL_CERT_FILE=$dir/ca.crt")
  env "${envs[@]+"${envs[@]}"}" "$@"
}

# curl against the registry's API with its TLS and credentials.
reg_curl() {
  local dir=$1; shift
  local opts=(-sS --max-time 20)
  [ -f "$dir/ca.crt" ] && opts+=(--cacert "$dir/ca.crt")
  if [ -f "$dir/docker/config.json" ] && [ ! -f "$dir/token/realm" ]; then
    opts+=(-u "$(jq -r '.auths[].auth' "$dir/docker/config.json" | base64 -d)")
  fi
  if [ -f "$dir/token/realm" ]; then
    # Bearer: get a token with all actions on every repository we touch.
    local creds tok
    creds=$(jq -r '.auths[].auth' "$dir/docker/config.json" | base64 -d)
    tok=$(curl -sS -u "$creds" "$(cat "$dir/token/realm")?service=cosign-cpp-test-registry&scope=${REG_CURL_SCOPE:-registry:catalog:*}" | jq -r .token)
    opts+=(-H "Authorization: Bearer $tok")
  fi
  curl "${opts[@]}" "$@"
}

reg_url() { echo "$(cat "$1/scheme")://$(cat "$1/address")"; }

# Registry access options for skopeo (dest or src).
_skopeo_access() {
  local dir=$1 side=$2
  if [ -f "$dir/ca.crt" ]; then
    printf '%s\n' "--$side-cert-dir" "$dir/certs.d" "--$side-tls-verify=true"
  else
    printf '%s\n' "--$side-tls-verify=false"
  fi
  if [ -f "$dir/docker/config.json" ]; then
    printf '%s\n' "--$side-authfile" "$dir/docker/config.json"
  fi
}

# ---------------------------------------------------------------------------------------------
# Test images
# ---------------------------------------------------------------------------------------------
# push_image REG_DIR REPO:TAG [--multiarch]: builds a deterministic OCI image (content depends only
# on REPO:TAG) and pushes it with skopeo copy --all --preserve-digests. Prints the digest.
push_image() {
  local dir=$1 image=$2 multi=${3:-}
  [ -n "${SKOPEO:-}" ] || find_skopeo
  local repo=${image%:*} tag=${image##*:}
  local w
  w=$(mktemp -d "$WORK/push.XXXXXX")
  local layout=$w/layout
  mkdir -p "$layout/blobs/sha256"
  _put() { # file -> "digest size"
    local hex
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    cp "$1" "$layout/blobs/sha256/$hex"
    echo "sha256:$hex $(stat -c %s "$1")"
  }
  _build() { # arch -> "digest size" of the manifest
    local arch=$1 rootfs=$w/rootfs-$1 diff_id ld ls cd cs
    mkdir -p "$rootfs"
    printf 'cosign-cpp integration test image %s:%s platform linux/%s\n' "$repo" "$tag" "$arch" > "$rootfs/hello.txt"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        -C "$rootfs" -cf "$w/layer-$arch.tar" hello.txt
    gzip -n -9 -c "$w/layer-$arch.tar" > "$w/layer-$arch.tar.gz"
    diff_id=sha256:$(sha256sum "$w/layer-$arch.tar" | cut -d' ' -f1)
    read -r ld ls < <(_put "$w/layer-$arch.tar.gz")
    printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Cmd":["/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"cosign-cpp tests"}]}' \
      "$arch" "$diff_id" > "$w/config-$arch.json"
    read -r cd cs < <(_put "$w/config-$arch.json")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
      "$cd" "$cs" "$ld" "$ls" > "$w/manifest-$arch.json"
    _put "$w/manifest-$arch.json"
  }
  local top_d top_s top_type m1_d m1_s m2_d m2_s
  if [ "$multi" = --multiarch ]; then
    read -r m1_d m1_s < <(_build amd64)
    read -r m2_d m2_s < <(_build arm64)
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"arm64","os":"linux"}}]}' \
      "$m1_d" "$m1_s" "$m2_d" "$m2_s" > "$w/index.json"
    read -r top_d top_s < <(_put "$w/index.json")
    top_type=application/vnd.oci.image.index.v1+json
  else
    read -r top_d top_s < <(_build amd64)
    top_type=application/vnd.oci.image.manifest.v1+json
  fi
  printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"%s","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$top_type" "$top_d" "$top_s" "$tag" > "$layout/index.json"
  printf '{"default":[{"type":"insecureAcceptAnything"}]}' > "$w/policy.json"
  local access=()
  mapfile -t access < <(_skopeo_access "$dir" dest)
  if ! "$SKOPEO" --policy "$w/policy.json" copy --quiet --all --preserve-digests --retry-times 0 \
        --digestfile "$w/digest" "${access[@]}" \
        "oci:$layout:$tag" "docker://$(cat "$dir/address")/$repo:$tag" >"$w/skopeo.log" 2>&1; then
    cat "$w/skopeo.log" >&2
    die "pushing $repo:$tag failed"
  fi
  local pushed
  pushed=$(cat "$w/digest")
  [ "$pushed" = "$top_d" ] || die "registry digest $pushed differs from the built manifest $top_d"
  rm -rf "$w"
  echo "$pushed"
}

# ---------------------------------------------------------------------------------------------
# skopeo as the independent verifier
# ---------------------------------------------------------------------------------------------
# skopeo_verify REG_DIR IMAGE PUBKEY...: prints "ACCEPTED IMAGE" (rc 0), "REJECTED reason" (1) or
# "ERROR reason" (2). Policy: default reject; docker scope REPO: sigstoreSigned + matchRepository.
skopeo_verify() {
  local dir=$1 img=$2; shift 2
  local repo keys=() k w req
  case "$img" in
    *@*) repo=${img%%@*} ;;
    *) if [[ "${img##*/}" == *:* ]]; then repo=${img%:*}; else repo=$img; fi ;;
  esac
  for k in "$@"; do keys+=("$(cd "$(dirname "$k")" && pwd -P)/$(basename "$k")"); done
  if [ ${#keys[@]} -eq 1 ]; then
    req=$(jq -nc --arg k "${keys[0]}" '{type:"sigstoreSigned",keyPath:$k,signedIdentity:{type:"matchRepository"}}')
  else
    req=$(jq -nc '{type:"sigstoreSigned",keyPaths:$ARGS.positional,signedIdentity:{type:"matchRepository"}}' --args "${keys[@]}")
  fi
  w=$(mktemp -d "$WORK/skopeo-verify.XXXXXX")
  mkdir -p "$w/registries.d"
  printf 'docker:\n  %s:\n    use-sigstore-attachments: true\n' "$(cat "$dir/address")" > "$w/registries.d/cosign-cpp.yaml"
  jq -n --arg scope "$repo" --argjson req "$req" \
    '{default:[{type:"reject"}], transports:{docker:{($scope):[$req]}}}' > "$w/policy.json"
  local access=() rc
  mapfile -t access < <(_skopeo_access "$dir" src)
  set +e
  "$SKOPEO" --policy "$w/policy.json" --registries.d "$w/registries.d" \
    copy --all --remove-signatures --retry-times 0 "${access[@]}" \
    "docker://$img" "oci:$w/out:verified" >"$w/out.log" 2>&1
  rc=$?
  set -e
  if [ $rc -eq 0 ]; then echo "ACCEPTED $img"; rm -rf "$w"; return 0; fi
  local reason
  reason=$(sed -n 's/.*level=fatal msg="\(.*\)"$/\1/p' "$w/out.log" | tail -n1 | sed 's/\\"/"/g')
  [ -n "$reason" ] || reason=$(tail -n1 "$w/out.log")
  rm -rf "$w"
  case "$reason" in
    *"Source image rejected"*|*"is rejected by policy"*) echo "REJECTED $reason"; return 1 ;;
    *) echo "ERROR $reason"; return 2 ;;
  esac
}

# check_skopeo_accepts DESC REG_DIR IMAGE PUBKEY...
check_skopeo_accepts() {
  local desc=$1 verdict; shift
  verdict=$(skopeo_verify "$@") || die "$desc: skopeo says: $verdict"
  pass "$desc ($verdict)"
}

# check_skopeo_rejects DESC REG_DIR IMAGE PUBKEY...: must be REJECTED (not ERROR).
check_skopeo_rejects() {
  local desc=$1 verdict rc=0; shift
  verdict=$(skopeo_verify "$@") || rc=$?
  [ "$rc" -eq 1 ] || die "$desc: expected REJECTED, skopeo says: $verdict"
  pass "$desc (${verdict:0:120})"
}

# ---------------------------------------------------------------------------------------------
# Registry request log
# ---------------------------------------------------------------------------------------------
# docker-registry writes one combined-log-format line per request, e.g.
#   127.0.0.1 - - [27/Nov/2026:13:46:37 +0000] "GET /v2/demo/tags/list?n=1000 HTTP/1.1" 200 120 "" "ua"
# (plus logrus "response completed" lines, which we ignore; 401s have only the access line).
_access_lines() { grep -E '^[0-9.]+ - [^ ]+ \[[^]]+\] "[A-Z]+ /v2/' "$1/registry.log" || true; }

# reg_mark REG_DIR: current number of request lines (use with reg_requests_since).
reg_mark() { _access_lines "$1" | wc -l | tr -d ' '; }

# reg_requests_since REG_DIR MARK [METHOD_REGEX]: request lines after MARK (printed), e.g.
#   reg_requests_since "$REG_DIR" "$m" 'PUT|POST|PATCH|DELETE'
reg_requests_since() {
  local dir=$1 mark=$2 methods=${3:-[A-Z]+}
  _access_lines "$dir" | tail -n +"$((mark + 1))" | grep -E "\"($methods) /v2/" || true
}

# reg_count_since REG_DIR MARK [METHOD_REGEX]
reg_count_since() { reg_requests_since "$@" | wc -l | tr -d ' '; }

# reg_snapshot REG_DIR: catalog, tags and the digest of every tag (through crane), then a digest of
# the registry's storage tree (any written blob, link or upload shows up there).
reg_snapshot() {
  local dir=$1 addr repo tag
  addr=$(cat "$dir/address")
  reg_env "$dir" "$CRANE" catalog "$addr" | sort | while read -r repo; do
    echo "repo $repo"
    reg_env "$dir" "$CRANE" ls "$addr/$repo" | sort | while read -r tag; do
      echo "  $tag $(reg_env "$dir" "$CRANE" digest "$addr/$repo:$tag")"
    done
  done
  echo "storage $(cd "$dir/data" && find . -print0 | sort -z | xargs -0 -r stat -c '%n %s' | sha256sum | cut -d' ' -f1)"
}

# ---------------------------------------------------------------------------------------------
# Raw registry API (for crafting tampered signatures)
# ---------------------------------------------------------------------------------------------
# put_blob REG_DIR REPO FILE: monolithic upload (POST + PUT ?digest=); prints the digest.
put_blob() {
  local dir=$1 repo=$2 f=$3 d loc base
  d=sha256:$(sha256sum "$f" | cut -d' ' -f1)
  base=$(reg_url "$dir")
  loc=$(REG_CURL_SCOPE="repository:$repo:pull,push" reg_curl "$dir" -D - -o /dev/null -X POST "$base/v2/$repo/blobs/uploads/" \
        | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  [ -n "$loc" ] || die "blob upload to $repo was refused"
  case "$loc" in http*) ;; *) loc=$base$loc ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  REG_CURL_SCOPE="repository:$repo:pull,push" reg_curl "$dir" -f -o /dev/null -X PUT \
    -H 'Content-Type: application/octet-stream' --data-binary @"$f" "$loc" || die "blob PUT to $repo failed"
  echo "$d"
}

# put_manifest REG_DIR REPO REF FILE [MEDIA_TYPE]
put_manifest() {
  local dir=$1 repo=$2 ref=$3 f=$4 mt=${5:-application/vnd.oci.image.manifest.v1+json}
  REG_CURL_SCOPE="repository:$repo:pull,push" reg_curl "$dir" -f -o /dev/null -X PUT -H "Content-Type: $mt" \
    --data-binary @"$f" "$(reg_url "$dir")/v2/$repo/manifests/$ref" || die "manifest PUT $repo:$ref failed"
}

# get_manifest REG_DIR REPO REF (raw bytes on stdout)
get_manifest() {
  REG_CURL_SCOPE="repository:$2:pull" reg_curl "$1" -f \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
    "$(reg_url "$1")/v2/$2/manifests/$3"
}

# get_blob REG_DIR REPO DIGEST
get_blob() {
  REG_CURL_SCOPE="repository:$2:pull" reg_curl "$1" -f -L "$(reg_url "$1")/v2/$2/blobs/$3"
}

# sig_tag DIGEST -> sha256-<hex>.sig
sig_tag() { echo "sha256-${1#sha256:}.sig"; }

# ---------------------------------------------------------------------------------------------
# Added for the signing-page tests (issue 4)
# ---------------------------------------------------------------------------------------------
# registry_disable_delete REG_DIR: restarts that registry (same port and data) with
# storage.delete.enabled: false, so DELETE answers 405 UNSUPPORTED.
registry_disable_delete() {
  local dir=$1 pid scheme curl_tls=()
  pid=$(cat "$dir/pid")
  _stop_pid "$pid" "$dir/config.yml"
  sed -i '/^  delete:$/{n;s/enabled: true/enabled: false/}' "$dir/config.yml"
  grep -q 'enabled: false' "$dir/config.yml" || die "registry_disable_delete: config not changed"
  scheme=$(cat "$dir/scheme")
  [ "$scheme" = https ] && curl_tls=(--cacert "$dir/ca.crt")
  "$REGISTRY_BIN" serve "$dir/config.yml" >> "$dir/registry.log" 2>&1 </dev/null &
  pid=$!
  CLEANUP_PIDS+=("$pid:$dir/config.yml")
  echo "$pid" > "$dir/pid"
  wait_http "$scheme://$(cat "$dir/address")/v2/" "${curl_tls[@]+"${curl_tls[@]}"}" \
    || { tail -n 20 "$dir/registry.log" >&2; die "registry did not restart with deletion disabled"; }
  note "registry at $(cat "$dir/address") restarted with deletion disabled"
}

# make_code_signing_chain DIR PUBKEY_PEM: an EC P-256 root CA and intermediate, and a leaf for
# PUBKEY_PEM (code-signing EKU, email SAN dev@example.com), written as DIR/{root,int,leaf}.crt and
# DIR/chain.crt (intermediate then root, as cosign wants --certificate-chain).
make_code_signing_chain() {
  local d=$1 pub
  pub=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2")
  mkdir -p "$d"
  (
    set -e
    cd "$d"
    openssl ecparam -name prime256v1 -genkey -noout -out root.key
    openssl req -x509 -new -key root.key -subj "/CN=cosign-cpp test root" -days 30 \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out root.crt
    openssl ecparam -name prime256v1 -genkey -noout -out int.key
    openssl req -new -key int.key -subj "/CN=cosign-cpp test intermediate" -out int.csr
    printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
    openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -CAcreateserial -days 30 -extfile int.ext -out int.crt
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectAltName=email:dev@example.com\n' > leaf.ext
    openssl req -new -key int.key -subj "/CN=cosign-cpp test leaf" -out leaf.csr
    openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -CAcreateserial -days 30 -extfile leaf.ext \
      -force_pubkey "$pub" -out leaf.crt
    cat int.crt root.crt > chain.crt
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; die "openssl could not make the test certificate chain"; }
}

# reg_writes_since REG_DIR MARK: number of PUT/POST/PATCH/DELETE requests after MARK.
reg_writes_since() { reg_count_since "$1" "$2" 'PUT|POST|PATCH|DELETE'; }

# ---------------------------------------------------------------------------------------------
# Local Sigstore services (issue 11): tests/peers/sigstore-mock-server.js through scripts/peers.sh
# ---------------------------------------------------------------------------------------------
# The npm packages are cached outside $WORK (isolate_env changes HOME): COSIGN_PEERS_DIR or
# ${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/peers, as seen when lib.sh was sourced.
PEERS_CACHE=${COSIGN_PEERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/peers}

# sigstore_mock_start [NAME [OPTION...]]: Rekor v1, Fulcio (v2 and legacy v1), a TSA and a TUF
# repository on 127.0.0.1 (random port); OPTIONs go to the server (`--oidc-issuer URL --oidc-jwks
# URL/jwks` makes Fulcio check the tokens' signatures; with no OPTION, after oidc_issuer_start,
# that issuer is used). Sets SIGSTORE_MOCK_URL and SIGSTORE_MOCK_DIR, which holds rekor.pub, trusted_root.json,
# fulcio_root.pem, ctfe.pub, tsa_chain.pem, tuf-root.json and requests.log (one line per request:
# time, method, path, status). FAILS the test when node, npm or the npm packages are missing.
sigstore_mock_start() {
  local name=${1:-sigstore} dir peers pid
  [ $# -eq 0 ] || shift   # the rest: extra server options (e.g. --oidc-issuer URL --oidc-jwks URL/jwks)
  dir=$WORK/$name
  [ ! -e "$dir" ] || die "sigstore mock $name already started"
  command -v node >/dev/null 2>&1 || die "node not found: the local Sigstore services need Node.js 20+ (Debian: apt-get install nodejs npm)"
  command -v npm >/dev/null 2>&1 || die "npm not found: the local Sigstore services need npm (Debian: apt-get install npm)"
  peers=$(COSIGN_PEERS_DIR=$PEERS_CACHE "$SOURCE_DIR/scripts/peers.sh" install) \
    || die "scripts/peers.sh install failed: the pinned npm packages of tests/peers are missing"
  mkdir -p "$dir"
  # With oidc_issuer_start first, Fulcio checks tokens against that issuer's JWKS, as real Fulcio.
  if [ $# -eq 0 ] && [ -n "${OIDC_ISSUER_URL:-}" ]; then set -- --oidc-issuer "$OIDC_ISSUER_URL" --oidc-jwks "$OIDC_ISSUER_URL/jwks"; fi
  node "$peers/sigstore-mock-server.js" --port 0 --keys "$dir/keys" --out "$dir" --log "$dir/requests.log" "$@" \
    >"$dir/server.log" 2>&1 </dev/null &
  pid=$!
  CLEANUP_PIDS+=("$pid:$peers/sigstore-mock-server.js")
  for _ in $(seq 1 100); do
    if grep -q '^http://127\.0\.0\.1:[0-9]' "$dir/url" 2>/dev/null; then
      SIGSTORE_MOCK_URL=$(cat "$dir/url") SIGSTORE_MOCK_DIR=$dir
      export SIGSTORE_MOCK_URL SIGSTORE_MOCK_DIR
      note "sigstore mock at $SIGSTORE_MOCK_URL (state in $dir)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the sigstore mock server exited at start-up"; }
    sleep 0.1
  done
  cat "$dir/server.log" >&2
  die "the sigstore mock server did not write $dir/url within 10 s"
}

# sigstore_mock_requests [MARK]: the mock's request lines ("<time> <METHOD> <path> <status>")
# after line MARK (default 0); sigstore_mock_mark gives the current count.
sigstore_mock_mark() {
  if [ -f "$SIGSTORE_MOCK_DIR/requests.log" ]; then wc -l < "$SIGSTORE_MOCK_DIR/requests.log" | tr -d ' '; else echo 0; fi
}
sigstore_mock_requests() { tail -n +"$((${1:-0} + 1))" "$SIGSTORE_MOCK_DIR/requests.log" 2>/dev/null || true; }

# oidc_issuer_start [NAME [ALG]]: a local OpenID Connect issuer (tests/peers/oidc-server.mjs over
# npm oauth2-mock-server) on 127.0.0.1, random port, signing with ALG (default RS256, which cosign 3
# takes inline). Sets OIDC_ISSUER (its URL: the `iss` of its tokens, hence the certificate's OIDC
# issuer) and OIDC_ISSUER_DIR. Tokens: oidc_token EMAIL [FILE] (aud "sigstore", sub = email,
# email_verified true). FAILS the test when node, npm or the npm packages are missing.
oidc_issuer_start() {
  local name=${1:-oidc} alg=${2:-RS256} dir peers pid
  dir=$WORK/$name
  [ ! -e "$dir" ] || die "OIDC issuer $name already started"
  command -v node >/dev/null 2>&1 || die "node not found: the local OIDC issuer needs Node.js 20+ (Debian: apt-get install nodejs npm)"
  command -v npm >/dev/null 2>&1 || die "npm not found: the local OIDC issuer needs npm (Debian: apt-get install npm)"
  peers=$(COSIGN_PEERS_DIR=$PEERS_CACHE "$SOURCE_DIR/scripts/peers.sh" install) \
    || die "scripts/peers.sh install failed: the pinned npm packages of tests/peers are missing"
  [ -f "$peers/oidc-server.mjs" ] || die "$peers/oidc-server.mjs missing: scripts/peers.sh did not copy tests/peers/oidc-server.mjs"
  [ -d "$peers/node_modules/oauth2-mock-server" ] || die "npm package oauth2-mock-server missing in $peers/node_modules"
  mkdir -p "$dir"
  node "$peers/oidc-server.mjs" 0 "$alg" >"$dir/issuer.json" 2>"$dir/server.log" </dev/null &
  pid=$!
  CLEANUP_PIDS+=("$pid:$peers/oidc-server.mjs")
  for _ in $(seq 1 100); do
    # grep, not jq -e: jq 1.6 exits 0 on an empty file.
    if grep -q '"issuer":"http://127\.0\.0\.1:[0-9]*"' "$dir/issuer.json" 2>/dev/null; then
      OIDC_ISSUER=$(jq -r .issuer "$dir/issuer.json") OIDC_ISSUER_DIR=$dir
      OIDC_ISSUER_URL=$OIDC_ISSUER
      export OIDC_ISSUER OIDC_ISSUER_URL OIDC_ISSUER_DIR
      wait_http "$OIDC_ISSUER/jwks" || die "the OIDC issuer at $OIDC_ISSUER does not answer"
      note "OIDC issuer at $OIDC_ISSUER"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the OIDC issuer exited at start-up"; }
    sleep 0.1
  done
  cat "$dir/server.log" >&2
  die "the OIDC issuer did not start within 10 s"
}

# oidc_token [EMAIL [FILE]]: an identity token for EMAIL (default alice@example.com) from oidc_issuer_start's issuer, printed (or
# written to FILE) without a trailing newline (Go refuses a header that ends in one).
oidc_token() {
  local tok
  tok=$(curl -sS --fail -X POST "$OIDC_ISSUER/token" -d grant_type=client_credentials -d scope=openid \
          --data-urlencode "email=${1:-alice@example.com}" | jq -j .access_token) || die "no token from the OIDC issuer $OIDC_ISSUER"
  [ -n "$tok" ] && [ "$tok" != null ] || die "the OIDC issuer returned no access_token"
  if [ -n "${2:-}" ]; then printf '%s' "$tok" > "$2"; else printf '%s' "$tok"; fi
}

# ---------------------------------------------------------------------------------------------
# Fake KMS providers
# ---------------------------------------------------------------------------------------------

# kms_fake_start [NAME]: tests/peers/fake-kms-server.js (fakes of AWS KMS with real SigV4 checks,
# Cloud KMS with JWT-bearer tokens, Azure Key Vault, Vault transit and the Kubernetes Secrets API,
# all checking credentials for real) on 127.0.0.1, over HTTP and over HTTPS with a self-signed
# certificate. Sets KMS_DIR (= KMS_FAKE_DIR), which holds env.sh (the settings a client uses:
# VAULT_*, AZURE_*, KUBECONFIG, ...), info.json, kubeconfig, <provider>.pub.pem,
# gcp-service-account.json, tls/cert.pem and requests.log (one line per request, "<time> <METHOD>
# <path> <target>"); KMS_HTTP_URL and KMS_HTTPS_URL (= KMS_FAKE_HTTP, KMS_FAKE_HTTPS) and KMS_CA
# (the certificate). FAILS the test when node or the npm packages are missing.
kms_fake_start() {
  local name=${1:-kms} dir peers pid
  dir=$WORK/$name
  [ ! -e "$dir" ] || die "the fake KMS $name is already started"
  command -v node >/dev/null 2>&1 || die "node not found: the fake KMS needs Node.js 20+ (Debian: apt-get install nodejs npm)"
  peers=$(COSIGN_PEERS_DIR=$PEERS_CACHE "$SOURCE_DIR/scripts/peers.sh" install) \
    || die "scripts/peers.sh install failed: the pinned npm packages of tests/peers are missing"
  mkdir -p "$dir/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext 'subjectAltName=IP:127.0.0.1,DNS:localhost' -addext 'basicConstraints=critical,CA:TRUE' \
    -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >/dev/null 2>&1 \
    || die "openssl could not create the fake KMS's certificate"
  NODE_PATH=$peers/node_modules FAKE_KMS_LOG=1 node "$SOURCE_DIR/tests/peers/fake-kms-server.js" \
    --out "$dir" --keys "$dir/keys" --port 0 --tls-port 0 --tls-cert "$dir/tls/cert.pem" --tls-key "$dir/tls/key.pem" \
    >"$dir/server.log" 2>"$dir/requests.log" </dev/null &
  pid=$!
  CLEANUP_PIDS+=("$pid:fake-kms-server.js")
  for _ in $(seq 1 100); do
    if grep -q '"https"' "$dir/info.json" 2>/dev/null && [ -f "$dir/env.sh" ]; then
      KMS_DIR=$dir KMS_FAKE_DIR=$dir KMS_CA=$dir/tls/cert.pem
      KMS_HTTP_URL=$(jq -r .http "$dir/info.json") KMS_HTTPS_URL=$(jq -r .https "$dir/info.json")
      KMS_FAKE_HTTP=$KMS_HTTP_URL KMS_FAKE_HTTPS=$KMS_HTTPS_URL
      export KMS_DIR KMS_FAKE_DIR KMS_CA KMS_HTTP_URL KMS_HTTPS_URL KMS_FAKE_HTTP KMS_FAKE_HTTPS
      note "fake KMS at $KMS_HTTPS_URL and $KMS_HTTP_URL (state in $dir)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" "$dir/requests.log" >&2; die "the fake KMS exited at start-up"; }
    sleep 0.1
  done
  die "the fake KMS did not write $dir/info.json within 10 s"
}

# kms_mark / kms_requests_since MARK [PATTERN]: the fake KMS's request lines after MARK.
# kms_fake_mark / kms_fake_requests [MARK]: the same, all lines.
kms_mark() { wc -l < "$KMS_DIR/requests.log" | tr -d ' '; }
kms_requests_since() { tail -n +"$(($1 + 1))" "$KMS_DIR/requests.log" | grep -E -- "${2:-.}" || true; }
kms_fake_mark() { kms_mark; }
kms_fake_requests() { tail -n +"$((${1:-0} + 1))" "$KMS_DIR/requests.log" 2>/dev/null || true; }
