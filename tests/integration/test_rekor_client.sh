#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The library's Rekor client and checks against a live local Rekor (tests/peers'
# @sigstore/mock server) and against what cosign 2.5 writes (issue 11):
#   an entry made with a test key is uploaded (1 request), its SET verifies with the mock's
#   rekor.pub (through the library and through openssl over the RFC 8785 bytes);
#   uploading it again takes 409 + one GET and gives the same annotation;
#   cosign 2.5 signs an image with --rekor-url: the library verifies cosign's bundle annotation,
#   and logging cosign's own signature again (409 + fetch) gives cosign's annotation byte for byte;
#   without a bundle, the entry is found in Rekor and checked; Rekor unreachable or refusing fails
#   with the Rekor URL in the message. No request leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"

CHECK_BIN=${COSIGN_REKOR_CHECK:-$SOURCE_DIR/build/tests/cosign_rekor_check}
[ -x "$CHECK_BIN" ] || die "cosign_rekor_check not found at $CHECK_BIN: build it (cmake --build build --target cosign_rekor_check) or set COSIGN_REKOR_CHECK"
find_cosign_tools
find_skopeo
isolate_env
cd "$WORK"

sigstore_mock_start
URL=$SIGSTORE_MOCK_URL
REKOR_PUB=$SIGSTORE_MOCK_DIR/rekor.pub
[ -s "$REKOR_PUB" ] || die "the mock wrote no rekor.pub"

say "== an entry made with a test key"
openssl ecparam -name prime256v1 -genkey -noout -out test.key 2>/dev/null
openssl ec -in test.key -pubout -out test.pub 2>/dev/null
printf '{"critical":{"identity":{"docker-reference":"127.0.0.1/demo"},"image":{"docker-manifest-digest":"sha256:%064d"},"type":"cosign container image signature"},"optional":null}' 7 > payload.json
openssl dgst -sha256 -sign test.key payload.json | base64 -w0 > sig.b64
M=$(sigstore_mock_mark)
run_cmd up1 "$CHECK_BIN" upload --rekor-url "$URL" --rekor-pub "$REKOR_PUB" --payload payload.json --signature sig.b64 --public-key test.pub
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "upload failed"; }
cp "$OUT" ann1.json
pass "upload through the library's Rekor client: annotation written, answer checked (body, SET with rekor.pub)"
check_eq "one request to Rekor: POST /api/v1/log/entries 201" "POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_contains "the client counted one request" "$ERR" "requests=1"
check_eq "annotation keys in cosign's order" '["SignedEntryTimestamp","Payload"]' "$(jq -c keys_unsorted ann1.json)"
check_eq "payload keys in cosign's order" '["body","integratedTime","logIndex","logID"]' "$(jq -c '.Payload|keys_unsorted' ann1.json)"
check_eq "logID is the SHA-256 of rekor.pub's DER" \
  "$(openssl pkey -pubin -in "$REKOR_PUB" -outform DER | sha256sum | cut -d' ' -f1)" "$(jq -r .Payload.logID ann1.json)"
# RFC 8785 form of {body, integratedTime, logID, logIndex}: these values need no escaping, so
# jq's compact output in this key order is it.
jq -cj '.Payload | {body, integratedTime, logID, logIndex}' ann1.json > set-payload.json
jq -r .SignedEntryTimestamp ann1.json | base64 -d > set.der
check "openssl verifies the SET over the RFC 8785 bytes with the mock's rekor.pub" \
  openssl dgst -sha256 -verify "$REKOR_PUB" -signature set.der set-payload.json
check "the library verifies its own annotation offline (SET, body against the layer, time)" \
  "$CHECK_BIN" verify --rekor-pub "$REKOR_PUB" --annotation ann1.json --payload payload.json --signature sig.b64 --public-key test.pub
jq -r .Payload.body ann1.json | base64 -d > body.json
check_eq "the logged body is the hashedrekord of our payload, signature and key" \
  "$(sha256sum payload.json | cut -d' ' -f1) $(cat sig.b64) $(base64 -w0 test.pub)" \
  "$(jq -r '[.spec.data.hash.value, .spec.signature.content, .spec.signature.publicKey.content] | join(" ")' body.json)"

say "== the same entry again: 409, then the existing entry is fetched"
M=$(sigstore_mock_mark)
run_cmd up2 "$CHECK_BIN" upload --rekor-url "$URL" --rekor-pub "$REKOR_PUB" --payload payload.json --signature sig.b64 --public-key test.pub
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "second upload failed"; }
check_eq "two requests: POST 409, then GET of the entry Location names" \
  "POST /api/v1/log/entries 409|GET /api/v1/log/entries/$(jq -r .Payload.body ann1.json | base64 -d | { printf '\0'; cat; } | sha256sum | cut -d' ' -f1) 200" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | paste -sd'|')"
check_file_eq "the fetched entry gives the same annotation" ann1.json "$OUT"

say "== refused and unreachable Rekor"
printf 'MEUCIQDtampered0000000000000000000000000000000000AiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==' > bad-sig.b64
run_cmd refused "$CHECK_BIN" upload --rekor-url "$URL" --rekor-pub "$REKOR_PUB" --payload payload.json --signature bad-sig.b64 --public-key test.pub
[ "$RC" -ne 0 ] || die "a signature that does not verify was logged"
check_contains "Rekor refusing: the error names the Rekor URL and the status" "$ERR" "Rekor at $URL refused the entry: HTTP 400"
DEAD_PORT=$(pick_port)
run_cmd dead "$CHECK_BIN" upload --rekor-url "http://127.0.0.1:$DEAD_PORT" --rekor-pub "$REKOR_PUB" --payload payload.json --signature sig.b64 --public-key test.pub
[ "$RC" -ne 0 ] || die "upload to a closed port succeeded"
check_contains "Rekor unreachable: the error names the Rekor URL" "$ERR" "Rekor at http://127.0.0.1:$DEAD_PORT"

