#!/usr/bin/env bash
# The one release build (make release / install / dist / bench): swift build -c release with the
# flags below, plus any arguments given (--product, --scratch-path, --show-bin-path, ...).
#
#   scripts/release-build.sh [swift build arguments...]
#   env: SWIFT (swift)
#
# It is the plain release build plus flags that cost nothing to maintain (what each buys, in
# figures: BENCHMARKS.md; why: docs/architecture.md). On Linux:
# - --static-swift-stdlib: the Swift runtime and Foundation linked in, so no toolchain is
#   needed where the binary runs, and start-up does not load a dozen shared libraries.
# - --disable-local-rpath, -no-toolchain-stdlib-rpath: no RUNPATH ($ORIGIN, the toolchain):
#   nothing is loaded from beside the binary or from a toolchain that is not there.
# - lld (the toolchain's linker): a faster link with the same result.
# - libstdc++, which only the Swift runtime uses, from its static archive: a -L folder that
#   holds nothing but libstdc++.a wins the search for -lstdc++, so the shared library (1 MB of
#   RSS, one more run-time dependency) is not loaded.
# - --no-export-dynamic: -static-stdlib adds -export-dynamic, and then every library's symbol
#   lookups search the executable first. Nothing looks symbols up in it.
# macOS gets a plain release build: the Swift runtime is part of the OS there.
set -euo pipefail
cd "$(dirname "$0")/.."
swift_cmd=${SWIFT:-swift}
flags=(-c release)
if [ "$(uname -s)" = Linux ]; then
  flags+=(--static-swift-stdlib --disable-local-rpath -Xswiftc -no-toolchain-stdlib-rpath -Xswiftc -use-ld=lld
          -Xlinker --no-export-dynamic)
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
fi
exec "$swift_cmd" build "${flags[@]}" "$@"
