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

/// One workflow command: `::CMD file=…,line=…,col=…,title=…::MESSAGE`.
fn annotate(out: &mut String, cmd: &str, at: (&str, usize, usize), title: &str, message: &str) {
    let (path, line, column) = at;
    let _ = writeln!(
        out,
        "::{cmd} file={},line={line},col={column},title={}::{}",
        prop(path),
        prop(title),
        data(message)
    );
}

/// Renders the report as workflow commands.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let title = format!("srm-lint {}", e.code);
        annotate(
            &mut out,
            "error",
            (&e.path, e.line, e.column),
            &title,
            &e.message,
        );
    }
    for (r, c) in report.findings() {
        let cmd = match super::Level::of(c.verdict, c.severity) {
            super::Level::Error => "error",
            super::Level::Warning => "warning",
            super::Level::Note => "notice",
        };
        annotate(
            &mut out,
            cmd,
            (&c.path, c.line as usize, c.column as usize),
            &format!("{} {}", c.duty, c.slug),
            &format!(
                "{} {}: {} — {}",
                c.verdict.as_str(),
                r.address,
                c.title,
                c.message
            ),
        );
    }
    for n in &report.notices {
        let at = (n.path.as_str(), n.line, n.column);
        annotate(&mut out, "notice", at, "srm-lint notice", &n.message);
    }
    out
}
