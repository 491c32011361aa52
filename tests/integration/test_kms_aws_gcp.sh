#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# awskms:// and gcpkms:// keys (issue 14, parts 3 and 4) against tests/peers/fake-kms-server.js,
# which checks SigV4 and the service account's JWT for real, over HTTPS with a CA given by
# AWS_CA_BUNDLE / SSL_CERT_FILE: cosign-cpp exports each public key, signs an image and a blob
# through each provider (one public-key read and one Sign call per signature); cosign 2 and 3
# verify with the exported keys; wrong credentials, an unknown key, a refusing server, an
# untrusted certificate: a clear error naming the provider and the key, exit non-zero, nothing
# written to the registry, no secret (secret key, service-account key, token) in any output.
# generate-key-pair --kms creates an alias's key (AWS) or a key ring and key (Cloud KMS) as cosign
# does, the fake counting the calls and the real cosign 2 doing the same against it; the keys sign
# and cosign 2 and 3 verify with the cosign.pub written.
. "$(dirname "$0")/lib.sh"
setup_interop
need_cmd jq openssl node

kms_fake_start
AWS_SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
KEY_ID=1234abcd-12ab-34cd-56ef-1234567890ab
KMS_HOST=${KMS_HTTPS_URL#https://}
AWS_REF="awskms://$KMS_HOST/$KEY_ID"
AWS_ALIAS_REF="awskms://$KMS_HOST/alias/cosign-test"
AWS_ARN_REF="awskms://$KMS_HOST/arn:aws:kms:us-east-1:111122223333:key/$KEY_ID"
GCP_KEY=projects/test-project/locations/global/keyRings/test-ring/cryptoKeys/cosign-key
GCP_REF="gcpkms://$GCP_KEY/cryptoKeyVersions/1"
GCP_NOVER_REF="gcpkms://$GCP_KEY"
SA=$KMS_DIR/gcp-service-account.json
SA_KEY_LINE=$(jq -r .private_key "$SA" | sed -n 2p)   # a line of the service account's private key
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=$AWS_SECRET AWS_REGION=us-east-1 AWS_CA_BUNDLE=$KMS_CA
export GOOGLE_APPLICATION_CREDENTIALS=$SA CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS=$KMS_HTTPS_URL/ SSL_CERT_FILE=$KMS_CA

# no_secret FILE...: no AWS secret key, no line of the service account's key, no issued token.
no_secret() {
  local f
  for f in "$@"; do
    if grep -qF -e "$AWS_SECRET" -e "$SA_KEY_LINE" -e "ya29.fake-" -e "wrong-secret-key" "$f"; then
      show "$(basename "$f")" "$f"; die "a secret shows in $f"
    fi
  done
  pass "no secret in $(for f in "$@"; do printf '%s ' "$(basename "$f")"; done)"
}

say "== public-key --key awskms://... and gcpkms://...: the keys the fake holds"
for form in AWS_REF AWS_ALIAS_REF AWS_ARN_REF; do
  run_cmd pk_$form "$COSIGN_CPP" public-key --key "${!form}"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "public-key --key ${!form} failed"; }
  check_file_eq "public-key --key ${!form} is the fake's AWS key" "$KMS_DIR/aws.pub.pem" "$OUT"
  no_secret "$OUT" "$ERR"
done
cp "$WORK/pk_AWS_REF.out" aws.pub
m=$(kms_mark)
run_cmd pk_gcp "$COSIGN_CPP" public-key --key "$GCP_REF" --outfile gcp.pub
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "public-key --key $GCP_REF failed"; }
check_file_eq "public-key --key $GCP_REF is the fake's Cloud KMS key" "$KMS_DIR/gcp.pub.pem" gcp.pub
check_eq "... through a JWT-bearer token and one publicKey read" \
  "POST /token|GET /v1/$GCP_KEY/cryptoKeyVersions/1/publicKey" \
  "$(kms_requests_since "$m" | awk '{print $2, $3}' | paste -sd'|')"
