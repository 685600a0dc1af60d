#!/usr/bin/env bash
# make demo-team: an emulator serving a workspace (scripts/demo-team-workspace.json: four named
# people and 96 generated ones), then plan → apply → plan on profiles/team/ (docs/teams.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build --show-bin-path)
work=$(mktemp -d)
# shellcheck source=scripts/emulator.sh
. scripts/emulator.sh

# A copy, so the state records apply writes beside each file stay out of the repository.
cp -R profiles "$work/profiles"
start_emulator "$bin" "$work" --seed scripts/demo-team-workspace.json --journal "$work/journal.jsonl"

cd "$work"
step "pachca-profile plan profiles/team"
"$bin/pachca-profile" plan profiles/team
step "pachca-profile apply --auto-approve profiles/team"
"$bin/pachca-profile" apply --auto-approve profiles/team
step "pachca-profile plan --detailed-exitcode profiles/team   # second plan: nothing left to do"
"$bin/pachca-profile" plan --detailed-exitcode profiles/team
printf '\n%s API requests in all (the emulator journal); the emulator is stopped.\n' "$(wc -l <"$work/journal.jsonl" | tr -d ' ')"
