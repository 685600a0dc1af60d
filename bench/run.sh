#!/usr/bin/env bash
# make bench: build release binaries, start the emulator with an injected per-request latency,
# time plan/apply/validate and a curl + jq baseline, print the table and write it to BENCHMARKS.md.
#
#   bench/run.sh [--latency-ms N] [--runs N]
#   env: BENCH_LATENCY_MS (50), BENCH_RUNS (15), BENCH_SCRATCH (.build), BENCH_OUT (BENCHMARKS.md),
#        BENCH_SKIP_BUILD=1 (use what is already built)
# Needs swift, curl, python3 (standard library only) and a C compiler for bench/spawn.c (optional); jq is used when present (installed with
# apt-get when running as root), otherwise the baseline compares with python3 and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
t_begin=$(date +%s)
latency=${BENCH_LATENCY_MS:-50}
runs=${BENCH_RUNS:-15}
scratch=${BENCH_SCRATCH:-.build}
while [ $# -gt 0 ]; do
  case "$1" in
    --latency-ms) latency=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--latency-ms N] [--runs N]" >&2; exit 64 ;;
  esac
done
# curl would otherwise send loopback traffic to a proxy (pachca-profile never does).
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

command_line="make bench"
[ "$latency" != 50 ] || [ "$runs" != 15 ] && command_line="BENCH_LATENCY_MS=$latency BENCH_RUNS=$runs make bench"

# The shipped build (make release, scripts/release-build.sh): Swift stdlib and FoundationEssentials
# linked statically, which halves start-up time (the dynamic linker dominated it), and the link
# shaped for peak RSS. The CCurl target needs libcurl4-openssl-dev for any build; .ci/run installs it.
build_s=""
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "bench: scripts/release-build.sh --scratch-path $scratch" >&2
  t0=$(date +%s)
  ./scripts/release-build.sh --scratch-path "$scratch" >&2
  build_s=$(( $(date +%s) - t0 ))
fi
bin=$(./scripts/release-build.sh --scratch-path "$scratch" --show-bin-path)
[ -x "$bin/pachca-profile" ] && [ -x "$bin/pachca-emulator" ] || { echo "bench: no release binaries in $bin" >&2; exit 1; }

json_tool=jq
if ! command -v jq >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing jq (apt-get)" >&2
    { apt-get install -y -qq jq || { apt-get update -qq && apt-get install -y -qq jq; }; } >/dev/null 2>&1 || true
  fi
  command -v jq >/dev/null || { json_tool=python3; echo "bench: jq not available; the baseline compares with python3" >&2; }
fi

work=$(mktemp -d)
emulator=""
cleanup() {
  if [ -n "$emulator" ]; then kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# No rate limit: the bench issues requests faster than the default 50/s a real token allows.
"$bin/pachca-emulator" --port 0 --latency-ms "$latency" --rate-limit 0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator=$!
for _ in $(seq 1 200); do
  grep -q '^token=' "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emulator" 2>/dev/null || break
  sleep 0.05
done
api=$(sed -n 's/^base_url=//p' "$work/emulator.out")
token=$(sed -n 's/^token=//p' "$work/emulator.out")
[ -n "$api" ] && [ -n "$token" ] || { echo "bench: emulator did not start:" >&2; cat "$work/emulator.err" >&2; exit 1; }

# Timing + peak RSS: a tiny C launcher (Python's own RSS would otherwise leak into its children's
# ru_maxrss), else GNU time for the RSS, else Python alone (RSS then an upper bound; said in the table).
measure=()
if "${CC:-cc}" -O2 -o "$work/spawn" bench/spawn.c 2>/dev/null || clang -O2 -o "$work/spawn" bench/spawn.c 2>/dev/null; then
  measure=(--spawn "$work/spawn")
elif /usr/bin/time -f %M true 2>/dev/null; then
  measure=(--gnu-time /usr/bin/time)
fi

mkdir -p "$work/cases"
python3 bench/bench.py --bin "$bin" --api "$api" --token "$token" --latency-ms "$latency" --runs "$runs" \
  --work "$work/cases" --repo "$PWD" --out "${BENCH_OUT:-BENCHMARKS.md}" --command "$command_line" \
  --json-tool "$json_tool" ${build_s:+--build-seconds "$build_s"} "${measure[@]}" || {
  rc=$?
  kill -0 "$emulator" 2>/dev/null || { echo "bench: the emulator exited; its stderr:" >&2; tail -20 "$work/emulator.err" >&2; }
  exit "$rc"
}
# Teams (docs/teams.md): its own emulators with the 50/s limit on; replaces its section of BENCHMARKS.md.
python3 bench/team.py --bin "$bin" --out "${BENCH_OUT:-BENCHMARKS.md}" >&2
echo "bench: done in $(( $(date +%s) - t_begin )) s" >&2
