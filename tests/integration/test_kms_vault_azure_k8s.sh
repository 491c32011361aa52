#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hashivault://, azurekms:// and k8s:// keys (issue 14) against tests/peers/fake-kms-server.js,
# which checks the Vault token, the AAD client secret and the 401 challenge, and the Kubernetes
# bearer token for real: cosign-cpp exports each public key, signs an image and a blob through
# each provider, and cosign 2 and 3 verify with the exported key (cosign-cpp verifies with the
# key reference itself); generate-key-pair k8s:// writes
# a Secret the real cosign signs with (and cosign-cpp signs with the Secret the real cosign
# writes); requests per signature are counted; wrong credentials, unknown keys, refusing servers
# and an unverified TLS certificate give a clear error naming the key, a non-zero exit, no write
# to the registry, and no secret (token, client secret, password) in any output.
. "$(dirname "$0")/lib.sh"
setup_interop
need_cmd openssl curl jq

kms_fake_start
# shellcheck disable=SC1091
. "$KMS_FAKE_DIR/env.sh"
CA=$KMS_FAKE_DIR/tls/cert.pem
HOSTPORT=${KMS_FAKE_HTTPS#https://}
K8S_TOKEN=test-k8s-token
K8S_PW='k8s-key-password-5521'
export SSL_CERT_FILE=$CA   # the fake's TLS certificate (Azure is always https)
export COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=true   # 127.0.0.1 is no vault.azure.net
AZ_REF=azurekms://$HOSTPORT/cosign-key
VAULT_REF=hashivault://cosign-key
K8S_REF=k8s://default/cosign-keys

# no_secret FILE...: no token, client secret or password of this test shows in the files.
no_secret() {
  local f
  for f in "$@"; do
    if grep -qF -e "$VAULT_TOKEN" -e "$AZURE_CLIENT_SECRET" -e "$K8S_TOKEN" -e "$K8S_PW" -e wrong-vault-token-77 \
         -e wrong-client-secret-88 -e wrong-k8s-token-99 -e ya29.fake "$f"; then
      show "$(basename "$f")" "$f"; die "a secret shows in $f"
    fi
  done
  pass "no secret in $(for f in "$@"; do printf '%s ' "$(basename "$f")"; done)"
}

registry_start plain
DIGEST=$(push_image "$REG_DIR" demo:latest)
note "demo:latest = $DIGEST"
printf 'firmware image 7.0.1\n' > fw.bin

say "== generate-key-pair k8s://default/cosign-keys (as cosign: a Secret, and cosign.pub)"
mkdir gen && run_cmd gen env -C "$WORK/gen" COSIGN_PASSWORD="$K8S_PW" "$COSIGN_CPP" generate-key-pair "$K8S_REF"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "generate-key-pair k8s:// failed"; }
check_contains "it says so as cosign does" "$ERR" "Successfully created secret cosign-keys in namespace default"
check_contains "... and writes cosign.pub" "$ERR" "Public key written to cosign.pub"
no_secret "$OUT" "$ERR"
curl -sf --cacert "$CA" -H "Authorization: Bearer $K8S_TOKEN" \
  "$KMS_FAKE_HTTPS/api/v1/namespaces/default/secrets/cosign-keys" > secret.json || die "cannot read the Secret back"
check_eq "the Secret holds cosign.key, cosign.password and cosign.pub" "cosign.key cosign.password cosign.pub" \
  "$(jq -r '.data | keys | join(" ")' secret.json)"
check_eq "cosign.password is the password given" "$K8S_PW" "$(jq -r '.data["cosign.password"]' secret.json | base64 -d)"
check_eq "the Secret is immutable (the fake says Kubernetes 1.30)" true "$(jq -r .immutable secret.json)"
jq -r '.data["cosign.pub"]' secret.json | base64 -d > secret.pub
check_file_eq "cosign.pub in the Secret is the cosign.pub written" gen/cosign.pub secret.pub
check "cosign.key is a cosign encrypted key" sh -c "jq -r '.data[\"cosign.key\"]' secret.json | base64 -d | grep -q 'BEGIN ENCRYPTED SIGSTORE PRIVATE KEY'"

