//! JUnit XML (`--format junit`), for CI systems that show test reports (GitLab, Jenkins, Azure
//! DevOps): one test suite per file, one test case per (resource, duty). An unaddressed duty is a
//! `<failure>`, an unverified one `<skipped>` with its reason (it is neither proven nor failed),
//! every other verdict passes; tool errors are `<error>` cases in a suite of their own. Text is
//! escaped by the output rule, then for XML.

use super::{ChecklistEntry, Report, ResourceEntry};
use crate::evaluate::Verdict;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// XML text or attribute content: the output rule (no control characters, which XML 1.0 cannot
/// hold even escaped), then the markup characters as references.
fn xml(s: &str) -> String {
    crate::report::escape::escape_markup(s).into_owned()
}

/// One test case.
fn case(out: &mut String, r: &ResourceEntry, c: &ChecklistEntry) {
    let name = xml(&format!("{} {}", c.duty, c.title));
    let class = xml(&r.address);
    let at = xml(&format!("{}:{}:{}", c.path, c.line, c.column));
    let _ = write!(
        out,
        "    <testcase classname=\"{class}\" name=\"{name}\" file=\"{}\" line=\"{}\"",
        xml(&c.path),
        c.line
    );
    match c.verdict {
        Verdict::Unaddressed => {
            let _ = writeln!(
                out,
                ">\n      <failure type=\"{}\" message=\"{}\">{at}: {} [{}] {}</failure>\n    </testcase>",
                c.severity.as_str(),
                xml(&c.message),
                xml(&c.duty),
                c.severity.as_str(),
                xml(&c.message)
            );
        }
        Verdict::Unverified => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"unverified: {}\"/>\n    </testcase>",
                xml(&c.message)
            );
        }
        _ => out.push_str("/>\n"),
    }
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<(&ResourceEntry, &ChecklistEntry)>> = BTreeMap::new();
    for r in &report.resources {
        for c in &r.checklist {
            by_file.entry(&c.path).or_default().push((r, c));
        }
    }
    let count = |cases: &[(&ResourceEntry, &ChecklistEntry)], v: Verdict| {
        cases.iter().filter(|(_, c)| c.verdict == v).count()
    };
    let all: Vec<(&ResourceEntry, &ChecklistEntry)> = by_file.values().flatten().copied().collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"srm-lint\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        all.len() + report.errors.len(),
        count(&all, Verdict::Unaddressed),
        report.errors.len(),
        count(&all, Verdict::Unverified)
    );
    if !report.errors.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"srm-lint errors\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">",
            report.errors.len()
        );
        for e in &report.errors {
            let at = xml(&format!("{}:{}:{}", e.path, e.line, e.column));
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">\n      <error type=\"{}\" message=\"{}\">{at}: {}</error>\n    </testcase>",
                xml(&e.path),
                e.code,
                xml(&e.path),
                e.line,
                e.code,
                xml(&e.message),
                xml(&e.message)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    for (file, cases) in &by_file {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            xml(file),
            cases.len(),
            count(cases, Verdict::Unaddressed),
            count(cases, Verdict::Unverified)
        );
        for (r, c) in cases {
            case(&mut out, r, c);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
