//! YAML into the span tree ([`crate::tree::Node`]), built from granit-parser events.
//!
//! The builder is iterative (an explicit stack of open collections), caps nesting at
//! [`MAX_DEPTH`] levels, expands aliases under a total node budget ([`NODE_BUDGET`]) so a
//! "billion laughs" document fails fast, keeps duplicate keys, and records byte-offset spans.
//! A tagged node's span starts at its tag; `Node::tag` holds the local tag without `!`
//! (`Ref`, `GetAtt`, `Sub`, …). Standard `!!` tags are not kept (`!!str` forces a string).

use crate::source::{FileId, Span};
use crate::tree::{Entry, Node, NodeKind, TreeError};
use granit_parser::{Event, Marker, Parser, ScalarStyle, StructureStyle, Tag};
use std::collections::HashMap;

/// Deepest nesting of collections accepted (including nesting added by aliases).
pub const MAX_DEPTH: usize = 128;

/// Most nodes a stream may produce, counting every node copied by alias expansion.
pub const NODE_BUDGET: usize = 1_000_000;

/// Work budget for copying anchored nodes (each anchor keeps a copy of its subtree).
const ANCHOR_COPY_BUDGET: usize = 4_000_000;

/// What a finished node carries up to its parent.
struct Built {
    node: Node,
    /// Number of nodes in the subtree.
    count: usize,
    /// Collection levels inside the subtree (0 for a scalar).
    height: usize,
    /// The raw scalar text, for use as a mapping key.
    key_text: Option<String>,
}

enum Kind {
    Seq(Vec<Node>),
    Map(Vec<Entry>, Option<(String, Span)>),
}

struct Frame {
    start: usize,
    tag: Option<String>,
    anchor: usize,
    block: bool,
    last_end: usize,
    count: usize,
    height: usize,
    kind: Kind,
}

struct Builder<'a> {
    text: &'a str,
    file: FileId,
    frames: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize, usize)>,
    total: usize,
    anchor_work: usize,
    doc_root: Option<Node>,
    docs: Vec<Node>,
}

/// Parses a YAML stream into its documents (an empty stream gives no documents).
pub fn parse(text: &str, file: FileId) -> Result<Vec<Node>, TreeError> {
    let options = granit_parser::options! {
        emit_comments: false,
        block_nesting_limit: MAX_DEPTH + 2,
        flow_nesting_limit: MAX_DEPTH + 2,
    };
    let mut b = Builder {
        text,
        file,
        frames: Vec::new(),
        anchors: HashMap::new(),
        total: 0,
        anchor_work: 0,
        doc_root: None,
        docs: Vec::new(),
    };
    for item in Parser::new_from_str_with_options(text, options) {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) => {
                let at = b.offset(e.marker());
                let message = match e.kind() {
                    granit_parser::ErrorKind::RecursionLimitExceeded => depth_message(),
                    _ => e.info(),
                };
                return Err(b.error(at, message));
            }
        };
        let start = b.offset(&span.start);
        let end = b.offset(&span.end);
        let node_start = span
            .tag_span()
            .map(|t| b.offset(&t.start))
            .unwrap_or(start)
            .min(start);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                b.doc_root = None;
                b.anchors.clear();
            }
            Event::DocumentEnd => {
                let root = b.doc_root.take().unwrap_or(Node {
                    span: Span::new(file, start, start),
                    tag: None,
                    kind: NodeKind::Null,
                });
                b.docs.push(root);
            }
            Event::Alias(id) => b.alias(id, start, end)?,
            Event::UnresolvedAlias(name) => {
                return Err(b.error(start, format!("unknown alias `*{name}`")));
            }
            Event::Scalar(value, style, anchor, tag) => {
                b.count_node(start)?;
                let tag = tag.as_deref();
                let as_key = matches!(
                    b.frames.last(),
                    Some(Frame {
                        kind: Kind::Map(_, None),
                        ..
                    })
                );
                // A plain key needs only its text; other scalars need only their value.
                let (kind, key_text) = match (as_key, anchor) {
                    (true, 0) => (NodeKind::Null, Some(value.into_owned())),
                    (true, _) => (resolve_scalar(&value, style, tag), Some(value.into_owned())),
                    (false, _) => (resolve_scalar(&value, style, tag), None),
                };
                let node = Node {
                    span: Span::new(file, node_start, end),
                    tag: tag.and_then(custom_tag),
                    kind,
                };
                b.remember(anchor, &node, 1, 0, start)?;
                b.deliver(Built {
                    node,
                    count: 1,
                    height: 0,
                    key_text,
                })?;
            }
            Event::SequenceStart(style, anchor, tag) => {
                b.open(
                    start,
                    node_start,
                    style,
                    anchor,
                    tag.as_deref(),
                    Kind::Seq(Vec::new()),
                )?;
            }
            Event::MappingStart(style, anchor, tag) => {
                b.open(
                    start,
                    node_start,
                    style,
                    anchor,
                    tag.as_deref(),
                    Kind::Map(Vec::new(), None),
                )?;
            }
            Event::SequenceEnd | Event::MappingEnd => b.close(start, end)?,
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
    Ok(b.docs)
}

