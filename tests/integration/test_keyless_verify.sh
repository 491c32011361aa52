#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Keyless verification (issue 12, the verify half), against a local registry, the local OIDC
# issuer (tests/peers/oidc-server.mjs) and the local Fulcio/CT log/Rekor mock (tests/peers):
#   the REAL cosign 2.5 and 3.1 sign keyless in the legacy .sig layout (the flags of
#   cosign 3 with --new-bundle-format=false); cosign-cpp
#   verifies without --key, with identity flags, exact and by RE2 regexp ((?i)), with the trust
#   from --trusted-root, from the SIGSTORE_* variables and from `initialize`'s TUF cache, printing
#   what cosign 2 prints byte for byte; rejected, each with the failing check named and exit 12
#   (1 for bad flags): a wrong identity, a wrong issuer, a regexp that does not match, a trust
#   root whose Fulcio CA is another (made with openssl), one without the CT log (the SCT; passes
#   with --insecure-ignore-sct), a key-signed layer (no certificate), RE2 syntax ECMAScript would
#   misread, a missing identity flag; a layer without a bundle is looked up in Rekor (and fails
#   with --offline). verify --certificate FILE: the local Fulcio's certificate verifies against the
#   trust root's Fulcio CA (no --certificate-chain; output as cosign 2's) or a --certificate-chain,
#   its SCT checked; refused, exit 1, naming the check: a certificate of another CA (made with
#   openssl; cosign 2 refuses it too), a trust root or chain of another CA, no CT log, another
#   identity, issuer or workflow claim. (A certificate expired at integratedTime and a missing or
#   forged SCT cannot be made with a valid SET here: tests/unit/keyless_verify_test.cpp.)
#   No request leaves 127.0.0.1, and verifying with a bundle makes none to the mock.
. "$(dirname "$0")/lib.sh"

setup_interop
oidc_issuer_start
sigstore_mock_start sigstore --oidc-issuer "$OIDC_ISSUER" --oidc-jwks "$OIDC_ISSUER/jwks"
registry_start plain
U=$SIGSTORE_MOCK_URL T=$SIGSTORE_MOCK_DIR ISS=$OIDC_ISSUER
TR=$T/trusted_root.json
[ -s "$TR" ] && [ -s "$T/fulcio_root.pem" ] && [ -s "$T/ctfe.pub" ] || die "the mock wrote no trust files"
oidc_token alice@example.com token.jwt
TOKEN=$(cat token.jwt)

# cosign 2 with its trust from the SIGSTORE_* files (keyless-cosign.sh's c2env).
c2env() {
  env SIGSTORE_ROOT_FILE="$T/fulcio_root.pem" SIGSTORE_REKOR_PUBLIC_KEY="$T/rekor.pub" \
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" SIGSTORE_TSA_CERTIFICATE_FILE="$T/tsa_chain.pem" "$COSIGN2" "$@"
}
ID=(--certificate-identity alice@example.com --certificate-oidc-issuer "$ISS")

say "== the real cosign 2.5 and 3.1 sign keyless (legacy .sig layout)"
D2=$(push_image "$REG_DIR" c2:v1)
run_cmd c2sign c2env sign -y --fulcio-url "$U" --rekor-url "$U" --timestamp-server-url "$U/api/v1/timestamp" \
  --identity-token "$TOKEN" "$REG/c2@$D2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 sign keyless failed"; }
pass "cosign 2 sign keyless (Fulcio v1, Rekor, TSA of the mock)"
D3=$(push_image "$REG_DIR" c3:v1)
run_cmd c3sign "$COSIGN3" sign -y --new-bundle-format=false --use-signing-config=false \
  --fulcio-url "$U" --rekor-url "$U" --timestamp-server-url "$U/api/v1/timestamp" \
  --identity-token token.jwt --trusted-root "$TR" "$REG/c3@$D3"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 sign keyless failed"; }
