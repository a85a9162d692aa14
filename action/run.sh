#!/usr/bin/env bash
# The steps of the srm-lint GitHub Action (action.yml), as one script so they can be tested:
# scan, write the Markdown checklist to $GITHUB_STEP_SUMMARY (at most 1,000,000 bytes, under
# GitHub's 1 MiB), print annotations (by default only on the lines the pull request changes),
# optionally write SARIF, set outputs in $GITHUB_OUTPUT, and exit by the thresholds.
#
# Inputs (environment):
#   SRM_LINT            binary (default srm-lint)
#   INPUT_PATH          file or directory to scan (default .)
#   INPUT_FAIL_ON       unaddressed|unverified|never (default unaddressed)
#   INPUT_FAIL_ON_ERROR true|false (default true): whether tool errors (exit code 2) fail the step
#   INPUT_ANNOTATIONS   changed|all|none (default changed): annotate only the lines changed since
#                       the base, every finding, or none (errors and notices are always annotated)
#   INPUT_BASE          base commit or ref to diff against (default: the pull request's base, from
#                       $GITHUB_EVENT_PATH or origin/$GITHUB_BASE_REF)
#   INPUT_SARIF_FILE    write SARIF here (optional)
#   INPUT_SARIF_CATEGORY SARIF automationDetails category (optional)
#   INPUT_HTML_REPORT   true|false (default false here; the action's input defaults to true):
#                       write the HTML responsibility report to
#                       $RUNNER_TEMP/srm-lint-report/srm-lint-report.html (the action uploads it
#                       as an artifact and links it from the job summary)
#   INPUT_ARGS          extra arguments: one per line (the whole line, spaces kept; a line wrapped
#                       in quotes loses them); a single line is split as a shell would (quotes
#                       respected, nothing expanded)
#
# Outputs: unaddressed, unverified, errors, exit-code (srm-lint's: 0, 1 findings past fail-on,
# 2 tool errors), annotations (how many finding annotations were printed), sarif-file,
# html-file (the HTML report written, empty when none).
set -uo pipefail

bin="${SRM_LINT:-srm-lint}"
path="${INPUT_PATH:-.}"
fail_on="${INPUT_FAIL_ON:-unaddressed}"
fail_on_error="${INPUT_FAIL_ON_ERROR:-true}"
annotations="${INPUT_ANNOTATIONS:-changed}"
sarif="${INPUT_SARIF_FILE:-}"
category="${INPUT_SARIF_CATEGORY:-}"
html_report="${INPUT_HTML_REPORT:-false}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bad_input() {
  echo "::error title=srm-lint::$1"
  exit 2
}
case "$fail_on" in
  unaddressed|unverified|never) ;;
  *) bad_input "fail-on must be unaddressed, unverified or never, not '$fail_on'" ;;
esac
case "$fail_on_error" in
  true|false) ;;
  *) bad_input "fail-on-error must be true or false, not '$fail_on_error'" ;;
esac
case "$html_report" in
  true|false) ;;
  *) bad_input "html-report must be true or false, not '$html_report'" ;;
esac
case "$annotations" in
  changed|all|none) ;;
  *) bad_input "annotations must be changed, all or none, not '$annotations'" ;;
esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The extra arguments, NUL-separated by the helper, into an array.
extra=()
if ! python3 "$here/helpers.py" args >"$tmp/args"; then
  bad_input "args could not be read (an unclosed quote?)"
fi
while IFS= read -r -d '' a; do extra+=("$a"); done <"$tmp/args"

# The exit status when tool errors do not fail the step: by the findings alone.
finish() {
  local code="$1"
  if [ "$code" -eq 2 ] && [ "$fail_on_error" = false ]; then
    echo "::warning title=srm-lint::srm-lint reported tool errors (exit code 2); fail-on-error is false, so the step passes"
    exit "${2:-0}"
  fi
  exit "$code"
}

# One scan for the numbers; the renderings are cheap re-runs of the same deterministic scan.
"$bin" "$path" "${extra[@]}" --format json --fail-on never --output "$tmp/report.json"
scan_status=$?
if [ ! -s "$tmp/report.json" ]; then
  echo "::error title=srm-lint::srm-lint did not produce a report (exit $scan_status)"
  [ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=2" >>"$GITHUB_OUTPUT"
  finish 2
fi

"$bin" "$path" "${extra[@]}" --format github --fail-on never >"$tmp/annotations.txt"
shown=0
note=""
case "$annotations" in
  none)
    grep -E '^::[a-z]+ [^:]*title=srm-lint' "$tmp/annotations.txt"
    ;;
  all)
    cat "$tmp/annotations.txt"
    shown="$(grep -cvE '^::[a-z]+ [^:]*title=srm-lint' "$tmp/annotations.txt")"
    ;;
  changed)
    if python3 "$here/helpers.py" changed-lines "${INPUT_BASE:-}" >"$tmp/changed.txt" 2>"$tmp/base.txt"; then
      python3 "$here/helpers.py" filter "$tmp/changed.txt" <"$tmp/annotations.txt" >"$tmp/shown.txt" 2>"$tmp/count.txt"
      cat "$tmp/shown.txt"
      shown="$(cat "$tmp/count.txt")"
      note="Annotations: $shown findings on the lines changed since $(cat "$tmp/base.txt") (every finding is in the checklist below)."
    else
      echo "::notice title=srm-lint::$(cat "$tmp/base.txt"); annotating every finding. Check out with fetch-depth: 0 (or fetch the base) to annotate only changed lines."
      cat "$tmp/annotations.txt"
      shown="$(grep -cvE '^::[a-z]+ [^:]*title=srm-lint' "$tmp/annotations.txt")"
    fi
    ;;
esac

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    "$bin" "$path" "${extra[@]}" --format markdown --fail-on never --max-markdown 1000000
    [ -n "$note" ] && printf '\n%s\n' "$note"
  } >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "$sarif" ]; then
  "$bin" "$path" "${extra[@]}" --format sarif --fail-on never --sarif-category "$category" --output "$sarif"
fi

html=""
if [ "$html_report" = true ]; then
  html="${RUNNER_TEMP:-$tmp}/srm-lint-report/srm-lint-report.html"
  mkdir -p "$(dirname "$html")"
  if ! "$bin" "$path" "${extra[@]}" --format html --fail-on never --output "$html" || [ ! -s "$html" ]; then
    echo "::warning title=srm-lint::the HTML report could not be written"
    html=""
  fi
fi

count() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["summary"]["verdicts"].get(sys.argv[2], 0) if sys.argv[2] != "errors" else r["summary"]["errors"])' "$tmp/report.json" "$1"
}
unaddressed="$(count unaddressed)"
unverified="$(count unverified)"
errors="$(count errors)"

findings_status=0
if [ "$fail_on" = unaddressed ] && [ "$unaddressed" -gt 0 ]; then
  findings_status=1
elif [ "$fail_on" = unverified ] && [ $((unaddressed + unverified)) -gt 0 ]; then
  findings_status=1
fi
status="$findings_status"
# A scan that exited 2 without located errors (an unreadable option file, say) is a tool error too.
if [ "$errors" -gt 0 ] || [ "$scan_status" -eq 2 ]; then
  status=2
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "unaddressed=$unaddressed"
    echo "unverified=$unverified"
    echo "errors=$errors"
    echo "exit-code=$status"
    echo "annotations=$shown"
    echo "sarif-file=$sarif"
    echo "html-file=$html"
  } >>"$GITHUB_OUTPUT"
fi
finish "$status" "$findings_status"
