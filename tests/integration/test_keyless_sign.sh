#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Keyless signing (issue 12) against the local OIDC issuer, Fulcio and Rekor (tests/peers) and a
# local registry; the REAL cosign 2.5 and 3.1 verify what cosign-cpp signs:
#   cosign-cpp sign (no --key): one Fulcio request, one Rekor request, then the .sig layer with
#   the certificate, chain and bundle annotations; cosign 2 (SIGSTORE_* variables) and cosign 3
#   (--trusted-root, legacy layout) verify it with --certificate-identity/--certificate-oidc-issuer,
#   and refuse another identity; the token given as a file and through SIGSTORE_ID_TOKEN;
#   --issue-certificate with --key; sign-blob --output-certificate/--output-signature, verified by
#   cosign 2 and 3 (verify-blob --certificate --signature, the entry looked up in Rekor) and by
#   cosign-cpp verify-blob --certificate (the trust root's Fulcio CA or --certificate-chain, the
#   SCT, the identity, the entry looked up or from --bundle; refused naming the check: another
#   identity, no CT log, another CA, a tampered blob).
#   Fulcio's SCT is checked before the certificate is used, as cosign 2 checks it: with the CT log
#   key of SIGSTORE_CT_LOG_PUBLIC_KEY_FILE or of --trusted-root ("Successfully verified SCT...").
#   Rejected, non-zero exit: a token Fulcio refuses (401) -> the registry unchanged (crane
#   snapshot before/after), no Rekor request, no files written; an SCT that another CT log key
#   (SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, as cosign 2 refuses it too) or a trusted_root.json whose CT
#   log has another key does not verify -> the SCT check named, Fulcio asked, Rekor never, the
#   registry unchanged, no files (--insecure-skip-verify skips the check, as cosign's); no terminal
#   and no -y -> declined, nothing logged or written; no token; the public Fulcio under
#   COSIGN_CPP_FORBID_PUBLIC_SIGSTORE.
. "$(dirname "$0")/lib.sh"

setup_interop
need_cmd jq curl node
oidc_issuer_start
sigstore_mock_start
registry_start plain
U=$SIGSTORE_MOCK_URL
T=$SIGSTORE_MOCK_DIR
ISS=$OIDC_ISSUER_URL
EMAIL=alice@example.com
oidc_token "$EMAIL" > token.jwt
TOKEN=$(cat token.jwt)
[ -n "$TOKEN" ] || die "the local OIDC issuer gave no token"
unset SIGSTORE_ID_TOKEN
# cosign 2 with the local trust through its variables; cosign 3 with --trusted-root.
c2env() {
  env SIGSTORE_ROOT_FILE="$T/fulcio_root.pem" SIGSTORE_REKOR_PUBLIC_KEY="$T/rekor.pub" \
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" "$COSIGN2" "$@"
}
c3env() {
  env SIGSTORE_ROOT_FILE="$T/fulcio_root.pem" SIGSTORE_REKOR_PUBLIC_KEY="$T/rekor.pub" \
    SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" "$COSIGN3" "$@"
}
ID=(--certificate-identity "$EMAIL" --certificate-oidc-issuer "$ISS")
TR=$T/trusted_root.json
# cosign-cpp's services, and the trust (the CT log key) that checks Fulcio's SCT: cosign 3's flag.
SVC=(--fulcio-url "$U" --rekor-url "$U" --trusted-root "$TR")
# layer_annotation REPO DIGEST KEY: one annotation of the first layer of the image's .sig manifest.
layer_annotation() { get_manifest "$REG_DIR" "$1" "$(sig_tag "$2")" | jq -j --arg k "$3" '.layers[0].annotations[$k] // empty'; }
fingerprint() { openssl x509 -noout -fingerprint -sha256 -in "$1" | cut -d= -f2; }

say "== cosign-cpp signs an image keyless; cosign 2 and 3 verify it with identity flags"
D=$(push_image "$REG_DIR" cpp:v1)
M=$(sigstore_mock_mark)
# The CT log key as cosign 2 takes it: SIGSTORE_CT_LOG_PUBLIC_KEY_FILE.
run_cmd sign env SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" "$COSIGN_CPP" sign -y --fulcio-url "$U" --rekor-url "$U" \
  --identity-token "$TOKEN" --output-certificate out.crt "$REG/cpp@$D"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp keyless sign failed"; }
