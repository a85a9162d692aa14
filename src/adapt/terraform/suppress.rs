//! In-code suppressions: `# srm-lint:ignore[ID] reason` (or `//`) comments in `.tf` files.
//! A comment on a resource's header line, the line above it, or any line inside the block
//! applies to that resource.
//!
//! Only real comments count. Where strings are is taken from the parser's tree (hcl-edit's spans
//! of every quoted string, template and heredoc, block labels and object keys included), not
//! guessed from the text: a marker whose `#` or `//` lies inside one of them is text, not a
//! comment (`bucket = "x # srm-lint:ignore[SRM-S3-004] hidden"` silences nothing). A file that
//! did not parse, or one in JSON syntax (which has no comments), has no suppressions.

use super::hcl::{is_json_name, Content, ParsedFile};
use super::load::DirInfo;
use crate::model::{Suppression, ToolError};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use foldhash::HashMap;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use hcl_edit::template::{HeredocTemplate, StringTemplate};
use hcl_edit::visit::{visit_expr, Visit};
use hcl_edit::{Decorated, Span as _};
use std::ops::Range;

const MARK: &str = "srm-lint:ignore[";

/// Markers written for checkov and trivy (tfsec), honoured through the duties' references so a
/// team can switch without rewriting them: `#checkov:skip=CKV_AWS_18:reason`,
/// `#trivy:ignore:AVD-AWS-0089` (`#tfsec:ignore:…` the same). The silenced duty is kept as
/// `checkov:ID` / `trivy:ID` and matched against the duty's `references`.
const PEER_MARKS: [(&str, &str); 3] = [
    ("checkov:skip=", "checkov"),
    ("trivy:ignore:", "trivy"),
    ("tfsec:ignore:", "trivy"),
];

/// A suppression comment and the 1-based line it is on.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    /// Its line.
    pub line: usize,
    /// The suppression.
    pub sup: Suppression,
}

/// The byte ranges (in the file's text) of every string, template and heredoc of a body.
struct Strings {
    base: usize,
    ranges: Vec<Range<usize>>,
    /// A string without a span was seen: where text is cannot be told.
    unknown: bool,
}

impl Strings {
    fn add(&mut self, r: Option<Range<usize>>) {
        match r {
            Some(r) => self.ranges.push(r.start + self.base..r.end + self.base),
            None => self.unknown = true,
        }
    }
}

impl Visit for Strings {
    fn visit_string(&mut self, node: &Decorated<String>) {
        self.add(node.span());
    }

    fn visit_string_template(&mut self, node: &StringTemplate) {
        // The whole template, interpolations included: nothing inside is a top-level comment.
        self.add(node.span());
    }

    fn visit_heredoc_template(&mut self, node: &HeredocTemplate) {
        self.add(node.span());
    }

    fn visit_expr(&mut self, node: &Expression) {
        match node {
            // The expression's own span covers the `<<EOF` opener and the closing delimiter.
            Expression::HeredocTemplate(_) | Expression::StringTemplate(_) => self.add(node.span()),
            _ => visit_expr(self, node),
        }
    }
}

/// The string ranges of a parsed body, sorted and disjoint; `None` when they cannot all be told.
fn string_ranges(body: &Body, base: usize) -> Option<Vec<Range<usize>>> {
    let mut v = Strings {
        base,
        ranges: Vec::new(),
        unknown: false,
    };
    v.visit_body(body);
    if v.unknown {
        return None;
    }
    Some(merged(v.ranges))
}

/// Sorted, disjoint ranges covering the same bytes as `ranges`.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Whether `offset` lies inside one of the sorted, disjoint `ranges`.
fn inside(ranges: &[Range<usize>], offset: usize) -> bool {
    let n = ranges.partition_point(|r| r.start <= offset);
    n.checked_sub(1)
        .and_then(|i| ranges.get(i))
        .is_some_and(|r| r.contains(&offset))
}

