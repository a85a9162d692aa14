//! The catalog's own check: every duty is complete (docs, references, good and bad examples in
//! each language it covers) and every example gets exactly the verdict and location it declares
//! when run through the whole pipeline. `tests/catalog.rs` runs it over the built-in catalog and
//! `srm-lint catalog --check --policies DIR` over a policy directory being written, so an author
//! proves a new duty without building srm-lint.
//!
//! This is a tool built on the engine, not a stage of it: it runs whole scans.

use crate::catalog::{Catalog, Duty, Example};
use crate::report::Report;
use crate::{scan, ScanOptions};
use std::fmt::Write as _;

/// What a check found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Examples run.
    pub examples: usize,
    /// One line per problem, `<duty id>: <what is wrong>`, in catalog order.
    pub problems: Vec<String>,
}

/// The peer checks a duty may cite (checkov, trivy, Security Hub FSBP): `tool,id,…` rows of
/// `policies/peer-checks.csv`, a copy of the ids and names the catalog's references are
/// checked against.
const PEERS: &str = include_str!("../policies/peer-checks.csv");

/// Checks every duty for which `keep` holds: its documentation and references first, then each
/// of its examples through a scan of a temporary file; then that no two duties on one resource
/// kind decide it by the same evidence (the same concept twice).
pub fn check(catalog: &Catalog, keep: impl Fn(&Duty) -> bool) -> Outcome {
    let mut out = Outcome::default();
    let peers: std::collections::HashSet<(&str, &str)> = PEERS
        .lines()
        .filter_map(|l| {
            let mut f = l.split(',');
            Some((f.next()?, f.next()?))
        })
        .collect();
    let mut evidence: std::collections::BTreeMap<(String, String), Vec<&str>> = Default::default();
    for duty in catalog.duties.iter().filter(|d| keep(d)) {
        lint(duty, &mut out.problems);
        lint_references(duty, &peers, &mut out.problems);
        if duty.proof == crate::catalog::Proof::Iac {
            let key =
                serde_json::to_string(&(&duty.terraform, &duty.cloudformation)).unwrap_or_default();
            for kind in &duty.resources {
                evidence
                    .entry((kind.clone(), key.clone()))
                    .or_default()
                    .push(&duty.id);
            }
        }
        for (i, ex) in duty.examples.iter().enumerate() {
            out.examples += 1;
            if let Some(p) = run_example(catalog, duty, ex) {
                out.problems.push(format!(
                    "{} example #{} ({} {}): {p}",
                    duty.id,
                    i + 1,
                    ex.format,
                    ex.verdict
                ));
            }
        }
    }
    for ((kind, _), ids) in evidence {
        if let [first, rest @ ..] = ids.as_slice() {
            for other in rest {
                out.problems.push(format!(
                    "{other}: decides `{kind}` by exactly the evidence of {first} (the same concept twice?)"
                ));
            }
        }
    }
    out
}

/// Every cited peer id exists (checkov, trivy, Security Hub FSBP), or the duty's `differences`
/// names it (a control of another Security Hub standard, a retired one).
fn lint_references(
    d: &Duty,
    peers: &std::collections::HashSet<(&str, &str)>,
    problems: &mut Vec<String>,
) {
    let r = &d.references;
    for (tool, ids) in [
        ("checkov", &r.checkov),
        ("trivy", &r.trivy),
        ("securityhub-fsbp", &r.security_hub),
    ] {
        for id in ids {
            if !peers.contains(&(tool, id.as_str())) && !r.differences.contains(id.as_str()) {
                problems.push(format!(
                    "{}: {tool} id `{id}` is not a known peer check (policies/peer-checks.csv), and `differences` does not say what it is",
                    d.id
                ));
            }
        }
    }
}

/// Words by which a note says that something outside the resource decides the outcome (the
/// subnet, an account-level setting, the AMI, another stack).
const DECIDED_OUTSIDE: [&str; 5] = [
    "subnet's",
    "account's",
    "AMI",
    "another stack",
    "registry-level",
];

/// The rule of `policies/README.md` for an absent setting: when its note says the outcome is
/// decided outside the resource, the test must be `absent = "unknown"` (never `passes`: the code
/// does not show what that setting is).
fn lint_absent(d: &Duty, problems: &mut Vec<String>) {
    let mut stack: Vec<&crate::catalog::Pred> = [&d.terraform, &d.cloudformation]
        .into_iter()
        .flatten()
        .flat_map(|e| [&e.when, &e.require, &e.support])
        .filter_map(|p| p.as_deref())
        .collect();
    while let Some(p) = stack.pop() {
        if let (Some(crate::catalog::Absent::Passes), Some(note)) = (p.absent, &p.note) {
            if let Some(w) = DECIDED_OUTSIDE.iter().find(|w| note.contains(*w)) {
                problems.push(format!(
                    "{}: `{}` has absent = \"passes\" but its note names something outside the resource ({w}) that decides; use absent = \"unknown\"",
                    d.id,
                    p.attr.as_deref().unwrap_or("?")
                ));
            }
        }
        stack.extend(p.json.as_deref());
        stack.extend(p.not.as_deref());
        stack.extend(p.filter.as_deref());
        stack.extend(p.any.iter().flatten());
        stack.extend(p.all.iter().flatten());
    }
}