pass "cosign-cpp sign (keyless, token inline)"
check_eq "one Fulcio request (v2), then one Rekor request" "POST /api/v2/signingCert 200|POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | paste -sd'|')"
check_contains "cosign's first line" "$ERR" "Generating ephemeral keys..."
check_contains "cosign's Fulcio line" "$ERR" "Retrieving signed certificate..."
check_contains "cosign's SCT line (the SCT verified with SIGSTORE_CT_LOG_PUBLIC_KEY_FILE's key)" "$ERR" "Successfully verified SCT..."
check_contains "cosign's statement before the upload" "$ERR" "By typing 'y', you attest that"
check_contains "cosign's tlog line" "$ERR" "tlog entry created with index: "
check_not_contains "the token is never printed" "$ERR" "$TOKEN"
layer_annotation cpp "$D" dev.sigstore.cosign/certificate > layer.crt
layer_annotation cpp "$D" dev.sigstore.cosign/chain > layer-chain.crt
layer_annotation cpp "$D" dev.sigstore.cosign/bundle > layer-bundle.json
check_file_eq "--output-certificate holds the layer's certificate" layer.crt out.crt
check "the certificate chains to the local Fulcio root" openssl verify -CAfile "$T/fulcio_root.pem" layer.crt
check_eq "the chain annotation is the Fulcio root" "$(fingerprint "$T/fulcio_root.pem")" "$(fingerprint layer-chain.crt)"
check_eq "the certificate names the identity (rfc822Name SAN)" "email:$EMAIL" \
  "$(openssl x509 -noout -ext subjectAltName -in layer.crt | tail -n1 | tr -d ' ')"
check_eq "the Rekor entry carries the certificate (base64 PEM), not a public key" "$(base64 -w0 layer.crt)" \
  "$(jq -r .Payload.body layer-bundle.json | base64 -d | jq -r .spec.signature.publicKey.content)"
check_eq "the layer's annotations are cosign's four" \
  '["dev.cosignproject.cosign/signature","dev.sigstore.cosign/bundle","dev.sigstore.cosign/certificate","dev.sigstore.cosign/chain"]' \
  "$(get_manifest "$REG_DIR" cpp "$(sig_tag "$D")" | jq -c '.layers[0].annotations | keys')"
run_cmd c2verify c2env verify "${ID[@]}" "$REG/cpp@$D"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 does not verify cosign-cpp's keyless signature"; }
check_contains "cosign 2 verifies it (identity, issuer, SCT, SET)" "$OUT" "\"docker-manifest-digest\":\"$D\""
check_contains "... and names the certificate checks" "$ERR" "The code-signing certificate was verified using trusted certificate authority certificates"
run_cmd c3verify "$COSIGN3" verify --new-bundle-format=false "${ID[@]}" --trusted-root "$T/trusted_root.json" "$REG/cpp@$D"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 does not verify cosign-cpp's keyless signature"; }
check_contains "cosign 3 verifies it with --trusted-root" "$OUT" "\"docker-manifest-digest\":\"$D\""
run_cmd c2wrong c2env verify --certificate-identity bob@example.com --certificate-oidc-issuer "$ISS" "$REG/cpp@$D"
[ "$RC" -ne 0 ] && grep -q "none of the expected identities matched" "$ERR" || { show stderr "$ERR"; die "cosign 2 accepted another identity"; }
pass "cosign 2 refuses another identity"
run_cmd c3wrong "$COSIGN3" verify --new-bundle-format=false --certificate-identity "$EMAIL" --certificate-oidc-issuer http://127.0.0.1:1 \
  --trusted-root "$T/trusted_root.json" "$REG/cpp@$D"
[ "$RC" -ne 0 ] && grep -q "none of the expected identities matched" "$ERR" || { show stderr "$ERR"; die "cosign 3 accepted another issuer"; }
pass "cosign 3 refuses another issuer"