/// The suppression comments of a file given its parse; comments without a reason become errors.
pub(crate) fn scan(
    file: &SourceFile,
    parsed: Option<&ParsedFile>,
    errors: &mut Vec<ToolError>,
) -> Vec<Comment> {
    let mut out = Vec::new();
    if !file.text.contains(MARK) && !PEER_MARKS.iter().any(|(m, _)| file.text.contains(m)) {
        return out;
    }
    let strings = match parsed.map(|p| (&p.content, p.loc.base)) {
        Some((Content::Hcl(body), base)) => string_ranges(body, base),
        _ => None,
    };
    let Some(strings) = strings else {
        return out;
    };
    let mut offset = 0usize;
    for (i, line) in file.text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let is_code = |at: usize| !inside(&strings, start + at);
        if let Some((comment_start, duty, reason)) = peer_marker(line, is_code) {
            out.push(Comment {
                line: i + 1,
                sup: Suppression {
                    duty,
                    reason,
                    span: Span::new(
                        file.id,
                        start + comment_start,
                        start + line.trim_end().len(),
                    ),
                },
            });
            continue;
        }
        let Some((comment_start, duty, reason)) = marker(line, is_code) else {
            continue;
        };
        let span = Span::new(
            file.id,
            start + comment_start,
            start + line.trim_end().len(),
        );
        if reason.is_empty() {
            errors.push(ToolError {
                span,
                code: "suppression-without-reason",
                message: format!("suppression of {duty} needs a reason after `]`"),
                related: None,
            });
            continue;
        }
        for d in duty.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            out.push(Comment {
                line: i + 1,
                sup: Suppression {
                    duty: d.to_string(),
                    reason: reason.to_string(),
                    span,
                },
            });
        }
    }
    out
}

/// The first marker of a line that starts a `#` or `//` comment (only spaces between) whose
/// first character is code, not text (`is_code`, given its offset in the line): the comment's
/// offset, the duty list and the reason.
fn marker(line: &str, is_code: impl Fn(usize) -> bool) -> Option<(usize, &str, &str)> {
    line.match_indices(MARK).find_map(|(pos, _)| {
        let before = line.get(..pos).unwrap_or("").trim_end();
        let comment_start = if before.ends_with("//") {
            before.len() - 2
        } else if before.ends_with('#') {
            before.len() - 1
        } else {
            return None;
        };
        if !is_code(comment_start) {
            return None;
        }
        let rest = line.get(pos + MARK.len()..).unwrap_or("");
        let close = rest.find(']')?;
        let duty = rest.get(..close).unwrap_or("").trim();
        let reason = rest.get(close + 1..).unwrap_or("").trim();
        Some((comment_start, duty, reason))
    })
}

/// The start of the `#` or `//` comment that `pos` (an offset in `line`) opens, if only spaces
/// lie between them.
fn comment_before(line: &str, pos: usize) -> Option<usize> {
    let before = line.get(..pos).unwrap_or("").trim_end();
    if before.ends_with("//") {
        Some(before.len() - 2)
    } else if before.ends_with('#') {
        Some(before.len() - 1)
    } else {
        None
    }
}

/// A checkov or trivy marker starting a real comment: the comment's offset, the silenced peer
/// check (`checkov:CKV_AWS_18`, `trivy:AWS-0089`) and the reason (checkov's comment, or a note
/// of where the suppression came from).
fn peer_marker(line: &str, is_code: impl Fn(usize) -> bool) -> Option<(usize, String, String)> {
    PEER_MARKS.iter().find_map(|(mark, tool)| {
        line.match_indices(mark).find_map(|(pos, _)| {
            let comment_start = comment_before(line, pos)?;
            if !is_code(comment_start) {
                return None;
            }
            let rest = line.get(pos + mark.len()..).unwrap_or("").trim_end();
            let (id, reason) = match *tool {
                "checkov" => match rest.split_once(':') {
                    Some((id, reason)) => (id.trim(), reason.trim()),
                    None => (rest.trim(), ""),
                },
                // `trivy:ignore:AVD-AWS-0089[:exp:2025-01-01]`
                _ => (rest.split([':', ' ']).next().unwrap_or("").trim(), ""),
            };
            let id = id.strip_prefix("AVD-").unwrap_or(id);
            if id.is_empty() {
                return None;
            }
            let reason = if reason.is_empty() {
                format!("{} marker", mark.trim_end_matches([':', '=']))
            } else {
                reason.to_string()
            };
            Some((comment_start, format!("{tool}:{id}"), reason))
        })
    })
}

