#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# crypto::psa and psa-key: against the real cosign 2 and 3 (issue 15), through cosign_psa_check
# (tests/integration/psa_check.cpp, built only against mbedTLS 3.6 with its PSA core):
#   a key pair written over crypto::psa: cosign 2/3 verify its signatures and cosign 2 signs with it;
#   cosign's key file decrypted over crypto::psa signs what cosign verifies, cosign's blob
#   signatures verify through crypto::psa, and a changed blob does not;
#   a persistent PSA key (ITS files in a directory of its own), imported from cosign's key file or
#   generated inside PSA, signs without a password what cosign 2/3 verify, with the file key's bytes.
. "$(dirname "$0")/lib.sh"
PSA_CHECK=${COSIGN_PSA_CHECK:-}
[ -n "$PSA_CHECK" ] && [ -x "$PSA_CHECK" ] ||
  die "cosign_psa_check not found: build it against mbedTLS 3.6 (cmake -DCOSIGN_MBEDTLS_ROOT=\$(scripts/mbedtls36.sh | tail -n1)) and set COSIGN_PSA_CHECK"
find_cosign_tools
isolate_env
cd "$WORK"
export COSIGN_PASSWORD=psa-pass
printf 'firmware image for the PSA test\n' > blob.txt
V2=("$COSIGN2" verify-blob --insecure-ignore-tlog)
V3=("$COSIGN3" verify-blob --insecure-ignore-tlog)

say "== a key pair made over crypto::psa"
check "cosign_psa_check generate-key-pair writes psa.key and psa.pub" "$PSA_CHECK" generate-key-pair psa
run_cmd s1 "$PSA_CHECK" sign-blob psa.key blob.txt
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign-blob with psa.key failed"; }
cp "$OUT" psa.sig
check "cosign 2 verify-blob accepts the PSA signature" "${V2[@]}" --key psa.pub --signature psa.sig blob.txt
check "cosign 3 verify-blob accepts the PSA signature" "${V3[@]}" --key psa.pub --signature psa.sig blob.txt
run_cmd c2s "$COSIGN2" sign-blob --key psa.key --tlog-upload=false blob.txt
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 could not sign with the key file crypto::psa wrote"; }
tail -n1 "$OUT" > c2-with-psa-key.sig
check "cosign 2 signs with psa.key, and crypto::psa verifies it" "$PSA_CHECK" verify-blob psa.pub c2-with-psa-key.sig blob.txt

say "== cosign's key pair over crypto::psa"
mkdir c2
(cd c2 && "$COSIGN2" generate-key-pair >/dev/null 2>&1) || die "cosign 2 generate-key-pair failed"
run_cmd c2sig "$COSIGN2" sign-blob --key c2/cosign.key --tlog-upload=false blob.txt
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 2 sign-blob failed"; }
tail -n1 "$OUT" > c2.sig
check "crypto::psa verifies cosign 2's blob signature" "$PSA_CHECK" verify-blob c2/cosign.pub c2.sig blob.txt
printf 'firmware image for the PSA test!\n' > other.txt
run_cmd bad "$PSA_CHECK" verify-blob c2/cosign.pub c2.sig other.txt
check_eq "... and rejects it over another blob (exit 1)" 1 "$RC"
check_contains "... saying the signature is invalid" "$ERR" "invalid signature"
run_cmd s2 "$PSA_CHECK" sign-blob c2/cosign.key blob.txt
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "crypto::psa could not sign with cosign's key file"; }
cp "$OUT" file-key.sig
check "cosign 3 verifies crypto::psa's signature with cosign's key file" "${V3[@]}" --key c2/cosign.pub --signature file-key.sig blob.txt
run_cmd pub "$PSA_CHECK" public-key c2/cosign.key
check_file_eq "the public key crypto::psa derives is cosign's cosign.pub" "$OUT" c2/cosign.pub

say "== persistent PSA keys (psa-key:<id>, ITS files in its/)"
mkdir its
check "cosign's key imported as persistent key 7" sh -c "cd its && '$PSA_CHECK' import-key ../c2/cosign.key 7"
check_eq "PSA wrote one ITS file" 1 "$(ls its | wc -l | tr -d ' ')"
unset COSIGN_PASSWORD
run_cmd s3 sh -c "cd its && '$PSA_CHECK' sign-blob psa-key:7 ../blob.txt"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign-blob psa-key:7 failed"; }
cp "$OUT" persistent.sig
check "cosign 2 verifies the psa-key:7 signature" "${V2[@]}" --key c2/cosign.pub --signature persistent.sig blob.txt
check "cosign 3 verifies the psa-key:7 signature" "${V3[@]}" --key c2/cosign.pub --signature persistent.sig blob.txt
check_eq "psa-key:7 signs the same bytes as the key file (deterministic ECDSA)" "$(cat file-key.sig)" "$(cat persistent.sig)"
check "a P-256 key generated inside PSA as persistent key 0x20" sh -c "cd its && '$PSA_CHECK' generate 0x20"
run_cmd pub20 sh -c "cd its && '$PSA_CHECK' public-key psa-key:32"
cp "$OUT" gen.pub
run_cmd s4 sh -c "cd its && '$PSA_CHECK' sign-blob psa-key:0x20 ../blob.txt"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign-blob psa-key:0x20 failed"; }
cp "$OUT" gen.sig
check "cosign 2 verifies the generated key's signature" "${V2[@]}" --key gen.pub --signature gen.sig blob.txt
check "cosign 3 verifies the generated key's signature" "${V3[@]}" --key gen.pub --signature gen.sig blob.txt
check "persistent key 32 destroyed" sh -c "cd its && '$PSA_CHECK' destroy 32"
run_cmd gone sh -c "cd its && '$PSA_CHECK' sign-blob psa-key:32 ../blob.txt"
check_eq "signing with a destroyed key fails (exit 2)" 2 "$RC"
check_contains "... naming the missing key" "$ERR" "there is no PSA key 32"
run_cmd badid sh -c "cd its && '$PSA_CHECK' sign-blob psa-key:0 ../blob.txt"
check_contains "psa-key:0 is refused with the id range" "$ERR" "from 1 to 1073741823"
finish