say "== the token as a file, and from SIGSTORE_ID_TOKEN"
D2=$(push_image "$REG_DIR" cppfile:v1)
check "cosign-cpp sign --identity-token FILE" "$COSIGN_CPP" sign -y "${SVC[@]}" --identity-token token.jwt "$REG/cppfile@$D2"
check "cosign 2 verifies it" c2env verify "${ID[@]}" "$REG/cppfile@$D2"
D3=$(push_image "$REG_DIR" cppenv:v1)
check "cosign-cpp sign with SIGSTORE_ID_TOKEN" env SIGSTORE_ID_TOKEN="$TOKEN" "$COSIGN_CPP" sign -y "${SVC[@]}" "$REG/cppenv@$D3"
check "cosign 3 verifies it" "$COSIGN3" verify --new-bundle-format=false "${ID[@]}" --trusted-root "$T/trusted_root.json" "$REG/cppenv@$D3"
M=$(sigstore_mock_mark)
check_fails "a malformed inline token is refused before any request" \
  "$COSIGN_CPP" sign -y "${SVC[@]}" --identity-token "eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln" "$REG/cppfile@$D2"
check_not_contains "... without echoing it" "$ERR" "eyJhbGciOiJSUzI1NiJ9.bm90LWpzb24.c2ln"
check_eq "... no request to Fulcio" "" "$(sigstore_mock_requests "$M")"

say "== a Fulcio with only the legacy v1 API (v2 answers 404 through a proxy): v1, as cosign 2 asks it"
. "$LIB_DIR/fault_proxy.sh"
mkdir -p fulcio-v1 && printf '%s' "${U#http://}" > fulcio-v1/address
proxy_start fulcio-v1
faults '[{"fault": "status", "status": 404, "method": "POST", "path": "^/api/v2/signingCert"}]'
D6=$(push_image "$REG_DIR" cppv1:v1)
M=$(sigstore_mock_mark)
check "cosign-cpp sign against a v1-only Fulcio" "$COSIGN_CPP" sign -y --fulcio-url "http://$PROXY" --rekor-url "$U" \
  --trusted-root "$TR" --identity-token token.jwt "$REG/cppv1@$D6"
check_contains "... its SCT verified (--trusted-root's CT log)" "$ERR" "Successfully verified SCT..."
check_eq "... v2 refused by the proxy, then v1 (201) and Rekor" "POST /api/v1/signingCert 201|POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | paste -sd'|')"
check_eq "... one v2 attempt" "1" "$(proxy_count 'POST /api/v2/signingCert -> status 404')"
layer_annotation cppv1 "$D6" dev.sigstore.cosign/chain > v1-chain.crt
check_eq "... the chain annotation is the root as v1 sends it (no final newline, as cosign 2 stores it)" \
  "$(fingerprint "$T/fulcio_root.pem") no-newline" "$(fingerprint v1-chain.crt) $([ "$(tail -c1 v1-chain.crt | od -An -c | tr -d ' ')" = '\n' ] && echo newline || echo no-newline)"
check "cosign 2 verifies it" c2env verify "${ID[@]}" "$REG/cppv1@$D6"
check "cosign 3 verifies it" "$COSIGN3" verify --new-bundle-format=false "${ID[@]}" --trusted-root "$T/trusted_root.json" "$REG/cppv1@$D6"

say "== --issue-certificate with --key: the key certified by Fulcio"
export COSIGN_PASSWORD=keyless-test-pw
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "cosign-cpp generate-key-pair failed"
D4=$(push_image "$REG_DIR" cppkey:v1)
check "cosign-cpp sign --key --issue-certificate" "$COSIGN_CPP" sign -y --key cosign.key --issue-certificate "${SVC[@]}" \
  --identity-token token.jwt "$REG/cppkey@$D4"
layer_annotation cppkey "$D4" dev.sigstore.cosign/certificate > key.crt
check_eq "the certificate is for the key" "$(openssl pkey -pubin -in cosign.pub -outform DER | sha256sum)" \
  "$(openssl x509 -noout -pubkey -in key.crt | openssl pkey -pubin -outform DER | sha256sum)"
