#!/usr/bin/env python3
"""Generates the resource-type table: every CloudFormation resource type and every Terraform AWS
provider resource type, each mapped to its AWS service, the service's SRM category and what AWS
keeps. Run at development time only; srm-lint never fetches anything at run time.

Sources (pinned below, fetched with the registries' own clients into a throwaway directory):
  * cfn-lint (PyPI wheel, read as a zip): the CloudFormation registry schemas it bundles, the
    provider index of every region (`cfnlint/data/schemas/providers/<region>.json`, us-east-1 first)
    and the SAM transform's types (`providers/sam.json`). Only `AWS::*::*` types are kept.
  * @cdktf/provider-aws (npm tarball, read with tarfile): one directory per provider resource and
    data source under `lib/`; each resource class `extends cdktf.TerraformResource` and carries
    `tfResourceType = "aws_..."`. Data sources (`extends cdktf.TerraformDataSource`) are skipped.

The judgement (type -> service, service -> name/category/aws_responsibilities) is hand-written in
scripts/type-services.toml. Every type must map to a service: the script fails listing each
unmapped namespace / prefix.

Usage:
  python3 scripts/gen_types.py --out types.toml [--summary SUMMARY.md --corpus corpus-types.txt]
      [--cfn-lint-wheel FILE.whl] [--cdktf-tarball FILE.tgz]   # reuse downloaded packages
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

CFN_LINT_VERSION = "1.58.0"
CDKTF_AWS_VERSION = "21.22.1"

HERE = Path(__file__).resolve().parent
MAPPING = HERE / "type-services.toml"
CATEGORIES = ("infrastructure", "container", "abstracted")


# ---------------------------------------------------------------- fetching (development time only)

def fetch_cfn_lint(tmp: Path, version: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         f"cfn-lint=={version}", "-d", str(tmp)],
        check=True,
    )
    wheels = sorted(tmp.glob(f"cfn_lint-{version}-*.whl"))
    if not wheels:
        sys.exit(f"gen_types: pip did not leave a cfn-lint {version} wheel in {tmp}")
    return wheels[0]


def fetch_cdktf(tmp: Path, version: str) -> Path:
    subprocess.run(["npm", "pack", "--silent", f"@cdktf/provider-aws@{version}"],
                   check=True, cwd=tmp, stdout=subprocess.DEVNULL)
    tarballs = sorted(tmp.glob(f"cdktf-provider-aws-{version}.tgz"))
    if not tarballs:
        sys.exit(f"gen_types: npm did not leave a @cdktf/provider-aws {version} tarball in {tmp}")
    return tarballs[0]


# ---------------------------------------------------------------- reading the packages

PROVIDERS = "cfnlint/data/schemas/providers/"


def cfn_types(wheel: Path) -> tuple[str, set[str], dict[str, int]]:
    """All AWS::*::* types of every region's provider index plus SAM; per-source counts."""
    z = zipfile.ZipFile(wheel)
    version = re.search(r"cfn_lint-([^-]+)-", wheel.name).group(1)
    names = [n for n in z.namelist() if n.startswith(PROVIDERS) and n.endswith(".json")]
    if PROVIDERS + "us-east-1.json" not in names:
        sys.exit(f"gen_types: {wheel.name} has no {PROVIDERS}us-east-1.json; layout changed?")
    types: set[str] = set()
    counts: dict[str, int] = {}
    for n in sorted(names):
        region = n[len(PROVIDERS):-len(".json")]
        ts = {t for t in json.loads(z.read(n)) if re.fullmatch(r"AWS::\w+::\w+", t)}
        counts[region] = len(ts)
        types |= ts
    us = {t for t in json.loads(z.read(PROVIDERS + "us-east-1.json")) if t.startswith("AWS::")}
    counts["_us_east_1"] = len(us)
    counts["_other_regions_only"] = len(types - us - set(json.loads(z.read(PROVIDERS + "sam.json"))))
    return version, types, counts


TF_TYPE = re.compile(r'tfResourceType\s*=\s*"(aws_[a-z0-9_]+)"')


