#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Passwords on a terminal (issue 2): without COSIGN_PASSWORD, generate-key-pair asks twice
# without echoing, refuses a mismatch, and public-key asks once; the key works with cosign.
# The CLI runs on a pseudo-terminal driven by pty_drive.py.
. "$(dirname "$0")/lib.sh"
find_cosign_cpp
find_cosign_tools
isolate_env
need_cmd python3
cd "$WORK"
DRIVE=$LIB_DIR/pty_drive.py

say "== generate-key-pair on a terminal asks twice"
printf 'expect\tEnter password for private key: \nsend\tt3rminal-pw\nexpect\tEnter password for private key again: \nsend\tt3rminal-pw\n' > gen.txt
run_cmd gen "$DRIVE" gen.txt -- "$COSIGN_CPP" generate-key-pair
[ "$RC" -eq 0 ] || { show out "$OUT"; die "generate-key-pair on a terminal failed (exit $RC)"; }
pass "generate-key-pair asked for the password twice and exited 0"
check_not_contains "the password was not echoed" "$OUT" "t3rminal-pw"
check_contains "it says where the private key went" "$OUT" "Private key written to cosign.key"
run_cmd pub2 env COSIGN_PASSWORD=t3rminal-pw "$COSIGN2" public-key --key cosign.key
check_eq "cosign2 decrypts the key with the typed password" 0 "$RC"
check_file_eq "cosign2's public key equals cosign.pub" "$OUT" cosign.pub

say "== a mismatch is refused and writes nothing"
mkdir mismatch && cd mismatch
printf 'expect\tEnter password for private key: \nsend\tone\nexpect\tagain: \nsend\ttwo\n' > ../mm.txt
run_cmd mm "$DRIVE" ../mm.txt -- "$COSIGN_CPP" generate-key-pair
check_eq "generate-key-pair exits 1 on mismatched passwords" 1 "$RC"
check_contains "it says the passwords do not match" "$OUT" "passwords do not match"
check_eq "no key file was written" "" "$(ls)"
cd ..

say "== public-key asks once"
printf 'expect\tEnter password for private key: \nsend\tt3rminal-pw\nexpect\t-----END PUBLIC KEY-----\n' > pub.txt
run_cmd pub "$DRIVE" pub.txt -- "$COSIGN_CPP" public-key --key cosign.key
check_eq "public-key exits 0 with the typed password" 0 "$RC"
check_contains "it prints the public key" "$OUT" "$(sed -n 2p cosign.pub)"
printf 'expect\tEnter password for private key: \nsend\twrong\n' > bad.txt
run_cmd bad "$DRIVE" bad.txt -- "$COSIGN_CPP" public-key --key cosign.key
check_eq "a wrong typed password exits 1" 1 "$RC"
check_contains "with cosign's message" "$OUT" "decrypt: encrypted: decryption failed"

finish
