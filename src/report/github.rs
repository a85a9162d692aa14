//! `--format github`: GitHub Actions workflow commands, one annotation per finding, error and
//! notice. Errors and notices are titled `srm-lint …`, findings by their duty id, so a filter
//! (the action's changed-lines one) can tell them apart.
//!
//! Every field is escaped as a single-line field first (no raw line break is left), then encoded
//! by the workflow-command rules: `%`, CR and LF in the message; also `:` and `,` in a property.

use super::{escape_line, Report};
use std::fmt::Write as _;

/// A workflow-command message.
fn data(s: &str) -> String {
    escape_line(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow-command property value.
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Renders the report as workflow commands.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let _ = writeln!(
            out,
            "::error file={},line={},col={},title={}::{}",
            prop(&e.path),
            e.line,
            e.column,
            prop(&format!("srm-lint {}", e.code)),
            data(&e.message)
        );
    }
    for (r, c) in report.findings() {
        let cmd = match super::Level::of(c.verdict, c.severity) {
            super::Level::Error => "error",
            super::Level::Warning => "warning",
            super::Level::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{cmd} file={},line={},col={},title={}::{}",
            prop(&c.path),
            c.line,
            c.column,
            prop(&format!("{} {}", c.duty, c.slug)),
            data(&format!(
                "{} {}: {} — {}",
                c.verdict.as_str(),
                r.address,
                c.title,
                c.message
            ))
        );
    }
    for n in &report.notices {
        let _ = writeln!(
            out,
            "::notice file={},line={},col={},title={}::{}",
            prop(&n.path),
            n.line,
            n.column,
            prop("srm-lint notice"),
            data(&n.message)
        );
    }
    out
}