/// The suppression comments of a directory's HCL files (`parsed` holds their trees).
pub(crate) fn scan_dir(
    sources: &SourceMap,
    d: &DirInfo,
    parsed: &HashMap<FileId, ParsedFile>,
    into: &mut HashMap<FileId, Vec<Comment>>,
    errors: &mut Vec<ToolError>,
) {
    for id in &d.module_files {
        if let Some(f) = sources.get(*id) {
            if !is_json_name(&f.display) {
                into.insert(*id, scan(f, parsed.get(id), errors));
            }
        }
    }
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
    use crate::adapt::terraform::hcl::parse_file;

    /// The duties suppressed in `text` (as `main.tf`) with their lines, and the error count.
    fn found(text: &str) -> (Vec<(usize, String)>, usize) {
        let f = SourceFile::new(0, "m.tf".into(), "m.tf".into(), text.into());
        let (parsed, err) = parse_file(0, "m.tf", text);
        assert!(err.is_none(), "{err:?}");
        let mut errors = Vec::new();
        let c = scan(&f, Some(&parsed), &mut errors);
        (
            c.into_iter().map(|c| (c.line, c.sup.duty)).collect(),
            errors.len(),
        )
    }

    #[test]
    fn finds_comments_and_reasonless_ones() {
        let text = "# srm-lint:ignore[SRM-S3-004] logs bucket\nresource \"a\" \"b\" {\n  x = 1 // srm-lint:ignore[SRM-X]\n}\n";
        let f = SourceFile::new(0, "m.tf".into(), "m.tf".into(), text.into());
        let (parsed, _) = parse_file(0, "m.tf", text);
        let mut errors = Vec::new();
        let c = scan(&f, Some(&parsed), &mut errors);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].sup.duty, "SRM-S3-004");
        assert_eq!(c[0].sup.reason, "logs bucket");
        assert_eq!(errors.len(), 1);
        assert_eq!(f.line_col(errors[0].span.start as usize).column, 9);
        assert_eq!(for_lines(&c, 2, 4).len(), 1);
        assert_eq!(for_lines(&c, 3, 4).len(), 0);
        // Without a parse tree (a file that did not parse) nothing counts.
        assert!(scan(&f, None, &mut Vec::new()).is_empty());
    }

    #[test]
    fn markers_in_strings_and_heredocs_are_text() {
        let m = "# srm-lint:ignore[SRM-S3-004] hidden";
        for text in [
            format!("resource \"a\" \"b\" {{\n  bucket = \"x {m}\"\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  bucket = \"${{\"}}\"}} {m}\"\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  bucket = \"${{lower(\"a\")}} {m} ${{x}}\"\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  policy = <<EOF\n{m}\nEOF\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  policy = <<-EOT\n    {m}\n    EOT\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  policy = <<EOF\n${{x}}\n  {m}\nEOF\n}}\n"),
            // hcl-edit ends this heredoc at the second `EOF` line: the marker is text.
            format!("resource \"a\" \"b\" {{\n  policy = <<EOF\nEOF\n{m}\nEOF\n}}\n"),
            format!("resource \"a\" \"b {m}\" {{\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  tags = {{ \"k {m}\" = 1 }}\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  v = \"%{{ if true }}{m}%{{ endif }}\"\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  v = \"\\\" {m}\"\n}}\n"),
            format!("resource \"a\" \"b\" {{\n  v = \"$${{ {m}\"\n}}\n"),
        ] {
            assert_eq!(found(&text), (vec![], 0), "{text}");
        }
    }

    #[test]
    fn markers_in_real_comments_still_count() {
        let m = "srm-lint:ignore[SRM-S3-004] reason";
        for (text, line) in [
            (
                format!("resource \"a\" \"b\" {{\n  bucket = \"x\" # {m}\n}}\n"),
                2,
            ),
            (
                format!("resource \"a\" \"b\" {{\n  bucket = \"#\" // {m}\n}}\n"),
                2,
            ),
            (
                format!("resource \"a\" \"b\" {{\n  bucket = \"# {m}\" # {m}\n}}\n"),
                2,
            ),
            (
                format!("resource \"a\" \"b\" {{\n  p = <<EOF\nx\nEOF\n  # {m}\n}}\n"),
                5,
            ),
            (
                format!("resource \"a\" \"b\" {{\n  t = [\n    \"a\", # {m}\n  ]\n}}\n"),
                3,
            ),
            (
                format!("{}# {m}\nresource \"a\" \"b\" {{}}\n", '\u{feff}'),
                1,
            ),
        ] {
            assert_eq!(
                found(&text),
                (vec![(line, "SRM-S3-004".to_string())], 0),
                "{text}"
            );
        }
    }
}