say "== cosign 2.5 signs with --rekor-url: its annotation, checked by the library and reproduced"
registry_start plain
DIGEST=$(push_image "$REG_DIR" demo:latest)
export COSIGN_PASSWORD=rekor-test-pw
"$COSIGN2" generate-key-pair >/dev/null 2>&1 || die "cosign2 generate-key-pair failed"
M=$(sigstore_mock_mark)
run_cmd c2sign env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" sign -y --key cosign.key --rekor-url "$URL" "$REG/demo@$DIGEST"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 sign --rekor-url failed"; }
pass "cosign2 sign --key cosign.key --rekor-url $URL"
check_eq "cosign 2.5 made one Rekor request: POST /api/v1/log/entries 201" "POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST")" > c2-sig.json || die "cosign2 wrote no .sig manifest"
jq -j '.layers[0].annotations["dev.sigstore.cosign/bundle"]' c2-sig.json > c2-annotation.json
jq -j '.layers[0].annotations["dev.cosignproject.cosign/signature"]' c2-sig.json > c2-sig.b64
get_blob "$REG_DIR" demo "$(jq -r '.layers[0].digest' c2-sig.json)" > c2-payload.json
[ -s c2-annotation.json ] || die "cosign2's layer has no dev.sigstore.cosign/bundle annotation"
pass "cosign2's layer carries dev.sigstore.cosign/bundle ($(wc -c < c2-annotation.json) bytes)"
check "the library verifies cosign 2.5's bundle annotation (SET with rekor.pub, body against the layer, time)" \
  "$CHECK_BIN" verify --rekor-pub "$REKOR_PUB" --annotation c2-annotation.json --payload c2-payload.json --signature c2-sig.b64 --public-key cosign.pub
run_cmd c2other "$CHECK_BIN" verify --rekor-pub "$REKOR_PUB" --annotation c2-annotation.json --payload payload.json --signature c2-sig.b64 --public-key cosign.pub
[ "$RC" -ne 0 ] || die "cosign's annotation was accepted for another payload"
check_contains "... and refuses it for another payload" "$ERR" "payload hash"
run_cmd c2key "$CHECK_BIN" verify --rekor-pub "$REKOR_PUB" --annotation c2-annotation.json --payload c2-payload.json --signature c2-sig.b64 --public-key test.pub
[ "$RC" -ne 0 ] || die "cosign's annotation was accepted with another key"
check_contains "... and with another key" "$ERR" "another public key"
run_cmd c2set "$CHECK_BIN" verify --rekor-pub test.pub --annotation c2-annotation.json --payload c2-payload.json --signature c2-sig.b64 --public-key cosign.pub
[ "$RC" -ne 0 ] || die "cosign's annotation was accepted with another Rekor key"
check_contains "... and with another Rekor key" "$ERR" "no trusted Rekor key has log ID"

M=$(sigstore_mock_mark)
run_cmd again "$CHECK_BIN" upload --rekor-url "$URL" --rekor-pub "$REKOR_PUB" --payload c2-payload.json --signature c2-sig.b64 --public-key cosign.pub
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "logging cosign's signature again failed"; }
check_eq "logging cosign's signature again: POST 409 + GET" "POST 409|GET 200" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $4}' | paste -sd'|')"
check_file_eq "the library's annotation equals cosign 2.5's byte for byte (same entry)" c2-annotation.json "$OUT"

run_cmd c2verify env SIGSTORE_REKOR_PUBLIC_KEY="$REKOR_PUB" "$COSIGN2" verify --key cosign.pub --rekor-url "$URL" "$REG/demo@$DIGEST"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 verify (with the tlog) rejected its own signature"; }
check_contains "cosign 2.5 itself verifies the bundle offline with the mock's key" "$ERR" "Existence of the claims in the transparency log was verified offline"

say "== verify without a bundle: the entry is looked up in Rekor"
M=$(sigstore_mock_mark)
run_cmd lookup "$CHECK_BIN" lookup --rekor-url "$URL" --rekor-pub "$REKOR_PUB" --payload c2-payload.json --signature c2-sig.b64 --public-key cosign.pub
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "online lookup failed"; }
check_eq "one request: POST /api/v1/log/entries/retrieve 200" "POST /api/v1/log/entries/retrieve 200" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_file_eq "the entry found is cosign's (same annotation)" c2-annotation.json "$OUT"
run_cmd nolookup "$CHECK_BIN" lookup --rekor-url "$URL" --rekor-pub "$REKOR_PUB" --payload payload.json --signature c2-sig.b64 --public-key cosign.pub
[ "$RC" -ne 0 ] || die "a signature never logged was found"
check_contains "a signature never logged is not found, naming the Rekor URL" "$ERR" "not found in the transparency log at $URL"

check_eq "no request to the mock failed with a 5xx" "" "$(awk '$4 ~ /^5/' "$SIGSTORE_MOCK_DIR/requests.log")"
finish
