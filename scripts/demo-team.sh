#!/usr/bin/env bash
# make demo-team: an emulator serving a workspace (scripts/demo-team-workspace.json: four named
# people and 96 generated ones), then plan → apply → plan on profiles/team/ (§9).
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

bin=$(swift build --show-bin-path)
work=$(mktemp -d)
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

# A copy, so the state records apply writes beside each file stay out of the repository.
cp -R profiles "$work/profiles"
"$bin/pachca-emulator" --port 0 --seed scripts/demo-team-workspace.json --journal "$work/journal.jsonl" \
  >"$work/emulator.out" 2>"$work/emulator.err" &
emulator=$!
for _ in $(seq 1 100); do
  grep -q '^token=' "$work/emulator.out" 2>/dev/null && break
  sleep 0.05
done
PACHCA_API_URL=$(sed -n 's/^base_url=//p' "$work/emulator.out")
PACHCA_TOKEN=$(sed -n 's/^token=//p' "$work/emulator.out")
[ -n "$PACHCA_API_URL" ] && [ -n "$PACHCA_TOKEN" ] || { echo "emulator did not start:"; cat "$work/emulator.err"; exit 1; }
export PACHCA_API_URL PACHCA_TOKEN

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
cd "$work"
step "pachca-profile plan profiles/team"
"$bin/pachca-profile" plan profiles/team
step "pachca-profile apply --auto-approve profiles/team"
"$bin/pachca-profile" apply --auto-approve profiles/team
step "pachca-profile plan --detailed-exitcode profiles/team   # second plan: nothing left to do"
"$bin/pachca-profile" plan --detailed-exitcode profiles/team
printf '\n%s API requests in all (the emulator journal); the emulator is stopped.\n' "$(wc -l <"$work/journal.jsonl" | tr -d ' ')"
