#!/usr/bin/env bash
# bench/crosscheck.sh: every duty's examples against the checkov checks the duty cites (issue 21,
# item 5). Run it before resolving a catalog change; it is not part of CI (it installs checkov from
# PyPI and takes a minute or two).
#
# Usage (from anywhere):
#
#     bench/crosscheck.sh                          # the repository's policies/
#     bench/crosscheck.sh --catalog-dir DIR        # another catalog (a staging copy of policies/)
#     bench/crosscheck.sh --write                  # also write the report to bench/CROSSCHECK.md
#     bench/crosscheck.sh --write=OUT.md           # ... or to OUT.md
#
# What it does: reads the duties with `srm-lint catalog --format json --catalog-dir DIR` (the TOML
# under DIR, not the catalog built into the binary), writes each example of each duty that cites a
# checkov check to its own directory (main.tf, template.yaml or template.json) in a temporary tree,
# runs checkov once per framework over that tree with --check limited to the cited ids, and maps
# the results back by file path and resource. Per example and cited check:
#     addressed   + PASSED -> agree          addressed   + FAILED -> disagree
#     unaddressed + FAILED -> agree          unaddressed + PASSED -> disagree
#     no result on the example (another resource type, no implementation for the language)
#                          -> not applicable
#     unverified / attestation examples -> information only
# A disagreement on a duty with a non-empty `[references] differences` is a documented difference.
# The markdown report (stdout) has the totals and one row per undocumented disagreement, then the
# cited checks that never applied to a duty's examples, the documented differences and the
# information rows.
#
# Environment:
#     SRM_LINT=/path/to/srm-lint   the binary (default: target/release/srm-lint, built when missing;
#                                  it needs `catalog --catalog-dir`)
#     CROSSCHECK_VENV=/path        reuse this venv (created and filled on first use) instead of a
#                                  throwaway one; it must hold checkov $CHECKOV_VERSION
#     CHECKOV_VERSION=X.Y.Z        default: the pin below, the checkov version of bench/RESULTS.md
#     CROSSCHECK_KEEP=1            keep the example tree and checkov's JSON (prints where)
#     CROSSCHECK_JSON=/path.json   also write every (example, cited check) row as JSON there
#
# checkov runs offline: --skip-download, and HTTP(S)_PROXY pointing at a closed local port (as in
# bench/run.sh), so any network attempt fails at once.
#
# Exit codes: 0 no undocumented disagreement, 1 some, 2 a tool error.
set -euo pipefail

# The checkov version bench/RESULTS.md was measured with (bench/run.sh itself installs the newest).
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CATALOG_DIR="$ROOT/policies"
WRITE=""
while [ $# -gt 0 ]; do
    case "$1" in
    --catalog-dir)
        [ $# -ge 2 ] || { echo "bench/crosscheck.sh: --catalog-dir needs a directory" >&2; exit 2; }
        CATALOG_DIR="$2"
        shift
        ;;
    --catalog-dir=*) CATALOG_DIR="${1#*=}" ;;
    --write) WRITE="$ROOT/bench/CROSSCHECK.md" ;;
    --write=*) WRITE="${1#*=}" ;;
    -h | --help)
        awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
        exit 0
        ;;
    *)
        echo "bench/crosscheck.sh: unknown argument $1 (see --help)" >&2
        exit 2
        ;;
    esac
    shift
done
if [ ! -d "$CATALOG_DIR" ]; then
    echo "bench/crosscheck.sh: no catalog directory $CATALOG_DIR" >&2
    exit 2
fi
CATALOG_DIR="$(cd "$CATALOG_DIR" && pwd)"
if [ -n "$WRITE" ]; then
    mkdir -p "$(dirname "$WRITE")"
    WRITE="$(cd "$(dirname "$WRITE")" && pwd)/$(basename "$WRITE")"
fi

say() { printf '== %s\n' "$*" >&2; }
START=$(date +%s)

W="$(mktemp -d "${TMPDIR:-/tmp}/srm-crosscheck.XXXXXX")"
if [ "${CROSSCHECK_KEEP:-0}" = 1 ]; then
    echo "bench/crosscheck.sh: keeping the example tree and checkov's output in $W" >&2
else
    trap 'rm -rf "$W"' EXIT
fi

# --- srm-lint ------------------------------------------------------------------------------------
BIN="${SRM_LINT:-$ROOT/target/release/srm-lint}"
if [ ! -x "$BIN" ]; then
    if [ -n "${SRM_LINT:-}" ]; then
        echo "bench/crosscheck.sh: SRM_LINT=$BIN is not an executable" >&2
        exit 2
    fi
    say "building release"
    (cd "$ROOT" && cargo build --release --quiet)
fi
if ! "$BIN" catalog --format json --catalog-dir "$CATALOG_DIR" >"$W/catalog.json" 2>"$W/catalog.err"; then
    echo "bench/crosscheck.sh: $BIN could not read the catalog in $CATALOG_DIR:" >&2
    cat "$W/catalog.err" >&2
    exit 2
fi

# --- checkov (pinned, from PyPI) -----------------------------------------------------------------
VENV="${CROSSCHECK_VENV:-$W/venv}"
if [ ! -x "$VENV/bin/checkov" ] ||
    [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
    say "installing checkov $CHECKOV_VERSION into $VENV (PyPI; about a minute)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q "checkov==$CHECKOV_VERSION"
fi
CHECKOV="$VENV/bin/checkov"

# Offline from here on.
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
export http_proxy=$HTTP_PROXY https_proxy=$HTTPS_PROXY NO_PROXY= no_proxy=
export BC_SKIP_MAPPING=TRUE

say "running checkov $CHECKOV_VERSION on the examples of $CATALOG_DIR"
mkdir -p "$W/tree"
rc=0
"$VENV/bin/python" "$ROOT/bench/crosscheck.py" \
    --catalog "$W/catalog.json" \
    --checkov "$CHECKOV" \
    --checkov-version "$CHECKOV_VERSION" \
    --work "$W/tree" \
    --label "\`${CATALOG_DIR#"$ROOT"/}\` (srm-lint \`$("$BIN" --version 2>/dev/null | awk '{print $2}')\`)" \
    ${WRITE:+--write "$WRITE"} ${CROSSCHECK_JSON:+--rows-json "$CROSSCHECK_JSON"} || rc=$?
say "done in $(($(date +%s) - START)) s${WRITE:+; wrote $WRITE}"
exit "$rc"
