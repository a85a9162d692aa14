//! Strict JSON into the span tree ([`crate::tree::Node`]), through jsonc-parser with every
//! leniency switched off. Used for JSON templates, `.tf.json`, `.tfvars.json` and parameter
//! files. Nesting is bounded by the parser (512 levels), so hostile input cannot overflow the
//! stack here; the conversion below is iterative for the same reason.

use crate::source::{FileId, Span};
use crate::tree::{Entry, Node, NodeKind, TreeError};
use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

/// Parses strict JSON text into a span tree.
pub fn parse(text: &str, file: FileId) -> Result<Node, TreeError> {
    let parse_options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        ..ParseOptions::default()
    };
    let collect = CollectOptions::default();
    let parsed =
        jsonc_parser::parse_to_ast(text, &collect, &parse_options).map_err(|e| TreeError {
            span: Span::new(file, e.range().start, e.range().end),
            message: e.kind().to_string(),
        })?;
    let Some(value) = parsed.value else {
        return Err(TreeError {
            span: Span::new(file, 0, 0),
            message: "empty JSON document".to_string(),
        });
    };
    Ok(convert(value, file))
}

fn convert(value: Value<'_>, file: FileId) -> Node {
    // Iterative post-order conversion: a frame is a container being filled.
    enum Frame {
        Seq(Span, Vec<Node>),
        Map(Span, Vec<Entry>),
    }
    enum Work<'a> {
        Visit(Value<'a>, Option<(String, Span)>),
        Close(Option<(String, Span)>),
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut work = vec![Work::Visit(value, None)];
    let mut result: Option<Node> = None;

    fn push(frames: &mut [Frame], result: &mut Option<Node>, key: Option<(String, Span)>, n: Node) {
        match (frames.last_mut(), key) {
            (Some(Frame::Seq(_, items)), _) => items.push(n),
            (Some(Frame::Map(_, entries)), Some((key, key_span))) => entries.push(Entry {
                key,
                key_span,
                value: n,
            }),
            (Some(Frame::Map(_, _)), None) => {}
            (None, _) => *result = Some(n),
        }
    }

    while let Some(w) = work.pop() {
        match w {
            Work::Visit(v, key) => {
                let r = v.range();
                let span = Span::new(file, r.start, r.end);
                let leaf = |kind| Node {
                    span,
                    tag: None,
                    kind,
                };
                match v {
                    Value::StringLit(s) => push(
                        &mut frames,
                        &mut result,
                        key,
                        leaf(NodeKind::String(s.value.into_owned())),
                    ),
                    Value::NumberLit(n) => push(
                        &mut frames,
                        &mut result,
                        key,
                        leaf(NodeKind::Number(n.value.to_string())),
                    ),
                    Value::BooleanLit(b) => {
                        push(&mut frames, &mut result, key, leaf(NodeKind::Bool(b.value)))
                    }
                    Value::NullKeyword(_) => {
                        push(&mut frames, &mut result, key, leaf(NodeKind::Null))
                    }
                    Value::Array(a) => {
                        frames.push(Frame::Seq(span, Vec::with_capacity(a.elements.len())));
                        work.push(Work::Close(key));
                        for el in a.elements.into_iter().rev() {
                            work.push(Work::Visit(el, None));
                        }
                    }
                    Value::Object(o) => {
                        frames.push(Frame::Map(span, Vec::with_capacity(o.properties.len())));
                        work.push(Work::Close(key));
                        for p in o.properties.into_iter().rev() {
                            let nr = p.name.range();
                            let name = match p.name {
                                ObjectPropName::String(s) => s.value.into_owned(),
                                ObjectPropName::Word(w) => w.value.to_string(),
                            };
                            work.push(Work::Visit(
                                p.value,
                                Some((name, Span::new(file, nr.start, nr.end))),
                            ));
                        }
                    }
                }
            }
            Work::Close(key) => {
                let node = match frames.pop() {
                    Some(Frame::Seq(span, items)) => Node {
                        span,
                        tag: None,
                        kind: NodeKind::Seq(items),
                    },
                    Some(Frame::Map(span, entries)) => Node {
                        span,
                        tag: None,
                        kind: NodeKind::Map(entries),
                    },
                    None => continue,
                };
                push(&mut frames, &mut result, key, node);
            }
        }
    }
    result.unwrap_or(Node {
        span: Span::file_start(file),
        tag: None,
        kind: NodeKind::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_and_value_spans_and_duplicates() {
        let text = r#"{"a": {"b": true, "b": 2}}"#;
        let n = parse(text, 0).unwrap();
        let a = n.get("a").unwrap();
        assert_eq!(a.entries().len(), 2);
        let b = &a.entries()[0];
        assert_eq!(
            &text[b.key_span.start as usize..b.key_span.end as usize],
            "\"b\""
        );
        assert_eq!(b.value.kind, NodeKind::Bool(true));
        assert_eq!(crate::tree::duplicate_keys(&n).len(), 1);
    }

    #[test]
    fn rejects_comments_and_deep_nesting_without_crashing() {
        assert!(parse("{// x\n}", 0).is_err());
        let deep = "[".repeat(100_000);
        assert!(parse(&deep, 0).is_err());
    }
}
