//! Parsing of Terraform files (HCL native syntax through hcl-edit, JSON syntax through the strict
//! JSON front end) and the thin, syntax-neutral views the evaluator works on: [`Ex`] (an
//! expression) and [`Bd`] (a block body).

use crate::model::ToolError;
use crate::source::{FileId, Span};
use crate::tree::{Node, NodeKind};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span as _;
use std::ops::Range;

/// The UTF-8 byte order mark, which hcl-edit rejects.
const BOM: &str = "\u{feff}";

/// Where the spans of an HCL tree point: the file and the offset of the parsed text in it (3
/// when a byte order mark was stripped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Loc {
    /// The file.
    pub file: FileId,
    /// Byte offset added to every hcl-edit range.
    pub base: usize,
}

impl Loc {
    /// The span of an hcl-edit range, or `fallback` when the node has none.
    pub fn span(&self, r: Option<Range<usize>>, fallback: Span) -> Span {
        match r {
            Some(r) => Span::new(self.file, r.start + self.base, r.end + self.base),
            None => fallback,
        }
    }

    /// The span of an hcl-edit range, or an empty span at the start of the file.
    pub fn span_of(&self, r: Option<Range<usize>>) -> Span {
        self.span(r, Span::new(self.file, self.base, self.base))
    }
}

/// The syntax tree of one file.
#[derive(Debug)]
pub(crate) enum Content {
    /// HCL native syntax.
    Hcl(Body),
    /// JSON syntax.
    Json(Node),
    /// The file did not parse (an error was reported).
    Failed,
}

/// One parsed file.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    /// Its location (file id and BOM offset).
    pub loc: Loc,
    /// Its tree.
    pub content: Content,
}

/// Whether a display path or file name is in JSON syntax.
pub(crate) fn is_json_name(name: &str) -> bool {
    name.ends_with(".json")
}

/// Parses one file's text; a syntax error becomes a located `parse-error`.
pub(crate) fn parse_file(file: FileId, name: &str, text: &str) -> (ParsedFile, Option<ToolError>) {
    let (base, body_text) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, text),
    };
    let loc = Loc { file, base };
    if is_json_name(name) {
        return match crate::parse::json::parse(body_text, file) {
            Ok(node) => {
                // The JSON front end saw the text without the BOM: shift its spans.
                let node = if base == 0 {
                    node
                } else {
                    shift_node(node, base)
                };
                (
                    ParsedFile {
                        loc,
                        content: Content::Json(node),
                    },
                    None,
                )
            }
            Err(e) => {
                let span = Span::new(
                    file,
                    e.span.start as usize + base,
                    e.span.end as usize + base,
                );
                let err = ToolError::new(span, "parse-error", e.message);
                (
                    ParsedFile {
                        loc,
                        content: Content::Failed,
                    },
                    Some(err),
                )
            }
        };
    }
    match crate::parse::hcl::parse_body(body_text) {
        Ok(body) => (
            ParsedFile {
                loc,
                content: Content::Hcl(body),
            },
            None,
        ),
        Err(e) => {
            let off = e.offset.min(body_text.len());
            let end = body_text
                .get(off..)
                .and_then(|s| s.chars().next())
                .map(|c| off + c.len_utf8())
                .unwrap_or(off);
            let err = ToolError::new(Span::new(file, off + base, end + base), e.code, e.message);
            (
                ParsedFile {
                    loc,
                    content: Content::Failed,
                },
                Some(err),
            )
        }
    }
}

/// Adds `by` to every span of a JSON tree (iteratively).
fn shift_node(mut node: Node, by: usize) -> Node {
    let by = u32::try_from(by).unwrap_or(0);
    let mut stack: Vec<&mut Node> = vec![&mut node];
    while let Some(n) = stack.pop() {
        n.span.start += by;
        n.span.end += by;
        match &mut n.kind {
            NodeKind::Seq(items) => stack.extend(items.iter_mut()),
            NodeKind::Map(entries) => {
                for e in entries.iter_mut() {
                    e.key_span.start += by;
                    e.key_span.end += by;
                    stack.push(&mut e.value);
                }
            }
            _ => {}
        }
    }
    node
}

