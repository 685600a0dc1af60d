#!/usr/bin/env bash
# The Debian packages a build and its tests need, in one place: `make build`, `make demo`,
# `make test`, `make dist` and .ci/run all start here. Nothing missing: silent, exit 0.
# Something missing: installed with apt-get when this runs as root or sudo works without a
# password; otherwise one line to run is printed and the exit status is 1 — so a fresh
# machine never gets as far as a compiler error about a missing header.
#
#   scripts/install-deps.sh
#   env: INSTALL_DEPS_SYSROOT  look for headers and commands below this folder instead of /
#                              (tests give it an empty folder and fake id/sudo/apt-get on PATH)
set -euo pipefail

sysroot=${INSTALL_DEPS_SYSROOT:-}
missing=()  # "package:what it provides"

has_file() { local f; for f in "$@"; do [ -e "$sysroot$f" ] && return 0; done; return 1; }
has_command() {
  if [ -n "$sysroot" ]; then [ -x "$sysroot/usr/bin/$1" ]; else command -v "$1" >/dev/null; fi
}
need() { missing+=("$1:$2"); }

if [ "$(uname -s)" != Linux ]; then
  # macOS: the SDK has curl; libyaml comes from Homebrew.
  has_file /opt/homebrew/include/yaml.h /usr/local/include/yaml.h || {
    echo "install-deps: libyaml is missing; run: brew install libyaml pkg-config" >&2
    exit 1
  }
  exit 0
fi

has_file /usr/include/yaml.h || need libyaml-dev "yaml.h, to build the YAML reader"
# Debian keeps curl.h in the multiarch folder (/usr/include/x86_64-linux-gnu/curl/).
has_file /usr/include/curl/curl.h /usr/include/"$(uname -m)"-linux-gnu/curl/curl.h \
  /usr/include/aarch64-linux-gnu/curl/curl.h /usr/include/x86_64-linux-gnu/curl/curl.h ||
  need libcurl4-openssl-dev "curl/curl.h, to build the HTTP client"
has_command pkg-config || need pkg-config "pkg-config, to find libyaml"
# Schedules read the system tz database; the tests compare against Europe/Moscow and others.
has_file /usr/share/zoneinfo/Europe/Moscow || need tzdata "the tz database, for schedules"
has_command curl || need curl "curl, for the demo's and the tests' control calls"

[ ${#missing[@]} -eq 0 ] && exit 0

packages=()
for item in "${missing[@]}"; do
  packages+=("${item%%:*}")
  echo "install-deps: missing ${item%%:*} (${item#*:})" >&2
done

if ! has_command apt-get; then
  echo "install-deps: no apt-get here; install the equivalent of: ${packages[*]}" >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" != 0 ]; then
  if has_command sudo && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "Run this, then the same command again:" >&2
    echo "sudo apt-get install -y ${packages[*]}"
    exit 1
  fi
fi

echo "install-deps: installing ${packages[*]}" >&2
# Another apt-get may hold the lock for a while (unattended upgrades, a parallel job): wait.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${packages[@]}"
