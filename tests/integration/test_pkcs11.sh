#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# pkcs11: keys (issue 14, part 1) against the real SoftHSM2 from Debian, with a token made here
# in a private directory: cosign-cpp signs images and blobs through the token (EC P-256, P-384
# and RSA-2048 keys, by label and by id, PIN and module from the URI or the environment);
# cosign 2 and 3 verify with the public key cosign-cpp exports; wrong PIN, unknown key, unknown
# token, missing module: a clear error naming pkcs11 and the key, exit non-zero, nothing written
# to the registry, the PIN nowhere in the output; pkcs11-tool list-tokens / list-keys-uris; the
# PIN prompt on a terminal (pty_drive.py), without echo.
. "$(dirname "$0")/lib.sh"
setup_interop
need_cmd softhsm2-util

MOD=/usr/lib/softhsm/libsofthsm2.so
[ -f "$MOD" ] || die "$MOD not found (Debian: apt-get install softhsm2)"
PIN=71829364      # the token's user PIN: must never show in any output
BADPIN=55443322   # a wrong PIN: must never show either
SOPIN=90817263

say "== a SoftHSM2 token in a private directory"
mkdir -p "$WORK/softhsm/tokens"
printf 'directories.tokendir = %s/softhsm/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK" \
  > "$WORK/softhsm/softhsm2.conf"
export SOFTHSM2_CONF=$WORK/softhsm/softhsm2.conf
softhsm2-util --init-token --free --label cosign-test --pin "$PIN" --so-pin "$SOPIN" >/dev/null \
  || die "softhsm2-util --init-token failed"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec384.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
softhsm2-util --import ec.pem --token cosign-test --label ec-key --id 01 --pin "$PIN" >/dev/null || die "import ec.pem"
softhsm2-util --import ec384.pem --token cosign-test --label "p384 key" --id a0b1 --pin "$PIN" >/dev/null || die "import ec384.pem"
softhsm2-util --import rsa.pem --token cosign-test --label rsa-key --id 02 --pin "$PIN" >/dev/null || die "import rsa.pem"
rm -f ec.pem ec384.pem rsa.pem
SLOT=$(softhsm2-util --show-slots | awk '/^Slot [0-9]+$/ {s=$2} /Label: +cosign-test/ {print s; exit}')
SERIAL=$(softhsm2-util --show-slots | awk '/Serial number:/ {sn=$3} /Label: +cosign-test/ {print sn; exit}')
[ -n "$SLOT" ] && [ -n "$SERIAL" ] || die "could not find the token's slot and serial"
pass "token cosign-test in slot $SLOT (S/N $SERIAL): ec-key (P-256, id 01), p384 key (id a0b1), rsa-key (RSA-2048, id 02)"

# no_pin FILE...: neither the PIN nor the wrong PIN appears in any of the files.
no_pin() {
  local f
  for f in "$@"; do
    if grep -qF -e "$PIN" -e "$BADPIN" -e "$SOPIN" "$f"; then show "$(basename "$f")" "$f"; die "a PIN shows in $f"; fi
  done
  pass "no PIN in $(for f in "$@"; do printf '%s ' "$(basename "$f")"; done)"
}

say "== pkcs11-tool list-tokens (cosign's output)"
run_cmd lt "$COSIGN_CPP" pkcs11-tool list-tokens --module-path "$MOD"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "list-tokens failed"; }
printf "\nListing tokens of PKCS11 module '%s'\nToken in slot %s\n\tLabel: cosign-test\n\tManufacturer: SoftHSM project\n\tModel: SoftHSM v2\n\tS/N: %s\n\n" \
  "$MOD" "$SLOT" "$SERIAL" > lt.expected
head -c "$(wc -c < lt.expected)" "$OUT" > lt.head
check_file_eq "list-tokens prints the token as cosign does" lt.expected lt.head
run_cmd lt_env env COSIGN_PKCS11_MODULE_PATH="$MOD" "$COSIGN_CPP" pkcs11-tool list-tokens
check_eq "list-tokens takes the module from COSIGN_PKCS11_MODULE_PATH" 0 "$RC"
run_cmd lt_none "$COSIGN_CPP" pkcs11-tool list-tokens
check_eq "list-tokens without a module fails" 1 "$RC"
check_contains "... saying what to set (cosign's message)" "$ERR" "please specify --module-path or set COSIGN_PKCS11_MODULE_PATH"

