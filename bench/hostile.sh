#!/usr/bin/env bash
# Time and peak memory of srm-lint on generated hostile inputs (issue 24's bounds: any input of
# files <= 10 MB each finishes in <= 30 s and <= 2 GB RSS, every other file still reported).
# Usage: bench/hostile.sh [BINARY]   (default target/release/srm-lint). Needs GNU time.
set -euo pipefail
BIN="$(realpath "${1:-target/release/srm-lint}")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
good='resource "aws_s3_bucket" "good" {
  bucket = "good"
}'

case_dir() { mkdir -p "$WORK/$1"; printf '%s\n' "$good" > "$WORK/$1/good.tf"; echo "$WORK/$1"; }

d=$(case_dir fan-out)
for i in $(seq 0 15); do
  mkdir -p "$d/m$i"
  if [ "$i" -lt 15 ]; then
    for c in a b c; do printf 'module "%s" {\n  source = "../m%d"\n}\n' "$c" $((i + 1)); done > "$d/m$i/main.tf"
  fi
  printf 'resource "aws_s3_bucket" "x" {\n  bucket = "b"\n}\n' >> "$d/m$i/main.tf"
done

d=$(case_dir backtracking)
for i in $(seq 1 12); do python3 -c "import sys; sys.stdout.write('a = ' + '{a -b - '*40)" > "$d/f$i.tf"; done

d=$(case_dir big-object)
python3 -c "
print('locals {\n  m = {')
for i in range(100000): print(f'    k{i} = \"v{i}\"')
print('  }\n}')" > "$d/big.tf"

d=$(case_dir long-line)
python3 -c "
import json
r = {f'B{i}': {'Type': 'AWS::S3::Bucket'} for i in range(20000)}
print(json.dumps({'AWSTemplateFormatVersion': '2010-09-09', 'Resources': r}, separators=(',', ':')))" > "$d/min.template.json"

printf '%-14s %-9s %8s %10s  %s\n' case format seconds "peak MB" "exit"
for c in fan-out backtracking big-object long-line; do
  for f in pretty json; do
    set +e
    /usr/bin/time -o "$WORK/time" -f '%e %M' "$BIN" "$WORK/$c" --format "$f" --color never >/dev/null 2>&1
    code=$?
    set -e
    read -r secs kb < <(tail -1 "$WORK/time")
    printf '%-14s %-9s %8s %10d  %s\n' "$c" "$f" "$secs" $((kb / 1024)) "$code"
  done
done
