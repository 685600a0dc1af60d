#!/usr/bin/env python3
"""Team figures (docs/teams.md), appended to BENCHMARKS.md between markers.

  python3 bench/team.py --bin DIR [--out BENCHMARKS.md] [--people 5000] [--files 1000] [--changed 500]

Starts its own emulators (the API's 50/s per-token limit on), builds a workspace of --people,
writes --files desired-state files in sync with it, then measures validate, plan (reads from
the journal, time against reads/rate + one round trip + start-up, peak RSS) and apply of
--changed files (sustained rate, 429s), and apply against a 20/s limit (pauses honoured).
"""
import argparse, base64, calendar, json, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--bin", required=True)
ap.add_argument("--out", default="BENCHMARKS.md")
ap.add_argument("--people", type=int, default=5000)
ap.add_argument("--files", type=int, default=1000)
ap.add_argument("--changed", type=int, default=500)
ap.add_argument("--latency-ms", type=int, default=5)
args = ap.parse_args()
RATE = 45.0
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,::1"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def start(limit, people):
    out = tempfile.NamedTemporaryFile("w+", delete=False)
    p = subprocess.Popen([f"{args.bin}/pachca-emulator", "--port", "0", "--rate-limit", str(limit),
                          "--latency-ms", str(args.latency_ms), "--people", str(people - 1), "--people-key", "7"],
                         stdout=out, stderr=subprocess.DEVNULL)
    for _ in range(200):
        text = open(out.name).read()
        if "token=" in text:
            break
        time.sleep(0.05)
    base = re.search(r"base_url=(\S+)", text).group(1)
    token = re.search(r"token=(\S+)", text).group(1)
    return p, base, token


