#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cosign's signing page, the `sign` examples (issue 4, items 1-5, 7, 10), in both directions:
#   1 two keys on one image, one after the other; 2 annotations (-a, comma form, verify -a);
#   3 --cert/--cert-chain (and --certificate/--certificate-chain), verify --certificate;
#   4 env://VAR keys, KMS schemes refused; 5 --payload FILE; 7 --upload=false with --output-*;
#   10 -r on a multi-platform index. Bad input on every new flag: clear error, no registry write.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=s3cret-pw
registry_start plain

mkdir k1 k2
(cd k1 && "$COSIGN_CPP" generate-key-pair >/dev/null 2>&1) || die "cosign-cpp generate-key-pair failed"
(cd k2 && "$COSIGN2" generate-key-pair >/dev/null 2>&1) || die "cosign2 generate-key-pair failed"
pass "keys: k1 (cosign-cpp), k2 (cosign2)"
V=(--insecure-ignore-tlog)
nolayers() { get_manifest "$REG_DIR" "$1" "$(sig_tag "$2")" | jq '.layers | length'; }

say "== 1. two signatures on one image, one key after the other"
D=$(push_image "$REG_DIR" multi-sig:v1)
check "cosign-cpp sign --key k1" "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key -y "$REG/multi-sig@$D"
check "cosign-cpp sign --key k2 (cosign2's key file)" "$COSIGN_CPP" sign --tlog-upload=false --key k2/cosign.key -y "$REG/multi-sig@$D"
check_eq "both signatures are in the one .sig image" 2 "$(nolayers multi-sig "$D")"
for k in k1 k2; do
  check "cosign-cpp verify --key $k" "$COSIGN_CPP" verify --key $k/cosign.pub "${V[@]}" "$REG/multi-sig:v1"
  check_eq "  exactly the $k signature is printed" 1 "$(jq length "$OUT")"
  check "cosign2 verify --key $k" "$COSIGN2" verify --key $k/cosign.pub "${V[@]}" "$REG/multi-sig:v1"
  check "cosign3 verify --key $k" "$COSIGN3" verify --key $k/cosign.pub "${V[@]}" "$REG/multi-sig:v1"
  check_skopeo_accepts "skopeo accepts with $k" "$REG_DIR" "$REG/multi-sig:v1" $k/cosign.pub
done
D=$(push_image "$REG_DIR" multi-sig:v2)
check "cosign2 signs with k1 first" "$COSIGN2" sign --key k1/cosign.key --tlog-upload=false "$REG/multi-sig@$D"
check "cosign-cpp adds k2" "$COSIGN_CPP" sign --tlog-upload=false --key k2/cosign.key "$REG/multi-sig@$D"
check_eq "two layers (cosign2's first)" 2 "$(nolayers multi-sig "$D")"
for k in k1 k2; do
  check "cosign-cpp verify --key $k on the mixed image" "$COSIGN_CPP" verify --key $k/cosign.pub "${V[@]}" "$REG/multi-sig:v2"
  check "cosign2 verify --key $k on the mixed image" "$COSIGN2" verify --key $k/cosign.pub "${V[@]}" "$REG/multi-sig:v2"
done

