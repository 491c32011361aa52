#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cosign-cpp's help (issue 10, "a CLI that explains itself"): `CMD --help`, `CMD -h` and
# `help CMD` exit 0 and print the same text: cosign's Usage line, Examples, every flag with a
# description and its default, and the cosign flags this build does not support. Compared with
# cosign 2.5's own --help for the same command: every cosign flag is either listed or named as not
# supported (and then really refused), shorthands and defaults agree, and a flag cosign 2.5 does
# not have says where it comes from. No registry needed.
. "$(dirname "$0")/lib.sh"
find_cosign_cpp
find_cosign_tools
isolate_env
cd "$WORK"

# flags_of FILE: "name shorthand default" for each flag of a help text's Flags: block (either tool).
flags_of() {
  awk '/^Flags:$/ { f = 1; next } /^(Global Flags|Not supported in this build)/ { f = 0 }
       f && /^    (-[a-zA-Z], )?--[a-z0-9-]+=/ {
         line = $0; sub(/^    /, "", line); short = "-"
         if (line ~ /^-[a-zA-Z], /) { short = substr(line, 2, 1); line = substr(line, 5) }
         name = line; sub(/^--/, "", name); sub(/=.*/, "", name)
         def = line; sub(/^--[a-z0-9-]+=/, "", def); sub(/:$/, "", def); gsub(/\047/, "", def)
         print name, short, (def == "" ? "\"\"" : def) }' "$1"
}
# descriptions_ok FILE: every flag line of the Flags: block is followed by a non-empty "\t" line.
descriptions_missing() {
  awk '/^Flags:$/ { f = 1; next } /^(Global Flags|Not supported in this build)/ { f = 0 }
       f && want { if ($0 !~ /^\t[^ \t]/) print name; want = 0; next }
       f && /^    (-[a-zA-Z], )?--[a-z0-9-]+=/ { name = $0; want = 1 }' "$1"
}
# description_of FILE NAME: the description line of --NAME in FILE's Flags: block.
description_of() {
  awk -v n="$2" '/^    (-[a-zA-Z], )?--[a-z0-9-]+=/ { hit = ($0 ~ ("^    (-[a-zA-Z], )?--" n "=")); next }
                 hit { sub(/^\t/, ""); print; exit }' "$1"
}
# unsupported_of FILE: the names in the "Not supported in this build" paragraph, one per line.
unsupported_of() {
  sed -n '/^Not supported in this build/,$p' "$1" | tail -n +2 | grep -o -- '--[a-z0-9=-]*' | sed 's/^--//' || true
}
# cosign_flags_of FILE: cosign's flags (its Flags: block and its Global Flags), "name shorthand".
cosign_all_flags() {
  flags_of "$1" | awk '{ print $1, $2 }'
  sed -n '/^Global Flags:/,$p' "$1" | sed -n 's/^ *\(-\([a-z]\), \)\{0,1\}--\([a-z0-9-]*\).*/\3 \2/p' \
    | awk '{ print $1, ($2 == "" ? "-" : $2) }'
}

say "== root help"
run_cmd root "$COSIGN_CPP" --help
check_eq "cosign-cpp --help exits 0" 0 "$RC"
cp "$OUT" root.txt
run_cmd roothelp "$COSIGN_CPP" help
check_eq "cosign-cpp help exits 0" 0 "$RC"
check_file_eq "cosign-cpp help prints what --help prints" root.txt "$OUT"
run_cmd c2root "$COSIGN2" --help
awk '/^Available Commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }' "$OUT" > cosign-commands.txt
[ -s cosign-commands.txt ] || die "no commands found in cosign 2.5's --help"
awk '/^Available Commands:/ { f = 1; next } /^$/ { f = 0 } f { print $1 }' root.txt > our-commands.txt
sed -n '/^Not supported in this build (cosign commands)/,/^Not supported in this build (cosign global/p' root.txt \
  | sed '1d;$d' | tr ',' '\n' | tr -d ' ' | grep . > our-missing-commands.txt || true
while read -r c; do
  grep -qx -- "$c" our-commands.txt our-missing-commands.txt || die "cosign 2.5's command '$c' is neither listed nor named as not supported"
done < cosign-commands.txt
pass "each of cosign 2.5's $(wc -l < cosign-commands.txt) commands is listed or named as not supported"
while read -r c; do
  # pkcs11-tool is cosign's too, in builds with PKCS#11 support (Debian's cosign 2.5 has none).
  [ "$c" = pkcs11-tool ] && continue
  grep -qx -- "$c" cosign-commands.txt || die "root help lists '$c', which cosign 2.5 does not have"
