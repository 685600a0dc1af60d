#!/usr/bin/env bash
# make test-dist: proves the release tarball works where no Swift toolchain is installed.
# Unpacks dist/pachca-profile-VERSION-OS-ARCH.tar.gz in a temporary folder, checks its sha256
# and contents, then — in a private mount namespace (`unshare -m`) with an empty folder
# mounted over the toolchain's lib folder — runs --version, validate and plan against the
# emulator, and asserts with ldd that every library comes from /lib or /usr/lib. A dynamically
# linked debug build is run in the same namespace as a control: it must fail to start, or the
# hiding proved nothing. Where unshare is not permitted the hidden run is skipped, loudly.
# shellcheck disable=SC2016  # bash -c scripts expand their own arguments
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
SWIFT=${SWIFT:-swift}

version=$(tr -d ' \n' <VERSION)
[ "$(uname -s)" = Linux ] || { echo "test-dist: SKIP: the hidden-toolchain test needs Linux"; exit 0; }
name=$(scripts/release-name.sh "$version")
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
  if [ -n "${TEST_DIST_KEEP:-}" ]; then echo "test-dist: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "test-dist: $tarball ($(wc -c <"$tarball") bytes)"
check "sha256 matches $name.tar.gz.sha256" bash -c "cd dist && sha256sum --quiet -c '$name.tar.gz.sha256'"
tar -xzf "$tarball" -C "$work"
root="$work/$name"
tool="$root/bin/pachca-profile"
emu="$root/bin/pachca-emulator"
for f in bin/pachca-profile bin/pachca-emulator bin/pachca-profile-metrics share/man/man1/pachca-profile.1 \
  share/bash-completion/completions/pachca-profile share/zsh/site-functions/_pachca-profile \
  share/fish/vendor_completions.d/pachca-profile.fish share/doc/pachca-profile/README.md \
  share/doc/pachca-profile/LICENSE share/doc/pachca-profile/docs/file-format.md \
  share/doc/pachca-profile/examples/profiles/vacation.yaml; do
  check "tarball has $f" test -s "$root/$f"
done
check "nothing in the prefix root but bin/ and share/ (it unpacks into /usr/local)" \
  test "$(cd "$root" && find . -mindepth 1 -maxdepth 1 | sort | tr '\n' ' ')" = "./bin ./share "
if command -v readelf >/dev/null; then
  check "no RUNPATH/RPATH in bin/pachca-profile (nothing loaded from beside it or a toolchain)" \
    bash -c '! readelf -d "$1" | grep -qE "RUNPATH|RPATH"' _ "$tool"
fi
page_file="$root/share/man/man1/pachca-profile.1"
check "man page keeps non-ASCII text (1…366 as 1\\[u2026]366, not 1366)" grep -qF '1\[u2026]366' "$page_file"
if command -v man >/dev/null; then
  check "man -l renders 1…366 in a UTF-8 locale" \
    bash -c 'LC_ALL=C.UTF-8 MANWIDTH=100 man -l "$1" 2>/dev/null | grep -q "1…366"' _ "$page_file"
fi
check "man page has EXIT STATUS, ENVIRONMENT and EXAMPLES" \
  bash -c 'grep -q "^\.S[hH] \"\?EXIT STATUS" "$1" && grep -q "^\.S[hH] \"\?ENVIRONMENT" "$1" && grep -q "^\.S[hH] \"\?EXAMPLES" "$1"' _ "$page_file"
if command -v man >/dev/null; then
  page=$(MANWIDTH=80 man -l "$root/share/man/man1/pachca-profile.1" 2>&1)
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  check "man -l renders the page (NAME, the plan subcommand, the version)" \
    bash -c 'grep -q "^NAME" <<<"$1" && grep -q "plan" <<<"$1" && grep -q "pachca-profile $2" <<<"$1"' _ "$page" "$version"
else
  skip "man is not installed: the man page was not rendered"
