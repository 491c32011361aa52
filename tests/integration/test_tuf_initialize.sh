#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `cosign-cpp initialize` against a live local TUF repository (tests/peers' sigstore mock, whose
# /tuf/ routes serve a repository signed by @tufjs/repo-mock), as `cosign initialize --mirror
# URL --root FILE` (issue 11):
#   the update takes 2.root.json (none), timestamp, snapshot, targets and the trusted_root.json
#   target, one request each; the cache under ~/.sigstore/root is byte for byte what cosign 3.1
#   writes for the same repository; a second initialize reuses the cached target;
#   a mirror serving a tampered target or snapshot, or a root of another repository, is refused
#   with the failing check named. No request leaves 127.0.0.1.
. "$(dirname "$0")/lib.sh"

find_cosign_cpp
find_cosign_tools
isolate_env
need_cmd python3
cd "$WORK"

sigstore_mock_start
URL=$SIGSTORE_MOCK_URL/tuf
ROOT=$SIGSTORE_MOCK_DIR/tuf-root.json
[ -s "$ROOT" ] || die "the mock wrote no tuf-root.json (its TUF repository needs @tufjs/repo-mock)"
NAME=$(printf '%s' "${URL#http://}" | tr '/:' '--')
CACHE=$HOME/.sigstore/root

say "== cosign-cpp initialize --mirror $URL --root tuf-root.json"
M=$(sigstore_mock_mark)
run_cmd init1 "$COSIGN_CPP" initialize --mirror "$URL" --root "$ROOT"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "initialize failed (exit $RC)"; }
check_eq "one request per file: no 2.root.json, then timestamp, snapshot, targets, trusted_root.json" \
  "GET /tuf/2.root.json 404
GET /tuf/timestamp.json 200
GET /tuf/snapshot.json 200
GET /tuf/targets.json 200
GET /tuf/targets/trusted_root.json 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"
check_eq "remote.json records the mirror" "{\"mirror\":\"$URL\"}" "$(cat "$CACHE/remote.json")"
for f in root timestamp snapshot targets; do
  [ -s "$CACHE/$NAME/$f.json" ] || die "$CACHE/$NAME/$f.json was not written"
done
pass "root, timestamp, snapshot and targets.json cached under ~/.sigstore/root/$NAME"
check_eq "the cached trusted_root.json is the one the mock serves" \
  "$(jq -S . "$SIGSTORE_MOCK_DIR/trusted_root.json")" "$(jq -S . "$CACHE/$NAME/targets/trusted_root.json")"
check_eq "its Rekor key is the mock's rekor.pub" \
  "$(openssl pkey -pubin -in "$SIGSTORE_MOCK_DIR/rekor.pub" -outform DER | base64 -w0)" \
  "$(jq -r '.tlogs[0].publicKey.rawBytes' "$CACHE/$NAME/targets/trusted_root.json")"
check "$NAME.json holds lastTimestamp as RFC 3339" \
  jq -e '.lastTimestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")' "$CACHE/$NAME.json"

say "== cosign 3.1 initialize writes the same cache"
HOME3=$WORK/home3
mkdir -p "$HOME3"
run_cmd c3 env HOME="$HOME3" "$COSIGN3" initialize --mirror "$URL" --root "$ROOT"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign 3 initialize failed (exit $RC)"; }
for f in root.json timestamp.json snapshot.json targets.json targets/trusted_root.json; do
  check_file_eq "$f as cosign 3 caches it" "$HOME3/.sigstore/root/$NAME/$f" "$CACHE/$NAME/$f"
done
check_file_eq "remote.json as cosign 3 writes it" "$HOME3/.sigstore/root/remote.json" "$CACHE/remote.json"

say "== initialize again: metadata fetched anew from the given root, the target comes from the cache"
M=$(sigstore_mock_mark)
run_cmd init2 "$COSIGN_CPP" initialize --mirror "$URL" --root "$ROOT"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "second initialize failed (exit $RC)"; }
check_eq "no target download the second time" \
  "GET /tuf/2.root.json 404