impl Builder<'_> {
    /// An alias: a copy of its anchor's node (bounded by the depth and node budgets).
    fn alias(&mut self, id: usize, start: usize, end: usize) -> Result<(), TreeError> {
        let Some((node, count, height)) = self.anchors.get(&id) else {
            return Err(self.error(start, "alias to an anchor that is not complete".into()));
        };
        let (count, height) = (*count, *height);
        if self.frames.len() + height > MAX_DEPTH {
            return Err(self.error(start, depth_message()));
        }
        self.total = self.total.saturating_add(count);
        if self.total > NODE_BUDGET {
            return Err(self.error(
                start,
                format!("alias expansion exceeds the budget of {NODE_BUDGET} nodes"),
            ));
        }
        let mut node = node.clone();
        node.span = Span::new(self.file, start, end);
        let key_text = scalar_key_text(&node);
        self.deliver(Built {
            node,
            count,
            height,
            key_text,
        })?;
        Ok(())
    }

    /// The end of a sequence or mapping: its frame becomes a node.
    fn close(&mut self, start: usize, end: usize) -> Result<(), TreeError> {
        let Some(frame) = self.frames.pop() else {
            return Err(self.error(start, "unbalanced collection end".into()));
        };
        let end = if frame.block { frame.last_end } else { end }.max(frame.start);
        let kind = match frame.kind {
            Kind::Seq(items) => NodeKind::Seq(items),
            Kind::Map(entries, pending) => {
                if let Some((_, key_span)) = pending {
                    return Err(
                        self.error(key_span.start as usize, "mapping key without value".into())
                    );
                }
                NodeKind::Map(expand_merge_keys(entries).map_err(|at| {
                    self.error(
                        at,
                        "a merge key `<<` needs a mapping or a list of mappings".into(),
                    )
                })?)
            }
        };
        let node = Node {
            span: Span::new(self.file, frame.start, end),
            tag: frame.tag,
            kind,
        };
        let height = frame.height + 1;
        self.remember(frame.anchor, &node, frame.count, height, frame.start)?;
        self.deliver(Built {
            node,
            count: frame.count,
            height,
            key_text: None,
        })?;
        Ok(())
    }
}

fn depth_message() -> String {
    format!("nesting deeper than {MAX_DEPTH} levels")
}

impl Builder<'_> {
    fn offset(&self, m: &Marker) -> usize {
        match m.byte_offset() {
            Some(o) => o,
            None => self
                .text
                .char_indices()
                .nth(m.index())
                .map(|(i, _)| i)
                .unwrap_or(self.text.len()),
        }
    }

    fn error(&self, at: usize, message: String) -> TreeError {
        TreeError {
            span: Span::new(self.file, at, at),
            message,
        }
    }

    fn count_node(&mut self, at: usize) -> Result<(), TreeError> {
        self.total = self.total.saturating_add(1);
        if self.total > NODE_BUDGET {
            return Err(self.error(at, format!("document has more than {NODE_BUDGET} nodes")));
        }
        Ok(())
    }

    fn open(
        &mut self,
        start: usize,
        node_start: usize,
        style: StructureStyle,
        anchor: usize,
        tag: Option<&Tag>,
        kind: Kind,
    ) -> Result<(), TreeError> {
        if matches!(
            self.frames.last(),
            Some(Frame {
                kind: Kind::Map(_, None),
                ..
            })
        ) {
            return Err(self.error(
                start,
                "complex (non-scalar) mapping keys are not supported".into(),
            ));
        }
        if self.frames.len() >= MAX_DEPTH {
            return Err(self.error(start, depth_message()));
        }
        self.count_node(start)?;
        self.frames.push(Frame {
            start: node_start,
            tag: tag.and_then(custom_tag),
            anchor,
            block: style == StructureStyle::Block,
            last_end: start,
            count: 1,
            height: 0,
            kind,
        });
        Ok(())
    }

    fn remember(
        &mut self,
        anchor: usize,
        node: &Node,
        count: usize,
        height: usize,
        at: usize,
    ) -> Result<(), TreeError> {
        if anchor == 0 {
            return Ok(());
        }
        self.anchor_work = self.anchor_work.saturating_add(count);
        if self.anchor_work > ANCHOR_COPY_BUDGET {
            return Err(self.error(at, "too much anchored content".into()));
        }
        self.anchors.insert(anchor, (node.clone(), count, height));
        Ok(())
    }

    fn deliver(&mut self, built: Built) -> Result<(), TreeError> {
        let Some(frame) = self.frames.last_mut() else {
            self.doc_root = Some(built.node);
            return Ok(());
        };
        frame.count = frame.count.saturating_add(built.count);
        frame.height = frame.height.max(built.height);
        frame.last_end = frame.last_end.max(built.node.span.end as usize);
        match &mut frame.kind {
            Kind::Seq(items) => items.push(built.node),
            Kind::Map(entries, pending) => match pending.take() {
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: built.node,
                }),
                None => match built.key_text {
                    Some(k) => *pending = Some((k, built.node.span)),
                    None => {
                        let at = built.node.span.start as usize;
                        return Err(self.error(
                            at,
                            "complex (non-scalar) mapping keys are not supported".into(),
                        ));
                    }
                },
            },
        }
        Ok(())
    }
}