no_secret "$OUT" "$ERR"
run_cmd pk_gcp_nover "$COSIGN_CPP" public-key --key "$GCP_NOVER_REF"
check_eq "public-key of the key without a version (the newest enabled one) exits 0" 0 "$RC"
check_file_eq "... and is the same key" "$KMS_DIR/gcp.pub.pem" "$OUT"
run_cmd pk_gcp_md env -u GOOGLE_APPLICATION_CREDENTIALS GCE_METADATA_HOST="${KMS_HTTP_URL#http://}" \
  "$COSIGN_CPP" public-key --key "$GCP_REF"
check_eq "public-key with a token from the metadata server (GCE_METADATA_HOST) exits 0" 0 "$RC"
check_file_eq "... and is the same key" "$KMS_DIR/gcp.pub.pem" "$OUT"

registry_start plain
DIGEST=$(push_image "$REG_DIR" demo:latest)
note "demo:latest = $DIGEST"

say "== sign an image through each provider; cosign 2 and 3 verify with the exported keys"
m=$(kms_mark)
run_cmd sign_aws "$COSIGN_CPP" sign --key "$AWS_REF" --tlog-upload=false -y "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign --key $AWS_REF failed"; }
pass "cosign-cpp sign --key awskms://127.0.0.1:PORT/<key id> exits 0"
check_eq "... with one GetPublicKey and one Sign call, SigV4-signed (the fake checks it)" \
  "TrentService.GetPublicKey TrentService.Sign" "$(kms_requests_since "$m" | awk '{print $4}' | paste -sd' ')"
no_secret "$OUT" "$ERR"
m=$(kms_mark)
run_cmd sign_gcp "$COSIGN_CPP" sign --key "$GCP_REF" --tlog-upload=false -y "$REG/demo@$DIGEST"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign --key $GCP_REF failed"; }
pass "cosign-cpp sign --key gcpkms://.../cryptoKeyVersions/1 exits 0"
check_eq "... with a token, one publicKey read and one asymmetricSign" \
  "POST /token|GET /v1/$GCP_KEY/cryptoKeyVersions/1/publicKey|POST /v1/$GCP_KEY/cryptoKeyVersions/1:asymmetricSign" \
  "$(kms_requests_since "$m" | awk '{print $2, $3}' | paste -sd'|')"
no_secret "$OUT" "$ERR"
run_cmd sign_alias "$COSIGN_CPP" sign --key "$AWS_ALIAS_REF" --tlog-upload=false -y -a via=alias "$REG/demo@$DIGEST"
check_eq "cosign-cpp sign --key awskms://.../alias/cosign-test exits 0" 0 "$RC"
for c in 2 3; do
  tool=COSIGN$c
  for k in aws gcp; do
    run_cmd v$c$k "${!tool}" verify --key $k.pub --insecure-ignore-tlog "$REG/demo:latest"
    [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign$c verify --key $k.pub rejected the $k KMS signature (exit $RC)"; }
  done
  pass "cosign$c verify accepts the awskms and gcpkms signatures, each with the key cosign-cpp exported"
done
m=$(kms_mark)
run_cmd vkms "$COSIGN_CPP" verify --key "$AWS_ALIAS_REF" --insecure-ignore-tlog -a via=alias "$REG/demo:latest"
check_eq "cosign-cpp verify --key awskms://.../alias/cosign-test (the key read from KMS, as cosign) exits 0" 0 "$RC"
check_eq "... with one GetPublicKey and no Sign" "TrentService.GetPublicKey" "$(kms_requests_since "$m" | awk '{print $4}' | paste -sd' ')"
run_cmd vkms_gcp "$COSIGN_CPP" verify --key "$GCP_NOVER_REF" --insecure-ignore-tlog "$REG/demo:latest"
check_eq "cosign-cpp verify --key gcpkms://... (no version: the newest enabled one) exits 0" 0 "$RC"
run_cmd vkms_wrong "$COSIGN_CPP" verify --key "$GCP_REF" --insecure-ignore-tlog -a via=alias "$REG/demo:latest"
check_eq "... and the gcpkms key does not verify the alias-annotated AWS signature (exit 12)" 12 "$RC"
check_eq "the .sig image holds three signatures" 3 \
  "$(get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST")" | jq '.layers | length')"

