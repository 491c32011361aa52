#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cosign-cpp verify rejects what cosign rejects, with cosign's exit code (issue 3):
#   wrong key, tampered payload blob, tampered signature annotation, missing annotation, junk
#   signature, a .sig copied from another image, unsigned image, missing tag/repository, digest
#   without signatures. For every case cosign2's exit code is measured here and cosign-cpp must
#   give the same one, an empty stdout, and a message naming the failed check.
# A failed sign (wrong password, unreachable registry, missing image, 401) writes nothing: crane's
#   view and the storage tree are unchanged and the registry log shows no PUT/POST/PATCH/DELETE.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=pw-for-rejects

registry_start plain
mkdir k other
(cd k && "$COSIGN2" generate-key-pair >/dev/null 2>&1) || die "cosign2 generate-key-pair failed"
(cd other && "$COSIGN2" generate-key-pair >/dev/null 2>&1) || die "cosign2 generate-key-pair failed"

# Fixtures are signed by cosign2, so that only cosign-cpp's verify is under test here.
sign2() { "$COSIGN2" sign --key k/cosign.key --tlog-upload=false -y "$1" >/dev/null 2>"$WORK/sign2.err" || { cat "$WORK/sign2.err" >&2; die "cosign2 sign $1 failed"; }; }

# expect_same_rejection NAME KEY REF EXPECTED_RC PHRASE KEYWORD
#   PHRASE: cosign's error category that must appear in cosign-cpp's stderr (fixed string)
#   KEYWORD: extended regex (case-insensitive) naming the failed check
expect_same_rejection() {
  local name=$1 key=$2 ref=$3 want=$4 phrase=$5 keyword=$6 c2rc
  say "== $name"
  run_cmd "$name-cosign2" "$COSIGN2" verify --key "$key" --insecure-ignore-tlog "$ref"
  c2rc=$RC
  [ "$c2rc" = "$want" ] || { show stderr "$ERR"; die "$name: cosign2 exits $c2rc, the harness expected $want"; }
  note "cosign2: exit $c2rc, $(grep -m1 '^Error:' "$ERR" || true)"
  run_cmd "$name" "$COSIGN_CPP" verify --key "$key" --insecure-ignore-tlog "$ref"
  if [ "$RC" != "$c2rc" ]; then show stderr "$ERR"; fi
  check_eq "$name: cosign-cpp verify exits $c2rc like cosign2" "$c2rc" "$RC"
  check_eq "$name: nothing on stdout" "" "$(cat "$OUT")"
  check_contains "$name: stderr says '$phrase'" "$ERR" "$phrase"
  grep -qiE -- "$keyword" "$ERR" || { show stderr "$ERR"; die "$name: the message does not name the failed check (/$keyword/)"; }
  pass "$name: message names the failed check: $(grep -v '^WARNING' "$ERR" | head -n1)"
}

# --- fixtures -----------------------------------------------------------------------------
push_image "$REG_DIR" demo:signed >/dev/null; sign2 "$REG/demo:signed"
D_TP=$(push_image "$REG_DIR" demo:tampered-payload); sign2 "$REG/demo:tampered-payload"
D_TA=$(push_image "$REG_DIR" demo:tampered-annotation); sign2 "$REG/demo:tampered-annotation"
D_NA=$(push_image "$REG_DIR" demo:no-annotation); sign2 "$REG/demo:no-annotation"
D_JS=$(push_image "$REG_DIR" demo:junk-signature); sign2 "$REG/demo:junk-signature"
D_A=$(push_image "$REG_DIR" demo:image-a); sign2 "$REG/demo:image-a"
D_B=$(push_image "$REG_DIR" demo:image-b)
push_image "$REG_DIR" demo:unsigned >/dev/null
pass "fixtures pushed and signed with cosign2"
check "sanity: cosign2 accepts demo:signed with k/cosign.pub" "$COSIGN2" verify --key k/cosign.pub --insecure-ignore-tlog "$REG/demo:signed"
check "sanity: cosign-cpp accepts demo:signed with k/cosign.pub" "$COSIGN_CPP" verify --key k/cosign.pub --insecure-ignore-tlog "$REG/demo:signed"