/// Expands YAML merge keys (`<<: *base` or `<<: [*a, *b]`): the merged mappings' entries are
/// added unless the mapping has the key itself; with a list, earlier mappings win. The merged
/// entries keep their spans (where they were written). Work is bounded by the merged content,
/// which the alias expansion has already counted against [`NODE_BUDGET`]. On a value that is
/// not a mapping, returns the offset of that value.
fn expand_merge_keys(entries: Vec<Entry>) -> Result<Vec<Entry>, usize> {
    if !entries.iter().any(|e| e.key == "<<") {
        return Ok(entries);
    }
    let mut own = Vec::with_capacity(entries.len());
    let mut merged: Vec<Node> = Vec::new();
    for e in entries {
        if e.key != "<<" {
            own.push(e);
            continue;
        }
        match e.value.kind {
            NodeKind::Map(_) => merged.push(e.value),
            NodeKind::Seq(items) => {
                for i in items {
                    if !i.is_map() {
                        return Err(i.span.start as usize);
                    }
                    merged.push(i);
                }
            }
            _ => return Err(e.value.span.start as usize),
        }
    }
    let mut seen: std::collections::HashSet<String> = own.iter().map(|e| e.key.clone()).collect();
    let mut out = own;
    for m in merged {
        if let NodeKind::Map(from) = m.kind {
            for e in from {
                if seen.insert(e.key.clone()) {
                    out.push(e);
                }
            }
        }
    }
    Ok(out)
}

/// The key text of an aliased scalar node.
fn scalar_key_text(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(s) | NodeKind::Number(s) => Some(s.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        NodeKind::Null => Some(String::new()),
        _ => None,
    }
}

/// The tag kept on a node: a local `!Name` tag without its `!`; standard tags are dropped.
fn custom_tag(tag: &Tag) -> Option<String> {
    if tag.is_yaml_core_schema() || tag.suffix_in_namespace("tag:yaml.org,2002:").is_some() {
        return None;
    }
    if tag.handle() == "!" {
        return Some(tag.suffix().to_string());
    }
    Some(tag.original().trim_start_matches('!').to_string())
}

fn resolve_scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> NodeKind {
    if let Some(core) = tag.and_then(|t| t.core_suffix()) {
        match core {
            "str" => return NodeKind::String(value.to_string()),
            "null" => return NodeKind::Null,
            _ => {}
        }
    }
    if style != ScalarStyle::Plain {
        return NodeKind::String(value.to_string());
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        _ if is_number(value) => NodeKind::Number(value.to_string()),
        _ => NodeKind::String(value.to_string()),
    }
}

/// YAML 1.2 core-schema int or float.
fn is_number(s: &str) -> bool {
    if let Some(h) = s.strip_prefix("0x") {
        return !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(o) = s.strip_prefix("0o") {
        return !o.is_empty() && o.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i).unwrap_or(""), body.get(i + 1..)),
        None => (body, None),
    };
    if let Some(exp) = exp {
        let digits = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    match frac {
        None => !int.is_empty() && all_digits(int),
        Some(f) => (!int.is_empty() || !f.is_empty()) && all_digits(int) && all_digits(f),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
#[path = "yaml_tests.rs"]
mod tests;