say "== public-key --key <ref> for each provider"
for p in vault azure k8s; do
  case $p in vault) ref=$VAULT_REF ;; azure) ref=$AZ_REF ;; k8s) ref=$K8S_REF ;; esac
  run_cmd pk_$p "$COSIGN_CPP" public-key --key "$ref"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "public-key --key $ref failed"; }
  cp "$OUT" $p.pub
  no_secret "$OUT" "$ERR"
done
check_file_eq "hashivault: the exported key is the transit key's" "$KMS_FAKE_DIR/vault.pub.pem" vault.pub
check_file_eq "azurekms: the exported key (from the JWK) is the vault key's" "$KMS_FAKE_DIR/azure.pub.pem" azure.pub
check_file_eq "k8s: the exported key is the Secret's cosign.pub" gen/cosign.pub k8s.pub
run_cmd pk_out "$COSIGN_CPP" public-key --key "$VAULT_REF" --outfile vault-out.pub
check_file_eq "public-key --outfile writes the same key" vault.pub vault-out.pub

say "== sign an image and a blob through each provider; cosign 2 and 3 verify"
for p in vault azure k8s; do
  case $p in vault) ref=$VAULT_REF ;; azure) ref=$AZ_REF ;; k8s) ref=$K8S_REF ;; esac
  m=$(kms_fake_mark)
  run_cmd sign_$p "$COSIGN_CPP" sign --key "$ref" --tlog-upload=false -y "$REG/demo:latest"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign --key $ref failed"; }
  pass "cosign-cpp sign --key $ref exits 0"
  no_secret "$OUT" "$ERR"
  kms_fake_requests "$m" > sign_$p.requests
  for c in 2 3; do
    tool=COSIGN$c
    run_cmd v$c$p "${!tool}" verify --key $p.pub --insecure-ignore-tlog "$REG/demo:latest"
    [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign$c verify --key $p.pub rejected the $p signature (exit $RC)"; }
    pass "cosign$c verify --key $p.pub (exported by cosign-cpp) accepts the image signature made through $p"
  done
  m=$(kms_fake_mark)
  run_cmd sb_$p "$COSIGN_CPP" sign-blob --tlog-upload=false --key "$ref" fw.bin
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob --key $ref failed"; }
  cp "$OUT" fw-$p.sig
  no_secret "$OUT" "$ERR"
  kms_fake_requests "$m" > sb_$p.requests
  for c in 2 3; do
    tool=COSIGN$c
    check "cosign$c verify-blob --key $p.pub accepts the blob signature made through $p" \
      "${!tool}" verify-blob --key $p.pub --signature fw-$p.sig --insecure-ignore-tlog fw.bin
  done
done
for p in vault azure k8s; do
  case $p in vault) ref=$VAULT_REF ;; azure) ref=$AZ_REF ;; k8s) ref=$K8S_REF ;; esac
  check "cosign-cpp verify --key $ref (the key read from the provider) accepts the image" \
    "$COSIGN_CPP" verify --key "$ref" --insecure-ignore-tlog "$REG/demo:latest"
  check "cosign-cpp verify-blob --key $ref accepts the blob signature made through $p" \
    "$COSIGN_CPP" verify-blob --key "$ref" --signature fw-$p.sig --insecure-ignore-tlog fw.bin
done
m=$(kms_fake_mark)
run_cmd vk8s "$COSIGN_CPP" verify-blob --key "$K8S_REF" --signature fw-vault.sig --insecure-ignore-tlog fw.bin
check_eq "verify-blob --key k8s:// rejects a signature made by another key (exit 1)" 1 "$RC"
check_eq "  ... after reading the Secret once (its cosign.pub)" 1 "$(( $(kms_fake_mark) - m ))"
check_eq "the .sig image holds three signatures" 3 "$(get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST")" | jq '.layers | length')"

say "== requests per signature (the fake's log)"
check_eq "hashivault: 1 key read + 1 sign (GET keys, POST sign/cosign-key/sha2-256)" \
  "GET /v1/transit/keys/cosign-key|POST /v1/transit/sign/cosign-key/sha2-256" \
  "$(awk '{print $2, $3}' sb_vault.requests | paste -sd'|')"
