//! `AWS::LanguageExtensions` functions that can be evaluated before deployment:
//! `Fn::Length` and `Fn::ToJsonString`, when their inputs are known.

use super::intrinsics::{Arg, Ctx};
use super::values::{text_of, unknown};
use crate::model::{Val, ValKind};
use crate::source::Span;

impl Ctx<'_> {
    /// `Fn::Length`: the number of items of a known list.
    pub(super) fn length(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let v = self.arg_val(arg, d);
        match &v.kind {
            ValKind::List(items) => Val::new(span, ValKind::Number(items.len() as f64)),
            _ => {
                let r = text_of(&v).err().unwrap_or_else(|| "not a list".into());
                unknown(span, format!("`Fn::Length` of an unknown list: {r}"))
            }
        }
    }

    /// `Fn::ToJsonString`: the compact JSON text of a fully known map or list.
    pub(super) fn to_json_string(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let v = self.arg_val(arg, d);
        match json(&v, 0) {
            Ok(j) => Val::new(span, ValKind::String(j.to_string())),
            Err(r) => unknown(span, format!("`Fn::ToJsonString` of an unknown value: {r}")),
        }
    }
}

/// A fully known value as JSON, or why it is not known.
fn json(v: &Val, depth: usize) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    if depth > super::intrinsics::MAX_VAL_DEPTH {
        return Err("value nested too deeply".into());
    }
    Ok(match &v.kind {
        ValKind::Null => J::Null,
        ValKind::Bool(b) => J::Bool(*b),
        ValKind::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        ValKind::String(s) => J::String(s.clone()),
        ValKind::List(items) => J::Array(
            items
                .iter()
                .map(|i| json(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        ValKind::Map(attrs) => J::Object(
            attrs
                .iter()
                .filter(|a| !a.value.is_null())
                .map(|a| Ok((a.key.clone(), json(&a.value, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        _ => return Err(text_of(v).err().unwrap_or_default()),
    })
}
