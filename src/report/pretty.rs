//! The default terminal output: one miette diagnostic per finding and per error, with the source
//! snippet, the duty's help text and a summary line. Colour is off with `NO_COLOR` or when the
//! output is not a terminal (decided by the caller through [`Style`]).

use super::{escape_control, Report};
use crate::catalog::{Catalog, Severity};
use crate::evaluate::Verdict;
use crate::source::{SourceFile, SourceMap, Span};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;
use std::fmt::Write as _;

/// How to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// Unicode box drawing (otherwise ASCII).
    pub unicode: bool,
}

/// A file prepared for snippets: control characters replaced byte-for-byte, plus a line index.
struct Snippet<'s> {
    name: String,
    text: std::borrow::Cow<'s, str>,
    line_starts: Vec<usize>,
}

fn is_unsafe_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t' && c != '\r'
}

impl<'s> Snippet<'s> {
    fn new(f: &'s SourceFile) -> Snippet<'s> {
        let text: std::borrow::Cow<'s, str> = if !f.text.chars().any(is_unsafe_control) {
            std::borrow::Cow::Borrowed(f.text.as_str())
        } else {
            std::borrow::Cow::Owned(
                f.text
                    .chars()
                    .flat_map(|c| {
                        let n = if c.is_control() && c != '\n' && c != '\t' && c != '\r' {
                            c.len_utf8()
                        } else {
                            0
                        };
                        let keep = if n == 0 { Some(c) } else { None };
                        keep.into_iter().chain(std::iter::repeat_n('?', n))
                    })
                    .collect(),
            )
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Snippet {
            name: escape_control(&f.display),
            text,
            line_starts,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

impl SourceCode for Snippet<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (start + span.len()).min(self.text.len());
        let first = self.line_of(start).saturating_sub(before);
        let last = (self.line_of(end) + after).min(self.line_starts.len().saturating_sub(1));
        let from = self.line_starts.get(first).copied().unwrap_or(0);
        let to = match self.line_starts.get(last + 1) {
            Some(next) => next.saturating_sub(1),
            None => self.text.len(),
        }
        .max(from);
        // Without leading context the window starts at the span itself (as miette's own sources
        // do), which is what the header's line:column is read from.
        let (from, column) = if before == 0 {
            let line_start = self
                .line_starts
                .get(self.line_of(start))
                .copied()
                .unwrap_or(0);
            (
                start,
                self.text
                    .get(line_start..start)
                    .map(|t| t.chars().count())
                    .unwrap_or(0),
            )
        } else {
            (from, 0)
        };
        let to = to.max(from);
        let data = self.text.as_bytes().get(from..to).unwrap_or(&[]);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new(from.into(), to - from),
            first,
            column,
            last - first + 1,
        )))
    }
}

struct Diag<'a> {
    code: String,
    message: String,
    severity: miette::Severity,
    url: Option<String>,
    label: Option<(Span, String)>,
    source: Option<&'a Snippet<'a>>,
}

impl std::fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.url
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (span, text) = self.label.as_ref()?;
        self.source?;
        let l = LabeledSpan::new_primary_with_span(
            Some(text.clone()),
            SourceSpan::new((span.start as usize).into(), span.len()),
        );
        Some(Box::new(std::iter::once(l)))
    }
}

/// Renders findings and errors as diagnostics, then a summary.
pub fn render(report: &Report, sources: &SourceMap, catalog: &Catalog, style: Style) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(report, sources, catalog, style, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(WIDTH);
    let findings = report.findings();
    let mut footers: std::collections::HashMap<(&str, bool), String> = Default::default();
    for (_, c) in &findings {
        let unverified = c.verdict == Verdict::Unverified;
        if footers.contains_key(&(c.duty.as_str(), unverified)) {
            continue;
        }
        let Some(duty) = catalog.duty(&c.duty) else {
            continue;
        };
        let mut help = escape_control(&reflow(&duty.fix));
        if unverified {
            help = format!(
                "srm-lint could not resolve a value, so this is not counted as addressed. {help}"
            );
        }
        let opts = textwrap::Options::new(WIDTH.saturating_sub(2))
            .initial_indent(&help_indent)
            .subsequent_indent("        ")
            .break_words(true);
        footers.insert(
            (c.duty.as_str(), unverified),
            format!("{}\n", textwrap::fill(&help, opts)),
        );
    }
    // Snippets of the files that are shown, then every diagnostic, both in parallel.
    let mut shown: Vec<u32> = report
        .errors
        .iter()
        .map(|e| e.span.file)
        .chain(findings.iter().map(|(_, c)| c.span.file))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let snippets: std::collections::HashMap<u32, Snippet<'_>> = shown
        .par_iter()
        .filter_map(|id| sources.get(*id).map(|f| (f.id, Snippet::new(f))))
        .collect();
    let draw = |d: &Diag<'_>, footer: Option<&String>| {
        let mut s = String::new();
        if handler.render_report(&mut s, d).is_err() {
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
                let d = Diag {
                    code: e.code.to_string(),
                    message: escape_control(&format!(
                        "{}:{}:{}: {}",
                        e.path, e.line, e.column, e.message
                    )),
                    severity: miette::Severity::Error,
                    url: None,
                    label: has_text.then(|| (e.span, "here".to_string())),
                    source: if has_text {
                        snippets.get(&e.span.file)
                    } else {
                        None
                    },
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
                let duty = catalog.duty(&c.duty);
                let severity = match (c.verdict, c.severity) {
                    (Verdict::Unverified, _) => miette::Severity::Warning,
                    (_, Severity::Critical | Severity::High) => miette::Severity::Error,
                    (_, Severity::Medium) => miette::Severity::Warning,
                    _ => miette::Severity::Advice,
                };
                let d = Diag {
                    code: format!("{} {}", c.duty, c.slug),
                    message: escape_control(&format!(
                        "{} {}: {} [{}]",
                        c.verdict.as_str(),
                        r.address,
                        c.title,
                        c.severity.as_str()
                    )),
                    severity,
                    url: duty
                        .filter(|d| !d.id.starts_with("guard/"))
                        .map(|d| d.help_uri()),
                    label: Some((c.span, escape_control(&c.message))),
                    source: snippets.get(&c.span.file),
                };
                draw(
                    &d,
                    footers.get(&(c.duty.as_str(), c.verdict == Verdict::Unverified)),
                )
            })
            .collect();
        for s in rendered {
            w.write_all(s.as_bytes())?;
        }
    }
    let mut out = String::new();
    for u in &report.unused_suppressions {
        let _ = writeln!(
            out,
            "warning: {}:{}:{}: {}\n",
            u.path,
            u.line,
            u.column,
            escape_control(&u.message)
        );
    }
    for n in &report.notices {
        let _ = writeln!(
            out,
            "note: {}:{}:{}: {}",
            n.path,
            n.line,
            n.column,
            escape_control(&n.message)
        );
    }
    let _ = writeln!(out, "{}", summary_line(report));
    w.write_all(out.as_bytes())
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
