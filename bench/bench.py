#!/usr/bin/env python3
"""The measuring half of `make bench` (bench/run.sh builds and starts the emulator).

Each case runs once untimed (warm-up; its API requests are counted from the emulator's
journal), then RUNS times timed: wall time with time.perf_counter around fork+exec+wait,
peak RSS from os.wait4's rusage (ru_maxrss of the child and everything it waited for, so a
shell script's curl and jq count too). Live state is reset through /__emulator/ before each
`apply` so every repetition has the same work to do. Standard library only.
"""
import argparse
import base64
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--api", required=True)
p.add_argument("--token", required=True)
p.add_argument("--latency-ms", type=int, required=True)
p.add_argument("--runs", type=int, default=15)
p.add_argument("--work", required=True)
p.add_argument("--repo", required=True)
p.add_argument("--out", default="BENCHMARKS.md")
p.add_argument("--command", default="make bench")
p.add_argument("--json-tool", default="jq")
p.add_argument("--build-seconds", type=float, default=None)
p.add_argument("--spawn", default=None, help="bench/spawn.c, compiled: times the command and reads its peak RSS")
p.add_argument("--gnu-time", default=None, help="/usr/bin/time (GNU), for peak RSS when there is no C compiler")
args = p.parse_args()

BIN = os.path.join(args.bin, "pachca-profile")
BASELINE = os.path.join(args.repo, "bench", "curl-plan-baseline.sh")
ORIGIN = args.api.split("/api/")[0]
LAT = args.latency_ms
W = args.work
ENV = dict(os.environ, PACHCA_API_URL=args.api, PACHCA_TOKEN=args.token, NO_COLOR="1",
           NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
           BASELINE_JSON_TOOL=args.json_tool)
for k in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "PACHCA_TIMEOUT"):
    ENV.pop(k, None)
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy


