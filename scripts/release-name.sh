#!/bin/sh
# scripts/release-name.sh VERSION: the release tarball's name for this machine, without
# .tar.gz: pachca-profile-VERSION-OS-ARCH, OS linux or macos, ARCH as `uname -m` says it
# (Linux on ARM: aarch64). Used by make dist, make test-dist and the GitHub Action.
set -eu
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=macos ;;
  *) echo "no pachca-profile release for $(uname -s)" >&2; exit 1 ;;
esac
arch=$(uname -m)
[ "$os" = linux ] && [ "$arch" = arm64 ] && arch=aarch64
echo "pachca-profile-$1-$os-$arch"
