#!/usr/bin/env bash
# The steps of the srm-lint GitHub Action (action.yml), as one script so they can be tested:
# scan, write the markdown checklist to $GITHUB_STEP_SUMMARY, print annotations, optionally write
# SARIF, set outputs in $GITHUB_OUTPUT, and exit by the fail-on threshold.
#
# Inputs (environment): SRM_LINT (binary, default srm-lint), INPUT_PATH (default .),
# INPUT_FAIL_ON (unaddressed|unverified|never, default unaddressed), INPUT_SARIF_FILE (optional),
# INPUT_ARGS (extra arguments, split on spaces).
set -uo pipefail

bin="${SRM_LINT:-srm-lint}"
path="${INPUT_PATH:-.}"
fail_on="${INPUT_FAIL_ON:-unaddressed}"
sarif="${INPUT_SARIF_FILE:-}"
read -r -a extra <<<"${INPUT_ARGS:-}"

case "$fail_on" in
  unaddressed|unverified|never) ;;
  *) echo "::error title=srm-lint::fail-on must be unaddressed, unverified or never, not '$fail_on'"; exit 2 ;;
esac

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# One scan for the numbers; the renderings are cheap re-runs of the same deterministic scan.
"$bin" "$path" "${extra[@]}" --format json --fail-on never --output "$tmp/report.json"
scan_status=$?
if [ ! -s "$tmp/report.json" ]; then
  echo "::error title=srm-lint::srm-lint did not produce a report (exit $scan_status)"
  exit 2
fi

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$bin" "$path" "${extra[@]}" --format markdown --fail-on never >>"$GITHUB_STEP_SUMMARY"
fi
"$bin" "$path" "${extra[@]}" --format github --fail-on never
if [ -n "$sarif" ]; then
  "$bin" "$path" "${extra[@]}" --format sarif --fail-on never --output "$sarif"
fi

count() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["summary"]["verdicts"].get(sys.argv[2], 0) if sys.argv[2] != "errors" else r["summary"]["errors"])' "$tmp/report.json" "$1"
}
unaddressed="$(count unaddressed)"
unverified="$(count unverified)"
errors="$(count errors)"

status=0
if [ "$errors" -gt 0 ]; then
  status=2
elif [ "$fail_on" = unaddressed ] && [ "$unaddressed" -gt 0 ]; then
  status=1
elif [ "$fail_on" = unverified ] && [ $((unaddressed + unverified)) -gt 0 ]; then
  status=1
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "unaddressed=$unaddressed"
    echo "unverified=$unverified"
    echo "errors=$errors"
    echo "exit-code=$status"
    [ -n "$sarif" ] && echo "sarif-file=$sarif"
  } >>"$GITHUB_OUTPUT"
fi
exit "$status"
