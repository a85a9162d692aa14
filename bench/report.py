#!/usr/bin/env python3
"""Turns the measurements of bench/run.sh into the markdown table of bench/RESULTS.md.

    report.py summarize REPORT.json OUT.json   # srm-lint --format json -> counts and bytes
    report.py pair OUT.json RUNS BIN CORPUS    # full run and parse-only floor, alternately
    report.py WORKDIR CORPUS ONE_TF ONE_CFN CFN_SUBSET TF_SUBSET...   # markdown on stdout

Only the standard library is used.
"""
import json
import os
import re
import statistics
import sys


def summarize(report_path, out_path):
    try:
        with open(report_path, encoding="utf-8") as f:
            r = json.load(f)
    except (OSError, ValueError):
        r = {}
    s = r.get("summary", {})
    size = 0
    for f in r.get("files", []):
        try:
            size += os.path.getsize(f["path"])
        except OSError:
            pass
    out = {
        "files": s.get("files", len(r.get("files", []))),
        "resources": s.get("resources", 0),
        "duties": s.get("duties", 0),
        "errors": s.get("errors", 0),
        "verdicts": s.get("verdicts", {}),
        "bytes": size,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)


def pair(out_path, runs, full, floor):
    """Times `full` and `floor` alternately, run by run (after one warm-up of each), so both see
    the same machine: a shared machine's speed drifts by a quarter within minutes, which skews a
    ratio of two commands timed one after the other. Writes wall and CPU (user+sys) seconds."""
    import subprocess
    import time

    def once(cmd):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        return time.perf_counter() - start, usage.ru_utime + usage.ru_stime

    once(full)
    once(floor)
    data = {"full": [], "floor": []}
    for _ in range(runs):
        for name, cmd in (("full", full), ("floor", floor)):
            wall, cpu = once(cmd)
            data[name].append({"wall": wall, "cpu": cpu})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(data, f)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class Data:
    def __init__(self, w):
        self.w = w

    def timing(self, name):
        h = load(os.path.join(self.w, "hf", name + ".json"))
        if not h or not h.get("results"):
            return None
        r = h["results"][0]
        return {
            "median": r["median"],
            "min": r["min"],
            "max": r["max"],
            "runs": len(r.get("times", [])) or 1,
            "cpu": (r.get("user", 0) or 0) + (r.get("system", 0) or 0),
            "mean": r["mean"],
        }

    def summary(self, name):
        return load(os.path.join(self.w, "sum", name + ".out.json"))

    def rss_mb(self, name):
        try:
            with open(os.path.join(self.w, "rss", name + ".txt"), encoding="utf-8") as f:
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        except OSError:
            return None
        return int(m.group(1)) / 1024 if m else None

    def text(self, name):
        try:
            with open(os.path.join(self.w, name), encoding="utf-8") as f:
                return f.read().strip()
        except OSError:
            return ""


def fmt_time(s):
    if s is None:
        return "—"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    return f"{s:.2f} s"


def fmt_num(n, digits=0):
    if n is None:
        return "—"
    return f"{n:,.{digits}f}"


