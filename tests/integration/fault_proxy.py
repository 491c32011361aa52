#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""fault_proxy.py: an HTTP/1.1 proxy between cosign-cpp and a registry that injects faults on demand.

    fault_proxy.py --port P --alt-port A --upstream 127.0.0.1:5000 --rules rules.json --log log.txt

Listens on 127.0.0.1:P (faults applied) and 127.0.0.1:A (plain pass-through: the "other host"
that redirects point at, named `localhost:A`). Every request is forwarded to the upstream on a
fresh connection; the answer goes back with `Connection: close`.

rules.json (re-read whenever it changes; the match counters restart then) is a list of rules:

    [{"fault": "status", "status": 503, "method": "PUT", "path": "/manifests/", "times": 2}]

A rule applies to the first `times` requests (default: all) whose method matches `method`
(a regex, default any) and whose target contains `path` (a regex, default any). Faults:

    reset_request   read the headers and part of the body, then reset the connection (RST)
    reset_response  forward, send the first half of the answer, then reset the connection
    status          answer `status` (500, 502, 503, ...) without forwarding
    429             answer 429 with `Retry-After: retry_after` (default 1) without forwarding
    truncate        forward, send the headers and half of the body, then close (FIN)
    slow            forward, then wait `delay` seconds (default 5) before answering
    drip            forward, then send the answer one byte every `interval` seconds (default 0.2):
                    a registry that is never silent long enough for a read timeout, yet never done
    redirect        answer 307 to the same target on http://localhost:A (another host)
    digest          forward, then answer with `Docker-Content-Digest: digest` (a lying registry,
                    proxy or cache: the header names another image than the bytes)

