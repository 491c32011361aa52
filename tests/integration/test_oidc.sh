#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Identity tokens for keyless signing (issue 12, part 1), end to end against a local OIDC issuer
# (tests/peers/oidc-server.mjs over npm oauth2-mock-server) and a stand-in for GitHub Actions'
# token endpoint (gha_token_server.py): --identity-token (token or file), SIGSTORE_ID_TOKEN, the
# ambient GitHub Actions credentials (bearer and audience checked), cosign's order between them,
# --oidc-disable-ambient-providers, --oidc-provider, the error without a token or terminal, and the
# browser login (PKCE, state, nonce) driven as a browser would: the printed URL is followed with
# curl to the issuer and on to the redirect listener. The CLI's sign does not take tokens yet
# (keyless signing comes with the Fulcio signer), so the hook cosign_oidc_check runs
# cli::identity_token, the function sign will call, and prints the claims, never the token.
. "$(dirname "$0")/lib.sh"

OIDC_CHECK=${COSIGN_OIDC_CHECK:-$SOURCE_DIR/build/tests/cosign_oidc_check}
[ -x "$OIDC_CHECK" ] || die "cosign_oidc_check not found at $OIDC_CHECK: build the target cosign_oidc_check (or set COSIGN_OIDC_CHECK)"
command -v python3 >/dev/null 2>&1 || die "python3 not found (the GitHub Actions stand-in needs it)"
isolate_env
unset SIGSTORE_ID_TOKEN ACTIONS_ID_TOKEN_REQUEST_URL ACTIONS_ID_TOKEN_REQUEST_TOKEN BUILDKITE_AGENT_ACCESS_TOKEN \
      GOOGLE_SERVICE_ACCOUNT_NAME SPIFFE_ENDPOINT_SOCKET 2>/dev/null || true
cd "$WORK"

sha256_of() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
json_field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(json.dumps(v) if not isinstance(v,str) else v)' "$1" "$2"; }
# no_secret FILE... : none of the files holds a token of this test (their first 40 characters).
no_secret() {
  local f t
  for f in "$@"; do
    for t in "$ALICE" "$BOB"; do
      if grep -qF -- "${t:0:40}" "$f"; then show "$(basename "$f")" "$f"; die "$f holds a token"; fi
    done
  done
}

say "== the local OIDC issuer"
oidc_issuer_start
ALICE=$(oidc_token alice@example.com)
BOB=$(oidc_token bob@example.com)
[ -n "$ALICE" ] && [ -n "$BOB" ] || die "the issuer gave no token"
pass "issuer at $OIDC_ISSUER_URL gives tokens"

say "== --identity-token: the token itself, or a file holding it"
check "--identity-token TOKEN" "$OIDC_CHECK" --identity-token "$ALICE"
cp "$OUT" flag.json
check_eq "the token passed through unchanged" "$(sha256_of "$ALICE")" "$(json_field flag.json token_sha256)"
check_eq "iss is the local issuer" "$OIDC_ISSUER_URL" "$(json_field flag.json iss)"
check_eq "the principal is the verified e-mail" "alice@example.com" "$(json_field flag.json principal)"
check_eq "aud is sigstore" '["sigstore"]' "$(json_field flag.json aud)"
no_secret "$OUT" "$ERR"
printf '%s\n' "$ALICE" > alice.jwt   # with the newline `jq -r` and echo write
check "--identity-token FILE (trailing newline dropped)" "$OIDC_CHECK" --identity-token alice.jwt
check_eq "the file's token, without its newline" "$(sha256_of "$ALICE")" "$(json_field "$OUT" token_sha256)"
printf 'not a token\n' > junk.jwt
check_fails "--identity-token FILE that holds no JWT" "$OIDC_CHECK" --identity-token junk.jwt
check_contains "the error names the file" "$ERR" "the identity token file junk.jwt (--identity-token) does not hold a JWT"
check_fails "--identity-token naming no file" "$OIDC_CHECK" --identity-token missing.jwt
check_contains "the error names the missing file" "$ERR" "missing.jwt"