def terraform_types(tarball: Path) -> tuple[str, set[str], int]:
    """All aws_* resource types of the provider (data sources skipped); number of data sources."""
    types: set[str] = set()
    data_sources = 0
    version = None
    with tarfile.open(tarball, "r:gz") as tar:
        for m in tar:
            if m.name == "package/package.json":
                version = json.load(tar.extractfile(m))["version"]
                continue
            parts = m.name.split("/")
            if len(parts) != 4 or parts[1] != "lib" or parts[3] != "index.js":
                continue
            text = tar.extractfile(m).read().decode("utf-8")
            found = TF_TYPE.findall(text)
            if not found:
                continue
            if "extends cdktf.TerraformDataSource" in text:
                data_sources += 1
                continue
            if "extends cdktf.TerraformResource" not in text:
                continue  # the provider itself ("aws") and helpers
            if len(set(found)) != 1:
                sys.exit(f"gen_types: {m.name} declares several resource types: {sorted(set(found))}")
            types.add(found[0])
    if not version or not types:
        sys.exit(f"gen_types: {tarball.name}: no package.json or no resources; layout changed?")
    return version, types, data_sources


# ---------------------------------------------------------------- mapping

def cfn_key_matches(key: str, t: str) -> bool:
    if key.endswith("*"):
        return t.startswith(key[:-1])
    return t == key or t.startswith(key + "::")


def tf_key_matches(key: str, t: str) -> bool:
    k = key.rstrip("_")
    return t == k or t.startswith(k + "_")


def resolve(types, table, matches, lang, unmapped):
    """type -> service id by the longest matching key; records the keys used."""
    out, used = {}, set()
    for t in sorted(types):
        best = None
        for key in table:
            if matches(key, t) and (best is None or len(key.rstrip("*_")) > len(best.rstrip("*_"))):
                best = key
        if best is None:
            unmapped[lang].append(t)
        else:
            out[t] = table[best]
            used.add(best)
    return out, used


def group_unmapped(lang: str, ts: list[str]) -> list[str]:
    """Namespaces (CloudFormation) or first-token prefixes (Terraform) with their types."""
    groups = defaultdict(list)
    for t in ts:
        g = t.rsplit("::", 1)[0] if lang == "cloudformation" else "_".join(t.split("_")[:2])
        groups[g].append(t)
    return [f"  {lang}: {g} ({len(v)}: {', '.join(v[:4])}{', ...' if len(v) > 4 else ''})"
            for g, v in sorted(groups.items())]


def merge_catalog(mapping, catalog: Path | None) -> list[str]:
    """The catalog (policies/<id>/service.toml) is the source of truth for the services it has:
    their name, category and aws_responsibilities replace the copies in type-services.toml unless
    an entry says `override_catalog = true`. Returns the ids taken from the catalog."""
    taken = []
    if not catalog or not catalog.is_dir():
        return taken
    services = mapping.setdefault("service", {})
    for f in sorted(catalog.glob("*/service.toml")):
        cat = tomllib.loads(f.read_text())
        sid = cat.get("id", f.parent.name)
        mine = services.get(sid, {})
        if mine.get("override_catalog"):
            continue
        services[sid] = {k: cat[k] for k in ("name", "category", "aws_responsibilities") if k in cat}
        taken.append(sid)
    return taken


def check_services(mapping) -> dict:
    services = mapping.get("service", {})
    errors = []
    for sid, s in services.items():
        for field in ("name", "category", "aws_responsibilities"):
            if field not in s:
                errors.append(f"service {sid}: missing {field}")
        if s.get("category") not in CATEGORIES:
            errors.append(f"service {sid}: category {s.get('category')!r} not one of {CATEGORIES}")
        r = s.get("aws_responsibilities", [])
        if not (isinstance(r, list) and 2 <= len(r) <= 8 and all(isinstance(x, str) and x for x in r)):
            errors.append(f"service {sid}: aws_responsibilities must be 2-8 non-empty lines")
    for lang in ("cloudformation", "terraform"):
        for key, sid in mapping.get(lang, {}).items():
            if sid not in services:
                errors.append(f"{lang} key {key!r} maps to undefined service {sid!r}")
    if errors:
        sys.exit("gen_types: type-services.toml is inconsistent:\n  " + "\n  ".join(errors))
    return services


# ---------------------------------------------------------------- output

def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def toml_list(items: list[str]) -> str:
    if not items:
        return "[]"
    return "[\n" + "".join(f"  {toml_str(i)},\n" for i in items) + "]"