done < our-commands.txt
pass "the root help lists no command cosign 2.5 lacks ($(wc -l < our-commands.txt) commands)"
while read -r c; do
  run_cmd unknown "$COSIGN_CPP" "$c"
  [ "$RC" -ne 0 ] || die "cosign-cpp $c (named as not supported) exited 0"
  grep -qF "unknown command \"$c\"" "$ERR" || { show stderr "$ERR"; die "cosign-cpp $c: no 'unknown command' error"; }
done < our-missing-commands.txt
pass "each command named as not supported is refused as an unknown command"

say "== attach (a group)"
run_cmd attach "$COSIGN_CPP" attach --help
check_eq "cosign-cpp attach --help exits 0" 0 "$RC"
check_contains "  lists attach signature" "$OUT" "signature Attach signatures to the supplied container image"
check_contains "  names attestation and sbom as not supported" "$OUT" "    attestation, sbom"
check_contains "  says how to get a subcommand's help" "$OUT" 'Use "cosign-cpp attach [command] --help"'

# The commands and their cosign-cpp additions: flags cosign 2.5 lacks must say where they come from.
COMMANDS=(generate-key-pair public-key import-key-pair sign verify generate triangulate "attach signature"
          clean sign-blob verify-blob initialize version)
# Defaults that differ from cosign on purpose ("command:flag" words): none today.
DEFAULT_DIFFERS=""
for cmd in "${COMMANDS[@]}"; do
  say "== $cmd"
  tag=${cmd// /_}
  read -r -a words <<< "$cmd"
  run_cmd "help-$tag" "$COSIGN_CPP" "${words[@]}" --help
  check_eq "cosign-cpp $cmd --help exits 0" 0 "$RC"
  h=$WORK/help-$tag.out
  [ -s "$h" ] || die "cosign-cpp $cmd --help printed nothing on standard output"
  run_cmd "h-$tag" "$COSIGN_CPP" "${words[@]}" -h
  check_file_eq "  -h prints the same" "$h" "$OUT"
  run_cmd "hh-$tag" "$COSIGN_CPP" help "${words[@]}"
  check_file_eq "  help $cmd prints the same" "$h" "$OUT"
  check_eq "  the Usage line is cosign's, for cosign-cpp" "cosign-cpp $cmd [flags]" "$(sed -n '/^Usage:$/{n;p;q}' "$h")"

  run_cmd "c2-$tag" "$COSIGN2" "${words[@]}" --help
  [ "$RC" -eq 0 ] || die "cosign 2.5 $cmd --help exited $RC"
  c=$WORK/c2-$tag.out
  if grep -q '^Examples:$' "$c"; then
    check_contains "  an Examples block, as cosign's" "$h" "Examples:"
    n=$(sed -n '/^Examples:$/,/^Flags:$/p' "$h" | grep -c "cosign-cpp $cmd" || true)
    [ "$n" -ge 1 ] || die "cosign-cpp $cmd --help: no example runs cosign-cpp $cmd"
    pass "  $n example lines run cosign-cpp $cmd"
    # Each example comment of cosign's is there (ours may add "(not supported in this build)").
    while IFS= read -r line; do
      grep -qF -- "$line" "$h" || die "cosign-cpp $cmd --help lacks cosign's example comment: $line"
    done < <(sed -n '/^Examples:$/,/^Flags:$/p' "$c" | grep -E '^[[:space:]]*# ' | sed 's/^[[:space:]]*//; s/:$//')
    pass "  every example comment of cosign 2.5's $cmd --help is there"
  fi

  flags_of "$h" > ours.txt
  [ -s ours.txt ] || die "cosign-cpp $cmd --help lists no flags"
  missing=$(descriptions_missing "$h")
  [ -z "$missing" ] || die "cosign-cpp $cmd --help: flags without a description: $missing"
  pass "  $(wc -l < ours.txt) flags listed, each with a description"
  grep -q '^help h false$' ours.txt || die "cosign-cpp $cmd --help does not list -h, --help"
  grep -q '^Not supported in this build' "$h" || die "cosign-cpp $cmd --help has no 'Not supported in this build' list"
  unsupported_of "$h" > unsupported.txt
  pass "  a 'Not supported in this build' list of $(wc -l < unsupported.txt) flags"

  cosign_all_flags "$c" > cosign.txt
  [ -s cosign.txt ] || die "no flags found in cosign 2.5's $cmd --help"
  # Every cosign flag: listed (with cosign's shorthand and, but for known cases, its default) or
  # named as not supported.
  while read -r name short; do
    if grep -q "^$name " ours.txt; then
      ours_short=$(awk -v n="$name" '$1 == n { print $2 }' ours.txt)
      [ "$short" = - ] || [ "$short" = "$ours_short" ] || die "$cmd --$name: shorthand -$ours_short, cosign's is -$short"
    elif ! grep -qx -- "$name" unsupported.txt; then
      die "cosign 2.5's $cmd --$name is neither listed nor named as not supported"
    fi
  done < cosign.txt
  pass "  each of cosign 2.5's $(wc -l < cosign.txt) flags is listed (same shorthand) or named as not supported"
  flags_of "$c" > cosign-defaults.txt
  while read -r name short def; do
    ours_def=$(awk -v n="$name" '$1 == n { print $3 }' ours.txt)
    [ -n "$ours_def" ] || continue
    case " $DEFAULT_DIFFERS " in *" $cmd:$name "*) continue ;; esac
    [ "$def" = "$ours_def" ] || die "$cmd --$name: default $ours_def, cosign 2.5's is $def"
  done < cosign-defaults.txt
  pass "  defaults agree with cosign 2.5's"
  # Every flag of ours that cosign 2.5 lacks says where it comes from.
  while read -r name short def; do
    grep -q "^$name " cosign.txt && continue
    desc=$(description_of "$h" "$name")
    case "$desc" in
      *"cosign-cpp addition"*|*"cosign 3 flag"*) ;;
      *) die "$cmd --$name is not a cosign 2.5 flag and its description does not say where it comes from: $desc" ;;
    esac
  done < ours.txt
  pass "  flags cosign 2.5 lacks are marked as cosign-cpp additions or cosign 3 flags"
  # The "not supported" ones are refused: unknown flags as pflag words it, boolean ones when true.
  while read -r u; do
    name=${u%%=*}
    if [ "$u" = "$name" ] && grep -q "^$name " ours.txt; then
      continue  # a value flag accepted and refused later (its description says so); checked below
    fi
    if [ "$u" != "$name" ]; then
      grep -q "^$name " ours.txt || die "$cmd: --$u is named as not supported but --$name is not listed"
      continue
    fi
    run_cmd "refuse-$tag-$name" "$COSIGN_CPP" "${words[@]}" "--$name=x"
    [ "$RC" -ne 0 ] || die "cosign-cpp $cmd --$name=x exited 0 (named as not supported)"
    grep -qF "unknown flag: --$name" "$ERR" || { show stderr "$ERR"; die "cosign-cpp $cmd --$name: not refused as unknown"; }
  done < unsupported.txt
  pass "  each flag named as not supported and not listed is refused as an unknown flag"
  while read -r name short def; do
    desc=$(description_of "$h" "$name")
    if grep -qx -- "$name" unsupported.txt || grep -qx -- "$name=true" unsupported.txt; then
      case "$desc" in *"not supported in this build"*|*"Not supported in this build"*) ;;
        *) die "$cmd --$name is named as not supported but its description does not say so: $desc" ;; esac
    fi
  done < ours.txt
  pass "  listed flags named as not supported say so in their description"
done

say "== refusals the help announces"
run_cmd k8s "$COSIGN_CPP" triangulate --k8s-keychain example.com/app:1
check_eq "triangulate --k8s-keychain exits 1" 1 "$RC"
check_contains "  and says why" "$ERR" "--k8s-keychain is not supported in this build"
run_cmd helpval "$COSIGN_CPP" sign --key cosign.key -- --help
check_eq "sign -- --help is an image argument, not a help request (exit 1)" 1 "$RC"
run_cmd helpfalse "$COSIGN_CPP" sign --help=false
check_eq "sign --help=false runs the command, as cosign (exit 1: no image)" 1 "$RC"
check_contains "  which then asks for an image" "$ERR" "sign requires at least one image reference"
run_cmd topic "$COSIGN_CPP" help no-such-command
check_eq "help no-such-command exits 1" 1 "$RC"
check_contains "  and says so" "$ERR" 'Unknown help topic [`no-such-command`]'

finish