say "== pkcs11-tool list-keys-uris"
run_cmd lk "$COSIGN_CPP" pkcs11-tool list-keys-uris --module-path "$MOD" --slot-id "$SLOT" --pin "$PIN"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "list-keys-uris failed"; }
check_contains "header as cosign's" "$OUT" "Listing URIs of keys in slot '$SLOT' of PKCS11 module '$MOD'"
check_contains "ec-key is listed with its label" "$OUT" "$(printf '\tLabel: ec-key')"
check_contains "ec-key is listed with its id in hex" "$OUT" "$(printf '\tID: 01')"
check_contains "p384 key is listed with its id" "$OUT" "$(printf '\tID: a0b1')"
check_contains "ec-key's URI as cosign writes it" "$OUT" \
  "$(printf '\tURI: pkcs11:token=cosign-test;slot-id=%s;id=%%01;object=ec-key?module-path=%s' "$SLOT" "$MOD")"
check_contains "a label with a space is percent-encoded" "$OUT" "id=%a0%b1;object=p384%20key?module-path="
check_eq "three keys (Object 0..2)" 3 "$(grep -c '^Object [0-9]' "$OUT")"
no_pin "$OUT" "$ERR"
run_cmd lk_env env COSIGN_PKCS11_PIN="$PIN" "$COSIGN_CPP" pkcs11-tool list-keys-uris --module-path "$MOD" --slot-id "$SLOT"
check_eq "list-keys-uris takes the PIN from COSIGN_PKCS11_PIN" 0 "$RC"
run_cmd lk_bad "$COSIGN_CPP" pkcs11-tool list-keys-uris --module-path "$MOD" --slot-id "$SLOT" --pin "$BADPIN"
check_eq "list-keys-uris with a wrong PIN fails" 1 "$RC"
check_contains "... saying the PIN is wrong" "$ERR" "wrong PIN"
no_pin "$OUT" "$ERR"

say "== public-key --key pkcs11:..."
EC_URI="pkcs11:token=cosign-test;object=ec-key?module-path=$MOD&pin-value=$PIN"
run_cmd pk "$COSIGN_CPP" public-key --key "$EC_URI"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "public-key failed"; }
cp "$OUT" ec.pub
check "the exported key is a P-256 public key" sh -c "openssl pkey -pubin -in ec.pub -noout -text | grep -q 'NIST CURVE: P-256'"
no_pin "$OUT" "$ERR"
run_cmd pk384 env COSIGN_PKCS11_PIN="$PIN" "$COSIGN_CPP" public-key --key "pkcs11:token=cosign-test;id=%a0%b1?module-path=$MOD" --outfile p384.pub
check_eq "public-key of the P-384 key by id (PIN from COSIGN_PKCS11_PIN) to --outfile" 0 "$RC"
check "the exported key is a P-384 public key" sh -c "openssl pkey -pubin -in p384.pub -noout -text | grep -q 'NIST CURVE: P-384'"
run_cmd pkrsa env COSIGN_PKCS11_MODULE_PATH="$MOD" COSIGN_PKCS11_PIN="$PIN" "$COSIGN_CPP" public-key --key "pkcs11:slot-id=$SLOT;id=%02"
check_eq "public-key of the RSA key by slot-id and id (module and PIN from the environment)" 0 "$RC"
cp "$OUT" rsa.pub
check "the exported key is RSA-2048" sh -c "openssl pkey -pubin -in rsa.pub -noout -text | grep -q 'Public-Key: (2048 bit)'"

registry_start plain
DIGEST=$(push_image "$REG_DIR" demo:latest)
note "demo:latest = $DIGEST"

