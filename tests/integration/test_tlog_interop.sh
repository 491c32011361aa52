#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The transparency log in sign and verify (issue 11), against a local registry and the local
# Rekor/TUF mock (tests/peers), both ways with the real cosign 2 and 3:
#   cosign-cpp signs with the log (one Rekor request per signature) -> cosign 2 verifies with
#   SIGSTORE_REKOR_PUBLIC_KEY and cosign 3 with --trusted-root, neither with --insecure-ignore-tlog;
#   cosign 2 signs with the log -> cosign-cpp verifies with --trusted-root, with the SIGSTORE_*
#   variables and after `initialize` against the mock's TUF repository, printing what cosign
#   prints; a layer without a bundle is looked up in Rekor;
#   rejected, each naming the failed check, non-zero exit: a SET by another key, an edited
#   integratedTime or logIndex, a body of another signature, a log key outside its validity
#   window, a signature with no log entry (also with --offline; the skip flag passes with
#   cosign's warning); Rekor unreachable: sign fails and the registry is untouched; signing again
#   with one key takes 409 + one GET. No request leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"

setup_interop
sigstore_mock_start
URL=$SIGSTORE_MOCK_URL
REKOR_PUB=$SIGSTORE_MOCK_DIR/rekor.pub
TR=$SIGSTORE_MOCK_DIR/trusted_root.json
[ -s "$REKOR_PUB" ] && [ -s "$TR" ] || die "the mock wrote no rekor.pub / trusted_root.json"
registry_start plain
export COSIGN_PASSWORD=tlog-test-pw
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "cosign-cpp generate-key-pair failed"
mkdir -p other && (cd other && "$COSIGN_CPP" generate-key-pair >/dev/null 2>&1) || die "second key pair failed"

# layer_annotation REPO DIGEST KEY: one annotation of the first layer of the image's .sig manifest.
layer_annotation() { get_manifest "$REG_DIR" "$1" "$(sig_tag "$2")" | jq -j --arg k "$3" '.layers[0].annotations[$k] // empty'; }

say "== cosign-cpp signs with the log; cosign 2 and 3 verify without --insecure-ignore-tlog"
D1=$(push_image "$REG_DIR" cpp:v1)
M=$(sigstore_mock_mark)
RM=$(reg_mark "$REG_DIR")
run_cmd sign1 "$COSIGN_CPP" sign -y --key cosign.key --rekor-url "$URL" "$REG/cpp@$D1"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign with the log failed"; }
pass "cosign-cpp sign --rekor-url (local mock)"
check_eq "one Rekor request per signature: POST /api/v1/log/entries 201" "POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_contains "cosign's line for the new entry" "$ERR" "tlog entry created with index: "
check_contains "cosign's statement before the upload" "$ERR" "By typing 'y', you attest that"
layer_annotation cpp "$D1" dev.sigstore.cosign/bundle > cpp-bundle.json
[ -s cpp-bundle.json ] || die "cosign-cpp's layer has no dev.sigstore.cosign/bundle annotation"
check_eq "the bundle keys are cosign's, in cosign's order" '["SignedEntryTimestamp","Payload"] ["body","integratedTime","logIndex","logID"]' \
  "$(jq -c keys_unsorted cpp-bundle.json) $(jq -c '.Payload|keys_unsorted' cpp-bundle.json)"
check_eq "the logIndex printed is the one stored" "tlog entry created with index: $(jq -r .Payload.logIndex cpp-bundle.json)" \
  "$(grep '^tlog entry created' "$ERR")"
check "cosign 2 verifies cosign-cpp's signature and bundle (SIGSTORE_REKOR_PUBLIC_KEY)" \
  env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" "$REG/cpp@$D1"
check_contains "... offline, from the bundle" "$ERR" "Existence of the claims in the transparency log was verified offline"
cp "$OUT" c2-verify-cpp.out; cp "$ERR" c2-verify-cpp.err
check "cosign 3 verifies it with --trusted-root" "$COSIGN3" verify --key cosign.pub --trusted-root "$TR" "$REG/cpp@$D1"
check_contains "... offline, from the bundle" "$ERR" "Existence of the claims in the transparency log was verified offline"

