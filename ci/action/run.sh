#!/usr/bin/env bash
# GitHub Action step: run pachca-profile and expose the outputs `exit_code`, `has_changes`
# and `plan_json`. Inputs arrive as environment variables:
#   PP_COMMAND  validate | plan | apply
#   PP_FILES    files/folders, separated by spaces or newlines
#   PP_ARGS     extra arguments, split on spaces (e.g. "--detailed-exitcode", "--timeout 10")
#   PP_TOKEN, PP_API_URL            override PACHCA_TOKEN / PACHCA_API_URL when not empty
#   PP_SAVE_PLAN=true, PP_PLAN_FILE plan: also save the plan for `apply --plan`
#   PP_APPLY_SAVED_PLAN=true        apply: apply PP_PLAN_FILE instead of planning again
#
# Every command first runs `validate` (offline), so file problems land on the pull request
# as annotations. `plan` runs once with --json --detailed-exitcode: the JSON is the
# `plan_json` output, exit 2 means `has_changes=true`, and the tool writes the Markdown
# summary itself. Exit 2 fails the step only when the caller asked for --detailed-exitcode
# in `args` (a drift check). `apply` output goes to the log and, unless the tool wrote one,
# into the step summary.
set -uo pipefail
# Written for bash 3.2 too (macOS runners): an empty array is expanded as ${a[@]+"${a[@]}"}.

command=${PP_COMMAND:-plan}
read -r -d '' -a files <<<"${PP_FILES:-}" || true
read -r -d '' -a extra <<<"${PP_ARGS:-}" || true
[ "${#files[@]}" -gt 0 ] || { echo "::error::pachca-profile: the files input is empty"; exit 1; }
if [ -n "${PP_TOKEN:-}" ]; then
  echo "::add-mask::$PP_TOKEN"
  export PACHCA_TOKEN="$PP_TOKEN"
fi
[ -n "${PP_API_URL:-}" ] && export PACHCA_API_URL="$PP_API_URL"
summary=${GITHUB_STEP_SUMMARY:-/dev/null}
output=${GITHUB_OUTPUT:-/dev/null}

set_output() {  # name value (value may span lines)
  local delimiter
  delimiter="EOF_$(date +%s%N)_$RANDOM"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"$output"
}
finish() {  # exit status of the tool, exit status of this step
  set_output exit_code "$1"
  [ "$2" -ne 0 ] && annotate "$1"
  exit "$2"
}
annotate() {  # a failed step's ::error annotation: what happened and what to do
  local what="pachca-profile $command"
  case "$1" in
    2) echo "::error title=pachca-profile drift::the live profile no longer matches ${files[*]} (the plan is in the step summary): apply the files, or change them to match" ;;
    3) echo "::error title=$what::the token was refused or lacks a scope (log above): check the token secret, and run pachca-profile doctor with it for the scopes" ;;
    64) echo "::error title=$what::a usage error (log above): check the command and args inputs" ;;
    *) if [ "$validated" = true ]; then
         echo "::error title=$what::failed with exit $1 (the reason is in the log above); an apply that failed part-way is finished by the next apply"
       fi ;;
  esac
}
validated=false
summary_size() {  # BSD wc pads with spaces; $(( )) drops them
  local bytes
  bytes=$(wc -c <"$summary" 2>/dev/null || echo 0)
  echo $((bytes))
}

case "$command" in
  validate|plan|apply) ;;
  *) echo "::error::pachca-profile: command must be validate, plan or apply (got '$command')"; finish 64 64 ;;
esac

# `--`: a file named like an option is still a file.
pachca-profile validate -- "${files[@]}"
status=$?
# validate's own ::error annotations name each file problem; nothing to add to them.
[ "$status" -eq 0 ] && validated=true
if [ "$command" = validate ] || [ "$status" -ne 0 ]; then finish "$status" "$status"; fi

caller_wants_detailed=false
for arg in ${extra[@]+"${extra[@]}"}; do [ "$arg" = --detailed-exitcode ] && caller_wants_detailed=true; done

if [ "$command" = plan ]; then
  args=(plan --json)
  $caller_wants_detailed || args+=(--detailed-exitcode)
  [ "${PP_SAVE_PLAN:-false}" = true ] && args+=(--out "${PP_PLAN_FILE:?}")
  before=$(summary_size)
  json=$(pachca-profile "${args[@]}" ${extra[@]+"${extra[@]}"} -- "${files[@]}")
  status=$?
  set_output plan_json "$json"
  case "$status" in
    0) set_output has_changes false ;;
    2) set_output has_changes true ;;
  esac
  # The log shows what the step summary shows; the JSON when the tool wrote no summary.
  if [ "$(summary_size)" -gt "$before" ]; then tail -c +"$((before + 1))" "$summary"; else echo "$json"; fi
  if [ "$status" -eq 2 ] && ! $caller_wants_detailed; then finish 2 0; fi
  finish "$status" "$status"
fi

# apply
if [ "${PP_APPLY_SAVED_PLAN:-false}" = true ]; then
  args=(apply --plan "${PP_PLAN_FILE:?}")  # the plan names its files; it never asks
else
  args=(apply --auto-approve)
fi
before=$(summary_size)
log=$(mktemp)
if [ "${PP_APPLY_SAVED_PLAN:-false}" = true ]; then
  pachca-profile "${args[@]}" ${extra[@]+"${extra[@]}"} | tee "$log"
else
  pachca-profile "${args[@]}" ${extra[@]+"${extra[@]}"} -- "${files[@]}" | tee "$log"
fi
status=${PIPESTATUS[0]}
if [ "$(summary_size)" -eq "$before" ] && [ "$summary" != /dev/null ]; then
  {
    echo "### pachca-profile apply (exit $status)"
    echo
    echo '```'
    cat "$log"
    echo '```'
  } >>"$summary"
fi
rm -f "$log"
finish "$status" "$status"
