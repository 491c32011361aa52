#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_verify_only.sh PROGRAM: PROGRAM (unstripped) must reference no signing, key-file, PKCS#11
# or HTTP server code, and no Rekor client (its log check is offline): what a verify-only composition leaves out.
prog=$1
syms=$(nm -C "$prog" 2>/dev/null) || { echo "cannot read symbols of $prog"; exit 1; }
status=0
for pat in mbedtls_pk_sign mbedtls_ecdsa_write_signature mbedtls_ecdsa_sign mbedtls_pk_write_key \
           cosign::crypto::mbedtls::sign cosign::crypto::mbedtls::generate_p256 scrypt secretbox \
           load_cosign_key file_key_source env_key_source local_signer any_signer httplib Server:: OPENSSL SSL_CTX \
           pkcs11 detail::p11:: dlopen dlsym basic_rekor_client rekor_upload_step basic_fulcio_client fulcio_issuer; do
  hits=$(printf '%s\n' "$syms" | grep -F -- "$pat" | head -3)
  if [ -n "$hits" ]; then echo "FAIL: $prog holds $pat:"; echo "$hits"; status=1; fi
done
[ $status -eq 0 ] && echo "ok: $prog holds no signing, key-file, PKCS#11, HTTP server, Rekor or Fulcio client code"
exit $status