def control(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{ORIGIN}/__emulator/{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with _opener.open(req, timeout=10) as r:
        raw = r.read()
    return json.loads(raw) if raw else None


def run_once(argv):
    """(seconds, peak RSS KiB, exit code, output tail). See bench/spawn.c for why a launcher."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as res:
        if args.spawn:
            full = [args.spawn, res.name, *argv]
        elif args.gnu_time:
            full = [args.gnu_time, "-q", "-f", "%M", "-o", res.name, *argv]
        else:
            full = argv
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=ENV, cwd=W)
        _, status, ru = os.wait4(proc.pid, 0)
        dt = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        kb = ru.ru_maxrss  # fallback only: includes this Python's own RSS (a floor of ~15-25 MB)
        fields = res.read().split()
        if args.spawn and len(fields) == 2:
            dt, kb = int(fields[0]) / 1e9, int(fields[1])
        elif args.gnu_time and fields:
            kb = int(fields[-1])
        out.seek(0)
        text = out.read().decode(errors="replace")
    return dt, kb, rc, text[-2000:]


RESULTS = {}


def measure(key, label, argv, expect, setup=None, runs=None):
    runs = runs or args.runs
    if setup:
        setup()
    control("POST", "reset-journal")
    _, _, rc, text = run_once(argv)  # warm-up, also counts requests
    if rc != expect:
        sys.exit(f"bench: {label}: exit {rc}, expected {expect}\n$ {' '.join(argv)[:300]}\n{text}")
    requests = [f"{e.get('method')} {e.get('api_path') or e.get('apiPath') or e.get('path')}"
                for e in control("GET", "journal")]
    times, rss = [], []
    for _ in range(runs):
        if setup:
            setup()
        dt, kb, rc, text = run_once(argv)
        if rc != expect:
            sys.exit(f"bench: {label}: exit {rc}, expected {expect}\n{text}")
        times.append(dt * 1000)
        rss.append(kb / 1024)
    RESULTS[key] = dict(label=label, med=statistics.median(times), min=min(times), max=max(times),
                        rss=max(rss), requests=requests, runs=runs)
    print(f"  {label:<44} {RESULTS[key]['med']:8.1f} ms", file=sys.stderr, flush=True)


# --- fixtures ---------------------------------------------------------------------------------
avatar_src = os.path.join(args.repo, "profiles", "avatars", "me.png")
shutil.copy(avatar_src, os.path.join(W, "me.png"))
STATUS_YAML = """status:
  emoji: "🏖️"
  title: "В отпуске"
  is_away: true
  away_message: "Я в отпуске до 10 марта"
  expires_at: 2030-03-10T23:59:59+03:00
"""
DESIRED_JSON = {"emoji": "🏖️", "title": "В отпуске", "is_away": True,
                "away_message": "Я в отпуске до 10 марта", "expires_at": "2030-03-10T20:59:59.000Z"}


def write(name, text):
    path = os.path.join(W, name)
    with open(path, "w") as f:
        f.write(text)
    return path


write("both.yaml", "version: 1\n" + STATUS_YAML + "avatar: me.png\n")
write("status.yaml", "version: 1\n" + STATUS_YAML)
write("avatar.yaml", "version: 1\navatar: me.png\n")
write("desired-status.json", json.dumps(DESIRED_JSON, ensure_ascii=False))
vdir = os.path.join(W, "validate")
os.makedirs(vdir)
shutil.copy(avatar_src, os.path.join(vdir, "me.png"))
validate_files = []
for i in range(100):
    # One person per file (two files about the token owner are a duplicate).
    body = f"version: 1\nuser: {2000 + i}\n"
    if i % 4 != 3:
        body += (f'status:\n  emoji: "{["💻", "🏖️", "🤒", "🚀"][i % 4]}"\n  title: "Статус номер {i}"\n'
                 f"  is_away: {'true' if i % 2 else 'false'}\n")
        if i % 2:
            body += f'  away_message: "Вернусь {i % 28 + 1} марта"\n  expires_at: 2030-03-{i % 28 + 1:02d}T18:00:00+03:00\n'
    else:
        body += "status: null\n"
    if i % 3 != 2:
        body += "avatar: me.png\n"
    path = os.path.join(vdir, f"p{i:03d}.yaml")
    with open(path, "w") as f:
        f.write(body)
    validate_files.append(path)

OTHER_STATUS = {"emoji": "💻", "title": "Работаю", "is_away": False}
PNG_B64 = base64.b64encode(open(avatar_src, "rb").read()).decode()


def reset(status=True, avatar=True):
    body = {}
    if status:
        body["status"] = None
    if avatar:
        body["avatar"] = None
    return lambda: control("POST", "state", body)


state = ["--state", os.path.join(W, "both.state.json")]

# --- cases -------------------------------------------------------------------------------------
print(f"bench: {args.runs} runs per case, injected latency {LAT} ms", file=sys.stderr)
measure("version", "pachca-profile --version", [BIN, "--version"], 0, runs=max(args.runs, 30))

# Steady state for plan: live state in sync and the avatar state record present (as after an
# apply in CI with the record cached), so plan proves the avatar without downloading it.
control("POST", "state", {"status": None, "avatar": None})
_, _, rc, text = run_once([BIN, "apply", "--auto-approve", *state, "both.yaml"])
assert rc == 0, text
_, _, rc, text = run_once([BIN, "plan", "--json", *state, "both.yaml"])
plan_json = json.loads(text)
assert not plan_json["has_changes"] and plan_json["avatar"]["evidence"] == "state_record", text
measure("plan_sync", "plan, in sync (status + avatar)", [BIN, "plan", "--detailed-exitcode", *state, "both.yaml"], 0)
measure("curl_seq", f"curl + {args.json_tool} baseline, sequential GETs",
        [BASELINE, "desired-status.json"], 0)
ENV["BASELINE_PARALLEL"] = "1"
measure("curl_par", f"curl + {args.json_tool} baseline, parallel GETs",
        [BASELINE, "desired-status.json"], 0)
ENV.pop("BASELINE_PARALLEL")

control("POST", "state", {"status": OTHER_STATUS, "avatar": None})
measure("plan_changes", "plan, with changes (status + avatar)",
        [BIN, "plan", "--detailed-exitcode", *state, "both.yaml"], 2)

measure("apply_status", "apply --auto-approve, status only",
        [BIN, "apply", "--auto-approve", "--state", "status.state.json", "status.yaml"], 0, setup=reset(True, False))
measure("apply_avatar", "apply --auto-approve, avatar only",
        [BIN, "apply", "--auto-approve", "--state", "avatar.state.json", "avatar.yaml"], 0, setup=reset(False, True))
measure("apply_both", "apply --auto-approve, status + avatar",
        [BIN, "apply", "--auto-approve", *state, "both.yaml"], 0, setup=reset(True, True))
measure("validate", "validate, 100 files", [BIN, "validate", *validate_files], 0)

# Through a proxy: bench/tls-proxy.py answers CONNECT and plays https://api.pachca.test (a name
# nothing else resolves) with a throwaway certificate trusted via CURL_CA_BUNDLE, relaying to
# the emulator. Each run pays a TCP connect to the proxy, the CONNECT and a TLS handshake.
proxy = None
if shutil.which("openssl"):
    cert, key = os.path.join(W, "proxy-cert.pem"), os.path.join(W, "proxy-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-subj", "/CN=api.pachca.test",
                    "-addext", "subjectAltName=DNS:api.pachca.test", "-days", "2"], check=True, capture_output=True)
    host, port = ORIGIN.split("//")[1].rsplit(":", 1)
    proxy = subprocess.Popen([sys.executable, os.path.join(args.repo, "bench", "tls-proxy.py"), cert, key, host, port],
                             stdout=subprocess.PIPE, text=True)
    proxy_port = int(proxy.stdout.readline().strip().split("=")[1])
    saved = dict(ENV)
    ENV.update(https_proxy=f"http://127.0.0.1:{proxy_port}", NO_PROXY="", no_proxy="", CURL_CA_BUNDLE=cert,
               PACHCA_API_URL="https://api.pachca.test/api/shared/v1")
    control("POST", "state", {"status": None, "avatar": None})
    _, _, rc, text = run_once([BIN, "apply", "--auto-approve", *state, "both.yaml"])
    assert rc == 0, text
    measure("plan_proxy", "plan, in sync, https through a local CONNECT proxy",
            [BIN, "plan", "--detailed-exitcode", *state, "both.yaml"], 0)
    ENV.clear()
    ENV.update(saved)
    proxy.terminate()

# --- report ------------------------------------------------------------------------------------
R = RESULTS
start = R["version"]["med"]
floors = {"plan_sync": (1, "start + 1×lat"), "plan_changes": (1, "start + 1×lat"),
          "apply_status": (3, "start + 3×lat"), "apply_avatar": (3, "start + 3×lat"),
          "apply_both": (3, "start + 3×lat"), "curl_seq": (2, "2×lat (+ curl starts)"),
          "curl_par": (1, "1×lat (+ curl starts)")}


def fmt(x):
    return f"{x:.1f}"


rows = ["| case | median ms | min ms | max ms | floor ms | ÷ floor | peak RSS MB | API requests |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
order = ["version", "plan_sync", "plan_changes", "apply_status", "apply_avatar", "apply_both",
         "curl_seq", "curl_par", "validate", "plan_proxy"]
for k in [k for k in order if k in R]:
    r = R[k]
    if k in floors and not k.startswith("curl"):
        n, what = floors[k]
        floor = start + n * LAT
        f, ratio = f"{fmt(floor)} ({what})", f"{r['med'] / floor:.2f}"
    elif k.startswith("curl"):
        n, what = floors[k]
        f, ratio = f"{fmt(n * LAT)} ({what})", "—"
    else:
        f, ratio = "—", "—"
    reqs = ", ".join(r["requests"]) if r["requests"] else "none"
    rows.append(f"| {r['label']} | {fmt(r['med'])} | {fmt(r['min'])} | {fmt(r['max'])} | {f} | {ratio} "
                f"| {fmt(r['rss'])} | {len(r['requests'])}: {reqs} |")


def target(name, value, limit, unit="", lower_is_better=True):
    ok = value <= limit if lower_is_better else value >= limit
    return f"| {name} | {value:.2f}{unit} | ≤ {limit}{unit} | {'met' if ok else '**missed**'} |"


plan_ratio = R["plan_sync"]["med"] / (start + LAT)
apply_ratio = R["apply_both"]["med"] / (start + 3 * LAT)
vs_seq = R["plan_sync"]["med"] / R["curl_seq"]["med"]
vs_par = R["plan_sync"]["med"] / R["curl_par"]["med"]
targets = ["| target | measured | goal | |", "| --- | ---: | ---: | --- |",
           target("plan in sync ÷ (start + 1×latency)", plan_ratio, 1.15),
           target("apply both ÷ (start + 3×latency)", apply_ratio, 1.15),
           target("plan in sync ÷ curl baseline (sequential)", vs_seq, 1.0).replace("≤ 1.0", "< 1"),
           target("plan in sync ÷ curl baseline (parallel)", vs_par, 1.0).replace("≤ 1.0", "< 1"),
           target("`--version` median (URLSession build: 9.4 ms)", R["version"]["med"], 9.4, " ms"),
           target("`--version` peak RSS", R["version"]["rss"], 12, " MB"),
           target("plan peak RSS", R["plan_sync"]["rss"], 22, " MB")]

cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
swift_version = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
header = [f"- date: {now}",
          f"- machine: {os.cpu_count()} CPUs (`nproc` {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}), "
          f"{cpu}, {platform.system()} {platform.release()}",
          f"- toolchain: {swift_version[0] if swift_version else 'swift: unknown'}",
          f"- command: `{args.command}`",
          f"- injected latency: {LAT} ms per API request; {args.runs} timed runs per case "
          f"({R['version']['runs']} for `--version`) after one untimed warm-up; start = median of `--version`",
          f"- baseline JSON tool: {args.json_tool}; timing and peak RSS via "
          + ("bench/spawn.c (fork + exec + wait4 from a tiny launcher)" if args.spawn else
             "Python perf_counter + GNU time %M" if args.gnu_time else
             "Python perf_counter + wait4 (peak RSS includes Python's own, an upper bound)")]
if args.build_seconds is not None:
    header.append(f"- release build (included in the command's wall time): {args.build_seconds:.0f} s")


table = "\n".join(header) + "\n\n" + "\n".join(rows) + "\n\n" + "\n".join(targets) + "\n"
print(table)

BEGIN, END = "<!-- bench:begin (written by bench/run.sh; edit outside these markers) -->", "<!-- bench:end -->"
section = f"{BEGIN}\n{table}{END}"
out = os.path.join(args.repo, args.out)
if os.path.exists(out):
    old = open(out).read()
    if BEGIN in old and END in old:
        new = old.split(BEGIN)[0] + section + old.split(END, 1)[1]
    else:
        new = old.rstrip() + "\n\n" + section + "\n"
else:
    new = "# Benchmarks\n\nProduced by `make bench` (bench/run.sh).\n\n" + section + "\n"
with open(out, "w") as f:
    f.write(new)
print(f"bench: wrote {args.out}", file=sys.stderr)