pass "cosign 3 sign keyless --new-bundle-format=false"
for r in c2 c3; do
  d=$D2; [ "$r" = c3 ] && d=$D3
  get_manifest "$REG_DIR" "$r" "$(sig_tag "$d")" | jq -e '.layers[0].annotations["dev.sigstore.cosign/certificate"]' >/dev/null \
    || die "$r's signature layer has no certificate"
done
pass "both layers carry a Fulcio certificate"

say "== cosign-cpp verifies keyless as cosign 2 does"
for r in c2 c3; do
  d=$D2; [ "$r" = c3 ] && d=$D3
  run_cmd "c2verify-$r" c2env verify "${ID[@]}" "$REG/$r@$d"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 verify of $r's keyless signature failed"; }
  cp "$OUT" "ref-$r.out"; cp "$ERR" "ref-$r.err"
  M=$(sigstore_mock_mark)
  check "cosign-cpp verify --trusted-root, identity and issuer exact ($r's signature)" \
    "$COSIGN_CPP" verify --trusted-root "$TR" "${ID[@]}" "$REG/$r@$d"
  check_file_eq "... stdout (JSON with Subject, Issuer, Bundle, RFC3161Timestamp) is cosign 2's byte for byte" "ref-$r.out" "$OUT"
  check_file_eq "... stderr (the checks performed) is cosign 2's byte for byte" "ref-$r.err" "$ERR"
  check_eq "... no request to the Sigstore mock (the bundle is checked offline)" "" "$(sigstore_mock_requests "$M")"
done
check_contains "the certificate check is cosign's line" "$ERR" \
  "  - The code-signing certificate was verified using trusted certificate authority certificates"
check "SIGSTORE_ROOT_FILE, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE, SIGSTORE_REKOR_PUBLIC_KEY instead of --trusted-root" \
  env SIGSTORE_ROOT_FILE="$T/fulcio_root.pem" SIGSTORE_REKOR_PUBLIC_KEY="$T/rekor.pub" \
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" "$COSIGN_CPP" verify "${ID[@]}" "$REG/c2@$D2"
check_file_eq "... the same output" ref-c2.out "$OUT"
check "cosign-cpp initialize --mirror <mock>/tuf" "$COSIGN_CPP" initialize --mirror "$U/tuf" --root "$T/tuf-root.json"
check "the trust from the TUF cache (no trust flag at all)" "$COSIGN_CPP" verify "${ID[@]}" "$REG/c3@$D3"
check_file_eq "... the same output" ref-c3.out "$OUT"
check "--offline" "$COSIGN_CPP" verify --offline --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
check "regexps in RE2 syntax: (?i) and an unanchored issuer" \
  "$COSIGN_CPP" verify --trusted-root "$TR" --certificate-identity-regexp '(?i)^ALICE@EXAMPLE\.com$' \
  --certificate-oidc-issuer-regexp '127\.0\.0\.1:[0-9]+' "$REG/c3@$D3"
check "-o text" "$COSIGN_CPP" verify -o text --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
check_contains "... Certificate subject" "$ERR" "Certificate subject: alice@example.com"
check_contains "... Certificate issuer URL" "$ERR" "Certificate issuer URL: $ISS"
check "--insecure-ignore-sct with the full trust root still verifies" \
  "$COSIGN_CPP" verify --insecure-ignore-sct --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"

# expect_reject NAME RC MESSAGE ARGS...: cosign-cpp verify ARGS exits RC and says MESSAGE.
expect_reject() {
  local name=$1 rc=$2 msg=$3; shift 3
  run_cmd "$name" "$COSIGN_CPP" verify "$@"
  if [ "$RC" -ne "$rc" ]; then show stderr "$ERR"; die "$name: exit $RC, expected $rc"; fi
  check_contains "$name: exit $rc, naming the check" "$ERR" "$msg"
}