GET /tuf/timestamp.json 200
GET /tuf/snapshot.json 200
GET /tuf/targets.json 200" "$(sigstore_mock_requests "$M" | awk '{print $2, $3, $4}')"

say "== refusals"
# A copy of the repository on a static server, tampered with one file at a time.
BAD=$WORK/mirror
mkdir -p "$BAD/targets"
for f in 1.root.json timestamp.json snapshot.json targets.json targets/trusted_root.json; do
  curl -sf "$URL/$f" -o "$BAD/$f" || die "could not copy $f from the mock"
done
cp -r "$BAD" "$WORK/pristine"
PORT=$(pick_port)
python3 -m http.server --bind 127.0.0.1 --directory "$BAD" "$PORT" >"$WORK/static.log" 2>&1 </dev/null &
CLEANUP_PIDS+=("$!:http.server")
wait_http "http://127.0.0.1:$PORT/timestamp.json" || die "the static mirror did not start"
STATIC=http://127.0.0.1:$PORT

run_cmd good "$COSIGN_CPP" initialize --mirror "$STATIC" --root "$ROOT"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "initialize against the untouched copy failed (exit $RC)"; }
pass "the untouched copy initializes"

# Same length, one byte changed: only the hash can tell.
sed -i '0,/"mediaType"/s//"mediaTypf"/' "$BAD/targets/trusted_root.json"
rm -rf "$HOME/.sigstore/root/$(printf '%s' "${STATIC#http://}" | tr '/:' '--')/targets"
run_cmd bad_target "$COSIGN_CPP" initialize --mirror "$STATIC" --root "$ROOT"
check_eq "a tampered target fails (exit 1)" 1 "$RC"
check_contains "... naming its sha256 check against targets.json" "$ERR" "TUF trusted_root.json: sha256 "
check_contains "... and what targets.json gives" "$ERR" "that targets.json gives"
cp "$WORK/pristine/targets/trusted_root.json" "$BAD/targets/trusted_root.json"

# One hex digit of the snapshot's signature: same length, another hash than the timestamp's.
python3 - "$BAD/snapshot.json" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index('"sig":"') + 7
s = s[:i] + ('4' if s[i] == '3' else '3') + s[i + 1:]
open(p, 'w').write(s)
EOF
run_cmd bad_snapshot "$COSIGN_CPP" initialize --mirror "$STATIC" --root "$ROOT"
check_eq "a snapshot that does not match the timestamp's hash fails (exit 1)" 1 "$RC"
check_contains "... naming the sha256 check against timestamp.json" "$ERR" "TUF snapshot.json: sha256 "
cp "$WORK/pristine/snapshot.json" "$BAD/snapshot.json"

# The root of another repository (same layout, other key): the timestamp lacks its signatures.
run_cmd other_root "$COSIGN_CPP" initialize --mirror "$STATIC" --root "$SOURCE_DIR/tests/data/cosign/trust/tuf-mock/1.root.json"
check_eq "metadata not signed by the trusted root's keys fails (exit 1)" 1 "$RC"
check_contains "... naming the threshold of the timestamp role" "$ERR" \
  "TUF timestamp.json: not enough signatures: 0 valid of the 1 required from the timestamp role"

# The compiled-in public-good root cannot vouch for this repository either.
run_cmd embedded "$COSIGN_CPP" initialize --mirror "$STATIC"
check_eq "the public-good root does not vouch for a local repository (exit 1)" 1 "$RC"
check_contains "... with a TUF reason" "$ERR" "TUF "

run_cmd root_sum "$COSIGN_CPP" initialize --mirror "$STATIC" --root "$ROOT" --root-checksum 00
check_eq "--root-checksum that does not match fails (exit 1)" 1 "$RC"
check_contains "... naming both checksums" "$ERR" "root checksum mismatch: expected 00, got $(sha256sum "$ROOT" | cut -d' ' -f1)"

finish
