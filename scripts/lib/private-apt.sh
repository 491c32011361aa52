# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# private-apt.sh: apt-get against Debian suites of our choosing, with a private sources list,
# lists and cache in a work directory: no root needed, nothing under /etc or /var changed.
# Sourced by scripts/get-cosign.sh, scripts/get-skopeo.sh and bench/sizes-minimal.sh; the caller
# defines die().
#
#   private_apt_init WORK        MIRROR (from $DEBIAN_MIRROR or the machine's apt configuration),
#                                KEYRING, ARCH, the directories, and APT_OPTS for apt-get/apt-cache
#   private_apt_source TYPE SUITE  adds "deb" or "deb-src" SUITE main to the private list
#   private_apt_update           apt-get update, its log in $WORK/apt.log

# The machine's own Debian mirror, as its apt configuration names it (security suites left out).
private_apt_default_mirror() {
  local u
  u=$(grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  [ -n "$u" ] || u=$(grep -h -E '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)
  printf '%s' "$u"
}

private_apt_init() {
  PRIVATE_APT_WORK=$1
  MIRROR=${DEBIAN_MIRROR:-$(private_apt_default_mirror)}
  [ -n "$MIRROR" ] || die "no Debian mirror found in the apt configuration; set DEBIAN_MIRROR"
  KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
  local c
  for c in apt-get apt-cache dpkg-deb; do command -v "$c" >/dev/null || die "$c not found"; done
  [ -r "$KEYRING" ] || die "$KEYRING missing (apt-get install debian-archive-keyring)"
  ARCH=$(dpkg --print-architecture)
  mkdir -p "$PRIVATE_APT_WORK/parts" "$PRIVATE_APT_WORK/lists/partial" "$PRIVATE_APT_WORK/cache/archives/partial"
  APT_OPTS=(
    -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::Etc::SourceParts=$PRIVATE_APT_WORK/parts"
    -o "Dir::State::Lists=$PRIVATE_APT_WORK/lists"
    -o "Dir::Cache=$PRIVATE_APT_WORK/cache"
    -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=$(id -un)"
  )
}

private_apt_source() {
  local type=$1 suite=$2
  cat > "$PRIVATE_APT_WORK/parts/$suite-$type.sources" <<EOT
Types: $type
URIs: $MIRROR
Suites: $suite
Components: main
Architectures: $ARCH
Signed-By: $KEYRING
EOT
}

private_apt_update() {
  apt-get "${APT_OPTS[@]}" -q update >"$PRIVATE_APT_WORK/apt.log" 2>&1 ||
    { cat "$PRIVATE_APT_WORK/apt.log" >&2; die "apt-get update failed"; }
}