say "== 2. annotations"
D=$(push_image "$REG_DIR" ann:v1)
check "cosign-cpp sign -a foo=bar -a baz=bat" "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key -a foo=bar -a baz=bat "$REG/ann@$D"
get_blob "$REG_DIR" ann "$(get_manifest "$REG_DIR" ann "$(sig_tag "$D")" | jq -r '.layers[0].digest')" > ann-payload.json
run_cmd gen "$COSIGN2" generate -a foo=bar -a baz=bat "$REG/ann@$D"
check_file_eq "the signed payload is cosign2 generate -a foo=bar -a baz=bat, byte for byte" "$OUT" ann-payload.json
check_eq "optional is sorted: baz before foo" '{"baz":"bat","foo":"bar"}' "$(jq -c .optional ann-payload.json)"
D2=$(push_image "$REG_DIR" ann:v2)
check "cosign-cpp sign -a foo=bar,baz=bat (comma form)" "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key -a foo=bar,baz=bat "$REG/ann@$D2"
run_cmd gen2 "$COSIGN2" generate -a foo=bar,baz=bat "$REG/ann@$D2"
get_blob "$REG_DIR" ann "$(get_manifest "$REG_DIR" ann "$(sig_tag "$D2")" | jq -r '.layers[0].digest')" > ann2-payload.json
check_file_eq "comma form: same payload as cosign2 generate" "$OUT" ann2-payload.json
check "cosign-cpp verify -a foo=bar" "$COSIGN_CPP" verify --key k1/cosign.pub "${V[@]}" -a foo=bar "$REG/ann:v1"
check "cosign-cpp verify -a foo=bar -a baz=bat" "$COSIGN_CPP" verify --key k1/cosign.pub "${V[@]}" -a foo=bar -a baz=bat "$REG/ann:v1"
check "cosign2 verify -a foo=bar -a baz=bat (cosign-cpp wrote it)" "$COSIGN2" verify --key k1/cosign.pub "${V[@]}" -a foo=bar -a baz=bat "$REG/ann:v1"
run_cmd annbad "$COSIGN_CPP" verify --key k1/cosign.pub "${V[@]}" -a foo=bar -a baz=nope "$REG/ann:v1"
check_eq "verify -a foo=bar -a baz=nope exits 12 (one annotation does not match)" 12 "$RC"
check_contains "  and says which: baz" "$ERR" 'missing or incorrect annotation "baz"'
run_cmd annbad2 "$COSIGN2" verify --key k1/cosign.pub "${V[@]}" -a foo=bar -a baz=nope "$REG/ann:v1"
check_eq "  cosign2 also exits 12" 12 "$RC"
D3=$(push_image "$REG_DIR" ann:v3)
check "cosign2 sign -a foo=bar -a baz=bat" "$COSIGN2" sign --key k2/cosign.key --tlog-upload=false -a foo=bar -a baz=bat "$REG/ann@$D3"
check "cosign-cpp verify -a baz=bat on cosign2's signature" "$COSIGN_CPP" verify --key k2/cosign.pub "${V[@]}" -a baz=bat "$REG/ann:v3"
run_cmd annc2bad "$COSIGN_CPP" verify --key k2/cosign.pub "${V[@]}" -a foo=other "$REG/ann:v3"
check_eq "cosign-cpp verify -a foo=other on cosign2's signature exits 12" 12 "$RC"
M=$(reg_mark "$REG_DIR")
run_cmd annnoeq "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key -a foo "$REG/ann@$D"
check_eq "sign -a foo (no =) fails" 1 "$RC"
check_contains "  with cosign's message" "$ERR" "unable to parse annotation: foo"
check_eq "  and sends nothing to the registry" 0 "$(reg_count_since "$REG_DIR" "$M")"

say "== 3. certificate and chain"
make_code_signing_chain pki k1/cosign.pub
make_code_signing_chain pki2 k2/cosign.pub
D=$(push_image "$REG_DIR" cert:v1)
check "cosign-cpp sign --key k1 --cert leaf.crt --cert-chain chain.crt" \
  "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --cert pki/leaf.crt --cert-chain pki/chain.crt "$REG/cert@$D"
get_manifest "$REG_DIR" cert "$(sig_tag "$D")" > cert-sig.json
jq -j '.layers[0].annotations["dev.sigstore.cosign/certificate"]' cert-sig.json > ann-cert.pem
jq -j '.layers[0].annotations["dev.sigstore.cosign/chain"]' cert-sig.json > ann-chain.pem
openssl x509 -in pki/leaf.crt -outform DER | openssl x509 -inform DER > leaf-reencoded.pem
check_file_eq "the certificate annotation is the leaf PEM, as cosign re-encodes it" leaf-reencoded.pem ann-cert.pem
check_file_eq "the chain annotation is the chain file's bytes" pki/chain.crt ann-chain.pem
D2=$(push_image "$REG_DIR" cert:v2)
check "cosign2 signs the same way (--certificate/--certificate-chain spelling)" \
  "$COSIGN2" sign --key k1/cosign.key --tlog-upload=false --certificate pki/leaf.crt --certificate-chain pki/chain.crt "$REG/cert@$D2"
get_manifest "$REG_DIR" cert "$(sig_tag "$D2")" > cert-sig2.json
check_eq "cosign-cpp's layer annotations (but the signature) equal cosign2's" \
  "$(jq -c '.layers[0].annotations | del(.["dev.cosignproject.cosign/signature"])' cert-sig2.json)" \
  "$(jq -c '.layers[0].annotations | del(.["dev.cosignproject.cosign/signature"])' cert-sig.json)"
