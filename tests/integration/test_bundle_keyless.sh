#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Keyless signing into a Sigstore bundle v0.3 (issue 13, second slice), against the local OIDC
# issuer, Fulcio, CT log and Rekor mocks (tests/peers); no request leaves 127.0.0.1:
#   cosign-cpp sign-blob (no --key) --bundle F --new-bundle-format: one Fulcio request, one Rekor
#   request; the bundle has cosign 3's keyless shape (the same fields in the same order as
#   cosign 3's keyless bundle), the v0.3 `certificate` is the Fulcio leaf (the --output-certificate
#   file, chaining to the local Fulcio root, naming the identity), the Rekor entry (hashedrekord)
#   carries that certificate, with SET, inclusion proof and checkpoint;
#   cosign 3 verify-blob and cosign 2 verify-blob --new-bundle-format accept it with the identity
#   flags (the file and its sha256 digest) and refuse another identity, issuer or blob; so does
#   sigstore-js (@sigstore/verify, the identity as its policy);
#   cosign-cpp verify-blob accepts it and refuses another identity, issuer, blob and an altered
#   signature or certificate, naming the check; --issue-certificate with --key writes the same
#   kind of bundle; a token Fulcio refuses writes no bundle.
. "$(dirname "$0")/lib.sh"

setup_interop
need_cmd jq openssl
oidc_issuer_start
sigstore_mock_start
URL=$SIGSTORE_MOCK_URL
T=$SIGSTORE_MOCK_DIR
TR=$T/trusted_root.json
[ -s "$TR" ] || die "the mock wrote no trusted_root.json"
EMAIL=alice@example.com
oidc_token "$EMAIL" token.jwt
unset SIGSTORE_ID_TOKEN
printf 'firmware image 2.0.0\n' > blob.bin
printf 'another blob\n' > other.bin
DIGEST=sha256:$(sha256sum blob.bin | cut -c1-64)
ID=(--certificate-identity "$EMAIL" --certificate-oidc-issuer "$OIDC_ISSUER")
SVC=(--fulcio-url "$URL" --rekor-url "$URL" --trusted-root "$TR")
E='.verificationMaterial.tlogEntries[0]'

say "== cosign-cpp sign-blob keyless --bundle --new-bundle-format"
M=$(sigstore_mock_mark)
run_cmd cppsign "$COSIGN_CPP" sign-blob -y "${SVC[@]}" --identity-token token.jwt --bundle cpp.sigstore.json \
  --new-bundle-format --output-certificate cpp.crt blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp keyless sign-blob --new-bundle-format failed"; }
pass "cosign-cpp sign-blob keyless --bundle --new-bundle-format"
check_eq "one Fulcio request (v2), then one Rekor request" "POST /api/v2/signingCert 200|POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | paste -sd'|')"
check_contains "cosign's SCT line" "$ERR" "Successfully verified SCT..."
check_contains "cosign's line for the bundle" "$ERR" "Wrote bundle to file cpp.sigstore.json"
check_not_contains "the token is never printed" "$ERR" "$(cat token.jwt)"
check_eq "media type v0.3" "application/vnd.dev.sigstore.bundle.v0.3+json" "$(jq -r .mediaType cpp.sigstore.json)"
check_eq "the signature printed is the bundle's" "$(jq -r .messageSignature.signature cpp.sigstore.json)" "$(cat "$OUT")"
check_eq "no public key hint, no chain: the v0.3 certificate" "null null" \
  "$(jq -r '[.verificationMaterial.publicKey, .verificationMaterial.x509CertificateChain] | map(tostring) | join(" ")' cpp.sigstore.json)"
jq -r .verificationMaterial.certificate.rawBytes cpp.sigstore.json | base64 -d > bundle.der
openssl x509 -inform DER -in bundle.der -out bundle.crt || die "the bundle's certificate is not a DER certificate"
check_eq "the bundle's certificate is the leaf written by --output-certificate" \
  "$(openssl x509 -in cpp.crt -outform DER | sha256sum)" "$(sha256sum < bundle.der)"
check "the certificate chains to the local Fulcio root" openssl verify -CAfile "$T/fulcio_root.pem" bundle.crt
check_eq "the certificate names the identity" "email:$EMAIL" \
  "$(openssl x509 -noout -ext subjectAltName -in bundle.crt | tail -n1 | tr -d ' ')"
check_eq "the Rekor entry is a hashedrekord carrying the certificate" "hashedrekord $(base64 -w0 bundle.crt)" \
  "$(jq -r "$E.canonicalizedBody" cpp.sigstore.json | base64 -d | jq -r '[.kind, .spec.signature.publicKey.content] | join(" ")')"
