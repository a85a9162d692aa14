//! The default terminal output: one miette diagnostic per finding and per error, with the source
//! snippet, the duty's help text, a summary table (findings by severity and verdict, the duties
//! with the most findings) and a summary line. Colour is off with `NO_COLOR` or when the
//! output is not a terminal (decided by the caller through [`Style`]).

mod excerpt;
mod fast;
mod snippet;
mod table;
#[cfg(test)]
mod tests;
mod words;

use super::{escape_line, escape_line_owned, escape_text, Report};
use crate::catalog::Catalog;
use crate::evaluate::Verdict;
use crate::source::{SourceMap, Span};
use fast::{draw_fast, Pen};
use miette::{GraphicalReportHandler, GraphicalTheme};
use rayon::prelude::*;
use snippet::{Diag, Shown, Snippet};
use std::borrow::Cow;
use std::fmt::Write as _;

/// How to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Unicode box drawing (otherwise ASCII).
    pub unicode: bool,
}
/// The parts joined in one allocation (cheaper than `format!` for tens of thousands of lines).
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// What a diagnostic shows of `source` around `span` (see `excerpt.rs`), and its label there.
fn shown<'a>(
    source: Option<&'a Snippet<'a>>,
    span: Span,
    label: Cow<'a, str>,
) -> (Option<Shown<'a>>, Option<(Span, Cow<'a, str>)>) {
    match source {
        Some(s) => {
            let (shown, span) = excerpt::show(s, span);
            (Some(shown), Some((span, label)))
        }
        None => (None, Some((span, label))),
    }
}

/// Width of the wrapped text: miette's terminal width less its two-column margin.
const TEXT_WIDTH: usize = WIDTH - 2;

/// Renders findings and errors as diagnostics, then a summary.
pub fn render(report: &Report, sources: &SourceMap, catalog: &Catalog, style: Style) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(report, sources, catalog, style, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `  via PATH:LINE:COL` for each piece of evidence outside the finding's file (the module
/// callers' arguments that gave the deciding value), one line each.
fn via_lines(c: &super::ChecklistEntry) -> String {
    let mut out = String::new();
    for e in c.evidence.iter().filter(|e| e.path != c.path) {
        let _ = writeln!(
            out,
            "  via {}",
            escape_line(&format!("{}:{}:{}", e.path, e.line, e.column))
        );
    }
    out
}

/// Terminal width the diagnostics are wrapped to.
const WIDTH: usize = 100;

/// Diagnostics rendered in parallel per batch, then written in order (bounded memory).
const BATCH: usize = 2048;

/// Writes findings and errors as diagnostics, then a summary, to `w` as they are rendered.
pub fn write(
    report: &Report,
    sources: &SourceMap,
    catalog: &Catalog,
    style: Style,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_with(report, sources, catalog, style, false, w)
}

/// [`write`], or with `quiet` only the findings and errors: no unused-suppression warnings, no
/// notices, no summary.
pub fn write_with(
    report: &Report,
    sources: &SourceMap,
    catalog: &Catalog,
    style: Style,
    quiet: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, true) => GraphicalTheme::ascii(),
        (false, false) => GraphicalTheme::none(),
    };
    // The help text is the same for every finding of a duty: wrapped once per duty and verdict,
    // exactly as miette would (same textwrap options), instead of once per finding.
    let help_indent = {
        use owo_colors::OwoColorize as _;
        "  help: ".style(theme.styles.help).to_string()
    };
    let pen = Pen::new(&theme);
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(WIDTH);
    let findings = report.findings();
    let shared = shared_footers(&findings, catalog, &help_indent);
    let snippets = snippets_of(report, &findings, sources);
    let snippet = |id: u32| snippets.get(id as usize).and_then(Option::as_ref);
    let draw = |d: &Diag<'_>, footer: Option<&str>| {
        let mut s = String::with_capacity(1024 + footer.map_or(0, str::len));
        // Two labels are left to miette.
        let fast = d.secondary.is_none() && pen.as_ref().is_some_and(|p| draw_fast(p, d, &mut s));
        if !fast && handler.render_report(&mut s, d).is_err() {
            s = format!("{}: {}\n", d.code, d.message);
        }
        if let Some(f) = footer {
            s.push_str(f);
        }
        s.push('\n');
        s
    };
    for batch in report.errors.chunks(BATCH) {
        let rendered: Vec<String> = batch
            .par_iter()
            .map(|e| {
                let has_text = sources.get(e.span.file).is_some_and(|f| !f.text.is_empty());
                let (source, label) = if has_text {
                    shown(snippet(e.span.file), e.span, "here".into())
                } else {
                    (None, None)
                };
                let d = Diag {
                    code: escape_line_owned(e.code.to_string()),
                    message: escape_line_owned(format!(
                        "{}:{}:{}: {}",
                        e.path, e.line, e.column, e.message
                    )),
                    severity: miette::Severity::Error,
                    url: None,
                    label,
                    secondary: e
                        .related
                        .first()
                        .filter(|_| has_text)
                        .map(|r| (r.span, escape_line(&r.message))),
                    source,
                };
                draw(&d, None)
            })
            .collect();
        for s in rendered {
            w.write_all(s.as_bytes())?;
        }
    }
    for batch in findings.chunks(BATCH) {
        let rendered: Vec<String> = batch
            .par_iter()
            .map(|(r, c)| {
                let duty = shared.get(&*c.duty);
                let severity = match super::Level::of(c.verdict, c.severity) {
                    super::Level::Error => miette::Severity::Error,
                    super::Level::Warning => miette::Severity::Warning,
                    super::Level::Note => miette::Severity::Advice,
                };
                let (source, label) = shown(snippet(c.span.file), c.span, escape_line(&c.message));
                let d = Diag {
                    code: escape_line_owned(concat(&[&c.duty, " ", &c.slug])),
                    message: escape_line_owned(concat(&[
                        c.verdict.as_str(),
                        " ",
                        &r.address,
                        ": ",
                        &c.title,
                        " [",
                        c.severity.as_str(),
                        "]",
                    ])),
                    severity,
                    url: duty.and_then(|d| d.url.as_deref()),
                    label,
                    secondary: c
                        .related
                        .iter()
                        .find(|p| p.span.file == c.span.file)
                        .map(|p| (p.span, escape_line(&p.message))),
                    source,
                };
                let unverified = c.verdict == Verdict::Unverified;
                let footer = duty
                    .and_then(|d| d.footers.get(usize::from(unverified)))
                    .and_then(Option::as_deref);
                // A value that came into a module from its caller: the call chain, nearest first.
                let via = via_lines(c);
                if via.is_empty() {
                    draw(&d, footer)
                } else {
                    draw(&d, Some(&concat(&[&via, footer.unwrap_or_default()])))
                }
            })
            .collect();
        for s in rendered {
            w.write_all(s.as_bytes())?;
        }
    }
    if quiet {
        return Ok(());
    }
    let mut out = String::new();
    for u in &report.unused_suppressions {
        let _ = writeln!(
            out,
            "warning: {}\n",
            escape_line(&format!(
                "{}:{}:{}: {}",
                u.path, u.line, u.column, u.message
            ))
        );
    }
    for n in &report.notices {
        let _ = writeln!(
            out,
            "note: {}",
            escape_line(&format!(
                "{}:{}:{}: {}",
                n.path, n.line, n.column, n.message
            ))
        );
    }
    out.push_str(&table::render(&findings));
    let _ = writeln!(out, "{}", summary_line(report));
    w.write_all(out.as_bytes())
}

