//! Second places a diagnostic names (the first of two duplicate keys, where an unresolved
//! variable is declared): located here, listed beside the diagnostic and named at the end of its
//! message, so no stage before the report writes a line number.

use super::{Builder, ErrorEntry};
use crate::model::Related;
use crate::source::Span;
use serde::Serialize;

/// A second place a diagnostic points to (JSON `related`, SARIF related locations, a second
/// label in the terminal).
#[derive(Debug, Clone, Serialize)]
pub struct RelatedEntry {
    /// File path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is there (`first written`, `variable declared`).
    pub message: String,
    /// Byte span (for renderers that show a snippet).
    #[serde(skip)]
    pub span: Span,
}

impl Builder<'_> {
    /// A tool error's entry: the second place it points to is named at the end of the message
    /// (by line in the same file) and listed in `related`.
    pub(super) fn error(&self, e: &crate::model::ToolError) -> ErrorEntry {
        let l = self.loc(e.span);
        let mut message = e.message.clone();
        let related = self.related(e.span, e.related.as_slice(), true, &mut message);
        ErrorEntry {
            path: l.path.to_string(),
            line: l.line,
            column: l.column,
            code: e.code,
            message,
            related,
            span: e.span,
        }
    }

    /// A resource note, with the place it names as `at PATH:LINE:COL`.
    pub(super) fn note(&self, note: crate::model::Note) -> String {
        match note.at {
            Some(span) => {
                let l = self.loc(span);
                format!("{} at {}:{}:{}", note.text, l.path, l.line, l.column)
            }
            None => note.text,
        }
    }

    /// The entries of the places `related` of a diagnostic at `from`, each also named at the
    /// end of `message`: `(LABEL on line N)` in the same file when `by_line`, otherwise
    /// `(LABEL at PATH:LINE)`.
    pub(super) fn related(
        &self,
        from: Span,
        related: &[Related],
        by_line: bool,
        message: &mut String,
    ) -> Vec<RelatedEntry> {
        related
            .iter()
            .map(|r| {
                let at = self.loc(r.span);
                let place = if by_line && r.span.file == from.file {
                    format!(" ({} on line {})", r.label, at.line)
                } else {
                    format!(" ({} at {}:{})", r.label, at.path, at.line)
                };
                message.push_str(&place);
                RelatedEntry {
                    path: at.path.to_string(),
                    line: at.line,
                    column: at.column,
                    message: r.label.clone(),
                    span: r.span,
                }
            })
            .collect()
    }
}
