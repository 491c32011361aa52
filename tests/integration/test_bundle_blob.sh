#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Sigstore bundles for key-signed blobs (issue 13, first slice), against the local Rekor mock
# (tests/peers), both ways with the real cosign 3 (its default bundle format) and cosign 2
# (--new-bundle-format):
#   cosign-cpp sign-blob --bundle F --new-bundle-format writes cosign 3's v0.3 bundle (the same
#   fields in the same order, the Rekor entry with SET, inclusion proof and checkpoint) -> cosign 3
#   and cosign 2 verify-blob accept it, with the file and with its sha256 digest, and sigstore-js;
#   cosign 3 sign-blob and attest-blob (DSSE) and cosign 2 --new-bundle-format -> cosign-cpp
#   verify-blob --bundle accepts them (with the flag, and without it as cosign 3's default);
#   refused, each naming the failed check, exit 1, as cosign 3 refuses them too: another blob, an
#   altered signature, SET, logIndex, root hash, checkpoint, entry body, the wrong key or trust
#   root; a bundle without a log entry passes only with --insecure-ignore-tlog;
#   keyless: cosign 3 signs a blob with a Fulcio certificate -> cosign-cpp verify-blob with the
#   identity flags accepts it, and refuses another identity, issuer or blob.
#   The legacy bundle (no flag) is unchanged. No request leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"

setup_interop
oidc_issuer_start
sigstore_mock_start sigstore --oidc-issuer "$OIDC_ISSUER" --oidc-jwks "$OIDC_ISSUER/jwks"
URL=$SIGSTORE_MOCK_URL
TR=$SIGSTORE_MOCK_DIR/trusted_root.json
[ -s "$TR" ] || die "the mock wrote no trusted_root.json"
export COSIGN_PASSWORD=bundle-test-pw
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "cosign-cpp generate-key-pair failed"
mkdir -p other && (cd other && "$COSIGN_CPP" generate-key-pair >/dev/null 2>&1) || die "second key pair failed"
printf 'firmware image 1.2.3\n' > blob.bin
printf 'another blob\n' > other.bin
DIGEST=sha256:$(sha256sum blob.bin | cut -c1-64)

say "== cosign-cpp sign-blob --new-bundle-format; cosign 3 and cosign 2 verify the bundle"
M=$(sigstore_mock_mark)
run_cmd cppsign "$COSIGN_CPP" sign-blob -y --key cosign.key --bundle cpp.sigstore.json --new-bundle-format --rekor-url "$URL" blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob --new-bundle-format failed"; }
pass "cosign-cpp sign-blob --bundle --new-bundle-format (local Rekor mock)"
check_eq "one Rekor request: POST /api/v1/log/entries 201" "POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_contains "cosign's line for the new entry" "$ERR" "tlog entry created with index: "
check_contains "cosign's line for the bundle" "$ERR" "Wrote bundle to file cpp.sigstore.json"
check_eq "the signature printed is the bundle's" "$(jq -r .messageSignature.signature cpp.sigstore.json)" "$(cat "$OUT")"
check_eq "media type v0.3" "application/vnd.dev.sigstore.bundle.v0.3+json" "$(jq -r .mediaType cpp.sigstore.json)"
check_eq "the logIndex printed is the bundle's" "tlog entry created with index: $(jq -r '.verificationMaterial.tlogEntries[0].logIndex' cpp.sigstore.json)" \
  "$(grep '^tlog entry created' "$ERR")"
run_cmd c3sign "$COSIGN3" sign-blob -y --key cosign.key --bundle c3.sigstore.json --use-signing-config=false --rekor-url "$URL" blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 sign-blob failed"; }
pass "cosign 3 sign-blob --bundle (its default format)"
# Every object's keys in the same order as cosign 3's (paths of all leaves, values dropped).
shape() { jq -c '[paths(scalars)]' "$1"; }
check_eq "the same fields in the same order as cosign 3's bundle" "$(shape c3.sigstore.json)" "$(shape cpp.sigstore.json)"
check_eq "compact JSON, as cosign 3 writes (no newline, no spaces)" "$(jq -cj . cpp.sigstore.json | sha256sum)" "$(sha256sum < cpp.sigstore.json)"
check_eq "the same key hint and message digest as cosign 3's" \
  "$(jq -c '[.verificationMaterial.publicKey, .messageSignature.messageDigest]' c3.sigstore.json)" \
  "$(jq -c '[.verificationMaterial.publicKey, .messageSignature.messageDigest]' cpp.sigstore.json)"
