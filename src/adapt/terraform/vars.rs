//! Root module variable values: `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)`
//! in lexical order, `--var-file` in order, `--var` in order (later wins), and type conversion
//! of given values to the declared primitive type.

use super::eval::{as_bool, as_num, Evaluator, Scope};
use super::hcl::{Content, Ex, ParsedFile};
use super::ops::respan_deep;
use crate::model::{Val, ValKind};
use crate::source::{SourceMap, Span};
use foldhash::{HashMap, HashMapExt};

/// A value given for a root variable.
#[derive(Debug, Clone)]
pub(crate) enum Given<'a> {
    /// An expression in a tfvars file.
    Expr(Ex<'a>),
    /// A value from the command line.
    Val(Val),
}

/// Collects the given values of root variables; later files override earlier ones.
pub(crate) fn given<'a>(
    files: &[&'a ParsedFile],
    cli: &[(String, String)],
    sources: &SourceMap,
) -> HashMap<String, Given<'a>> {
    let mut out = HashMap::new();
    for f in files {
        match &f.content {
            Content::Hcl(body) => {
                for a in body.attributes() {
                    out.insert(
                        a.key.as_str().to_string(),
                        Given::Expr(Ex::Hcl(&a.value, f.loc)),
                    );
                }
            }
            Content::Json(n) => {
                for e in n.entries() {
                    out.insert(e.key.clone(), Given::Expr(Ex::Json(&e.value)));
                }
            }
            Content::Failed => {}
        }
    }
    for (name, text) in cli {
        out.insert(name.clone(), Given::Val(cli_value(text, sources)));
    }
    out
}

/// A `--var` value: HCL for lists and maps, a string otherwise (as Terraform does for
/// primitive types).
fn cli_value(text: &str, sources: &SourceMap) -> Val {
    let span = Span::default();
    let t = text.trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        if let Ok(e) = hcl_edit::parser::parse_expr(text) {
            let ev = Evaluator::new(Vec::new(), sources);
            let loc = super::hcl::Loc { file: 0, base: 0 };
            return respan_deep(ev.eval_hcl(0, &Scope::default(), &e, loc), span);
        }
    }
    Val::new(span, ValKind::String(text.to_string()))
}

/// Converts a given value to a declared primitive type (`bool`, `number`, `string`).
pub(crate) fn convert(v: Val, ty: Option<&str>) -> Val {
    let kind = match (ty, &v.kind) {
        (Some("bool"), ValKind::String(_)) => as_bool(&v).map(ValKind::Bool),
        (Some("number"), ValKind::String(_)) => as_num(&v).map(ValKind::Number),
        (Some("string"), ValKind::Bool(b)) => Some(ValKind::String(b.to_string())),
        (Some("string"), ValKind::Number(n)) => Some(ValKind::String(super::eval::num_text(*n))),
        _ => None,
    };
    match kind {
        Some(k) => Val::new(v.span, k),
        None => v,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn converts_strings_to_declared_types() {
        let s = |x: &str| Val::new(Span::default(), ValKind::String(x.into()));
        assert_eq!(convert(s("true"), Some("bool")).kind, ValKind::Bool(true));
        assert_eq!(convert(s("3"), Some("number")).kind, ValKind::Number(3.0));
        assert_eq!(
            convert(s("x"), Some("bool")).kind,
            ValKind::String("x".into())
        );
        let m = SourceMap::default();
        let v = cli_value("[\"a\", \"b\"]", &m);
        assert!(matches!(v.kind, ValKind::List(ref l) if l.len() == 2));
    }
}
