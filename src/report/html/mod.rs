//! `--format html`: the responsibility report, one self-contained page (no network: the
//! Content-Security-Policy forbids every fetch; style and script are inline).
//!
//! What reads without script is written as HTML here: the model's chart for this estate (the
//! customer's half by layer, AWS's half, the services in use by category), the controls, and one
//! collapsed section per service with its duties and what AWS keeps, and, for an estate of at
//! most 2,000 resources, every resource's checklist inside `<noscript>` (`plain.rs`). The
//! per-resource checklists are also an inline JSON blob (`data.rs`) that the small script
//! (`app.js`) renders on demand, filtered, a page at a time: the corpus's 29,000 resources stay
//! a file a browser opens in seconds.
//!
//! Every string from the scan or the catalog goes through [`esc`] (the output rule of
//! `escape.rs`, then the five HTML metacharacters); the blob is JSON with `<`, `>` and `&`
//! written as `\u003c`, `\u003e`, `\u0026`, and the script only ever sets `textContent`.

mod data;
mod plain;
mod summary;

use super::escape::escape_markup;
use super::Report;
use crate::catalog::Catalog;
use std::borrow::Cow;
use std::io::{self, Write};

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("app.js");

/// Text for an HTML element or a quoted attribute (see [`escape_markup`]).
pub fn esc(s: &str) -> Cow<'_, str> {
    escape_markup(s)
}

/// The page's Content-Security-Policy: nothing may be fetched (`default-src 'none'` leaves no
/// `connect-src`, `img-src`, `font-src`, …), only the inline style and script run, and no form
/// or base URL can point anywhere.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
base-uri 'none'; form-action 'none'";

/// Writes the report as one HTML page.
pub fn write(report: &Report, catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let estate = summary::Estate::of(report, catalog);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>srm-lint: Shared Responsibility report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
    )?;
    writeln!(
        out,
        "<header><h1>Shared Responsibility Model of this estate</h1>\n<p class=\"meta\">srm-lint {} · {} files · {} resources · {} duties · {} errors</p></header>",
        esc(report.tool.version),
        report.summary.files,
        report.summary.resources,
        report.summary.duties,
        report.summary.errors
    )?;
    summary::write_verdicts(report, out)?;
    write_errors(report, out)?;
    summary::write_chart(&estate, out)?;
    summary::write_controls(&estate, out)?;
    summary::write_services(&estate, out)?;
    write_checklist_section(out)?;
    plain::write(report, out)?;
    out.write_all(b"</section>\n")?;
    out.write_all(b"<script type=\"application/json\" id=\"srm-data\">")?;
    data::write(report, out)?;
    writeln!(
        out,
        "</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>"
    )
}

/// The tool errors (files srm-lint could not read or parse), collapsed: what the checklists
/// cannot cover.
fn write_errors(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.errors.is_empty() {
        return Ok(());
    }
    write!(
        out,
        "<details id=\"errors\"><summary>{} tool errors: files or values srm-lint could not read, \
         whose resources may be missing below</summary><ul>",
        report.errors.len()
    )?;
    for e in &report.errors {
        write!(
            out,
            "<li><span class=\"loc\">{}:{}:{}</span> {}: {}</li>",
            esc(&e.path),
            e.line,
            e.column,
            esc(e.code),
            esc(&e.message)
        )?;
    }
    out.write_all(b"</ul></details>\n")
}

/// The filters and the place of the (script-rendered) per-resource checklists; the caller
/// closes the section.
fn write_checklist_section(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(
        b"<section id=\"checklists\"><h2>Resources and their checklists</h2>\n\
<form id=\"filters\" hidden>\n\
<label>Verdict <select id=\"f-verdict\"><option value=\"\">all</option></select></label>\n\
<label>Layer <select id=\"f-layer\"><option value=\"\">all</option></select></label>\n\
<label>Severity <select id=\"f-severity\"><option value=\"\">all</option></select></label>\n\
<label>Service <select id=\"f-service\"><option value=\"\">all</option></select></label>\n\
<label>Path <input id=\"f-path\" type=\"text\" placeholder=\"infra/\"></label>\n\
<label>Search <input id=\"f-search\" type=\"search\" placeholder=\"address, type, duty, message\"></label>\n\
<button type=\"button\" id=\"expand\">Expand all</button>\n\
<button type=\"button\" id=\"collapse\">Collapse all</button>\n\
</form>\n<p id=\"matches\" aria-live=\"polite\"></p>\n<div id=\"resources\"></div>\n\
<p><button type=\"button\" id=\"more\" hidden>Show more</button></p>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            esc("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(esc("<script>&'"), "&lt;script&gt;&amp;&#39;");
        assert_eq!(esc("a\u{202e}b\nc"), "a\\u{202e}b\\u{a}c");
        assert_eq!(esc("plain"), "plain");
    }
}