# Tampered payload: a new payload blob (optional changed), same signature annotation.
get_manifest "$REG_DIR" demo "$(sig_tag "$D_TP")" > tp.json
get_blob "$REG_DIR" demo "$(jq -r '.layers[0].digest' tp.json)" > tp-payload.json
sed 's/"optional":null/"optional":{"tampered":"yes"}/' tp-payload.json | tr -d '\n' > tp-payload2.json
cmp -s tp-payload.json tp-payload2.json && die "could not modify the payload"
NEWD=$(put_blob "$REG_DIR" demo tp-payload2.json)
jq -c --arg d "$NEWD" --argjson s "$(stat -c %s tp-payload2.json)" '.layers[0].digest=$d | .layers[0].size=$s' tp.json > tp2.json
put_manifest "$REG_DIR" demo "$(sig_tag "$D_TP")" tp2.json
pass "demo:tampered-payload: layer now points at a modified payload ($NEWD)"

# Tampered annotation: one base64 character in the middle changed (the last one would only touch
# padding bits, which Go's decoder ignores).
get_manifest "$REG_DIR" demo "$(sig_tag "$D_TA")" > ta.json
S=$(jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' ta.json)
if [ "${S:20:1}" = A ]; then C=B; else C=A; fi
S2="${S:0:20}$C${S:21}"
jq -c --arg s "$S2" '.layers[0].annotations["dev.cosignproject.cosign/signature"]=$s' ta.json > ta2.json
put_manifest "$REG_DIR" demo "$(sig_tag "$D_TA")" ta2.json
pass "demo:tampered-annotation: signature annotation changed at offset 20"

get_manifest "$REG_DIR" demo "$(sig_tag "$D_NA")" | jq -c 'del(.layers[0].annotations)' > na.json
put_manifest "$REG_DIR" demo "$(sig_tag "$D_NA")" na.json
pass "demo:no-annotation: signature annotation removed"

get_manifest "$REG_DIR" demo "$(sig_tag "$D_JS")" \
  | jq -c '.layers[0].annotations["dev.cosignproject.cosign/signature"]="bm90IGEgc2lnbmF0dXJl"' > js.json
put_manifest "$REG_DIR" demo "$(sig_tag "$D_JS")" js.json
pass "demo:junk-signature: signature annotation is base64('not a signature')"

get_manifest "$REG_DIR" demo "$(sig_tag "$D_A")" > a-sig.json
put_manifest "$REG_DIR" demo "$(sig_tag "$D_B")" a-sig.json
pass "demo:image-b: carries image-a's .sig manifest under $(sig_tag "$D_B")"

# --- the cases ------------------------------------------------------------------------------
expect_same_rejection wrong-key other/cosign.pub "$REG/demo:signed" 12 "no matching signatures" "signature"
expect_same_rejection tampered-payload k/cosign.pub "$REG/demo:tampered-payload" 12 "no matching signatures" "signature"
expect_same_rejection tampered-annotation k/cosign.pub "$REG/demo:tampered-annotation" 12 "no matching signatures" "signature"
expect_same_rejection missing-annotation k/cosign.pub "$REG/demo:no-annotation" 12 "no matching signatures" "annotation|signature"
expect_same_rejection junk-signature k/cosign.pub "$REG/demo:junk-signature" 12 "no matching signatures" "signature|ecdsa|asn"
expect_same_rejection signature-for-other-digest k/cosign.pub "$REG/demo:image-b" 12 "no matching signatures" "digest"
expect_same_rejection unsigned k/cosign.pub "$REG/demo:unsigned" 10 "no signatures found" "no signatures"
expect_same_rejection missing-tag k/cosign.pub "$REG/demo:missing" 11 "image tag not found" "not found|manifest unknown"
expect_same_rejection missing-repository k/cosign.pub "$REG/nosuchrepo:latest" 11 "image tag not found" "not found|manifest unknown"
expect_same_rejection digest-without-signatures k/cosign.pub \
  "$REG/demo@sha256:0000000000000000000000000000000000000000000000000000000000000000" 10 "no signatures found" "no signatures"
expect_same_rejection unreachable-registry k/cosign.pub "127.0.0.1:1/demo:signed" 1 "127.0.0.1:1" "connect|refused|unreachable"

say "== -a annotation that the signature does not carry"
run_cmd ann2 "$COSIGN2" verify --key k/cosign.pub --insecure-ignore-tlog -a env=prod "$REG/demo:signed"
C2RC=$RC
run_cmd ann "$COSIGN_CPP" verify --key k/cosign.pub --insecure-ignore-tlog -a env=prod "$REG/demo:signed"
check_eq "verify -a env=prod on an unannotated signature: exit $C2RC like cosign2" "$C2RC" "$RC"
check_contains "  message says 'no matching signatures'" "$ERR" "no matching signatures"
grep -qi annotation "$ERR" || die "the -a mismatch message does not mention the annotation"
pass "  message mentions the annotation"

say "== a missing public key file"
run_cmd nokey2 "$COSIGN2" verify --key does-not-exist.pub --insecure-ignore-tlog "$REG/demo:signed"
C2RC=$RC
run_cmd nokey "$COSIGN_CPP" verify --key does-not-exist.pub --insecure-ignore-tlog "$REG/demo:signed"
check_eq "verify --key does-not-exist.pub: exit $C2RC like cosign2" "$C2RC" "$RC"
check_contains "  message names the file" "$ERR" "does-not-exist.pub"

# --- failed signs leave the registry unchanged ---------------------------------------------
# expect_no_write NAME REG_DIR CMD...: CMD must fail, and the registry must be unchanged.
expect_no_write() {
  local name=$1 dir=$2 before after mark; shift 2
  before=$(reg_snapshot "$dir")
  mark=$(reg_mark "$dir")
  run_cmd "$name" "$@"
  [ "$RC" -ne 0 ] || { show stderr "$ERR"; die "$name: sign succeeded but should have failed"; }
  pass "$name: exits non-zero ($RC): $(grep -v '^WARNING\|^ \|^$' "$ERR" | head -n1)"
  local writes count
  writes=$(reg_requests_since "$dir" "$mark" 'PUT|POST|PATCH|DELETE')
  count=$(reg_count_since "$dir" "$mark")
  after=$(reg_snapshot "$dir")
  [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2 || true; die "$name: the registry changed"; }
  pass "$name: catalog, tags, manifest digests and storage unchanged"
  [ -z "$writes" ] || { echo "$writes" >&2; die "$name: the registry saw write requests"; }
  pass "$name: registry log shows no PUT/POST/PATCH/DELETE ($count requests in all)"
}

say "== failed signs write nothing"
push_image "$REG_DIR" demo:sign-target >/dev/null
for tool in cosign2 cosign-cpp; do
  if [ "$tool" = cosign2 ]; then SIGN=("$COSIGN2" sign --tlog-upload=false); else SIGN=("$COSIGN_CPP" sign); fi
  expect_no_write "$tool-wrong-password" "$REG_DIR" env COSIGN_PASSWORD=wrong "${SIGN[@]}" --key k/cosign.key -y "$REG/demo:sign-target"
  expect_no_write "$tool-missing-image" "$REG_DIR" "${SIGN[@]}" --key k/cosign.key -y "$REG/demo:no-such-tag"
  expect_no_write "$tool-missing-key-file" "$REG_DIR" "${SIGN[@]}" --key does-not-exist.key -y "$REG/demo:sign-target"
done
run_cmd c2unreach "$COSIGN2" sign --tlog-upload=false --key k/cosign.key -y 127.0.0.1:1/demo:latest
C2RC=$RC
run_cmd unreach "$COSIGN_CPP" sign --tlog-upload=false --key k/cosign.key -y 127.0.0.1:1/demo:latest
check_eq "sign to an unreachable registry: exit $C2RC like cosign2" "$C2RC" "$RC"
grep -qiE 'refused|connect|unreachable' "$ERR" || { show stderr "$ERR"; die "the unreachable-registry message does not say so"; }
pass "  message: $(grep -v '^WARNING\|^ \|^$' "$ERR" | head -n1)"

registry_start auth --htpasswd alice:wonderland
AUTH_DIR=$REG_DIR AUTH=$REG
DOCKER_CONFIG=$AUTH_DIR/docker push_image "$AUTH_DIR" demo:latest >/dev/null
mkdir -p wrongcreds
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$AUTH" "$(printf 'alice:wrong' | base64 -w0)" > wrongcreds/config.json
mkdir -p nocreds
for tool in cosign2 cosign-cpp; do
  if [ "$tool" = cosign2 ]; then SIGN=("$COSIGN2" sign --tlog-upload=false); else SIGN=("$COSIGN_CPP" sign); fi
  expect_no_write "$tool-401-no-credentials" "$AUTH_DIR" env DOCKER_CONFIG="$WORK/nocreds" "${SIGN[@]}" --key k/cosign.key -y "$AUTH/demo:latest"
  expect_no_write "$tool-401-wrong-credentials" "$AUTH_DIR" env DOCKER_CONFIG="$WORK/wrongcreds" "${SIGN[@]}" --key k/cosign.key -y "$AUTH/demo:latest"
done
grep -qiE 'unauthorized|authentication required|401' "$ERR" || { show stderr "$ERR"; die "the 401 message says nothing about authentication"; }
pass "cosign-cpp's 401 message mentions the authentication failure"

finish