D3=$(push_image "$REG_DIR" cert:v3)
check "cosign-cpp sign --certificate --certificate-chain (long spelling)" \
  "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --certificate pki/leaf.crt --certificate-chain pki/chain.crt "$REG/cert@$D3"
for img in cert:v1 cert:v2; do
  run_cmd c2v "$COSIGN2" verify --key k1/cosign.pub "${V[@]}" "$REG/$img"
  C2RC=$RC
  run_cmd ccv "$COSIGN_CPP" verify --key k1/cosign.pub "${V[@]}" "$REG/$img"
  check_eq "verify --key $img: cosign-cpp exits 0 like cosign2" "0 0" "$C2RC $RC"
  check_file_eq "  same stdout as cosign2 (\"Subject\" from the layer's certificate)" "$WORK/c2v.out" "$WORK/ccv.out"
  check_file_eq "  same stderr as cosign2" "$WORK/c2v.err" "$WORK/ccv.err"
done
check_contains "  the printed payload names the certificate's subject" "$WORK/ccv.out" '"optional":{"Subject":"dev@example.com"}'
check "cosign3 verify --key k1 accepts the certificate-carrying signature" "$COSIGN3" verify --key k1/cosign.pub "${V[@]}" "$REG/cert:v1"
check_skopeo_accepts "skopeo accepts it" "$REG_DIR" "$REG/cert:v1" k1/cosign.pub
CV=(--insecure-ignore-tlog --insecure-ignore-sct --certificate-identity dev@example.com --certificate-oidc-issuer-regexp '.*')
for img in cert:v1 cert:v2; do
  run_cmd c2c "$COSIGN2" verify --certificate pki/leaf.crt --certificate-chain pki/chain.crt "${CV[@]}" "$REG/$img"
  C2RC=$RC
  run_cmd ccc "$COSIGN_CPP" verify --certificate pki/leaf.crt --certificate-chain pki/chain.crt "${CV[@]}" "$REG/$img"
  check_eq "verify --certificate --certificate-chain $img: exit 0 like cosign2" "0 0" "$C2RC $RC"
  check_file_eq "  same stdout as cosign2" "$WORK/c2c.out" "$WORK/ccc.out"
  check_file_eq "  same stderr as cosign2" "$WORK/c2c.err" "$WORK/ccc.err"
done
run_cmd badchain "$COSIGN_CPP" verify --certificate pki/leaf.crt --certificate-chain pki2/chain.crt "${CV[@]}" "$REG/cert:v1"
check_eq "verify with a chain that does not lead from the certificate fails (exit 1, as cosign2)" 1 "$RC"
check_contains "  cert verification failed: unknown authority" "$ERR" "cert verification failed: x509: certificate signed by unknown authority"
run_cmd badid "$COSIGN_CPP" verify --certificate pki/leaf.crt --certificate-chain pki/chain.crt --insecure-ignore-tlog \
  --insecure-ignore-sct --certificate-identity bob@example.com --certificate-oidc-issuer-regexp '.*' "$REG/cert:v1"
check_eq "verify with another identity fails" 1 "$RC"
check_contains "  with cosign's message" "$ERR" "none of the expected identities matched what was in the certificate, got subjects [dev@example.com]"
run_cmd otherkey "$COSIGN_CPP" verify --certificate pki2/leaf.crt --certificate-chain pki2/chain.crt "${CV[@]}" "$REG/cert:v1"
check_eq "verify with a valid certificate of another key: exit 12, as cosign2" 12 "$RC"
run_cmd noid "$COSIGN_CPP" verify --certificate pki/leaf.crt --certificate-chain pki/chain.crt "${V[@]}" "$REG/cert:v1"
check_contains "verify --certificate without an identity: cosign's message" "$ERR" "--certificate-identity or --certificate-identity-regexp is required for verification in keyless mode"

say "== 3b. bad certificates: clear error, exit 1, nothing written"
D=$(push_image "$REG_DIR" cert:bad)
echo garbage > junk.crt
bad_sign() { # DESC EXPECTED_MESSAGE ARGS...
  local desc=$1 msg=$2 m; shift 2
  m=$(reg_mark "$REG_DIR")
  run_cmd badsign "$COSIGN_CPP" sign --tlog-upload=false "$@" "$REG/cert@$D"
  check_eq "$desc: exit 1" 1 "$RC"
  check_contains "  message: $msg" "$ERR" "$msg"
  check_eq "  no write to the registry" 0 "$(reg_writes_since "$REG_DIR" "$m")"
}
bad_sign "certificate of another key" "getting signer: public key in certificate does not match the provided public key" \
  --key k2/cosign.key --cert pki/leaf.crt
