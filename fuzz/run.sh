#!/usr/bin/env bash
# Seeds the corpora from testdata/ (plus a small sample of ../shared/corpus when present) and runs
# each fuzz target in turn for SECONDS_PER_TARGET (default 660) on a stable toolchain.
# Usage: fuzz/run.sh [target...]   Logs go to $LOG_DIR (default /tmp/srm-lint-fuzz).
set -euo pipefail
cd "$(dirname "$0")"
SECS="${SECONDS_PER_TARGET:-660}"
LOG_DIR="${LOG_DIR:-/tmp/srm-lint-fuzz}"
mkdir -p "$LOG_DIR" corpus/terraform corpus/cloudformation corpus/evaluator

seed() { # seed <target> <prefix-byte-or-empty> <files...>
  local t="$1" p="$2"; shift 2
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 16384 ] || continue
    local out="corpus/$t/seed-$(sha1sum "$f" | cut -c1-16)"
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

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(terraform cloudformation evaluator)
for t in "${targets[@]}"; do
  echo "== $t for ${SECS}s ($(ls corpus/$t | wc -l) inputs in corpus)"
  /usr/bin/time -v cargo fuzz run -s none -O "$t" -- \
    -max_total_time="$SECS" -timeout=30 -max_len=16384 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$LOG_DIR/$t.log" 2>&1 || echo "$t exited with $?"
  grep -E 'stat::|Done|User time|System time|Elapsed|SUMMARY|panicked|artifact' "$LOG_DIR/$t.log" || true
done