say "== a layer without a bundle: its Rekor entry looked up (the certificate in it), as cosign does"
SIGTAG=$(sig_tag "$D2")
get_manifest "$REG_DIR" c2 "$SIGTAG" > c2-sig.json
jq -c 'del(.layers[0].annotations["dev.sigstore.cosign/bundle"])' c2-sig.json | tr -d '\n' > c2-nobundle.json
put_manifest "$REG_DIR" c2 "$SIGTAG" c2-nobundle.json
run_cmd c2look c2env verify --rekor-url "$U" "${ID[@]}" "$REG/c2@$D2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 keyless verify with a lookup failed"; }
cp "$OUT" look.out; cp "$ERR" look.err
M=$(sigstore_mock_mark)
check "cosign-cpp verify keyless looks the entry up (--rekor-url)" "$COSIGN_CPP" verify --trusted-root "$TR" --rekor-url "$U" "${ID[@]}" "$REG/c2@$D2"
check_eq "... one Rekor request: POST /api/v1/log/entries/retrieve 200" "POST /api/v1/log/entries/retrieve 200" \
  "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_file_eq "... stdout is cosign 2's" look.out "$OUT"
check_file_eq "... stderr is cosign 2's" look.err "$ERR"
expect_reject nobundle-offline 12 "transparency log: the signature has no transparency-log bundle" \
  --offline --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
put_manifest "$REG_DIR" c2 "$SIGTAG" c2-sig.json

say "== rejected, each naming the failed check"
expect_reject wrong-identity 12 "none of the expected identities matched what was in the certificate, got subjects [alice@example.com]" \
  --trusted-root "$TR" --certificate-identity bob@example.com --certificate-oidc-issuer "$ISS" "$REG/c2@$D2"
expect_reject wrong-issuer 12 "with issuer $ISS" \
  --trusted-root "$TR" --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:1 "$REG/c3@$D3"
expect_reject regexp-no-match 12 "none of the expected identities matched" \
  --trusted-root "$TR" --certificate-identity-regexp '^ALICE@' --certificate-oidc-issuer "$ISS" "$REG/c2@$D2"
expect_reject re2-refused 1 "look-around assertions are not RE2 syntax" \
  --trusted-root "$TR" --certificate-identity-regexp '(?=alice)' --certificate-oidc-issuer "$ISS" "$REG/c2@$D2"
expect_reject re2-mid-flags 1 "flags are supported only at the start" \
  --trusted-root "$TR" --certificate-identity-regexp 'alice(?i)@EXAMPLE' --certificate-oidc-issuer "$ISS" "$REG/c2@$D2"
expect_reject no-issuer-flag 1 "--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required" \
  --trusted-root "$TR" --certificate-identity alice@example.com "$REG/c2@$D2"

# A trusted root whose Fulcio CA is another one (made with openssl), everything else the same.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/O=sigstore.mock/CN=sigstore" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout other-ca.key -out other-ca.pem >/dev/null 2>&1 || die "openssl could not make another CA"
OTHER=$(openssl x509 -in other-ca.pem -outform DER | base64 -w0)
jq --arg c "$OTHER" '.certificateAuthorities[0].certChain.certificates = [{rawBytes: $c}]' "$TR" > other-ca-root.json
expect_reject other-ca 12 "certificate chain: the certificate does not chain to a Fulcio certificate authority of the trust root" \
  --trusted-root other-ca-root.json "${ID[@]}" "$REG/c2@$D2"
# The layer's chain annotation (cosign 2 stores the mock's root there) is not trust.
check_contains "... even though cosign 2's layer carries the real root in its chain annotation" "$ERR" "certificate signed by unknown authority"
jq '.ctlogs = []' "$TR" > no-ctlog-root.json
expect_reject no-ct-log 12 "SCT: no trusted CT log has log id" --trusted-root no-ctlog-root.json "${ID[@]}" "$REG/c3@$D3"
check "... --insecure-ignore-sct skips the SCT" "$COSIGN_CPP" verify --insecure-ignore-sct --trusted-root no-ctlog-root.json "${ID[@]}" "$REG/c3@$D3"
jq '.certificateAuthorities[0].validFor.end = .certificateAuthorities[0].validFor.start' "$TR" > ca-window-root.json
expect_reject ca-window 12 "certificate chain: no Fulcio certificate authority of the trust root was valid at" \
  --trusted-root ca-window-root.json "${ID[@]}" "$REG/c2@$D2"

