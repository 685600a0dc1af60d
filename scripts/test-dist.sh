#!/usr/bin/env bash
# make test-dist: proves the release tarball works where no Swift toolchain is installed.
# Unpacks dist/pachca-profile-VERSION-OS-ARCH.tar.gz in a temporary folder, checks its sha256
# and contents, then — in a private mount namespace (`unshare -m`) with an empty folder
# mounted over the toolchain's lib folder — runs --version, validate and plan against the
# emulator, and asserts with ldd that every library comes from /lib or /usr/lib. A dynamically
# linked debug build is run in the same namespace as a control: it must fail to start, or the
# hiding proved nothing. Where unshare is not permitted the hidden run is skipped, loudly.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
SWIFT=${SWIFT:-swift}

version=$(tr -d ' \n' <VERSION)
os=linux arch=$(uname -m)
[ "$(uname -s)" = Linux ] || { echo "test-dist: SKIP: the hidden-toolchain test needs Linux"; exit 0; }
name="pachca-profile-$version-$os-$arch"
tarball="dist/$name.tar.gz"
[ -f "$tarball" ] || { echo "test-dist: $tarball is missing (run make dist)"; exit 1; }

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "  ok    $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL  $*"; }
skip() { skipped=$((skipped + 1)); echo "  SKIP  $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

work=$(mktemp -d)
emulator=
cleanup() {
  [ -n "$emulator" ] && { kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; }
  rm -rf "$work"
}
trap cleanup EXIT

echo "test-dist: $tarball ($(wc -c <"$tarball") bytes)"
check "sha256 matches $name.tar.gz.sha256" bash -c "cd dist && sha256sum --quiet -c '$name.tar.gz.sha256'"
tar -xzf "$tarball" -C "$work"
root="$work/$name"
tool="$root/bin/pachca-profile"
for f in bin/pachca-profile README.md LICENSE share/man/man1/pachca-profile.1 \
  share/bash-completion/completions/pachca-profile share/zsh/site-functions/_pachca-profile \
  share/fish/vendor_completions.d/pachca-profile.fish; do
  check "tarball has $f" test -s "$root/$f"
done
if command -v man >/dev/null; then
  page=$(MANWIDTH=80 man -l "$root/share/man/man1/pachca-profile.1" 2>&1)
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  check "man -l renders the page (NAME, the plan subcommand, the version)" \
    bash -c 'grep -q "^NAME" <<<"$1" && grep -q "plan" <<<"$1" && grep -q "pachca-profile $2" <<<"$1"' _ "$page" "$version"
else
  skip "man is not installed: the man page was not rendered"
fi
check "bash completion registers itself for pachca-profile" grep -qE "^complete .*-F .* pachca-profile$" "$root/share/bash-completion/completions/pachca-profile"

# A profile with a status and an avatar (the plan hashes it), and the emulator to plan against.
# The emulator is a test tool built in debug: it runs outside the namespace.
mkdir -p "$work/profiles/avatars"
cp profiles/avatars/me.png "$work/profiles/avatars/me.png"
cat >"$work/profiles/me.yaml" <<'YAML'
version: 1
status:
  emoji: "🏖️"
  title: "В отпуске"
  is_away: true
  expires_at: 2030-03-10T23:59:59+03:00
avatar: avatars/me.png
YAML
"$SWIFT" build --product pachca-emulator >/dev/null || { echo "test-dist: cannot build pachca-emulator"; exit 1; }
"$SWIFT" build --product pachca-profile >/dev/null || { echo "test-dist: cannot build the debug pachca-profile (the control)"; exit 1; }
debug_bin=$("$SWIFT" build --show-bin-path)
"$debug_bin/pachca-emulator" --port 0 --journal "$work/journal.jsonl" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator=$!
for _ in $(seq 1 200); do grep -q '^token=' "$work/emulator.out" 2>/dev/null && break; sleep 0.05; done
api_url=$(sed -n 's/^base_url=//p' "$work/emulator.out")
token=$(sed -n 's/^token=//p' "$work/emulator.out")
[ -n "$api_url" ] && [ -n "$token" ] || { echo "test-dist: the emulator did not start:"; cat "$work/emulator.err"; exit 1; }

# The checks that run with the toolchain hidden; they print "ok …"/"FAIL …" lines.
# Arguments: tool, profile, version, control binary, toolchain lib folder (empty: not hidden).
cat >"$work/inside.sh" <<'INSIDE'
set -u
tool=$1 profile=$2 version=$3 control=$4 hidden=$5
ok() { echo "  ok    $*"; }
bad() { echo "  FAIL  $*"; }
if [ -n "$hidden" ]; then
  if "$control" --version >/dev/null 2>&1; then
    bad "control: the dynamically linked debug build still starts, so the toolchain is not hidden"
  else
    ok "control: the debug build cannot start with $hidden hidden ($("$control" --version 2>&1 | head -c 100))"
  fi
fi
libs=$(ldd "$tool" 2>&1)
outside=$(awk '/=>/ { print $3 } !/=>/ && $1 ~ /^\// { print $1 }' <<<"$libs" | grep -vE '^/(usr/)?lib(64|32|x32)?/' || true)
if grep -q "not found" <<<"$libs" || [ -n "$outside" ]; then
  bad "ldd: libraries outside /lib and /usr/lib or missing: $(grep 'not found' <<<"$libs") $outside"
else
  ok "ldd: all $(grep -c '/' <<<"$libs") libraries come from /lib or /usr/lib"
fi
got=$("$tool" --version 2>&1)
[ "$got" = "$version" ] && ok "--version prints $version" || bad "--version printed '$got', VERSION is $version"
out=$("$tool" validate "$profile" 2>&1); status=$?
[ $status -eq 0 ] && grep -q "valid" <<<"$out" && ok "validate: exit 0 ($out)" || bad "validate: exit $status: $out"
out=$("$tool" plan --detailed-exitcode "$profile" 2>&1); status=$?
[ $status -eq 2 ] && grep -q "^Plan: " <<<"$out" && ok "plan --detailed-exitcode against the emulator: exit 2, $(grep '^Plan: ' <<<"$out")" \
  || bad "plan: exit $status: $out"
out=$("$tool" plan --json "$profile" 2>&1); status=$?
[ $status -eq 0 ] && grep -q '"has_changes":true' <<<"$out" && ok "plan --json: has_changes true" || bad "plan --json: exit $status: $out"
INSIDE

run_checks() {  # where, hidden-lib-folder-or-empty, command prefix...
  local hidden=$1; shift
  local results
  results=$(PACHCA_API_URL="$api_url" PACHCA_TOKEN="$token" "$@" bash "$work/inside.sh" \
    "$tool" "$work/profiles/me.yaml" "$version" "$debug_bin/pachca-profile" "$hidden" 2>&1)
  echo "$results"
  passed=$((passed + $(grep -c '^  ok ' <<<"$results")))
  failed=$((failed + $(grep -c '^  FAIL ' <<<"$results")))
}

toolchain_lib=$(dirname "$(dirname "$(readlink -f "$(command -v "$SWIFT")")")")/lib
# A toolchain installed into /usr (the swift images) shares /usr/lib with the system: hide only
# its runtime folder there, or glibc would vanish too.
case "$toolchain_lib" in /usr/lib|/lib) toolchain_lib="$toolchain_lib/swift" ;; esac
empty="$work/empty"
mkdir -p "$empty"
if unshare -m --propagation private true 2>/dev/null; then
  echo "test-dist: in a private mount namespace with $toolchain_lib hidden:"
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  run_checks "$toolchain_lib" unshare -m --propagation private \
    bash -c 'mount --bind "$0" "$1" && shift && exec "$@"' "$empty" "$toolchain_lib"
else
  echo "test-dist: SKIP: unshare -m is not permitted here ($(unshare -m true 2>&1 | head -1));"
  echo "test-dist: SKIP: the run with the Swift toolchain hidden was NOT done; running with it visible instead:"
  skipped=$((skipped + 1))
  run_checks "" env
fi

journal_gets=$(grep -c '"method":"GET"' "$work/journal.jsonl" 2>/dev/null || echo 0)
journal_writes=$(grep -cE '"method":"(PUT|DELETE|POST)"' "$work/journal.jsonl" 2>/dev/null || true)
check "emulator journal: the plans made reads ($journal_gets GETs) and no writes" \
  test "$journal_gets" -gt 0 -a "${journal_writes:-0}" -eq 0

echo "test-dist: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
