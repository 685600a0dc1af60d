#!/usr/bin/env bash
# GitHub Action step: the state records (docs/teams.md, "State records") as the `paths` and `key`
# outputs for actions/cache. Records live in one folder, one per API host and person:
# `.pachca-profile/` in the workspace, or PACHCA_STATE_DIR when the job sets it. Moving or
# renaming profile files keeps them. Records of earlier versions (`.<name>.state.json` beside
# a file in `files`) are cached too until the next apply moves them into the folder. The key
# names the folder, not its contents: the records change on every apply, so each run saves a
# new entry (run id) and restores the newest one.
#   PP_FILES   the files/folders, separated by spaces or newlines
set -euo pipefail

read -r -d '' -a files <<<"${PP_FILES:-}" || true
[ "${#files[@]}" -gt 0 ] || { echo "::error::pachca-profile: the files input is empty"; exit 1; }

folder="${PACHCA_STATE_DIR:-.pachca-profile}"
paths=("${folder%/}")
for file in "${files[@]}"; do
  if [ -d "$file" ]; then
    paths+=("${file%/}/**/.*.state.json")
  else
    base=$(basename "$file")
    paths+=("$(dirname "$file")/.${base%.*}.state.json")
  fi
done

digest=$(printf '%s\n' "${folder%/}" | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-16)
delimiter="EOF_$(date +%s%N)_$RANDOM"
{
  echo "paths<<$delimiter"
  printf '%s\n' "${paths[@]}"
  echo "$delimiter"
  echo "key=pachca-profile-state-$digest"
} >>"${GITHUB_OUTPUT:?}"
printf 'state records cached: %s\n' "${paths[@]}"