say "== sign-blob through each provider; cosign 2 and 3 verify-blob"
head -c 300000 /dev/urandom > fw.bin
for k in aws gcp; do
  ref=$([ $k = aws ] && echo "$AWS_REF" || echo "$GCP_REF")
  run_cmd sb_$k "$COSIGN_CPP" sign-blob --tlog-upload=false --key "$ref" fw.bin
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign-blob --key $ref failed"; }
  cp "$OUT" fw-$k.sig
  no_secret "$OUT" "$ERR"
  base64 -d fw-$k.sig > fw-$k.sig.der
  check "openssl verifies the $k blob signature with $k.pub" openssl dgst -sha256 -verify $k.pub -signature fw-$k.sig.der fw.bin
  check "cosign2 verify-blob accepts the $k blob signature" "$COSIGN2" verify-blob --key $k.pub --signature fw-$k.sig --insecure-ignore-tlog fw.bin
  check "cosign3 verify-blob accepts it" "$COSIGN3" verify-blob --key $k.pub --signature fw-$k.sig --insecure-ignore-tlog fw.bin
  check "cosign-cpp verify-blob --key $ref accepts it" "$COSIGN_CPP" verify-blob --key "$ref" --signature fw-$k.sig --insecure-ignore-tlog fw.bin
done

say "== the shared credentials file and profile, as the AWS SDK reads them"
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = nope\n[ci]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = %s\n' \
  "$AWS_SECRET" > "$HOME/.aws/credentials"
printf '[profile ci]\nregion = us-east-1\n' > "$HOME/.aws/config"
run_cmd pk_profile env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_REGION AWS_PROFILE=ci \
  "$COSIGN_CPP" public-key --key "$AWS_REF"
check_eq "public-key with credentials and region from profile ci of ~/.aws/credentials and ~/.aws/config" 0 "$RC"
check_file_eq "... gives the key" "$KMS_DIR/aws.pub.pem" "$OUT"
no_secret "$OUT" "$ERR"
rm -rf "$HOME/.aws"
run_cmd pk_endpoint_env env -u AWS_REGION AWS_ENDPOINT_URL_KMS="$KMS_HTTP_URL" \
  "$COSIGN_CPP" public-key --key "awskms:///arn:aws:kms:us-east-1:111122223333:key/$KEY_ID"
check_eq "public-key with the endpoint from AWS_ENDPOINT_URL_KMS (plain HTTP on loopback) and the region from the ARN" 0 "$RC"
check_file_eq "... gives the key" "$KMS_DIR/aws.pub.pem" "$OUT"
m=$(kms_mark)
run_cmd pk_session env AWS_SESSION_TOKEN=session-token-value "$COSIGN_CPP" public-key --key "$AWS_REF"
check_eq "public-key with session credentials (AWS_SESSION_TOKEN, sent signed) exits 0" 0 "$RC"
check_not_contains "... and the token is not printed" "$ERR" "session-token-value"

say "== refused: clear errors naming the provider and the key, nothing written, no secret"
BEFORE=$(reg_snapshot "$REG_DIR")
printf '{"type":"service_account","client_email":"signer@test-project.iam.gserviceaccount.com","private_key":%s,"token_uri":"%s/token"}\n' \
  "$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | jq -Rs .)" "$KMS_HTTPS_URL" > other-sa.json