say "== cosign-cpp verifies its own signature as cosign prints it"
M=$(sigstore_mock_mark)
check "cosign-cpp verify --trusted-root" "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/cpp@$D1"
check_file_eq "stdout (the JSON with Bundle) is cosign 2's byte for byte" c2-verify-cpp.out "$OUT"
check_file_eq "stderr (the checks performed) is cosign 2's byte for byte" c2-verify-cpp.err "$ERR"
check_eq "a verify with a bundle makes no Rekor request" "" "$(sigstore_mock_requests "$M")"

say "== cosign 2 signs with the log; cosign-cpp verifies three ways"
D2=$(push_image "$REG_DIR" c2:v1)
run_cmd c2sign env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" sign -y --key cosign.key --rekor-url "$URL" "$REG/c2@$D2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 sign with the log failed"; }
pass "cosign2 sign --rekor-url (local mock)"
run_cmd c2verify env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" "$REG/c2@$D2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 verify of its own signature failed"; }
cp "$OUT" c2.out; cp "$ERR" c2.err
check "cosign-cpp verify --trusted-root on cosign 2's signature" "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/c2@$D2"
check_file_eq "stdout is cosign 2's byte for byte" c2.out "$OUT"
check_file_eq "stderr is cosign 2's byte for byte" c2.err "$ERR"
check "cosign-cpp verify with SIGSTORE_REKOR_PUBLIC_KEY" \
  env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN_CPP" verify --key cosign.pub "$REG/c2@$D2"
check_file_eq "... the same output" c2.out "$OUT"
check "cosign-cpp initialize --mirror <mock>/tuf --root tuf-root.json" \
  "$COSIGN_CPP" initialize --mirror "$URL/tuf" --root "$SIGSTORE_MOCK_DIR/tuf-root.json"
M=$(sigstore_mock_mark)
check "cosign-cpp verify after initialize (the TUF cache's trusted_root.json)" "$COSIGN_CPP" verify --key cosign.pub "$REG/c2@$D2"
check_file_eq "... the same output" c2.out "$OUT"
check_eq "... the fresh cache is used: no request to the mock" "" "$(sigstore_mock_requests "$M")"

say "== a layer without a bundle: looked up in Rekor, as cosign does without --offline"
D3=$(push_image "$REG_DIR" nobundle:v1)
check "cosign2 signs nobundle with the log" env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" sign -y --key cosign.key --rekor-url "$URL" "$REG/nobundle@$D3"
get_manifest "$REG_DIR" nobundle "$(sig_tag "$D3")" | jq -c 'del(.layers[0].annotations["dev.sigstore.cosign/bundle"])' | tr -d '\n' > stripped.json
put_manifest "$REG_DIR" nobundle "$(sig_tag "$D3")" stripped.json
run_cmd c2look env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" "$REG/nobundle@$D3"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 verify with a lookup failed"; }
cp "$OUT" look.out; cp "$ERR" look.err
M=$(sigstore_mock_mark)
check "cosign-cpp verify looks the entry up" "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" --rekor-url "$URL" "$REG/nobundle@$D3"
check_eq "one Rekor request: POST /api/v1/log/entries/retrieve 200" "POST /api/v1/log/entries/retrieve 200" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_file_eq "stdout is cosign 2's" look.out "$OUT"
check_file_eq "stderr (the claims were present in the log) is cosign 2's" look.err "$ERR"
run_cmd lookoff "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" --offline "$REG/nobundle@$D3"
[ "$RC" -eq 12 ] || { show stderr "$ERR"; die "--offline on a layer without a bundle: exit $RC, expected 12"; }
check_contains "--offline: a layer without a bundle fails (exit 12), naming the check" "$ERR" "transparency log: the signature has no transparency-log bundle"

