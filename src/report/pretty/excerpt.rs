//! What a diagnostic shows of its file: the lines around its span, as they are, when they are
//! short and hold nothing to escape (nearly always); otherwise an excerpt of those lines made
//! for the one diagnostic, in which
//!
//! - a line longer than [`MAX_LINE`] bytes is cut to a window around the span (at most
//!   [`SHOWN`] bytes, an ellipsis marking each cut end), so a finding on a minified template
//!   prints a few hundred characters, not the whole line;
//! - control and bidi characters are written as visible escapes by the output rule for
//!   multi-line text (`escape.rs`; Trojan Source), newlines and tabs kept.
//!
//! The span is moved to the excerpt's offsets; line numbers and the header's line:column stay
//! those of the file.

use super::snippet::{Shown, Snippet};
use crate::report::{escaped_in_text, may_need_text_escape};
use crate::source::Span;

/// Lines longer than this (bytes) are cut around the span.
pub(super) const MAX_LINE: usize = 240;

/// Bytes of a cut line shown in all.
pub(super) const SHOWN: usize = 200;

/// Bytes of a cut line shown before the span's start.
const BEFORE: usize = 80;

/// What marks a cut end.
pub(super) const ELLIPSIS: &str = "…";

/// The largest character boundary of `text` not after `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One line of an excerpt: the file's line `ls..le` (without its newline), of which `cs..ce`
/// is shown, escaped, at `xs..xe` of the excerpt; `xnl` is where the excerpt's line ends.
struct Cut {
    le: usize,
    cs: usize,
    ce: usize,
    xs: usize,
    xe: usize,
    xnl: usize,
}

/// Whether the excerpt writes the character at byte `i` of `text` as an escape.
fn escaped_at(text: &str, i: usize, c: char) -> bool {
    let next = text.get(i + c.len_utf8()..).and_then(|t| t.chars().next());
    escaped_in_text(c, next)
}

/// `text[from..to]` with the output rule for text applied, appended to `out`.
fn push_escaped(out: &mut String, text: &str, from: usize, to: usize) {
    let Some(part) = text.get(from..to) else {
        return;
    };
    for (i, c) in part.char_indices() {
        if escaped_at(text, from + i, c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
}

/// Bytes `text[from..to]` takes in the excerpt.
fn escaped_len(text: &str, from: usize, to: usize) -> usize {
    let part = text.get(from..floor(text, to)).unwrap_or_default();
    part.char_indices()
        .map(|(i, c)| {
            if escaped_at(text, from + i, c) {
                c.escape_unicode().len()
            } else {
                c.len_utf8()
            }
        })
        .sum()
}

/// The file's line `i` as `(start, end)` byte offsets, without its newline.
fn line_bounds(src: &Snippet<'_>, i: usize) -> (usize, usize) {
    let len = src.text.len();
    let ls = src.start_of(i).unwrap_or(len).min(len);
    let le = match src.start_of(i + 1) {
        Some(next) => next.saturating_sub(1),
        None => len,
    };
    (ls, le.clamp(ls, len))
}

/// What `d` shows of `src` for `span`, and the span in what it shows.
pub(super) fn show<'a>(src: &'a Snippet<'a>, span: Span) -> (Shown<'a>, Span) {
    let text: &str = &src.text;
    let (offset, len) = (span.start as usize, span.len());
    let w = src.window(offset, len, 1, 1);
    let long = (w.first..=w.last).any(|i| {
        let (ls, le) = line_bounds(src, i);
        le - ls > MAX_LINE
    });
    let data = text.get(w.from..w.to).unwrap_or_default();
    let unsafe_chars = || {
        may_need_text_escape(data.as_bytes())
            && data
                .char_indices()
                .any(|(i, c)| escaped_at(text, w.from + i, c))
    };
    if !long && !unsafe_chars() {
        return (Shown::Whole(src), span);
    }
    let start = w.start;
    let end = (start + len).min(text.len());
    let mut out = String::new();
    let mut starts = vec![0];
    let mut cuts = Vec::with_capacity(w.last - w.first + 1);
    for i in w.first..=w.last {
        let (ls, le) = line_bounds(src, i);
        let (cs, ce) = if le - ls <= MAX_LINE {
            (ls, le)
        } else {
            let anchor = if (ls..=le).contains(&start) {
                start
            } else if (ls..=le).contains(&end) {
                end
            } else {
                ls
            };
            let cs = floor(text, anchor.saturating_sub(BEFORE).max(ls));
            (cs, floor(text, (cs + SHOWN).min(le)).max(cs))
        };
        if i > w.first {
            out.push('\n');
            starts.push(out.len());
        }
        if cs > ls {
            out.push_str(ELLIPSIS);
        }
        let xs = out.len();
        push_escaped(&mut out, text, cs, ce);
        let xe = out.len();
        if ce < le {
            out.push_str(ELLIPSIS);
        }
        cuts.push(Cut {
            le,
            cs,
            ce,
            xs,
            xe,
            xnl: out.len(),
        });
    }
    let map = |t: usize| {
        for c in &cuts {
            if t > c.le {
                continue;
            }
            return if t <= c.cs {
                c.xs
            } else if t == c.le {
                c.xnl
            } else if t >= c.ce {
                c.xe
            } else {
                c.xs + escaped_len(text, c.cs, t)
            };
        }
        out.len()
    };
    let (from, to) = (map(start), map(end));
    let moved = Span::new(span.file, from, to.max(from));
    let column = src.column_of(start);
    let excerpt = Snippet::excerpt(&src.name, out, starts, w.first, column);
    (Shown::Excerpt(excerpt), moved)
}