DEAD_PORT=$(pick_port)
# refused NAME WANT KEY SHOWN [ENV...]: sign with KEY must fail with WANT, naming the key as SHOWN.
refused() {
  local name=$1 want=$2 key=$3 shown=$4; shift 4
  local m
  m=$(reg_mark "$REG_DIR")
  run_cmd "$name" env "$@" "$COSIGN_CPP" sign --key "$key" --tlog-upload=false -y "$REG/demo:latest"
  [ "$RC" -ne 0 ] || die "$name: sign succeeded"
  check_contains "$name: exit $RC, the error names the key ($shown)" "$ERR" "$shown"
  check_contains "$name: ... and says what is wrong ($want)" "$ERR" "$want"
  no_secret "$OUT" "$ERR"
  check_eq "$name: no request reached the registry" 0 "$(reg_count_since "$REG_DIR" "$m")"
}
refused aws_wrong_secret "GetPublicKey: InvalidSignatureException (HTTP 403)" "$AWS_REF" "awskms key \"$AWS_REF\"" \
  AWS_SECRET_ACCESS_KEY=wrong-secret-key
refused aws_unknown_akid "UnrecognizedClientException" "$AWS_REF" "awskms key \"$AWS_REF\"" AWS_ACCESS_KEY_ID=AKIDOTHER
refused aws_unknown_key "NotFoundException (HTTP 400): Key 'alias/no-such-key' does not exist" \
  "awskms://$KMS_HOST/alias/no-such-key" "awskms key \"awskms://$KMS_HOST/alias/no-such-key\""
refused aws_no_credentials "no AWS credentials" "$AWS_REF" "awskms key \"$AWS_REF\"" \
  -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY
refused aws_refusing_server "GetPublicKey" "awskms://127.0.0.1:$DEAD_PORT/$KEY_ID" \
  "awskms key \"awskms://127.0.0.1:$DEAD_PORT/$KEY_ID\""
refused aws_untrusted_cert "GetPublicKey" "$AWS_REF" "awskms key \"$AWS_REF\"" -u AWS_CA_BUNDLE -u SSL_CERT_FILE
refused aws_insecure_switch "AWS_TLS_INSECURE_SKIP_VERIFY is not honoured" "$AWS_REF" "awskms key \"$AWS_REF\"" \
  AWS_TLS_INSECURE_SKIP_VERIFY=1
refused aws_bad_ref "kms specification should be in the format awskms://[ENDPOINT]/[ID/ALIAS/ARN]" \
  "awskms://$KMS_HOST/not-a-key" "invalid awskms key \"awskms://$KMS_HOST/not-a-key\""
refused gcp_wrong_sa_key "invalid_grant: Invalid JWT Signature" "$GCP_REF" "gcpkms key \"$GCP_REF\"" \
  GOOGLE_APPLICATION_CREDENTIALS="$WORK/other-sa.json"
refused gcp_unknown_key "getPublicKey: HTTP 404: NOT_FOUND" "gcpkms://${GCP_KEY}x/cryptoKeyVersions/1" \
  "gcpkms key \"gcpkms://${GCP_KEY}x/cryptoKeyVersions/1\""
refused gcp_no_credentials "no Google credentials" "$GCP_REF" "gcpkms key \"$GCP_REF\"" -u GOOGLE_APPLICATION_CREDENTIALS
refused gcp_refusing_server "getPublicKey" "$GCP_REF" "gcpkms key \"$GCP_REF\"" \
  CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS=https://127.0.0.1:$DEAD_PORT/
refused gcp_untrusted_cert "getting an access token" "$GCP_REF" "gcpkms key \"$GCP_REF\"" -u SSL_CERT_FILE
refused gcp_bad_ref "should be in the format gcpkms://projects/" "gcpkms://projects/p/keyRings/r" \
  "invalid gcpkms key \"gcpkms://projects/p/keyRings/r\""
check_eq "the registry is unchanged after every refused sign" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
run_cmd sb_bad env AWS_SECRET_ACCESS_KEY=wrong-secret-key "$COSIGN_CPP" sign-blob --tlog-upload=false --key "$AWS_REF" fw.bin
check_eq "sign-blob with a wrong secret exits 1" 1 "$RC"
check_contains "... naming the key" "$ERR" "awskms key \"$AWS_REF\""
check_eq "... and prints no signature" "" "$(cat "$OUT")"
no_secret "$OUT" "$ERR"

