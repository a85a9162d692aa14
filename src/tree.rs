//! The span tree shared by the YAML and JSON front ends (CloudFormation templates, `.tf.json`,
//! `.tfvars.json`, parameter files).
//!
//! Mappings keep their entries in source order as a `Vec`, so duplicate keys survive parsing and
//! can be reported with both locations. YAML tags (`!Ref`, `!GetAtt`, …) stay on the node.

use crate::source::Span;

/// A node of a parsed YAML or JSON document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's span; for a tagged YAML node it starts at the tag.
    pub span: Span,
    /// The YAML tag without its leading `!` (e.g. `Ref`, `GetAtt`), if any.
    pub tag: Option<String>,
    /// The node's content.
    pub kind: NodeKind,
}

/// Content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// A boolean (`true`/`false`; YAML plain `True`/`FALSE` too).
    Bool(bool),
    /// A number, kept as written.
    Number(String),
    /// A string (quoted, or a plain YAML scalar that is not a bool, null or number).
    String(String),
    /// A sequence / array.
    Seq(Vec<Node>),
    /// A mapping / object, in source order (duplicates kept).
    Map(Vec<Entry>),
}

/// One key/value pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key text.
    pub key: String,
    /// The key's span.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The entries of a mapping, or an empty slice.
    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Map(e) => e,
            _ => &[],
        }
    }

    /// The first entry with this key in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| e.key == key)
    }

    /// The value of the first entry with this key in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The string content of a scalar string node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this node is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map(_))
    }
}

/// A located parse error of the YAML or JSON front end.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeError {
    /// Where the error is.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Mappings up to this many entries are checked for duplicates by direct comparison.
const SMALL_MAP: usize = 16;

/// Pairs of spans of keys that occur twice in one mapping (first, duplicate), found anywhere in
/// the tree.
pub fn duplicate_keys(root: &Node) -> Vec<(String, Span, Span)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.kind {
            // Most mappings are small: compare with the earlier keys directly, without a hash map
            // (a per-mapping HashMap cost about 2.5 % of a whole-corpus run).
            NodeKind::Map(entries) if entries.len() <= SMALL_MAP => {
                for (i, e) in entries.iter().enumerate() {
                    let earlier = entries.get(..i).unwrap_or_default();
                    if let Some(first) = earlier.iter().find(|f| f.key == e.key) {
                        out.push((e.key.clone(), first.key_span, e.key_span));
                    }
                    stack.push(&e.value);
                }
            }
            NodeKind::Map(entries) => {
                let mut seen: foldhash::HashMap<&str, Span> = Default::default();
                for e in entries {
                    if let Some(first) = seen.get(e.key.as_str()) {
                        out.push((e.key.clone(), *first, e.key_span));
                    } else {
                        seen.insert(&e.key, e.key_span);
                    }
                    stack.push(&e.value);
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    out.sort_by_key(|d| d.2);
    out
}