say "== SIGSTORE_ID_TOKEN, and no token at all"
check "SIGSTORE_ID_TOKEN" env SIGSTORE_ID_TOKEN="$ALICE" "$OIDC_CHECK"
check_eq "the variable's token" "$(sha256_of "$ALICE")" "$(json_field "$OUT" token_sha256)"
check "--identity-token wins over SIGSTORE_ID_TOKEN" env SIGSTORE_ID_TOKEN="$ALICE" "$OIDC_CHECK" --identity-token "$BOB"
check_eq "the flag's token" "bob@example.com" "$(json_field "$OUT" principal)"
check_fails "no token and no terminal" "$OIDC_CHECK"
check_contains "says how to pass one" "$ERR" "no identity token: pass --identity-token (a token or a file holding one) or set SIGSTORE_ID_TOKEN"
check_fails "--oidc-disable-ambient-providers ignores SIGSTORE_ID_TOKEN (as cosign)" \
  env SIGSTORE_ID_TOKEN="$ALICE" "$OIDC_CHECK" --oidc-disable-ambient-providers
check_contains "and says so" "$ERR" "ambient providers are disabled by --oidc-disable-ambient-providers"
check_fails "--oidc-provider that does not exist" env SIGSTORE_ID_TOKEN="$ALICE" "$OIDC_CHECK" --oidc-provider gitlab
check_contains "cosign's words" "$ERR" "gitlab is not a valid provider"
EXPIRED=$(python3 -c '
import base64, json, sys, time
b = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
print(b({"alg": "RS256"}) + "." + b({"iss": sys.argv[1], "sub": "a@b.c", "email": "a@b.c", "email_verified": True, "exp": int(time.time()) - 120}) + ".c2ln")' "$OIDC_ISSUER_URL")
check_fails "an expired token is refused before any request" "$OIDC_CHECK" --identity-token "$EXPIRED"
check_contains "with the time it expired" "$ERR" "expired at"

say "== ambient GitHub Actions credentials (a local stand-in for the token endpoint)"
printf %s "$BOB" > gha-token.jwt
python3 "$LIB_DIR/gha_token_server.py" --token-file gha-token.jwt --bearer gha-request-s3cret \
  --port-file gha.port --log gha.log >gha.out 2>&1 </dev/null &
CLEANUP_PIDS+=("$!:$LIB_DIR/gha_token_server.py")
for _ in $(seq 1 50); do [ -s gha.port ] && break; sleep 0.1; done
[ -s gha.port ] || { cat gha.out >&2; die "the GitHub Actions stand-in did not start"; }
GHA_URL="http://127.0.0.1:$(cat gha.port)/token?api-version=2.0"
gha_requests() { if [ -f gha.log ]; then wc -l < gha.log | tr -d ' '; else echo 0; fi; }
check "ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-s3cret "$OIDC_CHECK"
check_eq "the endpoint's token" "bob@example.com" "$(json_field "$OUT" principal)"
check_eq "one request, audience sigstore, bearer accepted" "/token?api-version=2.0&audience=sigstore 200 auth=ok" "$(cat gha.log)"
check "GitHub Actions comes before SIGSTORE_ID_TOKEN (cosign's provider order)" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-s3cret SIGSTORE_ID_TOKEN="$ALICE" "$OIDC_CHECK"
check_eq "GitHub's token" "bob@example.com" "$(json_field "$OUT" principal)"
n=$(gha_requests)
check "--identity-token comes before GitHub Actions" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-s3cret "$OIDC_CHECK" --identity-token "$ALICE"
check_eq "the flag's token" "alice@example.com" "$(json_field "$OUT" principal)"
check_eq "and GitHub was not asked" "$n" "$(gha_requests)"
check "--oidc-provider envvar reads only SIGSTORE_ID_TOKEN" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-s3cret SIGSTORE_ID_TOKEN="$ALICE" \
  "$OIDC_CHECK" --oidc-provider envvar
check_eq "SIGSTORE_ID_TOKEN's token" "alice@example.com" "$(json_field "$OUT" principal)"
check_eq "and GitHub was not asked" "$n" "$(gha_requests)"
check_fails "a request token GitHub refuses" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong-s3cret "$OIDC_CHECK"
check_contains "names the endpoint and the status" "$ERR" "the GitHub Actions token endpoint http://127.0.0.1:$(cat gha.port)/token answered HTTP 401"
if grep -q 's3cret' "$ERR"; then show stderr "$ERR"; die "the request token is in the message"; fi
pass "the request token is not in the message"
check_eq "the refused request reached the endpoint" "auth=bad" "$(tail -n1 gha.log | awk '{print $3}')"
check "a refusal falls through to SIGSTORE_ID_TOKEN (as cosign's providers.Provide)" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong-s3cret SIGSTORE_ID_TOKEN="$ALICE" "$OIDC_CHECK"
check_eq "SIGSTORE_ID_TOKEN's token" "alice@example.com" "$(json_field "$OUT" principal)"
n=$(gha_requests)
check_fails "--oidc-disable-ambient-providers reads no ambient credentials" \
  env ACTIONS_ID_TOKEN_REQUEST_URL="$GHA_URL" ACTIONS_ID_TOKEN_REQUEST_TOKEN=gha-request-s3cret "$OIDC_CHECK" --oidc-disable-ambient-providers
check_eq "GitHub was not asked" "$n" "$(gha_requests)"

say "== the browser login: authorization code with PKCE, state and nonce, redirect to a local listener"
mkdir -p nobrowser fakebrowser
# login NAME PATH ARGS...: runs the hook with --fulcio-auth-flow normal in the background, waits
# for the login URL on its stderr, follows it with curl as a browser would (issuer, then its 302
# to the listener), and waits for the hook. Sets OUT, ERR, RC, LOGIN_URL, PAGE.
login() {
  local name=$1 path=$2; shift 2
  OUT=$WORK/$name.out ERR=$WORK/$name.err PAGE=$WORK/$name.html LOGIN_URL=
  env PATH="$path" "$OIDC_CHECK" --fulcio-auth-flow normal --oidc-issuer "$OIDC_ISSUER_URL" "$@" \
    >"$OUT" 2>"$ERR" </dev/null &
  local pid=$!
  for _ in $(seq 1 100); do
    LOGIN_URL=$(grep -o "$OIDC_ISSUER_URL/authorize?[^ ]*" "$ERR" 2>/dev/null | head -n1 || true)
    [ -n "$LOGIN_URL" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$LOGIN_URL" ] && [ "${LOGIN_NO_FOLLOW:-0}" != 1 ]; then
    curl -sS -L -o "$PAGE" "$LOGIN_URL" 2>"$WORK/$name.curl" || true
  fi
  set +e
  wait "$pid"
  RC=$?
  set -e
}
url_param() { python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)[sys.argv[2]][0])' "$1" "$2"; }

login nobrowser "$WORK/nobrowser"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; show curl "$WORK/nobrowser.curl"; die "the browser login failed (exit $RC)"; }
pass "no browser to open: the printed URL, followed, completes the login"
check_contains "cosign's words when no browser opens" "$ERR" 'error opening browser: exec: "xdg-open,x-www-browser,www-browser": executable file not found in $PATH'
check_contains "the link, as cosign prints it" "$ERR" "$(printf 'Go to the following link in a browser:\n')"
grep -qP "^\t $OIDC_ISSUER_URL/authorize\\?" "$ERR" || { show stderr "$ERR"; die "the URL is not on its own line after a tab and a space"; }
pass "the URL on its own line, after a tab and a space"
check_contains "the browser sees the success page" "$PAGE" "Sigstore Auth Successful"
check_eq "the id_token's issuer" "$OIDC_ISSUER_URL" "$(json_field "$OUT" iss)"
check_eq "the id_token's principal" "alice@example.com" "$(json_field "$OUT" principal)"
check_eq "PKCE with S256" "S256" "$(url_param "$LOGIN_URL" code_challenge_method)"
check_eq "a 43-character challenge" 43 "$(url_param "$LOGIN_URL" code_challenge | tr -d '\n' | wc -c)"
check_eq "a 22-character state (128 bits)" 22 "$(url_param "$LOGIN_URL" state | tr -d '\n' | wc -c)"
check_eq "a 22-character nonce (128 bits)" 22 "$(url_param "$LOGIN_URL" nonce | tr -d '\n' | wc -c)"
check_eq "client_id sigstore" sigstore "$(url_param "$LOGIN_URL" client_id)"
check_eq "scope openid email" "openid email" "$(url_param "$LOGIN_URL" scope)"
redirect=$(url_param "$LOGIN_URL" redirect_uri)
[[ "$redirect" =~ ^http://localhost:[0-9]+/auth/callback$ ]] || die "redirect_uri $redirect is not cosign's http://localhost:PORT/auth/callback"
pass "redirect_uri $redirect (cosign's default)"
no_secret "$OUT" "$ERR"

cat > fakebrowser/xdg-open <<EOF
#!/bin/sh
# A browser: follows the login URL in the background, as a real one would after xdg-open returns.
curl -sS -L -o "$WORK/fake-browser.html" "\$1" >"$WORK/fake-browser.log" 2>&1 &
exit 0
EOF
chmod +x fakebrowser/xdg-open
LOGIN_NO_FOLLOW=1 login withbrowser "$WORK/fakebrowser:/usr/bin:/bin"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; show fake-browser "$WORK/fake-browser.log"; die "the login through xdg-open failed (exit $RC)"; }
pass "xdg-open opens the URL and the login completes"
check_contains "cosign's words when the browser opens" "$ERR" "Your browser will now be opened to:"
check_contains "the fake browser got the success page" "$WORK/fake-browser.html" "Sigstore Auth Successful"
check_eq "the id_token's principal" "alice@example.com" "$(json_field "$OUT" principal)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
login redirect "$WORK/nobrowser" --oidc-redirect-url "http://localhost:$port/my/callback"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "the login with --oidc-redirect-url failed (exit $RC)"; }
check_eq "--oidc-redirect-url is the redirect_uri" "http://localhost:$port/my/callback" "$(url_param "$LOGIN_URL" redirect_uri)"

