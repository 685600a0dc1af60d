#!/usr/bin/env bash
# make demo: start the emulator on a free port, then plan → apply → plan an example profile.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

bin=$(swift build --show-bin-path)
profile=${DEMO_PROFILE:-profiles/vacation.yaml}
work=$(mktemp -d)
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin/pachca-emulator" --port 0 >"$work/emulator.out" 2>"$work/emulator.err" &
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
state=(--state "$work/demo.state.json")

step "pachca-profile plan $profile"
"$bin/pachca-profile" plan "${state[@]}" "$profile"
step "pachca-profile apply --auto-approve $profile"
"$bin/pachca-profile" apply --auto-approve "${state[@]}" "$profile"
step "pachca-profile plan --detailed-exitcode $profile   # second plan: nothing left to do"
"$bin/pachca-profile" plan --detailed-exitcode "${state[@]}" "$profile"
printf '\nDemo finished: the emulator at %s is stopped.\n' "$PACHCA_API_URL"
