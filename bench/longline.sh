#!/usr/bin/env bash
# bench/longline.sh BINARY [BINARY...]: the report stage on minified (one-line) templates.
#
# Generates, in a temporary directory, a CloudFormation JSON template on a single line with
# $BUCKETS S3 buckets (default 20000, about 4 MB) and times each binary in the terminal,
# compact, SARIF and JSON formats (output to /dev/null, colour off), each run cut off after
# $LIMIT seconds (default 300). Prints wall time, peak RSS and output size per case (issue 24:
# line:column and snippets used to be quadratic on long lines).
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: bench/longline.sh BINARY [BINARY...]" >&2; exit 2; }
buckets=${BUCKETS:-20000}
limit=${LIMIT:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/template.json" "$buckets" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
tags = lambda i: [{"Key": "owner", "Value": f"team-storage-{i}"}, {"Key": "env", "Value": "production"},
                  {"Key": "cc", "Value": f"cost-{i}"}]
res = {f"Bucket{i}": {"Type": "AWS::S3::Bucket",
                      "Properties": {"BucketName": f"bucket-{i}", "Tags": tags(i)}} for i in range(n)}
text = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": res}, separators=(",", ":"))
open(path, "w").write(text)
PY
echo "template: $buckets buckets, $(wc -c <"$work/template.json") bytes on one line"
printf '%-40s %-8s %10s %10s %14s\n' binary format wall "peak RSS" "output bytes"
for bin in "$@"; do
    for format in pretty compact sarif json; do
        /usr/bin/time -f '%e %M' -o "$work/time" timeout "$limit" "$bin" "$work" \
            --format "$format" --color never 2>/dev/null | wc -c >"$work/bytes"
        # srm-lint exits 1 with findings: time(1) then writes a status line first.
        read -r wall rss < <(tail -1 "$work/time")
        if grep -q 'status 124' "$work/time"; then
            wall=">$limit"
        fi
        printf '%-40s %-8s %9ss %8s MB %14s\n' "$bin" "$format" "${wall}" \
            "$(( ${rss:-0} / 1024 ))" "$(cat "$work/bytes")"
    done
done
