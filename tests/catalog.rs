//! The catalog harness: every duty in `policies/` is complete (docs, references, examples in each
//! language it covers) and every example gets exactly the verdict and location it declares when
//! run through the whole pipeline.

use srm_lint::catalog::Catalog;
use srm_lint::report::Report;
use srm_lint::{scan, ScanOptions};
use std::fmt::Write as _;

fn catalog() -> Catalog {
    match Catalog::builtin() {
        Ok(c) => c,
        Err(errors) => {
            let msg: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("policy errors:\n{}", msg.join("\n"));
        }
    }
}

/// Runs one example and returns a description of what went wrong, if anything.
fn run_example(
    catalog: &Catalog,
    duty: &srm_lint::catalog::Duty,
    ex: &srm_lint::catalog::Example,
) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let name = match ex.format.as_str() {
        "terraform" => "main.tf",
        _ if ex.code.trim_start().starts_with('{') => "template.json",
        _ => "template.yaml",
    };
    let path = dir.path().join(name);
    std::fs::write(&path, &ex.code).ok()?;
    let result = scan(
        &ScanOptions {
            paths: vec![path],
            ..ScanOptions::default()
        },
        catalog,
    );
    let report = Report::build(&result, catalog);
    if !report.errors.is_empty() {
        return Some(format!(
            "tool errors: {:?}",
            report
                .errors
                .iter()
                .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
                .collect::<Vec<_>>()
        ));
    }
    let resource = report.resources.iter().find(|r| match &ex.resource {
        Some(addr) => &r.address == addr,
        None => r.checklist.iter().any(|c| *c.duty == *duty.id),
    });
    let Some(resource) = resource else {
        let found: Vec<String> = report
            .resources
            .iter()
            .map(|r| format!("{} ({})", r.address, r.rtype))
            .collect();
        return Some(format!(
            "no resource with this duty; resources found: {found:?}"
        ));
    };
    let Some(entry) = resource.checklist.iter().find(|c| *c.duty == *duty.id) else {
        return Some(format!(
            "{} has no checklist entry for the duty",
            resource.address
        ));
    };
    let mut problems = String::new();
    if entry.verdict.as_str() != ex.verdict {
        let _ = write!(
            problems,
            "verdict {} (expected {}): {}",
            entry.verdict.as_str(),
            ex.verdict,
            entry.message
        );
    }
    if let Some(at) = &ex.at {
        let got = format!("{}:{}", entry.line, entry.column);
        if &got != at {
            let _ = write!(
                problems,
                " location {got} (expected {at}): {}",
                entry.message
            );
        }
    }
    (!problems.is_empty()).then_some(problems)
}

#[test]
fn every_example_gets_its_declared_verdict_and_location() {
    let catalog = catalog();
    let mut failures = Vec::new();
    let mut ran = 0;
    for duty in &catalog.duties {
        for (i, ex) in duty.examples.iter().enumerate() {
            ran += 1;
            if let Some(p) = run_example(&catalog, duty, ex) {
                failures.push(format!(
                    "{} example #{} ({} {}): {p}",
                    duty.id,
                    i + 1,
                    ex.format,
                    ex.verdict
                ));
            }
        }
    }
    assert!(ran > 0, "no examples found");
    assert!(
        failures.is_empty(),
        "{} of {ran} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_duty_is_documented_and_has_good_and_bad_examples_per_language() {
    let catalog = catalog();
    let mut problems = Vec::new();
    for d in &catalog.duties {
        for (field, text) in [
            ("summary", &d.summary),
            ("why", &d.why),
            ("fix", &d.fix),
            ("default", &d.default),
            ("title", &d.title),
        ] {
            if text.trim().len() < 10 {
                problems.push(format!("{}: `{field}` is missing or too short", d.id));
            }
        }
        let r = &d.references;
        if r.security_hub.is_empty()
            && r.checkov.is_empty()
            && r.trivy.is_empty()
            && r.links.is_empty()
        {
            problems.push(format!("{}: no references", d.id));
        }
        if !d.id.starts_with("SRM-") {
            problems.push(format!("{}: id must start with SRM-", d.id));
        }
        for banned in [
            "ensure-",
            "avoid-",
            "use-",
            "prefer-",
            "do-not-",
            "consider-",
        ] {
            if d.slug.starts_with(banned) {
                problems.push(format!(
                    "{}: slug `{}` starts with `{banned}`",
                    d.id, d.slug
                ));
            }
        }
        for (lang, ev) in [
            ("terraform", &d.terraform),
            ("cloudformation", &d.cloudformation),
        ] {
            if ev.is_none() {
                continue;
            }
            let good = d
                .examples
                .iter()
                .any(|e| e.format == lang && e.verdict == "addressed");
            let bad = d
                .examples
                .iter()
                .any(|e| e.format == lang && e.verdict != "addressed");
            let attest = d
                .examples
                .iter()
                .any(|e| e.format == lang && e.verdict == "attestation");
            if !(attest || good && bad) {
                problems.push(format!(
                    "{}: needs an addressed and a non-addressed {lang} example",
                    d.id
                ));
            }
        }
        if d.terraform.is_none() && d.cloudformation.is_none() {
            problems.push(format!("{}: no evidence for any language", d.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The built-in catalog is embedded as JSON converted from `policies/` at build time (start-up
/// speed); it must say exactly what the TOML files say, read the way a policy directory is read.
#[test]
fn the_embedded_catalog_is_the_toml_on_disk() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let from_toml = match Catalog::from_files(
        Catalog::load_dir(&dir)
            .into_iter()
            .map(|(p, c)| {
                let rel = p.rsplit_once("/policies/").map(|(_, r)| r).unwrap_or(&p);
                (format!("policies/{rel}"), c)
            })
            .collect(),
    ) {
        Ok(c) => c,
        Err(errors) => panic!("policy errors: {errors:?}"),
    };
    let embedded = catalog();
    let json = |c: &Catalog| {
        (
            serde_json::to_value(&c.services).unwrap(),
            serde_json::to_value(&c.duties).unwrap(),
        )
    };
    assert!(embedded.duties.len() > 100, "{}", embedded.duties.len());
    assert_eq!(json(&embedded), json(&from_toml));
}