say "== verify --certificate: the certificate given checked against the trust root's Fulcio CAs (or --certificate-chain)"
# The log is left out (--insecure-ignore-tlog), as the --certificate tests of the sign page do:
# cosign 2.5 compares the Rekor entry's certificate with the certificate's public key PEM and
# fails ("comparing public key PEMs") on every keyless signature given with --certificate.
NOTLOG=--insecure-ignore-tlog
get_manifest "$REG_DIR" c2 "$(sig_tag "$D2")" | jq -j '.layers[0].annotations["dev.sigstore.cosign/certificate"]' > c2.crt
get_manifest "$REG_DIR" c3 "$(sig_tag "$D3")" | jq -j '.layers[0].annotations["dev.sigstore.cosign/certificate"]' > c3.crt
run_cmd c2cert c2env verify $NOTLOG --certificate c2.crt "${ID[@]}" "$REG/c2@$D2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 verify $NOTLOG --certificate (no chain) failed"; }
cp "$OUT" cert-c2.out; cp "$ERR" cert-c2.err
check "cosign-cpp verify $NOTLOG --certificate (the local Fulcio's certificate, no chain: the trust root's Fulcio CA, and the SCT)" \
  "$COSIGN_CPP" verify $NOTLOG --certificate c2.crt --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
check_file_eq "... stdout is cosign 2's" cert-c2.out "$OUT"
check_file_eq "... stderr is cosign 2's" cert-c2.err "$ERR"
check "... and with the log (the SET, offline), which cosign 2.5 fails on" \
  "$COSIGN_CPP" verify --certificate c2.crt --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
check_contains "... saying so" "$ERR" "Existence of the claims in the transparency log was verified offline"
check "... the same with the SIGSTORE_* variables" \
  env SIGSTORE_ROOT_FILE="$T/fulcio_root.pem" SIGSTORE_REKOR_PUBLIC_KEY="$T/rekor.pub" \
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE="$T/ctfe.pub" "$COSIGN_CPP" verify $NOTLOG --certificate c2.crt "${ID[@]}" "$REG/c2@$D2"
check "... cosign 3's certificate (its layer's chain annotation is empty)" \
  "$COSIGN_CPP" verify $NOTLOG --certificate c3.crt --trusted-root "$TR" "${ID[@]}" "$REG/c3@$D3"
check "--certificate-chain as cosign takes it (the chain file is the trust), the SCT checked without --insecure-ignore-sct" \
  "$COSIGN_CPP" verify $NOTLOG --certificate c2.crt --certificate-chain "$T/fulcio_root.pem" --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
# expect_cert_reject NAME MESSAGE ARGS...: cosign-cpp verify $NOTLOG ARGS fails (exit 1, as
# cosign 2 exits when the certificate it was given fails) and says MESSAGE; nothing is fetched.
expect_cert_reject() {
  local name=$1 msg=$2; shift 2
  local m rm
  m=$(sigstore_mock_mark); rm=$(reg_mark "$REG_DIR")
  run_cmd "$name" "$COSIGN_CPP" verify $NOTLOG "$@"
  if [ "$RC" -ne 1 ]; then show stderr "$ERR"; die "$name: exit $RC, expected 1"; fi
  check_contains "$name: exit 1, naming the check" "$ERR" "$msg"
  check_eq "... before any registry or Rekor request" "0 " "$(reg_count_since "$REG_DIR" "$rm") $(sigstore_mock_requests "$m")"
}
# A certificate from another CA (openssl, the CA above): the identity of the local one, code signing.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/O=sigstore.mock" -keyout other-leaf.key \
  -out other-leaf.csr >/dev/null 2>&1 || die "openssl could not make a CSR"
