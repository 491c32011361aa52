#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cosign's signing page, signatures made elsewhere (issue 4, items 6 and 8):
#   6 the openssl walkthrough, step by step, verified by cosign-cpp, cosign 2, cosign 3, skopeo;
#   8 attach signature with --signature as a file, a base64 string and - (stdin); --payload,
#     --certificate, --certificate-chain; no payload (cosign's implied payload); both directions;
#   bad input (missing file, invalid base64, signature of another payload, certificate of another
#   key, chain not leading from the certificate): clear error, exit 1, no write.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=s3cret-pw
registry_start plain
V=(--insecure-ignore-tlog)
nolayers() { get_manifest "$REG_DIR" "$1" "$(sig_tag "$2")" | jq '.layers | length'; }

say "== 6. the openssl walkthrough"
IMAGE_DIGEST=$(push_image "$REG_DIR" walk:v1)
IMAGE=$REG/walk:v1
check "openssl ecparam -genkey" sh -c 'openssl ecparam -genkey -name prime256v1 > key.pem'
check "openssl ec -pubout" sh -c 'openssl ec -in key.pem -pubout > openssl.pub'
check "cosign-cpp generate IMAGE > payload.json" sh -c "\"\$COSIGN_CPP\" generate $IMAGE > payload.json"
run_cmd gen2 "$COSIGN2" generate "$IMAGE"
check_file_eq "  payload.json equals cosign2 generate's output byte for byte" "$OUT" payload.json
check "openssl dgst -sha256 -sign key.pem -out payload.sig payload.json" openssl dgst -sha256 -sign key.pem -out payload.sig payload.json
check "cat payload.sig | base64 > payloadbase64.sig" sh -c 'cat payload.sig | base64 > payloadbase64.sig'
M=$(reg_mark "$REG_DIR")
run_cmd att "$COSIGN_CPP" attach signature --payload payload.json --signature payloadbase64.sig "$IMAGE"
check_eq "cosign-cpp attach signature --payload payload.json --signature payloadbase64.sig IMAGE: exit 0" 0 "$RC"
check_eq "  prints nothing, as cosign" "" "$(cat "$OUT" "$ERR")"
check_eq "  the .sig manifest was PUT once" 1 "$(reg_requests_since "$REG_DIR" "$M" PUT | grep -c "/manifests/$(sig_tag "$IMAGE_DIGEST")")"
get_manifest "$REG_DIR" walk "$(sig_tag "$IMAGE_DIGEST")" > walk-sig.json
jq -j '.layers[0].annotations["dev.cosignproject.cosign/signature"]' walk-sig.json > stored.sig
check_file_eq "  the annotation is the file, verbatim (base64's line breaks kept, as cosign stores it)" payloadbase64.sig stored.sig
run_cmd v1 "$COSIGN_CPP" verify --key openssl.pub "${V[@]}" "$IMAGE"
check_eq "cosign-cpp verify --key openssl.pub IMAGE succeeds" 0 "$RC"
run_cmd v2 "$COSIGN2" verify --key openssl.pub "${V[@]}" "$IMAGE"
check_eq "the real cosign (2) verify --key openssl.pub IMAGE succeeds" 0 "$RC"
check_file_eq "  cosign-cpp prints what cosign2 prints (stdout)" "$WORK/v2.out" "$WORK/v1.out"
check_file_eq "  and on stderr" "$WORK/v2.err" "$WORK/v1.err"
check "cosign3 verify --key openssl.pub IMAGE succeeds" "$COSIGN3" verify --key openssl.pub "${V[@]}" "$IMAGE"
check_skopeo_accepts "skopeo accepts it with openssl.pub" "$REG_DIR" "$IMAGE" openssl.pub
# The same walkthrough with the real cosign attaching: same manifest as cosign-cpp's.
D2=$(push_image "$REG_DIR" walk:v2)
"$COSIGN_CPP" generate "$REG/walk:v2" > payload2.json
openssl dgst -sha256 -sign key.pem payload2.json | base64 > payload2.b64
check "cosign2 attach signature (the walkthrough with the real cosign)" "$COSIGN2" attach signature --payload payload2.json --signature payload2.b64 "$REG/walk:v2"
check "cosign-cpp verify --key openssl.pub on cosign2's attachment" "$COSIGN_CPP" verify --key openssl.pub "${V[@]}" "$REG/walk:v2"
D3=$(push_image "$REG_DIR" walk:v3)
"$COSIGN_CPP" generate "$REG/walk:v3" > payload3.json
openssl dgst -sha256 -sign key.pem payload3.json | base64 > payload3.b64
run_cmd a2 "$COSIGN2" attach signature --payload payload3.json --signature payload3.b64 "$REG/walk@$D3"
get_manifest "$REG_DIR" walk "$(sig_tag "$D3")" > by-cosign2.json
D4=$(push_image "$REG_DIR" walk:v4)
"$COSIGN_CPP" generate "$REG/walk:v4" > payload4.json
check "cosign-cpp attach to walk:v4" "$COSIGN_CPP" attach signature --payload payload4.json --signature payload3.b64 "$REG/walk@$D4"
get_manifest "$REG_DIR" walk "$(sig_tag "$D4")" > by-cpp.json
check_eq "the .sig manifest has cosign2's exact layout (config, media types, annotation keys)" \
  "$(jq -c '{mediaType, config: .config.mediaType, layers: [.layers[] | {mediaType, a: (.annotations | keys)}]}' by-cosign2.json)" \
  "$(jq -c '{mediaType, config: .config.mediaType, layers: [.layers[] | {mediaType, a: (.annotations | keys)}]}' by-cpp.json)"

