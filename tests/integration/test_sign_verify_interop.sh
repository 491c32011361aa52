#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Image signatures interoperate with the real cosign and with skopeo (issue 3):
#   cosign-cpp sign -> cosign 2 verify, cosign 3 verify, skopeo (sigstoreSigned + matchRepository);
#   cosign 2 sign   -> cosign-cpp verify;
#   both keys on one image -> every tool verifies with every key;
#   cosign-cpp verify prints what cosign 2 prints (stdout JSON, stderr check list);
#   the .sig manifest has cosign's exact layout; a 2-platform index signed with --recursive.
. "$(dirname "$0")/lib.sh"
setup_interop
export COSIGN_PASSWORD=s3cret-pw

registry_start plain
DIGEST=$(push_image "$REG_DIR" demo:latest)
note "demo:latest = $DIGEST"

say "== keys"
mkdir cpp c2
(cd cpp && "$COSIGN_CPP" generate-key-pair >/dev/null 2>&1) || die "cosign-cpp generate-key-pair failed"
(cd c2 && "$COSIGN2" generate-key-pair >/dev/null 2>&1) || die "cosign2 generate-key-pair failed"
for f in cpp/cosign.key cpp/cosign.pub c2/cosign.key c2/cosign.pub; do [ -s "$f" ] || die "$f was not written"; done
pass "key pairs: cpp/cosign.key (cosign-cpp), c2/cosign.key (cosign2)"

say "== cosign-cpp sign"
M=$(reg_mark "$REG_DIR")
run_cmd sign "$COSIGN_CPP" sign --tlog-upload=false --key cpp/cosign.key -y "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp sign failed"; }
pass "cosign-cpp sign --key cpp/cosign.key -y $REG/demo:latest exits 0"
check_contains "stderr says 'Pushing signature to: $REG/demo' (like cosign)" "$ERR" "Pushing signature to: $REG/demo"
check_contains "stderr warns about signing by tag (like cosign)" "$ERR" "uses a tag, not a digest, to identify the image to sign."
check_eq "sign prints nothing on stdout (like cosign)" "" "$(cat "$OUT")"
note "registry requests for the first signature: $(reg_count_since "$REG_DIR" "$M") ($(reg_count_since "$REG_DIR" "$M" 'PUT') PUT)"
check_eq "the signature manifest was PUT exactly once, to the .sig tag" 1 "$(reg_requests_since "$REG_DIR" "$M" PUT | grep -c "/v2/demo/manifests/$(sig_tag "$DIGEST")")"

say "== the .sig manifest has cosign's layout"
get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST")" > sig-manifest.json || die "no $(sig_tag "$DIGEST") tag"
pass "tag $(sig_tag "$DIGEST") exists"
check_eq "manifest mediaType is OCI" application/vnd.oci.image.manifest.v1+json "$(jq -r .mediaType sig-manifest.json)"
check_eq "config mediaType" application/vnd.oci.image.config.v1+json "$(jq -r .config.mediaType sig-manifest.json)"
check_eq "one layer" 1 "$(jq '.layers | length' sig-manifest.json)"
check_eq "layer mediaType" application/vnd.dev.cosign.simplesigning.v1+json "$(jq -r '.layers[0].mediaType' sig-manifest.json)"
check_eq "manifest key order is go-containerregistry's" '["schemaVersion","mediaType","config","layers"]' "$(jq -c keys_unsorted sig-manifest.json)"
LAYER=$(jq -r '.layers[0].digest' sig-manifest.json)
get_blob "$REG_DIR" demo "$LAYER" > payload.json
run_cmd gen "$COSIGN2" generate "$REG/demo:latest"
check_file_eq "the signed payload equals cosign2 generate's output byte for byte" "$OUT" payload.json
get_blob "$REG_DIR" demo "$(jq -r .config.digest sig-manifest.json)" > sig-config.json
check_eq "config blob is go-containerregistry's 233-byte template" \
  "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"$LAYER\"]},\"config\":{}}" \
  "$(cat sig-config.json)"
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' sig-manifest.json | base64 -d > sig.der
check "openssl verifies the layer's signature over the payload with cpp/cosign.pub" \
  openssl dgst -sha256 -verify cpp/cosign.pub -signature sig.der payload.json

