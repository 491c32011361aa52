#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Faults between cosign-cpp and the registry (issue 6). A proxy (fault_proxy.py) injects, on one
# kind of request at a time: a connection reset mid-request and mid-response, 500/502/503, 429
# with Retry-After, a truncated body, an answer slower than the timeout, a redirect to another
# host. For every case:
#   * sign either exits 0 with its signature in place (it verifies, read straight from the
#     registry) or exits 1 with an "Error: ..." message, never a crash;
#   * the registry never holds a .sig manifest that names a missing blob;
#   * retries are bounded: a persistent fault ends the command within the retry budget, and
#     the faulty request is sent at most 1 + 3 times;
#   * verify never reports success on a partial read (truncated or reset manifest or payload).
# FAULTS_QUICK=1 runs the transient matrix on fewer request kinds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault_proxy.sh"
setup_interop
export COSIGN_PASSWORD=fault-pw
# Per-request I/O timeout of the CLI (connect, read, write); the "slow" fault waits longer.
export COSIGN_CPP_HTTP_TIMEOUT=2s
SLOW=4

registry_start faults
proxy_start "$REG_DIR"
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "generate-key-pair failed"
pass "key pair"

CHECKED_BLOBS=$WORK/checked-blobs
: > "$CHECKED_BLOBS"
# no_dangling IMAGE_DIGEST: every blob the .sig manifest names is in the registry (direct).
no_dangling() {
  local m d
  m=$(get_manifest "$REG_DIR" demo "$(sig_tag "$1")" 2>/dev/null) || return 0   # no .sig yet: fine
  for d in $(jq -r '.config.digest, .layers[].digest' <<<"$m"); do
    grep -qx "$d" "$CHECKED_BLOBS" && continue
    get_blob "$REG_DIR" demo "$d" >/dev/null 2>&1 || die "the .sig manifest points at a missing blob $d"
    echo "$d" >> "$CHECKED_BLOBS"
  done
}

# sign_case NAME IMAGE EXPECT RULES: signs IMAGE through the proxy with -a case=NAME under RULES.
# EXPECT: ok (must succeed), fail (must fail), any. Checks everything above.
CASES=0
sign_case() {
  local name=$1 image=$2 expect=$3 rules=$4 t0 t1 secs digest
  faults "$rules"
  t0=$(date +%s%N)
  run_cmd "sign-$name" timeout 120 "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y -a "case=$name" "$PROXY/$image"
  t1=$(date +%s%N)
  faults '[]'
  secs=$(( (t1 - t0) / 1000000 ))
  CASES=$((CASES + 1))
  [ "$RC" -eq 124 ] && die "$name: sign hung (killed after 120 s)"
  if [ "$RC" -ne 0 ]; then
    [ "$RC" -eq 1 ] || { show stderr "$ERR"; die "$name: sign exited $RC (a crash?)"; }
    grep -q '^Error: .\{10,\}' "$ERR" || { show stderr "$ERR"; die "$name: sign failed without a clear error"; }
    [ "$expect" != ok ] || { show stderr "$ERR"; die "$name: sign should have succeeded (retries) but failed"; }
    pass "$name: fails cleanly in ${secs} ms: $(grep -m1 '^Error: ' "$ERR" | cut -c1-150)"
  else
    [ "$expect" != fail ] || die "$name: sign should have failed but exited 0"
    run_cmd "verify-$name" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog -a "case=$name" "$REG/$image"
    [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "$name: sign exited 0 but its signature does not verify"; }
    pass "$name: signed in ${secs} ms, the signature is in place and verifies"
  fi
  [ "$secs" -lt 40000 ] || die "$name: took ${secs} ms: retries are not bounded in time"
  digest=$(reg_env "$REG_DIR" "$CRANE" digest "$REG/$image")
  no_dangling "$digest"
}

