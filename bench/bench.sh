#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench/bench.sh [--runs N] [--write]: cosign-cpp side by side with the real cosign 2.5, in one
# run, against the same throw-away local registry (docker-registry on 127.0.0.1).
#
# Measured (median of N runs after one warm-up, each tool run alternately; wall time, peak RSS
# from wait4, registry requests from its access log):
#   start-up (`version`), generate-key-pair, public-key (decrypts the key: scrypt N=32768),
#   a first sign of a fresh image with an encrypted key file and with an env:// key,
#   verify of an image with 1, 10 and 100 signatures (each over its own payload: -a n=i), of
#   one signed once without annotations (a payload the verifier knows without reading it), and
#   of one with 100 signatures over one payload (100 signers, no annotations); the start-up
#   floor of any program over Debian's cpp-httplib (an empty main() linked with it); the CPU
#   time the registry spends per operation; a first sign through a PKCS#11 token (SoftHSM2, a
#   P-256 key made here) beside cosign's with a key file; a first sign through the fake AWS KMS
#   and the fake Cloud KMS of tests/peers (fake-kms-server.js, HTTPS on 127.0.0.1) beside cosign
#   2.5 signing through the same fake AWS KMS (cosign's Cloud KMS client speaks gRPC, which the
#   fake does not serve: that row is beside cosign's key-file sign), with the KMS requests per
#   signature; a first sign through hashivault://, azurekms:// and k8s:// keys on the same fake;
#   a keyless sign and a keyless verify against the local OIDC issuer and Fulcio/CT/Rekor
#   (tests/peers), beside cosign 2.5 against the same services; verify-blob of a Sigstore bundle
#   (v0.3, key and keyless, small blob, offline) beside cosign 3.1; and both binaries' stripped size.
# --only REGEX measures only the rows whose name matches (e.g. --only KMS).
# Prints a Markdown table; --write also puts it into bench/RESULTS.md between the
# "bench.sh:begin" and "bench.sh:end" markers.
#
# Needs what scripts/test.sh installs (scripts/deps.sh, scripts/get-cosign.sh,
# scripts/get-skopeo.sh). Builds cosign-cpp as Release into build-bench/ (or uses $COSIGN_CPP).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
RUNS=5
WRITE=0
ONLY=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --write) WRITE=1 ;;
    --only) ONLY=$2; shift ;;
    *) echo "usage: bench/bench.sh [--runs N] [--write] [--only REGEX]" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$ONLY" ] && [ "$WRITE" = 1 ]; then
  echo "bench/bench.sh: --write with --only would replace RESULTS.md's whole table with a few rows" >&2; exit 2
