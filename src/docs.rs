//! Documentation generated from the catalog: `srm-lint explain`, `srm-lint catalog` and the
//! `docs/` pages.

use crate::catalog::{Catalog, Duty};
use serde::Serialize;
use std::fmt::Write as _;

fn refs(d: &Duty) -> Vec<String> {
    let r = &d.references;
    let mut out = Vec::new();
    if !r.security_hub.is_empty() {
        out.push(format!("AWS Security Hub: {}", r.security_hub.join(", ")));
    }
    if !r.checkov.is_empty() {
        out.push(format!("checkov: {}", r.checkov.join(", ")));
    }
    if !r.trivy.is_empty() {
        out.push(format!("trivy: {}", r.trivy.join(", ")));
    }
    out.extend(r.links.iter().cloned());
    let differences = r.differences.trim();
    if !differences.is_empty() {
        out.push(format!("How the references differ: {differences}"));
    }
    out
}

fn kind_types(catalog: &Catalog, kind: &str) -> (Vec<String>, Vec<String>) {
    for s in catalog.services.values() {
        for k in &s.resources {
            if k.kind == kind {
                return (k.terraform.clone(), k.cloudformation.clone());
            }
        }
    }
    (Vec::new(), Vec::new())
}

/// The documentation of one duty, as Markdown (also printed by `srm-lint explain`).
pub fn explain(d: &Duty, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} {}\n", d.id, d.slug);
    let _ = writeln!(s, "**{}**\n", d.title);
    let _ = writeln!(
        s,
        "- Layer: {}\n- Control: {}\n- Severity: {}\n- Proof: {}\n- Status: {} (since {})",
        ser(&d.layer),
        ser(&d.control),
        d.severity.as_str(),
        ser(&d.proof),
        d.status,
        d.since
    );
    for k in &d.resources {
        let (tf, cfn) = kind_types(catalog, k);
        let _ = writeln!(
            s,
            "- Applies to: {k} (Terraform: {}; CloudFormation: {})",
            tf.join(", "),
            cfn.join(", ")
        );
    }
    let _ = writeln!(s, "\n## What it is\n\n{}\n", d.summary.trim());
    let _ = writeln!(s, "## Why it matters\n\n{}\n", d.why.trim());
    let _ = writeln!(s, "## When nothing is written\n\n{}\n", d.default.trim());
    let _ = writeln!(s, "## How to fix\n\n{}\n", d.fix.trim());
    let r = refs(d);
    if !r.is_empty() {
        let _ = writeln!(s, "## References\n");
        for x in r {
            let _ = writeln!(s, "- {x}");
        }
        s.push('\n');
    }
    for ex in &d.examples {
        let lang = if ex.format == "terraform" {
            "hcl"
        } else {
            "yaml"
        };
        let what = if ex.verdict == "addressed" {
            "Good"
        } else {
            "Bad"
        };
        let on = ex
            .date
            .as_deref()
            .map(|d| format!(", on {d}"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "## {what} example ({}, {}{on})\n\n```{lang}\n{}\n```\n",
            ex.format,
            ex.verdict,
            ex.code.trim_end()
        );
    }
    s
}

fn ser<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `srm-lint catalog` as text.
pub fn catalog_text(catalog: &Catalog) -> String {
    let mut s = String::new();
    for svc in catalog.services.values() {
        let _ = writeln!(s, "{} ({}, {})", svc.name, svc.id, ser(&svc.category));
        for k in &svc.resources {
            let _ = writeln!(
                s,
                "  {} — {}",
                k.kind,
                [k.terraform.clone(), k.cloudformation.clone()]
                    .concat()
                    .join(", ")
            );
            for d in catalog.duties_for(&k.kind) {
                let _ = writeln!(
                    s,
                    "    {:<12} {:<8} {:<20} {}",
                    d.id,
                    d.severity.as_str(),
                    ser(&d.layer),
                    d.title
                );
            }
        }
    }
    let _ = writeln!(
        s,
        "{} resource types, {} duties",
        type_count(catalog),
        catalog.duties.len()
    );
    s.push_str(&coverage(catalog));
    s
}

