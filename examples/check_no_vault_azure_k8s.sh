#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_no_vault_azure_k8s.sh PROGRAM [WITH_KMS]: PROGRAM (unstripped), composed without the
# hashivault://, azurekms:// and k8s:// key sources, must hold none of their code; WITH_KMS, a
# program that composes them, must hold it (so that the pattern is known to match).
prog=$1
with=$2
pattern='hashivault_key_source|vault_client|vault_config|azurekms_|k8s_key_source|k8s_client|k8s_config|detail::k8s::|detail::azure::|detail::vault::|detail::kms::|remote_signer'
syms=$(nm -C "$prog" 2>/dev/null) || { echo "cannot read symbols of $prog"; exit 1; }
hits=$(printf '%s\n' "$syms" | grep -E -- "$pattern" | head -5)
if [ -n "$hits" ]; then echo "FAIL: $prog holds Vault, Azure Key Vault or Kubernetes key source code:"; echo "$hits"; exit 1; fi
if [ -n "$with" ]; then
  n=$(nm -C "$with" 2>/dev/null | grep -cE -- "$pattern")
  [ "$n" -gt 0 ] || { echo "FAIL: $with composes the KMS key sources but shows no symbol matching /$pattern/"; exit 1; }
  echo "ok: $prog holds no Vault/Azure/k8s key source code; $with holds $n matching symbols"
else
  echo "ok: $prog holds no Vault/Azure/k8s key source code"
fi
