//! `--format compact`: one line per finding and per error, `path:line:col: severity id message`.

use super::{escape_control, Report};
use std::fmt::Write as _;

/// Renders the report compactly.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let _ = writeln!(
            out,
            "{}:{}:{}: error {} {}",
            e.path, e.line, e.column, e.code, e.message
        );
    }
    for (r, c) in report.findings() {
        let _ = writeln!(
            out,
            "{}:{}:{}: {} {} [{}] {}: {}",
            c.path,
            c.line,
            c.column,
            c.severity.as_str(),
            c.duty,
            c.verdict.as_str(),
            r.address,
            c.message
        );
    }
    for u in &report.unused_suppressions {
        let _ = writeln!(
            out,
            "{}:{}:{}: warning unused-suppression {}",
            u.path, u.line, u.column, u.message
        );
    }
    escape_control(&out)
}