say "== sign an image through the token; cosign 2 and 3 verify"
run_cmd sign "$COSIGN_CPP" sign --key "$EC_URI" --tlog-upload=false -y "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign --key pkcs11:... failed"; }
pass "cosign-cpp sign --key pkcs11:token=cosign-test;object=ec-key?... exits 0"
no_pin "$OUT" "$ERR"
for c in 2 3; do
  tool=COSIGN$c
  run_cmd v$c "${!tool}" verify --key ec.pub --insecure-ignore-tlog "$REG/demo:latest"
  [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign$c verify rejected the pkcs11 signature (exit $RC)"; }
  pass "cosign$c verify --key ec.pub (exported by cosign-cpp) accepts the P-256 token signature"
done
run_cmd sign_rsa env COSIGN_PKCS11_MODULE_PATH="$MOD" COSIGN_PKCS11_PIN="$PIN" \
  "$COSIGN_CPP" sign --key "pkcs11:token=cosign-test;id=%02" --tlog-upload=false -y "$REG/demo@$DIGEST"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign with the RSA token key failed"; }
pass "cosign-cpp sign with the RSA key by id, module and PIN from the environment"
no_pin "$OUT" "$ERR"
run_cmd sign_384 "$COSIGN_CPP" sign --key "pkcs11:token=cosign-test;object=p384%20key?module-path=$MOD&pin-value=$PIN" \
  --tlog-upload=false -y "$REG/demo@$DIGEST"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign with the P-384 token key failed"; }
for c in 2 3; do
  tool=COSIGN$c
  for k in rsa p384 ec; do
    run_cmd v$c$k "${!tool}" verify --key $k.pub --insecure-ignore-tlog "$REG/demo:latest"
    [ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign$c verify --key $k.pub rejected (exit $RC)"; }
  done
  pass "cosign$c verify accepts the RSA, P-384 and P-256 token signatures, each with its exported key"
done
check_eq "the .sig image holds three signatures" 3 \
  "$(get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST")" | jq '.layers | length')"

say "== sign-blob through the token; cosign 2 and 3 verify-blob"
printf 'firmware image 1.2.3\n' > fw.bin
run_cmd sb "$COSIGN_CPP" sign-blob --tlog-upload=false --key "$EC_URI" fw.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign-blob through the token failed"; }
cp "$OUT" fw.sig
no_pin "$OUT" "$ERR"
base64 -d fw.sig > fw.sig.der
check "openssl verifies the blob signature (DER ECDSA) with ec.pub" openssl dgst -sha256 -verify ec.pub -signature fw.sig.der fw.bin
check "cosign2 verify-blob accepts it" "$COSIGN2" verify-blob --key ec.pub --signature fw.sig --insecure-ignore-tlog fw.bin
run_cmd sbr env COSIGN_PKCS11_PIN="$PIN" "$COSIGN_CPP" sign-blob --tlog-upload=false --key "pkcs11:token=cosign-test;object=rsa-key?module-path=$MOD" fw.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "sign-blob with the RSA token key failed"; }
cp "$OUT" fw-rsa.sig
check "cosign2 verify-blob accepts the RSA blob signature" "$COSIGN2" verify-blob --key rsa.pub --signature fw-rsa.sig --insecure-ignore-tlog fw.bin
check "cosign3 verify-blob accepts it" "$COSIGN3" verify-blob --key ec.pub --signature fw.sig --insecure-ignore-tlog fw.bin

say "== bad credentials and unknown keys: clear errors, nothing written, no PIN"
BEFORE=$(reg_snapshot "$REG_DIR")
# refused NAME EXPECTED_SUBSTRING KEY [ENV...]: sign with KEY must fail naming pkcs11 and the key.
refused() {
  local name=$1 want=$2 key=$3 shown=$4; shift 4
  local m
  m=$(reg_mark "$REG_DIR")
  run_cmd "$name" env "$@" "$COSIGN_CPP" sign --key "$key" --tlog-upload=false -y "$REG/demo:latest"
  [ "$RC" -ne 0 ] || die "$name: sign succeeded"
  check_contains "$name: exit $RC, the error names the key ($shown)" "$ERR" "$shown"
  check_contains "$name: ... and says what is wrong ($want)" "$ERR" "$want"
  no_pin "$OUT" "$ERR"
  check_eq "$name: no request reached the registry" 0 "$(reg_count_since "$REG_DIR" "$m")"
}
refused wrong_pin "wrong PIN: CKR_PIN_INCORRECT" "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD&pin-value=$BADPIN" \
  'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"'
refused wrong_env_pin "wrong PIN" "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD" \
  'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"' COSIGN_PKCS11_PIN="$BADPIN"
refused unknown_object "no private key with this label in the token" \
  "pkcs11:token=cosign-test;object=no-such-key?module-path=$MOD&pin-value=$PIN" \
  'pkcs11 key "pkcs11:token=cosign-test;object=no-such-key"'
refused unknown_id "no private key with this id in the token" \
  "pkcs11:token=cosign-test;id=%7f?module-path=$MOD&pin-value=$PIN" 'pkcs11 key "pkcs11:token=cosign-test;id=%7f"'
