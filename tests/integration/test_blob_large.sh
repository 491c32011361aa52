#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Large blobs: sign-blob and verify-blob stream a 64 MiB file (and standard input) in constant
# memory, and interoperate with the real cosign 2.x and 3.x both ways; a blob changed in its last
# byte or truncated is refused; `verify-blob sha256:<hex>` reads nothing; a file that cannot be
# read to its end (an I/O error midway, injected with an LD_PRELOAD shim) gives a clear error and
# no signature. Peak memory (GNU time's %M) stays under the issue's bounds: 80 MiB signing with an
# encrypted key file (scrypt included), 16 MiB verifying (not checked for sanitizer builds).
. "$(dirname "$0")/lib.sh"
find_cosign_cpp
find_cosign_tools
isolate_env
cd "$WORK"
need_cmd cc truncate dd
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian: apt-get install time)"
export COSIGN_PASSWORD=large-blob-pw

MEMCHECK=1
if grep -qa -e __asan_init -e __tsan_init -e __msan_init "$COSIGN_CPP"; then
  MEMCHECK=0
  note "sanitizer build: peak memory bounds are not checked"
fi
# peak_kib NAME: the peak RSS in KiB recorded for run NAME by timed.
timed() {
  local name=$1; shift
  run_cmd "$name" /usr/bin/time -o "$WORK/$name.mem" -f %M "$@"
}
check_peak() {
  local desc=$1 name=$2 limit_kib=$3 kib
  kib=$(tail -n1 "$WORK/$name.mem")
  if [ "$MEMCHECK" = 1 ]; then
    [ "$kib" -le "$limit_kib" ] || die "$desc: peak RSS $kib KiB is above $limit_kib KiB"
    pass "$desc: peak RSS $kib KiB <= $limit_kib KiB"
  else
    note "$desc: peak RSS $kib KiB (not checked)"
  fi
}

say "== keys and a 64 MiB + 13 bytes blob (not a multiple of any block or chunk)"
check "cosign-cpp generate-key-pair" "$COSIGN_CPP" generate-key-pair
head -c $((64 * 1024 * 1024 + 13)) /dev/urandom > big.bin
DIGEST=$(sha256sum big.bin | cut -c1-64)
note "sha256:$DIGEST"

say "== cosign-cpp signs, cosign 2 and 3 verify"
timed sign "$COSIGN_CPP" sign-blob --tlog-upload=false --key cosign.key big.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob failed"; }
pass "cosign-cpp sign-blob --key cosign.key big.bin exits 0"
cp "$OUT" sig.b64
grep -qE '^[A-Za-z0-9+/]+={0,2}$' sig.b64 || die "stdout is not one base64 signature: $(head -c 200 sig.b64)"
pass "stdout is one base64 signature"
check_peak "sign-blob of 64 MiB with an encrypted key file" sign $((80 * 1024))
base64 -d sig.b64 > sig.der
check "openssl verifies the signature over the whole file" openssl dgst -sha256 -verify cosign.pub -signature sig.der big.bin
check "cosign2 verify-blob accepts cosign-cpp's signature of the large blob" \
  "$COSIGN2" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog big.bin
check "cosign3 verify-blob accepts cosign-cpp's signature of the large blob" \
  "$COSIGN3" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog big.bin

say "== standard input is streamed too"
run_cmd sign_stdin sh -c "\"\$0\" sign-blob --tlog-upload=false --key cosign.key - < big.bin" "$COSIGN_CPP"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign-blob - failed"; }
check_eq "sign-blob - gives the file's signature (deterministic ECDSA)" "$(cat sig.b64)" "$(cat "$OUT")"
run_cmd verify_stdin sh -c "\"\$0\" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog - < big.bin" "$COSIGN_CPP"
check_eq "verify-blob - accepts the large blob on standard input" 0 "$RC"

say "== cosign 2 and 3 sign, cosign-cpp verifies in constant memory"
run_cmd sign2 "$COSIGN2" sign-blob --key cosign.key --tlog-upload=false big.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 sign-blob failed"; }
cp "$OUT" sig2.b64
timed verify2 "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig2.b64 --insecure-ignore-tlog big.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp verify-blob rejected cosign2's signature"; }
pass "cosign-cpp verify-blob accepts cosign2's signature of the large blob"
check_contains "it says Verified OK" "$ERR" "Verified OK"
check_peak "verify-blob of 64 MiB" verify2 $((16 * 1024))
run_cmd sign3 "$COSIGN3" sign-blob --key cosign.key --tlog-upload=false --new-bundle-format=false \
  --use-signing-config=false big.bin
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign3 sign-blob failed"; }
grep -oE '[A-Za-z0-9+/]{40,}={0,2}' "$OUT" | tail -n1 > sig3.b64
check "cosign-cpp verify-blob accepts cosign3's signature of the large blob" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig3.b64 --insecure-ignore-tlog big.bin

