#!/usr/bin/env bash
# GitHub Action step: the state records (docs/design.md) that belong to the `files` input, as the
# `paths` and `key` outputs for actions/cache. A file's record is `.<name>.state.json` beside
# it; a folder's are every `.*.state.json` below it. The key names the paths, not their
# contents: the records change on every apply, so each run saves a new entry (run id) and
# restores the newest one with the same paths.
#   PP_FILES   the files/folders, separated by spaces or newlines
set -euo pipefail

read -r -d '' -a files <<<"${PP_FILES:-}" || true
[ "${#files[@]}" -gt 0 ] || { echo "::error::pachca-profile: the files input is empty"; exit 1; }

paths=()
for file in "${files[@]}"; do
  if [ -d "$file" ]; then
    paths+=("${file%/}/**/.*.state.json")
  else
    base=$(basename "$file")
    paths+=("$(dirname "$file")/.${base%.*}.state.json")
  fi
done

digest=$(printf '%s\n' "${paths[@]}" | sort | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-16)
delimiter="EOF_$(date +%s%N)_$RANDOM"
{
  echo "paths<<$delimiter"
  printf '%s\n' "${paths[@]}"
  echo "$delimiter"
  echo "key=pachca-profile-state-$digest"
} >>"${GITHUB_OUTPUT:?}"
printf 'state records cached: %s\n' "${paths[@]}"
