#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_no_pkcs11.sh PROGRAM [WITH_PKCS11]: PROGRAM (unstripped), composed without the pkcs11: key
# source, must hold none of its code (no pkcs11 symbol, no dlopen); WITH_PKCS11, a program that
# composes it, must hold it (so that the pattern is known to match).
prog=$1
with=$2
pattern='pkcs11|detail::p11::|dlopen'
# A sanitizer runtime defines its own dlopen interceptor in every program; that is not ours.
runtime='__interceptor_|__interception::| [WT] dlopen$'
syms=$(nm -C "$prog" 2>/dev/null) || { echo "cannot read symbols of $prog"; exit 1; }
hits=$(printf '%s\n' "$syms" | grep -E -- "$pattern" | grep -vE -- "$runtime" | head -5)
if [ -n "$hits" ]; then echo "FAIL: $prog holds PKCS#11 code:"; echo "$hits"; exit 1; fi
if [ -n "$with" ]; then
  n=$(nm -C "$with" 2>/dev/null | grep -cE -- "$pattern")
  [ "$n" -gt 0 ] || { echo "FAIL: $with composes pkcs11: but shows no symbol matching /$pattern/"; exit 1; }
  echo "ok: $prog holds no PKCS#11 code; $with holds $n matching symbols"
else
  echo "ok: $prog holds no PKCS#11 code"
fi