/// The completeness rules of `policies/README.md`.
fn lint(d: &Duty, problems: &mut Vec<String>) {
    lint_absent(d, problems);
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
    if r.security_hub.is_empty() && r.checkov.is_empty() && r.trivy.is_empty() && r.links.is_empty()
    {
        problems.push(format!("{}: no references", d.id));
    }
    let shaped = {
        let parts: Vec<&str> = d.id.split('-').collect();
        parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
            && parts
                .get(2)
                .is_some_and(|n| n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()))
    };
    if !shaped {
        problems.push(format!(
            "{}: id must look like SRM-S3-001 (prefix, service, three digits)",
            d.id
        ));
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
        ("terraform", d.terraform.is_some()),
        ("cloudformation", d.cloudformation.is_some()),
    ] {
        if !ev {
            continue;
        }
        let of = |verdict: fn(&str) -> bool| {
            d.examples
                .iter()
                .any(|e| e.format == lang && verdict(&e.verdict))
        };
        let good = of(|v| v == "addressed");
        let bad = of(|v| v != "addressed");
        let attest = of(|v| v == "attestation");
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

/// Runs one example and says what went wrong, if anything.
/// The run's date every example is judged on unless it names its own (`date`), so that no
/// example changes verdict as time passes: dated lifecycles (Lambda runtimes, EKS versions) are
/// judged against it.
pub const EXAMPLE_DATE: &str = "2026-12-07";

fn run_example(catalog: &Catalog, duty: &Duty, ex: &Example) -> Option<String> {
    let dir = match tempfile_dir() {
        Ok(d) => d,
        Err(e) => return Some(format!("cannot make a temporary directory: {e}")),
    };
    let name = match ex.format.as_str() {
        "terraform" => "main.tf",
        _ if ex.code.trim_start().starts_with('{') => "template.json",
        _ => "template.yaml",
    };
    let path = dir.path.join(name);
    if let Err(e) = std::fs::write(&path, &ex.code) {
        return Some(format!("cannot write the example: {e}"));
    }
    let date = match ex.date.as_deref() {
        None => EXAMPLE_DATE,
        Some(d) => d,
    };
    let Some(date) = crate::date::parse(date).ok() else {
        return Some(format!(
            "example date `{date}` is not a calendar date YYYY-MM-DD"
        ));
    };
    let result = scan(
        &ScanOptions {
            paths: vec![path],
            date: Some(date),
            ..ScanOptions::default()
        },
        catalog,
    );
    let report = Report::build(&result, catalog);
    if !report.errors.is_empty() {
        let errors: Vec<String> = report
            .errors
            .iter()
            .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
            .collect();
        return Some(format!("tool errors: {errors:?}"));
    }
    let relations: Vec<&str> = catalog.relations().map(|r| r.name.as_str()).collect();
    let leaks: Vec<String> = report
        .resources
        .iter()
        .flat_map(|r| &r.checklist)
        .filter_map(|c| internal_words(&c.message, &relations).map(|w| format!("{}: {w}", c.duty)))
        .collect();
    if !leaks.is_empty() {
        return Some(format!("messages use internal words: {leaks:?}"));
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

/// What in a message a user cannot read: a relation id of the catalog (a kebab-case id anywhere
/// as a word; a one-word id, which can also be an attribute's name, in the phrases that named
/// relations), or the old "none of one of" grammar.
pub fn internal_words(message: &str, relations: &[&str]) -> Option<String> {
    if message.contains("none of one of") {
        return Some("\"none of one of\"".to_string());
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    for name in relations {
        let phrases = [
            format!("no `{name}` matches"),
            format!("`{name}` companion"),
        ];
        if phrases.iter().any(|p| message.contains(p.as_str())) {
            return Some(format!("relation `{name}`"));
        }
        if !name.contains('-') {
            continue;
        }
        for (at, _) in message.match_indices(name) {
            let before = message[..at].chars().next_back();
            let after = message[at + name.len()..].chars().next();
            if !before.is_some_and(word) && !after.is_some_and(word) {
                return Some(format!("relation `{name}`"));
            }
        }
    }
    None
}

/// A temporary directory removed when dropped (the library does not depend on `tempfile`).
struct TempDir {
    path: std::path::PathBuf,
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn tempfile_dir() -> std::io::Result<TempDir> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = base.join(format!("srm-lint-example-{}-{n}", std::process::id()));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(TempDir { path }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::internal_words;

    #[test]
    fn internal_words_finds_relation_ids_and_the_old_grammar() {
        let rels = ["cfn-permission", "logging"];
        assert!(internal_words("no `cfn-permission` matches", &rels).is_some());
        assert!(internal_words("x: cfn-permission: y", &rels).is_some());
        assert!(internal_words("no `logging` matches", &rels).is_some());
        assert!(
            internal_words("`Protocol` is \"x\"; expected none of one of 1, 2", &rels).is_some()
        );
        assert!(internal_words("no AWS::Lambda::Permission refers to Fn", &rels).is_none());
        assert!(internal_words("`logging.target` is not set", &rels).is_none());
        assert!(internal_words("`logging` is not set", &rels).is_none());
        assert!(internal_words("my-cfn-permission-x is fine", &rels).is_none());
    }
}
