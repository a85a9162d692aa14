//! `count` and `for_each` on resources and module calls: whether any instance exists, and what
//! `count.index`, `each.key` and `each.value` are.
//!
//! srm-lint reports one resource per block (not one per instance). When the collection is known,
//! `each.key` / `each.value` / `count.index` are bound to a [`ValKind::Choice`] over the instances'
//! values, collapsed to a plain value wherever every instance agrees. So `each.value.encrypted`
//! is known when all instances set the same value, and otherwise a choice: the duty is addressed
//! when every instance addresses it, unaddressed when none does, and `unverified` (naming
//! `each.key`) when instances differ. A choice never counts as proof for the instances it does
//! not cover.

use super::eval::{as_num, known_eq, not_known, Evaluator, Scope};
use super::hcl::Bd;
use crate::model::{Attr, Val, ValKind};
use crate::source::Span;

/// Most instances whose values are tracked one by one.
const MAX_INSTANCES: usize = 256;

/// What `count` / `for_each` say about a block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Repeat {
    /// False when the block is known to create no instance (`count = 0`, empty `for_each`).
    pub none: bool,
    /// The scope with `count` / `each` bound (empty when nothing is known about them).
    pub scope: Scope,
    /// A note for the user when the instances are not known.
    pub note: Option<String>,
    /// Why the block may create no instance, when srm-lint cannot tell ("exists only if …").
    pub maybe: Option<String>,
}

/// A choice over values, or the single value when every option is the same.
pub(crate) fn choice_of(condition: &str, options: Vec<Val>, span: Span) -> Val {
    let same = options
        .split_first()
        .is_some_and(|(first, rest)| rest.iter().all(|o| known_eq(first, o) == Some(true)));
    if same {
        if let Some(first) = options.into_iter().next() {
            return first;
        }
        return Val::new(span, ValKind::Null);
    }
    Val::new(
        span,
        ValKind::Choice {
            condition: condition.to_string(),
            options,
            scenarios: Vec::new(),
            members: Vec::new(),
        },
    )
}

fn map(span: Span, attrs: Vec<(&str, Val)>) -> Val {
    Val::new(
        span,
        ValKind::Map(
            attrs
                .into_iter()
                .map(|(k, v)| Attr {
                    key: k.to_string(),
                    key_span: v.span,
                    value: v,
                })
                .collect(),
        ),
    )
}

impl<'a> Evaluator<'a> {
    /// Evaluates the `count` and `for_each` of a block body of instance `inst`.
    pub fn repeat(&self, inst: usize, scope: &Scope, body: Bd<'a>, header: Span) -> Repeat {
        let mut out = Repeat {
            scope: scope.clone(),
            ..Default::default()
        };
        if let Some(c) = body.attr("count") {
            let v = self.eval(inst, scope, c);
            out.maybe = maybe_zero(&v);
            match count_of(&v) {
                Some(0) => out.none = true,
                Some(n) => {
                    let n = as_num(&v).map(|_| n);
                    if let Some(n) = n.filter(|n| *n as usize <= MAX_INSTANCES) {
                        let idx: Vec<Val> = (0..n)
                            .map(|i| Val::new(v.span, ValKind::Number(i as f64)))
                            .collect();
                        let index = choice_of("count.index", idx, v.span);
                        out.scope = out.scope.with("count", map(header, vec![("index", index)]));
                    }
                }
                None => {
                    out.note = Some(format!(
                        "count is not known ({}); the resource is checked as if it exists",
                        not_known(&v).unwrap_or_else(|| "not a number".into())
                    ))
                }
            }
        }
        if let Some(fe) = body.attr("for_each") {
            let v = self.eval(inst, scope, fe);
            let pairs: Option<Vec<(Val, Val)>> = match &v.kind {
                ValKind::List(l) => Some(l.iter().map(|x| (x.clone(), x.clone())).collect()),
                ValKind::Map(m) => Some(
                    m.iter()
                        .map(|a| {
                            let k = Val::new(a.key_span, ValKind::String(a.key.clone()));
                            (k, a.value.clone())
                        })
                        .collect(),
                ),
                _ => None,
            };
            match pairs {
                Some(p) if p.is_empty() => out.none = true,
                Some(p) if p.len() <= MAX_INSTANCES => {
                    let (keys, values): (Vec<Val>, Vec<Val>) = p.into_iter().unzip();
                    let names: Vec<String> = keys
                        .iter()
                        .take(5)
                        .map(|k| super::eval::to_text(k).unwrap_or_else(|_| "?".into()))
                        .collect();
                    let more = if keys.len() > 5 { ", …" } else { "" };
                    out.note = Some(format!(
                        "for_each creates {} instance(s) ({}{more}); they are checked together, and a value that differs between them is checked as alternatives (each.key)",
                        keys.len(),
                        names.join(", ")
                    ));
                    let key = choice_of("each.key", keys, v.span);
                    let value = choice_of("each.key", values, v.span);
                    out.scope = out
                        .scope
                        .with("each", map(header, vec![("key", key), ("value", value)]));
                }
                Some(_) => out.note = Some(
                    "for_each has too many instances to track; each.key and each.value are unknown"
                        .into(),
                ),
                None => {
                    let why = not_known(&v).unwrap_or_else(|| "not a map or set".into());
                    out.maybe = Some(format!(
                        "exists only if `for_each` is not empty, and it is not known ({why})"
                    ));
                    out.note = Some(format!(
                        "for_each is not known ({why}); the resource is checked once"
                    ))
                }
            }
        }
        out
    }
}

/// Why a `count` value may be zero, when srm-lint cannot tell: a choice with a zero branch, or
/// a value it cannot resolve. `None` when the count is known (zero or not) or every branch is
/// non-zero.
fn maybe_zero(v: &Val) -> Option<String> {
    match &v.kind {
        ValKind::Choice {
            condition, options, ..
        } => {
            let counts: Vec<Option<u64>> = options.iter().map(count_of).collect();
            if counts.iter().all(|c| *c == Some(0)) || !counts.contains(&Some(0)) {
                return counts.iter().any(Option::is_none).then(|| {
                    format!("exists only if its `count` is not zero, and `{condition}` decides it")
                });
            }
            Some(format!(
                "exists only if `{condition}` selects a non-zero `count`, which srm-lint cannot resolve"
            ))
        }
        _ if count_of(v).is_some() => None,
        _ => Some(format!(
            "exists only if its `count` is not zero, and it is not known ({})",
            not_known(v).unwrap_or_else(|| "not a number".into())
        )),
    }
}

/// The instance count of a `count` value: `Some(0)` when known to be zero (or every branch of
/// a choice is zero), `Some(n)` when known, `Some(1)` for a choice with a non-zero branch,
/// `None` when unknown.
pub(crate) fn count_of(v: &Val) -> Option<u64> {
    match &v.kind {
        ValKind::Choice { options, .. } => {
            let all: Option<Vec<u64>> = options.iter().map(count_of).collect();
            match all {
                Some(a) if a.iter().all(|n| *n == 0) => Some(0),
                Some(_) => Some(1),
                None => None,
            }
        }
        ValKind::Bool(false) => Some(0),
        _ => as_num(v).map(|n| if n <= 0.0 { 0 } else { n.floor() as u64 }),
    }
}