fi
check "bash completion parses (bash -n)" bash -n "$root/share/bash-completion/completions/pachca-profile"
command -v zsh >/dev/null && check "zsh completion parses (zsh -n)" zsh -n "$root/share/zsh/site-functions/_pachca-profile"
command -v fish >/dev/null && check "fish completion parses (fish -n)" fish -n "$root/share/fish/vendor_completions.d/pachca-profile.fish"
check "bash completion registers itself for pachca-profile" grep -qE "^complete .*-F .* pachca-profile$" "$root/share/bash-completion/completions/pachca-profile"
# Completing `pachca-profile plan prof<TAB>` in a folder with profiles/ offers it, as bash
# would: the script sourced, its function called with COMP_WORDS set.
mkdir -p "$work/complete/profiles" "$work/complete/token-dir"
# shellcheck disable=SC2016  # the inner script expands its own variables
complete_words() {  # words...: what the completion offers for the last word
  (cd "$work/complete" && bash -c '
    source "$1"; shift
    fn=$(complete -p pachca-profile | sed -E "s/.*-F ([^ ]+) .*/\1/")
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" pachca-profile "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
    printf "%s\n" "${COMPREPLY[@]}"' _ "$root/share/bash-completion/completions/pachca-profile" "$@")
}
check "bash: pachca-profile plan prof<TAB> offers profiles/" \
  bash -c 'grep -qE "^profiles/?$" <<<"$1"' _ "$(complete_words pachca-profile plan prof)"
check "bash: pachca-profile plan --token-file tok<TAB> offers token-dir" \
  bash -c 'grep -qE "^token-dir/?$" <<<"$1"' _ "$(complete_words pachca-profile plan --token-file tok)"

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
# The shipped emulator: starts, and the shipped tool plans against it.
emu=$6 scratch=$7
"$emu" --port 0 >"$scratch/emu.out" 2>"$scratch/emu.err" &
pid=$!
for _ in $(seq 1 200); do grep -q '^token=' "$scratch/emu.out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/^base_url=//p' "$scratch/emu.out"); tok=$(sed -n 's/^token=//p' "$scratch/emu.out")
out=$(PACHCA_API_URL="$url" PACHCA_TOKEN="$tok" "$tool" plan --detailed-exitcode "$profile" 2>&1); status=$?
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
[ -n "$tok" ] && [ $status -eq 2 ] && ok "bin/pachca-emulator starts and the tool plans against it (exit 2)" \
  || bad "bin/pachca-emulator: exit $status: $out $(cat "$scratch/emu.err")"
# libcurl hidden (an empty file over it): one line naming the package to install.
curl_lib=$(ldconfig -p 2>/dev/null | awk '/libcurl\.so\.4 / && /x86-64|AArch64/ { print $NF; exit }')
if [ -n "$hidden" ] && [ -n "$curl_lib" ] && mount --bind /dev/null "$(readlink -f "$curl_lib")" 2>/dev/null; then
  out=$("$tool" plan "$profile" 2>&1); status=$?
  umount "$(readlink -f "$curl_lib")"
  [ $status -ne 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q 'libcurl4' <<<"$out" \
    && ok "libcurl hidden: exit $status, one line naming libcurl4 ($out)" || bad "libcurl hidden: exit $status: $out"
elif [ -n "$hidden" ]; then
  bad "libcurl could not be hidden (ldconfig found '${curl_lib}')"
fi
INSIDE

run_checks() {  # where, hidden-lib-folder-or-empty, command prefix...
  local hidden=$1; shift
  local results
  results=$(PACHCA_API_URL="$api_url" PACHCA_TOKEN="$token" "$@" bash "$work/inside.sh" \
    "$tool" "$work/profiles/me.yaml" "$version" "$debug_bin/pachca-profile" "$hidden" "$emu" "$work" 2>&1)
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

# Peak RSS of the shipped `plan` (two GETs and the avatar hash) against the emulator: a guard
# at 24 MB. The goal is 22 MB (twice what the curl tool needs for the same two requests); the
# code of the person record, shared settings and watch put `plan` at 22.2–23.2 MB (libcurl's
# own share is about 10.7 MB: `validate` is 12 MB), see BENCHMARKS.md, so a regression past
# the measured spread fails CI while the goal is worked on.
if [ -x /usr/bin/time ]; then
  rss=$(PACHCA_API_URL="$api_url" PACHCA_TOKEN="$token" /usr/bin/time -f %M "$tool" plan "$work/profiles/me.yaml" 2>&1 >/dev/null | tail -1)
  check "peak RSS of plan: ${rss} KB (at most 24576)" test "${rss:-999999}" -le 24576
else
  skip "/usr/bin/time is missing (apt-get install time): the peak-RSS bound was NOT checked"
fi

journal_gets=$(grep -c '"method":"GET"' "$work/journal.jsonl" 2>/dev/null || echo 0)
journal_writes=$(grep -cE '"method":"(PUT|DELETE|POST)"' "$work/journal.jsonl" 2>/dev/null || true)
check "emulator journal: the plans made reads ($journal_gets GETs) and no writes" \
  test "$journal_gets" -gt 0 -a "${journal_writes:-0}" -eq 0

# The GitHub Action's scripts (ci/action/*.sh) against this tarball and the emulator: a local
# HTTP server stands in for the releases page; GITHUB_* files stand in for the runner's.
echo "test-dist: the action's scripts (install from a local release server, plan, apply, drift):"
verdict() {  # name, condition status, log file: pass, or fail and show the log
  if [ "$2" = 0 ]; then pass "$1"; else fail "$1"; sed 's/^/        /' "$3"; fi
}
output_is() { grep -A1 "^$1<<" "$work/github_output" | sed -n 2p | grep -qx -- "$2"; }
if ! command -v python3 >/dev/null; then
  skip "python3 is not installed: the action's scripts were NOT tested (needs a local HTTP server)"
else
  releases="$work/www/acme/pachca-profile/releases/download/v$version"
  mkdir -p "$releases" "$work/runner" "$work/repo/profiles/avatars"
  cp "dist/$name.tar.gz" "dist/$name.tar.gz.sha256" "$releases/"
  PYTHONUNBUFFERED=1 python3 -m http.server --bind 127.0.0.1 0 --directory "$work/www" >"$work/http.out" 2>&1 &
  http=$!
  for _ in $(seq 1 100); do grep -q 'port [0-9]' "$work/http.out" 2>/dev/null && break; sleep 0.05; done
  server="http://127.0.0.1:$(sed -nE 's/.*port ([0-9]+).*/\1/p' "$work/http.out" | head -1)"
  gh_env() {  # the environment a runner gives a composite action's step
    env -u PACHCA_TOKEN -u PACHCA_API_URL GITHUB_ACTIONS=true GITHUB_ACTION_PATH="$PWD" RUNNER_TEMP="$work/runner" \
      GITHUB_PATH="$work/github_path" GITHUB_OUTPUT="$work/github_output" GITHUB_STEP_SUMMARY="$work/summary.md" \
      GITHUB_SERVER_URL="$server" PP_REPOSITORY=acme/pachca-profile "$@"
  }
  log="$work/action.log"
  installed="$work/runner/pachca-profile/bin/pachca-profile"

  gh_env PP_VERSION= ci/action/install.sh >"$log" 2>&1 &&
    grep -qx "$work/runner/pachca-profile/bin" "$work/github_path" && [ "$("$installed" --version)" = "$version" ]
  verdict "action install: downloads the release of VERSION, checks its sha256, puts it on GITHUB_PATH" $? "$log"
  cp "$releases/$name.tar.gz.sha256" "$work/good.sha256"
  echo "0000000000000000000000000000000000000000000000000000000000000000  $name.tar.gz" >"$releases/$name.tar.gz.sha256"
  ! gh_env PP_VERSION="v$version" ci/action/install.sh >"$log" 2>&1 && grep -q "sha256 mismatch" "$log"
  verdict "action install: refuses a tarball whose sha256 differs from the published one" $? "$log"
  cp "$work/good.sha256" "$releases/$name.tar.gz.sha256"
  ! gh_env PP_VERSION=9.9.9 ci/action/install.sh >"$log" 2>&1 &&
    grep -q "^::error .*no release v9.9.9 .*$server/acme/pachca-profile/releases" "$log"
  verdict "action install: a version with no release is an ::error naming it and the releases page" $? "$log"
  ! gh_env PP_SHA256=0123abcd ci/action/install.sh >"$log" 2>&1 && grep -q "the sha256 input expects" "$log"
  verdict "action install: refuses a tarball that differs from the sha256 input" $? "$log"

  cp profiles/avatars/me.png "$work/repo/profiles/avatars/me.png"
  cp "$work/profiles/me.yaml" "$work/repo/profiles/me.yaml"
  : >"$work/github_output"
  (cd "$work/repo" && gh_env PP_FILES="profiles/me.yaml profiles" "$OLDPWD/ci/action/state-paths.sh") >"$log" 2>&1 &&
    grep -qx ".pachca-profile" "$work/github_output" && grep -qx "profiles/.me.state.json" "$work/github_output" &&
    grep -qxF "profiles/**/.*.state.json" "$work/github_output" && grep -q "^key=pachca-profile-state-" "$work/github_output"
  verdict "action state-paths: the state folder, and older records beside a file and below a folder, one key" $? "$log"

  action_run() {  # PP_* assignments...: ci/action/run.sh in the fake repository; sets $status
    : >"$work/github_output"
    (cd "$work/repo" && gh_env PATH="$(dirname "$installed"):$PATH" PP_TOKEN="$token" PP_API_URL="$api_url" \
      PP_FILES=profiles/me.yaml PP_PLAN_FILE=pachca-profile.plan.json "$@" "$OLDPWD/ci/action/run.sh") >"$log" 2>&1
    status=$?
  }
  : >"$work/summary.md"
  action_run PP_COMMAND=plan PP_SAVE_PLAN=true
  [ "$status" = 0 ] && output_is exit_code 2 && output_is has_changes true &&
    grep -A1 "^plan_json<<" "$work/github_output" | grep -q '"has_changes":true' &&
    [ -s "$work/summary.md" ] && [ -s "$work/repo/pachca-profile.plan.json" ]
  verdict "action plan: the step passes; exit_code 2, has_changes true, plan_json, a summary, the saved plan" $? "$log"
  action_run PP_COMMAND=plan PP_ARGS=--detailed-exitcode
  [ "$status" = 2 ] && output_is has_changes true && grep -q "^::error title=pachca-profile drift::" "$log"
  verdict "action plan with args --detailed-exitcode (the drift check): the step fails with 2 and an ::error" $? "$log"
  before=$(wc -c <"$work/summary.md")
  action_run PP_COMMAND=apply PP_APPLY_SAVED_PLAN=true
  [ "$status" = 0 ] && output_is exit_code 0 && grep -q '"method":"PUT"' "$work/journal.jsonl" &&
    [ "$(wc -c <"$work/summary.md")" -gt "$before" ] && grep -q "pachca-profile apply" "$work/summary.md"
  verdict "action apply of the saved plan: exit 0, the emulator got the writes, an apply summary" $? "$log"
  action_run PP_COMMAND=plan
  [ "$status" = 0 ] && output_is has_changes false
  verdict "action plan after the apply: has_changes false" $? "$log"
  printf 'status: {emoji: "💻", title: ""}\n' >"$work/repo/profiles/me.yaml"
  action_run PP_COMMAND=plan
  [ "$status" = 1 ] && output_is exit_code 1 && grep -q "^::error file=" "$log"
  verdict "action plan of an invalid file: validate fails first, with ::error annotations, exit 1" $? "$log"
  # version: source builds the action's checkout: here the release build `make dist` just made.
  rm -rf "$work/runner/pachca-profile"
  gh_env PP_VERSION=source ci/action/install.sh >"$log" 2>&1 &&
    [ "$("$installed" --version)" = "$version" ] && ! ldd "$installed" | grep -q libswiftCore
  verdict "action install with version source: builds this checkout with the static runtime" $? "$log"

  # The GitLab template's jobs, run as a runner would: each in a private mount namespace with
  # a fresh /usr/local (the jobs install the release there) and TMPDIR; the plan file stays
  # in the project folder for the apply job, as the artifact would.
  echo "test-dist: the GitLab template's jobs (validate, plan with the artifact, apply of that plan):"
  python=.build/lint-venv/bin/python
  if ! [ -x "$python" ] || ! "$python" -c 'import ruamel.yaml' 2>/dev/null; then
    skip "GitLab template jobs NOT run: .build/lint-venv (ruamel.yaml) is missing"
  elif ! unshare -m --propagation private true 2>/dev/null; then
    skip "GitLab template jobs NOT run: unshare -m is not permitted here"
  else
    project="$work/gitlab-project"
    mkdir -p "$project/profiles/avatars" "$work/gitlab-tmp"
    cp profiles/avatars/me.png "$project/profiles/avatars/me.png"
    cp "$work/profiles/me.yaml" "$project/profiles/me.yaml"
    curl -fsS -X POST -H 'Content-Type: application/json' -d '{"status":null,"avatar":null}' "${api_url%/api/shared/v1}/__emulator/state" >/dev/null
    gitlab_job() {  # job name: runs it, sets $status, output in $log
      "$python" scripts/gitlab-job-script.py ci/pachca-profile.gitlab-ci.yml "$1" --skip apt-get \
        --set PACHCA_PROFILE_RELEASES="$server/acme/pachca-profile/releases/download" >"$work/job.sh"
      (cd "$project" && TMPDIR="$work/gitlab-tmp" PACHCA_API_URL="$api_url" PACHCA_TOKEN="$token" \
        unshare -m --propagation private bash -c 'mount -t tmpfs tmpfs /usr/local && exec sh -e' \
        <"$work/job.sh") >"$log" 2>&1
      status=$?
    }
    gitlab_job pachca-profile-validate
    [ "$status" = 0 ] && grep -q "profiles/me.yaml: valid" "$log"
    verdict "GitLab pachca-profile-validate: installs the release (sha256 checked) and validates" $? "$log"
    gitlab_job pachca-profile-plan
    [ "$status" = 0 ] && [ -s "$project/pachca-profile.plan.json" ] && grep -q "^Plan: 2 to create" "$log"
    verdict "GitLab pachca-profile-plan: prints the plan and saves the artifact pachca-profile.plan.json" $? "$log"
    gitlab_job pachca-profile-apply
    [ "$status" = 0 ] && grep -q "Apply complete" "$log" && [ -n "$(find "$project/.pachca-profile" -name '*.json' -size +0 2>/dev/null)" ]
    verdict "GitLab pachca-profile-apply: applies that saved plan and writes the state record" $? "$log"
    [ ! -e /usr/local/bin/pachca-profile ] || [ /usr/local/bin/pachca-profile -ot "$tarball" ]
    verdict "GitLab jobs left this machine's /usr/local alone" $? /dev/null
  fi
  kill "$http" 2>/dev/null; wait "$http" 2>/dev/null
fi

echo "test-dist: done in ${SECONDS}s"
echo "test-dist: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