say "== the real cosign and skopeo accept cosign-cpp's signature"
run_cmd v2 "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 verify rejected cosign-cpp's signature (exit $RC)"; }
pass "cosign2 verify --key cpp/cosign.pub --insecure-ignore-tlog accepts"
run_cmd v3 "$COSIGN3" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign3 verify rejected cosign-cpp's signature (exit $RC)"; }
pass "cosign3 verify --key cpp/cosign.pub --insecure-ignore-tlog accepts (falls back to the .sig tag)"
run_cmd v3old "$COSIGN3" verify --key cpp/cosign.pub --insecure-ignore-tlog --new-bundle-format=false "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign3 verify --new-bundle-format=false rejected (exit $RC)"; }
pass "cosign3 verify --new-bundle-format=false accepts"
run_cmd v3dig "$COSIGN3" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo@$DIGEST"
check_eq "cosign3 verify by digest accepts" 0 "$RC"
check_skopeo_accepts "skopeo (sigstoreSigned, matchRepository) accepts" "$REG_DIR" "$REG/demo:latest" cpp/cosign.pub
check_skopeo_rejects "skopeo rejects it under cosign2's key" "$REG_DIR" "$REG/demo:latest" c2/cosign.pub

say "== cosign-cpp verify prints what cosign2 prints"
M=$(reg_mark "$REG_DIR")
run_cmd vc "$COSIGN_CPP" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp verify rejected its own signature (exit $RC)"; }
pass "cosign-cpp verify accepts its own signature"
note "registry requests for one verify: $(reg_count_since "$REG_DIR" "$M") (cosign2 needs 4)"
# Both signatures here carry no annotations: their payload is the one cosign writes for the image,
# known by digest, so no blob is read (GET image + GET .sig).
check_eq "cosign-cpp verify reads no payload blob it can name" 0 "$(reg_requests_since "$REG_DIR" "$M" GET | grep -c '/blobs/' || true)"
check_eq "cosign-cpp verify makes no writes" 0 "$(reg_count_since "$REG_DIR" "$M" 'PUT|POST|PATCH|DELETE')"
check_file_eq "stdout equals cosign2's (newline, JSON array of payloads, newline)" v2.out "$OUT"
check_eq "stdout JSON array holds the payload" "$(jq -c . payload.json)" "$(jq -c '.[0]' "$OUT")"
check_file_eq "stderr equals cosign2's (warning + check list)" v2.err "$ERR"
run_cmd v2d "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo@$DIGEST"
C2RC=$RC
run_cmd vcd "$COSIGN_CPP" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo@$DIGEST"
check_eq "verify by digest: exit 0 like cosign2" "$C2RC" "$RC"
check_file_eq "verify by digest: same stderr as cosign2 ('Verification for $REG/demo@sha256:… --')" "$WORK/v2d.err" "$WORK/vcd.err"
check_file_eq "verify by digest: same stdout as cosign2" "$WORK/v2d.out" "$WORK/vcd.out"
run_cmd vctext "$COSIGN_CPP" verify --key cpp/cosign.pub --insecure-ignore-tlog -o text "$REG/demo:latest"
run_cmd v2text "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog -o text "$REG/demo:latest"
check_file_eq "verify -o text: same stdout as cosign2" "$WORK/v2text.out" "$WORK/vctext.out"

say "== re-signing with the same key does not add a layer (cosign de-duplicates)"
run_cmd sign2 "$COSIGN_CPP" sign --tlog-upload=false --key cpp/cosign.key -y "$REG/demo:latest"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "second cosign-cpp sign failed"; }
check_eq "still one layer after signing twice with the same key" 1 "$(get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST")" | jq '.layers | length')"

say "== cosign2 signs, cosign-cpp verifies"
DIGEST2=$(push_image "$REG_DIR" demo:by-cosign2)
run_cmd s2 "$COSIGN2" sign --key c2/cosign.key --tlog-upload=false -y "$REG/demo:by-cosign2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign2 sign failed"; }
pass "cosign2 sign --key c2/cosign.key --tlog-upload=false -y $REG/demo:by-cosign2"
run_cmd vc2 "$COSIGN_CPP" verify --key c2/cosign.pub --insecure-ignore-tlog "$REG/demo:by-cosign2"
[ "$RC" -eq 0 ] || { show stderr "$ERR"; die "cosign-cpp verify rejected cosign2's signature (exit $RC)"; }
pass "cosign-cpp verify --key c2/cosign.pub accepts cosign2's signature"
check_eq "the JSON names $DIGEST2" "$DIGEST2" "$(jq -r '.[0].critical.image["docker-manifest-digest"]' "$OUT")"
run_cmd vc2w "$COSIGN_CPP" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/demo:by-cosign2"
check_eq "cosign-cpp verify with the other key gives exit 12 (no matching signatures)" 12 "$RC"