def write_table(path: Path, header: str, services, by_service) -> None:
    lines = [header, ""]
    for sid in sorted(by_service):
        s = services[sid]
        lines += [
            "[[service]]",
            f"id = {toml_str(sid)}",
            f"name = {toml_str(s['name'])}",
            f"category = {toml_str(s['category'])}",
            f"aws_responsibilities = {toml_list(s['aws_responsibilities'])}",
            f"cloudformation = {toml_list(sorted(by_service[sid]['cloudformation']))}",
            f"terraform = {toml_list(sorted(by_service[sid]['terraform']))}",
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    tomllib.loads(path.read_text())  # the output must parse


def write_summary(path: Path, info, services, by_service, type_service, corpus: Path | None):
    cats = Counter(services[sid]["category"] for sid in by_service)
    n_cfn = sum(len(v["cloudformation"]) for v in by_service.values())
    n_tf = sum(len(v["terraform"]) for v in by_service.values())
    types_per_cat = Counter()
    for sid, v in by_service.items():
        types_per_cat[services[sid]["category"]] += len(v["cloudformation"]) + len(v["terraform"])
    out = [
        "# Resource-type table: summary",
        "",
        f"Generated by `scripts/gen_types.py` on {info['date']} from:",
        "",
        f"- **cfn-lint {info['cfn_version']}** (PyPI wheel; bundled registry schemas dated "
        f"{info['schema_date']}): {info['cfn_counts']['_us_east_1']} `AWS::` types in the us-east-1 "
        f"provider index, {info['cfn_counts'].get('sam', 0)} SAM types (`AWS::Serverless::*`, "
        f"`providers/sam.json`), {info['cfn_counts']['_other_regions_only']} more that exist only in "
        f"other regions' provider indexes (all included)",
        f"- **@cdktf/provider-aws {info['tf_version']}** (npm tarball; `lib/*/index.js` classes "
        f"extending `cdktf.TerraformResource`; {info['tf_data_sources']} data sources skipped)",
        "",
        *([f"Left out (see `[exclude]` in `scripts/type-services.toml`): "
           + "; ".join(f"`{t}` ({why})" for t, why in sorted(info["excluded"].items())), ""]
          if info["excluded"] else []),
        f"Name, category and what AWS keeps come from `policies/<id>/service.toml` for the "
        f"{len(info['from_catalog'])} services the catalog has ({', '.join(info['from_catalog'])}), "
        "and from `scripts/type-services.toml` for the others.",
        "",
        "## Counts",
        "",
        "| | count |",
        "|---|---:|",
        f"| CloudFormation resource types | {n_cfn} |",
        f"| Terraform resource types | {n_tf} |",
        f"| services | {len(by_service)} |",
    ]
    for c in CATEGORIES:
        out.append(f"| services `{c}` | {cats[c]} (with {types_per_cat[c]} types) |")
    out.append("")
    if info["doubtful"]:
        out += ["## Doubtful mappings (`doubtful` in `scripts/type-services.toml`)", ""]
        out += [f"- {d}" for d in info["doubtful"]]
        out.append("")
    if corpus:
        rows = []
        for line in corpus.read_text().splitlines()[1:]:
            if not line.strip():
                continue
            count, with_checklist, t = line.split("\t")
            rows.append((int(count), int(with_checklist), t))
        aws = [r for r in rows if r[2].startswith("AWS::") or r[2].startswith("aws_")]
        other = [r for r in rows if r not in aws]
        known = [r for r in aws if r[2] in type_service]
        unknown = sorted((r for r in aws if r[2] not in type_service), key=lambda r: (-r[0], r[2]))
        res = lambda rs: sum(r[0] for r in rs)
        pct = lambda a, b: f"{100 * a / b:.2f} %" if b else "n/a"
        out += [
            f"## Corpus (`{corpus.name}`)",
            "",
            "| | types | resources |",
            "|---|---:|---:|",
            f"| all rows | {len(rows)} | {res(rows)} |",
            f"| `AWS::` / `aws_` | {len(aws)} | {res(aws)} |",
            f"| identified by the table | {len(known)} ({pct(len(known), len(aws))}) | "
            f"{res(known)} ({pct(res(known), res(aws))}) |",
            f"| identified, share of all rows | | {pct(res(known), res(rows))} |",
            f"| not `AWS::`/`aws_` (custom resources, other providers) | {len(other)} | {res(other)} |",
            "",
            "Per category (identified corpus resources):",
            "",
            "| category | types | resources |",
            "|---|---:|---:|",
        ]
        for c in CATEGORIES:
            rs = [r for r in known if services[type_service[r[2]]]["category"] == c]
            out.append(f"| {c} | {len(rs)} | {res(rs)} |")
        out += ["", "`AWS::` / `aws_` types in the corpus that the table does not know:", ""]
        out += [f"- `{t}` ({n} resources)" for n, _, t in unknown] or ["- none"]
        out.append("")
        top = Counter()
        for n, _, t in known:
            top[type_service[t]] += n
        out += ["Services by corpus resources (top 25):", "", "| service | category | resources |",
                "|---|---|---:|"]
        out += [f"| {sid} | {services[sid]['category']} | {n} |" for sid, n in top.most_common(25)]
        out.append("")
    path.write_text("\n".join(out))


# ---------------------------------------------------------------- main

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path, help="the types.toml to write")
    ap.add_argument("--summary", type=Path, help="also write a Markdown summary here")
    ap.add_argument("--corpus", type=Path, help="count/with_checklist/type TSV to measure against")
    ap.add_argument("--mapping", type=Path, default=MAPPING)
    ap.add_argument("--catalog", type=Path, default=HERE.parent / "policies",
                    help="service.toml files here win over type-services.toml (default: policies/)")
    ap.add_argument("--no-catalog", action="store_true", help="use type-services.toml alone")
    ap.add_argument("--cfn-lint-version", default=CFN_LINT_VERSION)
    ap.add_argument("--cdktf-version", default=CDKTF_AWS_VERSION)
    ap.add_argument("--cfn-lint-wheel", type=Path, help="use this wheel instead of pip download")
    ap.add_argument("--cdktf-tarball", type=Path, help="use this tarball instead of npm pack")
    ap.add_argument("--date", help="date for the header (default: today, UTC)")
    args = ap.parse_args()

    mapping = tomllib.loads(args.mapping.read_text())
    from_catalog = merge_catalog(mapping, None if args.no_catalog else args.catalog)
    services = check_services(mapping)

    with tempfile.TemporaryDirectory(prefix="gen_types-") as tmpdir:
        tmp = Path(tmpdir)
        wheel = args.cfn_lint_wheel or fetch_cfn_lint(tmp, args.cfn_lint_version)
        tarball = args.cdktf_tarball or fetch_cdktf(tmp, args.cdktf_version)
        cfn_version, cfn, cfn_counts = cfn_types(wheel)
        schema_date = json.loads(zipfile.ZipFile(wheel).read("cfnlint/data/schemas/version.json"))
        tf_version, tf, tf_data_sources = terraform_types(tarball)

    excluded = {}
    for key, why in mapping.get("exclude", {}).items():
        hit = {t for t in cfn if cfn_key_matches(key, t)} | {t for t in tf if tf_key_matches(key, t)}
        for t in hit:
            excluded[t] = why
    cfn -= set(excluded)
    tf -= set(excluded)

    unmapped = {"cloudformation": [], "terraform": []}
    cfn_map, cfn_used = resolve(cfn, mapping.get("cloudformation", {}), cfn_key_matches,
                                "cloudformation", unmapped)
    tf_map, tf_used = resolve(tf, mapping.get("terraform", {}), tf_key_matches, "terraform", unmapped)
    if unmapped["cloudformation"] or unmapped["terraform"]:
        lines = group_unmapped("cloudformation", unmapped["cloudformation"])
        lines += group_unmapped("terraform", unmapped["terraform"])
        sys.exit("gen_types: types without a service; add their namespace/prefix to "
                 f"{args.mapping.name}:\n" + "\n".join(lines))

    for lang, used in (("cloudformation", cfn_used), ("terraform", tf_used)):
        stale = sorted(set(mapping.get(lang, {})) - used)
        if stale:
            print(f"gen_types: warning: {lang} keys matching no type: {', '.join(stale)}",
                  file=sys.stderr)

    by_service = defaultdict(lambda: {"cloudformation": [], "terraform": []})
    for t, sid in cfn_map.items():
        by_service[sid]["cloudformation"].append(t)
    for t, sid in tf_map.items():
        by_service[sid]["terraform"].append(t)
    unused = sorted(set(services) - set(by_service))
    if unused:
        print(f"gen_types: warning: services with no type: {', '.join(unused)}", file=sys.stderr)

    date = args.date or dt.datetime.now(dt.timezone.utc).date().isoformat()
    header = (f"# Generated by scripts/gen_types.py from cfn-lint {cfn_version} and "
              f"@cdktf/provider-aws {tf_version} on {date}; do not edit.")
    write_table(args.out, header, services, by_service)
    type_service = {**cfn_map, **tf_map}
    if args.summary:
        info = dict(doubtful=mapping.get("doubtful", []), from_catalog=sorted(set(from_catalog) & set(by_service)), excluded=excluded, date=date, cfn_version=cfn_version, tf_version=tf_version, cfn_counts=cfn_counts,
                    schema_date=schema_date.get("schema_date", "?"), tf_data_sources=tf_data_sources)
        write_summary(args.summary, info, services, by_service, type_service, args.corpus)
    print(f"gen_types: {len(cfn_map)} CloudFormation and {len(tf_map)} Terraform types over "
          f"{len(by_service)} services -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
