#!/usr/bin/env bash
# scripts/man-page.sh VERSION BINARY OUT: the man page of pachca-profile, generated from the
# argument parser's own help (`--experimental-dump-help`) by swift-argument-parser's
# generate-manual tool (offline: it builds from the resolved checkout), plus the sections it
# does not write: ENVIRONMENT, EXIT STATUS (the tool's own codes) and EXAMPLES. The footer
# names the version from VERSION; the date is the last commit's.
#
# generate-manual drops every non-ASCII character ("1…366" became "1366"), so it reads the
# help through a filter that writes each one as an ASCII token, and the tokens become groff's
# \[uXXXX] escapes afterwards: the page keeps its text, whatever the reader's locale.
# Without the tool (it could not be built), the page is made, loudly, of each command's --help.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 binary=$2 out=$3
SWIFT=${SWIFT:-swift}
date=$(git log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)
authors="The pachca-profile authors"
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

# The sections generate-manual leaves out, in mdoc (its format) or man(7) (the fallback's).
extra_sections() {  # mdoc|man
  local sh=.Sh item=.It lit_on=".Bd -literal -offset indent" lit_off=.Ed list_on=".Bl -tag -width Ds" list_off=.El
  if [ "$1" = man ]; then sh=.SH item=.TP lit_on=.nf lit_off=.fi list_on="" list_off=""; fi
  it() { if [ "$1" = man ]; then printf '.TP\n%s\n' "$2"; else printf '%s %s\n' "$item" "$2"; fi; }
  echo "$sh ENVIRONMENT"
  [ -n "$list_on" ] && echo "$list_on"
  it "$1" PACHCA_TOKEN; echo "The API token (a file: --token-file; the flag --token is for one-off use)."
  it "$1" PACHCA_API_URL; echo "The API base URL (default https://api.pachca.com/api/shared/v1)."
  it "$1" PACHCA_TIMEOUT; echo "Seconds per request attempt (default 30)."
  it "$1" PACHCA_DEADLINE; echo "Seconds one call may keep retrying (default 60)."
  it "$1" PACHCA_RATE; echo "Requests per second this run may make with the token (default 45)."
  it "$1" PACHCA_LOCK_TIMEOUT; echo "Seconds a second apply of the same profile waits for the first (default 120)."
  it "$1" "https_proxy, http_proxy, all_proxy, no_proxy"; echo "Proxies, as in curl; a loopback API URL never goes through one."
  it "$1" "CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR"; echo "A private certificate authority for TLS."
  it "$1" "NO_COLOR"; echo "No color, as --no-color."
  it "$1" "TZDIR"; echo "The tz database (default /usr/share/zoneinfo)."
  [ -n "$list_off" ] && echo "$list_off"
  echo "$sh \"EXIT STATUS\""
  [ -n "$list_on" ] && echo "$list_on"
  it "$1" 0; echo "Success; plan: no changes, or changes without --detailed-exitcode."
  it "$1" 1; echo "An error: an invalid file, an API or network failure, a stale plan, a partial apply."
  it "$1" 2; echo "plan --detailed-exitcode found changes."
  it "$1" 3; echo "Authentication or authorization: no token, 401, 403, a missing scope."
  it "$1" 64; echo "A command-line usage error."
  [ -n "$list_off" ] && echo "$list_off"
  echo "$sh EXAMPLES"
  echo "$lit_on"
  cat <<'EXAMPLES'
pachca-profile validate profiles/
pachca-profile plan profiles/me.yaml
pachca-profile apply --auto-approve profiles/me.yaml
pachca-profile plan --detailed-exitcode --json profiles/team
pachca-profile plan --out plan.json profiles/me.yaml
pachca-profile apply --plan plan.json
pachca-profile timeline --days 14 profiles/schedule.yaml
pachca-emulator --port 0    # a local API to rehearse against
EXAMPLES
  echo "$lit_off"
  echo "$sh \"SEE ALSO\""
  echo "The documentation in share/doc/pachca-profile/ (README.md and docs/)."
}

# The binary as generate-manual sees it: non-ASCII characters as zzuXXXXzz tokens.
cat >"$pages/pachca-profile" <<WRAPPER
#!/bin/sh
"$binary" "\$@" | perl -CSD -pe 's/([^\\x00-\\x7F])/sprintf("zzu%04Xzz", ord(\$1))/ge'
WRAPPER
chmod +x "$pages/pachca-profile"

bin_path=$("$SWIFT" build --show-bin-path)
tool="$bin_path/generate-manual-tool"
mkdir -p "$pages/out"
if "$SWIFT" package generate-manual --help >/dev/null 2>&1 && [ -x "$tool" ] &&
   "$tool" "$pages/pachca-profile" --date "$date" --authors "$authors" -o "$pages/out" >/dev/null 2>&1 &&
   [ -f "$pages/out/pachca-profile.1" ]; then
  # The extra sections go before AUTHORS, replacing the generic `.Ex -std` exit status.
  extra_sections mdoc >"$pages/extra"
  perl -CSD -pe 's/zzu([0-9A-F]{4,6})zz/\\[u$1]/gi' "$pages/out/pachca-profile.1" |
    sed "s/^\.Os\$/.Os pachca-profile $version/" |
    awk -v extra="$pages/extra" '
      /^\.Sh "EXIT STATUS"$/ { skip = 1; next }
      skip && /^\.Sh / { skip = 0 }
      skip { next }
      /^\.Sh AUTHORS$/ { while ((getline line < extra) > 0) print line }
      { print }' >"$out"
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
    extra_sections man
  } >"$out"
fi
