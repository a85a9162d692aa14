//! Rendering the scanned code as CloudFormation-shaped JSON documents for Guard, with a span for
//! every rendered node so that Guard's JSON-pointer paths can be mapped back to the source.
//!
//! CloudFormation templates are rendered from srm-lint's own parse tree (never from the original
//! file: cfn-guard's loader rejects YAML anchors and surrogate-pair escapes). Short-form tags become
//! their long forms (`!GetAtt A.Arn` → `{"Fn::GetAtt": ["A", "Arn"]}`). Terraform resources are
//! rendered from the normalized model through the mapping in `mapping.toml`.

use crate::source::Span;
use serde_json::Value;
use std::collections::HashMap;

mod cfn;
mod tf;

pub use cfn::cloudformation;
pub use tf::{terraform, Skipped};

/// What srm-lint knows about one rendered node.
#[derive(Debug, Clone)]
pub struct Info {
    /// Where the node comes from (for a property: its key).
    pub span: Span,
    /// Why the value is not known statically, when it is not (an unresolved condition, a
    /// parameter, a variable without a value).
    pub unresolved: Option<String>,
}

/// One rendered document.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The JSON value given to Guard.
    pub value: Value,
    /// JSON pointer (unescaped, as Guard prints it) → node info.
    pub nodes: HashMap<String, Info>,
    /// Key under `Resources` → (model resource index, header span).
    pub resources: HashMap<String, (usize, Span)>,
}

impl Doc {
    /// Maps a Guard path to (resource index, span, unresolved reason): the deepest rendered node
    /// on the path, or the resource header when the path stops at the resource or its
    /// `Properties` (a missing property).
    pub fn locate(&self, path: &str) -> Option<(usize, Span, Option<String>)> {
        let mut segs = path.split('/').filter(|s| !s.is_empty());
        if segs.next()? != "Resources" {
            return None;
        }
        let key = segs.next()?;
        let &(index, header) = self.resources.get(key)?;
        let mut p = path.trim_end_matches('/').to_string();
        let root = format!("/Resources/{key}/Properties");
        while p.len() > root.len() {
            if let Some(info) = self.nodes.get(&p) {
                return Some((index, info.span, info.unresolved.clone()));
            }
            match p.rfind('/') {
                Some(i) => p.truncate(i),
                None => break,
            }
        }
        Some((index, header, None))
    }
}

/// Most nodes rendered into one document (bounds the work on hostile input).
const MAX_NODES: usize = 500_000;

pub(super) fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

pub(super) fn number_text(n: f64) -> String {
    match number(n) {
        Value::Number(x) => x.to_string(),
        _ => n.to_string(),
    }
}

/// `public-read` → `PublicRead`, `snake_case` → `SnakeCase`, `arn` → `Arn`.
pub(super) fn pascal(s: &str) -> String {
    s.split(['-', '_'])
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

pub(super) fn toml_json(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case() {
        assert_eq!(pascal("public-read"), "PublicRead");
        assert_eq!(pascal("arn"), "Arn");
        assert_eq!(pascal("log-delivery-write"), "LogDeliveryWrite");
    }
}