check "cosign 3 verify-blob --bundle --trusted-root accepts cosign-cpp's bundle" \
  "$COSIGN3" verify-blob --key cosign.pub --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
check_contains "... Verified OK" "$ERR" "Verified OK"
check "cosign 3 accepts it for the digest" "$COSIGN3" verify-blob --key cosign.pub --bundle cpp.sigstore.json --trusted-root "$TR" "$DIGEST"
check "cosign 2 verify-blob --new-bundle-format accepts it" \
  "$COSIGN2" verify-blob --key cosign.pub --bundle cpp.sigstore.json --new-bundle-format --trusted-root "$TR" blob.bin
check_fails "cosign 3 refuses it for another blob" "$COSIGN3" verify-blob --key cosign.pub --bundle cpp.sigstore.json --trusted-root "$TR" other.bin
# sigstore-js (@sigstore/verify of tests/peers' pinned sigstore 4.1.1), the key given for the bundle's hint.
cat > sigstore-js-verify.js <<'JS'
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const [bundlePath, artifactPath, rootPath, keyPath] = process.argv.slice(2);
const key = crypto.createPublicKey(fs.readFileSync(keyPath));
const tm = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))),
  () => ({ publicKey: key, validFor: () => true }));
const verifier = new Verifier(tm, { tlogThreshold: 1, ctlogThreshold: 0, tsaThreshold: 0 });
try {
  verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8'))), fs.readFileSync(artifactPath)));
  console.log('VERIFIED');
} catch (e) { console.error('FAILED', e.code || '', e.message); process.exit(1); }
JS
check "sigstore-js verifies cosign-cpp's bundle" \
  env NODE_PATH="$PEERS_CACHE/node_modules" node sigstore-js-verify.js cpp.sigstore.json blob.bin "$TR" cosign.pub
check_fails "sigstore-js refuses it for another blob" \
  env NODE_PATH="$PEERS_CACHE/node_modules" node sigstore-js-verify.js cpp.sigstore.json other.bin "$TR" cosign.pub

say "== cosign 3 and cosign 2 sign; cosign-cpp verifies"
M=$(sigstore_mock_mark)
check "cosign-cpp verifies cosign 3's bundle (Sigstore bundle implied, as cosign 3)" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c3.sigstore.json --trusted-root "$TR" blob.bin
check_eq "... cosign's output: Verified OK on stderr, nothing on stdout" "Verified OK|" "$(cat "$ERR")|$(cat "$OUT")"
check "... with --new-bundle-format" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c3.sigstore.json --new-bundle-format --trusted-root "$TR" blob.bin
check "... for the digest, reading nothing" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c3.sigstore.json --trusted-root "$TR" "$DIGEST"
check "cosign-cpp verifies its own bundle" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
check "... with the trust root from SIGSTORE_REKOR_PUBLIC_KEY" \
  env SIGSTORE_REKOR_PUBLIC_KEY="$SIGSTORE_MOCK_DIR/rekor.pub" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle cpp.sigstore.json blob.bin
check_eq "verifying a bundle makes no Rekor request" "" "$(sigstore_mock_requests "$M")"
run_cmd c2sign "$COSIGN2" sign-blob -y --key cosign.key --bundle c2.sigstore.json --new-bundle-format --rekor-url "$URL" blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 sign-blob --new-bundle-format failed"; }
check "cosign-cpp verifies cosign 2's --new-bundle-format bundle" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c2.sigstore.json --new-bundle-format --trusted-root "$TR" blob.bin
printf '{"release":"1.2.3"}' > predicate.json
run_cmd c3attest "$COSIGN3" attest-blob -y --key cosign.key --bundle att.sigstore.json --use-signing-config=false --rekor-url "$URL" \
  --predicate predicate.json --type custom blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 attest-blob failed"; }
check_eq "cosign 3's attestation is a DSSE envelope logged as dsse" "application/vnd.in-toto+json dsse" \
  "$(jq -r '[.dsseEnvelope.payloadType, .verificationMaterial.tlogEntries[0].kindVersion.kind] | join(" ")' att.sigstore.json)"
check "cosign-cpp verifies cosign 3's DSSE bundle (the blob is the statement's subject)" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --bundle att.sigstore.json --trusted-root "$TR" blob.bin
run_cmd attother "$COSIGN_CPP" verify-blob --key cosign.pub --bundle att.sigstore.json --trusted-root "$TR" other.bin
check_eq "... and refuses it for another blob, exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "artifact: no subject of the in-toto statement has the artifact's digest"

