//! In-code suppressions: `# srm-lint:ignore[ID] reason` (or `//`) comments in `.tf` files.
//! A comment on a resource's header line, the line above it, or any line inside the block
//! applies to that resource.

use crate::model::{Suppression, ToolError};
use crate::source::{SourceFile, Span};

const MARK: &str = "srm-lint:ignore[";

/// A suppression comment and the 1-based line it is on.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    /// Its line.
    pub line: usize,
    /// The suppression.
    pub sup: Suppression,
}

/// The suppression comments of a file; comments without a reason become errors.
pub(crate) fn scan(file: &SourceFile, errors: &mut Vec<ToolError>) -> Vec<Comment> {
    let mut out = Vec::new();
    if !file.text.contains(MARK) {
        return out;
    }
    let mut offset = 0usize;
    for (i, line) in file.text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let Some(pos) = line.find(MARK) else { continue };
        // The marker must be the start of a `#` or `//` comment.
        let before = line.get(..pos).unwrap_or("").trim_end();
        if !(before.ends_with('#') || before.ends_with("//")) {
            continue;
        }
        let comment_start = if before.ends_with("//") {
            before.len() - 2
        } else {
            before.len() - 1
        };
        let rest = line.get(pos + MARK.len()..).unwrap_or("");
        let Some(close) = rest.find(']') else {
            continue;
        };
        let duty = rest.get(..close).unwrap_or("").trim().to_string();
        let reason = rest.get(close + 1..).unwrap_or("").trim().to_string();
        let end = start + line.trim_end().len();
        let span = Span::new(file.id, start + comment_start, end);
        if reason.is_empty() {
            errors.push(ToolError {
                span,
                code: "suppression-without-reason",
                message: format!("suppression of {duty} needs a reason after `]`"),
            });
            continue;
        }
        for d in duty.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            out.push(Comment {
                line: i + 1,
                sup: Suppression {
                    duty: d.to_string(),
                    reason: reason.clone(),
                    span,
                },
            });
        }
    }
    out
}

/// The suppressions that apply to a block spanning lines `first..=last` (1-based).
pub(crate) fn for_lines(comments: &[Comment], first: usize, last: usize) -> Vec<Suppression> {
    comments
        .iter()
        .filter(|c| c.line + 1 >= first && c.line <= last)
        .map(|c| c.sup.clone())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_and_reasonless_ones() {
        let text = "# srm-lint:ignore[SRM-S3-004] logs bucket\nresource \"a\" \"b\" {\n  x = 1 // srm-lint:ignore[SRM-X]\n}\n";
        let f = SourceFile::new(0, "m.tf".into(), "m.tf".into(), text.into());
        let mut errors = Vec::new();
        let c = scan(&f, &mut errors);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].sup.duty, "SRM-S3-004");
        assert_eq!(c[0].sup.reason, "logs bucket");
        assert_eq!(errors.len(), 1);
        assert_eq!(f.line_col(errors[0].span.start as usize).column, 9);
        assert_eq!(for_lines(&c, 2, 4).len(), 1);
        assert_eq!(for_lines(&c, 3, 4).len(), 0);
    }
}
