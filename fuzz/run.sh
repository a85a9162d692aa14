#!/usr/bin/env bash
# Seeds the corpora from testdata/ (plus a small sample of ../shared/corpus when present), builds
# the targets (stable toolchain: `-s none`) and runs each one until it has used CPU_SECONDS of CPU
# (default 600; libFuzzer's -max_total_time counts wall time, which on a shared machine is far
# more than CPU time). Usage: fuzz/run.sh [--parallel] [target...]; logs in $LOG_DIR. Builds with
# cargo-fuzz when it is installed, else with cargo and the same rustc flags.
set -euo pipefail
cd "$(dirname "$0")"
CPU="${CPU_SECONDS:-600}"
LOG_DIR="${LOG_DIR:-/tmp/srm-lint-fuzz}"
PARALLEL=0
if [ "${1:-}" = "--parallel" ]; then PARALLEL=1; shift; fi
mkdir -p "$LOG_DIR" corpus/terraform corpus/cloudformation corpus/evaluator corpus/config \
  corpus/attestations corpus/baseline

seed() { # seed <target> <prefix-byte-or-empty> <files...>
  local t="$1" p="$2"; shift 2
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 16384 ] || continue
    local out="corpus/$t/seed-$p$(sha1sum "$f" | cut -c1-16)"
    if [ -n "$p" ]; then { printf "\\x$p"; cat "$f"; } >"$out"; else cp "$f" "$out"; fi
  done
}
mapfile -t TF < <(find ../testdata -type f \( -name '*.tf' -o -name '*.tfvars' \); find ../../shared/corpus -type f -name '*.tf' -size -8k 2>/dev/null | sort | awk 'NR % 25 == 0' | head -150)
mapfile -t TFJ < <(find ../testdata ../../shared/corpus -type f -name '*.tf.json' -size -8k 2>/dev/null | sort | head -20)
mapfile -t YML < <(find ../testdata -type f \( -name '*.yaml' -o -name '*.yml' \); find ../../shared/corpus -type f \( -name '*.yaml' -o -name '*.yml' \) -size -8k 2>/dev/null | sort | awk 'NR % 25 == 0' | head -150)
mapfile -t JSN < <(find ../testdata -type f -name '*.json' ! -name '*.tf.json'; find ../../shared/corpus -type f -name '*.template.json' -size -8k 2>/dev/null | sort | head -30)
seed terraform "" "${TF[@]}" "${TFJ[@]}"
seed cloudformation "" "${YML[@]}" "${JSN[@]}"
seed evaluator 00 "${TF[@]}"
seed evaluator 01 "${YML[@]}"
seed evaluator 02 "${JSN[@]}"
seed evaluator 03 "${TFJ[@]}"
# The loaders of files a scanned tree may hold: its configuration, attestations and baseline.
mapfile -t CFG < <(find ../testdata seeds/config -type f \( -name '.srm-lint.toml' -o -path 'seeds/*' \))
mapfile -t ATT < <(find ../testdata seeds/attestations -type f \( -name 'attestations.toml' -o -path 'seeds/*' \))
seed config "" "${CFG[@]}"
seed attestations "" "${ATT[@]}"
seed baseline "" seeds/baseline/*

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(terraform cloudformation evaluator config attestations baseline)
if cargo fuzz --version >/dev/null 2>&1; then
  cargo fuzz build -s none -O >"$LOG_DIR/build.log" 2>&1
else
  # Without cargo-fuzz: the instrumentation `cargo fuzz build -s none -O` asks rustc for
  # (libFuzzer's coverage counters, comparison tracing, `cfg(fuzzing)`, debug assertions and
  # overflow checks); the explicit --target keeps the flags off build scripts and proc macros.
  RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
    cargo build --release --target x86_64-unknown-linux-gnu --bins >"$LOG_DIR/build.log" 2>&1
fi
BIN=target/x86_64-unknown-linux-gnu/release

run_one() {
  local t="$1" log="$LOG_DIR/$1.log"
  mkdir -p "artifacts/$t"
  "$BIN/$t" -artifact_prefix="artifacts/$t/" -max_total_time=86400 -timeout=30 -max_len=16384 \
    -rss_limit_mb=2048 -print_final_stats=1 "corpus/$t" >"$log" 2>&1 &
  local pid=$! start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    local used
    used=$(awk '{print int(($14 + $15) / 100)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    if [ "$used" -ge "$CPU" ]; then kill -INT "$pid"; break; fi
    sleep 5
  done
  wait "$pid" || true
  echo "== $t: ${CPU}s CPU target, $((SECONDS - start))s wall"
  grep -E 'stat::|Done [0-9]+ runs|SUMMARY|panicked|deadly signal|Test unit written' "$log" || true
}

if [ "$PARALLEL" = 1 ]; then
  for t in "${targets[@]}"; do run_one "$t" & done
  wait
else
  for t in "${targets[@]}"; do run_one "$t"; done
fi
