#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# fuzz.sh [--runs N | --time SECONDS] [--jobs J] [TARGET...]: builds the libFuzzer targets in
# fuzz/ with clang++ -fsanitize=fuzzer,address,undefined (into build-fuzz/, or $FUZZ_BUILD_DIR)
# and runs each from its committed corpus fuzz/corpus/<target>/ (read-only: new inputs go to a
# scratch directory, crashes to build-fuzz/crashes/<target>/).
#
#   scripts/fuzz.sh --runs 20000        # the CI smoke run (scripts/test.sh)
#   scripts/fuzz.sh --time 300 --jobs 2 # a longer run; prints executions, coverage, crashes
#
# Exit status: non-zero when a target does not build or finds a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=20000
TIME=""
JOBS=1
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --time) TIME=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1") ;;
  esac
  shift
done
if [ ${#TARGETS[@]} -eq 0 ]; then
  for f in fuzz/*.cpp; do TARGETS+=("$(basename "$f" .cpp)"); done
fi
CXX=${FUZZ_CXX:-clang++}
command -v "$CXX" >/dev/null || { echo "fuzz.sh: $CXX not found (Debian: apt-get install clang)" >&2; exit 1; }
OUT=${FUZZ_BUILD_DIR:-build-fuzz}
mkdir -p "$OUT"

# Same sanitizers as the test build; RapidJSON 1.1's stack.h does `nullptr + n` (ignorelist).
FLAGS=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fsanitize-ignorelist=cmake/ubsan-ignorelist.txt -Iinclude -Ifuzz)
LIBS=(-lmbedtls -lmbedx509 -lmbedcrypto)

build() {
  local t=$1
  if [ "$OUT/$t" -nt "fuzz/$t.cpp" ] && [ -z "$(find include fuzz/fuzz_common.hpp -newer "$OUT/$t" -print -quit)" ]; then
    return 0
  fi
  echo "fuzz.sh: building $t" >&2
  "$CXX" "${FLAGS[@]}" "fuzz/$t.cpp" -o "$OUT/$t" "${LIBS[@]}"
}

pids=()
for t in "${TARGETS[@]}"; do
  [ -f "fuzz/$t.cpp" ] || { echo "fuzz.sh: no target fuzz/$t.cpp" >&2; exit 2; }
  build "$t" &
  pids+=($!)
  if [ ${#pids[@]} -ge "${JOBS_BUILD:-2}" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]+"${pids[@]}"}"; do wait "$p"; done

status=0
run_one() {
  local t=$1 scratch log
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/cosign-fuzz.$t.XXXXXX")
  mkdir -p "$OUT/crashes/$t"
  log=$OUT/$t.log
  local limit=(-runs="$RUNS")
  [ -n "$TIME" ] && limit=(-max_total_time="$TIME")
  set +e
  "$OUT/$t" "${limit[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$OUT/crashes/$t/" "$scratch" "fuzz/corpus/$t" >"$log" 2>&1
  local rc=$?
  set -e
  local execs cov ft corpus
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n1 | cut -d' ' -f2)
  corpus=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n1 | cut -d' ' -f2)
  if [ "$rc" -ne 0 ]; then
    echo "FAIL $t: exit $rc after ${execs:-?} executions; see $log and $OUT/crashes/$t/"
    grep -m5 -E 'ERROR|runtime error|SUMMARY' "$log" | sed 's/^/  /'
  else
    echo "ok   $t: ${execs:-?} executions, cov ${cov:-?} edges, ft ${ft:-?} features, corpus ${corpus:-?}"
  fi
  rm -rf "$scratch"
  return "$rc"
}

active=()
for t in "${TARGETS[@]}"; do
  run_one "$t" > "$OUT/$t.summary" 2>&1 &
  active+=("$!:$t")
  while [ ${#active[@]} -ge "$JOBS" ]; do
    entry=${active[0]}; active=("${active[@]:1}")
    wait "${entry%%:*}" || status=1
    cat "$OUT/${entry#*:}.summary"
  done
done
for entry in "${active[@]+"${active[@]}"}"; do
  wait "${entry%%:*}" || status=1
  cat "$OUT/${entry#*:}.summary"
done
ok=0; failed=0
for t in "${TARGETS[@]}"; do
  if grep -q '^ok' "$OUT/$t.summary"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi
done
echo "fuzz: $ok passed, $failed failed"
exit "$status"
