# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# tests/integration/fault_proxy.sh - helpers for fault_proxy.py; source after lib.sh.
#
#   proxy_start REG_DIR: starts fault_proxy.py in front of that registry; sets PROXY (HOST:PORT),
#                        PROXY_ALT (the pass-through "other host"), PROXY_RULES and PROXY_LOG;
#   faults JSON:         sets the rules (a JSON list, see fault_proxy.py); `faults '[]'` clears;
#   proxy_count REGEX:   number of proxy log lines since the last `faults` matching REGEX.

proxy_start() {
  local dir=$1 port alt pid py
  py=$(command -v python3 || true)
  [ -n "$py" ] || die "python3 not found (needed for the fault proxy)"
  PROXY_RULES=$WORK/proxy-rules.json PROXY_LOG=$WORK/proxy.log
  echo '[]' > "$PROXY_RULES"
  : > "$PROXY_LOG"
  for _ in 1 2 3 4 5; do
    port=$(pick_port); alt=$(pick_port)
    [ "$port" != "$alt" ] || continue
    "$py" "$LIB_DIR/fault_proxy.py" --port "$port" --alt-port "$alt" --upstream "$(cat "$dir/address")" \
      --rules "$PROXY_RULES" --log "$PROXY_LOG" >"$WORK/proxy.out" 2>&1 </dev/null &
    pid=$!
    CLEANUP_PIDS+=("$pid:$LIB_DIR/fault_proxy.py")
    if wait_http "http://127.0.0.1:$port/v2/" && wait_http "http://127.0.0.1:$alt/v2/"; then
      PROXY=127.0.0.1:$port PROXY_ALT=localhost:$alt
      PROXY_MARK=$(wc -l < "$PROXY_LOG")
      note "fault proxy at $PROXY (other host $PROXY_ALT) -> $(cat "$dir/address")"
      return 0
    fi
    _stop_pid "$pid" "$LIB_DIR/fault_proxy.py"
  done
  cat "$WORK/proxy.out" >&2
  die "fault proxy did not start"
}

faults() {
  printf '%s\n' "$1" > "$PROXY_RULES.tmp"
  mv "$PROXY_RULES.tmp" "$PROXY_RULES"
  PROXY_MARK=$(wc -l < "$PROXY_LOG")
}

proxy_count() { tail -n +"$((PROXY_MARK + 1))" "$PROXY_LOG" | grep -cE -- "$1" || true; }