check_eq "azurekms: challenge, token, key read, 1 sign" \
  "GET /keys/cosign-key?api-version=7.6|POST /00000000-0000-0000-0000-000000000001/oauth2/v2.0/token|GET /keys/cosign-key?api-version=7.6|POST /keys/cosign-key/0123456789abcdef0123456789abcdef/sign?api-version=7.6" \
  "$(awk '{print $2, $3}' sb_azure.requests | paste -sd'|')"
check_eq "k8s: 1 Secret read (the key signs locally)" "GET /api/v1/namespaces/default/secrets/cosign-keys" \
  "$(awk '{print $2, $3}' sb_k8s.requests | paste -sd'|')"
check_eq "an image signature makes the same provider requests as a blob" "$(wc -l < sb_vault.requests)" "$(wc -l < sign_vault.requests)"

say "== the Secret format both ways with the real cosign"
run_cmd c2sign env COSIGN_PASSWORD= "$COSIGN2" sign --key "$K8S_REF" --tlog-upload=false -y "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 sign --key $K8S_REF (the Secret cosign-cpp wrote) failed"; }
pass "cosign2 signs with the Secret cosign-cpp wrote (key and password read from it)"
check "cosign-cpp verifies that signature with the exported key" \
  "$COSIGN_CPP" verify --key k8s.pub --insecure-ignore-tlog "$REG/demo:latest"
# cosign 2's generate-key-pair k8s:// sends the Secret as protobuf, which the fake cannot read:
# the same Secret is put together from cosign 2's key files and posted as JSON.
mkdir gen2 && run_cmd c2gen env -C "$WORK/gen2" COSIGN_PASSWORD="$K8S_PW" "$COSIGN2" generate-key-pair
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 generate-key-pair failed"; }
jq -n --arg k "$(base64 -w0 < gen2/cosign.key)" --arg p "$(base64 -w0 < gen2/cosign.pub)" \
  --arg w "$(printf %s "$K8S_PW" | base64 -w0)" \
  '{metadata:{name:"cosign2-keys"},immutable:true,data:{"cosign.key":$k,"cosign.pub":$p,"cosign.password":$w}}' > c2secret.json
curl -sf --cacert "$CA" -H "Authorization: Bearer $K8S_TOKEN" -H 'Content-Type: application/json' -X POST \
  "$KMS_FAKE_HTTPS/api/v1/namespaces/default/secrets" --data-binary @c2secret.json >/dev/null \
  || die "cannot create the cosign2-keys Secret"
run_cmd sign_c2secret "$COSIGN_CPP" sign --key k8s://default/cosign2-keys --tlog-upload=false -y "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign with the Secret cosign2 wrote failed"; }
pass "cosign-cpp signs with the Secret cosign 2 wrote"
check "cosign3 verifies it with cosign 2's cosign.pub" "$COSIGN3" verify --key gen2/cosign.pub --insecure-ignore-tlog "$REG/demo:latest"
run_cmd pk_c2 "$COSIGN_CPP" public-key --key k8s://default/cosign2-keys
check_contains "public-key --key k8s:// of cosign 2's Secret prints its key" "$OUT" "$(sed -n 2p gen2/cosign.pub)"

say "== errors: clear, naming the key, nothing written, no secret"
CLOSED=$(pick_port)
sed "s/$K8S_TOKEN/wrong-k8s-token-99/" "$KUBECONFIG" > kube-wrong-token
sed "s#server: .*#server: https://127.0.0.1:$CLOSED#" "$KUBECONFIG" > kube-closed
# A Secret holding upstream cosign's test key with a wrong cosign.password.
KEYB64=$(base64 -w0 < "$SOURCE_DIR/tests/data/cosign/keys/encrypted/keys_test-pemsigstorekey.key")
curl -sf --cacert "$CA" -H "Authorization: Bearer $K8S_TOKEN" -H 'Content-Type: application/json' -X POST \
  "$KMS_FAKE_HTTPS/api/v1/namespaces/default/secrets" \
  -d "{\"metadata\":{\"name\":\"bad-pw\"},\"data\":{\"cosign.key\":\"$KEYB64\",\"cosign.password\":\"$(printf nothello | base64)\"}}" \
  >/dev/null || die "cannot create the bad-pw Secret"
