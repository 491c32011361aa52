#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""pty_drive.py TRANSCRIPT -- CMD...: runs CMD on a pseudo-terminal and answers its prompts.

TRANSCRIPT is a file of lines "expect<TAB>text" (wait until the output contains text) and
"send<TAB>text" (type text and Enter). Writes everything CMD printed to stdout and exits with
CMD's exit status (124 when a prompt does not come within 20 s).
"""
import os
import pty
import select
import sys
import time


def main():
    transcript = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    steps = [l.rstrip("\n").split("\t", 1) for l in open(transcript) if l.strip()]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""

    def read_some(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(fd, 4096)
        except OSError:
            return None
        if not data:
            return None
        seen += data
        return True

    for kind, text in steps:
        if kind == "expect":
            deadline = time.time() + 20
            while text.encode() not in seen:
                if time.time() > deadline or read_some(0.2) is None:
                    sys.stdout.write(seen.decode(errors="replace"))
                    sys.stderr.write(f"pty_drive: never saw {text!r}\n")
                    os.kill(pid, 9)
                    sys.exit(124)
        elif kind == "send":
            os.write(fd, text.encode() + b"\n")
    while read_some(5):
        pass
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
