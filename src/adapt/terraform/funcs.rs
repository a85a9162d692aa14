//! Terraform built-in functions over evaluated arguments. Unknown arguments make the result
//! unknown (with the argument's reason); functions not listed here are not evaluated.

use super::eval::{as_bool, as_num, known_eq, not_known, num_text, respan, to_text, unknown, ERR};
use crate::model::{Attr, Val, ValKind};
use crate::source::Span;

/// Most elements a collection function builds.
const MAX_ITEMS: usize = 100_000;

/// Calls function `name`.
pub(crate) fn call(name: &str, args: Vec<Val>, span: Span) -> Val {
    match name {
        "try" => {
            let mut first_unknown = None;
            for a in args {
                match &a.kind {
                    ValKind::Unknown(r) if r.starts_with(ERR) => {}
                    ValKind::Unknown(_) => {
                        first_unknown.get_or_insert(a);
                    }
                    _ => return first_unknown.unwrap_or_else(|| respan(a, span)),
                }
            }
            return first_unknown
                .map(|v| respan(v, span))
                .unwrap_or_else(|| unknown(span, format!("{ERR}no argument of try() is valid")));
        }
        "can" => {
            return match args.first().map(|a| &a.kind) {
                Some(ValKind::Unknown(r)) if r.starts_with(ERR) => {
                    Val::new(span, ValKind::Bool(false))
                }
                Some(ValKind::Unknown(r)) => unknown(span, r.clone()),
                Some(_) => Val::new(span, ValKind::Bool(true)),
                None => unknown(span, format!("{ERR}can() needs an argument")),
            };
        }
        "coalesce" => {
            for a in args {
                match &a.kind {
                    ValKind::Null => {}
                    ValKind::String(s) if s.is_empty() => {}
                    ValKind::Unknown(_) | ValKind::Choice { .. } => return respan(a, span),
                    _ => return respan(a, span),
                }
            }
            return unknown(span, format!("{ERR}no non-null argument to coalesce()"));
        }
        "jsonencode" => {
            // Keep the structure so predicates can look inside the document.
            return match args.into_iter().next() {
                Some(a) => respan(a, span),
                None => unknown(span, format!("{ERR}jsonencode() needs an argument")),
            };
        }
        "lookup" => {
            let mut it = args.into_iter();
            let (Some(m), Some(k)) = (it.next(), it.next()) else {
                return unknown(span, format!("{ERR}lookup() needs two arguments"));
            };
            let default = it.next();
            if let Some(r) = not_known(&m).or_else(|| not_known(&k)) {
                return unknown(span, r);
            }
            let key = match to_text(&k) {
                Ok(k) => k,
                Err(r) => return unknown(span, r),
            };
            return match m.get(&key) {
                Some(v) => respan(v.clone(), span),
                None => default
                    .map(|d| respan(d, span))
                    .unwrap_or_else(|| unknown(span, format!("{ERR}lookup(): no key `{key}`"))),
            };
        }
        _ => {}
    }
    // Every other function needs known arguments.
    for a in &args {
        if let Some(r) = not_known(a) {
            return unknown(span, r);
        }
    }
    match known_call(name, &args, span) {
        Ok(Some(kind)) => Val::new(span, kind),
        Ok(None) => unknown(span, format!("function `{name}` is not evaluated")),
        Err(r) => unknown(span, format!("{ERR}{name}(): {r}")),
    }
}

fn text(args: &[Val], i: usize) -> Result<String, String> {
    Ok(to_text(args.get(i).ok_or("missing argument")?)?)
}

fn list(args: &[Val], i: usize) -> Result<&[Val], String> {
    match args.get(i).map(|a| &a.kind) {
        Some(ValKind::List(items)) => Ok(items),
        _ => Err("argument is not a list".to_string()),
    }
}

fn map(args: &[Val], i: usize) -> Result<&[Attr], String> {
    match args.get(i).map(|a| &a.kind) {
        Some(ValKind::Map(attrs)) => Ok(attrs),
        _ => Err("argument is not a map".to_string()),
    }
}

