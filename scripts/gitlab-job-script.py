#!/usr/bin/env python3
"""Print a GitLab CI job's shell lines (before_script, then script), for make test-dist.

Usage: gitlab-job-script.py TEMPLATE JOB [--skip PREFIX]... [--set NAME=VALUE]...
Follows `extends` (one level is all the template uses) and prints `export NAME='value'` for
the template's top-level variables first, so the lines run as a runner would run them.
Lines starting with a --skip prefix (e.g. apt-get: the packages are here already) are left out;
--set overrides a variable, as a project's CI/CD variable would.
"""
import shlex
import sys

from ruamel.yaml import YAML

path, job_name, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
skips = [rest[i + 1] for i, a in enumerate(rest) if a == "--skip"]
overrides = dict(rest[i + 1].split("=", 1) for i, a in enumerate(rest) if a == "--set")
doc = YAML(typ="safe").load(open(path, encoding="utf-8"))
job = dict(doc[job_name])
parent = job.get("extends")
if parent:
    merged = dict(doc[parent])
    merged.update(job)
    job = merged
for name, value in {**(doc.get("variables") or {}), **overrides}.items():
    print(f"export {name}={shlex.quote(str(value))}")
for line in list(job.get("before_script") or []) + list(job["script"]):
    if not any(line.startswith(s) for s in skips):
        print(line)
