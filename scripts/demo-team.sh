#!/usr/bin/env bash
# make demo-team: an emulator serving a workspace (scripts/demo-team-workspace.json: four named
# people and 96 generated ones), then plan → apply → plan on profiles/team/ and the group file
# profiles/groups/ (docs/teams.md, docs/shared-settings.md: Anna and Vera are tagged Backend).
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
step "pachca-profile plan profiles/team profiles/groups"
"$bin/pachca-profile" plan profiles/team profiles/groups
step "pachca-profile apply --auto-approve profiles/team profiles/groups"
"$bin/pachca-profile" apply --auto-approve profiles/team profiles/groups
step "pachca-profile plan --detailed-exitcode profiles/team profiles/groups   # second plan: nothing left to do"
"$bin/pachca-profile" plan --detailed-exitcode profiles/team profiles/groups
printf '\n%s API requests in all (the emulator journal); the emulator is stopped.\n' "$(wc -l <"$work/journal.jsonl" | tr -d ' ')"
