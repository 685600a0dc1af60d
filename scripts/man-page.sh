#!/usr/bin/env bash
# scripts/man-page.sh VERSION BINARY OUT: the man page of pachca-profile, generated from the
# argument parser's own help (`--experimental-dump-help`) by swift-argument-parser's
# generate-manual tool (offline: it builds from the resolved checkout). The footer names the
# version from VERSION; the date is the last commit's.
#  1. `swift package generate-manual --help` builds only the tool; run it on BINARY.
#  2. Else the GenerateManual plugin itself (it builds the whole package in debug first).
#  3. Else, loudly, a plain page made of each command's --help.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 binary=$2 out=$3
SWIFT=${SWIFT:-swift}
date=$(git log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)
authors="The pachca-profile authors"
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
with_version() { sed "s/^\.Os\$/.Os pachca-profile $version/" "$1" >"$out"; }

bin_path=$("$SWIFT" build --show-bin-path)
tool="$bin_path/generate-manual-tool"
if "$SWIFT" package generate-manual --help >/dev/null 2>&1 && [ -x "$tool" ] &&
   "$tool" "$binary" --date "$date" --authors "$authors" -o "$pages" >/dev/null 2>&1 &&
   [ -f "$pages/pachca-profile.1" ]; then
  with_version "$pages/pachca-profile.1"
elif "$SWIFT" package generate-manual --configuration debug --date "$date" --authors "$authors" >/dev/null &&
     page=$(dirname "$(dirname "$bin_path")")/plugins/GenerateManual/outputs/pachca-profile/pachca-profile.1 &&
     [ -f "$page" ]; then
  with_version "$page"
else
  echo "man-page.sh: WARNING: swift-argument-parser's generate-manual failed; writing the page from --help" >&2
  subcommands=$("$binary" --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
  {
    echo ".TH PACHCA-PROFILE 1 \"$date\" \"pachca-profile $version\""
    echo ".SH NAME"
    echo "pachca-profile \\- keep a Pachca profile's status and avatar equal to a YAML file"
    for sub in "" $subcommands; do
      echo ".SH ${sub:-SYNOPSIS}" | tr '[:lower:]' '[:upper:]'
      echo ".nf"
      # shellcheck disable=SC2086  # an empty $sub means the top-level help
      "$binary" $sub --help | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./'
      echo ".fi"
    done
  } >"$out"
fi
