#!/bin/bash
# get-skopeo.sh - unpack a sigstore-capable skopeo from Debian 13 (trixie) into a cache directory,
# without installing anything system-wide. Used by the integration tests (tests/integration) as an
# independent verifier of cosign-cpp's signatures.
#
#   scripts/get-skopeo.sh [DIR]
#
# Why: Debian 12's skopeo 1.9.3 is built against golang-github-containers-image 5.23.1 carrying
# debian/patches "disable-sigstore": both signing (--sign-by-sigstore-private-key) and sigstoreSigned
# policy checks fail with "Debian-local change: sigstore disabled". Debian 13 ships skopeo 1.18
# (containers/image 5.34) with sigstore enabled, but it needs glibc >= 2.38, so this script also
# unpacks trixie's libc6 and the few libraries skopeo links against, and writes DIR/skopeo, a wrapper
# that starts the binary through trixie's dynamic loader.
#
# DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/skopeo. If DIR/skopeo already exists
# and runs, the script prints its path and exits at once (no network).
# The last line on stdout is the wrapper path.
# Afterwards:   export SKOPEO=DIR/skopeo
# To remove:    rm -rf DIR
#
# Environment:
#   DEBIAN_MIRROR   (default: the Debian mirror this machine's apt configuration already uses)
#   DEBIAN_SUITE    (default trixie)
# Uses apt-get with a private sources list, lists and cache in a temporary directory (removed on
# exit); nothing under /etc or /var is changed and no root is needed.
set -euo pipefail

log() { echo "get-skopeo.sh: $*" >&2; }
die() { log "$*"; exit 1; }

case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2 ;; esac
DIR=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/cosign-cpp/skopeo}

# Fast path: already unpacked and working.
if [ -x "$DIR/skopeo" ] && "$DIR/skopeo" --version >/dev/null 2>&1; then
  echo "$DIR/skopeo"
  exit 0
fi
SUITE=${DEBIAN_SUITE:-trixie}
PACKAGES=(skopeo libc6 libgpgme11t64 libassuan9 libgpg-error0 libsqlite3-0)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/get-sigstore-skopeo.XXXXXX")
trap 'rm -rf "$WORK" "$DIR.new"' EXIT
# shellcheck source=scripts/lib/private-apt.sh
. "$(dirname "$0")/lib/private-apt.sh"
private_apt_init "$WORK"
mkdir -p "$WORK/debs"
private_apt_source deb "$SUITE"
log "reading the $SUITE package index from $MIRROR"
private_apt_update
log "downloading ${PACKAGES[*]}"
(cd "$WORK/debs" && apt-get "${APT_OPTS[@]}" -q download "${PACKAGES[@]}") >>"$WORK/apt.log" 2>&1 \
  || { cat "$WORK/apt.log" >&2; die "apt-get download failed"; }

rm -rf "$DIR.new"
mkdir -p "$DIR.new/root"
for deb in "$WORK"/debs/*.deb; do
  dpkg-deb -x "$deb" "$DIR.new/root"
  # shellcheck disable=SC2016 # dpkg-deb expands ${Package}, not the shell
  dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >> "$DIR.new/VERSIONS"
done
LOADER=$( (cd "$DIR.new/root" && find usr lib* -name 'ld-linux*.so.*' -type f 2>/dev/null | sort | head -n1) || true)
[ -n "$LOADER" ] || die "no dynamic loader found in the unpacked libc6"
LIBDIR=$(dirname "$LOADER")
if grep -qa 'Debian-local change: sigstore disabled' "$DIR.new/root/usr/bin/skopeo"; then
  die "the $SUITE skopeo also has sigstore disabled; nothing gained"
fi
cat > "$DIR.new/skopeo" <<EOF
#!/bin/sh
# Runs Debian $SUITE's skopeo with its own glibc (unpacked by get-skopeo.sh).
here=\$(dirname "\$(readlink -f "\$0")")
exec "\$here/root/$LOADER" --library-path "\$here/root/$LIBDIR" "\$here/root/usr/bin/skopeo" "\$@"
EOF
chmod +x "$DIR.new/skopeo"
"$DIR.new/skopeo" --version >/dev/null 2>"$WORK/version.err" || { cat "$WORK/version.err" >&2; die "the unpacked skopeo does not start"; }
mkdir -p "$(dirname "$DIR")"
rm -rf "$DIR"
mv "$DIR.new" "$DIR"
log "$("$DIR/skopeo" --version) ready; use: export SKOPEO=$DIR/skopeo"
echo "$DIR/skopeo"
