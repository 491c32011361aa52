#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The minimal examples against a real registry over TLS: sign_image signs (the real cosign 2 and 3
# verify it), verify_on_device verifies over its mbedTLS transport and tells "rejected" (exit 1)
# from "cannot check" (exit 2), custom_key_source signs with a keystore:// key.
# The examples sit beside $COSIGN_CPP (build/examples/).
. "$(dirname "$0")/lib.sh"
find_cosign_cpp
find_cosign_tools
find_skopeo
EX=$(dirname "$COSIGN_CPP")
for e in sign_image verify_on_device custom_key_source; do
  [ -x "$EX/$e" ] || die "example $EX/$e not built"
done
isolate_env
cd "$WORK"

registry_start ex --tls
DIGEST=$(push_image "$REG_DIR" demo:1.0)
export SSL_CERT_FILE=$REG_DIR/ca.crt
export COSIGN_PASSWORD=example-pass
check "cosign-cpp generate-key-pair makes cosign.key" "$COSIGN_CPP" generate-key-pair

say "== sign_image"
run_cmd sign "$EX/sign_image" cosign.key "$REG/demo:1.0"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign_image exited $RC"; }
check_contains "sign_image names the signature tag" "$OUT" "$(sig_tag "$DIGEST")"
check "cosign 2 verifies what sign_image signed" reg_env "$REG_DIR" "$COSIGN2" verify --key cosign.pub \
  --insecure-ignore-tlog "$REG/demo:1.0"
check "cosign 3 verifies what sign_image signed" reg_env "$REG_DIR" "$COSIGN3" verify --key cosign.pub \
  --insecure-ignore-tlog --use-signed-timestamps=false --new-bundle-format=false "$REG/demo:1.0"

say "== verify_on_device (mbedTLS transport, TLS verified against the registry's CA)"
run_cmd verify "$EX/verify_on_device" cosign.pub "$REG/demo:1.0"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "verify_on_device exited $RC"; }
check_contains "verify_on_device reports the image digest" "$OUT" "$DIGEST"
COSIGN_PASSWORD=other "$COSIGN_CPP" generate-key-pair --output-key-prefix other >/dev/null 2>&1 </dev/null
run_cmd reject "$EX/verify_on_device" other.pub "$REG/demo:1.0"
check_eq "verify_on_device with another key exits 1 (rejected)" 1 "$RC"
run_cmd notrust env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$EX/verify_on_device" cosign.pub "$REG/demo:1.0"
check_eq "verify_on_device without the registry's CA exits 2 (cannot check)" 2 "$RC"
check_contains "and says the TLS certificate is not trusted" "$ERR" "not trusted"
if [ -x "$EX/verify_on_device_psa" ]; then  # built against mbedTLS 3.6 only
  say "== verify_on_device_psa (the signature checked through the PSA Crypto API)"
  run_cmd verifypsa "$EX/verify_on_device_psa" cosign.pub "$REG/demo:1.0"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "verify_on_device_psa exited $RC"; }
  check_contains "verify_on_device_psa reports the image digest" "$OUT" "$DIGEST"
  run_cmd rejectpsa "$EX/verify_on_device_psa" other.pub "$REG/demo:1.0"
  check_eq "verify_on_device_psa with another key exits 1 (rejected)" 1 "$RC"

  say "== the mbedTLS transport on 3.6 completes a TLS 1.3 handshake with a server that offers nothing else"
  T13_PORT=$(pick_port)
  openssl s_server -quiet -www -tls1_3 -accept "$T13_PORT" -cert "$REG_DIR/tls/server.crt" \
    -key "$REG_DIR/tls/server.key" >"$WORK/s_server.log" 2>&1 </dev/null &
  CLEANUP_PIDS+=("$!:s_server")
  for _ in $(seq 1 50); do port_in_use "$T13_PORT" && break; sleep 0.1; done
  run_cmd tls13 "$EX/verify_on_device_psa" cosign.pub "127.0.0.1:$T13_PORT/demo:1.0"
  check_eq "verify_on_device_psa against openssl s_server -tls1_3 (a web page, not a registry) exits 2" 2 "$RC"
  check_not_contains "... after the TLS 1.3 handshake: no TLS error" "$ERR" "TLS"
  check_not_contains "... and no connection error" "$ERR" "connect"
  check_contains "... it read the page and refused it as a manifest (2.28 stops in the handshake)" "$ERR" "invalid manifest"
fi

say "== verify_on_device with a trusted root: the transparency log checked offline, no Rekor client"
sigstore_mock_start
run_cmd nolog "$EX/verify_on_device" cosign.pub "$REG/demo:1.0" "$SIGSTORE_MOCK_DIR/trusted_root.json"
check_eq "a signature without a log bundle is rejected (exit 1)" 1 "$RC"
check_contains "... naming the transparency-log check" "$ERR" "transparency log: the signature has no transparency-log bundle"
check "cosign-cpp signs demo:1.0 with the local Rekor" "$COSIGN_CPP" sign -y --key cosign.key \
  --registry-cacert "$REG_DIR/ca.crt" --rekor-url "$SIGSTORE_MOCK_URL" "$REG/demo:1.0"
check "verify_on_device accepts the logged signature (SET with the trusted root's Rekor key)" \
  "$EX/verify_on_device" cosign.pub "$REG/demo:1.0" "$SIGSTORE_MOCK_DIR/trusted_root.json"
jq '.tlogs[0].logId.keyId = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="' "$SIGSTORE_MOCK_DIR/trusted_root.json" > other-root.json
run_cmd otherroot "$EX/verify_on_device" cosign.pub "$REG/demo:1.0" other-root.json
check_eq "with a root that trusts another log, it is rejected (exit 1)" 1 "$RC"
check_contains "... naming the log ID" "$ERR" "no trusted Rekor key has log ID"

say "== custom_key_source"
mkdir -p keystore
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out keystore/release.pem
openssl ec -in keystore/release.pem -pubout -out release.pub 2>/dev/null
run_cmd custom env KEYSTORE_DIR="$WORK/keystore" "$EX/custom_key_source" keystore://release "hello device"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "custom_key_source exited $RC"; }
tr -d '\n' < "$OUT" > sig.b64
printf 'hello device' > blob.txt
check "cosign 2 verify-blob accepts the keystore:// signature" "$COSIGN2" verify-blob --key release.pub \
  --signature sig.b64 --insecure-ignore-tlog blob.txt
run_cmd custom2 "$EX/custom_key_source" cosign.key "hello device"
check_eq "custom_key_source still loads cosign key files" 0 "$RC"
finish
