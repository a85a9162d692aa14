//! Values as predicates see them: literal comparison with Terraform/CloudFormation coercions,
//! short renderings for messages, and JSON documents held in string attributes.

use super::msg::lazy;
use super::pred::{Outcome, Tri};
use crate::catalog::{Lit, StrSet};
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

/// Literal lists this long are looked up in a set of their strings.
const SET_MIN: usize = 8;

/// Whether `v` equals one of `ls` (as [`lit_eq`] compares); a string is looked up in the set
/// of the list's strings when the list is long (hundreds of IAM actions).
pub(super) fn any_lit_eq(v: &Val, ls: &[Lit], set: &crate::catalog::Memo<StrSet>) -> bool {
    let ValKind::String(s) = &v.kind else {
        return ls.iter().any(|l| lit_eq(v, l));
    };
    if ls.len() < SET_MIN {
        return ls.iter().any(|l| lit_eq(v, l));
    }
    let (strings, others) = set.get_or_init(|| {
        let strings = ls
            .iter()
            .filter_map(|l| match l {
                Lit::Str(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        (strings, ls.iter().any(|l| !matches!(l, Lit::Str(_))))
    });
    strings.contains(s.as_str())
        || (*others && ls.iter().any(|l| !matches!(l, Lit::Str(_)) && lit_eq(v, l)))
}

pub(super) fn number(v: &Val) -> Option<f64> {
    match &v.kind {
        ValKind::Number(n) => Some(*n),
        ValKind::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn one_of_text(ls: &[Lit]) -> String {
    match ls {
        [one] => one.to_string(),
        _ => format!("one of {}", listed(ls)),
    }
}

/// "none of" the literals, as the expectation of a `not_one_of` test.
pub(super) fn not_one_of_text(ls: &[Lit]) -> String {
    match ls {
        [one] => format!("not {one}"),
        _ => format!("none of {}", listed(ls)),
    }
}

/// Literals shown in a message at most (a list of hundreds of IAM actions is named by its
/// first few and its length).
const LISTED: usize = 6;

fn listed(ls: &[Lit]) -> String {
    let mut parts: Vec<String> = ls.iter().take(LISTED).map(|l| l.to_string()).collect();
    if ls.len() > LISTED {
        parts.push(format!("{} more", ls.len() - LISTED));
    }
    parts.join(", ")
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
            quoted(&t)
        }
        ValKind::List(items) => format!("a list of {}", items.len()),
        ValKind::Map(_) => "a block".into(),
        ValKind::Ref(r) => format!("a reference to {}", r.target),
        ValKind::Unknown(_) => "unknown".into(),
        ValKind::Choice { condition, .. } => format!("chosen by `{condition}`"),
    }
}

/// `t` as Rust's `{:?}` writes a string, without its escaping machinery for the common case (no
/// character that `{:?}` would escape).
pub(super) fn quoted(t: &str) -> String {
    if t.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        let mut out = String::with_capacity(t.len() + 2);
        out.push('"');
        out.push_str(t);
        out.push('"');
        out
    } else {
        format!("{t:?}")
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

/// The value at a `.`-separated path of plain map keys.
pub(super) fn path_value<'v>(v: &'v Val, path: &str) -> Option<&'v Val> {
    let mut cur = v;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        cur = match &cur.kind {
            ValKind::Map(_) => cur.get(seg)?,
            ValKind::List(items) => items.first()?.get(seg)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A literal as the text a string equal to it would hold.
pub(super) fn lit_text(l: &Lit) -> String {
    match l {
        Lit::Str(s) => s.clone(),
        Lit::Bool(b) => b.to_string(),
        Lit::Int(i) => i.to_string(),
        Lit::Float(f) => f.to_string(),
    }
}

/// `expected`: the predicate's memo for the text of `lits`.
pub(super) fn has<'a>(
    val: &'a Val,
    lits: &'a [Lit],
    path: &'a str,
    (expected, set): (&'a crate::catalog::Memo, &'a crate::catalog::Memo<StrSet>),
) -> Outcome<'a> {
    let items: Vec<&Val> = match &val.kind {
        ValKind::List(items) => items.iter().collect(),
        _ => vec![val],
    };
    let mut unknown = None;
    for i in &items {
        match &i.kind {
            // A string whose known start or end none of the literals has is none of them.
            ValKind::Unknown(r)
                if r.known
                    .as_deref()
                    .is_some_and(|k| !lits.iter().any(|l| k.may_be(&lit_text(l)))) => {}
            ValKind::Unknown(_) | ValKind::Ref(_) | ValKind::Choice { .. } => {
                unknown = unknown.or(Some(*i))
            }
            _ => {
                if any_lit_eq(i, lits, set) {
                    let i: &'a Val = i;
                    return Outcome::new(
                        Tri::True,
                        i.span,
                        true,
                        lazy!("`{path}` contains {}", show(i)),
                    );
                }
            }
        }
    }
    match unknown {
        Some(u) => Outcome::new(
            Tri::Unknown,
            u.span,
            true,
            lazy!("`{path}` has an element srm-lint cannot resolve"),
        ),
        None => Outcome::new(
            Tri::False,
            val.span,
            true,
            lazy!(
                "`{path}` does not contain {}",
                expected.get_or(|| one_of_text(lits))
            ),
        ),
    }
}