say "== 8. attach signature: --signature as a file, a base64 string, and -"
D=$(push_image "$REG_DIR" att:v1)
"$COSIGN2" generate "$REG/att@$D" > p.json
openssl dgst -sha256 -sign key.pem p.json | base64 -w0 > p1.b64
openssl dgst -sha256 -sign key.pem p.json | base64 -w0 > p2.b64
openssl dgst -sha256 -sign key.pem p.json | base64 -w0 > p3.b64
check "--signature FILE" "$COSIGN_CPP" attach signature --payload p.json --signature p1.b64 "$REG/att@$D"
check "--signature <base64 string> (as cosign's documentation shows)" "$COSIGN_CPP" attach signature --payload p.json --signature "$(cat p2.b64)" "$REG/att:v1"
run_cmd stdin sh -c "\"\$COSIGN_CPP\" attach signature --payload p.json --signature - $REG/att:v1 < p3.b64"
check_eq "--signature - (standard input)" 0 "$RC"
check_eq "three signatures appended, no de-duplication (cosign's attach)" 3 "$(nolayers att "$D")"
get_manifest "$REG_DIR" att "$(sig_tag "$D")" > att.json
check_eq "  in order: file, string, stdin" "$(cat p1.b64) $(cat p2.b64) $(cat p3.b64)" \
  "$(jq -r '[.layers[].annotations["dev.cosignproject.cosign/signature"]] | join(" ")' att.json)"
check "cosign-cpp attach the first signature again: appended again" "$COSIGN_CPP" attach signature --payload p.json --signature p1.b64 "$REG/att@$D"
check_eq "  four layers" 4 "$(nolayers att "$D")"
run_cmd v "$COSIGN_CPP" verify --key openssl.pub "${V[@]}" "$REG/att:v1"
check_eq "cosign-cpp verify: every attached signature verifies (4 payloads printed)" "0 4" "$RC $(jq length "$OUT")"
run_cmd v2 "$COSIGN2" verify --key openssl.pub "${V[@]}" "$REG/att:v1"
check_file_eq "  same output as cosign2" "$WORK/v2.out" "$WORK/v.out"
run_cmd c2str "$COSIGN2" attach signature --payload p.json --signature "$(cat p2.b64)" "$REG/att:v1"
check_eq "(cosign 2.5 reads a base64 --signature as a file name and fails: cosign-cpp follows the docs)" 1 "$RC"