printf 'client-s3cret\n' > secret.txt
login secret "$WORK/nobrowser" --oidc-client-secret-file secret.txt --oidc-client-id sigstore
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "the login with --oidc-client-secret-file failed (exit $RC)"; }
if grep -q 'client-s3cret' "$ERR" "$OUT"; then die "the client secret was printed"; fi
pass "--oidc-client-secret-file: the login completes, the secret is not printed"

login otherclient "$WORK/nobrowser" --oidc-client-id someone-else
[ "$RC" -ne 0 ] || die "an id_token for another audience was accepted"
check_contains "an id_token not for our client is refused" "$ERR" "expected audience \"someone-else\""

env PATH="$WORK/nobrowser" "$OIDC_CHECK" --fulcio-auth-flow normal --oidc-issuer "$OIDC_ISSUER_URL" \
  >forged.out 2>forged.err </dev/null &
pid=$!
LOGIN_URL=
for _ in $(seq 1 100); do
  LOGIN_URL=$(grep -o "$OIDC_ISSUER_URL/authorize?[^ ]*" forged.err 2>/dev/null | head -n1 || true)
  [ -n "$LOGIN_URL" ] && break
  sleep 0.1
done
[ -n "$LOGIN_URL" ] || { kill "$pid" 2>/dev/null; die "no login URL for the forged-state check"; }
redirect=$(url_param "$LOGIN_URL" redirect_uri)
curl -sS -o /dev/null "$redirect?code=stolen&state=forged" || true
set +e; wait "$pid"; RC=$?; set -e
[ "$RC" -ne 0 ] || die "a redirect with a forged state was accepted"
check_contains "a redirect with a forged state ends the login" forged.err "invalid state token"

