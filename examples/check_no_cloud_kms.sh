#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_no_cloud_kms.sh PROGRAM [WITH_KMS]: PROGRAM (unstripped), composed without the awskms:// and
# gcpkms:// key sources, must hold none of their code (no SigV4, no KMS signer, no CRC32C);
# WITH_KMS, a program that composes them, must hold it (so that the pattern is known to match).
prog=$1
with=$2
pattern='aws_kms|gcp_kms|sigv4::|awskms::|gcpkms::|crc32c'
syms=$(nm -C "$prog" 2>/dev/null) || { echo "cannot read symbols of $prog"; exit 1; }
hits=$(printf '%s\n' "$syms" | grep -E -- "$pattern" | head -5)
if [ -n "$hits" ]; then echo "FAIL: $prog holds cloud KMS code:"; echo "$hits"; exit 1; fi
if [ -n "$with" ]; then
  n=$(nm -C "$with" 2>/dev/null | grep -cE -- "$pattern")
  [ "$n" -gt 0 ] || { echo "FAIL: $with composes awskms:// and gcpkms:// but shows no symbol matching /$pattern/"; exit 1; }
  echo "ok: $prog holds no cloud KMS code; $with holds $n matching symbols"
else
  echo "ok: $prog holds no cloud KMS code"
fi
