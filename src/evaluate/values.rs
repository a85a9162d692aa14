//! Values as predicates see them: literal comparison with Terraform/CloudFormation coercions,
//! short renderings for messages, and JSON documents held in string attributes.

use crate::catalog::Lit;
use crate::model::{Val, ValKind};

/// Compares a model value with a policy literal, coercing as Terraform and CloudFormation do
/// (`"true"` is `true`, `"5"` is `5`).
pub(super) fn lit_eq(v: &Val, l: &Lit) -> bool {
    match (&v.kind, l) {
        (ValKind::Bool(a), Lit::Bool(b)) => a == b,
        (ValKind::String(s), Lit::Bool(b)) => {
            s.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        (ValKind::Number(n), Lit::Int(i)) => (*n - *i as f64).abs() < f64::EPSILON,
        (ValKind::Number(n), Lit::Float(f)) => (*n - *f).abs() < f64::EPSILON,
        (ValKind::String(s), Lit::Int(i)) => s
            .trim()
            .parse::<f64>()
            .is_ok_and(|n| (n - *i as f64).abs() < f64::EPSILON),
        (ValKind::String(s), Lit::Float(f)) => s
            .trim()
            .parse::<f64>()
            .is_ok_and(|n| (n - *f).abs() < f64::EPSILON),
        (ValKind::String(s), Lit::Str(t)) => s == t,
        (ValKind::Number(n), Lit::Str(t)) => t
            .parse::<f64>()
            .is_ok_and(|x| (x - *n).abs() < f64::EPSILON),
        (ValKind::Bool(b), Lit::Str(t)) => {
            t.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        _ => false,
    }
}

pub(super) fn number(v: &Val) -> Option<f64> {
    match &v.kind {
        ValKind::Number(n) => Some(*n),
        ValKind::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn one_of_text(ls: &[Lit]) -> String {
    let parts: Vec<String> = ls.iter().map(|l| l.to_string()).collect();
    if parts.len() == 1 {
        parts.concat()
    } else {
        format!("one of {}", parts.join(", "))
    }
}

/// "none of" the literals, as the expectation of a `not_one_of` test.
pub(super) fn not_one_of_text(ls: &[Lit]) -> String {
    let parts: Vec<String> = ls.iter().map(|l| l.to_string()).collect();
    if parts.len() == 1 {
        format!("not {}", parts.concat())
    } else {
        format!("none of {}", parts.join(", "))
    }
}

/// A short rendering of a value for messages.
pub(super) fn show(v: &Val) -> String {
    match &v.kind {
        ValKind::Null => "null".into(),
        ValKind::Bool(b) => b.to_string(),
        ValKind::Number(n) => crate::model::number_text(*n),
        ValKind::String(s) => {
            let mut t: String = s.chars().take(60).collect();
            if s.chars().count() > 60 {
                t.push('…');
            }
            format!("{t:?}")
        }
        ValKind::List(items) => format!("a list of {}", items.len()),
        ValKind::Map(_) => "a block".into(),
        ValKind::Ref(r) => format!("a reference to {}", r.target),
        ValKind::Unknown(_) => "unknown".into(),
        ValKind::Choice { condition, .. } => format!("chosen by `{condition}`"),
    }
}

/// The scenario numbers of every choice between deployments inside `v`, in order.
pub(super) fn scenario_ids(v: &Val) -> Vec<u32> {
    let mut ids = std::collections::BTreeSet::new();
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        match &x.kind {
            ValKind::List(items) => stack.extend(items.iter()),
            ValKind::Map(attrs) => stack.extend(attrs.iter().map(|a| &a.value)),
            ValKind::Choice {
                options, members, ..
            } => {
                ids.extend(members.iter().flatten().copied());
                stack.extend(options.iter());
            }
            _ => {}
        }
    }
    ids.into_iter().collect()
}

/// A JSON document held in a value: parsed from a string, or the structured value itself.
pub(super) fn json_value(v: &Val) -> Option<Val> {
    match &v.kind {
        ValKind::Map(_) | ValKind::List(_) => Some(v.clone()),
        ValKind::String(s) => {
            let node = crate::parse::json::parse(s, v.span.file).ok()?;
            Some(Val::from_tree(&node, v.span))
        }
        _ => None,
    }
}
