//! Small helpers over evaluated Terraform values: spans, unknowns, and the conversions
//! Terraform applies (bool, number, string) when an expression needs one.

use super::eval::ERR;
use crate::model::{Reason, Reference, Val, ValKind};
use crate::source::Span;

/// A value with another top-level span.
pub(crate) fn respan(mut v: Val, span: Span) -> Val {
    v.span = span;
    v
}

/// An unknown value.
pub(crate) fn unknown(span: Span, reason: impl Into<Reason>) -> Val {
    Val::new(span, ValKind::Unknown(reason.into()))
}

/// Why a value is not a known plain value, or `None` when it is known.
pub(crate) fn not_known(v: &Val) -> Option<Reason> {
    match &v.kind {
        ValKind::Unknown(r) => Some(r.clone()),
        ValKind::Ref(r) => Some(format!("`{}` is known only after apply", ref_text(r)).into()),
        ValKind::Choice { condition, .. } => {
            Some(format!("depends on the condition `{condition}`").into())
        }
        _ => None,
    }
}

/// `target.attribute` of a reference.
pub(crate) fn ref_text(r: &Reference) -> String {
    match &r.attribute {
        Some(a) => format!("{}.{a}", r.target),
        None => r.target.clone(),
    }
}

/// A known boolean (Terraform converts `"true"`/`"false"`).
pub(crate) fn as_bool(v: &Val) -> Option<bool> {
    match &v.kind {
        ValKind::Bool(b) => Some(*b),
        ValKind::String(s) if s == "true" => Some(true),
        ValKind::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// A known number (Terraform converts numeric strings).
pub(crate) fn as_num(v: &Val) -> Option<f64> {
    match &v.kind {
        ValKind::Number(n) => Some(*n),
        ValKind::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Formats a number the way Terraform prints it.
pub(crate) use crate::model::number_text as num_text;

/// The string form of a primitive value (`Err` with the reason otherwise).
pub(crate) fn to_text(v: &Val) -> Result<String, Reason> {
    match &v.kind {
        ValKind::String(s) => Ok(s.clone()),
        ValKind::Number(n) => Ok(num_text(*n)),
        ValKind::Bool(b) => Ok(b.to_string()),
        ValKind::Null => Err(format!("{ERR}null value in a string").into()),
        ValKind::List(_) | ValKind::Map(_) => {
            Err(format!("{ERR}a collection is not a string").into())
        }
        _ => Err(not_known(v).unwrap_or_default()),
    }
}

/// Structural equality of known values, ignoring spans (`None` when either is not known).
pub(crate) fn known_eq(a: &Val, b: &Val) -> Option<bool> {
    match (&a.kind, &b.kind) {
        (ValKind::List(x), ValKind::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                all &= known_eq(p, q)?;
            }
            Some(all)
        }
        (ValKind::Map(x), ValKind::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for p in x {
                match y.iter().find(|q| q.key == p.key) {
                    Some(q) => all &= known_eq(&p.value, &q.value)?,
                    None => return Some(false),
                }
            }
            Some(all)
        }
        _ if not_known(a).is_some() || not_known(b).is_some() => None,
        (ValKind::Number(x), ValKind::Number(y)) => Some(x == y),
        (ValKind::Number(_), ValKind::String(_)) | (ValKind::String(_), ValKind::Number(_)) => {
            Some(to_text(a).ok() == to_text(b).ok())
        }
        (x, y) => Some(x == y),
    }
}
