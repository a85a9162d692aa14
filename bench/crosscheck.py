#!/usr/bin/env python3
"""bench/crosscheck.py: the work behind bench/crosscheck.sh (issue 21, item 5).

Runs checkov over every example of every duty and compares each cited checkov check with the
example's verdict. Called by crosscheck.sh with the checkov venv's python (it needs PyPI's
`yaml`, which checkov brings); see crosscheck.sh --help for the user-facing description.

    crosscheck.py --catalog CATALOG.json --checkov VENV/bin/checkov --work DIR
                  [--label TEXT] [--checkov-version X.Y.Z] [--write OUT.md] [--rows-json OUT.json]

CATALOG.json is the output of `srm-lint catalog --format json` (its `duty_list` with `example`,
`references.checkov`, `references.differences`, and `services` for the resource kinds' types).

Exit code: 0 no undocumented disagreement, 1 some, 2 a tool error (checkov did not run, bad input).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict

FRAMEWORKS = ("terraform", "cloudformation")
LANG_NAME = {"terraform": "Terraform", "cloudformation": "CloudFormation"}
LIST_IAC = {"Terraform": "terraform", "Cloudformation": "cloudformation"}


def die(msg):
    print(f"crosscheck: {msg}", file=sys.stderr)
    sys.exit(2)


# --- the catalog ------------------------------------------------------------------------------


def kind_types(catalog):
    """kind -> {framework: set of native types}"""
    out = defaultdict(lambda: {f: set() for f in FRAMEWORKS})
    for svc in catalog.get("services", []):
        for r in svc.get("resource", []):
            for f in FRAMEWORKS:
                out[r["kind"]][f].update(r.get(f) or [])
    return out


def example_file_name(ex):
    if ex["format"] == "terraform":
        return "main.tf"
    # the same choice as the catalog harness (src/harness.rs)
    return "template.json" if ex["code"].lstrip().startswith("{") else "template.yaml"


# --- the resources of an example, in file order -------------------------------------------------

TF_RESOURCE = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"', re.M)


def tf_resources(code):
    return [(t, f"{t}.{n}") for t, n in TF_RESOURCE.findall(code)]


def cfn_resources(code, is_json):
    """[(type, logical id)] in file order; None when the template cannot be read."""
    try:
        if is_json:
            doc = json.loads(code)
        else:
            import yaml

            class Loader(yaml.SafeLoader):
                pass

            # CloudFormation's short forms (!Ref, !GetAtt, !Sub ...): the value does not matter here.
            Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
            doc = yaml.load(code, Loader=Loader)
        res = doc.get("Resources") or {}
        return [(v.get("Type"), k) for k, v in res.items() if isinstance(v, dict)]
    except Exception:
        return None


# --- checkov ------------------------------------------------------------------------------------


def checkov_list(checkov, env):
    """check id -> {framework: set of entity types} from `checkov --list` (all frameworks)."""
    p = subprocess.run(
        [checkov, "--list", "--framework", "terraform", "cloudformation", "--skip-download"],
        capture_output=True,
        text=True,
        env=env,
    )
    known = defaultdict(lambda: {f: set() for f in FRAMEWORKS})
    for line in p.stdout.splitlines():
        cols = [c.strip() for c in line.split("|")]
        # | n | Id | Type | Entity | Policy | IaC | Resource Link |
        if len(cols) < 8 or not cols[1].isdigit():
            continue
        cid, entity, iac = cols[2], cols[4], cols[6]
        f = LIST_IAC.get(iac)
        if f:
            known[cid][f].add(entity)
    if not known:
        die(f"`checkov --list` gave no checks (exit {p.returncode}): {p.stderr.strip()[-2000:]}")
    return known


def start_checkov(checkov, framework, root, checks, out_path, err_path, env):
    cmd = [
        checkov,
        "-d",
        root,
        "--framework",
        framework,
        "--check",
        ",".join(sorted(checks)),
        "--output",
        "json",
        "--skip-download",
    ]
    out = open(out_path, "w")
    err = open(err_path, "w")
    return subprocess.Popen(cmd, stdout=out, stderr=err, env=env), out, err


def tree_path(root, path):
    """A path checkov printed (relative with a leading / for results, absolute for parsing errors),
    relative to the scanned tree."""
    path = str(path)
    if path.startswith(root + os.sep):
        return path[len(root) + 1 :]
    return path.lstrip("/")


def read_checkov(out_path, err_path, framework, root):
    """[(file path relative to the tree, result dict, status)], parsing errors (relative paths)."""
    text = open(out_path).read()
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        err = open(err_path).read().strip()
        die(f"checkov ({framework}) printed no JSON: {text[:500]} {err[-2000:]}")
    reports = data if isinstance(data, list) else [data]
    results, parse_errors = [], set()
    for rep in reports:
        if not isinstance(rep, dict):
            continue
        if rep.get("check_type") not in (None, framework):
            continue
        res = rep.get("results") or {}
        for key, status in (
            ("passed_checks", "PASSED"),
            ("failed_checks", "FAILED"),
            ("skipped_checks", "SKIPPED"),
        ):
            for r in res.get(key) or []:
                results.append((tree_path(root, r.get("file_path", "")), r, status))
        for p in res.get("parsing_errors") or []:
            parse_errors.add(tree_path(root, p))
    return results, parse_errors


def result_type_and_name(framework, resource):
    """('aws_s3_bucket', 'aws_s3_bucket.b') or ('AWS::S3::Bucket', 'B')."""
    if framework == "terraform":
        parts = resource.split(".")
        while len(parts) > 2 and parts[0] == "module":
            parts = parts[2:]
        addr = re.sub(r"\[[^\]]*\]", "", ".".join(parts))
        return addr.rsplit(".", 1)[0], addr
    t, _, name = resource.rpartition(".")
    return t, name


# --- comparing ----------------------------------------------------------------------------------


def example_status(framework, it, got):
    """checkov's result for one example and check: (PASSED/FAILED/SKIPPED or None, resources).

    It counts the results on the example's subject (the resource the duty's verdict is about: the
    example's `resource`, else its first resource of the duty's types) and on its companions
    (resources of other types, e.g. an aws_security_group_rule beside its aws_security_group, or an
    aws_s3_bucket_public_access_block beside its bucket); other resources of the duty's own types
    are other subjects and do not count. FAILED wins over PASSED, as one failing companion is a
    finding. Without a known subject every result of the example counts.
    """
    pick = []
    for r, status in got:
        rtype, name = result_type_and_name(framework, r.get("resource", ""))
        if it["subject"] and rtype in it["dtypes"] and not same_resource(framework, name, it["subject"]):
            continue
        pick.append((status, name))
    if not pick:
        return None, ""
    statuses = {s for s, _ in pick}
    status = "FAILED" if "FAILED" in statuses else "PASSED" if "PASSED" in statuses else "SKIPPED"
    return status, ", ".join(sorted({n for s, n in pick if s == status}))


def same_resource(framework, name, subject):
    if framework == "terraform":
        return name == subject
    return name == subject.rsplit(".", 1)[-1]



def judge(ex_verdict, status):
    """agree / disagree / n/a / info for one example and one check's status."""
    if ex_verdict not in ("addressed", "unaddressed"):
        return "info"
    if status in (None, "SKIPPED"):
        return "n/a"
    want = "PASSED" if ex_verdict == "addressed" else "FAILED"
    return "agree" if status == want else "disagree"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--checkov", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--write")
    ap.add_argument("--checkov-version", default="")
    ap.add_argument("--rows-json", help="also write every (example, check) row as JSON here")
    args = ap.parse_args()
    t0 = time.monotonic()

    try:
        catalog = json.load(open(args.catalog))
    except Exception as e:
        die(f"cannot read the catalog JSON {args.catalog}: {e}")
    duties = catalog.get("duty_list")
    if not isinstance(duties, list):
        die("the catalog JSON has no `duty_list`")
    types_of_kind = kind_types(catalog)

    # 1. One directory per example that cites a checkov check.
    items = []  # one per example
    checks = {f: set() for f in FRAMEWORKS}
    no_ref = 0
    for d in duties:
        cited = [c.strip() for c in (d.get("references") or {}).get("checkov") or [] if c.strip()]
        if not cited:
            no_ref += 1
            continue
        diff = ((d.get("references") or {}).get("differences") or "").strip()
        for n, ex in enumerate(d.get("example") or d.get("examples") or [], start=1):
            f = ex.get("format")
            if f not in FRAMEWORKS:
                continue
            rel = f"{d['id']}_ex{n}/{example_file_name(ex)}"
            path = os.path.join(args.work, f, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write(ex["code"])
            dtypes = set()
            for k in d.get("resources") or []:
                dtypes |= types_of_kind[k][f]
            if f == "terraform":
                resources = tf_resources(ex["code"])
            else:
                resources = cfn_resources(ex["code"], rel.endswith(".json"))
            subject = ex.get("resource")
            if not subject and resources:
                subject = next((name for t, name in resources if t in dtypes), None)
            items.append(
                {
                    "duty": d["id"],
                    "n": n,
                    "framework": f,
                    "verdict": ex.get("verdict"),
                    "rel": rel,
                    "checks": cited,
                    "differences": diff,
                    "dtypes": dtypes,
                    "subject": subject,
                }
            )
            checks[f].update(cited)

    env = dict(os.environ)
    env.setdefault("BC_SKIP_MAPPING", "TRUE")  # no guideline download at start-up
    env.setdefault("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")

    # 2. checkov: the check list and one run per framework, side by side.
    procs = {}
    for f in FRAMEWORKS:
        if checks[f]:
            procs[f] = start_checkov(
                args.checkov,
                f,
                os.path.abspath(os.path.join(args.work, f)),
                checks[f],
                os.path.join(args.work, f"checkov-{f}.json"),
                os.path.join(args.work, f"checkov-{f}.err"),
                env,
            )
    known = checkov_list(args.checkov, env)
    results = {}
    parse_errors = {}
    for f, (p, out, err) in procs.items():
        rc = p.wait()
        out.close()
        err.close()
        # checkov exits 1 when a check fails; anything else without JSON is a tool error
        res, perr = read_checkov(
            os.path.join(args.work, f"checkov-{f}.json"),
            os.path.join(args.work, f"checkov-{f}.err"),
            f,
            os.path.abspath(os.path.join(args.work, f)),
        )
        if rc not in (0, 1) and not res:
            die(f"checkov ({f}) exited {rc}: {open(os.path.join(args.work, f'checkov-{f}.err')).read()[-2000:]}")
        by = defaultdict(list)
        for rel, r, status in res:
            by[(rel, r.get("check_id"))].append((r, status))
        results[f] = by
        parse_errors[f] = perr
    t_checkov = time.monotonic() - t0

    # 3. Map the results back to the examples.
    rows = []  # one per (example, cited check)
    for it in items:
        f = it["framework"]
        for cid in it["checks"]:
            row = dict(it, check=cid, status=None, on="", why="", note="")
            if cid not in known:
                row["cls"] = "unknown"
                row["why"] = f"not a check id of checkov {args.checkov_version}".strip()
                rows.append(row)
                continue
            if not known[cid][f]:
                row["cls"] = "n/a" if it["verdict"] in ("addressed", "unaddressed") else "info"
                row["why"] = f"no {LANG_NAME[f]} implementation"
                rows.append(row)
                continue
            if it["rel"] in parse_errors[f]:
                row["cls"] = "error"
                row["why"] = "checkov could not parse the example"
                rows.append(row)
                continue
            row["status"], row["on"] = example_status(f, it, results[f].get((it["rel"], cid), []))
            if row["status"] is None:
                row["why"] = "the check reported nothing on this example"
            row["cls"] = judge(it["verdict"], row["status"])
            if row["cls"] == "disagree" and it["differences"]:
                row["cls"] = "documented"
            rows.append(row)
    # An unaddressed example that passes one cited check but fails another: the duty is the
    # conjunction of its checks (e.g. the four S3 public access block flags). Still a disagreement
    # of that check; noted so the author sees why.
    failed = {(r["rel"], r["framework"]) for r in rows if r["status"] == "FAILED"}
    for r in rows:
        if r["verdict"] == "unaddressed" and r["status"] == "PASSED" and (r["rel"], r["framework"]) in failed:
            r["note"] = "fails another cited check"

    if args.rows_json:
        keep = ("duty", "n", "framework", "verdict", "rel", "check", "status", "on", "why", "note", "cls")
        with open(args.rows_json, "w") as fh:
            json.dump([{k: r.get(k) for k in keep} for r in rows], fh, indent=1)
    report = render(rows, items, duties, no_ref, known, args, time.monotonic() - t0, t_checkov)
    sys.stdout.write(report)
    if args.write:
        with open(args.write, "w") as fh:
            fh.write(report)
    return 1 if any(r["cls"] == "disagree" for r in rows) else 0


# --- the report ---------------------------------------------------------------------------------


def esc(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def render(rows, items, duties, no_ref, known, args, elapsed, t_checkov):
    c = Counter(r["cls"] for r in rows)
    out = []
    p = out.append
    p("# srm-lint examples against checkov\n")
    p(
        "Generated by `bench/crosscheck.sh` (issue 21, item 5): every example of every duty that cites a "
        "checkov check, run through that check. `addressed` should PASS, `unaddressed` should FAIL; "
        "`unverified` and `attestation` examples are information only. A disagreement of a duty whose "
        "`[references] differences` explains how its peers differ counts as a documented difference.\n"
    )
    p(f"- catalog: {args.label or args.catalog}")
    p(f"- checkov: `{args.checkov_version or 'unknown'}`")
    p(
        f"- duties: {len(duties)}, of which {len(duties) - no_ref} cite checkov; "
        f"examples run: {len(items)} "
        f"({sum(1 for i in items if i['framework'] == 'terraform')} Terraform, "
        f"{sum(1 for i in items if i['framework'] == 'cloudformation')} CloudFormation)"
    )
    p(f"- run time: {elapsed:.0f} s (checkov {t_checkov:.0f} s)\n")

    p("## Totals\n")
    p("Counted per example and cited check (an example of a duty citing two checks counts twice).\n")
    p("| result | count |")
    p("|---|---:|")
    p(f"| agree | {c['agree']} |")
    p(f"| not applicable (the check has no result on the example) | {c['n/a']} |")
    p(f"| documented difference | {c['documented']} |")
    p(f"| **disagree** | **{c['disagree']}** |")
    p(f"| information only (`unverified` / `attestation` examples) | {c['info']} |")
    if c["unknown"]:
        p(f"| cited id unknown to this checkov | {c['unknown']} |")
    if c["error"]:
        p(f"| checkov could not parse the example | {c['error']} |")
    p("")

    def table(sel, title, intro):
        sel = sorted(sel, key=lambda r: (r["duty"], r["n"], r["check"]))
        p(f"## {title} ({len(sel)})\n")
        if intro:
            p(intro + "\n")
        if not sel:
            p("None.\n")
            return
        p("| duty | example | language | srm-lint verdict | checkov check | checkov result | on | note |")
        p("|---|---:|---|---|---|---|---|---|")
        for r in sel:
            p(
                f"| {r['duty']} | {r['n']} | {LANG_NAME[r['framework']]} | {r['verdict']} | {r['check']} | "
                f"{r['status'] or '—'} | {esc(r['on'] or r['why'])} | {esc(r.get('note', ''))} |"
            )
        p("")

    table(
        [r for r in rows if r["cls"] == "disagree"],
        "Disagreements without a documented difference",
        "Each one needs a fix: the example, the duty's evidence, the reference, or a "
        "`[references] differences` that says how the check differs. `example` is the 1-based position "
        "among the duty's `[[example]]` entries; `on` is the resource checkov reported on.",
    )
    unknown = defaultdict(int)
    for r in rows:
        if r["cls"] == "unknown":
            unknown[(r["duty"], r["check"])] += 1
    if unknown:
        p(f"## Cited ids checkov {args.checkov_version} does not know ({len(unknown)})\n")
        p("| duty | checkov id | examples |")
        p("|---|---|---:|")
        for (duty, cid), n in sorted(unknown.items()):
            p(f"| {duty} | {cid} | {n} |")
        p("")
    if any(r["cls"] == "error" for r in rows):
        table([r for r in rows if r["cls"] == "error"], "Examples checkov could not parse", "")

    # Cited checks that gave no result on any example of the duty in a language the duty has
    # examples for: often a reference to a check on another resource type.
    seen = defaultdict(lambda: defaultdict(set))
    for r in rows:
        if r["cls"] in ("unknown",):
            continue
        seen[(r["duty"], r["check"])][r["framework"]].add(r["status"] is not None)
    silent, no_impl = [], defaultdict(list)
    for (duty, cid), by_f in sorted(seen.items()):
        for f, got in sorted(by_f.items()):
            if got != {False}:
                continue
            impl = known[cid][f]
            if not impl:
                no_impl[f].append(f"{duty} {cid}")
            else:
                types = ", ".join(sorted(impl)[:4]) + (" …" if len(impl) > 4 else "")
                silent.append((duty, cid, LANG_NAME[f], types))
    p(f"## Cited checks that never applied to the duty's examples ({len(silent)})\n")
    p(
        "Not disagreements, but worth a look: checkov has the check for the language, yet it gave no "
        "result on any of the duty's examples there (it reads another resource type, or the examples "
        "lack the resource it reads).\n"
    )
    if silent:
        p("| duty | checkov check | language | the check's resource types |")
        p("|---|---|---|---|")
        for duty, cid, lang, types in silent:
            p(f"| {duty} | {cid} | {lang} | {esc(types)} |")
    else:
        p("None.")
    p("")
    for f in FRAMEWORKS:
        if no_impl[f]:
            p(
                f"Cited checks with no {LANG_NAME[f]} implementation in checkov (their {LANG_NAME[f]} "
                f"examples count as not applicable; {len(no_impl[f])}): " + ", ".join(no_impl[f]) + ".\n"
            )

    table(
        [r for r in rows if r["cls"] == "documented"],
        "Documented differences",
        "Disagreements on duties whose `[references] differences` explains the peers; check the text covers this case.",
    )
    info = [r for r in rows if r["cls"] == "info" and r["status"]]
    table(info, "Information: unverified and attestation examples", "")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