/// The header span of a block: identifier start to last label end.
pub(crate) fn block_header(block: &Block, loc: Loc) -> Span {
    let ident = loc.span_of(block.ident.span());
    match block.labels.last().and_then(|l| l.span()) {
        Some(r) => Span::new(loc.file, ident.start as usize, r.end + loc.base),
        None => ident,
    }
}

/// A reference to an expression in either syntax.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ex<'a> {
    /// An HCL expression.
    Hcl(&'a Expression, Loc),
    /// A JSON value (strings are templates).
    Json(&'a Node),
}

impl Ex<'_> {
    /// Where the expression is written.
    pub fn span(&self) -> Span {
        match self {
            Ex::Hcl(e, loc) => loc.span_of(hcl_edit::Span::span(*e)),
            Ex::Json(n) => n.span,
        }
    }

    /// `Y` when the expression is exactly `var.Y` (HCL syntax, or a JSON string `"${var.Y}"`).
    pub fn bare_var(&self) -> Option<String> {
        let text = match self {
            Ex::Hcl(hcl_edit::expr::Expression::Traversal(t), _) => {
                let hcl_edit::expr::Expression::Variable(v) = &t.expr else {
                    return None;
                };
                let [op] = t.operators.as_slice() else {
                    return None;
                };
                return match (v.as_str(), op.value()) {
                    ("var", hcl_edit::expr::TraversalOperator::GetAttr(y)) => {
                        Some(y.as_str().to_string())
                    }
                    _ => None,
                };
            }
            Ex::Json(n) => n.as_str()?,
            Ex::Hcl(..) => return None,
        };
        let y = text.strip_prefix("${var.")?.strip_suffix('}')?;
        y.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            .then(|| y.to_string())
    }
}

/// A reference to a block body in either syntax.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Bd<'a> {
    /// An HCL body.
    Hcl(&'a Body, Loc),
    /// A JSON object (or an array of objects, for repeated blocks).
    Json(&'a Node),
}

impl<'a> Bd<'a> {
    /// The attribute `name`, if written.
    pub fn attr(&self, name: &str) -> Option<Ex<'a>> {
        match self {
            Bd::Hcl(b, loc) => b.get_attribute(name).map(|a| Ex::Hcl(&a.value, *loc)),
            Bd::Json(n) => json_objects(n).find_map(|o| o.get(name)).map(Ex::Json),
        }
    }

    /// The nested blocks named `name`, with their header spans.
    pub fn blocks(&self, name: &str) -> Vec<(Bd<'a>, Span)> {
        match self {
            Bd::Hcl(b, loc) => b
                .blocks()
                .filter(|blk| blk.ident.as_str() == name)
                .map(|blk| (Bd::Hcl(&blk.body, *loc), block_header(blk, *loc)))
                .collect(),
            Bd::Json(n) => {
                let mut out = Vec::new();
                for o in json_objects(n) {
                    for e in o.entries().iter().filter(|e| e.key == name) {
                        for v in json_objects(&e.value) {
                            out.push((Bd::Json(v), e.key_span));
                        }
                    }
                }
                out
            }
        }
    }
}

/// The objects of a JSON value: itself when it is an object, its object items when it is an
/// array (Terraform JSON syntax allows both for blocks).
pub(crate) fn json_objects(n: &Node) -> impl Iterator<Item = &Node> {
    let items: Vec<&Node> = match &n.kind {
        NodeKind::Map(_) => vec![n],
        NodeKind::Seq(items) => items.iter().filter(|i| i.is_map()).collect(),
        _ => Vec::new(),
    };
    items.into_iter()
}

/// A top-level block of a file, in either syntax, with its labels.
#[derive(Debug)]
pub(crate) struct TopBlock<'a> {
    /// The block type (`resource`, `variable`, …).
    pub kind: &'a str,
    /// Its labels.
    pub labels: Vec<&'a str>,
    /// Header span.
    pub header: Span,
    /// The whole block (for suppression line ranges).
    pub whole: Span,
    /// Its body.
    pub body: Bd<'a>,
}