check "cosign 2 verifies it with identity flags" c2env verify "${ID[@]}" "$REG/cppkey@$D4"
# (cosign 2 verify --key refuses such a signature, cosign's own included: its Rekor entry holds the
# certificate, which verify compares with the key's PEM.)

say "== sign-blob keyless: --output-signature/--output-certificate; cosign 2 and 3 verify-blob"
echo "keyless blob" > blob.txt
echo "tampered blob" > blob-tampered.txt
M=$(sigstore_mock_mark)
run_cmd signblob "$COSIGN_CPP" sign-blob -y "${SVC[@]}" --identity-token token.jwt --output-certificate blob.crt \
  --output-signature blob.sig blob.txt
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp keyless sign-blob failed"; }
pass "cosign-cpp sign-blob (keyless)"
check_eq "one Fulcio request, then one Rekor request" "POST /api/v2/signingCert 200|POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | paste -sd'|')"
check_contains "cosign's lines" "$ERR" "Wrote certificate to file blob.crt"
check "the certificate chains to the local Fulcio root" openssl verify -CAfile "$T/fulcio_root.pem" blob.crt
check "the signature verifies over the blob with the certificate's key" \
  bash -c 'openssl x509 -noout -pubkey -in blob.crt > blob.pub && base64 -d blob.sig > blob.sig.der && openssl dgst -sha256 -verify blob.pub -signature blob.sig.der blob.txt'
run_cmd c2vb c2env verify-blob --rekor-url "$U" --certificate blob.crt --signature blob.sig "${ID[@]}" blob.txt
[ "$RC" -eq 0 ] && grep -q "Verified OK" "$ERR" || { show stderr "$ERR"; die "cosign 2 verify-blob failed"; }
pass "cosign 2 verify-blob --certificate --signature (the entry found in Rekor)"
run_cmd c3vb c3env verify-blob --new-bundle-format=false --rekor-url "$U" --certificate blob.crt --signature blob.sig "${ID[@]}" blob.txt
[ "$RC" -eq 0 ] && grep -q "Verified OK" "$ERR" || { show stderr "$ERR"; die "cosign 3 verify-blob failed"; }
pass "cosign 3 verify-blob --certificate --signature"
run_cmd c2vbt c2env verify-blob --rekor-url "$U" --certificate blob.crt --signature blob.sig "${ID[@]}" blob-tampered.txt
[ "$RC" -ne 0 ] || die "cosign 2 verified a tampered blob"
pass "cosign 2 refuses the tampered blob"
# cosign-cpp's own verify-blob --certificate: the chain to the trust root's Fulcio CA, the SCT, the
# identity, the Rekor entry (looked up, or the bundle's) and the certificate valid at its time.
M=$(sigstore_mock_mark)
run_cmd cppvb "$COSIGN_CPP" verify-blob --trusted-root "$TR" --rekor-url "$U" --certificate blob.crt --signature blob.sig "${ID[@]}" blob.txt
[ "$RC" -eq 0 ] && grep -q "Verified OK" "$ERR" || { show stderr "$ERR"; die "cosign-cpp verify-blob --certificate failed"; }
pass "cosign-cpp verify-blob --certificate --signature (the entry found in Rekor)"
check_eq "... one Rekor lookup" "POST /api/v1/log/entries/retrieve 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check "... with --certificate-chain (the chain file as the trust)" "$COSIGN_CPP" verify-blob --trusted-root "$TR" --rekor-url "$U" \
  --certificate blob.crt --certificate-chain "$T/fulcio_root.pem" --signature blob.sig "${ID[@]}" blob.txt
check "... with the SIGSTORE_* variables and --insecure-ignore-tlog (the certificate valid now)" \
  env SIGSTORE_ROOT_FILE="$T/fulcio_root.pem" SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" \
  "$COSIGN_CPP" verify-blob --insecure-ignore-tlog --certificate blob.crt --signature blob.sig "${ID[@]}" blob.txt