say "== 8b. no --payload: cosign's implied payload"
D=$(push_image "$REG_DIR" att:v2)
"$COSIGN2" generate "$REG/att@$D" > implied.json
openssl dgst -sha256 -sign key.pem implied.json | base64 -w0 > implied.b64
run_cmd nopay "$COSIGN_CPP" attach signature --signature implied.b64 "$REG/att:v2"
check_eq "attach without --payload: exit 0" 0 "$RC"
check_contains "  warns as cosign" "$ERR" "WARNING: using obsolete implied signature payload data (with digested reference $REG/att@$D); specify it explicitly with --payload instead"
get_blob "$REG_DIR" att "$(get_manifest "$REG_DIR" att "$(sig_tag "$D")" | jq -r '.layers[0].digest')" > stored-implied.json
check_file_eq "  the implied payload is cosign generate's" implied.json stored-implied.json
check "cosign2 verifies it" "$COSIGN2" verify --key openssl.pub "${V[@]}" "$REG/att:v2"

say "== 8c. --certificate and --certificate-chain"
make_code_signing_chain pki openssl.pub
openssl ec -in pki/root.key -pubout -out other.pub 2>/dev/null
make_code_signing_chain pki2 other.pub
D=$(push_image "$REG_DIR" att:v3)
"$COSIGN2" generate "$REG/att@$D" > pc.json
openssl dgst -sha256 -sign key.pem pc.json | base64 -w0 > pc.b64
check "cosign-cpp attach --certificate leaf.crt --certificate-chain chain.crt" \
  "$COSIGN_CPP" attach signature --payload pc.json --signature pc.b64 --certificate pki/leaf.crt --certificate-chain pki/chain.crt "$REG/att@$D"
D5=$(push_image "$REG_DIR" att:v5)
"$COSIGN2" generate "$REG/att@$D5" > pc5.json
openssl dgst -sha256 -sign key.pem pc5.json | base64 -w0 > pc5.b64
check "cosign2 attach --certificate leaf.crt --certificate-chain chain.crt" \
  "$COSIGN2" attach signature --payload pc5.json --signature pc5.b64 --certificate pki/leaf.crt --certificate-chain pki/chain.crt "$REG/att@$D5"
check_eq "the certificate and chain annotations equal cosign2's (raw file bytes)" \
  "$(get_manifest "$REG_DIR" att "$(sig_tag "$D5")" | jq -c '.layers[0].annotations | del(.["dev.cosignproject.cosign/signature"])')" \
  "$(get_manifest "$REG_DIR" att "$(sig_tag "$D")" | jq -c '.layers[0].annotations | del(.["dev.cosignproject.cosign/signature"])')"
CV=(--insecure-ignore-tlog --insecure-ignore-sct --certificate-identity dev@example.com --certificate-oidc-issuer-regexp '.*')
for img in att:v3 att:v5; do
  run_cmd c2 "$COSIGN2" verify --certificate pki/leaf.crt --certificate-chain pki/chain.crt "${CV[@]}" "$REG/$img"
  C2RC=$RC
  run_cmd cc "$COSIGN_CPP" verify --certificate pki/leaf.crt --certificate-chain pki/chain.crt "${CV[@]}" "$REG/$img"
  check_eq "verify --certificate --certificate-chain $img: both tools exit 0" "0 0" "$C2RC $RC"
  check_file_eq "  same stdout" "$WORK/c2.out" "$WORK/cc.out"
  run_cmd ck "$COSIGN2" verify --key openssl.pub "${V[@]}" "$REG/$img"
  check_eq "cosign2 verify --key openssl.pub $img" 0 "$RC"