bad_sign "chain that does not lead from the certificate" "unable to validate certificate chain: cert verification failed: x509: certificate signed by unknown authority" \
  --key k1/cosign.key --cert pki/leaf.crt --cert-chain pki2/chain.crt
bad_sign "chain without its intermediate" "cert verification failed" \
  --key k1/cosign.key --cert pki/leaf.crt --cert-chain pki/root.crt
bad_sign "chain without a certificate" "no leaf certificate found or provided while specifying chain" \
  --key k1/cosign.key --cert-chain pki/chain.crt
bad_sign "missing certificate file" "read certificate: cannot open nonexistent.crt" --key k1/cosign.key --cert nonexistent.crt
bad_sign "garbage certificate" "parse x509 certificate: x509: malformed certificate" --key k1/cosign.key --cert junk.crt
bad_sign "garbage chain" "loading certificate chain: error during PEM decoding" --key k1/cosign.key --cert pki/leaf.crt --cert-chain junk.crt
bad_sign "missing chain file" "reading certificate chain from path" --key k1/cosign.key --cert pki/leaf.crt --cert-chain nonexistent.crt
check_eq "cert:bad has no signature tag" "" "$(reg_env "$REG_DIR" "$CRANE" ls "$REG/cert" | grep -F "$(sig_tag "$D")" || true)"

say "== 4. env://VAR keys; other KMS schemes are refused by name"
D=$(push_image "$REG_DIR" envkey:v1)
export K1_PRIV K1_PUB
K1_PRIV=$(cat k1/cosign.key) K1_PUB=$(cat k1/cosign.pub)
check "cosign-cpp sign --key env://K1_PRIV" "$COSIGN_CPP" sign --tlog-upload=false --key env://K1_PRIV "$REG/envkey@$D"
check "cosign-cpp verify --key env://K1_PUB" "$COSIGN_CPP" verify --key env://K1_PUB "${V[@]}" "$REG/envkey:v1"
check "cosign2 verify --key env://K1_PUB" "$COSIGN2" verify --key env://K1_PUB "${V[@]}" "$REG/envkey:v1"
check "cosign2 verify --key k1/cosign.pub (file)" "$COSIGN2" verify --key k1/cosign.pub "${V[@]}" "$REG/envkey:v1"
D2=$(push_image "$REG_DIR" envkey:v2)
check "cosign2 sign --key env://K1_PRIV" "$COSIGN2" sign --key env://K1_PRIV --tlog-upload=false "$REG/envkey@$D2"
check "cosign-cpp verify --key env://K1_PUB on cosign2's signature" "$COSIGN_CPP" verify --key env://K1_PUB "${V[@]}" "$REG/envkey:v2"
# awskms:// and gcpkms:// are built (tests/integration/test_kms_aws_gcp.sh): a malformed key is
# refused by name, with cosign's format, before any request.
for scheme in awskms gcpkms; do
  M=$(reg_mark "$REG_DIR")
  run_cmd kms "$COSIGN_CPP" sign --tlog-upload=false --key "$scheme://some/key" "$REG/envkey@$D"
  check_eq "sign --key $scheme://some/key (malformed): exit 1" 1 "$RC"
  check_contains "  names the key: 'invalid $scheme key \"$scheme://some/key\"'" "$ERR" "invalid $scheme key \"$scheme://some/key\""
  check_eq "  no request at all" 0 "$(reg_count_since "$REG_DIR" "$M")"
  run_cmd kmsv "$COSIGN_CPP" verify --key "$scheme://some/key" "${V[@]}" "$REG/envkey:v1"
  check_contains "verify --key $scheme://some/key says the same" "$ERR" "invalid $scheme key \"$scheme://some/key\""
done
# gitlab:// keys are not built: refused by scheme, before any request.
for scheme in gitlab; do
  M=$(reg_mark "$REG_DIR")
  run_cmd kms "$COSIGN_CPP" sign --tlog-upload=false --key "$scheme://some/key" "$REG/envkey@$D"
  check_eq "sign --key $scheme://…: exit 1" 1 "$RC"
  check_contains "  names the scheme: '$scheme:// keys are not supported in this build'" "$ERR" "$scheme:// keys are not supported in this build"
  check_eq "  no request at all" 0 "$(reg_count_since "$REG_DIR" "$M")"
  run_cmd kmsv "$COSIGN_CPP" verify --key "$scheme://some/key" "${V[@]}" "$REG/envkey:v1"
  check_contains "verify --key $scheme://… says the same" "$ERR" "$scheme:// keys are not supported in this build"