check_fails "... a tampered blob is refused" "$COSIGN_CPP" verify-blob --trusted-root "$TR" --rekor-url "$U" \
  --certificate blob.crt --signature blob.sig "${ID[@]}" blob-tampered.txt
check_fails "... another identity is refused" "$COSIGN_CPP" verify-blob --trusted-root "$TR" --rekor-url "$U" \
  --certificate blob.crt --signature blob.sig --certificate-identity bob@example.com --certificate-oidc-issuer "$ISS" blob.txt
check_contains "... naming the identity check" "$ERR" "none of the expected identities matched what was in the certificate"
jq '.ctlogs = []' "$TR" > no-ctlog-root.json
check_fails "... a trust root without the CT log is refused" "$COSIGN_CPP" verify-blob --trusted-root no-ctlog-root.json \
  --rekor-url "$U" --certificate blob.crt --signature blob.sig "${ID[@]}" blob.txt
check_contains "... naming the SCT check" "$ERR" "SCT: no trusted CT log has log id"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/O=sigstore.mock/CN=sigstore" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout other-ca.key -out other-ca.pem >/dev/null 2>&1 || die "openssl could not make another CA"
jq --arg c "$(openssl x509 -in other-ca.pem -outform DER | base64 -w0)" \
  '.certificateAuthorities[0].certChain.certificates = [{rawBytes: $c}]' "$TR" > other-ca-root.json
M=$(sigstore_mock_mark)
check_fails "... a trust root whose Fulcio CA is another is refused" "$COSIGN_CPP" verify-blob --trusted-root other-ca-root.json \
  --rekor-url "$U" --certificate blob.crt --signature blob.sig "${ID[@]}" blob.txt
check_contains "... naming the chain check" "$ERR" "certificate chain: the certificate does not chain to a Fulcio certificate authority of the trust root"
check_eq "... before any Rekor request" "" "$(sigstore_mock_requests "$M")"
check "sign-blob keyless --bundle (cosign's legacy bundle, with the certificate)" \
  "$COSIGN_CPP" sign-blob -y "${SVC[@]}" --identity-token token.jwt --bundle blob.bundle blob.txt
check_eq "... its fields are cosign's" '["base64Signature","cert","rekorBundle"]' "$(jq -c keys_unsorted blob.bundle)"
check "... and cosign 2 verifies the blob with it (offline, no Rekor lookup)" \
  c2env verify-blob --bundle blob.bundle "${ID[@]}" blob.txt
check "... cosign 3 too" c3env verify-blob --new-bundle-format=false --bundle blob.bundle "${ID[@]}" blob.txt
jq -r .cert blob.bundle | base64 -d > bundle.crt
M=$(sigstore_mock_mark)
check "... and cosign-cpp verify-blob --bundle --certificate (offline: the bundle's entry dates the certificate)" \
  "$COSIGN_CPP" verify-blob --trusted-root "$TR" --offline --bundle blob.bundle --certificate bundle.crt "${ID[@]}" blob.txt
check_eq "... no request to the Sigstore mock" "" "$(sigstore_mock_requests "$M")"
check_fails "... another keyless certificate (the earlier sign-blob's) is refused" \
  "$COSIGN_CPP" verify-blob --trusted-root "$TR" --offline --bundle blob.bundle --certificate blob.crt "${ID[@]}" blob.txt
check_contains "... naming the log check" "$ERR" "the Rekor entry was made with another public key or certificate"
M=$(sigstore_mock_mark)
check "sign-blob with SIGSTORE_ID_TOKEN, signature on stdout" env SIGSTORE_ID_TOKEN="$TOKEN" "$COSIGN_CPP" sign-blob -y "${SVC[@]}" blob.txt
base64 -d "$OUT" > /dev/null 2>&1 || die "sign-blob printed no base64 signature"
pass "... the signature printed is base64"