refused unknown_token "could not find a slot for the token 'other-token'" \
  "pkcs11:token=other-token;object=ec-key?module-path=$MOD&pin-value=$PIN" \
  'pkcs11 key "pkcs11:token=other-token;object=ec-key"'
refused unknown_slot "no token in slot 4242" "pkcs11:slot-id=4242;object=ec-key?module-path=$MOD&pin-value=$PIN" \
  'pkcs11 key "pkcs11:slot-id=4242;object=ec-key"'
refused missing_module 'module "/usr/lib/no-such-pkcs11.so" cannot be accessed: No such file or directory' \
  "pkcs11:token=cosign-test;object=ec-key?module-path=/usr/lib/no-such-pkcs11.so&pin-value=$PIN" \
  'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"'
refused no_module "module-path or COSIGN_PKCS11_MODULE_PATH must be set" \
  "pkcs11:token=cosign-test;object=ec-key?pin-value=$PIN" 'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"'
LIBC=$(ldd "$COSIGN_CPP" | awk '$1 ~ /^libc\.so/ {print $3}')
[ -f "$LIBC" ] || die "could not find the C library to use as a non-module"
refused not_a_module "is not a PKCS#11 module" \
  "pkcs11:token=cosign-test;object=ec-key?module-path=$LIBC&pin-value=$PIN" \
  'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"'
refused no_pin "needs a PIN: add pin-value to the URI or set COSIGN_PKCS11_PIN" \
  "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD" 'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"'
refused bad_uri "unknown attribute \"objet\"" "pkcs11:token=cosign-test;objet=ec-key?module-path=$MOD&pin-value=$PIN" \
  'invalid pkcs11 URI'
check_eq "the registry is unchanged after every refused sign" "$BEFORE" "$(reg_snapshot "$REG_DIR")"
run_cmd sb_bad "$COSIGN_CPP" sign-blob --tlog-upload=false --key "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD&pin-value=$BADPIN" fw.bin
check_eq "sign-blob with a wrong PIN exits 1" 1 "$RC"
check_contains "... naming the key" "$ERR" 'pkcs11 key "pkcs11:token=cosign-test;object=ec-key"'
check_eq "... and prints no signature" "" "$(cat "$OUT")"
no_pin "$OUT" "$ERR"
run_cmd pk_bad "$COSIGN_CPP" public-key --key "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD&pin-value=$BADPIN"
check_eq "public-key with a wrong PIN exits 1" 1 "$RC"
no_pin "$OUT" "$ERR"

say "== on a terminal, the PIN is asked for as cosign asks (no echo)"
DRIVE=$LIB_DIR/pty_drive.py
printf 'expect\tEnter PIN for key '"'"'ec-key'"'"' in PKCS11 token '"'"'cosign-test'"'"': \nsend\t%s\nexpect\t-----END PUBLIC KEY-----\n' "$PIN" > pin.txt
run_cmd pty "$DRIVE" pin.txt -- "$COSIGN_CPP" public-key --key "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD"
check_eq "public-key with the PIN typed at the prompt exits 0" 0 "$RC"
check_contains "it prints the token's public key" "$OUT" "$(sed -n 2p ec.pub)"
no_pin "$OUT"
printf 'expect\tEnter PIN for key\nsend\t%s\n' "$BADPIN" > badpin.txt
run_cmd pty_bad "$DRIVE" badpin.txt -- "$COSIGN_CPP" public-key --key "pkcs11:token=cosign-test;object=ec-key?module-path=$MOD"
check_eq "a wrong PIN typed at the prompt exits 1" 1 "$RC"
check_contains "... saying the PIN is wrong" "$OUT" "wrong PIN: CKR_PIN_INCORRECT"
no_pin "$OUT"
printf 'expect\tEnter PIN for PKCS11 token '"'"'cosign-test'"'"': \nsend\t%s\nexpect\tURI: \n' "$PIN" > lkpin.txt
run_cmd pty_lk "$DRIVE" lkpin.txt -- "$COSIGN_CPP" pkcs11-tool list-keys-uris --module-path "$MOD" --slot-id "$SLOT"
check_eq "list-keys-uris asks for the PIN on a terminal (cosign's question) and exits 0" 0 "$RC"
no_pin "$OUT"

finish
