#!/usr/bin/env bash
# The script a user would write instead of `pachca-profile plan`, for the status only:
# two GETs (profile, status) and a field-by-field comparison with the desired status.
#
#   curl-plan-baseline.sh DESIRED.json      # {"emoji":…,"title":…,"is_away":…,"away_message":…,"expires_at":…}
#
# Reads PACHCA_API_URL and PACHCA_TOKEN. Exit 0: in sync, 2: differs, 1: error.
# BASELINE_PARALLEL=1 runs the two GETs concurrently (the fairer opponent: plan does too).
# BASELINE_JSON_TOOL=python3 compares with python3 where jq is not installed.
set -euo pipefail
desired=${1:?usage: curl-plan-baseline.sh DESIRED.json}
api=${PACHCA_API_URL:?set PACHCA_API_URL}
: "${PACHCA_TOKEN:?set PACHCA_TOKEN}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

get() { # PATH OUTFILE — the token goes in a header read from stdin, never on the command line
  printf 'header = "Authorization: Bearer %s"\n' "$PACHCA_TOKEN" |
    curl --silent --show-error --fail --config - "${api%/}$1" -o "$2"
}

if [ "${BASELINE_PARALLEL:-0}" = 1 ]; then
  get /profile "$tmp/profile.json" & p1=$!
  get /profile/status "$tmp/status.json" & p2=$!
  wait "$p1"; wait "$p2"
else
  get /profile "$tmp/profile.json"
  get /profile/status "$tmp/status.json"
fi

if [ "${BASELINE_JSON_TOOL:-jq}" = jq ]; then
  # Live status (bare null when none; away_message is {"text":…}) against the desired one.
  jq -r -n --slurpfile p "$tmp/profile.json" --slurpfile s "$tmp/status.json" --slurpfile d "$desired" '
    ($s[0] | if . == null then null else .data end) as $live
    | ($live | if . == null then null else
        {emoji, title, is_away, away_message: (.away_message.text // null), expires_at} end) as $l
    | $d[0] as $want
    | "Profile: \($p[0].data.first_name) \($p[0].data.last_name) (@\($p[0].data.nickname))",
      (if $l == $want then "No changes."
       elif $l == null then "+ status"
       else ($want | keys[] as $k | select($l[$k] != $want[$k]) | "~ status.\($k): \($l[$k]) → \($want[$k])")
       end)' >"$tmp/out"
else
  python3 - "$tmp/profile.json" "$tmp/status.json" "$desired" >"$tmp/out" <<'PY'
import json, sys
p, s, want = (json.load(open(f)) for f in sys.argv[1:4])
live = None if s is None else s["data"]
if live is not None:
    live = {k: live.get(k) for k in ("emoji", "title", "is_away", "expires_at")} | {
        "away_message": (live.get("away_message") or {}).get("text")}
d = p["data"]
print(f"Profile: {d['first_name']} {d['last_name']} (@{d['nickname']})")
if live == want: print("No changes.")
elif live is None: print("+ status")
else:
    for k in sorted(want):
        if live.get(k) != want[k]: print(f"~ status.{k}: {live.get(k)} → {want[k]}")
PY
fi
cat "$tmp/out"
grep -qx 'No changes.' "$tmp/out" || exit 2
