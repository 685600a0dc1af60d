#!/usr/bin/env bash
# The one release build (make release / install / dist / bench): swift build -c release with the
# flags below, plus any arguments given (--product, --scratch-path, --show-bin-path, ...).
#
#   scripts/release-build.sh [swift build arguments...]
#   env: SWIFT (swift), RELEASE_LINK_LAYOUT (link/pachca-profile.ld; empty: the default layout)
#
# On Linux the Swift runtime is linked statically (no toolchain needed where the binary runs, and
# half the start-up time), and the link is shaped for peak RSS (issue 8; BENCHMARKS.md has the
# figures). The kernel maps 64 KiB of a binary around every page a run touches, so:
# - one section per function (-function-sections, every module), and the linker script
#   link/pachca-profile.ld gathers the ones `plan`, `--version`, `validate` and `apply` execute in
#   front of the rest. scripts/link-layout.sh records it; a stale or missing entry only costs
#   memory, never correctness.
# - libstdc++, which only the Swift runtime uses, comes from its static archive: a -L folder that
#   holds nothing but libstdc++.a wins the search for -lstdc++, and the shared library (1 MB of
#   RSS, one more run-time dependency) is not loaded.
# - no exported symbols (-static-stdlib adds -export-dynamic; every library's symbol lookups then
#   search the executable first). Nothing looks symbols up in it.
# macOS gets a plain release build: the Swift runtime is part of the OS there.
set -euo pipefail
cd "$(dirname "$0")/.."
swift_cmd=${SWIFT:-swift}
flags=(-c release)
if [ "$(uname -s)" = Linux ]; then
  flags+=(--static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections -Xswiftc -use-ld=lld
          -Xlinker --no-export-dynamic)
  layout=${RELEASE_LINK_LAYOUT-$PWD/link/pachca-profile.ld}
  if [ -n "$layout" ] && [ -f "$layout" ]; then flags+=(-Xlinker -T -Xlinker "$layout"); fi
  # The scratch folder given, else .build: the libstdc++.a link lives beside the build.
  scratch=.build
  for ((i = 1; i <= $#; i++)); do
    if [ "${!i}" = --scratch-path ]; then j=$((i + 1)); scratch=${!j}; fi
  done
  # Any C/C++ driver knows where GCC keeps it; the Swift toolchain's clang is always there
  # (the swift:*-jammy image has no g++).
  archive=""
  for driver in ${CXX:-} clang g++ gcc; do
    candidate=$("$driver" -print-file-name=libstdc++.a 2>/dev/null || true)
    case "$candidate" in /*) [ -f "$candidate" ] && { archive=$candidate; break; } ;; esac
  done
  if [ -n "$archive" ]; then
    mkdir -p "$scratch/static-libstdcxx"
    ln -sfn "$archive" "$scratch/static-libstdcxx/libstdc++.a"
    flags+=(-Xswiftc -L -Xswiftc "$(cd "$scratch/static-libstdcxx" && pwd)")
  else
    echo "release-build: no libstdc++.a (install libstdc++-dev); linking the shared libstdc++" >&2
  fi
  # SwiftPM does not know the layout is an input of the link: relink when it changed.
  linked="$scratch/release/pachca-profile"
  if [ -n "$layout" ] && [ -f "$layout" ] && [ -f "$linked" ] && [ "$layout" -nt "$linked" ]; then rm -f "$linked"; fi
fi
exec "$swift_cmd" build "${flags[@]}" "$@"
