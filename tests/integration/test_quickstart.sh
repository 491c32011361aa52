#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# scripts/quickstart.sh (the README's walk-through) runs to the end in a fresh HOME and exits 0.
# It gets the CLI under test as $COSIGN_CPP and the tool caches through COSIGN_TOOLS_DIR, SKOPEO
# and XDG_CACHE_HOME, so that scripts/get-cosign.sh and scripts/get-skopeo.sh find them offline.
. "$(dirname "$0")/lib.sh"
find_cosign_cpp
find_cosign_tools
find_skopeo
QUICKSTART=$SOURCE_DIR/scripts/quickstart.sh
[ -f "$QUICKSTART" ] || die "$QUICKSTART does not exist"
[ -x "$QUICKSTART" ] || die "$QUICKSTART is not executable"
pass "scripts/quickstart.sh exists and is executable"

# Keep the tool caches reachable after HOME changes.
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-$HOME/.cache}
COSIGN_TOOLS_DIR=$(dirname "$COSIGN2")
export COSIGN_TOOLS_DIR
isolate_env
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR" "$WORK/run"
cd "$WORK/run"

say "== running scripts/quickstart.sh (HOME=$HOME)"
set +e
timeout 300 "$QUICKSTART" >"$WORK/quickstart.out" 2>"$WORK/quickstart.err" </dev/null
RC=$?
set -e
if [ "$RC" -ne 0 ]; then
  show stdout "$WORK/quickstart.out"; show stderr "$WORK/quickstart.err"
  [ "$RC" -eq 124 ] && die "scripts/quickstart.sh did not finish within 300 s"
  die "scripts/quickstart.sh exited $RC"
fi
pass "scripts/quickstart.sh exits 0 ($(wc -l < "$WORK/quickstart.out") lines on stdout)"

# It must not leave processes behind: nothing may still run from our temporary directories.
sleep 0.2
left=$(pgrep -a -f "$WORK" | grep -v "^$$ " || true)
[ -z "$left" ] || { echo "$left" >&2; die "scripts/quickstart.sh left processes running"; }
pass "no process left running from the quickstart's temporary files"

finish
