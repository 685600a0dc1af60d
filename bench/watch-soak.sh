#!/usr/bin/env bash
# The watch soak (BENCHMARKS.md "watch"): pachca-profile watch against the emulator on the
# real clock for MINUTES minutes (default 10), with a 1-minute window every 2 minutes. Prints,
# from the emulator's journal, how late each window change was written after its start, and
# from /proc, the process's CPU time and RSS after the 1st minute and at the end, and what
# its metrics server (--metrics-listen) answers.
#
#   bench/watch-soak.sh BIN_DIR [MINUTES]     (BIN_DIR holds pachca-profile and pachca-emulator)
set -euo pipefail
bin=${1:?usage: bench/watch-soak.sh BIN_DIR [MINUTES]}
minutes=${2:-10}
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$bin/pachca-emulator" --port 0 --rate-limit 0 --journal "$work/journal.jsonl" >"$work/emulator.out" 2>"$work/emulator.err" &
pids+=($!)
for _ in $(seq 1 200); do grep -q '^token=' "$work/emulator.out" 2>/dev/null && break; sleep 0.05; done
api=$(sed -n 's/^base_url=//p' "$work/emulator.out")
token=$(sed -n 's/^token=//p' "$work/emulator.out")

# Windows [start, start + 60 s) every 120 s, the first 60 s after launch (whole seconds).
python3 - "$work/me.yaml" "$minutes" <<'PY'
import sys, time, datetime
path, minutes = sys.argv[1], int(sys.argv[2])
t0 = int(time.time()) + 60
def iso(t): return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
lines = ['status: {emoji: "💻", title: "Working"}', "schedule:"]
for i in range(minutes // 2):
    s = t0 + 120 * i
    lines += [f"  - name: w{i}", f"    from: {iso(s)}", f"    until: {iso(s + 60)}",
              f'    status: {{emoji: "🗣️", title: "Window {i}"}}']
open(path, "w").write("\n".join(lines) + "\n")
open(path + ".starts", "w").write("\n".join(str(t0 + 120 * i + d) for i in range(minutes // 2) for d in (0, 60)) + "\n")
PY

cd "$work"
PACHCA_API_URL=$api PACHCA_TOKEN=$token "$bin/pachca-profile" watch --interval 5m --metrics-file watch.prom --metrics-listen 127.0.0.1:0 me.yaml \
  >watch.out 2>watch.err &
watch=$!
pids+=("$watch")
sample() {  # label: utime+stime (clock ticks) and VmRSS of the watch process
  local ticks rss
  ticks=$(awk '{print $14 + $15}' "/proc/$watch/stat")
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$watch/status")
  echo "$1 cpu_ticks=$ticks rss_kb=$rss"
}
sleep 60; first=$(sample "after 1 min")
helper=$(pgrep -P "$watch" || true)
metrics_url=$(sed -n 's/.*metrics at \(http[^ ]*\).*/\1/p' watch.err)
sleep $(( (minutes - 1) * 60 )); last=$(sample "after $minutes min")
echo "$first"; echo "$last"
[ -n "$helper" ] && echo "pachca-profile-metrics rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$helper/status")"
[ -n "$metrics_url" ] && echo "GET /metrics: $(curl -s "$metrics_url" | grep -c '^pachca_profile_') samples; /healthz: $(curl -s "${metrics_url%/metrics}/healthz")"
hz=$(getconf CLK_TCK)
python3 - "$first" "$last" "$hz" "$minutes" <<'PY'
import sys
a, b, hz, minutes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
f = lambda s, k: int(s.split(k + "=")[1].split()[0])
cpu = (f(b, "cpu_ticks") - f(a, "cpu_ticks")) / hz
print(f"cpu between minute 1 and {minutes}: {cpu:.2f} s of {(minutes - 1) * 60} s = {100 * cpu / ((minutes - 1) * 60):.3f} %")
print(f"rss: {f(a, 'rss_kb') / 1024:.1f} MB -> {f(b, 'rss_kb') / 1024:.1f} MB")
PY
python3 - journal.jsonl me.yaml.starts <<'PY'
import sys, json, datetime
starts = [int(x) for x in open(sys.argv[2]).read().split()]
puts = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["method"] == "PUT" and e.get("api_path") == "/profile/status":
        t = datetime.datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
        puts.append(t)
lates = []
for s in starts:
    after = [p - s for p in puts if p >= s - 0.001]
    if after and after[0] < 60: lates.append(after[0])
    else: print(f"change at {s}: NOT applied")
print(f"window changes applied: {len(lates)} of {len(starts)}; late by max {max(lates):.3f} s, median {sorted(lates)[len(lates)//2]:.3f} s")
PY
echo "cycles: $(grep -c ' cycle ' watch.err)"
kill -TERM "$watch"; wait "$watch"; echo "exit after SIGTERM: $?"