check_eq "the entry has SET, inclusion proof and checkpoint" "true true true" \
  "$(jq -r "[$E.inclusionPromise.signedEntryTimestamp != null, $E.inclusionProof.rootHash != null, $E.inclusionProof.checkpoint.envelope != null] | map(tostring) | join(\" \")" cpp.sigstore.json)"

run_cmd c3sign "$COSIGN3" sign-blob -y --use-signing-config=false "${SVC[@]}" --identity-token token.jwt \
  --bundle c3.sigstore.json blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 keyless sign-blob failed"; }
# Every object's keys in the same order as cosign 3's (paths of all leaves, values dropped;
# the number of proof hashes depends on the tree, so array indexes are dropped too).
shape() { jq -c '[paths(scalars) | map(select(type == "string"))] | unique' "$1"; }
order() { jq -c '[paths(scalars) | map(select(type == "string")) | join(".")] | reduce .[] as $p ([]; if index([$p]) then . else . + [$p] end)' "$1"; }
check_eq "the same fields as cosign 3's keyless bundle" "$(shape c3.sigstore.json)" "$(shape cpp.sigstore.json)"
check_eq "... in the same order" "$(order c3.sigstore.json)" "$(order cpp.sigstore.json)"
check_eq "compact JSON, as cosign 3 writes" "$(jq -cj . cpp.sigstore.json | sha256sum)" "$(sha256sum < cpp.sigstore.json)"

say "== cosign 3 and cosign 2 verify cosign-cpp's keyless bundle with the identity flags"
check "cosign 3 verify-blob accepts it" "$COSIGN3" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
check_contains "... Verified OK" "$ERR" "Verified OK"
check "cosign 3 accepts it for the digest" "$COSIGN3" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --trusted-root "$TR" "$DIGEST"
check "cosign 2 verify-blob --new-bundle-format accepts it" \
  "$COSIGN2" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --new-bundle-format --trusted-root "$TR" blob.bin
check_fails "cosign 3 refuses another identity" "$COSIGN3" verify-blob --certificate-identity mallory@example.com \
  --certificate-oidc-issuer "$OIDC_ISSUER" --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
check_fails "cosign 3 refuses another issuer" "$COSIGN3" verify-blob --certificate-identity "$EMAIL" \
  --certificate-oidc-issuer https://issuer.example --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
check_fails "cosign 3 refuses another blob" "$COSIGN3" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --trusted-root "$TR" other.bin
check_fails "cosign 2 refuses another identity" "$COSIGN2" verify-blob --certificate-identity mallory@example.com \
  --certificate-oidc-issuer "$OIDC_ISSUER" --bundle cpp.sigstore.json --new-bundle-format --trusted-root "$TR" blob.bin
# sigstore-js (@sigstore/verify of tests/peers' pinned sigstore 4.1.1): the mock's trust root (Fulcio
# CA, CT log, Rekor key), the identity as its policy (SAN and the issuer extension).
cat > sigstore-js-verify.js <<'JS'
'use strict';
const fs = require('fs');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const [bundlePath, artifactPath, rootPath, san, issuer] = process.argv.slice(2);
const tm = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))));
const verifier = new Verifier(tm, { tlogThreshold: 1, ctlogThreshold: 1, tsaThreshold: 0 });
try {
  verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8'))), fs.readFileSync(artifactPath)),
    { subjectAlternativeName: san, extensions: { issuer } });
  console.log('VERIFIED');
} catch (e) { console.error('FAILED', e.code || '', e.message); process.exit(1); }
JS
check "sigstore-js verifies cosign-cpp's keyless bundle" \
  env NODE_PATH="$PEERS_CACHE/node_modules" node sigstore-js-verify.js cpp.sigstore.json blob.bin "$TR" "$EMAIL" "$OIDC_ISSUER"
check_fails "sigstore-js refuses another identity" \
  env NODE_PATH="$PEERS_CACHE/node_modules" node sigstore-js-verify.js cpp.sigstore.json blob.bin "$TR" mallory@example.com "$OIDC_ISSUER"
check_contains "... on the identity" "$ERR" "UNTRUSTED_SIGNER_ERROR certificate identity error"
check_fails "sigstore-js refuses another blob" \
  env NODE_PATH="$PEERS_CACHE/node_modules" node sigstore-js-verify.js cpp.sigstore.json other.bin "$TR" "$EMAIL" "$OIDC_ISSUER"
check_contains "... on the signature" "$ERR" "SIGNATURE_ERROR"

