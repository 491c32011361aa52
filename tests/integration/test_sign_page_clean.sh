#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cosign's signing page, finding and removing what is attached (issue 4, items 9 and 11):
#   9 triangulate for signatures, attestations and SBOMs (byte for byte as cosign 2), each
#     naming the tag that really holds the attachment;
#   11 clean --type signature|attestation|sbom|all, -f/-y, the prompt; both directions with
#     cosign 2; COSIGN_REPOSITORY ignored as cosign does; a registry that refuses deletion gives
#     a clear error and nothing is removed.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=s3cret-pw
registry_start plain
V=(--insecure-ignore-tlog)
(cd "$WORK" && "$COSIGN_CPP" generate-key-pair >/dev/null 2>&1) || die "generate-key-pair failed"
printf '{"hello":"world"}' > predicate.json
printf '{"spdxVersion":"SPDX-2.3","name":"demo"}' > sbom.spdx.json
tags_of() { reg_env "$REG_DIR" "$CRANE" ls "$REG/$1" | grep -E '^sha256-' | sort | tr '\n' ' ' | sed 's/ $//'; }
# attach_all REPO:TAG DIGEST: a signature (cosign-cpp), an attestation and an SBOM (cosign2).
attach_all() {
  "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key "$REG/${1%%:*}@$2" >/dev/null 2>&1 || die "sign $1 failed"
  "$COSIGN2" attest --key cosign.key --tlog-upload=false --type custom --predicate predicate.json "$REG/${1%%:*}@$2" \
    >/dev/null 2>&1 || die "cosign2 attest $1 failed"
  "$COSIGN2" attach sbom --sbom sbom.spdx.json --type spdx "$REG/${1%%:*}@$2" >/dev/null 2>&1 || die "cosign2 attach sbom $1 failed"
}

