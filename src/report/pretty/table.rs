//! The closing summary table of the terminal report: findings by severity and verdict, and the
//! duties and resources with the most findings. Deterministic: severities from critical down,
//! duties by count then id, resources by count then file, line, column and address.

use super::super::{escape_line, ChecklistEntry, ResourceEntry};
use crate::catalog::Severity;
use crate::evaluate::Verdict;
use std::fmt::Write as _;

/// At most this many duties are listed.
pub const TOP_DUTIES: usize = 10;

/// At most this many resources are listed.
pub const TOP_RESOURCES: usize = 10;

/// A resource as the table names it: where its header is, and its address. The same code reached
/// from two roots (a shared module) is one resource here.
type Place<'a> = (&'a str, usize, usize, &'a str);

/// Severities from the most severe down; `info` is shown only when it has findings.
const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// The table of `findings` (empty when there are none).
pub fn render(findings: &[(&ResourceEntry, &ChecklistEntry)]) -> String {
    if findings.is_empty() {
        return String::new();
    }
    // [unaddressed, unverified] per severity.
    let mut counts = [[0usize; 2]; SEVERITIES.len()];
    let mut duties: std::collections::BTreeMap<&str, (usize, &str)> = Default::default();
    let mut resources: std::collections::BTreeMap<Place, usize> = Default::default();
    for (r, c) in findings {
        *resources
            .entry((&r.path, r.line, r.column, &r.address))
            .or_insert(0) += 1;
        let col = usize::from(c.verdict == Verdict::Unverified);
        if let Some(row) = SEVERITIES.iter().position(|s| *s == c.severity) {
            if let Some(cell) = counts.get_mut(row).and_then(|r| r.get_mut(col)) {
                *cell += 1;
            }
        }
        duties.entry(&c.duty).or_insert((0, &c.slug)).0 += 1;
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10} {:>11} {:>11} {:>7}",
        "severity", "unaddressed", "unverified", "total"
    );
    let mut totals = [0usize; 2];
    for (s, [a, u]) in SEVERITIES.iter().zip(counts) {
        if *s == Severity::Info && a + u == 0 {
            continue;
        }
        totals[0] += a;
        totals[1] += u;
        let _ = writeln!(out, "{:<10} {a:>11} {u:>11} {:>7}", s.as_str(), a + u);
    }
    let [a, u] = totals;
    let _ = writeln!(out, "{:<10} {a:>11} {u:>11} {:>7}", "total", a + u);
    let mut top: Vec<(&str, usize, &str)> = duties
        .into_iter()
        .map(|(d, (n, slug))| (d, n, slug))
        .collect();
    // The sort is stable and the map is ordered by id: equal counts stay in id order.
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    let shown = top.len().min(TOP_DUTIES);
    let _ = writeln!(out, "top duties ({shown} of {}):", top.len());
    for (duty, n, slug) in top.into_iter().take(TOP_DUTIES) {
        let _ = writeln!(out, "{n:>7}  {}", escape_line(&format!("{duty} {slug}")));
    }
    let mut top: Vec<(Place, usize)> = resources.into_iter().collect();
    // Stable, over a map ordered by file, line, column and address.
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    let shown = top.len().min(TOP_RESOURCES);
    let _ = writeln!(out, "top resources ({shown} of {}):", top.len());
    for ((path, line, column, address), n) in top.into_iter().take(TOP_RESOURCES) {
        let _ = writeln!(
            out,
            "{n:>7}  {}",
            escape_line(&format!("{address} ({path}:{line}:{column})"))
        );
    }
    out
}