say "== on a terminal, no token: cosign's privacy statement, then the login"
python3 - "$OIDC_CHECK" "$OIDC_ISSUER_URL" "$WORK/nobrowser" > tty.out 2>tty.err <<'EOF'
import os, pty, re, select, subprocess, sys, time
check, issuer, path = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.environ["PATH"] = path
    os.execv(check, [check, "--oidc-issuer", issuer])
seen = b""
def until(pred, timeout=20):
    global seen
    end = time.time() + timeout
    while not pred(seen):
        if time.time() > end:
            sys.stderr.write("never saw it; output so far:\n" + seen.decode(errors="replace"))
            sys.exit(3)
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            seen += data
until(lambda s: b"Are you sure you would like to continue? [y/N]" in s)
os.write(fd, b"y\n")
until(lambda s: re.search(rb"\t (http://\S+/authorize\?\S+)", s) is not None)
url = re.search(rb"\t (http://\S+/authorize\?\S+)", seen).group(1).decode()
subprocess.run(["curl", "-sS", "-L", "-o", os.devnull, url], check=False)
until(lambda s: b"token_sha256" in s)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
RC=$?
[ "$RC" -eq 0 ] || { show stdout tty.out; show stderr tty.err; die "the terminal login failed ($RC)"; }
pass "a terminal and no token: the login runs after the statement is accepted"
check_contains "cosign's privacy statement first" tty.out "The sigstore service, hosted by sigstore a Series of LF Projects, LLC"
check_contains "and the token's claims at the end" tty.out '"principal":"alice@example.com"'
python3 - "$OIDC_CHECK" "$OIDC_ISSUER_URL" > tty-no.out 2>&1 <<'EOF' || true
import os, pty, select, sys, time
check, issuer = sys.argv[1:3]
pid, fd = pty.fork()
if pid == 0:
    os.execv(check, [check, "--oidc-issuer", issuer])
seen = b""
end = time.time() + 20
sent = False
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
    if not sent and b"[y/N]" in seen:
        os.write(fd, b"n\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
check_contains "declining the statement stops before any login" tty-no.out "user declined the prompt"
if grep -q '/authorize?' tty-no.out; then die "a login URL was shown after the user declined"; fi
pass "no login URL after declining"

finish
