#!/usr/bin/env bash
# bench/compare.sh OLD NEW: do two srm-lint binaries print byte-identical output on the corpus?
#
# Runs both binaries over ../shared/corpus (or $SRM_CORPUS) in every output format (terminal
# plain and coloured, compact, JSON, SARIF, markdown, GitHub), plus the examples and catalog
# listings, and compares stdout, stderr and exit code. Prints one line per case and exits 1 on
# the first difference's summary (all cases still run). A refactoring keeps this at "identical".
set -uo pipefail
old=$(realpath "${1:?usage: bench/compare.sh OLD-BINARY NEW-BINARY}")
new=$(realpath "${2:?usage: bench/compare.sh OLD-BINARY NEW-BINARY}")
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${SRM_CORPUS:-$here/../shared/corpus}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
run_case() {
    local name=$1
    shift
    (cd "$here/.." && "$old" "$@" >"$work/old.out" 2>"$work/old.err"; echo $? >"$work/old.rc")
    (cd "$here/.." && "$new" "$@" >"$work/new.out" 2>"$work/new.err"; echo $? >"$work/new.rc")
    if cmp -s "$work/old.out" "$work/new.out" && cmp -s "$work/old.err" "$work/new.err" \
        && cmp -s "$work/old.rc" "$work/new.rc"; then
        printf 'identical  %-28s (%s bytes, exit %s)\n' "$name" "$(wc -c <"$work/new.out")" "$(cat "$work/new.rc")"
    else
        printf 'DIFFERENT  %-28s\n' "$name"
        diff <(head -c 2000000 "$work/old.out") <(head -c 2000000 "$work/new.out") | head -20
        diff "$work/old.err" "$work/new.err" | head -10
        diff "$work/old.rc" "$work/new.rc"
        status=1
    fi
}
rel=$(realpath --relative-to="$here/.." "$corpus")
ex=$(basename "$here")/testdata/examples
run_case "corpus plain" "$rel" --color never
run_case "corpus colour" "$rel" --color always
run_case "corpus compact" "$rel" --format compact
run_case "corpus json" "$rel" --format json
run_case "corpus sarif" "$rel" --format sarif
run_case "corpus markdown" "$rel" --format markdown
run_case "corpus github" "$rel" --format github
run_case "corpus unverified" "$rel" --format compact --fail-on unverified --min-severity high
for f in pretty compact json sarif markdown github; do
    run_case "examples $f" "$ex" --format "$f" --color never
done
run_case "catalog text" catalog
run_case "catalog json" catalog --format json
run_case "explain" explain SRM-S3-004
exit $status
