#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/blob.sh [--runs N] [--sizes "64 512 2048"] [--write]: sign-blob and verify-blob of large
# files (sizes in MiB), cosign-cpp beside the real cosign 2.5 and 3.1, with `openssl dgst -sha256`
# as the floor (what hashing the file costs), in one run.
#
# Measured per case (median of N runs after one warm-up that also brings the file into the page
# cache; the tools run alternately): wall time, CPU time (user + system, all threads) and peak
# RSS, from one run each through bench/peak_rss (posix_spawn + wait4, no shell in the timing;
# peak_rss forks the tool from a small image, so ru_maxrss is the tool's own). sign-blob uses the same encrypted key
# file for every tool (so scrypt is included); verify-blob uses --key and --insecure-ignore-tlog.
# Files hold random bytes, in $TMPDIR (default /tmp), and are deleted at the end.
# Prints a Markdown table; --write also puts it into bench/RESULTS.md between the
# "blob.sh:begin" and "blob.sh:end" markers.
#
# Needs scripts/get-cosign.sh's cosign2 and cosign3 and openssl. Builds cosign-cpp as Release
# into build-bench/ (or uses $COSIGN_CPP).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
RUNS=3
SIZES="64 512 2048"
WRITE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --sizes) SIZES=$2; shift ;;
    --write) WRITE=1 ;;
    *) echo "usage: bench/blob.sh [--runs N] [--sizes \"64 512 2048\"] [--write]" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "${COSIGN_CPP:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DCOSIGN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench" -j "$(nproc)" --target cosign-cpp >/dev/null
  export COSIGN_CPP=$ROOT/build-bench/examples/cosign-cpp
fi
export COSIGN_TOOLS_DIR=${COSIGN_TOOLS_DIR:-$("$ROOT/scripts/get-cosign.sh" | tail -n1)}

# shellcheck source=../tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
find_cosign_cpp
find_cosign_tools
isolate_env
cd "$WORK"
export COSIGN_PASSWORD=bench-pw
A=$COSIGN_CPP
OPENSSL=$(command -v openssl)

CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
FLAGS=$(grep -m1 -o -w -e sha_ni -e avx2 /proc/cpuinfo | sort -u | tr '\n' ' ' || true)
MACHINE="$(nproc) cores ($CPU; ${FLAGS:-no sha_ni}), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
VERSIONS="cosign-cpp $("$A" version | awk '{print $2}') (g++ $(g++ -dumpfullversion), Release), $(grep -m1 '^cosign 2' "$COSIGN_TOOLS_DIR/VERSIONS" 2>/dev/null || echo 'cosign 2'), $(grep -m1 '^cosign 3' "$COSIGN_TOOLS_DIR/VERSIONS" 2>/dev/null || echo 'cosign 3') (Debian's builds, Go), $("$OPENSSL" version | cut -d' ' -f1-2)"
note "$MACHINE"
note "$VERSIONS; $RUNS runs per case, medians; load average at start $(cut -d' ' -f1-3 /proc/loadavg)"

"$A" generate-key-pair >/dev/null 2>&1 || die "generate-key-pair failed"
cc -O2 -o "$WORK/peak_rss" "$ROOT/bench/peak_rss.c" || die "cannot build bench/peak_rss.c"
export PEAK_RSS=$WORK/peak_rss

cat > measure_blob.py <<'PY'
# Runs the commands of one case alternately; one JSON line per tool: medians of wall, CPU, RSS.
import json, os, shlex, statistics, sys, time
runs, out, case = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tools = [(sys.argv[i], shlex.split(sys.argv[i + 1])) for i in range(4, len(sys.argv), 2)]
def once(argv, keep):
    argv = [os.environ["PEAK_RSS"], "rss.txt"] + argv
    null = os.open(os.devnull, os.O_RDWR)
    fa = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 2)]
    fd = os.open(keep, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if keep else null
    fa.append((os.POSIX_SPAWN_DUP2, fd, 1))
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=fa)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    os.close(null)
    if keep: os.close(fd)
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0: sys.exit(f"{case}: {' '.join(argv)} exited {rc}")
    return wall, ru.ru_utime + ru.ru_stime, int(open("rss.txt").read())
