//! Source snippets and the diagnostic type miette draws: a file shown around one span, and one
//! finding or error as a `miette::Diagnostic`.

use crate::report::escape_line;
use crate::source::{SourceFile, Span};
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;

/// Text shown in snippets: a whole file (borrowed, its line index shared), or an excerpt cut
/// around one span (see `excerpt.rs`: long lines cut, control and bidi characters escaped).
pub(super) struct Snippet<'a> {
    /// The file's display name, escaped as a single-line field.
    pub(super) name: Cow<'a, str>,
    pub(super) text: Cow<'a, str>,
    line_starts: Cow<'a, [u32]>,
    /// A whole file's source (columns come from its character index).
    file: Option<&'a SourceFile>,
    /// An excerpt's place in its file: the index of its first line, and the 0-based column of
    /// the span it was cut around.
    origin: Option<(usize, usize)>,
}

impl<'a> Snippet<'a> {
    pub(super) fn new(f: &'a SourceFile) -> Snippet<'a> {
        Snippet {
            name: Cow::Owned(escape_line(&f.display).into_owned()),
            text: Cow::Borrowed(f.text.as_str()),
            line_starts: Cow::Borrowed(f.line_starts()),
            file: Some(f),
            origin: None,
        }
    }

    /// An excerpt of the file named `name`: `text` with its `line_starts`, whose first line is
    /// line `first` (0-based) of the file, cut around a span starting at 0-based `column`.
    pub(super) fn excerpt(
        name: &'a str,
        text: String,
        line_starts: Vec<usize>,
        first: usize,
        column: usize,
    ) -> Snippet<'a> {
        Snippet {
            name: Cow::Borrowed(name),
            text: Cow::Owned(text),
            line_starts: Cow::Owned(
                line_starts
                    .into_iter()
                    .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
                    .collect(),
            ),
            file: None,
            origin: Some((first, column)),
        }
    }

    /// Index (in this snippet) of the line holding `offset`.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        let key = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts.binary_search(&key) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where line `i` (of this snippet) starts.
    pub(super) fn start_of(&self, i: usize) -> Option<usize> {
        self.line_starts.get(i).map(|&s| s as usize)
    }

    /// Number of lines.
    pub(super) fn lines(&self) -> usize {
        self.line_starts.len()
    }

    /// The file's line index of this snippet's first line.
    pub(super) fn first_line(&self) -> usize {
        self.origin.map_or(0, |(first, _)| first)
    }
}

impl Snippet<'_> {
    /// The lines miette shows around a span: `(first, last)` line indexes and the byte range
    /// `from..to` they cover (without the last line's newline, except at the end of the file).
    pub(super) fn window(&self, offset: usize, len: usize, before: usize, after: usize) -> Window {
        let start = offset.min(self.text.len());
        let end = (start + len).min(self.text.len());
        let first = self.line_of(start).saturating_sub(before);
        let last = (self.line_of(end) + after).min(self.lines().saturating_sub(1));
        let from = self.start_of(first).unwrap_or(0);
        let to = match self.start_of(last + 1) {
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

    /// The 0-based column (in characters) of `start` on its line; in an excerpt, the column of
    /// the span it was cut around (the only one asked for).
    pub(super) fn column_of(&self, start: usize) -> usize {
        if let Some((_, column)) = self.origin {
            return column;
        }
        if let Some(f) = self.file {
            return f.line_col(start).column.saturating_sub(1);
        }
        let line_start = self.start_of(self.line_of(start)).unwrap_or(0);
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
            self.name.to_string(),
            data,
            SourceSpan::new(from.into(), to - from),
            first + self.first_line(),
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
    pub(super) label: Option<(Span, Cow<'a, str>)>,
    /// A second place in the same file (the first of two duplicate keys), labelled when the
    /// whole file is shown.
    pub(super) secondary: Option<(Span, Cow<'a, str>)>,
    pub(super) source: Option<Shown<'a>>,
}

/// What a diagnostic shows: a whole file's snippet, or an excerpt of it made for the diagnostic.
pub(super) enum Shown<'a> {
    Whole(&'a Snippet<'a>),
    Excerpt(Snippet<'a>),
}

impl<'a> Shown<'a> {
    pub(super) fn get(&self) -> &Snippet<'a> {
        match self {
            Shown::Whole(s) => s,
            Shown::Excerpt(s) => s,
        }
    }
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
        self.source.as_ref().map(|s| s.get() as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (span, text) = self.label.as_ref()?;
        let source = self.source.as_ref()?;
        let l = LabeledSpan::new_primary_with_span(
            Some(text.to_string()),
            SourceSpan::new((span.start as usize).into(), span.len()),
        );
        // An excerpt is cut around the primary span only: the second place goes with a whole file.
        let second = match (source, &self.secondary) {
            (Shown::Whole(_), Some((at, text))) if at.file == span.file => {
                Some(LabeledSpan::new_with_span(
                    Some(text.to_string()),
                    SourceSpan::new((at.start as usize).into(), at.len()),
                ))
            }
            _ => None,
        };
        Some(Box::new(std::iter::once(l).chain(second)))
    }
}