def main(argv):
    w, corpus, one_tf, one_cfn, cfn_subset = argv[:5]
    tf_subset = argv[5:]
    d = Data(w)
    nproc = d.text("nproc.txt")
    out = []
    p = out.append

    p("# srm-lint benchmark results")
    p("")
    p("Written by `bench/run.sh` (do not edit by hand). Timings are hyperfine **medians**; the")
    p("machine is shared and was loaded while this ran, so expect ±30 % between runs.")
    p("")
    p(f"- machine: {nproc} cores; load average at start: `{d.text('load-start.txt')}`; at end: `{d.text('load-end.txt')}`")
    p(f"- srm-lint: `{d.text('version-srm-lint.txt')}` at commit `{d.text('commit.txt')}`")
    for tool in ("checkov", "trivy", "cfn-lint"):
        v = d.text(f"version-{tool}.txt").splitlines()
        if v:
            p(f"- {tool}: `{v[0]}`")
    p(f"- corpus: `{corpus}`")
    p(f"- Terraform subset (checkov, trivy): {', '.join('`' + s + '`' for s in tf_subset)}")
    p(f"- CloudFormation subset (cfn-lint): `{cfn_subset}` (`*.yaml`, `*.yml`, `*.json`)")
    p(f"- pre-commit case: `{one_tf}` (with its module directory) and `{one_cfn}`")
    p("")

    rows = [
        ("corpus", "srm-lint, whole corpus", "corpus", "corpus"),
        ("corpus-json", "… `--format json`", "corpus", "corpus-json"),
        ("corpus-sarif", "… `--format sarif`", "corpus", "corpus-sarif"),
        ("corpus-parse-only", "… `--parse-only` (floor)", "corpus-parse-only", "corpus-parse-only"),
        ("corpus-1thread", "… `RAYON_NUM_THREADS=1`", "corpus", None),
        ("corpus-x4", "srm-lint, corpus ×4", "corpus-x4", "corpus-x4"),
        ("corpus-x4-1thread", "… `RAYON_NUM_THREADS=1`", "corpus-x4", None),
        ("corpus-x16", "srm-lint, corpus ×16", "corpus-x16", "corpus-x16"),
        ("corpus-x16-1thread", "… `RAYON_NUM_THREADS=1`", "corpus-x16", None),
        ("one-tf", "srm-lint, one `.tf` (+ its module)", "one-tf", "one-tf"),
        ("one-cfn", "srm-lint, one template", "one-cfn", "one-cfn"),
        ("tf-subset", "srm-lint, Terraform subset", "tf-subset", "tf-subset"),
        ("checkov-tf-subset", "checkov, Terraform subset", "tf-subset", None),
        ("trivy-tf-subset", "trivy, Terraform subset", "tf-subset", None),
        ("cfn-subset", "srm-lint, CloudFormation subset", "cfn-subset", "cfn-subset"),
        ("cfn-lint-cfn-subset", "cfn-lint, CloudFormation subset", "cfn-subset", None),
        ("trivy-cfn-subset", "trivy, CloudFormation subset", "cfn-subset", None),
        ("trivy-corpus", "trivy, whole corpus", "corpus", None),
    ]
    p("| case | files | resources | duties evaluated | wall (median) | user+sys | CPU use | files/s | MB/s | peak RSS | runs |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, label, sum_name, rss_name in rows:
        t = d.timing(name)
        if t is None:
            continue
        s = d.summary(sum_name) or {}
        files = s.get("files")
        mb = s.get("bytes", 0) / 1e6 if s else None
        is_srm = label.startswith("srm-lint") or label.startswith("…")
        res = s.get("resources") if is_srm and "parse-only" not in name else None
        duties = s.get("duties") if is_srm and "parse-only" not in name else None
        rss = d.rss_mb(rss_name) if rss_name else None
        cpu = t["cpu"] / t["mean"] if t["mean"] else None
        p(
            f"| {label} | {fmt_num(files)} | {fmt_num(res)} | {fmt_num(duties)} | {fmt_time(t['median'])}"
            f" | {fmt_time(t['cpu'])} | {fmt_num(cpu * 100 if cpu else None)} %"
            f" | {fmt_num(files / t['median'] if files else None)}"
            f" | {fmt_num(mb / t['median'] if mb else None, 1)}"
            f" | {fmt_num(rss, 0) + ' MB' if rss else '—'} | {t['runs']} |"
        )
    p("")
    p("`files` and `MB` are the files srm-lint recognised as Terraform or CloudFormation (the other")
    p("tools are timed on the same paths). `user+sys` is CPU time per run (mean); `CPU use` is")
    p("user+sys over wall time (200 % = both cores busy).")
    p("")

    def med(name):
        t = d.timing(name)
        return t["median"] if t else None

    p("## Targets")
    p("")
    p("| target | measured | met |")
    p("|---|---|---|")

    def ratio_row(label, other, ours, target):
        a, b = med(other), med(ours)
        if a is None or b is None:
            p(f"| {label} | not measured | — |")
            return
        r = a / b
        p(f"| {label} ≥ {target:,}× | {fmt_time(a)} / {fmt_time(b)} = **{r:,.0f}×** | {'yes' if r >= target else '**no**'} |")

    def info_row(label, other, ours):
        a, b = med(other), med(ours)
        if a is not None and b is not None:
            p(f"| {label} (no target, for reference) | {fmt_time(a)} / {fmt_time(b)} = **{a / b:,.0f}×** | — |")

    ratio_row("checkov / srm-lint, Terraform subset", "checkov-tf-subset", "tf-subset", 1000)
    ratio_row("trivy / srm-lint, Terraform subset", "trivy-tf-subset", "tf-subset", 100)
    ratio_row("cfn-lint / srm-lint, CloudFormation subset", "cfn-lint-cfn-subset", "cfn-subset", 100)
    info_row("trivy / srm-lint, CloudFormation subset", "trivy-cfn-subset", "cfn-subset")
    info_row("trivy / srm-lint, whole corpus (`TRIVY_FULL=1`)", "trivy-corpus", "corpus")
    paired = load(os.path.join(w, "pair.json"))
    if paired and paired.get("full") and len(paired["full"]) == len(paired.get("floor", [])):
        full, floor = paired["full"], paired["floor"]
        ratios = sorted(f["wall"] / g["wall"] for f, g in zip(full, floor))
        r = statistics.median(ratios)
        a = statistics.median(f["wall"] for f in full)
        b = statistics.median(g["wall"] for g in floor)
        cpu = statistics.median(f["cpu"] for f in full) / statistics.median(g["cpu"] for g in floor)
        p(
            f"| full run / parse-only floor ≤ 1.5× (run alternately, {len(full)} pairs) | median of the pairs' ratios **{r:.2f}×**"
            f" (medians {fmt_time(a)} / {fmt_time(b)}; CPU time {cpu:.2f}×) | {'yes' if r <= 1.5 else '**no**'} |"
        )
    a, b = med("corpus"), med("corpus-parse-only")
    if a and b:
        r = a / b
        p(f"| full run / parse-only floor, hyperfine blocks above (for reference) | {fmt_time(a)} / {fmt_time(b)} = {r:.2f}× | — |")
    for name, label in (("one-tf", "one `.tf` file"), ("one-cfn", "one template")):
        t = med(name)
        if t is not None:
            p(f"| {label} < 10 ms (with process start) | **{fmt_time(t)}** | {'yes' if t < 0.010 else '**no**'} |")
    for name in ("corpus", "corpus-x16"):
        r = d.rss_mb(name)
        if r is not None:
            label = "whole corpus" if name == "corpus" else "corpus ×16 (for growth)"
            met = ("yes" if r < 200 else "**no**") if name == "corpus" else "—"
            p(f"| peak RSS < 200 MB, {label} | **{r:.0f} MB** | {met} |")
    base = d.timing("corpus")
    base_s = d.summary("corpus") or {}
    for n in (4, 16):
        t = d.timing(f"corpus-x{n}")
        s = d.summary(f"corpus-x{n}") or {}
        if t and base and base_s.get("files") and s.get("files"):
            per_file = (t["median"] / s["files"]) / (base["median"] / base_s["files"])
            cpu = t["cpu"] / t["mean"] * 100
            p(
                f"| linear scaling, ×{n} | {fmt_time(t['median'])} = **{t['median'] / base['median']:.1f}×** the time for"
                f" {s['files'] / base_s['files']:.0f}× the files (time per file ×{per_file:.2f}); CPU use {cpu:.0f} % |"
                f" {'yes' if per_file <= 1.25 else '**no**'} |"
            )
    for n in ("", "-x4", "-x16"):
        t1 = d.timing(f"corpus{n}-1thread")
        t2 = d.timing(f"corpus{n}")
        if t1 and t2:
            p(f"| both cores used, corpus{n.replace('-x', ' ×')} | 1 thread {fmt_time(t1['median'])} vs 2 threads {fmt_time(t2['median'])}: speed-up **{t1['median'] / t2['median']:.2f}×** | {'yes' if t1['median'] / t2['median'] >= 1.5 else '**no**'} |")
    p("")
    p("Wall times on a loaded machine include time spent waiting for a core: `CPU use` well under")
    p("200 % (and under 100 % for one-threaded runs) means the process was runnable but not running.")
    p("The ratios compare wall times measured in the same run under the same load; `user+sys`")
    p("is the steadier figure when comparing runs made at different times.")
    p("")
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "summarize":
        summarize(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 2 and sys.argv[1] == "pair":
        # report.py pair OUT.json RUNS BIN CORPUS
        bin_, corpus = sys.argv[4], sys.argv[5]
        pair(sys.argv[2], int(sys.argv[3]), [bin_, corpus], [bin_, corpus, "--parse-only"])
    else:
        print(main(sys.argv[1:]))