say "== cosign-cpp verifies its keyless bundle, and refuses altered ones naming the check"
M=$(sigstore_mock_mark)
check "cosign-cpp verify-blob accepts it" "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
check_eq "... cosign's output: Verified OK on stderr, nothing on stdout" "Verified OK|" "$(cat "$ERR")|$(cat "$OUT")"
check "... for the digest" "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --trusted-root "$TR" "$DIGEST"
check "... with --new-bundle-format" "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle cpp.sigstore.json --new-bundle-format --trusted-root "$TR" blob.bin
check_eq "verifying makes no request to the services" "" "$(sigstore_mock_requests "$M")"
# rejected NAME EXIT CHECK ARGS...: cosign-cpp verify-blob ARGS exits EXIT with CHECK in its message.
rejected() {
  local name=$1 want=$2 text=$3
  shift 3
  run_cmd "rej-$name" "$COSIGN_CPP" verify-blob "$@"
  [ "$RC" -eq "$want" ] || { show stderr "$ERR"; die "cosign-cpp: $name: exit $RC, expected $want"; }
  check_contains "cosign-cpp refuses $name, naming the check" "$ERR" "$text"
  check_not_contains "... and does not print Verified OK" "$ERR" "Verified OK"
}
rejected identity 1 "none of the expected identities matched" --certificate-identity mallory@example.com \
  --certificate-oidc-issuer "$OIDC_ISSUER" --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
rejected issuer 1 "none of the expected identities matched" --certificate-identity "$EMAIL" \
  --certificate-oidc-issuer https://issuer.example --bundle cpp.sigstore.json --trusted-root "$TR" blob.bin
rejected blob 1 "artifact: the artifact's digest" "${ID[@]}" --bundle cpp.sigstore.json --trusted-root "$TR" other.bin
flip() { printf '(%s) |= (.[0:12] + (if .[12:13] == "A" then "B" else "A" end) + .[13:])' "$1"; }
jq -c "$(flip .messageSignature.signature)" cpp.sigstore.json > sig.json
rejected signature 1 "bundle signature:" "${ID[@]}" --bundle sig.json --trusted-root "$TR" blob.bin
check_fails "cosign 3 refuses the altered signature too" "$COSIGN3" verify-blob "${ID[@]}" --bundle sig.json --trusted-root "$TR" blob.bin
# Another certificate for the same identity (cosign 3's): the signature no longer matches it.
jq -c --slurpfile o c3.sigstore.json '.verificationMaterial.certificate = $o[0].verificationMaterial.certificate' \
  cpp.sigstore.json > cert.json
run_cmd rej-cert "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle cert.json --trusted-root "$TR" blob.bin
[ "$RC" -eq 1 ] || { show stderr "$ERR"; die "cosign-cpp: another certificate: exit $RC, expected 1"; }
check_not_contains "cosign-cpp refuses a bundle with another certificate" "$ERR" "Verified OK"
check_fails "cosign 3 refuses it too" "$COSIGN3" verify-blob "${ID[@]}" --bundle cert.json --trusted-root "$TR" blob.bin
check "cosign-cpp verifies cosign 3's keyless bundle (the other way)" \
  "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle c3.sigstore.json --trusted-root "$TR" blob.bin

say "== --issue-certificate with --key; a refused token writes no bundle"
export COSIGN_PASSWORD=keyless-bundle-pw
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "cosign-cpp generate-key-pair failed"
run_cmd issue "$COSIGN_CPP" sign-blob -y --key cosign.key --issue-certificate "${SVC[@]}" --identity-token token.jwt \
  --bundle issued.sigstore.json --new-bundle-format blob.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob --issue-certificate --new-bundle-format failed"; }
check_eq "the bundle carries a certificate for cosign.key" \
  "$(openssl pkey -pubin -in cosign.pub -outform DER | sha256sum)" \
  "$(jq -r .verificationMaterial.certificate.rawBytes issued.sigstore.json | base64 -d | openssl x509 -inform DER -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)"
check "cosign 3 verifies it with the identity flags" "$COSIGN3" verify-blob "${ID[@]}" --bundle issued.sigstore.json --trusted-root "$TR" blob.bin
check "cosign-cpp verifies it with the identity flags" "$COSIGN_CPP" verify-blob "${ID[@]}" --bundle issued.sigstore.json --trusted-root "$TR" blob.bin
M=$(sigstore_mock_mark)
printf 'not.a.token' > bad.jwt
run_cmd badtok "$COSIGN_CPP" sign-blob -y "${SVC[@]}" --identity-token bad.jwt --bundle bad.sigstore.json --new-bundle-format blob.bin
[ "$RC" -ne 0 ] || die "cosign-cpp signed with a token Fulcio refuses"
pass "a token Fulcio refuses: exit $RC"
check "... no bundle written" test ! -e bad.sigstore.json
sigstore_mock_requests "$M" > badtok-requests.txt
check_not_contains "... nothing logged" badtok-requests.txt "/api/v1/log/entries"

finish