say "== altered bundles: refused by cosign-cpp naming the check, and by cosign 3"
# tamper NAME JQ-FILTER: c3.sigstore.json altered by the filter, in NAME.json.
tamper() { jq -c "$2" c3.sigstore.json > "$1.json" || die "jq failed for $1"; }
flip() { printf '(%s) |= (.[0:12] + (if .[12:13] == "A" then "B" else "A" end) + .[13:])' "$1"; }
E='.verificationMaterial.tlogEntries[0]'
# refused NAME CHECK [ARTIFACT]: cosign-cpp refuses NAME.json with CHECK in the message, exit 1; cosign 3 refuses it too.
refused() {
  local name=$1 check_text=$2 artifact=${3:-blob.bin}
  run_cmd "cpp-$name" "$COSIGN_CPP" verify-blob --key cosign.pub --bundle "$name.json" --trusted-root "$TR" "$artifact"
  [ "$RC" -eq 1 ] || { show stderr "$ERR"; die "cosign-cpp: $name: exit $RC, expected 1"; }
  check_contains "cosign-cpp refuses $name, naming the check" "$ERR" "$check_text"
  check_not_contains "... and does not print Verified OK" "$ERR" "Verified OK"
  run_cmd "c3-$name" "$COSIGN3" verify-blob --key cosign.pub --bundle "$name.json" --trusted-root "$TR" "$artifact"
  [ "$RC" -ne 0 ] || die "cosign 3 accepted $name"
  pass "cosign 3 refuses $name too"
}
cp c3.sigstore.json asis.json
refused asis "error verifying bundle: artifact: the artifact's digest" other.bin
tamper sig "$(flip .messageSignature.signature)"
refused sig "bundle signature: the message signature does not verify with the key"
tamper set "$(flip "$E.inclusionPromise.signedEntryTimestamp")"
refused set "tlog entry 0: SET: the signed entry timestamp (SET)"
tamper index "$E.logIndex |= (tonumber + 1 | tostring)"
refused index "tlog entry 0: SET:"
tamper root "$(flip "$E.inclusionProof.rootHash")"
refused root "tlog entry 0: inclusion proof:"
tamper checkpoint "$E.inclusionProof.checkpoint.envelope |= sub(\"\\n\\n— (?<n>[^ ]+) (?<h>.{8})\"; \"\\n\\n— \\(.n) \\(.h)A\")"
refused checkpoint "tlog entry 0: checkpoint:"
jq -r '.verificationMaterial.tlogEntries[0].canonicalizedBody' cpp.sigstore.json > other-body.txt
tamper body "$E.canonicalizedBody = \"$(cat other-body.txt)\""
refused body "tlog entry 0: body: the logged signature is not the bundle's signature"
run_cmd wrongkey "$COSIGN_CPP" verify-blob --key other/cosign.pub --bundle c3.sigstore.json --trusted-root "$TR" blob.bin
check_eq "the wrong key: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "bundle signature: the message signature does not verify with the key"
OTHER_DER=$(openssl pkey -pubin -in other/cosign.pub -outform DER | base64 -w0)
OTHER_ID=$(openssl pkey -pubin -in other/cosign.pub -outform DER | openssl dgst -sha256 -binary | base64 -w0)
jq --arg k "$OTHER_DER" --arg id "$OTHER_ID" '.tlogs[0].publicKey.rawBytes = $k | .tlogs[0].logId.keyId = $id' "$TR" > other-root.json
run_cmd wrongroot "$COSIGN_CPP" verify-blob --key cosign.pub --bundle c3.sigstore.json --trusted-root other-root.json blob.bin
check_eq "a trust root without the log's key: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "tlog entry 0: SET: no trusted Rekor key has log ID"

say "== without a log entry; the legacy bundle is unchanged"
check "cosign-cpp sign-blob --new-bundle-format --tlog-upload=false" \
  "$COSIGN_CPP" sign-blob -y --key cosign.key --bundle nolog.sigstore.json --new-bundle-format --tlog-upload=false blob.bin
