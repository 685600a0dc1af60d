#!/usr/bin/env bash
# make demo: start the emulator on a free port, then plan → apply → plan an example profile.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build --show-bin-path)
profile=${DEMO_PROFILE:-examples/profiles/vacation.yaml}
work=$(mktemp -d)
# shellcheck source=scripts/emulator.sh
. scripts/emulator.sh
start_emulator "$bin" "$work"

state=(--state "$work/demo.state.json")

step "pachca-profile plan $profile"
"$bin/pachca-profile" plan "${state[@]}" "$profile"
step "pachca-profile apply --auto-approve $profile"
"$bin/pachca-profile" apply --auto-approve "${state[@]}" "$profile"
step "pachca-profile plan --detailed-exitcode $profile   # second plan: nothing left to do"
"$bin/pachca-profile" plan --detailed-exitcode "${state[@]}" "$profile"
printf '\nDemo finished: the emulator at %s is stopped.\n' "$PACHCA_API_URL"