res = {name: [] for name, _ in tools}
for name, argv in tools: once(argv, None)  # warm-up
for _ in range(runs):
    for name, argv in tools: res[name].append(once(argv, None))
with open(out, "a") as f:
    for name, r in res.items():
        f.write(json.dumps({"case": case, "tool": name, "wall": statistics.median(x[0] for x in r),
                            "cpu": statistics.median(x[1] for x in r),
                            "rss_kib": statistics.median(x[2] for x in r)}) + "\n")
PY
RES=$WORK/results.jsonl
M="python3 $WORK/measure_blob.py $RUNS $RES"

for mib in $SIZES; do
  say "== $mib MiB"
  f=$WORK/blob-$mib.bin
  head -c $((mib * 1024 * 1024)) /dev/urandom > "$f"
  # Signatures each verifier checks: its own tool's (cosign 3 signs in the old format here).
  "$A" sign-blob --tlog-upload=false --key cosign.key --output-signature "sig-$mib.b64" "$f" >/dev/null 2>&1 || die "sign-blob $mib failed"
  $M "sign-blob $mib MiB" \
    cosign-cpp "$A sign-blob --tlog-upload=false --key cosign.key $f" \
    cosign2 "$COSIGN2 sign-blob --key cosign.key --tlog-upload=false $f" \
    cosign3 "$COSIGN3 sign-blob --key cosign.key --tlog-upload=false --new-bundle-format=false --use-signing-config=false $f" \
    openssl "$OPENSSL dgst -sha256 $f"
  $M "verify-blob $mib MiB" \
    cosign-cpp "$A verify-blob --key cosign.pub --signature sig-$mib.b64 --insecure-ignore-tlog $f" \
    cosign2 "$COSIGN2 verify-blob --key cosign.pub --signature sig-$mib.b64 --insecure-ignore-tlog $f" \
    cosign3 "$COSIGN3 verify-blob --key cosign.pub --signature sig-$mib.b64 --insecure-ignore-tlog $f" \
    openssl "$OPENSSL dgst -sha256 $f"
  rm -f "$f"
  pass "$mib MiB measured"
done

TABLE=$WORK/table.md
python3 - "$RES" "$MACHINE" "$VERSIONS" "$RUNS" > "$TABLE" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by = {(r["case"], r["tool"]): r for r in rows}
cases = list(dict.fromkeys(r["case"] for r in rows))
print(f"Machine: {sys.argv[2]}.  ")
print(f"Tools: {sys.argv[3]}; {sys.argv[4]} runs per case, medians, same run.\n")
print("Each cell: wall time / CPU time (user + system) / peak RSS. Ratios: cosign-cpp's wall time "
      "over the other's (CPU time in brackets).\n")
print("| case | cosign-cpp | cosign 2.5 | cosign 3.1 | `openssl dgst -sha256` "
      "| cpp / cosign 2.5 | cpp / cosign 3.1 | cpp / openssl |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
mib = lambda k: f"{k / 1024:.1f} MiB"
for c in cases:
    a, b, d, o = (by[(c, t)] for t in ("cosign-cpp", "cosign2", "cosign3", "openssl"))
    cell = lambda r: f"{r['wall']:.2f} s / {r['cpu']:.2f} s / {mib(r['rss_kib'])}"
    ratio = lambda r: f"{a['wall'] / r['wall']:.2f}x ({a['cpu'] / r['cpu']:.2f}x)"
    print(f"| {c} | {cell(a)} | {cell(b)} | {cell(d)} | {cell(o)} | {ratio(b)} | {ratio(d)} | {ratio(o)} |")
PY
say ""
cat "$TABLE"
if [ "$WRITE" = 1 ]; then
  python3 - "$ROOT/bench/RESULTS.md" "$TABLE" <<'PY'
import sys
path, table = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read()
begin, end = "<!-- blob.sh:begin -->", "<!-- blob.sh:end -->"
if begin not in text:
    sys.exit("bench/RESULTS.md has no blob.sh:begin marker")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + "\n" + table + end + tail)
PY
  note "bench/RESULTS.md updated"
fi
finish
