//! Small conversions every stage needs on values: one JSON-tree conversion and one number
//! format, instead of a copy per adapter.

use super::{Attr, Val, ValKind};
use crate::source::Span;
use crate::tree::{Entry, Node, NodeKind};

/// A number as Terraform and CloudFormation print it: whole numbers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether the text of a number literal says more than the number's own text: trailing zeros
/// after a decimal point (`1.30`, `2.0`), which a version keeps and a number drops.
pub fn literal_says_more(text: &str) -> bool {
    text.contains('.') && text.ends_with('0') && !text.contains(['e', 'E'])
}

impl Val {
    /// Gives every value and key inside this one the span `span` (a value decoded from a string,
    /// or a parameter's value placed at the reference to it, has no finer location).
    pub fn respan_all(&mut self, span: Span) {
        let mut stack: Vec<&mut Val> = vec![self];
        while let Some(x) = stack.pop() {
            x.span = span;
            match &mut x.kind {
                ValKind::List(items) => stack.extend(items.iter_mut()),
                ValKind::Map(attrs) => {
                    for a in attrs.iter_mut() {
                        a.key_span = span;
                        stack.push(&mut a.value);
                    }
                }
                ValKind::Choice { options, .. } => stack.extend(options.iter_mut()),
                _ => {}
            }
        }
    }

    /// A JSON tree (parsed from a string value) as a value; every span is `span` (offsets inside
    /// a decoded string do not map back to the file).
    pub fn from_tree(n: &Node, span: Span) -> Val {
        // Post-order conversion with an explicit stack (the tree is at most 512 deep).
        enum W<'n> {
            Visit(&'n Node),
            Seq(usize),
            Map(&'n [Entry]),
        }
        let mut work = vec![W::Visit(n)];
        let mut done: Vec<Val> = Vec::new();
        while let Some(w) = work.pop() {
            match w {
                W::Visit(n) => match &n.kind {
                    NodeKind::Null => done.push(Val::new(span, ValKind::Null)),
                    NodeKind::Bool(b) => done.push(Val::new(span, ValKind::Bool(*b))),
                    NodeKind::Number(x) => done.push(Val::new(
                        span,
                        x.parse()
                            .map(ValKind::Number)
                            .unwrap_or_else(|_| ValKind::String(x.clone())),
                    )),
                    NodeKind::String(x) => done.push(Val::new(span, ValKind::String(x.clone()))),
                    NodeKind::Seq(items) => {
                        work.push(W::Seq(items.len()));
                        work.extend(items.iter().rev().map(W::Visit));
                    }
                    NodeKind::Map(entries) => {
                        work.push(W::Map(entries));
                        work.extend(entries.iter().rev().map(|e| W::Visit(&e.value)));
                    }
                },
                W::Seq(len) => {
                    let items = done.split_off(done.len().saturating_sub(len));
                    done.push(Val::new(span, ValKind::List(items)));
                }
                W::Map(entries) => {
                    let vals = done.split_off(done.len().saturating_sub(entries.len()));
                    let attrs = entries
                        .iter()
                        .zip(vals)
                        .map(|(e, value)| Attr {
                            key: e.key.clone(),
                            key_span: span,
                            value,
                        })
                        .collect();
                    done.push(Val::new(span, ValKind::Map(attrs)));
                }
            }
        }
        done.pop().unwrap_or_else(|| Val::new(span, ValKind::Null))
    }
}
