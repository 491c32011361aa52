#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""measure.py: the measuring half of bench/bench.sh (stdlib only).

    measure.py pair NAME RUNS RESULTS.jsonl --a 'CMD' --b 'CMD' [--cwd DIR] [--rm FILE]...
                    [--reglog FILE] [--regpid PID] [--warmup N]
        Runs A (cosign-cpp) and B (cosign) alternately RUNS times each. CMD is split like a shell
        would (shlex) and executed directly (no shell in the timing); "{i}" becomes the run number.
        Per run: wall time (monotonic, posix_spawn), exit status and, with --reglog, the requests
        the registry logged during the run and, with --regpid, the CPU time the registry process
        spent meanwhile (its threads' run time, /proc/PID/task/*/schedstat); then the same command again through
        bench/peak_rss (built by bench.sh; $PEAK_RSS) for its peak RSS. Appends one JSON
        line per tool to RESULTS.jsonl. A non-zero exit fails the benchmark.

    measure.py table RESULTS.jsonl GOALS.json [--sizes A_BYTES B_BYTES]
        Prints the Markdown table: medians, ratios, goals.
"""
import json
import os
import re
import shlex
import statistics
import sys
import time

PEAK_RSS = os.environ.get("PEAK_RSS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "peak_rss"))
ACCESS = re.compile(r'^[0-9.]+ - [^ ]+ \[[^]]+\] "[A-Z]+ /v2/')


def count_requests(path):
    if not path:
        return 0
    n = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if ACCESS.match(line):
                n += 1
    return n


def cpu_ms(pid):
    # CPU time of a process in milliseconds: the sum of its threads' run time in nanoseconds
    # (/proc/PID/task/*/schedstat, first field); /proc/PID/stat's utime + stime counts in 10 ms
    # ticks, too coarse for one request. (A thread that exits between two readings takes its
    # time with it; docker-registry's Go threads live as long as the process.)
    if not pid:
        return 0.0
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="utf-8") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1e6


def run_once(argv, cwd, env):
    # posix_spawn (vfork semantics): the child's peak RSS is its own, not a copy of Python's,
    # and spawning costs less than fork + exec.
    devnull = os.open(os.devnull, os.O_RDWR)
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[
            (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
    finally:
        os.chdir(old)
        os.close(devnull)
    return wall, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def settle_log(path):
    # docker-registry writes the access line after the answer: give it a moment.
    if not path:
        return 0
    last, same = -1, 0
    for _ in range(50):
        n = count_requests(path)
        same = same + 1 if n == last else 0
        if same >= 2:
            return n
        last = n
        time.sleep(0.02)
    return last


def pair(args):
    name, runs, out = args[0], int(args[1]), args[2]
    opts = {"a": None, "b": None, "cwd": None, "rm": [], "reglog": None, "regpid": None, "warmup": 1}
    i = 3
    while i < len(args):
        k = args[i].lstrip("-")
        if k == "rm":
            opts["rm"].append(args[i + 1])
        elif k == "warmup":
            opts["warmup"] = int(args[i + 1])
        else:
            opts[k] = args[i + 1]
        i += 2
    env = dict(os.environ)
    res = {t: {"wall": [], "rss": [], "req": [], "regcpu": []} for t in ("a", "b")}
    total = opts["warmup"] + runs
    for r in range(total):
        for tool in ("a", "b"):
            for f in opts["rm"]:
                try:
                    os.unlink(os.path.join(opts["cwd"] or ".", f))
                except FileNotFoundError:
                    pass
            argv = [s.replace("{i}", str(r)) for s in shlex.split(opts[tool])]
            before = settle_log(opts["reglog"])
            cpu0 = cpu_ms(opts["regpid"])
            wall, _, rc = run_once(argv, opts["cwd"], env)
            after = settle_log(opts["reglog"])
            regcpu = cpu_ms(opts["regpid"]) - cpu0
            if rc != 0:
                sys.stderr.write(f"bench {name}: {' '.join(argv)} exited {rc}\n")
                sys.exit(1)
            # Peak RSS from a second run under peak_rss (bench/peak_rss.c): Linux keeps the
            # pre-exec image's peak in ru_maxrss, and a child spawned from Python starts as Python.
            for f in opts["rm"]:
                try:
                    os.unlink(os.path.join(opts["cwd"] or ".", f))
                except FileNotFoundError:
                    pass
            rss_file = os.path.abspath(out) + ".rss"
            _, _, rc = run_once([PEAK_RSS, rss_file] + argv, opts["cwd"], env)
            rss = int(open(rss_file, encoding="utf-8").read())
            if rc != 0:
                sys.stderr.write(f"bench {name}: {' '.join(argv)} exited {rc} (RSS run)\n")
                sys.exit(1)
            if r >= opts["warmup"]:
                res[tool]["wall"].append(wall)
                res[tool]["rss"].append(rss)
                res[tool]["req"].append(after - before)
                res[tool]["regcpu"].append(regcpu)
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps({"name": name, "runs": runs, **res}) + "\n")
    a, b = res["a"], res["b"]
    ma, mb = statistics.median(a["wall"]) * 1000, statistics.median(b["wall"]) * 1000
    ra, rb = statistics.median(a["rss"]) / 1024, statistics.median(b["rss"]) / 1024
    print(f"  {name:<40} cosign-cpp {ma:7.1f} ms {ra:6.1f} MiB | cosign {mb:7.1f} ms {rb:6.1f} MiB | "
          f"ratio {ma / mb:5.2f}", flush=True)


def fmt_ms(v):
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


def table(args):
    path, goals_path = args[0], args[1]
    sizes = None
    if len(args) >= 5 and args[2] == "--sizes":
        sizes = (int(args[3]), int(args[4]))
    goals = json.load(open(goals_path, encoding="utf-8"))
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    print("| operation | cosign-cpp time (ms) | cosign time (ms) | time ratio | goal | "
          "cosign-cpp peak RSS (MiB) | cosign peak RSS (MiB) | requests cosign-cpp / cosign | "
          "registry CPU (ms) cosign-cpp / cosign |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        a, b = r["a"], r["b"]
        ma, mb = statistics.median(a["wall"]) * 1000, statistics.median(b["wall"]) * 1000
        ra, rb = statistics.median(a["rss"]) / 1024, statistics.median(b["rss"]) / 1024
        req = ""
        if any(a["req"]) or any(b["req"]):
            req = f"{int(statistics.median(a['req']))} / {int(statistics.median(b['req']))}"
        cpu = ""
        if any(a.get("regcpu", [])) or any(b.get("regcpu", [])):
            cpu = f"{statistics.median(a['regcpu']):.0f} / {statistics.median(b['regcpu']):.0f}"
        g = goals.get(r["name"], "")
        print(f"| {r['name']} | {fmt_ms(ma)} | {fmt_ms(mb)} | {ma / mb:.2f} | {g} | {ra:.1f} | {rb:.1f} | {req} | {cpu} |")
    if sizes:
        a, b = sizes
        print(f"| stripped binary size (MB) | {a / 1e6:.2f} | {b / 1e6:.1f} | {a / b:.3f} | | | | | |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "pair":
        pair(rest)
    elif cmd == "table":
        table(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