say "== generate-key-pair --kms awskms://.../alias/NAME: created as cosign creates it (the real cosign 2 alongside)"
CREATED=$KMS_DIR/created
# kms_ops MARK: the AWS targets asked since MARK, space-separated
kms_ops() { kms_requests_since "$1" | awk '{print $4}' | paste -sd' '; }
# created_body OP N: the body of the Nth recorded create request OP, keys sorted
created_body() { jq -cS --arg op "$1" 'select(.op == $op) | .body' "$CREATED/requests.jsonl" | sed -n "${2}p"; }
NEW_AWS_REF="awskms://$KMS_HOST/alias/cosign-cpp/release"
mkdir -p gen-aws gen-aws-c2 gen-gcp gen-gcp2 gen-refused
cd "$WORK/gen-aws"
m=$(kms_mark)
run_cmd gk_aws "$COSIGN_CPP" generate-key-pair --kms "$NEW_AWS_REF"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "generate-key-pair --kms $NEW_AWS_REF failed (exit $RC)"; }
pass "cosign-cpp generate-key-pair --kms awskms://127.0.0.1:PORT/alias/cosign-cpp/release exits 0"
check_eq "... with cosign's calls: GetPublicKey (not found), CreateKey, CreateAlias, GetPublicKey" \
  "TrentService.GetPublicKey TrentService.CreateKey TrentService.CreateAlias TrentService.GetPublicKey" "$(kms_ops "$m")"
