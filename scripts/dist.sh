#!/usr/bin/env bash
# make dist: dist/pachca-profile-VERSION-OS-ARCH.tar.gz and its .sha256.
# The tarball holds one folder, pachca-profile-VERSION-OS-ARCH/, laid out like a prefix:
#   bin/pachca-profile                          the release build (scripts/release-build.sh)
#   bin/pachca-emulator                         the local API, to rehearse without a real token
#   bin/pachca-profile-metrics                  watch --metrics-listen's server (started by watch)
#   share/man/man1/pachca-profile.1             generated from the argument parser's help
#   share/bash-completion/completions/pachca-profile
#   share/zsh/site-functions/_pachca-profile
#   share/fish/vendor_completions.d/pachca-profile.fish
#   share/doc/pachca-profile/                   README.md, LICENSE, docs/, examples/
# so `tar -xzf … --strip-components=1 -C /usr/local` installs it and leaves nothing in the
# prefix root. VERSION is the one place the version lives: the build fails when the binary's
# --version disagrees with it.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

version=$(tr -d ' \n' <VERSION)
name=$(scripts/release-name.sh "$version")

# The Debian packages the build needs (installed, or the one line to run printed).
scripts/install-deps.sh

# The one release build, both executables (one build: they share every common module).
SWIFT="$SWIFT" ./scripts/release-build.sh
bin_path=$(SWIFT="$SWIFT" ./scripts/release-build.sh --show-bin-path)
binary="$bin_path/pachca-profile"

reported=$("$binary" --version)
if [ "$reported" != "$version" ]; then
  echo "make dist: the binary says --version $reported but VERSION says $version" >&2
  echo "  (update the version constant in Sources/pachca-profile/PachcaProfile.swift)" >&2
  exit 1
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"
doc="$root/share/doc/pachca-profile"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
  "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d" "$doc"
cp "$binary" "$bin_path/pachca-emulator" "$bin_path/pachca-profile-metrics" "$root/bin/"
# Symbols only help a debugger; a release ships without them (the Swift runtime's metadata
# lives in allocated sections, which strip keeps).
if [ "${DIST_STRIP:-1}" = 1 ] && command -v strip >/dev/null; then strip "$root/bin/pachca-profile" "$root/bin/pachca-emulator" "$root/bin/pachca-profile-metrics"; fi
cp README.md LICENSE "$doc/"
cp -R docs examples "$doc/"

"$root/bin/pachca-profile" --generate-completion-script bash >"$root/share/bash-completion/completions/pachca-profile"
"$root/bin/pachca-profile" --generate-completion-script zsh >"$root/share/zsh/site-functions/_pachca-profile"
"$root/bin/pachca-profile" --generate-completion-script fish >"$root/share/fish/vendor_completions.d/pachca-profile.fish"

scripts/man-page.sh "$version" "$root/bin/pachca-profile" "$root/share/man/man1/pachca-profile.1"

mkdir -p dist
# Reproducible archive with GNU tar (sorted names, fixed owner and time); BSD tar on macOS as is.
if tar --version 2>/dev/null | grep -q GNU; then
  mtime=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$stage" -cf - "$name"
else
  tar -C "$stage" -cf - "$name"
fi | gzip -9n >"dist/$name.tar.gz"
(cd dist && { sha256sum "$name.tar.gz" 2>/dev/null || shasum -a 256 "$name.tar.gz"; } >"$name.tar.gz.sha256")

echo "dist/$name.tar.gz ($(wc -c <"dist/$name.tar.gz") bytes; binary $(wc -c <"$root/bin/pachca-profile") bytes)"
cat "dist/$name.tar.gz.sha256"
echo "make dist: done in ${SECONDS}s"
