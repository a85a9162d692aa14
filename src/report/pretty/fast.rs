//! The direct drawing path: the common diagnostic shapes written straight into a string with the
//! theme's pieces styled once, byte-identical to miette's graphical handler (which draws the
//! rest).

use super::snippet::{Diag, Snippet};
use super::TEXT_WIDTH;
use crate::source::Span;
use miette::GraphicalTheme;

/// The theme's pieces [`draw_fast`] writes, styled once instead of per diagnostic.
pub(super) struct Pen {
    pub(super) chars: miette::ThemeCharacters,
    /// Error, warning, advice.
    pub(super) severities: [SeverityPen; 3],
    pub(super) link: (String, String),
    pub(super) linum: (String, String),
    pub(super) highlight: (String, String),
}

/// What a diagnostic of one severity draws with.
pub(super) struct SeverityPen {
    /// What the code's style writes before and after it.
    pub(super) code: (String, String),
    /// The message's first-line indent (with the icon) and its display width.
    pub(super) initial: String,
    pub(super) initial_width: usize,
    /// The message's continuation indent.
    pub(super) rest: String,
    /// Messages longer than a line, wrapped: many findings share one (a module's resource found
    /// by every example that calls it), and the Unicode line breaker is the costliest part of a
    /// diagnostic.
    pub(super) wrapped: std::sync::Mutex<foldhash::HashMap<String, String>>,
}

/// What a style writes before and after its text (nothing for a plain style).
pub(super) fn wrapping(style: owo_colors::Style) -> (String, String) {
    use owo_colors::OwoColorize as _;
    let probe = "\u{0}".style(style).to_string();
    match probe.split_once('\u{0}') {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (String::new(), String::new()),
    }
}

impl Pen {
    /// `None` if the theme has no highlight style (miette would then draw no label).
    pub(super) fn new(theme: &GraphicalTheme) -> Option<Pen> {
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
pub(super) fn draw_fast(pen: &Pen, d: &Diag<'_>, out: &mut String) -> bool {
    let chars = &pen.chars;
    let snippet = match (d.source.as_ref().map(|s| s.get()), &d.label) {
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
                .word_separator(super::words::separator())
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
    number(out, src.first_line() + src.line_of(plan.start) + 1, 0);
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
pub(super) fn spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A number right-aligned in `width` columns (what `{:width$}` makes of it).
pub(super) fn number(out: &mut String, n: usize, width: usize) {
    let mut buf = itoa::Buffer::new();
    let text = buf.format(n);
    spaces(out, width.saturating_sub(text.len()));
    out.push_str(text);
}

/// Tab stops of miette's snippets.
pub(super) const TAB: usize = 4;

/// The snippet of a [`draw_fast`] diagnostic, or `None` if miette has to draw it.
pub(super) struct Plan<'t> {
    pub(super) offset: usize,
    pub(super) len: usize,
    /// Where the header's line:column is read from (the span start, clamped to the text).
    pub(super) start: usize,
    pub(super) lines: Vec<Line<'t>>,
}

/// One line of a snippet, as miette splits it.
pub(super) struct Line<'t> {
    /// 1-based.
    pub(super) number: usize,
    /// Byte offset in the file.
    pub(super) offset: usize,
    /// Length including the newline.
    pub(super) length: usize,
    pub(super) text: &'t str,
}

impl Line<'_> {
    /// Whether a span is drawn under this line (starts, passes through or ends on it).
    pub(super) fn applies(&self, offset: usize, len: usize) -> bool {
        let spanlen = len.max(1);
        let end = self.offset + self.length;
        (offset >= self.offset && offset < end)
            || (offset < self.offset && offset + spanlen > end)
            || (offset + spanlen > self.offset && offset + spanlen <= end)
    }

    /// Whether a span lies within this line.
    pub(super) fn holds(&self, offset: usize, len: usize) -> bool {
        offset >= self.offset && offset + len <= self.offset + self.length
    }

    /// The display column of a byte offset on this line (one past the text if beyond it).
    /// The text is ASCII but for ellipses, which are one column wide like every character.
    pub(super) fn visual_offset(&self, offset: usize) -> usize {
        let index = offset.saturating_sub(self.offset);
        let text = self.text.get(..index.min(self.text.len())).unwrap_or("");
        let mut column = 0;
        for c in text.chars() {
            column += if c == '\t' { TAB - column % TAB } else { 1 };
        }
        if index > self.text.len() {
            column + 1
        } else {
            column
        }
    }
}

pub(super) fn plan<'t>(src: &'t Snippet<'_>, span: &Span, label: &str) -> Option<Plan<'t>> {
    let (offset, len) = (span.start as usize, span.len());
    if offset + len > src.text.len() || label.contains('\n') {
        return None;
    }
    let w = src.window(offset, len, 1, 1);
    let data = src.text.get(w.from..w.to)?;
    // ASCII text, and the ellipsis of an excerpt's cut line (one column wide).
    let plain = |b: u8| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t';
    if !data.bytes().all(plain)
        && !data
            .split(super::excerpt::ELLIPSIS)
            .all(|part| part.bytes().all(plain))
    {
        return None;
    }
    let mut lines = Vec::with_capacity(w.last - w.first + 1);
    let mut pos = 0;
    let mut number = src.first_line() + w.first;
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