check_eq "... creating one key" 1 "$(ls "$CREATED"/aws-*.pub.pem | wc -l)"
NEW_AWS_PUB=$(ls "$CREATED"/aws-*.pub.pem)
NEW_AWS_ID=$(basename "$NEW_AWS_PUB" .pub.pem); NEW_AWS_ID=${NEW_AWS_ID#aws-}
check_file_eq "cosign.pub is the new key's public key, as the fake holds it" "$NEW_AWS_PUB" cosign.pub
check_eq "... written 0600, as cosign writes it" 600 "$(stat -c %a cosign.pub)"
check_eq "... and nothing else is written" "cosign.pub" "$(ls)"
check_eq "stderr is cosign's line" "Public key written to cosign.pub" "$(cat "$ERR")"
check_eq "CreateKey asks for ECC_NIST_P256 SIGN_VERIFY, described as sigstore describes it" \
  '{"CustomerMasterKeySpec":"ECC_NIST_P256","Description":"Created by Sigstore","KeyUsage":"SIGN_VERIFY"}' \
  "$(created_body CreateKey 1)"
check_eq "CreateAlias names the new key" "{\"AliasName\":\"alias/cosign-cpp/release\",\"TargetKeyId\":\"$NEW_AWS_ID\"}" \
  "$(created_body CreateAlias 1)"
no_secret "$OUT" "$ERR"
cp cosign.pub first.pub
m=$(kms_mark)
run_cmd gk_aws_again "$COSIGN_CPP" generate-key-pair --kms "$NEW_AWS_REF"
check_eq "a second run on the existing alias exits 0" 0 "$RC"
check_eq "... reads the key and creates nothing (GetPublicKey only)" "TrentService.GetPublicKey" "$(kms_ops "$m")"
check_file_eq "... and writes the same cosign.pub" first.pub cosign.pub
check_eq "... no second key in the fake" 1 "$(ls "$CREATED"/aws-*.pub.pem | wc -l)"
run_cmd gk_aws_prefix "$COSIGN_CPP" generate-key-pair --kms "$NEW_AWS_REF" --output-key-prefix release
check_eq "--output-key-prefix release writes release.pub, as cosign" 0 "$RC"
check_file_eq "... the same key" first.pub release.pub

cd "$WORK/gen-aws-c2"
m=$(kms_mark)
run_cmd gk_aws_c2 "$COSIGN2" generate-key-pair --kms "awskms://$KMS_HOST/alias/cosign2/release"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 generate-key-pair --kms against the fake failed (exit $RC)"; }
check_eq "the real cosign 2 makes the same calls (plus DescribeKey, which cosign-cpp does not need)" \
  "TrentService.GetPublicKey TrentService.CreateKey TrentService.CreateAlias TrentService.GetPublicKey TrentService.DescribeKey" \
  "$(kms_ops "$m")"
check_eq "... its CreateKey body is the one cosign-cpp sent" "$(created_body CreateKey 1)" "$(created_body CreateKey 2)"
C2_ID=$(jq -r 'select(.op == "CreateAlias") | .body.TargetKeyId' "$CREATED/requests.jsonl" | sed -n 2p)
check_file_eq "... its cosign.pub is its new key" "$CREATED/aws-$C2_ID.pub.pem" cosign.pub
check_eq "... written 0600 too" 600 "$(stat -c %a cosign.pub)"
check_eq "... and it prints what cosign-cpp printed" "$(cat "$WORK/gk_aws.err")" "$(cat "$ERR")"
mv cosign.pub c2.pub
m=$(kms_mark)
run_cmd gk_aws_c2_key "$COSIGN_CPP" generate-key-pair --kms "awskms://$KMS_HOST/alias/cosign2/release"
check_eq "cosign-cpp generate-key-pair on cosign 2's alias creates nothing" "0 TrentService.GetPublicKey" "$RC $(kms_ops "$m")"
check_file_eq "... and writes the same public key cosign 2 wrote" c2.pub cosign.pub
run_cmd gk_aws_c2_again "$COSIGN2" generate-key-pair --kms "$NEW_AWS_REF"
check_eq "cosign 2 on cosign-cpp's alias exits 0" 0 "$RC"
check_file_eq "... and writes the public key cosign-cpp wrote" "$WORK/gen-aws/first.pub" cosign.pub

say "== generate-key-pair --kms gcpkms://...: key ring and key created as cosign creates them"
NEW_RING=projects/test-project/locations/global/keyRings/cosign-cpp-ring
NEW_GCP_KEY=$NEW_RING/cryptoKeys/release
cd "$WORK/gen-gcp"
m=$(kms_mark)
run_cmd gk_gcp "$COSIGN_CPP" generate-key-pair --kms "gcpkms://$NEW_GCP_KEY"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "generate-key-pair --kms gcpkms://$NEW_GCP_KEY failed (exit $RC)"; }
pass "cosign-cpp generate-key-pair --kms gcpkms://$NEW_GCP_KEY exits 0"
check_eq "... with cosign's calls: keyRings.get, keyRings.create, cryptoKeys.get, cryptoKeys.create, then (once version 1 is no longer PENDING_GENERATION) the key read" \
  "POST /token|GET /v1/$NEW_RING|POST /v1/projects/test-project/locations/global/keyRings?keyRingId=cosign-cpp-ring|GET /v1/$NEW_GCP_KEY|POST /v1/$NEW_RING/cryptoKeys?cryptoKeyId=release|GET /v1/$NEW_GCP_KEY/cryptoKeyVersions/1|GET /v1/$NEW_GCP_KEY/cryptoKeyVersions/1|GET /v1/$NEW_GCP_KEY/cryptoKeyVersions?filter=state%3DENABLED&orderBy=name%20desc|GET /v1/$NEW_GCP_KEY/cryptoKeyVersions/1/publicKey" \
  "$(kms_requests_since "$m" | awk '{print $2, $3}' | paste -sd'|')"
check_eq "cryptoKeys.create asks for an ASYMMETRIC_SIGN EC_SIGN_P256_SHA256 key" \
  '{"purpose":"ASYMMETRIC_SIGN","versionTemplate":{"algorithm":"EC_SIGN_P256_SHA256"}}' \
  "$(created_body "POST /v1/$NEW_RING/cryptoKeys?cryptoKeyId=release" 1)"