Each request is logged as one line: "PORT METHOD TARGET -> FAULT|pass STATUS".
Bounded by construction: it only serves 127.0.0.1 and stops on SIGTERM.
"""
import argparse
import json
import os
import re
import socket
import socketserver
import struct
import sys
import threading
import time

LOCK = threading.Lock()
STATE = {"mtime": None, "rules": [], "counts": []}


def load_rules(path):
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        mtime = None
    with LOCK:
        if mtime != STATE["mtime"]:
            rules = []
            if mtime is not None:
                with open(path, encoding="utf-8") as f:
                    text = f.read().strip()
                rules = json.loads(text) if text else []
            STATE.update(mtime=mtime, rules=rules, counts=[0] * len(rules))


def pick_fault(method, target):
    with LOCK:
        for i, r in enumerate(STATE["rules"]):
            if not re.search(r.get("method", ".*"), method):
                continue
            if not re.search(r.get("path", ".*"), target):
                continue
            times = r.get("times")
            if times is not None and STATE["counts"][i] >= times:
                continue
            STATE["counts"][i] += 1
            return r
    return None


def read_until(sock, buf, marker):
    while marker not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return buf, False
        buf += chunk
    return buf, True


def read_exact(sock, buf, n):
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    return buf


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    first = lines[0]
    headers = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers.append((k.strip(), v.strip()))
    return first, headers


def header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def reset(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def simple_response(status, reason, extra=(), body=b""):
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        srv = self.server
        sock = self.request
        sock.settimeout(60)
        try:
            first_bytes = sock.recv(65536)
            if not first_bytes or first_bytes[0] == 0x16:
                return  # a TLS ClientHello: plain HTTP only, as an http registry, so clients fall back
            buf, ok = read_until(sock, first_bytes, b"\r\n\r\n")
            if not ok:
                return
            head, rest = buf.split(b"\r\n\r\n", 1)
            first, headers = parse_head(head)
            parts = first.split(" ")
            if len(parts) < 3:
                return
            method, target = parts[0], parts[1]
            length = int(header(headers, "Content-Length") or 0)
            fault = pick_fault(method, target) if srv.faulty else None
            name = fault["fault"] if fault else "pass"

            if name == "reset_request":
                if length > 1 and len(rest) < length // 2:
                    rest = read_exact(sock, rest, length // 2)
                srv.log(f"{method} {target} -> reset_request")
                reset(sock)
                return
            body = read_exact(sock, rest, length)[:length]
            if name == "status":
                st = int(fault.get("status", 503))
                err = json.dumps({"errors": [{"code": "UNAVAILABLE", "message": "injected fault"}]}).encode()
                sock.sendall(simple_response(st, "Injected", body=b"" if method == "HEAD" else err))
                srv.log(f"{method} {target} -> status {st}")
                return
            if name == "429":
                ra = str(fault.get("retry_after", 1))
                err = json.dumps({"errors": [{"code": "TOOMANYREQUESTS", "message": "injected"}]}).encode()
                sock.sendall(simple_response(429, "Too Many Requests", [("Retry-After", ra)],
                                             b"" if method == "HEAD" else err))
                srv.log(f"{method} {target} -> 429 Retry-After {ra}")
                return
            if name == "redirect":
                loc = f"http://localhost:{srv.alt_port}{target}"
                sock.sendall(simple_response(307, "Temporary Redirect", [("Location", loc)]))
                srv.log(f"{method} {target} -> redirect {loc}")
                return

            # Forward on a fresh upstream connection.
            out_headers = [(k, v) for k, v in headers if k.lower() not in ("connection", "keep-alive")]
            out_headers.append(("Connection", "close"))
            req = (first + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in out_headers) + "\r\n").encode() + body
            up = socket.create_connection(srv.upstream, timeout=60)
            up.sendall(req)
            resp = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                resp += chunk
            up.close()
            rhead, _, rbody = resp.partition(b"\r\n\r\n")
            rfirst, rheaders = parse_head(rhead)
            status = rfirst.split(" ")[1] if " " in rfirst else "?"
            rheaders = [(k, v) for k, v in rheaders if k.lower() not in ("connection", "keep-alive")]
            if name == "digest":
                rheaders = [(k, v) for k, v in rheaders if k.lower() != "docker-content-digest"]
                rheaders.append(("Docker-Content-Digest", fault["digest"]))
            rheaders.append(("Connection", "close"))
            rhead = (rfirst + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in rheaders) + "\r\n").encode()
            full = rhead + rbody
            if name == "reset_response":
                sock.sendall(full[: max(1, len(full) // 2)])
                srv.log(f"{method} {target} -> reset_response (upstream {status})")
                reset(sock)
                return
            if name == "truncate":
                cut = rbody[: len(rbody) // 2]
                sock.sendall(rhead + cut)
                srv.log(f"{method} {target} -> truncate {len(cut)}/{len(rbody)} (upstream {status})")
                sock.shutdown(socket.SHUT_RDWR)
                return
            if name == "slow":
                delay = float(fault.get("delay", 5))
                srv.log(f"{method} {target} -> slow {delay}s (upstream {status})")
                time.sleep(delay)
                try:
                    sock.sendall(full)
                except OSError:
                    pass
                return
            if name == "drip":
                interval = float(fault.get("interval", 0.2))
                srv.log(f"{method} {target} -> drip {len(full)} bytes every {interval}s (upstream {status})")
                for i in range(len(full)):
                    try:
                        sock.sendall(full[i:i + 1])
                    except OSError:
                        return  # the client gave up
                    time.sleep(interval)
                return
            sock.sendall(full)
            auth = " auth" if header(headers, "Authorization") else ""
            if name == "digest":
                srv.log(f"{method} {target} -> digest {fault['digest']} (upstream {status})")
                return
            srv.log(f"{method} {target} -> pass {status}{auth}")
        except (OSError, ValueError) as e:
            srv.log(f"proxy error: {e}")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, faulty, args, logf):
        super().__init__(("127.0.0.1", port), Handler)
        self.faulty = faulty
        host, _, p = args.upstream.rpartition(":")
        self.upstream = (host, int(p))
        self.alt_port = args.alt_port
        self.rules = args.rules
        self.port = port
        self._logf = logf

    def log(self, line):
        with LOCK:
            self._logf.write(f"{self.port} {line}\n")
            self._logf.flush()

    def process_request(self, request, client_address):
        if self.faulty:
            load_rules(self.rules)
        super().process_request(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--alt-port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    logf = open(args.log, "a", encoding="utf-8")
    main_srv = Server(args.port, True, args, logf)
    alt_srv = Server(args.alt_port, False, args, logf)
    threading.Thread(target=alt_srv.serve_forever, daemon=True).start()
    print(f"fault proxy on 127.0.0.1:{args.port} (alt {args.alt_port}) -> {args.upstream}", flush=True)
    main_srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
