//! Baselines: `--write-baseline FILE` records today's findings by fingerprint; `--baseline FILE`
//! reports only new ones, so a team can adopt srm-lint on an old repository and fail only on
//! regressions. Fingerprints hash (duty, root, file, resource address), so they survive line
//! shifts, and the same module resource reached from a new root (a new example calling an old
//! module) is a new finding. Version-1 baselines (without the root) are still read.

use crate::evaluate::Verdict;
use crate::report::fingerprint::fingerprint;
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The baseline file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// Recorded findings.
    pub findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Fingerprint.
    pub fingerprint: String,
    /// Duty id (for humans).
    pub duty: String,
    /// File (for humans).
    pub path: String,
    /// Resource address (for humans).
    pub address: String,
    /// The root the resource was reached from (for humans; version 2).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub root: String,
}

/// The baseline of a report's current findings.
pub fn from_report(report: &Report) -> Baseline {
    let mut findings: Vec<Entry> = report
        .findings()
        .into_iter()
        .map(|(r, c)| Entry {
            fingerprint: key(VERSION, &c.duty, &r.root, &c.path, &r.address),
            duty: c.duty.to_string(),
            path: c.path.to_string(),
            address: r.address.clone(),
            root: r.root.clone(),
        })
        .collect();
    findings.sort();
    findings.dedup();
    Baseline {
        version: VERSION,
        findings,
    }
}

/// Serialises a baseline.
pub fn to_json(b: &Baseline) -> String {
    let mut s = serde_json::to_string_pretty(b).unwrap_or_default();
    s.push('\n');
    s
}

/// Parses a baseline file.
pub fn parse(text: &str) -> Result<Baseline, String> {
    serde_json::from_str(text).map_err(|e| {
        format!(
            "invalid baseline (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })
}

/// Marks findings recorded in the baseline as suppressed; returns how many were.
pub fn apply(report: &mut Report, baseline: &Baseline, display: &str) -> usize {
    let known: BTreeSet<&str> = baseline
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let mut n = 0;
    for r in &mut report.resources {
        let (address, root) = (r.address.clone(), r.root.clone());
        for c in &mut r.checklist {
            if !matches!(c.verdict, Verdict::Unaddressed | Verdict::Unverified) {
                continue;
            }
            let fp = key(baseline.version, &c.duty, &root, &c.path, &address);
            if known.contains(fp.as_str()) {
                c.message = format!("in baseline {display}: {}", c.message).into();
                c.verdict = Verdict::Suppressed;
                c.basis = crate::model::result::Basis::Suppressed;
                n += 1;
            }
        }
    }
    report.recount();
    n
}

/// The baseline format written.
const VERSION: u32 = 2;

/// A finding's baseline fingerprint: its duty, root (from version 2), file and resource address
/// (the baseline's own key, apart from SARIF's, so it can grow without changing code-scanning
/// alerts).
fn key(version: u32, duty: &str, root: &str, path: &str, address: &str) -> String {
    if version < 2 {
        fingerprint(&[duty, path, address])
    } else {
        fingerprint(&[duty, root, path, address])
    }
}
