//! The default terminal output: one miette diagnostic per finding and per error, with the source
//! snippet, the duty's help text and a summary line. Colour is off with `NO_COLOR` or when the
//! output is not a terminal (decided by the caller through [`Style`]).

use super::{escape_control, escape_control_cow, may_hold_control, Report};
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

/// A file prepared for snippets: control characters replaced byte-for-byte (so the file's line
/// index still holds).
struct Snippet<'s> {
    name: String,
    text: std::borrow::Cow<'s, str>,
    line_starts: &'s [usize],
}

/// Whether `text` holds a control character other than tab, newline and carriage return (C0,
/// DEL, or C1, which UTF-8 writes as 0xC2 0x80..=0x9F).
fn has_unsafe_control(text: &str) -> bool {
    let b = text.as_bytes();
    // The quick test flags carriage returns too; the exact one below then decides.
    if !super::may_hold_control(b) {
        return false;
    }
    b.iter().enumerate().any(|(i, &x)| match x {
        0x00..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f => true,
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        _ => false,
    })
}

impl<'s> Snippet<'s> {
    fn new(f: &'s SourceFile) -> Snippet<'s> {
        let text: std::borrow::Cow<'s, str> = if !has_unsafe_control(&f.text) {
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
        Snippet {
            name: escape_control(&f.display),
            text,
            line_starts: f.line_starts(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

impl Snippet<'_> {
    /// The lines miette shows around a span: `(first, last)` line indexes and the byte range
    /// `from..to` they cover (without the last line's newline, except at the end of the file).
    fn window(&self, offset: usize, len: usize, before: usize, after: usize) -> Window {
        let start = offset.min(self.text.len());
        let end = (start + len).min(self.text.len());
        let first = self.line_of(start).saturating_sub(before);
        let last = (self.line_of(end) + after).min(self.line_starts.len().saturating_sub(1));
        let from = self.line_starts.get(first).copied().unwrap_or(0);
        let to = match self.line_starts.get(last + 1) {
            Some(next) => next.saturating_sub(1),
            None => self.text.len(),
        }
        .max(from);
        Window {
            start,
            first,
            last,
            from,
            to,
        }
    }

    /// The 0-based column (in characters) of `start` on its line.
    fn column_of(&self, start: usize) -> usize {
        let line_start = self
            .line_starts
            .get(self.line_of(start))
            .copied()
            .unwrap_or(0);
        self.text
            .get(line_start..start)
            .map(|t| t.chars().count())
            .unwrap_or(0)
    }
}

/// See [`Snippet::window`].
struct Window {
    start: usize,
    first: usize,
    last: usize,
    from: usize,
    to: usize,
}

impl SourceCode for Snippet<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let Window {
            start,
            first,
            last,
            from,
            to,
        } = self.window(span.offset(), span.len(), before, after);
        // Without leading context the window starts at the span itself (as miette's own sources
        // do), which is what the header's line:column is read from.
        let (from, column) = if before == 0 {
            (start, self.column_of(start))
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
    url: Option<&'a str>,
    label: Option<(Span, std::borrow::Cow<'a, str>)>,
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
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display + 'b>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (span, text) = self.label.as_ref()?;
        self.source?;
        let l = LabeledSpan::new_primary_with_span(
            Some(text.to_string()),
            SourceSpan::new((span.start as usize).into(), span.len()),
        );
        Some(Box::new(std::iter::once(l)))
    }
}

/// The parts joined in one allocation (cheaper than `format!` for tens of thousands of lines).
fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `s` with terminal control characters escaped, without a copy when it has none.
fn escaped(s: String) -> String {
    if may_hold_control(s.as_bytes()) {
        escape_control(&s)
    } else {
        s
    }
}

/// Width of the wrapped text: miette's terminal width less its two-column margin.
const TEXT_WIDTH: usize = WIDTH - 2;

/// The theme's pieces [`draw_fast`] writes, styled once instead of per diagnostic.
struct Pen {
    chars: miette::ThemeCharacters,
    /// Error, warning, advice.
    severities: [SeverityPen; 3],
    link: (String, String),
    linum: (String, String),
    highlight: (String, String),
}

/// What a diagnostic of one severity draws with.
struct SeverityPen {
    /// What the code's style writes before and after it.
    code: (String, String),
    /// The message's first-line indent (with the icon) and its display width.
    initial: String,
    initial_width: usize,
    /// The message's continuation indent.
    rest: String,
    /// Messages longer than a line, wrapped: many findings share one (a module's resource found
    /// by every example that calls it), and the Unicode line breaker is the costliest part of a
    /// diagnostic.
    wrapped: std::sync::Mutex<foldhash::HashMap<String, String>>,
}

/// What a style writes before and after its text (nothing for a plain style).
fn wrapping(style: owo_colors::Style) -> (String, String) {
    use owo_colors::OwoColorize as _;
    let probe = "\u{0}".style(style).to_string();
    match probe.split_once('\u{0}') {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (String::new(), String::new()),
    }
}

impl Pen {
    /// `None` if the theme has no highlight style (miette would then draw no label).
    fn new(theme: &GraphicalTheme) -> Option<Pen> {
        use owo_colors::OwoColorize as _;
        let chars = &theme.characters;
        let styles = &theme.styles;
        let severity = |style: owo_colors::Style, icon: &String| {
            let initial = format!("  {} ", icon.style(style));
            SeverityPen {
                code: wrapping(style),
                initial_width: textwrap::core::display_width(&initial),
                initial,
                rest: format!("  {} ", chars.vbar.style(style)),
                wrapped: Default::default(),
            }
        };
        Some(Pen {
            chars: chars.clone(),
            severities: [
                severity(styles.error, &chars.error),
                severity(styles.warning, &chars.warning),
                severity(styles.advice, &chars.advice),
            ],
            link: wrapping(styles.link),
            linum: wrapping(styles.linum),
            highlight: wrapping(*styles.highlights.first()?),
        })
    }
}

/// Draws `d` exactly as `GraphicalReportHandler` (links as text, width [`WIDTH`], one line of
/// context, tabs of 4, no syntax highlighting) would, for the shape nearly every srm-lint
/// diagnostic has: one label on one line of ASCII text (tabs allowed). miette lays out each
/// diagnostic through trait objects, a fresh copy of the window and a Unicode line breaker; this
/// is a direct write, several times cheaper over tens of thousands of findings. Returns `false`,
/// leaving `out` as it was, for any other shape; the caller then asks miette. Tests compare the
/// two on generated input.
fn draw_fast(pen: &Pen, d: &Diag<'_>, out: &mut String) -> bool {
    let chars = &pen.chars;
    let snippet = match (d.source, &d.label) {
        (Some(src), Some((span, label))) => match plan(src, span, label) {
            Some(p) => Some((src, p, label)),
            None => return false,
        },
        _ => None,
    };
    let sev = match d.severity {
        miette::Severity::Error => 0,
        miette::Severity::Warning => 1,
        miette::Severity::Advice => 2,
    };
    let Some(sp) = pen.severities.get(sev) else {
        return false;
    };
    let (link_in, link_out) = (&pen.link.0, &pen.link.1);
    // Header: the code, the help link as text, a blank line.
    // Direct pushes instead of `write!`: the formatting machinery was a fifth of this function.
    out.push_str(&sp.code.0);
    out.push_str(&d.code);
    out.push_str(&sp.code.1);
    if let Some(url) = d.url {
        out.push_str(" (");
        out.push_str(link_in);
        out.push_str(url);
        out.push_str(link_out);
        out.push(')');
    }
    out.push_str("\n\n");
    // The message, wrapped as miette wraps it; a line that fits is written as it is.
    let fits = d.message.len() + sp.initial_width <= TEXT_WIDTH
        && d.message.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !d.message.ends_with(' ');
    if fits {
        out.push_str(&sp.initial);
        out.push_str(&d.message);
    } else {
        let known = sp
            .wrapped
            .lock()
            .ok()
            .and_then(|c| c.get(&d.message).map(|w| out.push_str(w)));
        if known.is_none() {
            let opts = textwrap::Options::new(TEXT_WIDTH)
                .initial_indent(&sp.initial)
                .subsequent_indent(&sp.rest)
                .break_words(true);
            let w = textwrap::fill(&d.message, opts);
            out.push_str(&w);
            if let Ok(mut c) = sp.wrapped.lock() {
                c.insert(d.message.clone(), w);
            }
        }
    }
    out.push('\n');
    let Some((src, plan, label)) = snippet else {
        return true;
    };
    let gutter = plan.lines.last().map_or(0, |l| l.number).to_string().len();
    let pad = gutter + 2;
    spaces(out, pad);
    out.push(chars.ltop);
    out.push(chars.hbar);
    out.push('[');
    out.push_str(link_in);
    out.push_str(&src.name);
    out.push(':');
    number(out, src.line_of(plan.start) + 1, 0);
    out.push(':');
    number(out, src.column_of(plan.start) + 1, 0);
    out.push_str(link_out);
    out.push_str("]\n");
    let (linum_in, linum_out) = (&pen.linum.0, &pen.linum.1);
    let (hl_in, hl_out) = (&pen.highlight.0, &pen.highlight.1);
    let (offset, len) = (plan.offset, plan.len);
    for line in &plan.lines {
        out.push(' ');
        out.push_str(linum_in);
        number(out, line.number, gutter);
        out.push_str(linum_out);
        out.push(' ');
        out.push(chars.vbar);
        out.push(' ');
        if line.text.contains('\t') {
            let mut column = 0;
            for c in line.text.chars() {
                if c == '\t' {
                    let w = TAB - column % TAB;
                    out.extend(std::iter::repeat_n(' ', w));
                    column += w;
                } else {
                    out.push(c);
                    column += 1;
                }
            }
        } else {
            out.push_str(line.text);
        }
        out.push('\n');
        if !(line.applies(offset, len) && line.holds(offset, len)) {
            continue;
        }
        let start = line.visual_offset(offset);
        let end = if len == 0 {
            start + 1
        } else {
            line.visual_offset(offset + len).max(start + 1)
        };
        let mid = (start + end) / 2;
        out.push(' ');
        spaces(out, gutter);
        out.push(' ');
        out.push(chars.vbar_break);
        out.push(' ');
        out.push_str(hl_in);
        spaces(out, start);
        out.extend(std::iter::repeat_n(chars.underline, mid - start));
        out.push(if len == 0 {
            chars.uarrow
        } else {
            chars.underbar
        });
        out.extend(std::iter::repeat_n(chars.underline, end - mid - 1));
        out.push_str(hl_out);
        out.push_str("\n ");
        spaces(out, gutter);
        out.push(' ');
        out.push(chars.vbar_break);
        out.push(' ');
        spaces(out, mid);
        out.push_str(hl_in);
        out.push(chars.lbot);
        out.push(chars.hbar);
        out.push(chars.hbar);
        out.push(' ');
        out.push_str(hl_in);
        out.push_str(label);
        out.push_str(hl_out);
        out.push_str(hl_out);
        out.push('\n');
    }
    spaces(out, pad);
    out.push(chars.lbot);
    out.extend(std::iter::repeat_n(chars.hbar, 4));
    out.push('\n');
    true
}

/// `n` spaces (what `{:n$}` makes of an empty string).
fn spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A number right-aligned in `width` columns (what `{:width$}` makes of it).
fn number(out: &mut String, n: usize, width: usize) {
    let mut buf = itoa::Buffer::new();
    let text = buf.format(n);
    spaces(out, width.saturating_sub(text.len()));
    out.push_str(text);
}

/// Tab stops of miette's snippets.
const TAB: usize = 4;

/// The snippet of a [`draw_fast`] diagnostic, or `None` if miette has to draw it.
struct Plan<'t> {
    offset: usize,
    len: usize,
    /// Where the header's line:column is read from (the span start, clamped to the text).
    start: usize,
    lines: Vec<Line<'t>>,
}

/// One line of a snippet, as miette splits it.
struct Line<'t> {
    /// 1-based.
    number: usize,
    /// Byte offset in the file.
    offset: usize,
    /// Length including the newline.
    length: usize,
    text: &'t str,
}

impl Line<'_> {
    /// Whether a span is drawn under this line (starts, passes through or ends on it).
    fn applies(&self, offset: usize, len: usize) -> bool {
        let spanlen = len.max(1);
        let end = self.offset + self.length;
        (offset >= self.offset && offset < end)
            || (offset < self.offset && offset + spanlen > end)
            || (offset + spanlen > self.offset && offset + spanlen <= end)
    }

    /// Whether a span lies within this line.
    fn holds(&self, offset: usize, len: usize) -> bool {
        offset >= self.offset && offset + len <= self.offset + self.length
    }

    /// The display column of a byte offset on this line (one past the text if beyond it).
    fn visual_offset(&self, offset: usize) -> usize {
        let index = offset.saturating_sub(self.offset);
        let text = self.text.get(..index.min(self.text.len())).unwrap_or("");
        let mut column = 0;
        for b in text.bytes() {
            column += if b == b'\t' { TAB - column % TAB } else { 1 };
        }
        if index > self.text.len() {
            column + 1
        } else {
            column
        }
    }
}

fn plan<'t>(src: &'t Snippet<'_>, span: &Span, label: &str) -> Option<Plan<'t>> {
    let (offset, len) = (span.start as usize, span.len());
    if offset + len > src.text.len() || label.contains('\n') {
        return None;
    }
    let w = src.window(offset, len, 1, 1);
    let data = src.text.get(w.from..w.to)?;
    if !data
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
    {
        return None;
    }
    let mut lines = Vec::with_capacity(w.last - w.first + 1);
    let mut pos = 0;
    let mut number = w.first;
    while pos < data.len() {
        let rest = data.get(pos..)?;
        let (text, length) = match rest.find('\n') {
            Some(i) => (rest.get(..i)?, i + 1),
            None => (rest, rest.len()),
        };
        number += 1;
        lines.push(Line {
            number,
            offset: w.from + pos,
            length,
            text,
        });
        pos += length;
    }
    // A span over several lines gets miette's gutter arrows: not drawn here.
    if lines
        .iter()
        .any(|l| l.applies(offset, len) && !l.holds(offset, len))
    {
        return None;
    }
    Some(Plan {
        offset,
        len,
        start: w.start,
        lines,
    })
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
    let pen = Pen::new(&theme);
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(WIDTH);
    let findings = report.findings();
    // What every finding of a duty shares: its help link and its footer, wrapped once per
    // verdict (plain, unverified).
    struct Shared {
        url: Option<String>,
        footers: [Option<String>; 2],
    }
    let mut shared: foldhash::HashMap<&str, Shared> = Default::default();
    for (_, c) in &findings {
        let unverified = c.verdict == Verdict::Unverified;
        let entry = shared.entry(&*c.duty).or_insert_with(|| Shared {
            url: catalog
                .duty(&c.duty)
                .filter(|d| !d.id.starts_with("guard/"))
                .map(|d| d.help_uri()),
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
        let mut help = escape_control(&reflow(&duty.fix));
        if unverified {
            help = format!(
                "srm-lint could not resolve a value, so this is not counted as addressed. {help}"
            );
        }
        let opts = textwrap::Options::new(TEXT_WIDTH)
            .initial_indent(&help_indent)
            .subsequent_indent("        ")
            .break_words(true);
        *slot = Some(format!("{}\n", textwrap::fill(&help, opts)));
    }
    // Snippets of the files that are shown (by file id), then every diagnostic, both in
    // parallel.
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
    let snippet = |id: u32| snippets.get(id as usize).and_then(Option::as_ref);
    let draw = |d: &Diag<'_>, footer: Option<&str>| {
        let mut s = String::with_capacity(1024 + footer.map_or(0, str::len));
        let fast = pen.as_ref().is_some_and(|p| draw_fast(p, d, &mut s));
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
                let d = Diag {
                    code: e.code.to_string(),
                    message: escaped(format!("{}:{}:{}: {}", e.path, e.line, e.column, e.message)),
                    severity: miette::Severity::Error,
                    url: None,
                    label: has_text.then_some((e.span, "here".into())),
                    source: if has_text { snippet(e.span.file) } else { None },
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
                let severity = match (c.verdict, c.severity) {
                    (Verdict::Unverified, _) => miette::Severity::Warning,
                    (_, Severity::Critical | Severity::High) => miette::Severity::Error,
                    (_, Severity::Medium) => miette::Severity::Warning,
                    _ => miette::Severity::Advice,
                };
                let d = Diag {
                    code: concat(&[&c.duty, " ", &c.slug]),
                    message: escaped(concat(&[
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
                    label: Some((c.span, escape_control_cow(&c.message))),
                    source: snippet(c.span.file),
                };
                let unverified = c.verdict == Verdict::Unverified;
                draw(
                    &d,
                    duty.and_then(|d| d.footers.get(usize::from(unverified)))
                        .and_then(Option::as_deref),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const THEMES: [fn() -> GraphicalTheme; 4] = [
        GraphicalTheme::none,
        GraphicalTheme::ascii,
        GraphicalTheme::unicode_nocolor,
        GraphicalTheme::unicode,
    ];

    struct Case<'a> {
        text: &'a str,
        start: usize,
        len: usize,
        label: &'a str,
        message: &'a str,
        severity: miette::Severity,
        url: Option<&'a str>,
    }

    /// Draws `case` with the fast path (if it takes it) and with miette, in every theme.
    /// Returns how many themes the fast path drew.
    fn compare(case: &Case<'_>) -> usize {
        let file = SourceFile::new(
            0,
            "dir/main.tf".into(),
            "dir/main.tf".into(),
            case.text.into(),
        );
        let snippet = Snippet::new(&file);
        let d = Diag {
            code: "S3-001 s3-encryption".into(),
            message: case.message.into(),
            severity: case.severity,
            url: case.url,
            label: Some((
                Span::new(0, case.start, case.start + case.len),
                case.label.into(),
            )),
            source: Some(&snippet),
        };
        let mut drawn = 0;
        for theme in THEMES {
            let theme = theme();
            let pen = Pen::new(&theme).unwrap();
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_links(false)
                .with_width(WIDTH);
            let mut fast = String::new();
            if draw_fast(&pen, &d, &mut fast) {
                let mut slow = String::new();
                handler.render_report(&mut slow, &d).unwrap();
                assert_eq!(
                    fast, slow,
                    "text {:?} span {}+{}",
                    case.text, case.start, case.len
                );
                // Drawn again, a long message comes from the pen's cache: still the same.
                let mut again = String::new();
                assert!(draw_fast(&pen, &d, &mut again));
                assert_eq!(again, slow);
                drawn += 1;
            } else {
                assert!(
                    fast.is_empty(),
                    "a declined diagnostic leaves nothing behind"
                );
            }
        }
        drawn
    }

    #[test]
    fn the_shapes_srm_lint_draws_are_drawn_directly_and_exactly_as_miette_draws_them() {
        let tf =
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n\tacl = \"public-read\"\n}\n";
        let long = "unaddressed module.storage[\"logs/archive\"].aws_s3_bucket.this: the bucket \
                    has no server-side encryption configuration of its own [high]";
        let cases = [
            // Resource header, first line (no line before it).
            (0, 8, "missing"),
            // An attribute in the middle.
            (34, 6, "here"),
            // After a tab.
            (49, 3, "public"),
            // Zero-length span.
            (36, 0, "here"),
            // The newline at a line end, and the end of the file.
            (47, 1, "newline"),
            (tf.len(), 0, "end"),
        ];
        for (start, len, label) in cases {
            for message in ["unaddressed aws_s3_bucket.b: no encryption [high]", long] {
                for severity in [
                    miette::Severity::Error,
                    miette::Severity::Warning,
                    miette::Severity::Advice,
                ] {
                    for url in [None, Some("https://example.com/docs/S3-001.md")] {
                        let case = Case {
                            text: tf,
                            start,
                            len,
                            label,
                            message,
                            severity,
                            url,
                        };
                        assert_eq!(compare(&case), 4, "drawn directly: {start}+{len}");
                    }
                }
            }
        }
        // A file without a final newline, one of ten lines (a two-digit gutter), and one of 120
        // (a three-digit gutter: line 99 above line 100 is padded; a column past 9).
        let ten: String = (1..=10).map(|i| format!("line {i}\n")).collect();
        let many: String = (1..=120).map(|i| format!("line {i} = {i}\n")).collect();
        let at100 = many.find("line 100 ").unwrap_or(0);
        let at110 = many.find("line 110 ").unwrap_or(0) + 11;
        for (text, start) in [
            ("a = 1\nb = 2", 8),
            (ten.as_str(), 60),
            (many.as_str(), at100),
            (many.as_str(), at110),
        ] {
            let case = Case {
                text,
                start,
                len: 1,
                label: "here",
                message: "m",
                severity: miette::Severity::Error,
                url: None,
            };
            assert_eq!(compare(&case), 4);
        }
    }

    #[test]
    fn other_shapes_are_left_to_miette() {
        let base = Case {
            text: "a = 1\nb = \"é\"\nc = 3\n",
            start: 0,
            len: 3,
            label: "here",
            message: "m",
            severity: miette::Severity::Error,
            url: None,
        };
        // Non-ASCII text in the window, a span over two lines, a label of two lines.
        assert_eq!(compare(&base), 0);
        assert_eq!(
            compare(&Case {
                text: "a = 1\nb = 2\nc = 3\n\nd\n",
                len: 9,
                ..base
            }),
            0
        );
        assert_eq!(
            compare(&Case {
                text: "a = 1\n\n\nd\n",
                label: "two\nlines",
                ..base
            }),
            0
        );
        assert_eq!(
            compare(&Case {
                text: "a = 1\r\nb = 2\r\n",
                ..base
            }),
            0
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_diagnostic_drawn_directly_is_what_miette_draws(
            text in prop_oneof![4 => "[ab =\"\\-/\\[\\]{}\t\n]{0,120}", 1 => "[ab =\t\n\r\u{e9}]{0,120}"],
            start in 0usize..130,
            len in 0usize..20,
            label in prop_oneof![4 => "[a-z ]{0,12}", 1 => "[a-z \n\u{e9}]{0,12}"],
            message in prop_oneof![4 => "[a-z0-9 ./:\\-\\[\\]\"(){}]{0,160}", 1 => "[a-z \u{e9}\n]{0,160}"],
            severity in 0usize..3,
            url in proptest::option::of("[a-z:/.]{1,30}"),
        ) {
            let start = start.min(text.len());
            let len = len.min(text.len() - start);
            prop_assume!(text.is_char_boundary(start) && text.is_char_boundary(start + len));
            let severity = [miette::Severity::Error, miette::Severity::Warning, miette::Severity::Advice][severity];
            compare(&Case { text: &text, start, len, label: &label, message: &message, severity, url: url.as_deref() });
        }

        #[test]
        fn the_quick_control_test_finds_one_control_anywhere_in_long_text(
            text in "[ -~\t\n]{0,300}",
            at in 0usize..300,
            control in prop_oneof![0u32..9, 11u32..13, 14u32..32, Just(0x7f), 0x80u32..0xa0],
        ) {
            prop_assert!(!super::super::may_hold_control(text.as_bytes()));
            let at = at.min(text.len());
            let mut with = text.clone();
            with.insert(at, char::from_u32(control).unwrap_or('\0'));
            prop_assert!(super::super::may_hold_control(with.as_bytes()));
            prop_assert!(has_unsafe_control(&with));
        }

        #[test]
        fn the_quick_control_test_never_misses_one(text in "\\PC{0,200}|[\u{0}-\u{ff}]{0,200}") {
            if !super::super::may_hold_control(text.as_bytes()) {
                prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            }
            let exact = text.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r');
            prop_assert_eq!(has_unsafe_control(&text), exact);
        }
    }
}
