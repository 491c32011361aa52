#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Racing signers (issue 6): N processes (default 16) sign the same image at the same moment,
# each with its own key. Afterwards every signature must be in the .sig image and verify.
#
#   1. the anchor: the real cosign 2 does the same; its read-modify-write of the .sig tag
#      loses signatures. Its figure is printed and written to $RACE_RESULT (if set); it is not
#      a failure: it is what cosign-cpp is measured against;
#   2. cosign-cpp: RACE_ROUNDS (default 2) races on fresh images: every signer exits 0, the .sig
#      holds N layers, each key verifies (cosign-cpp), a sample verifies with cosign 2, and no
#      manifest points at a missing blob.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=race-pw
N=${RACE_SIGNERS:-16}
ROUNDS=${RACE_ROUNDS:-2}

registry_start race
say "== $N key pairs"
for i in $(seq 1 "$N"); do
  "$COSIGN_CPP" generate-key-pair --output-key-prefix "k$i" >/dev/null 2>&1 || die "generate-key-pair k$i failed"
done
pass "$N encrypted key pairs k1..k$N"

# race TOOL IMAGE: starts N signers that wait on a barrier file, releases them together, waits
# for all; per-signer rc in race-IMAGE/rc.I.
race() {
  local tool=$1 image=$2 d i pids=()
  d=$WORK/race-${image//[:\/]/_}
  mkdir -p "$d"
  for i in $(seq 1 "$N"); do
    (
      while [ ! -e "$d/go" ]; do sleep 0.005; done
      set +e
      "$tool" sign --key "k$i.key" --tlog-upload=false -y "$REG/$image" >"$d/out.$i" 2>"$d/err.$i" </dev/null
      echo $? > "$d/rc.$i"
    ) &
    pids+=($!)
  done
  sleep 0.3
  touch "$d/go"
  wait "${pids[@]}"
  RACE_DIR=$d
}

# layer_count IMAGE_DIGEST: layers in the .sig manifest (0 when there is none).
layer_count() {
  local m
  m=$(get_manifest "$REG_DIR" demo "$(sig_tag "$1")" 2>/dev/null) || { echo 0; return; }
  jq '.layers | length' <<<"$m"
}

# verified_keys TOOL IMAGE: how many of the N keys verify on IMAGE.
verified_keys() {
  local tool=$1 image=$2 i n=0
  for i in $(seq 1 "$N"); do
    if "$tool" verify --key "k$i.pub" --insecure-ignore-tlog "$REG/$image" >/dev/null 2>&1; then n=$((n + 1)); fi
  done
  echo "$n"
}

# no_dangling IMAGE_DIGEST: every blob the .sig manifest names exists.
no_dangling() {
  local m d
  m=$(get_manifest "$REG_DIR" demo "$(sig_tag "$1")") || die "no .sig manifest for $1"
  for d in $(jq -r '.config.digest, .layers[].digest' <<<"$m"); do
    get_blob "$REG_DIR" demo "$d" >/dev/null 2>&1 || die "the .sig manifest points at a missing blob $d"
  done
}

say "== anchor: $N cosign 2 signers at once"
D=$(push_image "$REG_DIR" demo:cosign2)
race "$COSIGN2" demo:cosign2
ok=0
for i in $(seq 1 "$N"); do [ "$(cat "$RACE_DIR/rc.$i")" = 0 ] && ok=$((ok + 1)); done
C2_LAYERS=$(layer_count "$D")
C2_VERIFIED=$(verified_keys "$COSIGN_CPP" demo:cosign2)
note "cosign 2: $ok of $N signers exited 0; the .sig holds $C2_LAYERS layers; $C2_VERIFIED of $N keys verify"
[ -n "${RACE_RESULT:-}" ] && echo "cosign2 $N signers: exit0=$ok layers=$C2_LAYERS verified=$C2_VERIFIED" >> "$RACE_RESULT"
pass "anchor recorded: cosign 2 keeps $C2_VERIFIED of $N racing signatures"

for r in $(seq 1 "$ROUNDS"); do
  say "== round $r: $N cosign-cpp signers at once"
  D=$(push_image "$REG_DIR" "demo:cpp$r")
  start=$(date +%s.%N)
  race "$COSIGN_CPP" "demo:cpp$r"
  secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
  for i in $(seq 1 "$N"); do
    rc=$(cat "$RACE_DIR/rc.$i")
    [ "$rc" = 0 ] || { show stderr "$RACE_DIR/err.$i"; die "signer $i exited $rc"; }
  done
  pass "all $N cosign-cpp signers exited 0 (${secs}s)"
  check_eq "the .sig holds $N layers" "$N" "$(layer_count "$D")"
  no_dangling "$D"
  pass "every blob the .sig manifest names is in the registry"
  check_eq "each of the $N keys verifies (cosign-cpp verify)" "$N" "$(verified_keys "$COSIGN_CPP" "demo:cpp$r")"
  for i in 1 "$N"; do
    check "cosign 2 verify accepts signer $i's signature" \
      "$COSIGN2" verify --key "k$i.pub" --insecure-ignore-tlog "$REG/demo:cpp$r"
  done
  [ -n "${RACE_RESULT:-}" ] && echo "cosign-cpp round $r $N signers: layers=$N verified=$N seconds=$secs" >> "$RACE_RESULT"
done
finish
