//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Rules carry the duty docs and a help
//! URI; results carry a region and a `partialFingerprints` value that hashes (duty, file,
//! resource address), so it survives edits that only move lines.

use super::{Report, ResourceEntry};
use crate::catalog::{Catalog, Severity};
use crate::evaluate::Verdict;
use serde_json::{json, Value};

/// FNV-1a 64-bit: a small, stable, dependency-free hash for fingerprints.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn level(verdict: Verdict, sev: Severity) -> &'static str {
    match (verdict, sev) {
        (Verdict::Unverified, _) => "warning",
        (_, Severity::Critical | Severity::High) => "error",
        (_, Severity::Medium) => "warning",
        _ => "note",
    }
}

fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The fingerprint of a finding (also used by baselines).
pub fn finding_fingerprint(resource: &ResourceEntry, duty: &str, path: &str) -> String {
    fingerprint(&[duty, path, &resource.address])
}

/// Renders the report as SARIF 2.1.0.
pub fn render(report: &Report, catalog: &Catalog) -> String {
    let rules: Vec<Value> = catalog
        .duties
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "name": d.slug,
                "shortDescription": { "text": d.title },
                "fullDescription": { "text": d.summary.trim() },
                "help": {
                    "text": format!("{}\n\nHow to fix: {}", d.why.trim(), d.fix.trim()),
                    "markdown": format!("{}\n\n**How to fix:** {}", d.why.trim(), d.fix.trim()),
                },
                "helpUri": if d.id.starts_with("guard/") { Value::Null } else { Value::from(d.help_uri()) },
                "defaultConfiguration": { "level": level(Verdict::Unaddressed, d.severity) },
                "properties": {
                    "tags": ["security", "aws", "shared-responsibility", serde_json::to_value(d.layer).unwrap_or(Value::Null)],
                    "security-severity": security_severity(d.severity),
                    "precision": "high",
                },
            })
        })
        .collect();
    let rule_indices: std::collections::HashMap<&str, usize> = catalog
        .duties
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let rule_index = |id: &str| rule_indices.get(id).copied();
    let results: Vec<Value> = report
        .findings()
        .into_iter()
        .map(|(r, c)| {
            let mut result = json!({
                "ruleId": c.duty,
                "level": level(c.verdict, c.severity),
                "message": { "text": format!("{} {}: {} — {}", c.verdict.as_str(), r.address, c.title, c.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": c.path },
                        "region": {
                            "startLine": c.line,
                            "startColumn": c.column,
                            "endLine": c.end.0.max(c.line),
                            "endColumn": if c.end.0 > c.line { c.end.1 } else { c.end.1.max(c.column) },
                        },
                    },
                    "logicalLocations": [{ "fullyQualifiedName": r.address, "kind": "resource" }],
                }],
                "partialFingerprints": { "srmLintFinding/v1": finding_fingerprint(r, &c.duty, &c.path) },
                "properties": { "verdict": c.verdict.as_str(), "resourceType": r.rtype },
            });
            if let (Some(i), Some(obj)) = (rule_index(&c.duty), result.as_object_mut()) {
                obj.insert("ruleIndex".into(), json!(i));
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.code, e.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": e.path },
                        "region": { "startLine": e.line, "startColumn": e.column },
                    },
                }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "srm-lint",
                    "version": report.tool.version,
                    "informationUri": "https://github.com/srm-lint/srm-lint",
                    "rules": rules,
                },
            },
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
