#!/usr/bin/env python3
"""Every CI and install snippet in the README and docs/ is (part of) a file the lint checks.

A fenced block in a section whose heading starts with "Install" or "CI", and every fenced
block of docs/ci.md, must be preceded by `<!-- snippet: PATH -->` (PATH from the repository
root); any block with the marker is checked too. Its lines must appear, in order and
contiguous, in PATH (both sides dedented, so a job quoted from a workflow may drop its outer
indentation). A block without the marker, a missing file or a block that drifted from its
file is an error.
Usage: check-readme-snippets.py README.md docs/*.md  (one line per snippet; exit 1 on a problem)
"""
import re
import sys
import textwrap
from pathlib import Path

root = Path(__file__).resolve().parent.parent
documents = [Path(a) for a in sys.argv[1:]] or [root / "README.md"]


def dedented(block):
    return textwrap.dedent("\n".join(block)).splitlines()


def contains(haystack, needle):
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))

problems, checked = [], 0
for readme in documents:
    lines = readme.read_text(encoding="utf-8").splitlines()
    whole_file = readme.name == "ci.md"
    section, marker, i = None, None, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        m = re.match(r"\s*<!-- snippet: (\S+) -->\s*$", line)
        if m:
            marker = m.group(1)
        elif line.lstrip().startswith("```"):
            start, fence = i, line.lstrip()[:3]
            i += 1
            block = []
            while i < len(lines) and not lines[i].lstrip().startswith(fence):
                block.append(lines[i])
                i += 1
            in_scope = marker is not None or whole_file or (
                section is not None and (section.startswith("Install") or section.startswith("CI")))
            if in_scope:
                where = f"{readme}:{start + 1}"
                if marker is None:
                    problems.append(f"{where}: a snippet without <!-- snippet: PATH --> (every CI example must be a linted file)")
                elif not (root / marker).is_file():
                    problems.append(f"{where}: <!-- snippet: {marker} --> names a file that does not exist")
                else:
                    file_lines = [l.rstrip() for l in (root / marker).read_text(encoding="utf-8").splitlines()]
                    want = [l.rstrip() for l in dedented(block)]
                    # The block may quote the file at any indentation: try each depth of leading spaces.
                    depths = range(0, 25, 1)
                    if any(contains([l[k:] if not l[:k].strip() else None for l in file_lines], want) for k in depths):
                        checked += 1
                        print(f"  ok    {where}: snippet is {marker}")
                    else:
                        problems.append(f"{where}: the snippet differs from {marker} (update one from the other)")
            marker = None
        elif line.strip():
            marker = marker if line.lstrip().startswith("<!--") else None
        i += 1

for p in problems:
    print(f"  FAIL  {p}")
if checked == 0 and not problems:
    print(f"  FAIL  {' '.join(map(str, documents))}: no snippets found")
    sys.exit(1)
sys.exit(1 if problems else 0)