/// The top-level blocks of a file. `locals` blocks come out once per block with no labels.
/// Blocks whose label count is wrong are reported as `invalid-block`.
pub(crate) fn top_blocks<'a>(f: &'a ParsedFile, errors: &mut Vec<ToolError>) -> Vec<TopBlock<'a>> {
    let mut out = Vec::new();
    match &f.content {
        Content::Failed => {}
        Content::Hcl(body) => {
            for s in body.iter() {
                let Structure::Block(b) = s else { continue };
                let kind = b.ident.as_str();
                let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                let header = block_header(b, f.loc);
                let want = match kind {
                    "resource" | "data" => Some(2),
                    "variable" | "output" | "module" => Some(1),
                    "locals" | "terraform" => Some(0),
                    _ => None,
                };
                if let Some(n) = want {
                    if labels.len() != n {
                        errors.push(ToolError {
                            span: header,
                            code: "invalid-block",
                            message: format!(
                                "a `{kind}` block needs {n} label{}, found {}",
                                if n == 1 { "" } else { "s" },
                                labels.len()
                            ),
                            related: None,
                        });
                        continue;
                    }
                }
                let whole = f.loc.span(b.span(), header);
                out.push(TopBlock {
                    kind,
                    labels,
                    header,
                    whole,
                    body: Bd::Hcl(&b.body, f.loc),
                });
            }
        }
        Content::Json(root) => {
            for e in root.entries() {
                let kind = e.key.as_str();
                let depth = match kind {
                    "resource" | "data" => 2,
                    "variable" | "output" | "module" | "provider" => 1,
                    "locals" => 0,
                    _ => continue,
                };
                json_labeled(kind, &e.value, depth, &mut Vec::new(), e.key_span, &mut out);
            }
        }
    }
    out
}

/// Collects JSON-syntax blocks: `depth` levels of label objects, then the body.
fn json_labeled<'a>(
    kind: &'a str,
    n: &'a Node,
    depth: usize,
    labels: &mut Vec<&'a str>,
    header: Span,
    out: &mut Vec<TopBlock<'a>>,
) {
    if depth == 0 {
        for o in json_objects(n) {
            out.push(TopBlock {
                kind,
                labels: labels.clone(),
                header,
                whole: o.span,
                body: Bd::Json(o),
            });
        }
        return;
    }
    for o in json_objects(n) {
        for e in o.entries() {
            labels.push(&e.key);
            json_labeled(kind, &e.value, depth - 1, labels, e.key_span, out);
            labels.pop();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_errors_are_located() {
        let (f, err) = parse_file(0, "main.tf", "\u{feff}resource \"a\" \"b\" {}\n");
        assert!(err.is_none());
        let blocks = top_blocks(&f, &mut Vec::new());
        assert_eq!(blocks[0].header.start, 3);
        let (_, err) = parse_file(0, "main.tf", "\u{feff}x = \n");
        let err = err.unwrap();
        assert_eq!(err.code, "parse-error");
        assert!(err.span.start >= 3);
    }

    #[test]
    fn missing_labels_are_invalid_blocks() {
        let (f, _) = parse_file(0, "main.tf", "resource \"aws_s3_bucket\" {}\n");
        let mut errors = Vec::new();
        assert!(top_blocks(&f, &mut errors).is_empty());
        assert_eq!(errors[0].code, "invalid-block");
    }

    #[test]
    fn json_syntax_blocks() {
        let text = r#"{"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}, "locals": {"a": 1}}"#;
        let (f, err) = parse_file(0, "main.tf.json", text);
        assert!(err.is_none());
        let blocks = top_blocks(&f, &mut Vec::new());
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].labels, vec!["aws_s3_bucket", "b"]);
        assert!(blocks[0].body.attr("bucket").is_some());
    }
}