NEW_GCP_PUB=$CREATED/gcp-${NEW_GCP_KEY//\//_}.pub.pem
check_file_eq "cosign.pub is the new key's public key, as the fake holds it" "$NEW_GCP_PUB" cosign.pub
check_eq "... written 0600" 600 "$(stat -c %a cosign.pub)"
check_contains "stderr logs the key ring as cosign does" "$ERR" " Created key ring $NEW_RING in GCP KMS."
check_contains "... then cosign's line" "$ERR" "Public key written to cosign.pub"
no_secret "$OUT" "$ERR"
cp cosign.pub first.pub
m=$(kms_mark)
run_cmd gk_gcp_again "$COSIGN_CPP" generate-key-pair --kms "gcpkms://$NEW_GCP_KEY/cryptoKeyVersions/1"
check_eq "a second run (the version named) exits 0" 0 "$RC"
check_eq "... and creates nothing: keyRings.get, cryptoKeys.get, the public key" \
  "POST /token|GET /v1/$NEW_RING|GET /v1/$NEW_GCP_KEY|GET /v1/$NEW_GCP_KEY/cryptoKeyVersions/1/publicKey" \
  "$(kms_requests_since "$m" | awk '{print $2, $3}' | paste -sd'|')"
check_contains "... logging that the key ring exists, as cosign does" "$ERR" \
  " Key ring $NEW_RING already exists in GCP KMS, moving on to creating key."
check_file_eq "... and writes the same cosign.pub" first.pub cosign.pub
cd "$WORK/gen-gcp2"
m=$(kms_mark)
run_cmd gk_gcp_ring "$COSIGN_CPP" generate-key-pair --kms "gcpkms://$GCP_KEY-2"
check_eq "a new key in the existing key ring test-ring exits 0" 0 "$RC"
check_eq "... creating only the key (keyRings.get, cryptoKeys.get, cryptoKeys.create, version 1 twice, list, publicKey)" \
  "GET GET POST GET GET GET GET" \
  "$(kms_requests_since "$m" | awk '$3 != "/token" {print $2}' | paste -sd' ')"
check_file_eq "... cosign.pub is that key" "$CREATED/gcp-${GCP_KEY//\//_}-2.pub.pem" cosign.pub
run_cmd gk_gcp_old "$COSIGN_CPP" generate-key-pair --kms "$GCP_NOVER_REF" --output-key-prefix old
check_eq "the fake's existing key: exit 0, nothing created" "0 2" "$RC $(grep -c cryptoKeyId "$CREATED/requests.jsonl")"
check_file_eq "... old.pub is its key" "$KMS_DIR/gcp.pub.pem" old.pub

say "== sign with the created keys; cosign-cpp, cosign 2 and cosign 3 verify with the cosign.pub written"
cd "$WORK"
GEN_DIGEST=$(push_image "$REG_DIR" gen:latest)
for k in aws gcp; do
  ref=$([ $k = aws ] && echo "$NEW_AWS_REF" || echo "gcpkms://$NEW_GCP_KEY")
  run_cmd gsign_$k "$COSIGN_CPP" sign --key "$ref" --tlog-upload=false -y -a made-by=$k "$REG/gen@$GEN_DIGEST"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign --key $ref (the created key) failed"; }
  pass "cosign-cpp sign --key <the created $k key> exits 0"
  check "cosign-cpp verify --key cosign.pub (from generate-key-pair) accepts it" \
    "$COSIGN_CPP" verify --key gen-$k/cosign.pub --insecure-ignore-tlog -a made-by=$k "$REG/gen:latest"
  check "cosign 2 verify --key cosign.pub --insecure-ignore-tlog accepts it" \
    "$COSIGN2" verify --key gen-$k/cosign.pub --insecure-ignore-tlog -a made-by=$k "$REG/gen:latest"
  check "cosign 3 verify accepts it" \
    "$COSIGN3" verify --key gen-$k/cosign.pub --insecure-ignore-tlog -a made-by=$k "$REG/gen:latest"
done
run_cmd gverify_cross "$COSIGN_CPP" verify --key gen-aws/cosign.pub --insecure-ignore-tlog -a made-by=gcp "$REG/gen:latest"
check_eq "the created AWS key does not verify the created GCP key's signature (exit 12)" 12 "$RC"

say "== generate-key-pair --kms refused: the key named, exit 1, nothing created or written, no secret"
cd "$WORK/gen-refused"
# gk_refused NAME WANT KEY [ENV...]: generate-key-pair --kms KEY fails naming KEY, with WANT, creating nothing
gk_refused() {
  local name=$1 want=$2 key=$3 m before; shift 3
  m=$(kms_mark)
  before=$(cat "$CREATED/requests.jsonl" | wc -l)
  run_cmd "$name" env "$@" "$COSIGN_CPP" generate-key-pair --kms "$key"
  check_eq "$name: exit 1" 1 "$RC"
  check_contains "$name: ... the error names the key" "$ERR" "${key%%://*} key \"$key\""
  check_contains "$name: ... and says what is wrong ($want)" "$ERR" "$want"
  check_eq "$name: ... no create request reached the KMS" "$before" "$(cat "$CREATED/requests.jsonl" | wc -l)"
  check_eq "$name: ... no file written" "" "$(ls)"
  no_secret "$OUT" "$ERR"
}
gk_refused gk_aws_wrong_secret "GetPublicKey: InvalidSignatureException (HTTP 403)" "awskms://$KMS_HOST/alias/never" \
  AWS_SECRET_ACCESS_KEY=wrong-secret-key
gk_refused gk_aws_unknown_akid "UnrecognizedClientException" "awskms://$KMS_HOST/alias/never" AWS_ACCESS_KEY_ID=AKIDOTHER
gk_refused gk_aws_no_credentials "no AWS credentials" "awskms://$KMS_HOST/alias/never" \
  -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY
gk_refused gk_aws_key_id "must use alias key format" "$AWS_REF"
gk_refused gk_aws_untrusted_cert "GetPublicKey" "awskms://$KMS_HOST/alias/never" -u AWS_CA_BUNDLE -u SSL_CERT_FILE
gk_refused gk_gcp_wrong_sa_key "invalid_grant: Invalid JWT Signature" "gcpkms://$NEW_RING-x/cryptoKeys/k" \
  GOOGLE_APPLICATION_CREDENTIALS="$WORK/other-sa.json"
gk_refused gk_gcp_no_credentials "no Google credentials" "gcpkms://$NEW_RING-x/cryptoKeys/k" -u GOOGLE_APPLICATION_CREDENTIALS
gk_refused gk_gcp_untrusted_cert "getting an access token" "gcpkms://$NEW_RING-x/cryptoKeys/k" -u SSL_CERT_FILE
check_eq "no request of the refused Cloud KMS runs reached the API" 0 "$(grep -c cosign-cpp-ring-x "$KMS_DIR/requests.log" || true)"
cd "$WORK"
no_secret "$KMS_DIR/requests.log" "$KMS_DIR/server.log"

say "== cosign 2.5 itself signs through the same fake AWS KMS; cosign-cpp verifies"
run_cmd c2sb "$COSIGN2" sign-blob --key "$AWS_REF" --tlog-upload=false -y fw.bin
if [ "$RC" -eq 0 ]; then
  tail -n 1 "$OUT" > fw-c2.sig
  check "cosign-cpp verify-blob accepts cosign 2.5's awskms blob signature" \
    "$COSIGN_CPP" verify-blob --key aws.pub --signature fw-c2.sig --insecure-ignore-tlog fw.bin
else
  show stderr "$ERR"; die "cosign 2.5 could not sign through the fake AWS KMS"
fi

finish