BEFORE=$(reg_snapshot "$REG_DIR")
refused() {
  local name=$1 want=$2 key=$3 m; shift 3
  m=$(reg_mark "$REG_DIR")
  run_cmd "$name" env "$@" "$COSIGN_CPP" sign --key "$key" --tlog-upload=false -y "$REG/demo:latest"
  [ "$RC" -ne 0 ] || die "$name: sign succeeded"
  check_contains "$name: exit $RC, the error names the key" "$ERR" "\"$key\""
  check_contains "$name: ... and says what is wrong ($want)" "$ERR" "$want"
  no_secret "$OUT" "$ERR"
  check_eq "$name: no request reached the registry" 0 "$(reg_count_since "$REG_DIR" "$m")"
}
refused vault_wrong_token "HTTP 403 (permission denied)" "$VAULT_REF" VAULT_TOKEN=wrong-vault-token-77
refused vault_unknown_key "HTTP 404" hashivault://no-such-key
refused vault_refusing "cannot reach http://127.0.0.1:$CLOSED" "$VAULT_REF" VAULT_ADDR="http://127.0.0.1:$CLOSED"
refused vault_no_token "no Vault token found" "$VAULT_REF" VAULT_TOKEN=
refused azure_wrong_secret "AADSTS7000215: Invalid client secret provided" "$AZ_REF" AZURE_CLIENT_SECRET=wrong-client-secret-88
refused azure_other_tenant "is not AZURE_TENANT_ID \"00000000-0000-0000-0000-000000000009\"" "$AZ_REF" AZURE_TENANT_ID=00000000-0000-0000-0000-000000000009
refused azure_unknown_key "KeyNotFound" "azurekms://$HOSTPORT/no-such-key"
refused azure_refusing "cannot reach https://127.0.0.1:$CLOSED" "azurekms://127.0.0.1:$CLOSED/cosign-key"
refused azure_resource_check "is not the vault's domain" "$AZ_REF" COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=
# The wording is the transport's: "SSLServerVerification (self-signed certificate)" (cpp-httplib),
# "TLS certificate of ... not trusted" (mbedTLS).
refused azure_tls_unverified "certificate" "$AZ_REF" SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
refused k8s_wrong_token "HTTP 401 (Unauthorized)" "$K8S_REF" KUBECONFIG="$WORK/kube-wrong-token"
refused k8s_unknown_secret "secrets \"no-such\" not found" k8s://default/no-such
refused k8s_refusing "server https://127.0.0.1:$CLOSED" "$K8S_REF" KUBECONFIG="$WORK/kube-closed"
refused k8s_wrong_password "k8s secret \"k8s://default/bad-pw\"" k8s://default/bad-pw
check_contains "  ... the wrong cosign.password is reported as such" k8s_wrong_password.err "its cosign.password does not decrypt its cosign.key"
run_cmd no_kube env KUBECONFIG="$WORK/none" "$COSIGN_CPP" sign-blob --tlog-upload=false --key "$K8S_REF" fw.bin
check_eq "sign-blob with no Kubernetes configuration exits 1" 1 "$RC"
check_contains "  ... saying what to set" "$ERR" "set KUBECONFIG"
check_eq "the registry is as it was" "$BEFORE" "$(reg_snapshot "$REG_DIR")"

say "== generate-key-pair --kms"
run_cmd gen_vault env VAULT_TOKEN=wrong-vault-token-77 "$COSIGN_CPP" generate-key-pair --kms hashivault://new-key
check_eq "--kms hashivault:// with a refused token exits 1" 1 "$RC"
check_contains "  ... naming the key and the refusal" "$ERR" 'hashivault key "hashivault://new-key": failed to create transit key: HTTP 403'
no_secret "$OUT" "$ERR"
run_cmd gen_vault2 "$COSIGN_CPP" generate-key-pair --kms hashivault://new-key
check_eq "--kms hashivault:// against a server without key creation exits 1 (the fake has no create route)" 1 "$RC"
check_contains "  ... with the server's answer" "$ERR" "failed to create transit key: HTTP 40"
run_cmd gen_bad "$COSIGN_CPP" generate-key-pair gitlab://owner/project
check_eq "generate-key-pair gitlab:// exits 1" 1 "$RC"
check_contains "  ... saying only k8s:// is supported" "$ERR" "only k8s:// destinations are supported"
check "no .pub was written by the failed commands" test ! -e cosign.pub

finish
