//! The per-resource checklists as HTML inside `<noscript>`, for a page read without script
//! (a small estate only: a large one would double the file; its checklists are in the JSON
//! blob, and `--format csv` lists them too).

use super::esc;
use crate::report::{Report, ResourceEntry};
use std::io::{self, Write};

/// Largest estate whose checklists are also written as HTML.
pub(super) const MAX_RESOURCES: usize = 2000;

/// The resources in page order: by file, line, column, root and address.
pub(super) fn sorted(report: &Report) -> Vec<&ResourceEntry> {
    let mut resources: Vec<&ResourceEntry> = report.resources.iter().collect();
    resources.sort_by(|a, b| {
        (
            a.path.as_str(),
            a.line,
            a.column,
            a.root.as_str(),
            a.address.as_str(),
        )
            .cmp(&(
                b.path.as_str(),
                b.line,
                b.column,
                b.root.as_str(),
                b.address.as_str(),
            ))
    });
    resources
}

/// Writes the `<noscript>` checklists (or, for a large estate, a note that says where they are).
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"<noscript>")?;
    if report.resources.len() > MAX_RESOURCES {
        write!(
            out,
            "<p class=\"note\">{} resources: their checklists are drawn by the page's inline script \
             (above {MAX_RESOURCES} resources they are not also written as HTML); without it, the \
             tables above hold every count, and <code>--format csv</code> or \
             <code>--format json</code> list every (resource, duty).</p>",
            report.resources.len()
        )?;
        return out.write_all(b"</noscript>\n");
    }
    for r in sorted(report) {
        write!(
            out,
            "<details class=\"res\"><summary><code>{}</code> <span class=\"muted\">{} · {}:{} · root {} · {} {}</span></summary>",
            esc(&r.address),
            esc(&r.rtype),
            esc(&r.path),
            r.line,
            esc(&r.root),
            r.checklist.len(),
            if r.checklist.len() == 1 { "duty" } else { "duties" }
        )?;
        if r.checklist.is_empty() {
            out.write_all(b"<p class=\"note\">No customer duty of its own.</p></details>\n")?;
            continue;
        }
        out.write_all(b"<table><thead><tr><th>Duty</th><th>Title</th><th>Layer</th><th>Control</th><th>Severity</th><th>Verdict</th><th>Basis</th><th>At</th><th>Message</th><th>Evidence</th><th>Attestation</th></tr></thead><tbody>")?;
        let mut checklist: Vec<_> = r.checklist.iter().collect();
        checklist.sort_by(|a, b| a.duty.cmp(&b.duty));
        for c in checklist {
            let evidence: Vec<String> = c
                .evidence
                .iter()
                .map(|e| format!("{}:{}", e.path, e.line))
                .collect();
            let attestation = c.attestation.as_ref().map_or(String::new(), |a| {
                format!(
                    "{}, until {}{}: {}",
                    a.by,
                    a.until,
                    if a.expired { " (expired)" } else { "" },
                    a.reason
                )
            });
            write!(
                out,
                "<tr class=\"duty-row\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"verdict-{v}\">{v}</td><td>{}</td><td class=\"loc\">{}:{}</td><td>{}</td>\
                 <td class=\"loc\">{}</td><td>{}</td></tr>",
                esc(&c.duty),
                esc(&c.title),
                c.layer.as_str(),
                c.control.as_str(),
                c.severity.as_str(),
                c.basis.as_str(),
                esc(&c.path),
                c.line,
                esc(&c.message),
                esc(&evidence.join(" ")),
                esc(&attestation),
                v = c.verdict.as_str(),
            )?;
        }
        out.write_all(b"</tbody></table></details>\n")?;
    }
    out.write_all(b"</noscript>\n")
}
