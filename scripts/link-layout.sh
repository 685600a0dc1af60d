#!/usr/bin/env bash
# Records link/pachca-profile.ld: the code sections the release binary executes in `apply`, `plan`
# (in sync with and without --state, and with changes), `--version`, `validate` and `plan --json` against the emulator
# (`plan`'s first), as a linker script that gathers them into one output section, .text.hot,
# in front of .text.
# scripts/release-build.sh hands it to lld (issue 8: the kernel maps 64 KiB of the binary around
# every page a run touches, so code that runs together should sit together).
#
# Rerun after larger changes and commit the file. A stale entry matches nothing and only costs
# memory, never correctness; `make bench` prints how much of the recorded size still lands in
# .text.hot. Needs valgrind: callgrind lists every executed instruction, so also the functions
# that have no symbol (closure destroyers, outlined value operations), which a symbol ordering
# file could not name.
#
#   scripts/link-layout.sh        env: LINK_LAYOUT_SCRATCH (the build folder, .build)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "link-layout: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
scratch=${LINK_LAYOUT_SCRATCH:-.build}
work=$(mktemp -d)

# Record on a binary linked without the current layout (and with a map of where every input
# section went), so that each executed address names its section.
export RELEASE_LINK_LAYOUT=
./scripts/release-build.sh --scratch-path "$scratch" >&2
bin=$(./scripts/release-build.sh --scratch-path "$scratch" --show-bin-path)
rm -f "$bin/pachca-profile"
./scripts/release-build.sh --scratch-path "$scratch" --product pachca-profile -Xlinker "-Map=$work/link.map" >&2

# shellcheck source=scripts/emulator.sh
. scripts/emulator.sh
start_emulator "$bin" "$work" --rate-limit 0

# Copies of the example profiles, so that `apply` writes its state record beside the file (as
# in real use: no --state) in the scratch folder, not in profiles/. `apply` runs first, so the
# `plan` recorded next is the steady state CI sees most: in sync, the avatar proven by the record.
mkdir -p "$work/profiles/avatars"
cp profiles/vacation.yaml profiles/working.yaml "$work/profiles/"
cp profiles/avatars/me.png "$work/profiles/avatars/"
profile=$work/profiles/vacation.yaml
record() {
  local name=$1 status=0
  shift
  valgrind --tool=callgrind --dump-instr=yes --compress-pos=no --compress-strings=no \
    --callgrind-out-file="$work/$name.cg" "$bin/pachca-profile" "$@" >/dev/null 2>"$work/$name.err" || status=$?
  # Exit 0, or 2 for changes present; anything else means the recording is not of a real run.
  if [ "$status" != 0 ] && [ "$status" != 2 ]; then
    echo "link-layout: pachca-profile $* exited $status" >&2; cat "$work/$name.err" >&2; exit 1
  fi
}
record apply apply --auto-approve "$profile"
record plan plan "$profile"
record plan-state plan --state "$work/profiles/.vacation.state.json" "$profile"
record plan-changes plan "$work/profiles/working.yaml"
record version --version
record validate validate "$profile"
record plan-json plan --json "$profile"

# Sections are laid out in the order of first use over these recordings: plan's first.
recordings=("$work"/plan.cg "$work"/plan-state.cg "$work"/plan-changes.cg "$work"/version.cg "$work"/validate.cg
            "$work"/plan-json.cg "$work"/apply.cg)
python3 - "$work/link.map" link/pachca-profile.ld "${recordings[@]}" <<'PY'
import bisect, re, sys
map_file, out, recordings = sys.argv[1], sys.argv[2], sys.argv[3:]

# lld's map: "VMA LMA Size Align Out" for output sections, then "... In" indented by 9 more
# columns for input sections, e.g. "/path/Plan.swift.o:(.text.$s...)" or "/path/lib.a(m.o):(.text)".
sections, output = [], None
for line in open(map_file, encoding="utf-8", errors="replace"):
    fields = re.match(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (\s*)(\S.*)$", line.rstrip("\n"))
    if not fields:
        continue
    start, size, indent, name = int(fields.group(1), 16), int(fields.group(2), 16), len(fields.group(3)), fields.group(4)
    if indent == 0:
        output = name
    elif indent == 8 and output == ".text" and size > 0:
        sections.append((start, size, name))
sections.sort()
starts = [s[0] for s in sections]

# callgrind with --dump-instr=yes --compress-pos=no: under "ob=<binary>", every cost line starts
# with the absolute address of an executed instruction (link-time addresses for our binary).
first_use = {}
for recording in recordings:
    ours = False
    for line in open(recording, encoding="utf-8", errors="replace"):
        if line.startswith("ob="):
            ours = line.rstrip("\n").endswith("/pachca-profile")
        elif ours and line.startswith("0x"):
            address = int(line.split()[0], 16)
            i = bisect.bisect_right(starts, address) - 1
            if i >= 0 and address < sections[i][0] + sections[i][1]:
                first_use.setdefault(i, len(first_use))

patterns, total = [], 0
for i in sorted(first_use, key=first_use.get):
    name = sections[i][2]
    match = re.match(r"^(.*?):?\((\.text[^()]*)\)$", name)
    if not match:
        continue
    path, section = match.group(1), match.group(2)
    member = re.match(r"^.*/([^/]+\.a)\((.+)\)$", path)
    # Archive members as lib.a:member.o; our objects by module folder and file (two modules
    # may both have a Plan.swift.o).
    pattern = f"*{member.group(1)}:{member.group(2)}" if member else "*/" + "/".join(path.split("/")[-2:])
    patterns.append(f"    {pattern}({section})")
    total += sections[i][1]

with open(out, "w") as file:
    file.write("/* Generated by scripts/link-layout.sh: the code that plan, --version, validate, plan --json\n"
               "   and apply execute, gathered in front of .text (issue 8, BENCHMARKS.md). Do not edit.\n"
               f"   recorded: {len(patterns)} sections, {total} bytes */\n")
    file.write("SECTIONS {\n  .text.hot : {\n" + "\n".join(patterns) + "\n  }\n} INSERT BEFORE .text;\n")
print(f"link-layout: {len(patterns)} sections ({total // 1024} KiB) written to {out}", file=sys.stderr)
PY
# Relink with the new layout.
unset RELEASE_LINK_LAYOUT
rm -f "$bin/pachca-profile"
./scripts/release-build.sh --scratch-path "$scratch" --product pachca-profile >&2
