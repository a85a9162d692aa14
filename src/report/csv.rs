//! `--format csv`: the responsibility matrix, one row per (resource, duty), for an auditor's
//! spreadsheet.
//!
//! RFC 4180 (the `csv` crate quotes a cell holding a comma, a quote or a line break; rows end
//! in CRLF). Every text cell is escaped by the output rule (`escape.rs`: control and bidi
//! characters become visible escapes), and a cell a spreadsheet would read as a formula (it
//! starts with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading apostrophe. Rows are
//! sorted by file, line, column, root, address and duty id.

use super::{escape_line, ChecklistEntry, Report, ResourceEntry};
use std::borrow::Cow;
use std::io;

/// The header row, in column order.
pub const COLUMNS: [&str; 23] = [
    "root",
    "path",
    "line",
    "column",
    "type",
    "address",
    "service",
    "category",
    "layer",
    "control",
    "duty",
    "slug",
    "title",
    "severity",
    "verdict",
    "basis",
    "location",
    "message",
    "evidence",
    "attested_by",
    "attestation_reason",
    "attested_until",
    "attestation_expired",
];

/// A text cell as written: escaped by the output rule, and defused when a spreadsheet would
/// take it for a formula. (The rule already writes a tab or carriage return as a visible
/// escape; they stay in the guard so it holds on its own.)
pub fn cell(s: &str) -> Cow<'_, str> {
    let escaped = escape_line(s);
    if escaped.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{escaped}"))
    } else {
        escaped
    }
}

/// Every (resource, duty) pair of the report, in row order.
pub fn rows(report: &Report) -> Vec<(&ResourceEntry, &ChecklistEntry)> {
    let mut rows: Vec<(&ResourceEntry, &ChecklistEntry)> = report
        .resources
        .iter()
        .flat_map(|r| r.checklist.iter().map(move |c| (r, c)))
        .collect();
    rows.sort_by(|a, b| {
        (a.0.path.as_str(), a.0.line, a.0.column, a.0.root.as_str())
            .cmp(&(b.0.path.as_str(), b.0.line, b.0.column, b.0.root.as_str()))
            .then_with(|| a.0.address.cmp(&b.0.address))
            .then_with(|| a.1.duty.cmp(&b.1.duty))
            .then_with(|| {
                (&*a.1.path, a.1.line, a.1.column).cmp(&(&*b.1.path, b.1.line, b.1.column))
            })
    });
    rows
}

/// `path:line` of each location, joined by `; `.
fn locations<'a>(locs: impl Iterator<Item = (&'a str, usize)>) -> String {
    let mut out = String::new();
    for (i, (path, line)) in locs.enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(path);
        out.push(':');
        out.push_str(itoa::Buffer::new().format(line));
    }
    out
}

/// Writes the report as CSV (streamed, one record at a time).
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(COLUMNS)?;
    let mut line = itoa::Buffer::new();
    let mut column = itoa::Buffer::new();
    for (r, c) in rows(report) {
        let location = locations(std::iter::once((&*c.path, c.line as usize)));
        let evidence = locations(c.evidence.iter().map(|e| (&*e.path, e.line)));
        let att = c.attestation.as_ref();
        let record: [Cow<'_, str>; 23] = [
            cell(&r.root),
            cell(&r.path),
            Cow::Borrowed(line.format(r.line)),
            Cow::Borrowed(column.format(r.column)),
            cell(&r.rtype),
            cell(&r.address),
            cell(r.service.as_deref().unwrap_or("")),
            Cow::Borrowed(r.category.map(|k| k.as_str()).unwrap_or("")),
            Cow::Borrowed(c.layer.as_str()),
            Cow::Borrowed(c.control.as_str()),
            cell(&c.duty),
            cell(&c.slug),
            cell(&c.title),
            Cow::Borrowed(c.severity.as_str()),
            Cow::Borrowed(c.verdict.as_str()),
            Cow::Borrowed(c.basis.as_str()),
            Cow::Owned(cell(&location).into_owned()),
            cell(&c.message),
            Cow::Owned(cell(&evidence).into_owned()),
            cell(att.map(|a| a.by.as_str()).unwrap_or("")),
            cell(att.map(|a| a.reason.as_str()).unwrap_or("")),
            cell(att.map(|a| a.until.as_str()).unwrap_or("")),
            Cow::Borrowed(match att {
                Some(a) if a.expired => "true",
                Some(_) => "false",
                None => "",
            }),
        ];
        w.write_record(record.iter().map(|c| c.as_bytes()))?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_get_an_apostrophe_and_controls_an_escape() {
        for (raw, shown) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "\\u{9}=1"),
            ("a=1", "a=1"),
            ("x\u{202e}y\nz", "x\\u{202e}y\\u{a}z"),
            ("plain", "plain"),
        ] {
            assert_eq!(cell(raw), shown, "{raw:?}");
        }
    }
}
