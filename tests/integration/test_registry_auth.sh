#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Registry transport and authentication (issue 3):
#   * TLS with a self-signed CA given by --registry-cacert (cosign 2.5's flag), or skipped with
#     --allow-insecure-registry; without either the connection is refused like cosign2's;
#   * htpasswd Basic auth with credentials from $DOCKER_CONFIG/config.json, and from
#     --registry-username/--registry-password;
#   * Bearer tokens: a registry configured with `auth: token` and the token server in
#     token_server.py (Basic credentials -> RS256 JWT with x5c);
#   * wrong or missing credentials: non-zero exit like cosign2, nothing written.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=auth-test-pw
"$COSIGN2" generate-key-pair >/dev/null 2>&1 || die "cosign2 generate-key-pair failed"

# expect_no_write NAME REG_DIR CMD...: CMD fails; no write request and an unchanged registry.
expect_no_write() {
  local name=$1 dir=$2 before after mark writes; shift 2
  before=$(reg_snapshot "$dir")
  mark=$(reg_mark "$dir")
  run_cmd "$name" "$@"
  [ "$RC" -ne 0 ] || { show stderr "$ERR"; die "$name: succeeded but should have failed"; }
  pass "$name: exits non-zero ($RC): $(grep -v '^WARNING\|^ \|^$' "$ERR" | head -n1)"
  writes=$(reg_requests_since "$dir" "$mark" 'PUT|POST|PATCH|DELETE')
  after=$(reg_snapshot "$dir")
  [ -z "$writes" ] || { echo "$writes" >&2; die "$name: the registry saw write requests"; }
  [ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2 || true; die "$name: the registry changed"; }
  pass "$name: no write requests, registry unchanged"
}

# ===========================================================================================
say "== TLS (self-signed CA) + htpasswd Basic auth"
registry_start tls --tls --htpasswd alice:s3cret
TLS_DIR=$REG_DIR TLS=$REG
CA=$TLS_DIR/ca.crt
push_image "$TLS_DIR" demo:latest >/dev/null
push_image "$TLS_DIR" demo:userpass >/dev/null
DC=$TLS_DIR/docker       # DOCKER_CONFIG dir with config.json {"auths":{"127.0.0.1:PORT":{"auth":...}}}

run_cmd c2notrust env DOCKER_CONFIG="$DC" "$COSIGN2" sign --tlog-upload=false --key cosign.key -y "$TLS/demo:latest"
C2RC=$RC
expect_no_write "sign without the CA" "$TLS_DIR" env DOCKER_CONFIG="$DC" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$TLS/demo:latest"
check_eq "sign without the CA: exit $C2RC like cosign2" "$C2RC" "$RC"
grep -qiE 'certificate|x509|tls|verify' "$ERR" || { show stderr "$ERR"; die "the message does not say the certificate is not trusted"; }
pass "sign without the CA: the message is about the certificate"

M=$(reg_mark "$TLS_DIR")
run_cmd sign env DOCKER_CONFIG="$DC" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y --registry-cacert "$CA" "$TLS/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign over TLS with --registry-cacert and DOCKER_CONFIG failed"; }
pass "cosign-cpp sign --registry-cacert ca.crt (credentials from \$DOCKER_CONFIG) exits 0"
check_eq "the .sig manifest was PUT" 1 "$(reg_requests_since "$TLS_DIR" "$M" PUT | grep -c '/manifests/sha256-.*\.sig')"
check_eq "no upload request was answered 401" "" "$(reg_requests_since "$TLS_DIR" "$M" 'PUT|POST|PATCH' | grep '" 401 ' || true)"

check "cosign2 verify (SSL_CERT_FILE + DOCKER_CONFIG) accepts" \
  env SSL_CERT_FILE="$CA" DOCKER_CONFIG="$DC" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog "$TLS/demo:latest"
check "cosign2 verify (--registry-cacert + DOCKER_CONFIG) accepts" \
  env DOCKER_CONFIG="$DC" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog --registry-cacert "$CA" "$TLS/demo:latest"
check_skopeo_accepts "skopeo (CA in cert dir, authfile) accepts" "$TLS_DIR" "$TLS/demo:latest" cosign.pub
check "cosign-cpp verify --registry-cacert (DOCKER_CONFIG) accepts" \
  env DOCKER_CONFIG="$DC" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog --registry-cacert "$CA" "$TLS/demo:latest"
check "cosign-cpp verify --allow-insecure-registry (no CA) accepts" \
  env DOCKER_CONFIG="$DC" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog --allow-insecure-registry "$TLS/demo:latest"
run_cmd c2nocert env DOCKER_CONFIG="$DC" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog "$TLS/demo:latest"
C2RC=$RC
run_cmd nocert env DOCKER_CONFIG="$DC" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$TLS/demo:latest"
check_eq "cosign-cpp verify without the CA: exit $C2RC like cosign2" "$C2RC" "$RC"

say "== credentials from --registry-username / --registry-password"
check "cosign-cpp sign --registry-username alice --registry-password s3cret" \
  "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y --registry-cacert "$CA" --registry-username alice --registry-password s3cret "$TLS/demo:userpass"
check "cosign-cpp verify --registry-username alice --registry-password s3cret" \
  "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog --registry-cacert "$CA" --registry-username alice --registry-password s3cret "$TLS/demo:userpass"
check "cosign2 verify accepts demo:userpass" \
  env DOCKER_CONFIG="$DC" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog --registry-cacert "$CA" "$TLS/demo:userpass"