# The request kinds of a sign, as (method regex, path regex). GET of the image (by tag: t-*,
# p-*, count, verify; never sha256-*), GET of the .sig manifest and of its config blob, the
# upload POST, the blob PUT, the manifest PUT, and the read-back HEAD of the .sig tag.
KINDS=(
  "get-image|^GET$|/manifests/[^s]"
  "get-sig|^GET$|/manifests/sha256-"
  "get-config|^GET$|/blobs/sha256:"
  "post-upload|^POST$|/blobs/uploads/"
  "put-blob|^PUT$|/blobs/uploads/."
  "put-manifest|^PUT$|/manifests/"
  "head-sig|^HEAD$|/manifests/sha256-"
)
[ "${FAULTS_QUICK:-0}" = 1 ] && KINDS=("${KINDS[0]}" "${KINDS[3]}" "${KINDS[5]}")
FAULT_KINDS=(reset_request reset_response status:500 status:502 status:503 429 truncate slow redirect)

rule() { # rule FAULT METHOD PATH [TIMES]
  local f=$1 extra=""
  case "$f" in
    status:*) extra=",\"status\":${f#status:}"; f=status ;;
    429) extra=',"retry_after":1' ;;
    slow) extra=",\"delay\":$SLOW" ;;
  esac
  if [ -n "${4:-}" ]; then extra="$extra,\"times\":$4"; fi
  printf '[{"fault":"%s","method":"%s","path":"%s"%s}]' "$f" "$2" "$3" "$extra"
}

# POST is never retried (a blob upload session is not idempotent): a fault there may fail the
# sign. Everything else must be retried to success after one fault.
transient_expect() {
  case "$1:$2" in
    post-upload:*) echo any ;;
    *:redirect) echo any ;;
    *) echo ok ;;
  esac
}

