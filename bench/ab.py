#!/usr/bin/env python3
"""bench/ab.py OLD NEW [RUNS]: two srm-lint binaries timed alternately, run by run, on the
corpus (full run and parse-only floor) and on bench/run.sh's one-file cases, so both see the same
machine. Prints the median wall and CPU time of each and the NEW/OLD ratios, and each binary's
full/floor ratio (the issue-10 target). For refactorings ("performance unchanged within noise")
and catalog growth ("the corpus within 2x the parse-only floor")."""
import os
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.environ.get("SRM_CORPUS", os.path.join(here, "..", "..", "shared", "corpus"))
old, new = (os.path.abspath(p) for p in sys.argv[1:3])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
one_tf = os.path.join(corpus, "terraform-aws-modules__terraform-aws-s3-bucket/main.tf")
one_cfn = os.path.join(
    corpus, "aws-cloudformation__aws-cloudformation-templates/EC2/EC2InstanceWithSecurityGroupSample.yaml"
)


def once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


cases = [
    ("corpus", [corpus], runs),
    ("floor", [corpus, "--parse-only"], runs),
    ("one .tf", [one_tf], runs * 5),
    ("one template", [one_cfn], runs * 5),
]
print(f"| case | old wall | new wall | new/old | old CPU | new CPU | new/old |")
print("|---|---:|---:|---:|---:|---:|---:|")
med = {}
for name, args, n in cases:
    for b in (old, new):
        once([b] + args)  # warm-up
    data = {old: [], new: []}
    for _ in range(n):
        for b in (old, new):
            data[b].append(once([b] + args))
    m = {b: (statistics.median(w for w, _ in d), statistics.median(c for _, c in d)) for b, d in data.items()}
    med[name] = m
    (ow, oc), (nw, nc) = m[old], m[new]
    print(f"| {name} ({n} runs each) | {ow*1e3:.1f} ms | {nw*1e3:.1f} ms | {nw/ow:.3f} | {oc*1e3:.1f} ms | {nc*1e3:.1f} ms | {nc/oc:.3f} |")
for label, b in (("old", old), ("new", new)):
    fw, fc = med["corpus"][b]
    pw, pc = med["floor"][b]
    print(f"\n{label}: corpus / parse-only floor = {fw/pw:.2f}x wall, {fc/pc:.2f}x CPU")