fn distinct(items: Vec<Val>) -> Vec<Val> {
    let mut out: Vec<Val> = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    for i in items {
        // Primitive values dedupe by text; collections are compared structurally.
        let key = match &i.kind {
            ValKind::String(s) => Some(format!("s{s}")),
            ValKind::Number(n) => Some(format!("n{}", num_text(*n))),
            ValKind::Bool(b) => Some(format!("b{b}")),
            _ => None,
        };
        let dup = match key {
            Some(k) => !seen.insert(k),
            None => out.iter().any(|o| known_eq(o, &i) == Some(true)),
        };
        if !dup {
            out.push(i);
        }
    }
    out
}

fn known_call(name: &str, args: &[Val], span: Span) -> Result<Option<ValKind>, String> {
    let s = |x: String| Ok(Some(ValKind::String(x)));
    match name {
        "tostring" => s(text(args, 0)?),
        "tonumber" => match args.first().and_then(as_num) {
            Some(n) => Ok(Some(ValKind::Number(n))),
            None => Err("not a number".into()),
        },
        "tobool" => match args.first().and_then(as_bool) {
            Some(b) => Ok(Some(ValKind::Bool(b))),
            None => Err("not a boolean".into()),
        },
        "tolist" => Ok(Some(ValKind::List(list(args, 0)?.to_vec()))),
        "toset" => Ok(Some(ValKind::List(distinct(list(args, 0)?.to_vec())))),
        "tomap" => Ok(Some(ValKind::Map(map(args, 0)?.to_vec()))),
        "lower" => s(text(args, 0)?.to_lowercase()),
        "upper" => s(text(args, 0)?.to_uppercase()),
        "trimspace" => s(text(args, 0)?.trim().to_string()),
        "startswith" => Ok(Some(ValKind::Bool(
            text(args, 0)?.starts_with(&text(args, 1)?),
        ))),
        "endswith" => Ok(Some(ValKind::Bool(
            text(args, 0)?.ends_with(&text(args, 1)?),
        ))),
        "replace" => {
            let (x, from, to) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                return Ok(None);
            }
            s(x.replace(&from, &to))
        }
        "length" => match args.first().map(|a| &a.kind) {
            Some(ValKind::List(i)) => Ok(Some(ValKind::Number(i.len() as f64))),
            Some(ValKind::Map(a)) => Ok(Some(ValKind::Number(a.len() as f64))),
            Some(ValKind::String(x)) => Ok(Some(ValKind::Number(x.chars().count() as f64))),
            _ => Err("needs a collection or string".into()),
        },
        "contains" => {
            let items = list(args, 0)?;
            let v = args.get(1).ok_or("missing argument")?;
            Ok(Some(ValKind::Bool(
                items.iter().any(|i| known_eq(i, v) == Some(true)),
            )))
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..args.len() {
                out.extend_from_slice(list(args, i)?);
                if out.len() > MAX_ITEMS {
                    return Err("too many elements".into());
                }
            }
            Ok(Some(ValKind::List(out)))
        }
        "merge" => merge(args).map(|m| Some(ValKind::Map(m))),
        "keys" => Ok(Some(ValKind::List(
            map(args, 0)?
                .iter()
                .map(|a| Val::new(a.key_span, ValKind::String(a.key.clone())))
                .collect(),
        ))),
        "values" => Ok(Some(ValKind::List(
            map(args, 0)?.iter().map(|a| a.value.clone()).collect(),
        ))),
        "compact" => Ok(Some(ValKind::List(
            list(args, 0)?
                .iter()
                .filter(|v| !matches!(&v.kind, ValKind::Null) && v.as_str() != Some(""))
                .cloned()
                .collect(),
        ))),
        "distinct" => Ok(Some(ValKind::List(distinct(list(args, 0)?.to_vec())))),
        "flatten" => flatten(list(args, 0)?).map(|l| Some(ValKind::List(l))),
        "element" => {
            let items = list(args, 0)?;
            let i = args
                .get(1)
                .and_then(as_num)
                .ok_or("index is not a number")?;
            if items.is_empty() || i < 0.0 {
                return Err("index out of range".into());
            }
            let idx = (i as usize) % items.len();
            Ok(items.get(idx).map(|v| v.kind.clone()))
        }
        "join" => {
            let sep = text(args, 0)?;
            let mut parts = Vec::new();
            for i in 1..args.len() {
                for v in list(args, i)? {
                    parts.push(to_text(v)?);
                }
            }
            s(parts.join(&sep))
        }
        "format" => format(args).map(|x| Some(ValKind::String(x))),
        "jsondecode" => {
            let src = text(args, 0)?;
            let node = crate::parse::json::parse(&src, span.file).map_err(|e| e.message)?;
            Ok(Some(Val::from_tree(&node, span).kind))
        }
        "abs" => Ok(args
            .first()
            .and_then(as_num)
            .map(|n| ValKind::Number(n.abs()))),
        "min" | "max" => {
            let nums: Option<Vec<f64>> = args.iter().map(as_num).collect();
            let nums = nums.ok_or("arguments are not numbers")?;
            let r = if name == "min" {
                nums.into_iter().fold(f64::INFINITY, f64::min)
            } else {
                nums.into_iter().fold(f64::NEG_INFINITY, f64::max)
            };
            Ok(Some(ValKind::Number(r)))
        }
        _ => Ok(None),
    }
}