/// The catalog's breadth: services and types with duties, types identified, duties per layer.
pub fn coverage(catalog: &Catalog) -> String {
    let mut s = String::from("\nCoverage\n");
    let with_duties: std::collections::BTreeSet<&str> = catalog
        .services
        .values()
        .filter(|svc| {
            svc.resources
                .iter()
                .any(|k| catalog.duties_for(&k.kind).next().is_some())
        })
        .map(|svc| svc.id.as_str())
        .collect();
    let identified_types: usize = catalog
        .identified()
        .values()
        .map(|svc| svc.terraform.len() + svc.cloudformation.len())
        .sum();
    let _ = writeln!(
        s,
        "  services with duties     {:>5}  (of {} AWS services identified)",
        with_duties.len(),
        catalog.identified().len().max(catalog.services.len())
    );
    let _ = writeln!(
        s,
        "  types with a checklist   {:>5}  (of {} Terraform and CloudFormation types identified)",
        type_count(catalog),
        identified_types
    );
    let _ = writeln!(s, "  duties                   {:>5}", catalog.duties.len());
    let mut by_layer: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for d in &catalog.duties {
        let e = by_layer.entry(ser(&d.layer)).or_default();
        match d.control {
            crate::catalog::Control::Shared => e.1 += 1,
            _ => e.0 += 1,
        }
    }
    for (layer, (customer, shared)) in by_layer {
        let _ = writeln!(
            s,
            "    {layer:<24} {:>4}  ({customer} customer-specific, {shared} shared)",
            customer + shared
        );
    }
    if !catalog.lifecycles.is_empty() {
        s.push_str("  dated lifecycle data (policies/lifecycles/)\n");
    }
    for l in catalog.lifecycles.values() {
        let _ = writeln!(
            s,
            "    {:<24} {:>4}  values, checked on {}",
            l.id,
            l.values.len(),
            crate::date::format(l.checked)
        );
    }
    s
}

fn type_count(catalog: &Catalog) -> usize {
    catalog
        .services
        .values()
        .flat_map(|s| s.resources.iter())
        .map(|k| k.terraform.len() + k.cloudformation.len())
        .sum()
}

#[derive(Serialize)]
struct CatalogJson<'a> {
    resource_types: usize,
    duties: usize,
    services: Vec<&'a crate::catalog::Service>,
    duty_list: Vec<DutyJson<'a>>,
}

#[derive(Serialize)]
struct DutyJson<'a> {
    #[serde(flatten)]
    duty: &'a Duty,
    help_uri: String,
}

