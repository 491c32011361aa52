#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh CXX FILE [FLAGS...]: FILE must fail to compile, and the compiler's output must contain
# every message given on a "// EXPECT: <text>" line of FILE.
cxx=$1; src=$2; shift 2
out=$("$cxx" -std=c++17 -fsyntax-only "$@" "$src" 2>&1)
if [ $? -eq 0 ]; then echo "FAIL: $src compiled, but it must not"; exit 1; fi
status=0
grep '// EXPECT: ' "$src" | sed 's|.*// EXPECT: ||' > "${TMPDIR:-/tmp}/cf.$$"
while IFS= read -r want; do
  if printf '%s' "$out" | grep -qF -- "$want"; then echo "ok: $want"; else echo "FAIL: missing \"$want\""; status=1; fi
done < "${TMPDIR:-/tmp}/cf.$$"
rm -f "${TMPDIR:-/tmp}/cf.$$"
[ $status -eq 0 ] || printf '%s\n' "$out" | head -40
exit $status
