#!/usr/bin/env bash
# Lints the distribution files (docs/ci.md), as part of `make test`:
#   actionlint        .github/workflows/*.yml, ci/github/*.yml, examples/*.yml (with shellcheck on their run: scripts)
#   check-jsonschema  action.yml (GitHub Action metadata schema), the workflows (workflow
#                     schema), ci/*.gitlab-ci.yml (GitLab CI schema) — all vendored in the wheel
#   hadolint          Dockerfile
#   ShellCheck        the action's scripts, scripts/*.sh, ci/*.sh, .ci/run
#   consistency       one version everywhere (VERSION), README and docs/ snippets are these files
# The linters come from .build/lint-venv (made by .ci/run from ci/lint-requirements.txt) or
# PATH. A linter that is missing is reported as SKIPPED, loudly, never as passed; with
# LINT_CI_REQUIRED=1 (set by .ci/run once it installed them) a missing linter fails.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.build/lint-venv/bin:$PATH"

passed=0 failed=0 skipped=0
indent() { sed 's/^/        /'; }
run() {  # name, command...
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "  ok    $name"
  else
    failed=$((failed + 1)); echo "  FAIL  $name"; indent <<<"$out"
  fi
}
need() {  # tool: true when present; otherwise a loud skip (or a failure when required)
  command -v "$1" >/dev/null && return 0
  if [ "${LINT_CI_REQUIRED:-0}" = 1 ]; then
    failed=$((failed + 1)); echo "  FAIL  $1 is not installed (LINT_CI_REQUIRED=1)"
  else
    skipped=$((skipped + 1))
    echo "  SKIP  $1 is not installed: its checks did NOT run (pip install -r ci/lint-requirements.txt)" >&2
    echo "  SKIP  $1 is not installed: its checks did NOT run"
  fi
  return 1
}

workflows=(.github/workflows/*.yml ci/github/*.yml examples/*.yml)
gitlab=(ci/*.gitlab-ci.yml ci/gitlab/*.yml)
shell_scripts=(ci/action/*.sh ci/*.sh scripts/*.sh .ci/run)

echo "lint-ci: the distribution files"
if need actionlint; then
  command -v shellcheck >/dev/null || echo "  note  shellcheck is not installed: actionlint skips the run: scripts"
  run "actionlint ${workflows[*]}" actionlint -no-color "${workflows[@]}"
fi
if need check-jsonschema; then
  run "check-jsonschema action.yml (GitHub Action metadata)" check-jsonschema --builtin-schema vendor.github-actions action.yml
  run "check-jsonschema ${workflows[*]} (GitHub workflows)" check-jsonschema --builtin-schema vendor.github-workflows "${workflows[@]}"
  run "check-jsonschema ${gitlab[*]} (GitLab CI)" check-jsonschema --builtin-schema vendor.gitlab-ci "${gitlab[@]}"
fi
if need hadolint; then
  run "hadolint Dockerfile" hadolint --failure-threshold style Dockerfile
fi
if need shellcheck; then
  run "shellcheck ${shell_scripts[*]}" shellcheck "${shell_scripts[@]}"
fi

# One version: VERSION, the Swift constant, and every place the CI files and README name it.
version=$(tr -d ' \n' <VERSION)
version_drift() {
  local swift_version
  swift_version=$(sed -n 's/.*static let version = "\([^"]*\)".*/\1/p' Sources/pachca-profile/*.swift | head -1)
  [ "$swift_version" = "$version" ] || echo "Sources/pachca-profile: version constant is '$swift_version', VERSION is '$version'"
  grep -HnoE 'pachca-profile@v[0-9][0-9.]*|PACHCA_PROFILE_VERSION: "[0-9][0-9.]*"|^version=[0-9][0-9.]*|pachca-profile:[0-9][0-9.]*[0-9]|pachca-profile/v[0-9][0-9.]*[0-9]/|pachca-profile-[0-9][0-9.]*[0-9]-(linux|macos)' \
    README.md docs/*.md examples/*.yml action.yml ci/*.yml ci/*.sh ci/github/*.yml ci/gitlab/*.yml |
    grep -vE "[@:=/\"v-]${version//./\\.}([\"/-]|$)"
  return 0
}
drift=$(version_drift)
run "one version ($version) in VERSION, the Swift constant, README, docs/, examples/ and ci/" test -z "$drift" || true
[ -z "$drift" ] || indent <<<"$drift"

if command -v python3 >/dev/null; then
  run "README and docs/: every install/CI snippet is a linted file" python3 scripts/check-readme-snippets.py README.md docs/*.md
else
  need python3 || true
fi

echo "lint-ci: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
