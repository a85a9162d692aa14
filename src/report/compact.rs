//! `--format compact`: one line per finding, per error and per notice, `path:line:col: severity id message`.
//! Each line is escaped as one single-line field, so nothing in it (a file name with a newline,
//! a message quoting a value) can start another.

use super::{escape_line, Report};
use std::fmt::Write as _;

/// Moves the record in `line` to `out`, escaped, as one line.
fn end(out: &mut String, line: &mut String) {
    out.push_str(&escape_line(line));
    out.push('\n');
    line.clear();
}

/// Renders the report compactly.
pub fn render(report: &Report) -> String {
    render_with(report, false)
}

/// [`render`], or with `quiet` only the errors and findings (no unused-suppression warnings,
/// no notices).
pub fn render_with(report: &Report, quiet: bool) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for e in &report.errors {
        let _ = write!(
            line,
            "{}:{}:{}: error {} {}",
            e.path, e.line, e.column, e.code, e.message
        );
        end(&mut out, &mut line);
    }
    for (r, c) in report.findings() {
        let _ = write!(
            line,
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
        end(&mut out, &mut line);
    }
    if quiet {
        return out;
    }
    for u in &report.unused_suppressions {
        let _ = write!(
            line,
            "{}:{}:{}: warning unused-suppression {}",
            u.path, u.line, u.column, u.message
        );
        end(&mut out, &mut line);
    }
    for n in &report.notices {
        let _ = write!(
            line,
            "{}:{}:{}: notice {}",
            n.path, n.line, n.column, n.message
        );
        end(&mut out, &mut line);
    }
    out
}