say "== rejected, each with the failed check named"
SIGTAG=$(sig_tag "$D2")
get_manifest "$REG_DIR" c2 "$SIGTAG" > c2-sig.json
B64=$(jq -r '.layers[0].annotations["dev.sigstore.cosign/bundle"]' c2-sig.json)
# rejects NAME EXPECTED_SUBSTRING CMD...: CMD must exit 12 with the message.
rejects() {
  local name=$1 want=$2; shift 2
  run_cmd "$name" "$@"
  if [ "$RC" -ne 12 ]; then show stdout "$OUT"; show stderr "$ERR"; die "$name: exit $RC, expected 12"; fi
  check_contains "$name: rejected (exit 12): $want" "$ERR" "$want"
}
# rejects_blob NAME WANT CMD...: verify-blob fails (exit 1, as cosign's) with WANT in its error.
rejects_blob() {
  local name=$1 want=$2; shift 2
  run_cmd "$name" "$@"
  if [ "$RC" -ne 1 ]; then show stdout "$OUT"; show stderr "$ERR"; die "$name: exit $RC, expected 1"; fi
  check_contains "$name: rejected (exit 1): $want" "$ERR" "$want"
}
# with_bundle JQ_EXPR NAME: c2's .sig manifest stored again with its bundle annotation rewritten
# by JQ_EXPR (the layers and config are unchanged); restore_bundle puts the original back.
with_bundle() {
  printf '%s' "$B64" | jq -c "$1" | tr -d '\n' > "$2-bundle.json"
  jq -c --rawfile b "$2-bundle.json" '.layers[0].annotations["dev.sigstore.cosign/bundle"] = $b' c2-sig.json | tr -d '\n' > "$2-sig.json"
  put_manifest "$REG_DIR" c2 "$SIGTAG" "$2-sig.json"
}
restore_bundle() { put_manifest "$REG_DIR" c2 "$SIGTAG" c2-sig.json; }
with_bundle '.Payload.integratedTime -= 1' edtime
rejects edited-integratedTime "does not verify with the trusted Rekor key" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/c2@$D2"
check_contains "... the SET check is named" "$ERR" "transparency log: the signed entry timestamp (SET)"
with_bundle '.Payload.logIndex += 1' edindex
rejects edited-logIndex "transparency log: the signed entry timestamp (SET)" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/c2@$D2"
run_cmd c2edited env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" --offline "$REG/c2@$D2"
[ "$RC" -ne 0 ] || die "cosign2 accepted the edited logIndex"
pass "cosign 2 rejects the edited logIndex too (exit $RC)"
# The body of another signature (cosign-cpp's on cpp:v1, same key, another payload).
with_bundle "$(cat cpp-bundle.json)" edbody
rejects body-of-another-signature "transparency log: the signature in the Rekor entry does not match the layer's signature" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/c2@$D2"
restore_bundle
check "with the original .sig manifest back, cosign-cpp verifies again" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/c2@$D2"

# A trusted root whose Rekor key is another one: under the mock's log ID (the SET does not
# verify with it), and under its own (no key for the entry's log ID).
openssl ecparam -name prime256v1 -genkey -noout -out fake-rekor.key 2>/dev/null
FAKE_DER=$(openssl ec -in fake-rekor.key -pubout -outform DER 2>/dev/null | base64 -w0)
FAKE_ID=$(openssl ec -in fake-rekor.key -pubout -outform DER 2>/dev/null | openssl dgst -sha256 -binary | base64 -w0)
jq --arg k "$FAKE_DER" '.tlogs[0].publicKey.rawBytes = $k' "$TR" > tr-otherkey.json
rejects SET-by-another-key "does not verify with the trusted Rekor key for log ID $(jq -r .Payload.logID cpp-bundle.json)" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root tr-otherkey.json "$REG/c2@$D2"
jq --arg k "$FAKE_DER" --arg id "$FAKE_ID" '.tlogs[0].publicKey.rawBytes = $k | .tlogs[0].logId.keyId = $id' "$TR" > tr-otherlog.json
rejects no-key-for-log-ID "transparency log: no trusted Rekor key has log ID" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root tr-otherlog.json "$REG/c2@$D2"
jq '.tlogs[0].publicKey.validFor = {"start":"2020-01-01T00:00:00Z","end":"2021-01-01T00:00:00Z"}' "$TR" > tr-expired.json
rejects log-key-outside-its-window "was not valid at integratedTime" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root tr-expired.json "$REG/c2@$D2"
jq '.tlogs[0].publicKey.validFor = {"start":"2099-01-01T00:00:00Z"}' "$TR" > tr-future.json
rejects log-key-not-yet-valid "was not valid at integratedTime" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root tr-future.json "$REG/c2@$D2"

say "== attach signature --rekor-response: a signature made and logged elsewhere, with its bundle"
L2=$(jq -r '.layers[0].digest' c2-sig.json)
get_blob "$REG_DIR" c2 "$L2" > att-payload.json
jq -j '.layers[0].annotations["dev.cosignproject.cosign/signature"]' c2-sig.json > att-sig.b64
# cosign's LocalSignedPayload, as sign-blob --bundle writes it.
jq -n --rawfile s att-sig.b64 --argjson b "$B64" '{base64Signature: $s, cert: "", rekorBundle: $b}' > att-response.json
REG1=$REG REG1_DIR=$REG_DIR
registry_start attach
D2B=$(push_image "$REG_DIR" c2:v1)
[ "$D2B" = "$D2" ] || die "the same image in a second registry has another digest"
check "cosign-cpp attach signature --payload --signature --rekor-response" \
  "$COSIGN_CPP" attach signature --payload att-payload.json --signature att-sig.b64 --rekor-response att-response.json "$REG/c2@$D2"
