#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `cosign-cpp generate` and `cosign-cpp triangulate` print exactly what cosign 2 prints (issue 3):
# same stdout bytes, same exit code, for tags, digests, Docker Hub names (no network needed for
# digest references), -a annotations with <>& and non-ASCII, every --type, COSIGN_REPOSITORY, and
# the error cases (missing tag, unparsable annotation, unknown type).
. "$(dirname "$0")/lib.sh"
setup_interop

registry_start plain
D=$(push_image "$REG_DIR" demo:latest)
push_image "$REG_DIR" team/app:v1.2.3 >/dev/null
push_image "$REG_DIR" multi:latest --multiarch >/dev/null
H=${D#sha256:}

N=0
# same_as_cosign2 DESC ARGS...: cosign-cpp ARGS and cosign2 ARGS give identical stdout and exit
# code; when cosign2 fails, cosign-cpp must fail the same way and print something on stderr.
same_as_cosign2() {
  local desc=$1; shift
  N=$((N + 1))
  run_cmd "c2-$N" "$COSIGN2" "$@"
  local c2rc=$RC c2out=$OUT c2err=$ERR
  run_cmd "cpp-$N" "$COSIGN_CPP" "$@"
  if [ "$RC" != "$c2rc" ]; then show "cosign2 stderr" "$c2err"; show "cosign-cpp stderr" "$ERR"; fi
  check_eq "$desc: exit code $c2rc like cosign2" "$c2rc" "$RC"
  check_file_eq "$desc: stdout identical to cosign2's ($(wc -c < "$c2out") bytes)" "$c2out" "$OUT"
  if [ "$c2rc" -ne 0 ]; then
    [ -s "$ERR" ] || die "$desc: cosign-cpp failed without a message"
    pass "$desc: error message: $(grep -v '^WARNING' "$ERR" | head -n1)"
  fi
}

say "== generate"
same_as_cosign2 "generate by tag" generate "$REG/demo:latest"
check_eq "  the output has no trailing newline (like cosign)" "}" "$(tail -c 1 "$OUT")"
same_as_cosign2 "generate by digest" generate "$REG/demo@$D"
same_as_cosign2 "generate by tag@digest" generate "$REG/demo:latest@$D"
same_as_cosign2 "generate nested repository" generate "$REG/team/app:v1.2.3"
same_as_cosign2 "generate Docker Hub short name by digest (no network)" generate "ubuntu@$D"
same_as_cosign2 "generate Docker Hub user/repo by digest" generate "someone/thing@$D"
same_as_cosign2 "generate docker.io/library name by digest" generate "docker.io/library/alpine@$D"
same_as_cosign2 "generate an index (multi-arch) by tag" generate "$REG/multi:latest"
same_as_cosign2 "generate -a one annotation" generate -a env=prod "$REG/demo:latest"
same_as_cosign2 "generate -a with <>& (Go escapes them as \\u003c…)" generate -a 'html=<b>&amp;</b>' "$REG/demo:latest"
grep -qF '\u003cb\u003e\u0026amp;\u003c/b\u003e' "$OUT" || die "<>& were not escaped as \\u003c \\u003e \\u0026"
pass "  <, >, & escaped as \\u003c, \\u003e, \\u0026"
same_as_cosign2 "generate -a with non-ASCII keys and values (raw UTF-8)" generate -a 'clé=naïve ☃' -a 'ü=ñ€' "$REG/demo:latest"
same_as_cosign2 "generate -a several, keys sorted" generate -a zeta=1 -a alpha=2 -a 'Mid=3' "$REG/demo:latest"
same_as_cosign2 "generate -a comma-separated pairs" generate -a 'a=b,c=d' "$REG/demo:latest"
same_as_cosign2 "generate -a with backslash and tab (JSON-escaped)" generate -a 'q=x\y' -a 'tab=a	b' "$REG/demo:latest"
same_as_cosign2 "generate -a CSV-quoted pair keeps its comma (cobra StringSlice)" generate -a '"k=x,y"' "$REG/demo:latest"
same_as_cosign2 "generate -a spaces are kept" generate -a ' sp = v ' "$REG/demo:latest"
same_as_cosign2 "generate -a bare quote is a flag parse error" generate -a 'q="x"' "$REG/demo:latest"
same_as_cosign2 "generate -a empty value" generate -a 'empty=' "$REG/demo:latest"
same_as_cosign2 "generate -a repeated key (last wins)" generate -a k=1 -a k=2 "$REG/demo:latest"
same_as_cosign2 "generate -a k=a=b is refused" generate -a 'k=a=b' "$REG/demo:latest"
same_as_cosign2 "generate of a missing tag fails" generate "$REG/demo:no-such-tag"

say "== triangulate"
same_as_cosign2 "triangulate by tag (default type)" triangulate "$REG/demo:latest"
check_eq "  it is REG/demo:sha256-<hex>.sig" "$REG/demo:sha256-$H.sig" "$(cat "$OUT")"
for t in signature attestation sbom digest; do
  same_as_cosign2 "triangulate --type $t by tag" triangulate --type "$t" "$REG/demo:latest"
  same_as_cosign2 "triangulate --type=$t by digest" triangulate "--type=$t" "$REG/demo@$D"
done
same_as_cosign2 "triangulate nested repository" triangulate "$REG/team/app:v1.2.3"
same_as_cosign2 "triangulate an index" triangulate "$REG/multi:latest"
same_as_cosign2 "triangulate Docker Hub short name by digest (no network)" triangulate "ubuntu@$D"
same_as_cosign2 "triangulate Docker Hub user/repo by digest, attestation" triangulate --type attestation "someone/thing@$D"
same_as_cosign2 "triangulate --type bogus is refused" triangulate --type bogus "$REG/demo:latest"
same_as_cosign2 "triangulate of a missing tag fails" triangulate "$REG/demo:no-such-tag"

say "== COSIGN_REPOSITORY"
export COSIGN_REPOSITORY=$REG/signatures
same_as_cosign2 "COSIGN_REPOSITORY: triangulate by tag" triangulate "$REG/demo:latest"
check_eq "  it names the COSIGN_REPOSITORY" "$REG/signatures:sha256-$H.sig" "$(cat "$OUT")"
for t in signature attestation sbom digest; do
  same_as_cosign2 "COSIGN_REPOSITORY: triangulate --type $t" triangulate --type "$t" "$REG/demo@$D"
done
export COSIGN_REPOSITORY=other.example.com/elsewhere/sigs
same_as_cosign2 "COSIGN_REPOSITORY on another registry (digest ref, no network)" triangulate "$REG/demo@$D"
export COSIGN_REPOSITORY=ghcr.io/someone/sigs
same_as_cosign2 "COSIGN_REPOSITORY ghcr.io, Docker Hub image by digest" triangulate "ubuntu@$D"
same_as_cosign2 "COSIGN_REPOSITORY does not change generate" generate "$REG/demo@$D"
unset COSIGN_REPOSITORY

finish
