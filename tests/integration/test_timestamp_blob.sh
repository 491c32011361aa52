#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# RFC 3161 timestamps in blob bundles (issue 13, item 4), against the local TSA of tests/peers:
#   cosign-cpp sign-blob --timestamp-server-url --new-bundle-format posts a TimeStampReq and keeps
#   the token in the bundle -> cosign 3 and cosign-cpp verify-blob accept it (no log entry:
#   --insecure-ignore-tlog, the timestamp is the bundle's time); cosign 3's timestamped bundle ->
#   cosign-cpp accepts it; refused, naming the check, exit 1: a token with an altered signature, a
#   token over another signature, a trust root without the TSA; keyless: cosign 3 signs with a
#   Fulcio certificate, a timestamp and no log entry -> cosign-cpp checks the certificate at the
#   timestamp's time. No request leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"

setup_interop
oidc_issuer_start
sigstore_mock_start sigstore --oidc-issuer "$OIDC_ISSUER" --oidc-jwks "$OIDC_ISSUER/jwks"
URL=$SIGSTORE_MOCK_URL
TR=$SIGSTORE_MOCK_DIR/trusted_root.json
[ -s "$TR" ] || die "the mock wrote no trusted_root.json"
export COSIGN_PASSWORD=timestamp-test-pw
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "cosign-cpp generate-key-pair failed"
printf 'firmware image 2.0\n' > blob.bin

say "== cosign-cpp sign-blob --timestamp-server-url; cosign 3 and cosign-cpp verify"
M=$(sigstore_mock_mark)
run_cmd cppsign "$COSIGN_CPP" sign-blob -y --key cosign.key --timestamp-server-url "$URL/api/v1/timestamp" \
  --tlog-upload=false --new-bundle-format --bundle cpp.sigstore.json blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob --timestamp-server-url failed"; }
pass "cosign-cpp sign-blob --timestamp-server-url (local TSA)"
check_eq "one TSA request: POST /api/v1/timestamp 201" "POST /api/v1/timestamp 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_eq "one token in the bundle" 1 "$(jq '.verificationMaterial.timestampVerificationData.rfc3161Timestamps | length' cpp.sigstore.json)"
run_cmd c3ver "$COSIGN3" verify-blob --key cosign.pub --bundle cpp.sigstore.json --trusted-root "$TR" --insecure-ignore-tlog blob.bin
check_eq "cosign 3 verifies cosign-cpp's timestamped bundle" 0 "$RC"
run_cmd cppver "$COSIGN_CPP" verify-blob --key cosign.pub --bundle cpp.sigstore.json --trusted-root "$TR" --insecure-ignore-tlog blob.bin
check_eq "cosign-cpp verifies it" 0 "$RC"
check_contains "... Verified OK" "$ERR" "Verified OK"

say "== cosign 3's timestamped bundle"
run_cmd c3sign "$COSIGN3" sign-blob -y --key cosign.key --timestamp-server-url "$URL/api/v1/timestamp" \
  --tlog-upload=false --new-bundle-format --bundle c3.sigstore.json --use-signing-config=false blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 sign-blob --timestamp-server-url failed"; }
run_cmd cppver3 "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c3.sigstore.json --trusted-root "$TR" --insecure-ignore-tlog blob.bin
check_eq "cosign-cpp verifies cosign 3's timestamped bundle" 0 "$RC"

say "== refused, naming the check"
TOKEN=$(jq -r '.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp' c3.sigstore.json)
BAD=$(printf '%s' "$TOKEN" | base64 -d | python3 -c 'import sys; b=bytearray(sys.stdin.buffer.read()); b[-5]^=1; sys.stdout.buffer.write(b)' | base64 -w0)
jq -c --arg t "$BAD" '.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp=$t' c3.sigstore.json > badsig.json
run_cmd badsig "$COSIGN_CPP" verify-blob --key cosign.pub --bundle badsig.json --trusted-root "$TR" --insecure-ignore-tlog blob.bin
check_eq "an altered token signature: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "timestamp 0: signature:"
jq -c --argjson t "$(jq '.verificationMaterial.timestampVerificationData' cpp.sigstore.json)" \
  '.verificationMaterial.timestampVerificationData=$t' c3.sigstore.json > other.json
run_cmd other "$COSIGN_CPP" verify-blob --key cosign.pub --bundle other.json --trusted-root "$TR" --insecure-ignore-tlog blob.bin
check_eq "a token over another signature: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "timestamp 0: message imprint:"
jq '.timestampAuthorities=[]' "$TR" > no-tsa.json
run_cmd notsa "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c3.sigstore.json --trusted-root no-tsa.json --insecure-ignore-tlog blob.bin
check_eq "a trust root without the TSA: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "timestamp 0: certificate chain: the trust root has no timestamp authority"
run_cmd legacy "$COSIGN_CPP" sign-blob -y --key cosign.key --timestamp-server-url "$URL/api/v1/timestamp" --tlog-upload=false --bundle l.json blob.bin
check_eq "--timestamp-server-url without --new-bundle-format: refused" 1 "$RC"

say "== keyless, no log entry: the certificate at the timestamp's time"
oidc_token alice@example.com token.jwt
run_cmd c3keyless "$COSIGN3" sign-blob -y --use-signing-config=false --fulcio-url "$URL" --tlog-upload=false \
  --timestamp-server-url "$URL/api/v1/timestamp" --identity-token token.jwt --trusted-root "$TR" \
  --new-bundle-format --bundle keyless.sigstore.json blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 sign-blob keyless with a timestamp failed"; }
ID=(--certificate-identity alice@example.com --certificate-oidc-issuer "$OIDC_ISSUER")
check "cosign 3 verifies it" "$COSIGN3" verify-blob "${ID[@]}" --bundle keyless.sigstore.json --trusted-root "$TR" \
  --insecure-ignore-tlog blob.bin
check "cosign-cpp verifies it" "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle keyless.sigstore.json --trusted-root "$TR" \
  --insecure-ignore-tlog blob.bin
jq -c --argjson t "$(jq '.verificationMaterial.timestampVerificationData' c3.sigstore.json)" \
  '.verificationMaterial.timestampVerificationData=$t' keyless.sigstore.json > kl-other.json
run_cmd klother "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle kl-other.json --trusted-root "$TR" --insecure-ignore-tlog blob.bin
check_eq "a keyless bundle with another signature's timestamp: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "timestamp 0: message imprint:"

finish