check_eq "the layer's bundle annotation is cosign 2's byte for byte" "$B64" "$(layer_annotation c2 "$D2" dev.sigstore.cosign/bundle)"
check "cosign 2 verifies the attached signature through its bundle" \
  env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" --offline "$REG/c2@$D2"
check "cosign-cpp verifies it offline" "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" --offline "$REG/c2@$D2"
jq --argjson b "$(cat cpp-bundle.json)" '.rekorBundle = $b' att-response.json > att-other.json
run_cmd attother "$COSIGN_CPP" attach signature --payload att-payload.json --signature att-sig.b64 --rekor-response att-other.json "$REG/c2@$D2"
[ "$RC" -ne 0 ] || die "attach stored the bundle of another signature"
check_contains "the bundle of another signature is refused, naming the check" "$ERR" "the logged entry records another signature than --signature"
jq 'del(.rekorBundle)' att-response.json > att-none.json
run_cmd attnone "$COSIGN_CPP" attach signature --payload att-payload.json --signature att-sig.b64 --rekor-response att-none.json "$REG/c2@$D2"
[ "$RC" -ne 0 ] || die "attach accepted a response without rekorBundle"
check_contains "a file without rekorBundle is refused" "$ERR" 'has no "rekorBundle" object'
check_eq "nothing more was attached" 1 "$(get_manifest "$REG_DIR" c2 "$SIGTAG" | jq '.layers | length')"
REG=$REG1 REG_DIR=$REG1_DIR

say "== verify-blob --key --bundle: cosign's legacy bundle, its Rekor entry checked offline"
printf 'a blob logged by cosign 2\n' > blob.txt
printf 'another blob\n' > other-blob.txt
check "cosign2 sign-blob --bundle with the log" env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" \
  "$COSIGN2" sign-blob -y --key cosign.key --rekor-url "$URL" --bundle blob.bundle blob.txt
check_eq "the bundle is the legacy one (no cert for a key)" '["base64Signature","rekorBundle"]' "$(jq -c keys_unsorted blob.bundle)"
check "cosign-cpp verify-blob --key --bundle --trusted-root" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle blob.bundle --trusted-root "$TR" blob.txt
check_eq "... prints cosign's line only" "Verified OK" "$(cat "$ERR")"
check "... and with SIGSTORE_REKOR_PUBLIC_KEY" env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle blob.bundle blob.txt
run_cmd vbother "$COSIGN_CPP" verify-blob --key cosign.pub --bundle blob.bundle --trusted-root "$TR" other-blob.txt
[ "$RC" -ne 0 ] || die "verify-blob accepted the bundle for another blob"
check_contains "another blob: the entry's hash does not match (named)" "$ERR" "error verifying bundle: the Rekor entry logs payload hash"
run_cmd vbset "$COSIGN_CPP" verify-blob --key cosign.pub --bundle blob.bundle --trusted-root tr-otherkey.json blob.txt
[ "$RC" -ne 0 ] || die "verify-blob accepted a SET with another Rekor key"
check_contains "a trusted root with another Rekor key: the SET check is named" "$ERR" "error verifying bundle: the signed entry timestamp (SET)"
jq '.rekorBundle.Payload.integratedTime += 1' blob.bundle > blob-edited.bundle
run_cmd vbtime "$COSIGN_CPP" verify-blob --key cosign.pub --bundle blob-edited.bundle --trusted-root "$TR" blob.txt
[ "$RC" -ne 0 ] || die "verify-blob accepted an edited integratedTime"
check_contains "an edited integratedTime: the SET check is named" "$ERR" "does not verify with the trusted Rekor key"
jq -r .base64Signature blob.bundle > blob.sig
M=$(sigstore_mock_mark)
check "without a bundle, verify-blob looks the entry up at --rekor-url" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --signature blob.sig --trusted-root "$TR" --rekor-url "$URL" blob.txt
check_eq "... with one search request" "POST /api/v1/log/entries/retrieve 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
run_cmd vbnobundle "$COSIGN_CPP" verify-blob --key cosign.pub --signature blob.sig --trusted-root "$TR" --offline blob.txt
[ "$RC" -ne 0 ] || die "verify-blob --offline without a bundle passed without the skip flag"
check_contains "--offline and no bundle: refused, naming the flags" "$ERR" "pass --bundle with a \"rekorBundle\""
rejects_blob vbnoentry "searching the transparency log: signature not found in the transparency log at $URL" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --signature blob.sig --trusted-root "$TR" --rekor-url "$URL" other-blob.txt
rejects_blob vbotherroot "searching the transparency log: no valid entry in the transparency log" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --signature blob.sig --trusted-root tr-otherkey.json --rekor-url "$URL" blob.txt
check "with --insecure-ignore-tlog the bundle's signature alone verifies" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle blob.bundle --insecure-ignore-tlog blob.txt
run_cmd c2vbskip "$COSIGN2" verify-blob --key cosign.pub --bundle blob.bundle --insecure-ignore-tlog blob.txt
check_file_eq "... with cosign 2's warning and line, byte for byte" "$WORK/c2vbskip.err" "$WORK/check.err"