say "== a blob changed in its last byte, or truncated, is refused"
cp big.bin last.bin
last=$(tail -c1 last.bin | od -An -tu1 | tr -d ' ')
printf "\\$(printf '%03o' $(((last + 1) % 256)))" | dd of=last.bin bs=1 seek=$((64 * 1024 * 1024 + 12)) conv=notrunc 2>/dev/null
check_eq "last.bin has the same size" "$(stat -c %s big.bin)" "$(stat -c %s last.bin)"
run_cmd last2 "$COSIGN2" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog last.bin
C2RC=$RC
[ "$C2RC" -ne 0 ] || die "cosign2 accepted a blob changed in its last byte"
run_cmd last "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog last.bin
check_eq "verify-blob refuses a blob changed in its last byte, exit like cosign2 ($C2RC)" "$C2RC" "$RC"
check_contains "  with cosign's message" "$ERR" "invalid signature when validating ASN.1 encoded signature"
cp big.bin short.bin
truncate -s -1 short.bin
run_cmd short "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog short.bin
check_eq "verify-blob refuses the blob truncated by one byte (exit $C2RC)" "$C2RC" "$RC"

say "== a digest instead of a file: nothing is read"
timed dgst "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog "sha256:$DIGEST"
check_eq "verify-blob sha256:<hex> of the blob verifies" 0 "$RC"
check_contains "  Verified OK" "$ERR" "Verified OK"
check_peak "verify-blob sha256:<hex>" dgst $((16 * 1024))
UPPER=$(printf '%s' "$DIGEST" | tr a-f A-F)
check "verify-blob takes the hex in upper case too" \
  "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog "sha256:$UPPER"
OTHER=$(sha256sum last.bin | cut -c1-64)
run_cmd dgst_bad "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog "sha256:$OTHER"
check_eq "verify-blob refuses another blob's digest (exit $C2RC)" "$C2RC" "$RC"
run_cmd dgst_short "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog "sha256:abc"
[ "$RC" -ne 0 ] || die "verify-blob accepted sha256:abc"
check_contains "a malformed digest is named as such" "$ERR" "a sha256 digest is 64 hex digits, not 3"
# A file whose name looks like a digest is still a file, as in cosign.
cp short.bin "sha256:$DIGEST"
run_cmd dgst_file "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog "sha256:$DIGEST"
check_eq "an existing file named sha256:<hex> is read, not taken as a digest" "$C2RC" "$RC"
rm -f "sha256:$DIGEST"

say "== a file that cannot be read to the end gives an error and no signature"
cat > failread.c <<'EOF'
/* LD_PRELOAD shim: read() of a regular file larger than 1 MB fails with EIO once
 * $FAIL_READ_AFTER bytes of such files have been read. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
static long long total;
ssize_t read(int fd, void* buf, size_t n) {
    static ssize_t (*real)(int, void*, size_t);
    if (!real) real = (ssize_t (*)(int, void*, size_t))dlsym(RTLD_NEXT, "read");
    const char* lim = getenv("FAIL_READ_AFTER");
    struct stat st;
    if (lim && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 1000000) {
        if (total >= atoll(lim)) { errno = EIO; return -1; }
        ssize_t r = real(fd, buf, n);
        if (r > 0) total += r;
        return r;
    }
    return real(fd, buf, n);
}
EOF
cc -shared -fPIC -O2 -o failread.so failread.c -ldl || die "cannot build the read() shim"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
run_cmd eio env LD_PRELOAD="$WORK/failread.so" FAIL_READ_AFTER=$((32 * 1024 * 1024)) \
  "$COSIGN_CPP" sign-blob --tlog-upload=false --key cosign.key --output-signature eio.sig big.bin
[ "$RC" -ne 0 ] || die "sign-blob succeeded although reading failed midway"
pass "sign-blob fails when the file cannot be read to the end (exit $RC)"
check_contains "  the error names the file and the cause" "$ERR" "cannot read big.bin: Input/output error"
check_eq "  nothing on stdout" "" "$(cat "$OUT")"
[ ! -e eio.sig ] || die "--output-signature was written although reading failed"
pass "  no --output-signature file written"
run_cmd eio_v env LD_PRELOAD="$WORK/failread.so" FAIL_READ_AFTER=$((32 * 1024 * 1024)) \
  "$COSIGN_CPP" verify-blob --key cosign.pub --signature sig.b64 --insecure-ignore-tlog big.bin
[ "$RC" -ne 0 ] || die "verify-blob succeeded although reading failed midway"
check_contains "verify-blob fails too, naming the file" "$ERR" "cannot read big.bin: Input/output error"
check_not_contains "  and does not say Verified OK" "$ERR" "Verified OK"
mkdir adir
run_cmd dir "$COSIGN_CPP" sign-blob --tlog-upload=false --key cosign.key --output-signature dir.sig adir
[ "$RC" -ne 0 ] || die "sign-blob of a directory succeeded"
check_contains "sign-blob of a directory names it" "$ERR" "cannot read adir: Is a directory"
[ ! -e dir.sig ] || die "--output-signature was written for a directory"
pass "  no --output-signature file written"
run_cmd missing "$COSIGN_CPP" sign-blob --tlog-upload=false --key cosign.key missing.bin
[ "$RC" -ne 0 ] || die "sign-blob of a missing file succeeded"
check_contains "sign-blob of a missing file names it" "$ERR" "cannot open missing.bin: No such file or directory"

finish