check_eq "... a bundle with no tlogEntries" "null" "$(jq -c .verificationMaterial.tlogEntries nolog.sigstore.json)"
run_cmd nolog "$COSIGN_CPP" verify-blob --key cosign.pub --bundle nolog.sigstore.json --trusted-root "$TR" blob.bin
check_eq "cosign-cpp refuses it without --insecure-ignore-tlog: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "transparency log: the bundle has no tlog entry"
check "... and accepts it with --insecure-ignore-tlog" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --bundle nolog.sigstore.json --insecure-ignore-tlog blob.bin
check_contains "... with cosign's warning" "$ERR" "WARNING: Skipping tlog verification is an insecure practice"
check "cosign 3 accepts it with --insecure-ignore-tlog" \
  "$COSIGN3" verify-blob --key cosign.pub --bundle nolog.sigstore.json --insecure-ignore-tlog --trusted-root "$TR" blob.bin
check "cosign-cpp sign-blob --bundle (no flag): cosign's legacy bundle" \
  "$COSIGN_CPP" sign-blob -y --key cosign.key --bundle legacy.json --rekor-url "$URL" blob.bin
check_eq "... keys base64Signature, rekorBundle" '["base64Signature","rekorBundle"]' "$(jq -c keys_unsorted legacy.json)"
check "cosign-cpp verify-blob --bundle legacy.json (no flag)" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --bundle legacy.json --trusted-root "$TR" blob.bin
check "cosign 2 verify-blob accepts the legacy bundle" \
  env SIGSTORE_REKOR_PUBLIC_KEY="$SIGSTORE_MOCK_DIR/rekor.pub" "$COSIGN2" verify-blob --key cosign.pub --bundle legacy.json blob.bin
run_cmd flagnobundle "$COSIGN_CPP" verify-blob --key cosign.pub --new-bundle-format --trusted-root "$TR" blob.bin
check_eq "verify-blob --new-bundle-format without --bundle: exit 1" 1 "$RC"
check_contains "... saying so" "$ERR" "--new-bundle-format requires --bundle"

say "== keyless: cosign 3 signs with a Fulcio certificate; cosign-cpp verifies with the identity flags"
oidc_token alice@example.com token.jwt
run_cmd c3keyless "$COSIGN3" sign-blob -y --use-signing-config=false --fulcio-url "$URL" --rekor-url "$URL" \
  --identity-token token.jwt --trusted-root "$TR" --bundle keyless.sigstore.json blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 sign-blob keyless failed"; }
check_eq "cosign 3's keyless bundle carries a certificate" true "$(jq '.verificationMaterial.certificate.rawBytes != null' keyless.sigstore.json)"
ID=(--certificate-identity alice@example.com --certificate-oidc-issuer "$OIDC_ISSUER")
check "cosign 3 verifies its keyless bundle" "$COSIGN3" verify-blob "${ID[@]}" --bundle keyless.sigstore.json --trusted-root "$TR" blob.bin
check "cosign-cpp verify-blob --bundle with the identity flags accepts it" \
  "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle keyless.sigstore.json --trusted-root "$TR" blob.bin
check_contains "... Verified OK" "$ERR" "Verified OK"
check "... for the digest too" "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle keyless.sigstore.json --trusted-root "$TR" "$DIGEST"
run_cmd klwho "$COSIGN_CPP" verify-blob --certificate-identity mallory@example.com --certificate-oidc-issuer "$OIDC_ISSUER" \
  --bundle keyless.sigstore.json --trusted-root "$TR" blob.bin
check_eq "another identity: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "none of the expected identities matched"
run_cmd kliss "$COSIGN_CPP" verify-blob --certificate-identity alice@example.com --certificate-oidc-issuer https://issuer.example \
  --bundle keyless.sigstore.json --trusted-root "$TR" blob.bin
check_eq "another issuer: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "none of the expected identities matched"
run_cmd klblob "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle keyless.sigstore.json --trusted-root "$TR" other.bin
check_eq "another blob: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "artifact: the artifact's digest"
run_cmd klnoid "$COSIGN_CPP" verify-blob --bundle keyless.sigstore.json --trusted-root "$TR" blob.bin
check_eq "no identity flags: exit 1" 1 "$RC"
check_contains "... saying which flag" "$ERR" "--certificate-identity or --certificate-identity-regexp is required"
run_cmd klkey "$COSIGN_CPP" verify-blob --key cosign.pub --bundle keyless.sigstore.json --trusted-root "$TR" blob.bin
check_eq "--key for a certificate bundle: exit 1" 1 "$RC"
check_contains "... naming the check" "$ERR" "verification material: the bundle carries a certificate"

finish