/// What every finding of a duty shares: its help link and its footer, wrapped once per
/// verdict (plain, unverified).
struct Shared {
    url: Option<String>,
    footers: [Option<String>; 2],
}

/// The help link and wrapped footers of every duty with a finding.
fn shared_footers<'r>(
    findings: &[(&'r super::ResourceEntry, &'r super::ChecklistEntry)],
    catalog: &Catalog,
    help_indent: &str,
) -> foldhash::HashMap<&'r str, Shared> {
    let mut shared: foldhash::HashMap<&str, Shared> = Default::default();
    for (_, c) in findings {
        let unverified = c.verdict == Verdict::Unverified;
        let entry = shared.entry(&*c.duty).or_insert_with(|| Shared {
            url: catalog
                .duty(&c.duty)
                .filter(|d| !d.id.starts_with("guard/"))
                .map(|d| escape_line(&d.help_uri()).into_owned()),
            footers: [None, None],
        });
        let Some(slot) = entry.footers.get_mut(usize::from(unverified)) else {
            continue;
        };
        if slot.is_some() {
            continue;
        }
        let Some(duty) = catalog.duty(&c.duty) else {
            continue;
        };
        let mut help = escape_text(&reflow(&duty.fix)).into_owned();
        if unverified {
            help = format!(
                "srm-lint could not resolve a value, so this is not counted as addressed. {help}"
            );
        }
        let opts = textwrap::Options::new(TEXT_WIDTH)
            .initial_indent(help_indent)
            .subsequent_indent("        ")
            .break_words(true);
        *slot = Some(format!("{}\n", textwrap::fill(&help, opts)));
    }
    shared
}

/// Snippets of the files that are shown, indexed by file id, prepared in parallel.
fn snippets_of<'s>(
    report: &Report,
    findings: &[(&super::ResourceEntry, &super::ChecklistEntry)],
    sources: &'s SourceMap,
) -> Vec<Option<Snippet<'s>>> {
    let mut shown: Vec<u32> = report
        .errors
        .iter()
        .map(|e| e.span.file)
        .chain(findings.iter().map(|(_, c)| c.span.file))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let built: Vec<(u32, Snippet<'_>)> = shown
        .par_iter()
        .filter_map(|id| sources.get(*id).map(|f| (f.id, Snippet::new(f))))
        .collect();
    let mut snippets: Vec<Option<Snippet<'_>>> = Vec::new();
    for (id, snippet) in built {
        let i = id as usize;
        if snippets.len() <= i {
            snippets.resize_with(i + 1, || None);
        }
        if let Some(slot) = snippets.get_mut(i) {
            *slot = Some(snippet);
        }
    }
    snippets
}

/// `N files, N resources, N duties: N unaddressed, …`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let parts: Vec<String> = Verdict::ALL
        .iter()
        .map(|v| format!("{} {}", report.count(*v), v.as_str()))
        .collect();
    let mut line = format!(
        "srm-lint: {} files, {} resources, {} duties: {}",
        s.files,
        s.resources,
        s.duties,
        parts.join(", ")
    );
    if s.errors > 0 {
        let _ = write!(line, "; {} errors", s.errors);
    }
    line
}

/// Joins the hard-wrapped lines of a TOML paragraph so the terminal can wrap it.
fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}