say "== wrong / missing credentials"
mkdir -p wrong none
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$TLS" "$(printf 'alice:WRONG' | base64 -w0)" > wrong/config.json
push_image "$TLS_DIR" demo:unsigned >/dev/null
run_cmd c2wrong env DOCKER_CONFIG="$WORK/wrong" "$COSIGN2" sign --tlog-upload=false --key cosign.key -y --registry-cacert "$CA" "$TLS/demo:unsigned"
C2RC=$RC
expect_no_write "sign with wrong credentials (DOCKER_CONFIG)" "$TLS_DIR" \
  env DOCKER_CONFIG="$WORK/wrong" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y --registry-cacert "$CA" "$TLS/demo:unsigned"
check_eq "  exit $C2RC like cosign2" "$C2RC" "$RC"
expect_no_write "sign without credentials" "$TLS_DIR" \
  env DOCKER_CONFIG="$WORK/none" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y --registry-cacert "$CA" "$TLS/demo:unsigned"
expect_no_write "sign with a wrong --registry-password" "$TLS_DIR" \
  "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y --registry-cacert "$CA" --registry-username alice --registry-password nope "$TLS/demo:unsigned"
run_cmd c2vwrong env DOCKER_CONFIG="$WORK/wrong" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog --registry-cacert "$CA" "$TLS/demo:latest"
C2RC=$RC
run_cmd vwrong env DOCKER_CONFIG="$WORK/wrong" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog --registry-cacert "$CA" "$TLS/demo:latest"
check_eq "verify with wrong credentials: exit $C2RC like cosign2" "$C2RC" "$RC"
grep -qiE 'unauthorized|authentication required|401' "$ERR" || { show stderr "$ERR"; die "the message says nothing about authentication"; }
pass "  the message is about authentication"

# ===========================================================================================
say "== Bearer token flow (registry auth: token, token server with Basic credentials)"
registry_start token --token bob:builder
TOK_DIR=$REG_DIR TOK=$REG
TOKLOG=$TOK_DIR/token/requests.log
note "token realm $(cat "$TOK_DIR/token/realm")"
push_image "$TOK_DIR" demo:latest >/dev/null
pass "skopeo pushed through the token flow"
TDC=$TOK_DIR/docker
run_cmd anon curl -s -o /dev/null -w '%{http_code}' "http://$TOK/v2/"
check_eq "the registry answers 401 to anonymous requests" 401 "$(cat "$OUT")"
before_tokens=$(grep -c ' 200 ' "$TOKLOG" || true)
M=$(reg_mark "$TOK_DIR")
run_cmd tsign env DOCKER_CONFIG="$TDC" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$TOK/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; show "token server log" "$TOKLOG"; die "cosign-cpp sign through the token flow failed"; }
pass "cosign-cpp sign with a Bearer token exits 0"
after_tokens=$(grep -c ' 200 ' "$TOKLOG" || true)
[ "$after_tokens" -gt "$before_tokens" ] || die "cosign-cpp never fetched a token"
pass "cosign-cpp fetched $((after_tokens - before_tokens)) token(s) from the token server"
grep ' 200 ' "$TOKLOG" | tail -n "$((after_tokens - before_tokens))" | grep -q 'repository:demo:.*push' \
  || { show "token server log" "$TOKLOG"; die "no token with push scope on repository demo was requested"; }
pass "a token with scope repository:demo:…push… was requested"
check_eq "the .sig manifest PUT succeeded (201)" 1 "$(reg_requests_since "$TOK_DIR" "$M" PUT | grep '/manifests/sha256-.*\.sig' | grep -c '" 201 ')"
check "cosign2 verify (token flow) accepts" env DOCKER_CONFIG="$TDC" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog "$TOK/demo:latest"
check "cosign-cpp verify (token flow) accepts" env DOCKER_CONFIG="$TDC" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$TOK/demo:latest"
check_skopeo_accepts "skopeo (token flow) accepts" "$TOK_DIR" "$TOK/demo:latest" cosign.pub

push_image "$TOK_DIR" demo:unsigned >/dev/null
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$TOK" "$(printf 'bob:WRONG' | base64 -w0)" > wrong/config.json
before401=$(grep -c ' 401 ' "$TOKLOG" || true)
run_cmd c2twrong env DOCKER_CONFIG="$WORK/wrong" "$COSIGN2" sign --tlog-upload=false --key cosign.key -y "$TOK/demo:unsigned"
C2RC=$RC
expect_no_write "token flow: sign with wrong credentials" "$TOK_DIR" \
  env DOCKER_CONFIG="$WORK/wrong" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$TOK/demo:unsigned"
check_eq "  exit $C2RC like cosign2" "$C2RC" "$RC"
[ "$(grep -c ' 401 ' "$TOKLOG" || true)" -gt "$before401" ] || die "the token server never refused cosign-cpp's credentials"
pass "  the token server refused the wrong credentials"
expect_no_write "token flow: sign anonymously" "$TOK_DIR" \
  env DOCKER_CONFIG="$WORK/none" "$COSIGN_CPP" sign --tlog-upload=false --key cosign.key -y "$TOK/demo:unsigned"
run_cmd c2tv env DOCKER_CONFIG="$WORK/none" "$COSIGN2" verify --key cosign.pub --insecure-ignore-tlog "$TOK/demo:latest"
C2RC=$RC
run_cmd tv env DOCKER_CONFIG="$WORK/none" "$COSIGN_CPP" verify --key cosign.pub --insecure-ignore-tlog "$TOK/demo:latest"
check_eq "token flow: anonymous verify exits $C2RC like cosign2" "$C2RC" "$RC"

finish