/// `srm-lint catalog --format json`.
pub fn catalog_json(catalog: &Catalog) -> String {
    let j = CatalogJson {
        resource_types: type_count(catalog),
        duties: catalog.duties.len(),
        services: catalog.services.values().collect(),
        duty_list: catalog
            .duties
            .iter()
            .map(|d| DutyJson {
                duty: d,
                help_uri: d.help_uri(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&j).unwrap_or_default();
    s.push('\n');
    s
}

/// `srm-lint catalog --format markdown`: one table per service.
pub fn catalog_markdown(catalog: &Catalog) -> String {
    let mut s = String::from("# srm-lint catalog\n\n");
    let _ = writeln!(
        s,
        "{} resource types, {} duties.\n",
        type_count(catalog),
        catalog.duties.len()
    );
    for svc in catalog.services.values() {
        s.push_str(&service_page(svc, catalog));
    }
    s
}

/// The `docs/services/<id>.md` page of a service.
pub fn service_page(svc: &crate::catalog::Service, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## {} ({})\n\nCategory: {}.\n\nAWS keeps:\n",
        svc.name,
        svc.id,
        ser(&svc.category)
    );
    for a in &svc.aws_responsibilities {
        let _ = writeln!(s, "- {a}");
    }
    s.push('\n');
    for k in &svc.resources {
        let _ = writeln!(s, "### {} (`{}`)\n", k.title, k.kind);
        let _ = writeln!(
            s,
            "Terraform: {}  \nCloudFormation: {}\n",
            code_list(&k.terraform),
            code_list(&k.cloudformation)
        );
        let _ = writeln!(
            s,
            "| id | duty | layer | control | severity | proof |\n|---|---|---|---|---|---|"
        );
        for d in catalog.duties_for(&k.kind) {
            let _ = writeln!(
                s,
                "| [{}](../duties/{}.md) | {} | {} | {} | {} | {} |",
                d.id,
                d.id,
                d.title,
                ser(&d.layer),
                ser(&d.control),
                d.severity.as_str(),
                ser(&d.proof)
            );
        }
        s.push('\n');
    }
    s
}

fn code_list(v: &[String]) -> String {
    if v.is_empty() {
        "—".to_string()
    } else {
        v.iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every generated documentation page as `(path under docs/, content)`: one page per duty, one
/// per service, and an index. `tests/docs.rs` fails when the checked-in `docs/` differs.
pub fn generate(catalog: &Catalog) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut index = String::from("# srm-lint documentation\n\nGenerated from `policies/` by `SRM_UPDATE_DOCS=1 cargo test --test docs`; do not edit by hand.\n\n");
    let _ = writeln!(
        index,
        "{} resource types, {} duties.\n\n| service | category | resource kinds | duties |\n|---|---|---|---|",
        type_count(catalog),
        catalog.duties.len()
    );
    for svc in catalog.services.values() {
        let kinds: Vec<&str> = svc.resources.iter().map(|k| k.kind.as_str()).collect();
        let n = catalog
            .duties
            .iter()
            .filter(|d| d.resources.iter().any(|k| kinds.contains(&k.as_str())))
            .count();
        let _ = writeln!(
            index,
            "| [{}](services/{}.md) | {} | {} | {} |",
            svc.name,
            svc.id,
            ser(&svc.category),
            kinds.join(", "),
            n
        );
        out.push((
            format!("services/{}.md", svc.id),
            format!(
                "# {}\n\n{}",
                svc.name,
                service_page(svc, catalog)
                    .trim_start_matches(|c| c != '\n')
                    .trim_start()
            ),
        ));
    }
    out.push(("README.md".to_string(), index));
    for d in &catalog.duties {
        out.push((format!("duties/{}.md", d.id), explain(d, catalog)));
    }
    out.sort();
    out
}

/// The next free duty id of a service: its duties' usual prefix (`SRM-S3-`) and one past the
/// highest number ever used in it (ids are never reused), or `SRM-<ID>-001` for a service
/// without duties; `None` for an unknown service.
pub fn next_id(catalog: &Catalog, service: &str) -> Option<String> {
    let svc = catalog.services.get(service)?;
    let kinds: Vec<&str> = svc.resources.iter().map(|k| k.kind.as_str()).collect();
    let mut prefixes: std::collections::BTreeMap<&str, (usize, u32)> = Default::default();
    for d in &catalog.duties {
        let in_service = d.source.contains(&format!("/{service}/"))
            || d.resources.iter().all(|k| kinds.contains(&k.as_str()));
        let Some((prefix, number)) = d.id.rsplit_once('-') else {
            continue;
        };
        let Ok(n) = number.parse::<u32>() else {
            continue;
        };
        if in_service {
            let e = prefixes.entry(prefix).or_default();
            e.0 += 1;
            e.1 = e.1.max(n);
        }
    }
    let fallback = format!("SRM-{}", service.to_ascii_uppercase().replace('-', ""));
    let (prefix, max) = prefixes
        .iter()
        .max_by_key(|(_, (count, _))| *count)
        .map(|(p, (_, max))| (p.to_string(), *max))
        .unwrap_or((fallback, 0));
    // Every duty with this prefix counts, wherever it lives, so an id is never used twice.
    let max = catalog
        .duties
        .iter()
        .filter_map(|d| d.id.rsplit_once('-'))
        .filter(|(p, _)| *p == prefix)
        .filter_map(|(_, n)| n.parse::<u32>().ok())
        .fold(max, u32::max);
    Some(format!("{prefix}-{:03}", max + 1))
}