say "== both keys on one image: every tool verifies with every key"
DIGEST3=$(push_image "$REG_DIR" demo:both)
check "cosign-cpp signs demo:both" "$COSIGN_CPP" sign --tlog-upload=false --key cpp/cosign.key -y "$REG/demo:both"
check "cosign2 signs demo:both" "$COSIGN2" sign --key c2/cosign.key --tlog-upload=false -y "$REG/demo:both"
check_eq "demo:both's .sig has two layers" 2 "$(get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST3")" | jq '.layers | length')"
check "cosign-cpp signs demo:both again (appends nothing, keeps cosign2's layer)" "$COSIGN_CPP" sign --tlog-upload=false --key cpp/cosign.key -y "$REG/demo:both"
check_eq "demo:both's .sig still has two layers" 2 "$(get_manifest "$REG_DIR" demo "$(sig_tag "$DIGEST3")" | jq '.layers | length')"
for key in cpp c2; do
  check "cosign-cpp verify demo:both with $key/cosign.pub" "$COSIGN_CPP" verify --key "$key/cosign.pub" --insecure-ignore-tlog "$REG/demo:both"
  check_eq "  one payload in the output (only the matching layer)" 1 "$(jq length "$OUT")"
  check "cosign2 verify demo:both with $key/cosign.pub" "$COSIGN2" verify --key "$key/cosign.pub" --insecure-ignore-tlog "$REG/demo:both"
  check "cosign3 verify demo:both with $key/cosign.pub" "$COSIGN3" verify --key "$key/cosign.pub" --insecure-ignore-tlog "$REG/demo:both"
  check_skopeo_accepts "skopeo accepts demo:both with $key/cosign.pub" "$REG_DIR" "$REG/demo:both" "$key/cosign.pub"
done

say "== annotations (-a)"
push_image "$REG_DIR" demo:annotated >/dev/null
check "cosign-cpp sign -a env=prod -a 'team=<a&b>'" "$COSIGN_CPP" sign --tlog-upload=false --key cpp/cosign.key -y -a env=prod -a 'team=<a&b>' "$REG/demo:annotated"
check "cosign2 verify -a env=prod accepts" "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog -a env=prod "$REG/demo:annotated"
run_cmd ann2 "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog -a env=dev "$REG/demo:annotated"
C2RC=$RC
run_cmd annc "$COSIGN_CPP" verify --key cpp/cosign.pub --insecure-ignore-tlog -a env=dev "$REG/demo:annotated"
check_eq "verify -a env=dev (wrong value): cosign-cpp exits like cosign2 ($C2RC)" "$C2RC" "$RC"
run_cmd ann2ok "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog -a env=prod "$REG/demo:annotated"
run_cmd anncok "$COSIGN_CPP" verify --key cpp/cosign.pub --insecure-ignore-tlog -a env=prod "$REG/demo:annotated"
check_eq "verify -a env=prod: cosign-cpp exits 0" 0 "$RC"
check_file_eq "verify -a env=prod: same stdout as cosign2 (optional has the annotations)" "$WORK/ann2ok.out" "$WORK/anncok.out"
check_file_eq "verify -a env=prod: same stderr as cosign2 (incl. 'The specified annotations were verified.')" "$WORK/ann2ok.err" "$WORK/anncok.err"
check_skopeo_accepts "skopeo accepts the annotated signature" "$REG_DIR" "$REG/demo:annotated" cpp/cosign.pub

say "== a 2-platform index signed with --recursive"
IDX=$(push_image "$REG_DIR" multi:latest --multiarch)
check "cosign-cpp sign --recursive multi:latest" "$COSIGN_CPP" sign --tlog-upload=false --key cpp/cosign.key -y --recursive "$REG/multi:latest"
for d in $(reg_env "$REG_DIR" "$CRANE" manifest "$REG/multi:latest" | jq -r '.manifests[].digest') "$IDX"; do
  check "cosign2 verifies multi@${d:0:19}…" "$COSIGN2" verify --key cpp/cosign.pub --insecure-ignore-tlog "$REG/multi@$d"
done
check_skopeo_accepts "skopeo accepts every platform of multi:latest" "$REG_DIR" "$REG/multi:latest" cpp/cosign.pub

finish