printf '%s\n' "subjectAltName=email:alice@example.com" "extendedKeyUsage=codeSigning" "keyUsage=critical,digitalSignature" \
  "1.3.6.1.4.1.57264.1.1=ASN1:UTF8String:$ISS" > other-leaf.ext
openssl x509 -req -in other-leaf.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -days 1 -extfile other-leaf.ext \
  -out other-leaf.crt >/dev/null 2>&1 || die "openssl could not issue the other CA's leaf"
expect_cert_reject cert-other-ca "certificate chain: the certificate does not chain to a Fulcio certificate authority of the trust root (x509: certificate signed by unknown authority)" \
  --certificate other-leaf.crt --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
run_cmd c2otherca c2env verify $NOTLOG --certificate other-leaf.crt "${ID[@]}" "$REG/c2@$D2"
[ "$RC" -ne 0 ] && grep -q "certificate signed by unknown authority" "$ERR" || { show stderr "$ERR"; die "cosign 2 accepted the other CA's certificate"; }
pass "... as cosign 2 refuses it (exit $RC, unknown authority)"
expect_cert_reject cert-other-root "certificate chain: the certificate does not chain to a Fulcio certificate authority" \
  --certificate c2.crt --trusted-root other-ca-root.json "${ID[@]}" "$REG/c2@$D2"
expect_cert_reject cert-other-chain "certificate signed by unknown authority" \
  --certificate c2.crt --certificate-chain other-ca.pem --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
expect_cert_reject cert-no-ct-log "SCT: no trusted CT log has log id" \
  --certificate c2.crt --trusted-root no-ctlog-root.json "${ID[@]}" "$REG/c2@$D2"
check "... --insecure-ignore-sct skips the SCT" \
  "$COSIGN_CPP" verify $NOTLOG --certificate c2.crt --insecure-ignore-sct --trusted-root no-ctlog-root.json "${ID[@]}" "$REG/c2@$D2"
expect_cert_reject cert-wrong-identity "none of the expected identities matched what was in the certificate, got subjects [alice@example.com]" \
  --certificate c2.crt --trusted-root "$TR" --certificate-identity bob@example.com --certificate-oidc-issuer "$ISS" "$REG/c2@$D2"
expect_cert_reject cert-wrong-issuer "none of the expected identities matched" \
  --certificate c2.crt --trusted-root "$TR" --certificate-identity alice@example.com --certificate-oidc-issuer http://127.0.0.1:1 "$REG/c2@$D2"
expect_cert_reject cert-workflow "expected GitHub Workflow Repository not found in certificate" \
  --certificate c2.crt --trusted-root "$TR" "${ID[@]}" --certificate-github-workflow-repository octo/repo "$REG/c2@$D2"
run_cmd cert-other-sig "$COSIGN_CPP" verify $NOTLOG --certificate c3.crt --trusted-root "$TR" "${ID[@]}" "$REG/c2@$D2"
[ "$RC" -eq 12 ] || { show stderr "$ERR"; die "cosign-cpp verified cosign 2's signature with cosign 3's certificate (exit $RC)"; }
pass "a good certificate of another key does not verify the signature (exit 12)"

# A layer signed with a key (no certificate), verified keyless.
export COSIGN_PASSWORD=keyless-test-pw
"$COSIGN_CPP" generate-key-pair >/dev/null 2>&1 || die "cosign-cpp generate-key-pair failed"
D4=$(push_image "$REG_DIR" keyed:v1)
check "cosign-cpp sign --key (with the log)" "$COSIGN_CPP" sign -y --key cosign.key --rekor-url "$U" "$REG/keyed@$D4"
expect_reject key-signed 12 "has no certificate" --trusted-root "$TR" "${ID[@]}" "$REG/keyed@$D4"
check "... while --key verifies it" "$COSIGN_CPP" verify --key cosign.pub --trusted-root "$TR" "$REG/keyed@$D4"

finish