done

say "== 8d. bad input: clear error, exit 1, no write"
D=$(push_image "$REG_DIR" att:bad)
"$COSIGN2" generate "$REG/att@$D" > pb.json
openssl dgst -sha256 -sign key.pem pb.json | base64 -w0 > pb.b64
openssl dgst -sha256 -sign key.pem p.json | base64 -w0 > wrongpayload.b64
printf 'not base64!!' > junk.b64
: > empty.b64
echo garbage > junk.crt
bad_attach() { # DESC EXPECTED_MESSAGE ARGS...
  local desc=$1 msg=$2 m; shift 2
  m=$(reg_mark "$REG_DIR")
  run_cmd bad "$COSIGN_CPP" attach signature "$@"
  check_eq "$desc: exit 1" 1 "$RC"
  check_contains "  message: $msg" "$ERR" "$msg"
  check_eq "  no write to the registry" 0 "$(reg_writes_since "$REG_DIR" "$m")"
}
bad_attach "missing signature file" "is neither a readable file nor a base64 signature" --payload pb.json --signature nonexistent.sig "$REG/att@$D"
bad_attach "invalid base64 in the file" "--signature is not valid base64" --payload pb.json --signature junk.b64 "$REG/att@$D"
bad_attach "empty signature" "empty signature" --payload pb.json --signature empty.b64 "$REG/att@$D"
bad_attach "no --signature" "--signature is required" --payload pb.json "$REG/att@$D"
bad_attach "missing payload file" "cannot open nonexistent.json" --payload nonexistent.json --signature pb.b64 "$REG/att@$D"
bad_attach "missing certificate file" "cannot open nonexistent.crt" --payload pb.json --signature pb.b64 --certificate nonexistent.crt "$REG/att@$D"
bad_attach "garbage certificate" "x509: malformed certificate" --payload pb.json --signature pb.b64 --certificate junk.crt "$REG/att@$D"
bad_attach "certificate of another key" "does not verify over the payload with the certificate's public key" \
  --payload pb.json --signature pb.b64 --certificate pki2/leaf.crt "$REG/att@$D"
bad_attach "signature not matching the payload (certificate given)" "does not verify over the payload" \
  --payload pb.json --signature wrongpayload.b64 --certificate pki/leaf.crt "$REG/att@$D"
bad_attach "chain not leading from the certificate" "unable to validate certificate chain: cert verification failed" \
  --payload pb.json --signature pb.b64 --certificate pki/leaf.crt --certificate-chain pki2/chain.crt "$REG/att@$D"
bad_attach "chain without certificate" "no leaf certificate found or provided while specifying chain" \
  --payload pb.json --signature pb.b64 --certificate-chain pki/chain.crt "$REG/att@$D"
bad_attach "no image" "accepts 1 arg(s), received 0" --payload pb.json --signature pb.b64
run_cmd missingtag "$COSIGN_CPP" attach signature --payload pb.json --signature pb.b64 "$REG/att:missing"
check_eq "image tag that does not exist: exit 1" 1 "$RC"
check_eq "att:bad has no signature" "" "$(reg_env "$REG_DIR" "$CRANE" ls "$REG/att" | grep -F "$(sig_tag "$D")" || true)"
# Without a certificate there is no key to check a signature against: it is stored, and verify
# says it does not match (exit 12), as with cosign.
check "a signature of another payload without a certificate is attached (no key to check it)" \
  "$COSIGN_CPP" attach signature --payload pb.json --signature wrongpayload.b64 "$REG/att@$D"
run_cmd vbad "$COSIGN_CPP" verify --key openssl.pub "${V[@]}" "$REG/att:bad"
check_eq "  and verify rejects it with exit 12" 12 "$RC"
run_cmd vbad2 "$COSIGN2" verify --key openssl.pub "${V[@]}" "$REG/att:bad"
check_eq "  as cosign2 does" 12 "$RC"

finish