say "== rejections: nothing written, nothing logged"
# A token Fulcio refuses: the real token with another signature (Fulcio checks it with the issuer's JWKS).
FORGED=${TOKEN%.*}.$(printf 'forged-signature-forged-signature' | base64 -w0 | tr '+/' '-_' | tr -d '=')
printf '%s' "$FORGED" > forged.jwt
D5=$(push_image "$REG_DIR" refused:v1)
BEFORE=$(reg_snapshot "$REG_DIR")
M=$(sigstore_mock_mark)
RM=$(reg_mark "$REG_DIR")
run_cmd forged "$COSIGN_CPP" sign -y "${SVC[@]}" --identity-token forged.jwt "$REG/refused@$D5"
[ "$RC" -ne 0 ] || die "cosign-cpp signed with a token Fulcio refuses"
pass "a token Fulcio refuses: exit $RC"
check_contains "... the error names Fulcio and its reason" "$ERR" "refused the identity token: HTTP 401: OIDC token rejected"
check_not_contains "... and not the token" "$ERR" "$FORGED"
check_eq "... Fulcio was asked once, Rekor never" "POST /api/v2/signingCert 401" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_eq "... no registry request at all" "0" "$(reg_count_since "$REG_DIR" "$RM")"
check_eq "... the registry is unchanged (crane catalog, tags, digests, storage)" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
M=$(sigstore_mock_mark)
run_cmd forgedblob "$COSIGN_CPP" sign-blob -y "${SVC[@]}" --identity-token forged.jwt --output-signature f.sig --output-certificate f.crt blob.txt
[ "$RC" -ne 0 ] && [ ! -e f.sig ] && [ ! -e f.crt ] || die "sign-blob with a refused token wrote files or exited 0"
pass "sign-blob with a refused token: exit $RC, no files"
check_eq "... no Rekor request" "POST /api/v2/signingCert 401" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"

# No terminal and no -y: cosign's statement, then declined (cosign asks Fulcio first, as here).
M=$(sigstore_mock_mark)
run_cmd declined "$COSIGN_CPP" sign "${SVC[@]}" --identity-token token.jwt "$REG/refused@$D5"
[ "$RC" -ne 0 ] || die "sign without -y and without a terminal went ahead"
check_contains "without -y and a terminal: declined" "$ERR" "should upload to tlog: user declined the prompt"
check_contains "... after cosign's question" "$ERR" "Are you sure you would like to continue? [y/N]"
check_eq "... nothing logged" "POST /api/v2/signingCert 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_eq "... the registry is unchanged" "$BEFORE" "$(reg_snapshot "$REG_DIR")"

M=$(sigstore_mock_mark)
check_fails "no token at all" "$COSIGN_CPP" sign -y "${SVC[@]}" "$REG/refused@$D5"
check_contains "... says how to pass one" "$ERR" "no identity token: pass --identity-token"
check_fails "the default (public) Fulcio is refused under COSIGN_CPP_FORBID_PUBLIC_SIGSTORE" \
  "$COSIGN_CPP" sign -y --rekor-url "$U" --identity-token token.jwt "$REG/refused@$D5"
check_contains "... naming it" "$ERR" "refusing to contact the public Sigstore service at https://fulcio.$PUBLIC_SIGSTORE_DOMAIN/api/v2/signingCert"
check_eq "... no request reached the local services" "" "$(sigstore_mock_requests "$M")"
check_eq "... the registry is unchanged" "$BEFORE" "$(reg_snapshot "$REG_DIR")"

say "== an SCT that does not verify: refused before Rekor and the registry"
# Another P-256 key as the CT log's: its log id is not the one Fulcio's SCT names.
openssl ecparam -name prime256v1 -genkey -noout -out other-ct.key 2>/dev/null && openssl ec -in other-ct.key -pubout -out other-ct.pub 2>/dev/null \
  || die "openssl could not make another CT log key"
# A trusted root whose CT log keeps the log id but has another key: the SCT's signature fails.
jq --arg k "$(openssl pkey -pubin -in other-ct.pub -outform DER | base64 -w0)" '.ctlogs[0].publicKey.rawBytes = $k' "$TR" > other-ct-root.json
D7=$(push_image "$REG_DIR" sct:v1)
BEFORE=$(reg_snapshot "$REG_DIR")
M=$(sigstore_mock_mark)
RM=$(reg_mark "$REG_DIR")
run_cmd sctenv env SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$WORK/other-ct.pub" "$COSIGN_CPP" sign -y --fulcio-url "$U" --rekor-url "$U" \
  --identity-token token.jwt "$REG/sct@$D7"