/// `merge`: later maps win key by key (nulls are skipped).
fn merge(args: &[Val]) -> Result<Vec<Attr>, String> {
    let mut out: Vec<Attr> = Vec::new();
    let mut pos: foldhash::HashMap<String, usize> = Default::default();
    for a in args {
        match &a.kind {
            ValKind::Null => {}
            ValKind::Map(attrs) => {
                for at in attrs {
                    match pos.get(&at.key).and_then(|&i| out.get_mut(i)) {
                        Some(o) => *o = at.clone(),
                        None => {
                            pos.insert(at.key.clone(), out.len());
                            out.push(at.clone());
                        }
                    }
                }
            }
            _ => return Err("argument is not a map".into()),
        }
        if out.len() > MAX_ITEMS {
            return Err("too many elements".into());
        }
    }
    Ok(out)
}

/// `flatten`: nested lists into one, in order.
fn flatten(items: &[Val]) -> Result<Vec<Val>, String> {
    let mut out = Vec::new();
    let mut stack: Vec<&Val> = items.iter().rev().collect();
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValKind::List(items) => stack.extend(items.iter().rev()),
            _ => out.push(v.clone()),
        }
        if out.len() > MAX_ITEMS {
            return Err("too many elements".into());
        }
    }
    Ok(out)
}

/// `format` with `%s`, `%d`, `%v` and `%%`.
fn format(args: &[Val]) -> Result<String, String> {
    let spec = text(args, 0)?;
    let mut out = String::new();
    let mut next = 1;
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'v') => {
                out.push_str(&text(args, next)?);
                next += 1;
            }
            Some('d') => {
                let n = args.get(next).and_then(as_num).ok_or("%d needs a number")?;
                out.push_str(&num_text(n.trunc()));
                next += 1;
            }
            _ => return Err("unsupported format verb".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn st(x: &str) -> Val {
        Val::new(Span::default(), ValKind::String(x.into()))
    }

    #[test]
    fn string_and_collection_functions() {
        let sp = Span::default();
        assert_eq!(call("upper", vec![st("ab")], sp).as_str(), Some("AB"));
        assert_eq!(
            call("format", vec![st("%s-%d"), st("a"), st("3")], sp).as_str(),
            Some("a-3")
        );
        let l = Val::new(sp, ValKind::List(vec![st("a"), st("b"), st("a")]));
        assert_eq!(
            call("join", vec![st(","), l.clone()], sp).as_str(),
            Some("a,b,a")
        );
        assert!(matches!(call("distinct", vec![l], sp).kind, ValKind::List(ref v) if v.len() == 2));
        let d = call(
            "jsondecode",
            vec![st(r#"{"Statement": [{"Effect": "Allow"}]}"#)],
            sp,
        );
        assert!(d.get("Statement").is_some());
        let u = call("cidrsubnet", vec![st("10.0.0.0/16")], sp);
        assert!(matches!(u.kind, ValKind::Unknown(ref r) if r.contains("cidrsubnet")));
        let bad = unknown(sp, format!("{ERR}x"));
        assert_eq!(
            call("try", vec![bad.clone(), st("y")], sp).as_str(),
            Some("y")
        );
        assert_eq!(call("can", vec![bad], sp).kind, ValKind::Bool(false));
    }
}