say "== 9. triangulate"
D=$(push_image "$REG_DIR" demo:v1)
attach_all demo:v1 "$D"
HEX=${D#sha256:}
check_eq "signature, attestation and SBOM tags exist" "sha256-$HEX.att sha256-$HEX.sbom sha256-$HEX.sig" "$(tags_of demo)"
for t in signature attestation sbom digest; do
  for ref in "$REG/demo:v1" "$REG/demo@$D"; do
    run_cmd t2 "$COSIGN2" triangulate --type $t "$ref"
    run_cmd tc "$COSIGN_CPP" triangulate --type $t "$ref"
    check_eq "triangulate --type $t ${ref#"$REG"/}: exit 0" 0 "$RC"
    check_file_eq "  stdout equals cosign2's byte for byte" "$WORK/t2.out" "$WORK/tc.out"
    check_file_eq "  stderr equals cosign2's" "$WORK/t2.err" "$WORK/tc.err"
  done
  [ $t = digest ] && continue
  check "  the tag it names exists ($(cat "$WORK/tc.out"))" reg_env "$REG_DIR" "$CRANE" digest "$(cat "$WORK/tc.out")"
done
run_cmd tdef "$COSIGN_CPP" triangulate "$REG/demo:v1"
check_eq "default type is signature" "$REG/demo:sha256-$HEX.sig" "$(cat "$OUT")"

say "== 11. clean: the prompt"
M=$(reg_mark "$REG_DIR")
run_cmd c2no "$COSIGN2" clean "$REG/demo:v1"
C2RC=$RC
run_cmd ccno "$COSIGN_CPP" clean "$REG/demo:v1"
check_eq "clean without -f, stdin not answering: exit 1 like cosign2" "1 1" "$C2RC $RC"
check_file_eq "  same stderr as cosign2 (warning, prompt, 'user declined the prompt')" "$WORK/c2no.err" "$WORK/ccno.err"
check_eq "  nothing deleted" 0 "$(reg_count_since "$REG_DIR" "$M" DELETE)"
run_cmd c2no2 "$COSIGN2" clean --type signature "$REG/demo:v1"
run_cmd ccno2 "$COSIGN_CPP" clean --type signature "$REG/demo:v1"
check_file_eq "  --type signature: cosign's narrower warning" "$WORK/c2no2.err" "$WORK/ccno2.err"
run_cmd ccyes sh -c "echo y | \"\$COSIGN_CPP\" clean --type sbom $REG/demo:v1"
check_eq "answering y cleans (--type sbom)" 0 "$RC"
check_eq "  only the SBOM is gone" "sha256-$HEX.att sha256-$HEX.sig" "$(tags_of demo)"

say "== 11. clean --type, -f and -y, compared with cosign2"
run_cmd ccsig "$COSIGN_CPP" clean -f --type signature "$REG/demo:v1"
check_eq "clean -f --type signature: exit 0" 0 "$RC"
check_eq "  stderr: 'Removed <tag> from <image>'" "Removed $REG/demo:sha256-$HEX.sig from $REG/demo:v1" "$(cat "$ERR")"
check_eq "  only the signature is gone" "sha256-$HEX.att" "$(tags_of demo)"
run_cmd v10 "$COSIGN_CPP" verify --key cosign.pub "${V[@]}" "$REG/demo:v1"
check_eq "  verify now exits 10 (no signatures)" 10 "$RC"
run_cmd ccatt "$COSIGN_CPP" clean -y --type attestation "$REG/demo@$D"
check_eq "clean -y --type attestation (by digest): exit 0" 0 "$RC"
check_eq "  nothing attached is left" "" "$(tags_of demo)"
run_cmd ccnone "$COSIGN_CPP" clean -f "$REG/demo:v1"
check_eq "clean -f with nothing attached: exit 0, silent (as cosign)" "0 " "$RC $(cat "$ERR")"
check "the image itself is untouched" reg_env "$REG_DIR" "$CRANE" digest "$REG/demo:v1"
attach_all demo:v1 "$D"
run_cmd ccall "$COSIGN_CPP" clean -f "$REG/demo:v1"
check_eq "clean -f (default --type all) removes all three" "" "$(tags_of demo)"
attach_all demo:v1 "$D"
run_cmd c2all "$COSIGN2" clean -f "$REG/demo:v1"
check_eq "cosign2 clean -f on the same attachments removes all three too" "" "$(tags_of demo)"
check_file_eq "  and prints exactly what cosign-cpp printed" "$WORK/c2all.err" "$WORK/ccall.err"

say "== 11. both directions"
D2=$(push_image "$REG_DIR" demo:v2)
check "cosign2 signs demo:v2" "$COSIGN2" sign --key cosign.key --tlog-upload=false "$REG/demo@$D2"
check "cosign-cpp clean -f --type signature removes cosign2's signature" "$COSIGN_CPP" clean -f --type signature "$REG/demo:v2"
run_cmd v2gone "$COSIGN2" verify --key cosign.pub "${V[@]}" "$REG/demo:v2"
check_eq "  cosign2 verify: exit 10" 10 "$RC"
check "cosign-cpp signs demo:v2" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key "$REG/demo@$D2"
check "cosign2 clean -f removes cosign-cpp's signature" "$COSIGN2" clean -f --type signature "$REG/demo:v2"
run_cmd v2gone2 "$COSIGN_CPP" verify --key cosign.pub "${V[@]}" "$REG/demo:v2"
check_eq "  cosign-cpp verify: exit 10" 10 "$RC"

say "== 11. COSIGN_REPOSITORY is ignored, as cosign does"
D3=$(push_image "$REG_DIR" demo:v3)
check "sign into the image's repository" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key "$REG/demo@$D3"
check "sign into sigs (COSIGN_REPOSITORY)" env COSIGN_REPOSITORY="$REG/sigs" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key "$REG/demo@$D3"
run_cmd ccrepo env COSIGN_REPOSITORY="$REG/sigs" "$COSIGN_CPP" clean -f --type signature "$REG/demo:v3"
check_eq "clean with COSIGN_REPOSITORY set: exit 0" 0 "$RC"
check_eq "  removed the image repository's .sig" "" "$(tags_of demo | grep -F "${D3#sha256:}" || true)"
check_eq "  kept the one in sigs" "sha256-${D3#sha256:}.sig" "$(tags_of sigs)"

say "== 11. a registry that refuses deletion"
D4=$(push_image "$REG_DIR" demo:v4)
attach_all demo:v4 "$D4"
registry_disable_delete "$REG_DIR"
BEFORE=$(reg_snapshot "$REG_DIR")
M=$(reg_mark "$REG_DIR")
run_cmd ccref "$COSIGN_CPP" clean -f "$REG/demo:v4"
check_eq "clean -f: exit 1" 1 "$RC"
check_contains "  says the registry does not allow deleting" "$ERR" "the registry does not allow deleting manifests (HTTP 405"
check_contains "  and that nothing was removed" "$ERR" "nothing was removed"
check_contains "  with cosign's 'could not delete' line first" "$ERR" "could not delete $REG/demo:sha256-${D4#sha256:}.sig from $REG/demo:v4:"
check_eq "  one DELETE was tried, then it stopped" 1 "$(reg_count_since "$REG_DIR" "$M" DELETE)"
check_eq "  the registry is unchanged (tags, digests, storage)" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
run_cmd c2ref "$COSIGN2" clean -f "$REG/demo:v4"
check_eq "(cosign2 tries all three, prints 'could not delete' and exits 0)" 0 "$RC"
check_eq "everything still attached" "sha256-${D4#sha256:}.att sha256-${D4#sha256:}.sbom sha256-${D4#sha256:}.sig" "$(tags_of demo | tr ' ' '\n' | grep -F "${D4#sha256:}" | tr '\n' ' ' | sed 's/ $//')"

say "== bad input"
run_cmd badtype "$COSIGN_CPP" clean -f --type bogus "$REG/demo:v4"
check_eq "clean --type bogus: exit 1" 1 "$RC"
check_contains "  names the type" "$ERR" "invalid clean type: bogus"
run_cmd missing "$COSIGN_CPP" clean -f "$REG/demo:missing"
check_eq "clean of a missing tag: exit 1" 1 "$RC"

finish
