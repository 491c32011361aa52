#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A stand-in for GitHub Actions' OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), for the tests.

    gha_token_server.py --token-file FILE --bearer SECRET --port-file FILE [--log FILE]

Serves GET /token?api-version=2.0&audience=AUD on 127.0.0.1 (a free port, written to
--port-file). As GitHub's endpoint, it wants `Authorization: bearer SECRET` (401 otherwise) and
answers {"count": 1, "value": TOKEN} with the token from --token-file; the test also checks that
the audience asked is `sigstore` (400 otherwise). One line per request goes to --log:
"<path?query> <status> auth=<ok|bad>" (never the secret). Standard library only.
"""
import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--bearer", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    args = ap.parse_args()

    class handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def answer(self, status, body, auth):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if args.log:
                with open(args.log, "a") as f:
                    f.write(f"{self.path} {status} auth={auth}\n")

        def do_GET(self):
            u = urlparse(self.path)
            q = parse_qs(u.query)
            auth = "ok" if self.headers.get("Authorization") == "bearer " + args.bearer else "bad"
            if u.path != "/token":
                return self.answer(404, {"message": "not found"}, auth)
            if auth != "ok":
                return self.answer(401, {"message": "Bad credentials"}, auth)
            if q.get("audience") != ["sigstore"] or q.get("api-version") != ["2.0"]:
                return self.answer(400, {"message": "unexpected audience or api-version"}, auth)
            with open(args.token_file) as f:
                token = f.read().strip()
            return self.answer(200, {"count": 1, "value": token}, auth)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
