#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# -t/--timeout bounds a whole command (issue 10). A proxy (fault_proxy.py) in front of a real
# docker-registry answers a byte every 200 ms ("drip"): never silent long enough for a read
# timeout, never done. With -t 2s:
#   * verify and sign end about 2 s after their first request (not the minutes the drip needs),
#     exit 1, with an error that names the registry and the flag;
#   * sign leaves the registry as it was: no tag, manifest or blob (or, when the deadline cuts the
#     answer of a blob upload the registry has taken, no tag or manifest);
#   * a registry that goes silent fails on its own after the stall timeout, with no -t at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fault_proxy.sh"
setup_interop
export COSIGN_PASSWORD=deadline-pw

registry_start deadline
proxy_start "$REG_DIR"
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "generate-key-pair failed"
push_image "$REG_DIR" demo:v1 >/dev/null
push_image "$REG_DIR" demo:v2 >/dev/null

# timed NAME CMD...: run_cmd with a hard stop at 120 s; sets MS to the wall time in milliseconds.
timed() {
  local name=$1 t0 t1; shift
  t0=$(date +%s%N)
  run_cmd "$name" timeout 120 "$@"
  t1=$(date +%s%N)
  MS=$(( (t1 - t0) / 1000000 ))
  [ "$RC" -ne 124 ] || die "$name: still running after 120 s"
}

# The same commands through a healthy proxy: how long the local work takes (decrypting the key
# runs scrypt, slow in a Debug build). The clock of -t starts when the registry work does.
timed sign-ok "$COSIGN_CPP" sign --tlog-upload=false -t 2s --key cosign.key -y "$PROXY/demo:v1"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign -t 2s through a healthy proxy failed"; }
SIGN_MS=$MS
timed verify-ok "$COSIGN_CPP" verify -t 2s --key cosign.pub --insecure-ignore-tlog "$PROXY/demo:v1"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "verify -t 2s through a healthy proxy failed"; }
VERIFY_MS=$MS
pass "sign and verify -t 2s through a healthy proxy: $SIGN_MS ms and $VERIFY_MS ms"

# cut_off NAME BASE_MS: the command just run ended at its 2 s deadline with the clear error.
cut_off() {
  [ "$RC" -eq 1 ] || { show stderr "$ERR"; die "$1: exit $RC, expected 1"; }
  check_contains "$1: the error names the registry and -t/--timeout" "$ERR" \
    "registry $PROXY: the operation timed out after 2s (-t/--timeout)"
  [ "$MS" -ge 1500 ] || die "$1: ended after $MS ms, before its 2 s deadline"
  [ "$MS" -lt $(( $2 + 8000 )) ] || die "$1: took $MS ms ($2 ms when healthy); the deadline was 2 s"
  pass "$1: ended after $MS ms ($2 ms when healthy; the dripped answers need minutes)"
}

say "== every answer drips a byte every 200 ms"
faults '[{"fault":"drip","interval":0.2}]'
timed verify-drip "$COSIGN_CPP" verify -t 2s --key cosign.pub --insecure-ignore-tlog "$PROXY/demo:v1"
cut_off "verify -t 2s" "$VERIFY_MS"

before=$(reg_snapshot "$REG_DIR")
timed sign-drip "$COSIGN_CPP" sign --tlog-upload=false -t 2s --key cosign.key -y "$PROXY/demo:v2"
cut_off "sign -t 2s" "$SIGN_MS"
faults '[]'
after=$(reg_snapshot "$REG_DIR")
check_eq "sign -t 2s left the registry as it was (tags, manifests, storage)" "$before" "$after"

say "== only the answer to the blob upload drips (the registry has taken the blob)"
faults '[{"fault":"drip","interval":0.2,"method":"^(POST|PUT)$","path":"/blobs/uploads/"}]'
tags_before=$(reg_snapshot "$REG_DIR" | grep -v '^storage ')
timed sign-drip-upload "$COSIGN_CPP" sign --tlog-upload=false -t 2s --key cosign.key -y "$PROXY/demo:v2"
cut_off "sign -t 2s, upload answer dripping" "$SIGN_MS"
faults '[]'
check_eq "no .sig tag or manifest was written (an unreferenced blob at most)" \
  "$tags_before" "$(reg_snapshot "$REG_DIR" | grep -v '^storage ')"
check_fails "demo:v2 has no signature" \
  "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$REG/demo:v2"

say "== a registry that goes silent fails on its own (stall timeout), without -t"
# On the .sig manifest read: the scheme is known by then (no https-then-http fallback to report).
faults '[{"fault":"slow","delay":60,"method":"^GET$","path":"/manifests/sha256-"}]'
timed verify-stall env COSIGN_CPP_HTTP_TIMEOUT=1s \
  "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$PROXY/demo:v1"
faults '[]'
[ "$RC" -eq 1 ] || { show stderr "$ERR"; die "a stalled verify exited $RC, expected 1"; }
check_contains "the stall names the registry" "$ERR" "http://$PROXY: no data for 1s"
check_contains "and says the connection stalled" "$ERR" "the connection stalled"
# 4 attempts of 1 s and backoffs of 0.25 + 0.5 + 1 s.
[ "$MS" -lt 20000 ] || die "a stalled verify took $MS ms"
pass "a stalled verify (stall timeout 1s) ended after $MS ms, retries included"

say "== -t takes Go durations, as cosign's flag does"
run_cmd bad-t "$COSIGN_CPP" verify -t 2x --key cosign.pub --insecure-ignore-tlog "$REG/demo:v1"
check_eq "verify -t 2x exits 1" 1 "$RC"
check_contains "with Go's words for the bad duration" "$ERR" \
  'invalid argument "2x" for "-t, --timeout" flag: time: unknown unit "x" in duration "2x"'
check "verify --timeout=1m30s verifies" \
  "$COSIGN_CPP" verify --timeout=1m30s --key cosign.pub --insecure-ignore-tlog "$REG/demo:v1"
finish
