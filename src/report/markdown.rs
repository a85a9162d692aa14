//! `--format markdown`: a pull-request comment or job summary. Totals first, then one checklist
//! table per resource, resources with unaddressed duties first.

use super::{escape_control, Report, ResourceEntry};
use crate::evaluate::Verdict;
use std::fmt::Write as _;

fn cell(s: &str) -> String {
    escape_control(s).replace('|', "\\|").replace('\n', " ")
}

fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Unaddressed => "❌",
        Verdict::Unverified => "❔",
        Verdict::Attestation => "📝",
        Verdict::Attested => "🖊️",
        Verdict::Suppressed => "🔕",
        Verdict::Addressed => "✅",
    }
}

fn rank(r: &ResourceEntry) -> (usize, usize) {
    let worst = r
        .checklist
        .iter()
        .map(|c| c.verdict)
        .min()
        .unwrap_or(Verdict::Addressed);
    (worst as usize, 0)
}

/// Renders the report as Markdown.
pub fn render(report: &Report) -> String {
    let mut s = String::from("## srm-lint: AWS shared-responsibility checklist\n\n");
    let sm = &report.summary;
    let _ = writeln!(
        s,
        "{} files, {} resources, {} duties checked.\n",
        sm.files, sm.resources, sm.duties
    );
    let _ = writeln!(s, "| verdict | count |\n|---|---:|");
    for v in Verdict::ALL {
        let _ = writeln!(s, "| {} {} | {} |", icon(v), v.as_str(), report.count(v));
    }
    if !report.errors.is_empty() {
        let _ = writeln!(s, "\n### Errors ({})\n", report.errors.len());
        for e in &report.errors {
            let _ = writeln!(
                s,
                "- `{}:{}:{}` {}: {}",
                cell(&e.path),
                e.line,
                e.column,
                e.code,
                cell(&e.message)
            );
        }
    }
    let mut resources: Vec<&ResourceEntry> = report
        .resources
        .iter()
        .filter(|r| !r.checklist.is_empty())
        .collect();
    resources.sort_by_key(|r| rank(r));
    for r in resources {
        let _ = writeln!(
            s,
            "\n### `{}` ({}) — `{}:{}`\n",
            cell(&r.address),
            cell(&r.rtype),
            cell(&r.path),
            r.line
        );
        let _ = writeln!(
            s,
            "| | duty | severity | layer | where | finding |\n|---|---|---|---|---|---|"
        );
        let mut items: Vec<_> = r.checklist.iter().collect();
        items.sort_by_key(|c| (c.verdict, std::cmp::Reverse(c.severity), c.duty.clone()));
        for c in items {
            let layer = serde_json::to_value(c.layer)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} {} | `{}` {} | {} | {} | `{}:{}` | {} |",
                icon(c.verdict),
                c.verdict.as_str(),
                c.duty,
                cell(&c.title),
                c.severity.as_str(),
                layer,
                cell(&c.path),
                c.line,
                cell(&c.message)
            );
        }
    }
    let unknown: Vec<&ResourceEntry> = report.resources.iter().filter(|r| !r.known).collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            s,
            "\n### Resources the catalog does not cover ({})\n",
            unknown.len()
        );
        for r in unknown {
            let _ = writeln!(
                s,
                "- `{}` ({}) at `{}:{}`",
                cell(&r.address),
                cell(&r.rtype),
                cell(&r.path),
                r.line
            );
        }
    }
    s
}
