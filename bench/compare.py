#!/usr/bin/env python3
"""Interleaved A/B of two pachca-profile binaries, for a fair comparison on a shared, noisy
machine: each round runs `--version` and `plan` with binary A then binary B, so load spikes hit
both. Peak RSS via GNU time (%M). Needs a running emulator (PACHCA_API_URL, PACHCA_TOKEN).

  bench/compare.py OLD_BINARY NEW_BINARY [ROUNDS]   (run from the repository root)
"""
import os, statistics, subprocess, sys, tempfile, time

a, b = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 25
env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
cases = {"--version": ["--version"], "plan": ["plan", "examples/profiles/vacation.yaml"]}
times = {(c, x): [] for c in cases for x in (a, b)}
rss = {(c, x): [] for c in cases for x in (a, b)}
with tempfile.NamedTemporaryFile("r") as out:
    for _ in range(rounds):
        for case, args in cases.items():
            for binary in (a, b):
                t = time.perf_counter()
                subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, binary, *args],
                               stdout=subprocess.DEVNULL, env=env, check=True)
                times[(case, binary)].append((time.perf_counter() - t) * 1000)
                out.seek(0)
                rss[(case, binary)].append(int(out.read().split()[-1]) / 1024)
print("| case | binary | median ms | min ms | peak RSS MB |\n| --- | --- | ---: | ---: | ---: |")
for case in cases:
    for binary in (a, b):
        k = (case, binary)
        print(f"| {case} | {binary} | {statistics.median(times[k]):.1f} | {min(times[k]):.1f} | {max(rss[k]):.1f} |")
