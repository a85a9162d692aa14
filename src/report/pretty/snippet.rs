//! Source snippets and the diagnostic type miette draws: a file with control characters made
//! visible byte for byte, and one finding or error as a `miette::Diagnostic`.

use crate::report::{escape_control, may_hold_control};
use crate::source::{SourceFile, Span};
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

/// A file prepared for snippets: control characters replaced byte-for-byte (so the file's line
/// index still holds).
pub(super) struct Snippet<'s> {
    pub(super) name: String,
    pub(super) text: std::borrow::Cow<'s, str>,
    pub(super) line_starts: &'s [usize],
}

/// Whether `text` holds a control character other than tab, newline and carriage return (C0,
/// DEL, or C1, which UTF-8 writes as 0xC2 0x80..=0x9F).
pub(super) fn has_unsafe_control(text: &str) -> bool {
    let b = text.as_bytes();
    // The quick test flags carriage returns too; the exact one below then decides.
    if !may_hold_control(b) {
        return false;
    }
    b.iter().enumerate().any(|(i, &x)| match x {
        0x00..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f => true,
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        _ => false,
    })
}

impl<'s> Snippet<'s> {
    pub(super) fn new(f: &'s SourceFile) -> Snippet<'s> {
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

    pub(super) fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

impl Snippet<'_> {
    /// The lines miette shows around a span: `(first, last)` line indexes and the byte range
    /// `from..to` they cover (without the last line's newline, except at the end of the file).
    pub(super) fn window(&self, offset: usize, len: usize, before: usize, after: usize) -> Window {
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
    pub(super) fn column_of(&self, start: usize) -> usize {
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
pub(super) struct Window {
    pub(super) start: usize,
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) from: usize,
    pub(super) to: usize,
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

pub(super) struct Diag<'a> {
    pub(super) code: String,
    pub(super) message: String,
    pub(super) severity: miette::Severity,
    pub(super) url: Option<&'a str>,
    pub(super) label: Option<(Span, std::borrow::Cow<'a, str>)>,
    pub(super) source: Option<&'a Snippet<'a>>,
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
