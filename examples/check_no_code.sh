#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_no_code.sh WHAT PATTERN PROGRAM [WITH]: PROGRAM (unstripped), composed without WHAT (a key
# source: pkcs11:, the cloud KMS ones, ...), must hold none of its code: no symbol matching the
# extended regular expression PATTERN; WITH, a program that composes it, must hold some (so that
# the pattern is known to match). A sanitizer runtime's own dlopen interceptor is not ours.
what=$1
pattern=$2
prog=$3
with=${4:-}
runtime='__interceptor_|__interception::| [WT] dlopen$'
syms=$(nm -C "$prog" 2>/dev/null) || { echo "cannot read symbols of $prog"; exit 1; }
hits=$(printf '%s\n' "$syms" | grep -E -- "$pattern" | grep -vE -- "$runtime" | head -5)
if [ -n "$hits" ]; then echo "FAIL: $prog holds $what code:"; echo "$hits"; exit 1; fi
if [ -n "$with" ]; then
  n=$(nm -C "$with" 2>/dev/null | grep -cE -- "$pattern")
  [ "$n" -gt 0 ] || { echo "FAIL: $with composes $what but shows no symbol matching /$pattern/"; exit 1; }
  echo "ok: $prog holds no $what code; $with holds $n matching symbols"
else
  echo "ok: $prog holds no $what code"
fi