say "== one fault, then a healthy registry: idempotent requests are retried"
for f in "${FAULT_KINDS[@]}"; do
  img=demo:t-${f//:/-}
  push_image "$REG_DIR" "$img" >/dev/null
  # The first sign creates the .sig, so that later cases also read an existing one.
  sign_case "seed-${f//:/-}" "$img" ok '[]'
  for k in "${KINDS[@]}"; do
    IFS='|' read -r kname meth path <<<"$k"
    sign_case "once-${f//:/-}-$kname" "$img" "$(transient_expect "$kname" "$f")" "$(rule "$f" "$meth" "$path" 1)"
  done
done

say "== a fault that never ends: a clear error, bounded retries"
for f in "${FAULT_KINDS[@]}"; do
  [ "$f" = redirect ] && continue   # a redirect to a healthy host is not a fault that ends anything
  img=demo:p-${f//:/-}
  push_image "$REG_DIR" "$img" >/dev/null
  kinds=("get-image|^GET$|/manifests/[^s]" "put-manifest|^PUT$|/manifests/")
  # PUT answers have no body to cut: truncate the image and .sig manifest reads instead.
  [ "$f" = truncate ] && kinds=("get-image|^GET$|/manifests/[^s]" "get-sig|^GET$|/manifests/sha256-")
  for k in "${kinds[@]}"; do
    IFS='|' read -r kname meth path <<<"$k"
    expect=fail
    sign_case "always-${f//:/-}-$kname" "$img" "$expect" "$(rule "$f" "$meth" "$path")"
  done
done
# Retry count: a persistent 503 on the manifest PUT is sent 1 + 3 times, no more.
img=demo:count
push_image "$REG_DIR" "$img" >/dev/null
faults "$(rule status:503 '^PUT$' /manifests/)"
run_cmd count "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$PROXY/$img"
n=$(proxy_count ' PUT /v2/demo/manifests/.* -> status 503')
faults '[]'
check_eq "a persistent 503 on the manifest PUT: 4 attempts (1 + max_retries 3), then exit 1" "4 1" "$n $RC"
faults "$(rule 429 '^GET$' /manifests/count)"
t0=$(date +%s%N)
run_cmd count429 "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$PROXY/$img"
t1=$(date +%s%N)
n=$(proxy_count ' GET /v2/demo/manifests/count -> 429')
faults '[]'
check_eq "a persistent 429 (Retry-After: 1): 4 attempts, then exit 1" "4 1" "$n $RC"
[ $(( (t1 - t0) / 1000000 )) -ge 3000 ] || die "429 Retry-After was not honoured ($(( (t1 - t0) / 1000000 )) ms for 3 waits of 1 s)"
pass "429 Retry-After honoured: 3 waits took $(( (t1 - t0) / 1000000 )) ms"

say "== the redirect to another host carries no credentials, and verify follows it"
check_eq "no request to the other host carried an Authorization header" 0 \
  "$(grep -E "^${PROXY_ALT#localhost:} .* auth$" "$PROXY_LOG" | wc -l | tr -d ' ')"

say "== verify never succeeds on a partial read"
img=demo:verify
push_image "$REG_DIR" "$img" >/dev/null
sign_case verify-seed "$img" ok '[]'
for f in truncate reset_response; do
  for k in "sig-manifest|^GET$|/manifests/sha256-" "payload|^GET$|/blobs/sha256:"; do
    IFS='|' read -r kname meth path <<<"$k"
    faults "$(rule "$f" "$meth" "$path")"
    run_cmd "v-$f-$kname" timeout 120 "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$PROXY/$img"
    faults '[]'
    [ "$RC" -ne 0 ] || die "verify reported success although every $kname read was cut ($f)"
    case "$RC" in 1|10|11|12) ;; *) show stderr "$ERR"; die "verify exited $RC on a cut $kname read (a crash?)" ;; esac
    pass "verify with every $kname read cut ($f) fails (exit $RC): $(grep -m1 '^Error: ' "$ERR" | cut -c1-120)"
    faults "$(rule "$f" "$meth" "$path" 1)"
    run_cmd "v1-$f-$kname" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$PROXY/$img"
    faults '[]'
    [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "verify failed after one cut $kname read ($f): it should retry"; }
    pass "verify with one cut $kname read ($f) retries and succeeds"
  done
done

say "== a Docker-Content-Digest that names another image: sign and verify refuse, nothing is written"
# demo:verify is signed above; the proxy now names it by that signed digest while serving
# demo:liar's bytes. Trusting the header would sign demo:verify's digest, and approve demo:liar
# by demo:verify's signature.
LIAR=$(push_image "$REG_DIR" demo:liar)
SIGNED=$(reg_env "$REG_DIR" "$CRANE" digest "$REG/$img")
faults "[{\"fault\":\"digest\",\"method\":\"^GET$\",\"path\":\"/manifests/liar\",\"digest\":\"$SIGNED\"}]"
M=$(reg_mark "$REG_DIR")
run_cmd liar-sign "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$PROXY/demo:liar"
check_eq "sign of a tag whose Docker-Content-Digest lies exits 1" 1 "$RC"
grep -q "$SIGNED" "$ERR" && grep -q "$LIAR" "$ERR" || { show stderr "$ERR"; die "the error does not name both digests"; }
pass "the error names both digests: $(grep -m1 '^Error: ' "$ERR" | cut -c1-200)"
check_eq "the refused sign wrote nothing" 0 "$(reg_count_since "$REG_DIR" "$M" 'PUT|POST|PATCH|DELETE')"
run_cmd liar-verify "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$PROXY/demo:liar"
check_eq "verify of that tag exits 1 (not 0 by the other image's signature)" 1 "$RC"
grep -q "$SIGNED" "$ERR" && grep -q "$LIAR" "$ERR" || { show stderr "$ERR"; die "the verify error does not name both digests"; }
faults '[]'
check_eq "no .sig was written for demo:liar" "" \
  "$(get_manifest "$REG_DIR" demo "$(sig_tag "$LIAR")" 2>/dev/null)"

note "$CASES sign cases"
finish