done
run_cmd envmissing "$COSIGN_CPP" sign --tlog-upload=false --key env://NO_SUCH_VAR "$REG/envkey@$D"
check_eq "sign --key env://NO_SUCH_VAR fails" 1 "$RC"

say "== 5. --payload FILE: signs the file's bytes as they are"
D=$(push_image "$REG_DIR" payload:v1)
"$COSIGN2" generate -a origin=file "$REG/payload@$D" > mypayload.json
printf '\n' >> mypayload.json   # a trailing newline that generate would not write: kept as is
run_cmd pay "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --payload mypayload.json "$REG/payload@$D"
check_eq "sign --payload mypayload.json exits 0" 0 "$RC"
check_contains "  stderr: 'Using payload from: mypayload.json'" "$ERR" "Using payload from: mypayload.json"
get_blob "$REG_DIR" payload "$(get_manifest "$REG_DIR" payload "$(sig_tag "$D")" | jq -r '.layers[0].digest')" > stored-payload.json
check_file_eq "the layer holds the file's bytes, trailing newline included" mypayload.json stored-payload.json
check "cosign2 verify accepts the --payload signature" "$COSIGN2" verify --key k1/cosign.pub "${V[@]}" "$REG/payload:v1"
check "cosign-cpp verify -a origin=file accepts it" "$COSIGN_CPP" verify --key k1/cosign.pub "${V[@]}" -a origin=file "$REG/payload:v1"
M=$(reg_mark "$REG_DIR")
run_cmd paymiss "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --payload nonexistent.json "$REG/payload@$D"
check_eq "sign --payload nonexistent.json: exit 1" 1 "$RC"
check_contains "  cosign's wording: 'payload from file:'" "$ERR" "payload from file: cannot open nonexistent.json"
check_eq "  no request at all" 0 "$(reg_count_since "$REG_DIR" "$M")"

say "== 7. --upload=false with --output-signature/--output-certificate/--output-payload"
D=$(push_image "$REG_DIR" noupload:v1)
mkdir out-cpp out-c2
M=$(reg_mark "$REG_DIR")
run_cmd nup "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --upload=false --output-signature out-cpp/sig \
  --output-certificate out-cpp/cert --output-payload out-cpp/payload "$REG/noupload@$D"
check_eq "sign --upload=false exits 0" 0 "$RC"
check_eq "  no write to the registry (the log shows no PUT/POST/PATCH/DELETE)" 0 "$(reg_writes_since "$REG_DIR" "$M")"
check_not_contains "  no 'Pushing signature to' line" "$ERR" "Pushing signature to"
check_contains "  'Certificate wrote in the file out-cpp/cert', as cosign" "$ERR" "Certificate wrote in the file out-cpp/cert"
run_cmd nup2 "$COSIGN2" sign --key k1/cosign.key --tlog-upload=false --upload=false --output-signature out-c2/sig \
  --output-certificate out-c2/cert --output-payload out-c2/payload "$REG/noupload@$D"
check_eq "cosign2 does the same (exit 0)" 0 "$RC"
check_file_eq "--output-payload: byte for byte what cosign2 writes" out-c2/payload out-cpp/payload
check_file_eq "--output-certificate without a certificate: the public key PEM, as cosign2 writes" out-c2/cert out-cpp/cert
check_eq "--output-signature: base64 without a final newline, like cosign2's" "0 0" \
  "$(tail -c1 out-c2/sig | tr -dc '\n' | wc -c) $(tail -c1 out-cpp/sig | tr -dc '\n' | wc -c)"