say "== cosign-cpp sign-blob logs by default; cosign 2 and 3 verify its bundle and look it up"
printf 'firmware image 1.0\n' > fw.bin
M=$(sigstore_mock_mark)
run_cmd sbl env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN_CPP" sign-blob -y --key cosign.key --rekor-url "$URL" --bundle fw.bundle fw.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob with the log failed"; }
pass "cosign-cpp sign-blob --bundle (--tlog-upload is true by default)"
check_eq "one Rekor request for the blob" "POST /api/v1/log/entries 201" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_contains "cosign's line for the new entry" "$ERR" "tlog entry created with index: "
check_contains "... and for the bundle" "$ERR" "Wrote bundle to file fw.bundle"
check_eq "the signature on stdout is the bundle's" "$(jq -r .base64Signature fw.bundle)" "$(cat "$OUT")"
check_eq "the bundle has cosign 2's fields, in its order" '["base64Signature","rekorBundle"]' "$(jq -c keys_unsorted fw.bundle)"
check_eq "the bundle file is 0600" 600 "$(stat -c %a fw.bundle)"
cp "$OUT" fw.sig
check "cosign 2 verify-blob --bundle (SET offline)" env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" \
  "$COSIGN2" verify-blob --key cosign.pub --bundle fw.bundle fw.bin
check "cosign 2 verify-blob --signature, looking the entry up" env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" \
  "$COSIGN2" verify-blob --key cosign.pub --signature fw.sig --rekor-url "$URL" fw.bin
check "cosign 3 verify-blob --bundle (legacy: its Rekor key from SIGSTORE_REKOR_PUBLIC_KEY)" \
  env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN3" verify-blob --key cosign.pub --bundle fw.bundle fw.bin
check "cosign-cpp verify-blob --bundle" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle fw.bundle --trusted-root "$TR" fw.bin
run_cmd sbl2 env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN_CPP" sign-blob -y --key cosign.key --rekor-url "$URL" fw.bin
check_eq "signing the same blob again (409) gives the same signature" "$(cat fw.sig)" "$(cat "$OUT")"
printf 'firmware image 1.0, changed\n' > fw-changed.bin
rejects_blob sbchanged "error verifying bundle: the Rekor entry logs payload hash" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --bundle fw.bundle --trusted-root "$TR" fw-changed.bin
run_cmd sbdead "$COSIGN_CPP" sign-blob -y --key cosign.key --rekor-url "http://127.0.0.1:$(pick_port)" --bundle dead.bundle --output-signature dead.sig fw.bin
[ "$RC" -ne 0 ] || die "sign-blob with Rekor unreachable succeeded"
check_contains "Rekor unreachable: sign-blob fails naming Rekor" "$ERR" "signing fw.bin: Rekor at http://127.0.0.1:"
[ ! -e dead.bundle ] && [ ! -e dead.sig ] || die "sign-blob with Rekor unreachable wrote a bundle or a signature"
pass "... and writes neither bundle nor signature"
run_cmd sbno "$COSIGN_CPP" sign-blob --key cosign.key --rekor-url "$URL" fw.bin </dev/null
[ "$RC" -ne 0 ] || die "sign-blob without -y and without a terminal uploaded"
check_contains "without -y, the prompt is declined without a terminal" "$ERR" "upload to tlog: user declined the prompt"
check_eq "... and no signature is printed" "" "$(cat "$OUT")"