fi
if [ -z "${COSIGN_CPP:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DCOSIGN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-bench" -j "$(nproc)" --target cosign-cpp >/dev/null
  export COSIGN_CPP=$ROOT/build-bench/examples/cosign-cpp
fi
# The static build over the mbedTLS transport (no cpp-httplib, no OpenSSL): for start-up.
if [ -z "${COSIGN_CPP_STATIC:-}" ]; then
  COSIGN_CPP_STATIC=$ROOT/build-bench-static/examples/cosign-cpp-mbedtls
  { cmake -S "$ROOT" -B "$ROOT/build-bench-static" -DCMAKE_BUILD_TYPE=Release -DCOSIGN_STATIC=ON \
      -DCOSIGN_BUILD_TESTS=OFF >/dev/null && \
    cmake --build "$ROOT/build-bench-static" -j "$(nproc)" --target cosign-cpp-mbedtls >/dev/null; } || COSIGN_CPP_STATIC=""
fi
export COSIGN_TOOLS_DIR=${COSIGN_TOOLS_DIR:-$("$ROOT/scripts/get-cosign.sh" | tail -n1)}
export SKOPEO=${SKOPEO:-${SKOPEO_SIGSTORE:-$("$ROOT/scripts/get-skopeo.sh" | tail -n1)}}

# The integration harness gives the registry, the image pusher and the cleanup.
# shellcheck source=../tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
find_cosign_cpp
find_cosign_tools
find_skopeo
isolate_env
cd "$WORK"
cc -O2 -o "$WORK/peak_rss" "$ROOT/bench/peak_rss.c" || die "cannot build bench/peak_rss.c"
export PEAK_RSS=$WORK/peak_rss
# want NAME: is the row NAME measured (--only)?
want() { [ -z "$ONLY" ] || [[ "$1" =~ $ONLY ]]; }
measure() {
  if [ "$1" = pair ] && ! want "$2"; then return 0; fi
  python3 "$ROOT/bench/measure.py" "$@"
}
M=measure
RES=$WORK/results.jsonl
export COSIGN_PASSWORD=bench-pw
A=$COSIGN_CPP B=$COSIGN2

say "== machine"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
MACHINE="$(nproc) cores ($CPU), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
VERSIONS="cosign-cpp $("$A" version | awk '{print $2}') (g++ $(g++ -dumpfullversion), Release), $(grep -m1 '^cosign 2' "$COSIGN_TOOLS_DIR/VERSIONS" 2>/dev/null || echo 'cosign 2') (Debian's build, Go)"
note "$MACHINE"
note "$VERSIONS; $RUNS runs per case, medians; load average $(cut -d' ' -f1-3 /proc/loadavg)"

registry_start bench
LOG=$REG_DIR/registry.log

say "== keys"
mkdir keys gen
(cd keys && "$A" generate-key-pair >/dev/null 2>&1) || die "generate-key-pair failed"
COSIGN_KEY=$(cat keys/cosign.key)
export COSIGN_KEY

say "== images: fresh ones for every first sign, and ones with 1, 10, 100 signatures"
n=$((RUNS + 1))
for i in $(seq 0 $((n - 1))); do
  for t in cpp c2 cppenv c2env cppp11 c2p11; do push_image "$REG_DIR" "demo:$t-$i" >/dev/null; done
done
for k in 1 10 100; do
  want "verify" || break
  push_image "$REG_DIR" "demo:v$k" >/dev/null
  for j in $(seq 1 "$k"); do
    "$A" sign --key env://COSIGN_KEY --tlog-upload=false -y -a "n=$j" "$REG/demo:v$k" >/dev/null 2>&1 || die "preparing demo:v$k failed"
  done
done
if want "verify"; then
# One signature without annotations: the payload verify can name without reading it.
push_image "$REG_DIR" "demo:n1" >/dev/null
"$A" sign --key env://COSIGN_KEY --tlog-upload=false -y "$REG/demo:n1" >/dev/null 2>&1 || die "preparing demo:n1 failed"
# 100 signatures of one payload, as 100 signers (or 100 CI runs) without annotations leave
# them: ECDSA signatures made by openssl (random nonces, so 100 distinct layers), attached.
push_image "$REG_DIR" "demo:p100" >/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out keys/p100.pem 2>/dev/null || die "openssl ecparam failed"
openssl pkey -in keys/p100.pem -pubout -out keys/p100.pub 2>/dev/null || die "openssl pkey failed"
"$A" generate "$REG/demo:p100" > keys/p100.payload 2>/dev/null || die "generate demo:p100 failed"
for j in $(seq 1 100); do
  openssl dgst -sha256 -sign keys/p100.pem -out keys/p100.sig keys/p100.payload || die "openssl dgst failed"
  "$A" attach signature --payload keys/p100.payload --signature "$(base64 -w0 keys/p100.sig)" "$REG/demo:p100" \
    >/dev/null 2>&1 || die "attaching signature $j to demo:p100 failed"
done
fi
pass "images ready"
# A SoftHSM2 token in a private directory, holding a P-256 key, for the pkcs11: sign.
P11_MOD=/usr/lib/softhsm/libsofthsm2.so
P11_URI=""
if command -v softhsm2-util >/dev/null 2>&1 && [ -f "$P11_MOD" ]; then
  mkdir -p "$WORK/softhsm/tokens"
  printf 'directories.tokendir = %s/softhsm/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK" \
    > "$WORK/softhsm/softhsm2.conf"
  export SOFTHSM2_CONF=$WORK/softhsm/softhsm2.conf
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out keys/p11.pem 2>/dev/null
  softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 5678 >/dev/null &&
    softhsm2-util --import keys/p11.pem --token bench --label signing --id 01 --pin 1234 >/dev/null &&
    P11_URI="pkcs11:token=bench;object=signing?module-path=$P11_MOD&pin-value=1234"
  rm -f keys/p11.pem
fi
[ -n "$P11_URI" ] || note "softhsm2 missing: no PKCS#11 row (apt-get install softhsm2)"
REGPID=$(cat "$REG_DIR/pid")
# The start-up floor of a program over Debian's cpp-httplib: an empty main() linked with it.
printf 'int main(void) { return 0; }\n' > floor.c
cc -O2 floor.c -o floor-httplib -Wl,--no-as-needed -lcpp-httplib || die "cannot link against libcpp-httplib"

say "== measurements (median of $RUNS)"
# verify_pair NAME CLI KEY IMAGE: `CLI verify` against cosign 2.5's, requests and registry CPU counted.
verify_pair() {
  $M pair "$1" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$2 verify --key $3 --insecure-ignore-tlog $REG/$4" \
    --b "$B verify --key $3 --insecure-ignore-tlog $REG/$4"
}
$M pair "start-up (version)" $((RUNS * 4)) "$RES" --a "$A version" --b "$B version"
$M pair "start-up floor: empty main() linked with libcpp-httplib" $((RUNS * 4)) "$RES" --a "$WORK/floor-httplib" --b "$B version"
if [ -n "${COSIGN_CPP_STATIC:-}" ] && [ -x "$COSIGN_CPP_STATIC" ]; then
  $M pair "start-up, static mbedTLS-transport build" $((RUNS * 4)) "$RES" --a "$COSIGN_CPP_STATIC version" --b "$B version"
fi
$M pair "generate-key-pair" "$RUNS" "$RES" --cwd "$WORK/gen" --rm cosign.key --rm cosign.pub \
  --a "$A generate-key-pair" --b "$B generate-key-pair"
$M pair "public-key (decrypt)" "$RUNS" "$RES" --a "$A public-key --key keys/cosign.key" \
  --b "$B public-key --key keys/cosign.key"
$M pair "sign, first, key file" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
  --a "$A sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:cpp-{i}" \
  --b "$B sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:c2-{i}"
$M pair "sign, first, env:// key" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
  --a "$A sign --key env://COSIGN_KEY --tlog-upload=false -y $REG/demo:cppenv-{i}" \
  --b "$B sign --key env://COSIGN_KEY --tlog-upload=false -y $REG/demo:c2env-{i}"
if [ -n "$P11_URI" ]; then
  $M pair "sign, first, PKCS#11 key (SoftHSM2) vs cosign with a key file" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign --key '$P11_URI' --tlog-upload=false -y $REG/demo:cppp11-{i}" \
    --b "$B sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:c2p11-{i}"
fi
# hashivault://, azurekms:// and k8s:// keys, each through tests/peers/fake-kms-server.js. Debian's
# cosign builds have no hashivault:// or azurekms:// provider ("unrecognized scheme"), so those
# rows run beside cosign with a key file; both tools read k8s:// Secrets, so that row signs
# through the same Secret. The fake's requests per signature go into a note.
KMS2_NOTE=""
if want "KMS"; then
  kms_fake_start bench-kms
  # shellcheck disable=SC1091
  . "$KMS_FAKE_DIR/env.sh"
  export SSL_CERT_FILE=$KMS_FAKE_DIR/tls/cert.pem COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=true
  "$A" generate-key-pair k8s://default/bench-keys >/dev/null 2>&1 || die "generate-key-pair k8s:// failed"
  for i in $(seq 0 $((n - 1))); do
    for t in cppvault c2vault cppaz c2az cppk8s c2k8s; do push_image "$REG_DIR" "demo:$t-$i" >/dev/null; done
  done
  $M pair "sign, first, hashivault:// key (fake Vault) vs cosign with a key file" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign --key hashivault://cosign-key --tlog-upload=false -y $REG/demo:cppvault-{i}" \
    --b "$B sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:c2vault-{i}"
  $M pair "sign, first, azurekms:// key (fake Key Vault) vs cosign with a key file" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign --key $AZURE_KMS_REF --tlog-upload=false -y $REG/demo:cppaz-{i}" \
    --b "$B sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:c2az-{i}"
  $M pair "sign, first, k8s:// key (fake API server), both tools" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign --key k8s://default/bench-keys --tlog-upload=false -y $REG/demo:cppk8s-{i}" \
    --b "$B sign --key k8s://default/bench-keys --tlog-upload=false -y $REG/demo:c2k8s-{i}"
  printf 'kms bench\n' > kms-blob.txt
  for ref in hashivault://cosign-key "$AZURE_KMS_REF" k8s://default/bench-keys; do
    m=$(kms_fake_mark)
    "$A" sign-blob --tlog-upload=false --key "$ref" kms-blob.txt >/dev/null 2>&1 || die "sign-blob --key $ref failed"
    KMS2_NOTE="$KMS2_NOTE ${ref%%://*}: $(( $(kms_fake_mark) - m ));"
  done
  KMS2_NOTE="Requests to the KMS fake per cosign-cpp signature (key read included):${KMS2_NOTE%;} (azurekms: the 401 challenge, the AAD token, the key, the sign)."
  note "$KMS2_NOTE"
  unset SSL_CERT_FILE COSIGN_AZURE_DISABLE_CHALLENGE_RESOURCE_VERIFICATION KUBECONFIG
fi
if [ -n "${COSIGN_CPP_STATIC:-}" ] && [ -x "$COSIGN_CPP_STATIC" ]; then
  S=$COSIGN_CPP_STATIC
  for i in $(seq 0 $((n - 1))); do push_image "$REG_DIR" "demo:st-$i" >/dev/null; push_image "$REG_DIR" "demo:c2st-$i" >/dev/null; done
  $M pair "public-key, static build" "$RUNS" "$RES" --a "$S public-key --key keys/cosign.key" \
    --b "$B public-key --key keys/cosign.key"
  $M pair "sign, first, key file, static build" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$S sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:st-{i}" \
    --b "$B sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:c2st-{i}"
  verify_pair "verify, 1 signature, static build" "$S" keys/cosign.pub demo:v1
fi
for k in 1 10 100; do
  verify_pair "verify, $k signature$([ "$k" = 1 ] || echo s)" "$A" keys/cosign.pub "demo:v$k"
done
verify_pair "verify, 1 signature without annotations" "$A" keys/cosign.pub demo:n1
verify_pair "verify, 100 signatures over one payload" "$A" keys/p100.pub demo:p100

REKOR_NOTE=""
if want "Rekor|SET"; then
say "== with the transparency log: the local Rekor (tests/peers), both tools trusting its key"
sigstore_mock_start
export SIGSTORE_REKOR_PUBLIC_KEY=$SIGSTORE_MOCK_DIR/rekor.pub
for i in $(seq 0 $((n - 1))); do push_image "$REG_DIR" "demo:cpplog-$i" >/dev/null; push_image "$REG_DIR" "demo:c2log-$i" >/dev/null; done
push_image "$REG_DIR" demo:log1 >/dev/null
"$A" sign --key env://COSIGN_KEY --rekor-url "$SIGSTORE_MOCK_URL" -y "$REG/demo:log1" >/dev/null 2>&1 || die "preparing demo:log1 failed"
$M pair "sign, first, key file, Rekor upload" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
  --a "$A sign --key keys/cosign.key --rekor-url $SIGSTORE_MOCK_URL -y $REG/demo:cpplog-{i}" \
  --b "$B sign --key keys/cosign.key --rekor-url $SIGSTORE_MOCK_URL -y $REG/demo:c2log-{i}"
$M pair "verify, 1 signature, SET check" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
  --a "$A verify --key keys/cosign.pub --rekor-url $SIGSTORE_MOCK_URL $REG/demo:log1" \
  --b "$B verify --key keys/cosign.pub --rekor-url $SIGSTORE_MOCK_URL $REG/demo:log1"
# rekor_requests CLI IMAGE: requests the mock saw for one sign of IMAGE.
rekor_requests() {
  local m; m=$(sigstore_mock_mark)
  "$1" sign --key keys/cosign.key --rekor-url "$SIGSTORE_MOCK_URL" -y "$REG/$2" >/dev/null 2>&1 || die "sign $2 with the log failed"
  echo $(( $(sigstore_mock_mark) - m ))
}
push_image "$REG_DIR" demo:rq-cpp >/dev/null; push_image "$REG_DIR" demo:rq-c2 >/dev/null
RQ_A=$(rekor_requests "$A" demo:rq-cpp) RQ_A2=$(rekor_requests "$A" demo:rq-cpp)
RQ_B=$(rekor_requests "$B" demo:rq-c2) RQ_B2=$(rekor_requests "$B" demo:rq-c2)
REKOR_NOTE="Rekor requests per signature (first sign / the same signature again, 409): cosign-cpp $RQ_A / $RQ_A2, cosign 2.5 $RQ_B / $RQ_B2 (goal: 1 / 2)."
note "$REKOR_NOTE"
unset SIGSTORE_REKOR_PUBLIC_KEY
fi

KMS_NOTE=""
if want "KMS"; then
  say "== keys in a KMS: the fake AWS KMS and Cloud KMS of tests/peers, over HTTPS"
  kms_fake_start
  AWS_REF="awskms://${KMS_HTTPS_URL#https://}/1234abcd-12ab-34cd-56ef-1234567890ab"
  GCP_REF=gcpkms://projects/test-project/locations/global/keyRings/test-ring/cryptoKeys/cosign-key/cryptoKeyVersions/1
  export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' AWS_REGION=us-east-1
  export AWS_CA_BUNDLE=$KMS_CA SSL_CERT_FILE=$KMS_CA GOOGLE_APPLICATION_CREDENTIALS=$KMS_DIR/gcp-service-account.json
  export CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS=$KMS_HTTPS_URL/
  for i in $(seq 0 $((n - 1))); do
    for t in cppaws c2aws cppgcp c2gcp; do push_image "$REG_DIR" "demo:$t-$i" >/dev/null; done
  done
  $M pair "sign, first, AWS KMS key (fake, SigV4) vs cosign 2.5 through the same fake" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign --key $AWS_REF --tlog-upload=false -y $REG/demo:cppaws-{i}" \
    --b "$B sign --key $AWS_REF --tlog-upload=false -y $REG/demo:c2aws-{i}"
  $M pair "sign, first, Cloud KMS key (fake, JWT token) vs cosign 2.5 with a key file" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign --key $GCP_REF --tlog-upload=false -y $REG/demo:cppgcp-{i}" \
    --b "$B sign --key keys/cosign.key --tlog-upload=false -y $REG/demo:c2gcp-{i}"
  # kms_requests CLI KEY IMAGE: the fake's request lines for one sign.
  kms_requests() {
    local m; m=$(kms_mark)
    "$1" sign --key "$2" --tlog-upload=false -y "$REG/$3" >/dev/null 2>&1 || die "sign $3 through $2 failed"
    kms_requests_since "$m" | awk '{print ($4 != "" ? $4 : $2 " " $3)}' | sed 's|/v1/projects/.*[/:]||' | paste -sd, -
  }
  push_image "$REG_DIR" demo:kq >/dev/null
  KMS_NOTE="KMS requests per first sign: AWS, cosign-cpp: $(kms_requests "$A" "$AWS_REF" demo:kq); cosign 2.5: $(kms_requests "$B" "$AWS_REF" demo:kq). Cloud KMS, cosign-cpp: $(kms_requests "$A" "$GCP_REF" demo:kq) (goal: 1 sign, plus 1 public-key read at most)."
  note "$KMS_NOTE"
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_CA_BUNDLE SSL_CERT_FILE GOOGLE_APPLICATION_CREDENTIALS \
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS
fi

KEYLESS_NOTE=""
if want "keyless"; then
  say "== keyless verify: cosign 2.5 signs keyless against the local OIDC issuer and Fulcio/CT/Rekor"
  # Both tools trust the mock's Fulcio root, CT log and Rekor keys through the SIGSTORE_* files.
  oidc_issuer_start
  sigstore_mock_start keyless --oidc-issuer "$OIDC_ISSUER" --oidc-jwks "$OIDC_ISSUER/jwks"
  export SIGSTORE_ROOT_FILE=$SIGSTORE_MOCK_DIR/fulcio_root.pem SIGSTORE_REKOR_PUBLIC_KEY=$SIGSTORE_MOCK_DIR/rekor.pub \
         SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=$SIGSTORE_MOCK_DIR/ctfe.pub
  push_image "$REG_DIR" demo:keyless1 >/dev/null
  "$B" sign -y --fulcio-url "$SIGSTORE_MOCK_URL" --rekor-url "$SIGSTORE_MOCK_URL" --identity-token "$(oidc_token alice@example.com)" \
    "$REG/demo:keyless1" >/dev/null 2>&1 || die "preparing demo:keyless1 (cosign 2 sign keyless) failed"
  $M pair "verify keyless, 1 signature (chain, SCT, identity, SET)" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A verify --certificate-identity alice@example.com --certificate-oidc-issuer $OIDC_ISSUER $REG/demo:keyless1" \
    --b "$B verify --certificate-identity alice@example.com --certificate-oidc-issuer $OIDC_ISSUER $REG/demo:keyless1"
  # A keyless sign: a certificate from the same Fulcio for a token of the same issuer, and the
  # Rekor upload; cosign 2 checks the SCT and the SET with the SIGSTORE_* files.
  oidc_token bench@example.com > "$WORK/token.jwt"
  for i in $(seq 0 $((n - 1))); do push_image "$REG_DIR" "demo:cppkl-$i" >/dev/null; push_image "$REG_DIR" "demo:c2kl-$i" >/dev/null; done
  KL="-y --fulcio-url $SIGSTORE_MOCK_URL --rekor-url $SIGSTORE_MOCK_URL --identity-token $WORK/token.jwt"
  $M pair "sign, first, keyless (Fulcio + Rekor)" "$RUNS" "$RES" --reglog "$LOG" --regpid "$REGPID" \
    --a "$A sign $KL $REG/demo:cppkl-{i}" --b "$B sign $KL $REG/demo:c2kl-{i}"
  unset SIGSTORE_ROOT_FILE SIGSTORE_REKOR_PUBLIC_KEY SIGSTORE_CT_LOG_PUBLIC_KEY_FILE
  KEYLESS_NOTE="The keyless rows run against the local OIDC issuer (one token, given as a file) and the Fulcio/CT/Rekor mock: the \"sign, first, keyless\" row makes one Fulcio and one Rekor request per sign for both tools. The \"verify keyless\" row verifies a signature the real cosign 2.5 made keyless against the local OIDC issuer and Fulcio/CT/Rekor mock, both tools trusting them through SIGSTORE_ROOT_FILE, SIGSTORE_CT_LOG_PUBLIC_KEY_FILE and SIGSTORE_REKOR_PUBLIC_KEY."
fi

BUNDLE_NOTE=""
if want "bundle"; then
  say "== verify-blob --bundle: Sigstore bundles v0.3 of a small blob, cosign-cpp beside cosign 3.1"
  # The check a device runs at boot: a bundle beside a firmware file, verified offline with the
  # key (or keyless: the Fulcio chain, SCT and identity) and the Rekor entry (SET, inclusion
  # proof, checkpoint) against a trusted_root.json. Both bundles are made by cosign-cpp against
  # the local OIDC issuer and Fulcio/CT/Rekor mock; both tools verify the same files.
  # cosign binds COSIGN_<FLAG> variables: COSIGN_KEY (the env:// rows' key) would be cosign 3's
  # --key in the keyless row. Nothing after this section needs it.
  unset COSIGN_KEY
  oidc_issuer_start bundle-oidc
  sigstore_mock_start bundle --oidc-issuer "$OIDC_ISSUER" --oidc-jwks "$OIDC_ISSUER/jwks"
  TRB=$SIGSTORE_MOCK_DIR/trusted_root.json
  printf 'firmware image 1.2.3\n' > fw.bin
  "$A" sign-blob -y --key keys/cosign.key --bundle fw.sigstore.json --new-bundle-format --rekor-url "$SIGSTORE_MOCK_URL" \
    fw.bin >/dev/null 2>&1 || die "preparing fw.sigstore.json (cosign-cpp sign-blob --new-bundle-format) failed"
  oidc_token alice@example.com "$WORK/bundle-token.jwt"
  "$A" sign-blob -y --fulcio-url "$SIGSTORE_MOCK_URL" --rekor-url "$SIGSTORE_MOCK_URL" --trusted-root "$TRB" \
    --identity-token "$WORK/bundle-token.jwt" --bundle fw-keyless.sigstore.json --new-bundle-format fw.bin >/dev/null 2>&1 \
    || die "preparing fw-keyless.sigstore.json (cosign-cpp sign-blob keyless --new-bundle-format) failed"
  $M pair "verify-blob --bundle, v0.3, key, small blob (vs cosign 3.1)" "$RUNS" "$RES" \
    --a "$A verify-blob --key keys/cosign.pub --bundle fw.sigstore.json --trusted-root $TRB fw.bin" \
    --b "$COSIGN3 verify-blob --key keys/cosign.pub --bundle fw.sigstore.json --trusted-root $TRB fw.bin"
  $M pair "verify-blob --bundle, v0.3, keyless, small blob (vs cosign 3.1)" "$RUNS" "$RES" \
    --a "$A verify-blob --certificate-identity alice@example.com --certificate-oidc-issuer $OIDC_ISSUER --bundle fw-keyless.sigstore.json --trusted-root $TRB fw.bin" \
    --b "$COSIGN3 verify-blob --certificate-identity alice@example.com --certificate-oidc-issuer $OIDC_ISSUER --bundle fw-keyless.sigstore.json --trusted-root $TRB fw.bin"
  BUNDLE_NOTE="The \"verify-blob --bundle\" rows are beside $(grep -m1 '^cosign 3' "$COSIGN_TOOLS_DIR/VERSIONS" 2>/dev/null || echo 'cosign 3') (not cosign 2.5): both tools verify the same v0.3 bundles of a 21-byte blob, made by cosign-cpp against the local Rekor mock (key) and the local OIDC issuer and Fulcio/CT/Rekor mock (keyless), offline, with --trusted-root (the mock's trusted_root.json)."
fi

cp "$A" a.strip; cp "$B" b.strip
strip a.strip b.strip
SIZE_A=$(stat -c %s a.strip) SIZE_B=$(stat -c %s b.strip)

cat > goals.json <<'EOF'
{"start-up (version)": "≤ 2 ms",
 "start-up, static mbedTLS-transport build": "≤ 2 ms",
 "generate-key-pair": "≤ 0.8×, ≤ 70 MB",
 "public-key (decrypt)": "≤ 0.7×, ≤ 70 MB",
 "sign, first, key file": "≤ 0.8×, ≤ 7 requests",
 "sign, first, env:// key": "≤ 0.8×",
 "sign, first, PKCS#11 key (SoftHSM2) vs cosign with a key file": "≤ 0.8×",
 "sign, first, AWS KMS key (fake, SigV4) vs cosign 2.5 through the same fake": "1 Sign + ≤ 1 key read",
 "sign, first, Cloud KMS key (fake, JWT token) vs cosign 2.5 with a key file": "1 sign + ≤ 1 key read",
 "sign, first, hashivault:// key (fake Vault) vs cosign with a key file": "≤ 0.8×",
 "sign, first, azurekms:// key (fake Key Vault) vs cosign with a key file": "≤ 0.8×",
 "sign, first, k8s:// key (fake API server), both tools": "≤ 0.8×",
 "verify, 1 signature": "≤ 0.5×, ≤ 3 requests",
 "public-key, static build": "≤ 0.7×, ≤ 70 MB",
 "sign, first, key file, static build": "≤ 0.8×, ≤ 7 requests",
 "verify, 1 signature, static build": "≤ 0.5×, ≤ 3 requests",
 "verify, 10 signatures": "≤ 0.5×",
 "verify, 1 signature without annotations": "≤ 0.5×, ≤ 3 requests",
 "verify, 100 signatures": "≤ 0.3×",
 "verify, 100 signatures over one payload": "≤ 0.3×",
 "sign, first, key file, Rekor upload": "≤ 0.8×, 1 Rekor request",
 "verify, 1 signature, SET check": "≤ 0.5×",
 "verify keyless, 1 signature (chain, SCT, identity, SET)": "≤ 0.5×",
 "sign, first, keyless (Fulcio + Rekor)": "≤ 0.5×, ≤ 16 MB",
 "verify-blob --bundle, v0.3, key, small blob (vs cosign 3.1)": "≤ 0.3×",
 "verify-blob --bundle, v0.3, keyless, small blob (vs cosign 3.1)": "≤ 0.3×"}
EOF
TABLE=$WORK/table.md
{
  $M table "$RES" goals.json --sizes "$SIZE_A" "$SIZE_B"
  echo
  echo "Machine: $MACHINE. $VERSIONS. Registry: docker-registry $(dpkg-query -W -f='${Version}' docker-registry 2>/dev/null || echo '?') on 127.0.0.1 (plain http, filesystem storage). $RUNS runs per case after one warm-up (start-up: $((RUNS * 4))), the two tools alternating; times are medians of wall time (posix_spawn to exit; spawning /bin/true costs about 0.6 ms here), RSS is the median of each run's peak resident set (a second run under bench/peak_rss.c, fork + exec + wait4, like GNU time's %M), requests are counted in the registry's access log, registry CPU is the run time of the registry process's threads during the run (/proc/PID/task/*/schedstat). \"static build\" is \`cosign-cpp-mbedtls\` built with -DCOSIGN_STATIC=ON (mbedTLS transport, no cpp-httplib or OpenSSL, fully static)."
  echo
  [ -z "$KMS2_NOTE" ] || { echo "$KMS2_NOTE"; echo; }
  [ -z "$KMS_NOTE" ] || { echo "$KMS_NOTE The KMS rows run against tests/peers/fake-kms-server.js (Node.js, HTTPS on 127.0.0.1): real SigV4 checks, real RS256 JWT-bearer tokens."; echo; }
  [ -z "$REKOR_NOTE" ] || { echo "$REKOR_NOTE The \"Rekor upload\" and \"SET check\" rows run against the local Rekor mock of tests/peers (Node.js, 127.0.0.1), both tools trusting its key through SIGSTORE_REKOR_PUBLIC_KEY."; echo; }
  [ -z "$KEYLESS_NOTE" ] || { echo "$KEYLESS_NOTE"; echo; }
  [ -z "$BUNDLE_NOTE" ] || { echo "$BUNDLE_NOTE"; echo; }
  echo "Reproduce: \`bench/bench.sh --runs $RUNS\` (add \`--write\` to update this section). Run on $(date -u +%Y-%m-%d)."
} > "$TABLE"
say ""
cat "$TABLE"
if [ "$WRITE" = 1 ]; then
  python3 - "$ROOT/bench/RESULTS.md" "$TABLE" <<'EOF'
import sys
path, table = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
begin, end = "<!-- bench.sh:begin -->", "<!-- bench.sh:end -->"
try:
    text = open(path, encoding="utf-8").read()
except FileNotFoundError:
    text = "# Benchmarks\n"
block = begin + "\n" + table.rstrip("\n") + "\n" + end
if begin in text and end in text:
    text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n## Performance against cosign 2.5 (bench/bench.sh)\n\n" + block + "\n"
open(path, "w", encoding="utf-8").write(text)
print(f"updated {path}")
EOF
fi
