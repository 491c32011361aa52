#!/bin/bash
# get-cosign.sh - unpack the real cosign (Sigstore's Go reference client) and crane from Debian's
# newer suites into a cache directory, without installing anything system-wide. The integration
# tests (tests/integration) compare cosign-cpp against these binaries.
#
#   scripts/get-cosign.sh [DIR]
#
# Debian 13 (trixie) packages cosign 2.5.x; Debian unstable (sid) packages cosign 3.x and crane.
# Both are Go programs that need only libc, so they run on Debian 12 as they are.
# Afterwards DIR holds:
#   DIR/cosign2   cosign 2.x (signatures as `sha256-<hex>.sig` tags: the layout the docs describe)
#   DIR/cosign3   cosign 3.x (new bundle format by default; `--new-bundle-format=false` for the old one)
#   DIR/crane     crane, to read manifests and blobs
#   DIR/VERSIONS  the package versions unpacked
# The last line on stdout is DIR.
#
# DIR defaults to $COSIGN_TOOLS_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/cosign. If DIR
# already holds working cosign2, cosign3 and crane, the script prints DIR and exits at once
# (no network). Otherwise it needs the Debian mirror once (about 170 MB download).
# Environment:
#   DEBIAN_MIRROR   (default: the Debian mirror this machine's apt configuration already uses)
# Uses apt-get with a private sources list, lists and cache in a temporary directory (removed on
# exit); nothing under /etc or /var is changed.
set -euo pipefail

log() { echo "get-cosign.sh: $*" >&2; }
die() { log "$*"; exit 1; }

case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2 ;; esac
DIR=${1:-${COSIGN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/cosign}}

works() { "$1" version >/dev/null 2>&1 || "$1" --help >/dev/null 2>&1; }
# Fast path: already unpacked and working.
if [ -x "$DIR/cosign2" ] && [ -x "$DIR/cosign3" ] && [ -x "$DIR/crane" ] &&
   works "$DIR/cosign2" && works "$DIR/cosign3" && works "$DIR/crane"; then
  echo "$DIR"
  exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/get-cosign.XXXXXX")
trap 'rm -rf "$WORK" "$DIR.new"' EXIT
# shellcheck source=scripts/lib/private-apt.sh
. "$(dirname "$0")/lib/private-apt.sh"
private_apt_init "$WORK"
mkdir -p "$WORK/debs/2" "$WORK/debs/3"
private_apt_source deb trixie
private_apt_source deb sid
log "reading the trixie and sid package indexes"
private_apt_update

# The newest cosign of each major version that the two suites offer.
pick() { apt-cache "${APT_OPTS[@]}" madison "$1" 2>/dev/null | awk -v m="$2" '{ v=$3; if (v ~ "^" m "\\.") print v }' | sort -V | tail -n1; }
V2=$(pick cosign 2); V3=$(pick cosign 3); VC=$(pick crane 0)
[ -n "$V2" ] || die "no cosign 2.x found in trixie/sid"
[ -n "$V3" ] || die "no cosign 3.x found in trixie/sid"
[ -n "$VC" ] || die "no crane found in trixie/sid"
log "downloading cosign $V2, cosign $V3, crane $VC"
(cd "$WORK/debs/2" && apt-get "${APT_OPTS[@]}" -q download "cosign=$V2") >>"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; die "download failed"; }
(cd "$WORK/debs/3" && apt-get "${APT_OPTS[@]}" -q download "cosign=$V3" "crane=$VC") >>"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; die "download failed"; }

rm -rf "$DIR.new"; mkdir -p "$DIR.new/x2" "$DIR.new/x3"
# shellcheck disable=SC2016 # dpkg-deb expands ${Package}, not the shell
for deb in "$WORK"/debs/2/*.deb; do dpkg-deb -x "$deb" "$DIR.new/x2"; dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >> "$DIR.new/VERSIONS"; done
# shellcheck disable=SC2016
for deb in "$WORK"/debs/3/*.deb; do dpkg-deb -x "$deb" "$DIR.new/x3"; dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >> "$DIR.new/VERSIONS"; done
install -m 0755 "$DIR.new/x2/usr/bin/cosign" "$DIR.new/cosign2"
install -m 0755 "$DIR.new/x3/usr/bin/cosign" "$DIR.new/cosign3"
install -m 0755 "$DIR.new/x3/usr/bin/crane" "$DIR.new/crane"
rm -rf "$DIR.new/x2" "$DIR.new/x3"
for b in cosign2 cosign3 crane; do works "$DIR.new/$b" || die "$b does not start"; done
mkdir -p "$(dirname "$DIR")"; rm -rf "$DIR"; mv "$DIR.new" "$DIR"
log "ready: $(tr '\n' ' ' < "$DIR/VERSIONS")"
echo "$DIR"
