#!/usr/bin/env bash
# scripts/man-page.sh VERSION OUT: the man page of pachca-profile, generated from the argument
# parser's own help by swift-argument-parser's GenerateManual plugin (offline: it builds from
# the resolved checkout). The debug build suffices (the help text is the same) and is already
# there after `make test`. The footer names the version from VERSION.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 out=$2
SWIFT=${SWIFT:-swift}

date=$(git log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)
if "$SWIFT" package generate-manual --configuration debug --date "$date" \
     --authors "The pachca-profile authors" >/dev/null; then
  page=$("$SWIFT" build --show-bin-path | sed 's#/[^/]*/debug$##')/plugins/GenerateManual/outputs/pachca-profile/pachca-profile.1
  [ -f "$page" ] || page=.build/plugins/GenerateManual/outputs/pachca-profile/pachca-profile.1
  sed "s/^\.Os\$/.Os pachca-profile $version/" "$page" >"$out"
else
  echo "man-page.sh: the GenerateManual plugin failed; writing the page from --help" >&2
  bin="$("$SWIFT" build --show-bin-path)/pachca-profile"
  "$SWIFT" build --product pachca-profile >/dev/null
  {
    echo ".TH PACHCA-PROFILE 1 \"$date\" \"pachca-profile $version\""
    echo ".SH NAME"
    echo "pachca-profile \\- keep a Pachca profile's status and avatar equal to a YAML file"
    subcommands=$("$bin" --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
    for sub in "" $subcommands; do
      echo ".SH ${sub:-SYNOPSIS}" | tr '[:lower:]' '[:upper:]'
      echo ".nf"
      # shellcheck disable=SC2086  # an empty $sub means the top-level help
      "$bin" $sub --help | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./'
      echo ".fi"
    done
  } >"$out"
fi