say "== a signature with no log entry"
D4=$(push_image "$REG_DIR" nolog:v1)
check "cosign-cpp sign --tlog-upload=false" "$COSIGN_CPP" sign -y --tlog-upload=false --key cosign.key "$REG/nolog@$D4"
check_not_contains "... prints no statement and uploads nothing" "$ERR" "tlog entry created"
rejects no-entry "transparency log: signature not found in the transparency log at $URL" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" --rekor-url "$URL" "$REG/nolog@$D4"
rejects no-entry-offline "transparency log: the signature has no transparency-log bundle" \
  "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" --offline "$REG/nolog@$D4"
check "with --insecure-ignore-tlog it verifies" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$REG/nolog@$D4"
check_eq "... with cosign's warning first" \
  "WARNING: Skipping tlog verification is an insecure practice that lacks transparency and auditability verification for the signature." \
  "$(head -n1 "$ERR")"
run_cmd c2skip "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog "$REG/nolog@$D4"
check_file_eq "... and cosign 2's output byte for byte" "$WORK/c2skip.err" "$WORK/check.err"

say "== Rekor unreachable or refusing: sign fails, the registry is untouched"
D5=$(push_image "$REG_DIR" dead:v1)
DEAD=$(pick_port)
BEFORE=$(reg_snapshot "$REG_DIR")
RM=$(reg_mark "$REG_DIR")
run_cmd deadsign "$COSIGN_CPP" sign -y --key cosign.key --rekor-url "http://127.0.0.1:$DEAD" "$REG/dead@$D5"
[ "$RC" -ne 0 ] || die "sign with Rekor unreachable succeeded"
check_contains "Rekor unreachable: the error names the Rekor URL" "$ERR" "Rekor at http://127.0.0.1:$DEAD"
check_eq "... and no write reached the registry" 0 "$(reg_writes_since "$REG_DIR" "$RM")"
check_eq "... whose content is unchanged" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
run_cmd refusing "$COSIGN_CPP" sign -y --key cosign.key --rekor-url "$URL/nothing-here" "$REG/dead@$D5"
[ "$RC" -ne 0 ] || die "sign with Rekor refusing succeeded"
check_contains "Rekor refusing: the error names the Rekor URL and the status" "$ERR" "Rekor at $URL/nothing-here refused the entry: HTTP 404"
check_eq "... and the registry is unchanged" "$BEFORE" "$(reg_snapshot "$REG_DIR")"

say "== signing the same image again with one key: 409, then one GET"
M=$(sigstore_mock_mark)
run_cmd again "$COSIGN_CPP" sign -y --key cosign.key --rekor-url "$URL" "$REG/cpp@$D1"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "signing again failed"; }
check_eq "POST 409, then GET of the existing entry" "POST /api/v1/log/entries 409|GET 200" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | sed 's|^GET /api/v1/log/entries/[0-9a-f]* |GET |' | paste -sd'|')"
check_eq "the same entry: no second layer" 1 "$(get_manifest "$REG_DIR" cpp "$(sig_tag "$D1")" | jq '.layers | length')"
check "cosign 2 still verifies" env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" "$REG/cpp@$D1"

say "== the harness guard: nothing reaches a public Sigstore service"
run_cmd guard "$COSIGN_CPP" sign -y --key cosign.key "$REG/dead@$D5"
[ "$RC" -ne 0 ] || die "sign with the default --rekor-url succeeded under the guard"
check_contains "sign with the default --rekor-url fails loudly under COSIGN_CPP_FORBID_PUBLIC_SIGSTORE" "$ERR" \
  "refusing to contact the public Sigstore service at https://rekor.$PUBLIC_SIGSTORE_DOMAIN/api/v1/log/entries"
check_eq "... before any registry write" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
run_cmd guardv env HOME="$WORK/empty-home" "$COSIGN_CPP" verify --key cosign.pub "$REG/c2@$D2"
[ "$RC" -ne 0 ] || die "verify with the public-good TUF repository succeeded under the guard"
check_contains "verify with no trust given fails loudly instead of fetching the public-good TUF root" "$ERR" \
  "refusing to contact the public Sigstore service at https://tuf-repo-cdn.$PUBLIC_SIGSTORE_DOMAIN/"

check_eq "no request to the mock failed with a 5xx" "" "$(awk '$4 ~ /^5/' "$SIGSTORE_MOCK_DIR/requests.log")"
finish