base64 -d out-cpp/sig > out-cpp/sig.der
check "openssl verifies --output-signature over --output-payload" openssl dgst -sha256 -verify k1/cosign.pub -signature out-cpp/sig.der out-cpp/payload
check_eq "file modes are 0600, as cosign's" "600 600 600" "$(stat -c %a out-cpp/sig out-cpp/cert out-cpp/payload | tr '\n' ' ' | sed 's/ $//')"
check_eq "the image still has no signature" "" "$(reg_env "$REG_DIR" "$CRANE" ls "$REG/noupload" | grep -F .sig || true)"
# ECDSA signatures are randomised in Go, deterministic (RFC 6979) here: an RSA key makes both
# tools' --output-signature comparable byte for byte.
openssl genrsa -out rsa.pem 2048 2>/dev/null
COSIGN_PASSWORD=s3cret-pw "$COSIGN3" import-key-pair --key rsa.pem --output-key-prefix rsa >/dev/null 2>&1 || die "cosign3 import-key-pair (RSA) failed"
run_cmd rsa1 "$COSIGN_CPP" sign --tlog-upload=false --key rsa.key --upload=false --output-signature out-cpp/rsa.sig "$REG/noupload@$D"
run_cmd rsa2 "$COSIGN2" sign --key rsa.key --tlog-upload=false --upload=false --output-signature out-c2/rsa.sig "$REG/noupload@$D"
check_file_eq "RSA key: --output-signature equals cosign2's byte for byte (deterministic payload and signature)" out-c2/rsa.sig out-cpp/rsa.sig
run_cmd nupc "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --upload=false --cert pki/leaf.crt --cert-chain pki/chain.crt \
  --output-certificate out-cpp/leaf.pem "$REG/noupload@$D"
run_cmd nupc2 "$COSIGN2" sign --key k1/cosign.key --tlog-upload=false --upload=false --cert pki/leaf.crt --cert-chain pki/chain.crt \
  --output-certificate out-c2/leaf.pem "$REG/noupload@$D"
check_file_eq "--output-certificate with --cert: the certificate PEM, as cosign2 writes" out-c2/leaf.pem out-cpp/leaf.pem
M=$(reg_mark "$REG_DIR")
run_cmd nupr "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --upload=false -r --output-signature out-cpp/rsig "$REG/noupload@$D"
check "  -r: the file name gets -sha256-<hex>, as cosign's" test -s "out-cpp/rsig-sha256-${D#sha256:}"
check_eq "  still no write" 0 "$(reg_writes_since "$REG_DIR" "$M")"
run_cmd nupbad "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key --upload=false --output-signature /nonexistent-dir/sig "$REG/noupload@$D"
check_eq "--output-signature into a missing directory: exit 1" 1 "$RC"

say "== 10. -r on a multi-platform index"
IDX=$(push_image "$REG_DIR" multi:v1 --multiarch)
mapfile -t PLATFORMS < <(reg_env "$REG_DIR" "$CRANE" manifest "$REG/multi@$IDX" | jq -r '.manifests[].digest')
check "cosign-cpp sign -r multi@index" "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key -r "$REG/multi@$IDX"
check_eq "three 'Pushing signature to' lines (index + 2 platforms)" 3 "$(grep -c 'Pushing signature to' "$ERR")"
for d in "$IDX" "${PLATFORMS[@]}"; do
  check_eq "multi@${d:7:12}… has its own .sig" 1 "$(nolayers multi "$d")"
  check "cosign2 verifies multi@${d:7:12}…" "$COSIGN2" verify --key k1/cosign.pub "${V[@]}" "$REG/multi@$d"
  check "cosign3 verifies multi@${d:7:12}…" "$COSIGN3" verify --key k1/cosign.pub "${V[@]}" "$REG/multi@$d"
done
check_skopeo_accepts "skopeo accepts every platform (it checks each platform's own signature)" "$REG_DIR" "$REG/multi:v1" k1/cosign.pub
IDX2=$(push_image "$REG_DIR" multi:v2 --multiarch)
check "cosign2 sign -r multi:v2" "$COSIGN2" sign --key k2/cosign.key --tlog-upload=false -r "$REG/multi@$IDX2"
for d in "$IDX2" $(reg_env "$REG_DIR" "$CRANE" manifest "$REG/multi@$IDX2" | jq -r '.manifests[].digest'); do
  check "cosign-cpp verifies cosign2's -r signature on multi@${d:7:12}…" "$COSIGN_CPP" verify --key k2/cosign.pub "${V[@]}" "$REG/multi@$d"
done
IDX3=$(push_image "$REG_DIR" multi:v3 --multiarch)
check "cosign-cpp sign without -r signs only the index" "$COSIGN_CPP" sign --tlog-upload=false --key k1/cosign.key "$REG/multi@$IDX3"
check_skopeo_rejects "skopeo then rejects the platforms (no signature of their own)" "$REG_DIR" "$REG/multi:v3" k1/cosign.pub

finish
