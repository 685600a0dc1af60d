#!/usr/bin/env bash
# Part of `make test`: scripts/install-deps.sh on a faked machine — an empty or partial
# INSTALL_DEPS_SYSROOT, and fake id/sudo/apt-get first on PATH that record their calls.
# shellcheck disable=SC2016  # the fake commands and bash -c scripts expand their own
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { local what=$1; shift; if "$@"; then passed=$((passed + 1)); echo "  ok    $what"; else failed=$((failed + 1)); echo "  FAIL  $what"; sed 's/^/        /' "$work/out" "$work/err" "$work/calls" 2>/dev/null; fi; }
arch=$(uname -m)

machine() {  # uid, sudo (yes|no), files present below the sysroot...: a fresh fake machine
  local uid=$1 sudo=$2; shift 2
  root="$work/root"
  rm -rf "$root"; mkdir -p "$root/usr/bin"
  : >"$work/calls"
  printf '#!/bin/sh\n[ "$1" = -u ] && echo %s || /usr/bin/id "$@"\n' "$uid" >"$root/usr/bin/id"
  printf '#!/bin/sh\necho "apt-get $*" >>"%s"\n' "$work/calls" >"$root/usr/bin/apt-get"
  if [ "$sudo" = yes ]; then
    printf '#!/bin/sh\n[ "$1" = -n ] && shift\necho "sudo $*" >>"%s"\nexec "$@"\n' "$work/calls" >"$root/usr/bin/sudo"
  fi
  chmod +x "$root"/usr/bin/*
  local f
  for f in "$@"; do mkdir -p "$(dirname "$root$f")"; : >"$root$f"; [[ $f == */bin/* ]] && chmod +x "$root$f"; done
}
run() { PATH="$root/usr/bin:$PATH" INSTALL_DEPS_SYSROOT="$root" scripts/install-deps.sh >"$work/out" 2>"$work/err"; status=$?; }
all=(/usr/include/yaml.h "/usr/include/$arch-linux-gnu/curl/curl.h" /usr/bin/pkg-config /usr/share/zoneinfo/Europe/Moscow /usr/bin/curl)

echo "test-install-deps: scripts/install-deps.sh on faked machines"
machine 1000 no "${all[@]}"; run
check "everything present: exit 0, silent, no apt-get" test "$status" = 0 -a ! -s "$work/out" -a ! -s "$work/err" -a ! -s "$work/calls"

machine 1000 no; run
check "fresh machine, not root, no sudo: exit 1, the one install line on stdout, nothing installed" \
  test "$status" = 1 -a "$(cat "$work/out")" = "sudo apt-get install -y libyaml-dev libcurl4-openssl-dev pkg-config tzdata curl" -a ! -s "$work/calls"

machine 1000 no /usr/include/yaml.h /usr/bin/pkg-config /usr/share/zoneinfo/Europe/Moscow /usr/bin/curl; run
check "only curl.h missing: the line names libcurl4-openssl-dev alone, the reason on stderr" \
  bash -c '[ "$(cat "$1/out")" = "sudo apt-get install -y libcurl4-openssl-dev" ] && grep -q "curl/curl.h" "$1/err"' _ "$work"

machine 0 no; run
check "fresh machine as root: apt-get update, then install of the five packages" \
  test "$status" = 0 -a "$(cat "$work/calls")" = "apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq libyaml-dev libcurl4-openssl-dev pkg-config tzdata curl"

machine 1000 yes /usr/include/yaml.h /usr/bin/pkg-config /usr/share/zoneinfo/Europe/Moscow /usr/bin/curl; run
check "not root, passwordless sudo: installs through sudo" \
  bash -c 'grep -q "^sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq libcurl4-openssl-dev$" "$1/calls" && grep -qx "apt-get -o DPkg::Lock::Timeout=300 install -y -qq libcurl4-openssl-dev" "$1/calls"' _ "$work"

echo "test-install-deps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