def get(base, token, path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with opener.open(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def control(base, method, path):
    origin = base.split("/api/")[0]
    req = urllib.request.Request(f"{origin}/__emulator/{path}", method=method, data=b"" if method == "POST" else None)
    with opener.open(req, timeout=30) as r:
        raw = r.read()
    return json.loads(raw) if raw else None


def everyone(base, token):
    users, cursor = [], None
    while True:
        page = get(base, token, "/users?limit=50" + (f"&cursor={cursor}" if cursor else ""))
        users += page["data"]
        time.sleep(1 / 40)  # stay under the emulator's limit while setting up
        if not page["meta"]["paginate"].get("has_next"):
            return users
        cursor = page["meta"]["paginate"]["next_page"]


def run(argv, env, cwd):
    t0 = time.perf_counter()
    timed = ["/usr/bin/time", "-f", "%M", "-o", f"{cwd}/rss.txt"] if os.path.exists("/usr/bin/time") else []
    p = subprocess.run(timed + argv, env=env, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    rss = None
    if timed:
        try:
            rss = int(open(f"{cwd}/rss.txt").read().split()[-1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
    return dt, rss, p.returncode, p.stdout[-400:] + p.stderr[-400:]


def status_yaml(s):
    if not s:
        return "status: null\n"
    return ("status:\n  emoji: " + json.dumps(s["emoji"], ensure_ascii=False) + "\n  title: " + json.dumps(s["title"], ensure_ascii=False) +
            "\n  is_away: " + ("true" if s.get("is_away") else "false") + "\n")


work = tempfile.mkdtemp(prefix="team-bench-")
rows, notes = [], []
emu, base, token = start(50, args.people)
try:
    env = dict(os.environ, PACHCA_API_URL=base, PACHCA_TOKEN=token)
    people = [u for u in everyone(base, token) if not u["suspended"] and u["id"] != 1001]
    chosen = people[: args.files]
    os.makedirs(f"{work}/team")
    for u in chosen:
        with open(f"{work}/team/p{u['id']}.yaml", "w") as f:
            f.write(f"user: {u['id']}\n" + status_yaml(u["user_status"]))
    time.sleep(1.1)

    # validate: no network
    vt = sorted(run([f"{args.bin}/pachca-profile", "validate", "team"], env, work)[0] for _ in range(5))
    rows.append(("validate, 1,000 files", f"{statistics.median(vt)*1000:.0f} ms", "< 1 s", statistics.median(vt) < 1))

    # start-up and one round trip
    st = sorted(run([f"{args.bin}/pachca-profile", "--version"], env, work)[0] for _ in range(9))
    startup = statistics.median(st)
    rt = []
    for _ in range(9):
        t0 = time.perf_counter(); get(base, token, "/profile/status"); rt.append(time.perf_counter() - t0); time.sleep(0.05)
    rtt = statistics.median(rt)

    # plan, all in sync
    times, rsses, reads = [], [], None
    for i in range(3):
        time.sleep(1.1)
        control(base, "POST", "reset-journal")
        dt, rss, rc, text = run([f"{args.bin}/pachca-profile", "plan", "--detailed-exitcode", "team"], env, work)
        if rc != 0:
            sys.exit(f"team bench: plan exit {rc}: {text}")
        journal = control(base, "GET", "journal")
        reads = len([e for e in journal if e.get("api_path")])
        times.append(dt); rsses.append(rss or 0)
    plan_t = statistics.median(times)
    bound_reads = min(2 * len(chosen), -(-args.people // 50) + 1) + 2
    budget = reads / RATE + rtt + startup
    rows.append((f"plan reads, {len(chosen)} files in {args.people} people", f"{reads}", f"≤ {bound_reads} (≤ 103)", reads <= bound_reads))
    rows.append(("plan time ÷ (reads ÷ 45 + round trip + start-up)",
                 f"{plan_t:.2f} s ÷ {budget:.2f} s = {plan_t / budget:.2f}", "≤ 1.15", plan_t / budget <= 1.15))
    rows.append(("plan peak RSS", f"{max(rsses):.1f} MB", "< 60 MB", max(rsses) < 60))

    # apply, 500 changed at the default rate against the 50/s limit
    for u in chosen[: args.changed]:
        with open(f"{work}/team/p{u['id']}.yaml", "w") as f:
            f.write(f"user: {u['id']}\nstatus: {{emoji: \"🚀\", title: \"Bench {u['id']}\"}}\n")
    time.sleep(1.1)
    control(base, "POST", "reset-journal")
    dt, rss, rc, text = run([f"{args.bin}/pachca-profile", "apply", "--auto-approve", "team"], env, work)
    if rc != 0:
        sys.exit(f"team bench: apply exit {rc}: {text}")
    journal = control(base, "GET", "journal")
    api = [e for e in journal if e.get("api_path")]
    n429 = len([e for e in api if e["status"] == 429])
    sustained = len(api) / max(dt - startup, 1e-9)
    rows.append((f"apply, {args.changed} changed: requests, time", f"{len(api)} in {dt:.1f} s", "", True))
    rows.append(("apply sustained rate ÷ --rate (45)", f"{sustained:.1f}/s ÷ 45 = {sustained / RATE:.2f}", "≥ 0.90", sustained / RATE >= 0.9))
    rows.append(("apply 429s at the default rate (limit 50/s)", str(n429), "0", n429 == 0))
finally:
    emu.terminate(); emu.wait()

# against a 20/s limit: every pause honoured
emu, base, token = start(20, 300)
try:
    env = dict(os.environ, PACHCA_API_URL=base, PACHCA_TOKEN=token)
    shutil.rmtree(f"{work}/low", ignore_errors=True)
    os.makedirs(f"{work}/low")
    ids = [1002 + i for i in range(120) if (i + 1) % 97 != 0][:100]
    for i in ids:
        with open(f"{work}/low/p{i}.yaml", "w") as f:
            f.write(f"user: {i}\nstatus: {{emoji: \"🐢\", title: \"Slow {i}\"}}\n")
    time.sleep(1.1)
    control(base, "POST", "reset-journal")
    dt, rss, rc, text = run([f"{args.bin}/pachca-profile", "apply", "--auto-approve", "low"], env, work)
    journal = [e for e in control(base, "GET", "journal") if e.get("api_path")]
    limited = [e for e in journal if e["status"] == 429]
    def ts(e):
        t = e["time"]
        return calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) + float("0." + t[20:23])
    early = 0
    for hit in limited:
        t = ts(hit)
        inside = [e for e in journal if t + 0.05 < ts(e) < t + 0.95]
        early += max(0, len(inside) - 8)  # at most 8 were already in flight
    rows.append((f"apply, {len(ids)} changed, server limit 20/s, --rate 45",
                 f"exit {rc}, {len(journal)} requests in {dt:.1f} s, {len(limited)} × 429", "finishes", rc == 0))
    rows.append(("requests started inside a Retry-After pause (beyond the ≤ 8 in flight)", str(early), "0", early == 0))
finally:
    emu.terminate(); emu.wait()
    shutil.rmtree(work, ignore_errors=True)

lines = ["<!-- team:begin -->", "## Teams", "",
         f"`python3 bench/team.py --bin $(swift build -c release --static-swift-stdlib --show-bin-path)` "
         f"(run by `make bench`): release build, emulator with the API's per-token limit on, "
         f"{args.latency_ms} ms latency per request, a generated workspace of {args.people} people "
         f"(`pachca-emulator --people`), one file per person with `user: <id>`. Start-up {startup*1000:.0f} ms, "
         f"round trip {rtt*1000:.1f} ms.", "",
         "| measure | value | target | ok |", "| --- | --- | --- | --- |"]
for name, value, target, ok in rows:
    lines.append(f"| {name} | {value} | {target} | {'yes' if ok else 'NO'} |")
lines.append("<!-- team:end -->")
section = "\n".join(lines) + "\n"
print(section)
text = open(args.out).read() if os.path.exists(args.out) else ""
if "<!-- team:begin -->" in text:
    text = re.sub(r"<!-- team:begin -->.*?<!-- team:end -->\n?", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(args.out, "w").write(text)