[ "$RC" -ne 0 ] || die "cosign-cpp signed with a certificate whose SCT no trusted CT log key verifies"
pass "SIGSTORE_CT_LOG_PUBLIC_KEY_FILE with another key: exit $RC"
check_contains "... the error names the SCT check" "$ERR" "getting signer: getting key from Fulcio: verifying SCT: SCT: no trusted CT log has log id"
check_not_contains "... no success line" "$ERR" "Successfully verified SCT"
check_eq "... Fulcio was asked, Rekor never" "POST /api/v2/signingCert 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_eq "... no registry request at all" "0" "$(reg_count_since "$REG_DIR" "$RM")"
check_eq "... the registry is unchanged" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
M=$(sigstore_mock_mark)
run_cmd c2sct env SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$WORK/other-ct.pub" "$COSIGN2" sign -y --fulcio-url "$U" --rekor-url "$U" \
  --identity-token "$TOKEN" "$REG/sct@$D7"
[ "$RC" -ne 0 ] && grep -q "verifying SCT" "$ERR" || { show stderr "$ERR"; die "cosign 2 did not refuse the SCT with another CT log key"; }
pass "... as cosign 2 refuses it (verifying SCT)"
check_eq "... the registry is unchanged by cosign 2 either" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
M=$(sigstore_mock_mark)
RM=$(reg_mark "$REG_DIR")
run_cmd sctroot "$COSIGN_CPP" sign -y --fulcio-url "$U" --rekor-url "$U" --trusted-root other-ct-root.json \
  --identity-token token.jwt "$REG/sct@$D7"
[ "$RC" -ne 0 ] || die "cosign-cpp signed with a certificate whose SCT the trusted root's CT log key does not verify"
pass "a trusted_root.json whose CT log has another key: exit $RC"
check_contains "... the error names the SCT signature check" "$ERR" \
  "getting key from Fulcio: verifying SCT: SCT: the embedded SCT's signature does not verify with the key of CT log"
check_eq "... Fulcio was asked, Rekor never" "POST /api/v2/signingCert 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_eq "... no registry request at all" "0" "$(reg_count_since "$REG_DIR" "$RM")"
check_eq "... the registry is unchanged" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
M=$(sigstore_mock_mark)
run_cmd sctblob "$COSIGN_CPP" sign-blob -y --fulcio-url "$U" --rekor-url "$U" --trusted-root other-ct-root.json \
  --identity-token token.jwt --output-signature sct.sig --output-certificate sct.crt --bundle sct.bundle blob.txt
[ "$RC" -ne 0 ] && [ ! -e sct.sig ] && [ ! -e sct.crt ] && [ ! -e sct.bundle ] || die "sign-blob with an SCT that does not verify wrote files or exited 0"
pass "sign-blob with an SCT that does not verify: exit $RC, no files"
check_contains "... naming the SCT check" "$ERR" "verifying SCT: SCT: the embedded SCT's signature does not verify"
check_eq "... no Rekor request" "POST /api/v2/signingCert 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
M=$(sigstore_mock_mark)
run_cmd sctskip env SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$WORK/other-ct.pub" "$COSIGN_CPP" sign -y --insecure-skip-verify \
  --fulcio-url "$U" --rekor-url "$U" --identity-token token.jwt "$REG/sct@$D7"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "--insecure-skip-verify did not skip the SCT check"; }
pass "--insecure-skip-verify skips the SCT check (as cosign's)"
check_not_contains "... without the success line" "$ERR" "Successfully verified SCT"
check_eq "... Fulcio, then Rekor" "POST /api/v2/signingCert 200|POST /api/v1/log/entries 201" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}' | paste -sd'|')"
check "... and cosign 2 verifies that signature (the SCT is good: only the key given was wrong)" c2env verify "${ID[@]}" "$REG/sct@$D7"

check_eq "no 5xx from the local Sigstore services" "" "$(grep -E ' 5[0-9][0-9]$' "$T/requests.log" || true)"
finish
