#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A tiny Docker registry token server (Bearer auth) for the integration tests.

    token_server.py --port PORT --key KEY.pem --cert CERT.pem --user USER:PASS
                    --issuer ISSUER --service SERVICE [--log FILE]

Serves GET /token?service=...&scope=repository:NAME:ACTIONS (scope may repeat) on 127.0.0.1.
The client must send HTTP Basic credentials equal to --user, otherwise it gets 401. The answer is
{"token": JWT, "access_token": JWT, "expires_in": 300, "issued_at": RFC3339}. The JWT is RS256,
signed with `openssl dgst -sha256 -sign KEY` (the Python standard library has no RSA), and its
header carries "x5c": [base64 DER of CERT], which docker-registry verifies against the
`rootcertbundle` it was configured with (distribution registry/auth/token/token.go,
parseAndVerifyCertChain). Every requested action is granted. One line per request goes to --log.
Only the standard library and the openssl binary are used.
"""
import argparse
import base64
import datetime
import json
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pem_to_der(pem_text: str) -> bytes:
    body = []
    inside = False
    for line in pem_text.splitlines():
        if line.startswith("-----BEGIN CERTIFICATE-----"):
            inside = True
            continue
        if line.startswith("-----END CERTIFICATE-----"):
            break
        if inside:
            body.append(line.strip())
    return base64.b64decode("".join(body))


class Server:
    def __init__(self, args):
        self.args = args
        with open(args.cert, encoding="ascii") as f:
            self.x5c = base64.b64encode(pem_to_der(f.read())).decode("ascii")
        self.expected = "Basic " + base64.b64encode(args.user.encode()).decode("ascii")
        self.lock = threading.Lock()

    def log(self, line: str) -> None:
        if not self.args.log:
            return
        with self.lock, open(self.args.log, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def make_token(self, subject: str, service: str, scopes) -> str:
        access = []
        for scope in scopes:
            # type:name:actions, where name may contain ':' (registry:catalog:*), actions do not.
            parts = scope.split(":")
            if len(parts) < 3:
                continue
            typ, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1]
            access.append({"type": typ, "name": name,
                           "actions": [a for a in actions.split(",") if a]})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        claims = {"iss": self.args.issuer, "sub": subject, "aud": service,
                  "exp": now + 300, "nbf": now - 10, "iat": now,
                  "jti": uuid.uuid4().hex, "access": access}
        signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         b64url(json.dumps(claims, separators=(",", ":")).encode()))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.args.key],
                             input=signing_input.encode("ascii"), capture_output=True, check=True).stdout
        return signing_input + "." + b64url(sig)


def make_handler(server: Server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # quiet; we keep our own log
            pass

        def reply(self, code: int, body: dict, extra=None):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def handle_token(self, params):
            auth = self.headers.get("Authorization", "")
            scopes = params.get("scope", [])
            service = (params.get("service") or [server.args.service])[0]
            if auth != server.expected:
                server.log(f"{self.command} {self.path} 401 scopes={scopes}")
                self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]},
                           {"WWW-Authenticate": 'Basic realm="token-server"'})
                return
            user = server.args.user.split(":", 1)[0]
            token = server.make_token(user, service, scopes)
            issued = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            server.log(f"{self.command} {self.path} 200 scopes={scopes}")
            self.reply(200, {"token": token, "access_token": token,
                             "expires_in": 300, "issued_at": issued})

        def do_GET(self):
            u = urlparse(self.path)
            if u.path != "/token":
                self.reply(404, {"error": "not found"})
                return
            self.handle_token(parse_qs(u.query))

        def do_POST(self):
            # OAuth2 form flow (docker/distribution token spec "oauth"): not supported; clients
            # fall back to GET when they hold no refresh token, which is our case.
            length = int(self.headers.get("Content-Length", "0") or 0)
            if length:
                self.rfile.read(length)
            server.log(f"POST {self.path} 404")
            self.reply(404, {"error": "use GET"})

    return Handler


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--user", required=True, help="USER:PASS accepted as Basic credentials")
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--log")
    args = p.parse_args()
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(Server(args)))
    print(f"token server listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
