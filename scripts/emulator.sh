# shellcheck shell=bash
# Sourced by the demo scripts: start_emulator BIN_DIR WORK_DIR [ARGS...] starts pachca-emulator
# from BIN_DIR on a free loopback port with ARGS, waits for its base_url/token lines, exports
# PACHCA_API_URL and PACHCA_TOKEN, and on exit stops it and removes WORK_DIR.
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

start_emulator() {
  local bin=$1
  work=$2
  shift 2
  "$bin/pachca-emulator" --port 0 "$@" >"$work/emulator.out" 2>"$work/emulator.err" &
  emulator=$!
  trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 1 100); do
    grep -q '^token=' "$work/emulator.out" 2>/dev/null && break
    sleep 0.05
  done
  PACHCA_API_URL=$(sed -n 's/^base_url=//p' "$work/emulator.out")
  PACHCA_TOKEN=$(sed -n 's/^token=//p' "$work/emulator.out")
  [ -n "$PACHCA_API_URL" ] && [ -n "$PACHCA_TOKEN" ] || { echo "emulator did not start:"; cat "$work/emulator.err"; exit 1; }
  export PACHCA_API_URL PACHCA_TOKEN
}

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
