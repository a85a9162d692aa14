//! Helpers for CloudFormation values: scalar conversion, text of known values, parameter
//! typing, dynamic references and base64.

use crate::model::{Val, ValKind};
use crate::source::Span;
use crate::tree::{Node, NodeKind};
use std::collections::BTreeMap;

/// A parameter's value as far as it is known.
#[derive(Debug, Clone)]
pub(super) enum Param {
    /// A fact: the value given for the deployment, or the only value `AllowedValues` permits.
    Known(ValKind),
    /// Why it is not known.
    Unknown(String),
    /// One of its `AllowedValues` (text, value), each a possible deployment.
    Allowed(Vec<(String, ValKind)>),
    /// Its `Default` (text, value), which a deployment may override.
    Default(String, ValKind),
}

/// Whether a node is an intrinsic function call (short or long form).
pub(super) fn is_intrinsic(n: &Node) -> bool {
    n.tag.is_some() || matches!(n.entries(), [e] if e.key == "Ref" || e.key.starts_with("Fn::"))
}

pub(super) fn unknown(span: Span, reason: String) -> Val {
    Val::new(span, ValKind::Unknown(reason.into()))
}

/// A string value, or `Unknown` when it holds a dynamic reference.
pub(super) fn string_val(span: Span, s: String) -> Val {
    // Nearly every string has no `{{`: one vectorised byte search settles it.
    let has_braces = memchr::memmem::find(s.as_bytes(), b"{{").is_some();
    if let Some(i) = has_braces.then(|| s.find("{{resolve:")).flatten() {
        let tail = s.get(i..).unwrap_or("");
        let end = tail
            .find("}}")
            .map(|e| e + 2)
            .unwrap_or(tail.len())
            .min(120);
        let shown = tail.get(..end).unwrap_or("{{resolve:…}}");
        return unknown(
            span,
            format!("dynamic reference {shown} is resolved at deploy time"),
        );
    }
    Val::new(span, ValKind::String(s))
}

/// A number node's value; text that does not parse stays a string.
pub(super) fn number(text: &str) -> ValKind {
    let t = text.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let parsed = if let Some(h) = body.strip_prefix("0x") {
        u64::from_str_radix(h, 16).ok().map(|n| n as f64)
    } else if let Some(o) = body.strip_prefix("0o") {
        u64::from_str_radix(o, 8).ok().map(|n| n as f64)
    } else {
        match body.to_ascii_lowercase().as_str() {
            ".inf" => Some(f64::INFINITY),
            "-.inf" => Some(f64::NEG_INFINITY),
            ".nan" => Some(f64::NAN),
            b => b.parse::<f64>().ok(),
        }
    };
    match parsed {
        Some(n) => ValKind::Number(n),
        None => ValKind::String(text.to_string()),
    }
}

/// The text of a known scalar value, or the reason it is not known.
pub(super) fn text_of(v: &Val) -> Result<String, String> {
    match &v.kind {
        ValKind::String(s) => Ok(s.clone()),
        ValKind::Number(n) => Ok(crate::model::number_text(*n)),
        ValKind::Bool(b) => Ok(b.to_string()),
        ValKind::Null => Ok(String::new()),
        ValKind::Unknown(r) => Err(r.text.clone()),
        ValKind::Ref(r) => Err(match &r.attribute {
            Some(a) => format!("`{}.{a}` is known only after deployment", r.target),
            None => format!("`{}` is known only after deployment", r.target),
        }),
        ValKind::Choice { condition, .. } => {
            Err(format!("the value depends on condition `{condition}`"))
        }
        ValKind::List(_) | ValKind::Map(_) => Err("a list or map where text is needed".into()),
    }
}

/// What is known of a parameter: the given value (a fact), else its `AllowedValues` (each a
/// possible deployment), else its `Default` (which a deployment may override), typed from its
/// `Type`.
pub(super) fn param_value(name: &str, decl: &Node, overrides: &BTreeMap<String, String>) -> Param {
    let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    let given = overrides.contains_key(name);
    let scalar_type =
        !(ty == "CommaDelimitedList" || ty.starts_with("List<") || ty.starts_with("AWS::"));
    if !given && scalar_type {
        if let Some(allowed) = allowed_values(decl) {
            let mut options: Vec<(String, ValKind)> = allowed
                .into_iter()
                .map(|t| {
                    let kind = if ty == "Number" {
                        number(&t)
                    } else {
                        ValKind::String(t.clone())
                    };
                    (t, kind)
                })
                .collect();
            if options.len() == 1 {
                if let Some((_, k)) = options.pop() {
                    return Param::Known(k);
                }
            }
            return Param::Allowed(options);
        }
    }
    let raw: Option<String> = match overrides.get(name) {
        Some(v) => Some(v.clone()),
        None => match decl.get("Default").map(|d| &d.kind) {
            Some(NodeKind::String(s)) | Some(NodeKind::Number(s)) => Some(s.clone()),
            Some(NodeKind::Bool(b)) => Some(b.to_string()),
            Some(NodeKind::Seq(items)) => Some(
                items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        NodeKind::String(s) | NodeKind::Number(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        },
    };
    let Some(raw) = raw else {
        return Param::Unknown(format!(
            "parameter `{name}` has no default and no value was given"
        ));
    };
    if ty.starts_with("AWS::SSM::Parameter::Value<") && !overrides.contains_key(name) {
        return Param::Unknown(format!(
            "parameter `{name}` is read from SSM parameter `{raw}` at deploy time"
        ));
    }
    let span = Span::default();
    let list = |number_items: bool| {
        ValKind::List(
            raw.split(',')
                .map(|p| {
                    let p = p.trim();
                    let kind = if number_items {
                        number(p)
                    } else {
                        ValKind::String(p.to_string())
                    };
                    Val::new(span, kind)
                })
                .collect(),
        )
    };
    let kind = if ty == "Number" {
        number(&raw)
    } else if ty == "List<Number>" {
        list(true)
    } else if ty == "CommaDelimitedList" || ty.starts_with("List<") {
        list(false)
    } else {
        ValKind::String(raw.clone())
    };
    if given {
        Param::Known(kind)
    } else {
        Param::Default(raw, kind)
    }
}

impl super::intrinsics::Ctx<'_> {
    /// A nested stack's parameters that its parent passes as a choice or an unknown value.
    pub(super) fn pass_params(&mut self, root: &Node, passed: &BTreeMap<String, super::Passed>) {
        for e in root.get("Parameters").map(Node::entries).unwrap_or(&[]) {
            let given = passed.get(&e.key);
            let param = match given {
                Some(p) => passed_param(&e.value, p),
                None if e.value.get("Default").is_none() => Some(Param::Unknown(format!(
                    "the parent stack passes no value for parameter `{}`, which has no default",
                    e.key
                ))),
                None => None,
            };
            if let Some(p) = param {
                self.params.insert(e.key.clone(), p);
            }
        }
    }
}

/// The parameter values of a nested stack's template that are facts: those its parent passes
/// as known values, and the defaults of those it does not pass.
pub(super) fn nested_overrides(
    root: &Node,
    passed: &BTreeMap<String, super::Passed>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in root.get("Parameters").map(Node::entries).unwrap_or(&[]) {
        let raw = match passed.get(&e.key) {
            Some(super::Passed::Known(v)) => Some(v.clone()),
            Some(_) => None,
            None => match e.value.get("Default").map(|d| &d.kind) {
                Some(NodeKind::String(s)) | Some(NodeKind::Number(s)) => Some(s.clone()),
                Some(NodeKind::Bool(b)) => Some(b.to_string()),
                _ => None,
            },
        };
        if let Some(raw) = raw {
            out.insert(e.key.clone(), raw);
        }
    }
    out
}

/// The value of a nested stack's parameter that its parent passes as one of several values, or
/// as an unknown one (`None` for the others, which [`nested_overrides`] settles).
pub(super) fn passed_param(decl: &Node, passed: &super::Passed) -> Option<Param> {
    let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
    match passed {
        super::Passed::Known(_) => None,
        super::Passed::Unknown(reason) => Some(Param::Unknown(reason.clone())),
        super::Passed::OneOf(options) => Some(Param::Allowed(
            options
                .iter()
                .map(|t| {
                    let kind = if ty == "Number" {
                        number(t)
                    } else {
                        ValKind::String(t.clone())
                    };
                    (t.clone(), kind)
                })
                .collect(),
        )),
    }
}

/// The distinct scalar `AllowedValues` of a parameter, when it has a non-empty list of them.
fn allowed_values(decl: &Node) -> Option<Vec<String>> {
    let NodeKind::Seq(items) = &decl.get("AllowedValues")?.kind else {
        return None;
    };
    let mut out: Vec<String> = Vec::new();
    for i in items {
        let t = match &i.kind {
            NodeKind::String(s) | NodeKind::Number(s) => s.clone(),
            NodeKind::Bool(b) => b.to_string(),
            _ => return None,
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    (!out.is_empty()).then_some(out)
}

pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                let idx = ((n >> shift) & 63) as usize;
                out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What a conversion read that can differ between deployments.
#[derive(Debug, Default, Clone)]
pub(super) struct Reads {
    /// Parameters with `AllowedValues` or a `Default` that a deployment may override.
    pub(super) params: std::collections::BTreeSet<String>,
    /// Conditions decided (by `Fn::If` or a resource's `Condition`), in first-read order.
    pub(super) conditions: Vec<String>,
}

impl super::intrinsics::Ctx<'_> {
    /// The number of literal `text` at `span`, recording the text when it says more than the
    /// number (`1.30`; once, though scenarios convert a body several times).
    pub(super) fn number_literal(&self, span: Span, text: &str) -> ValKind {
        let kind = number(text);
        if matches!(kind, ValKind::Number(_)) && crate::model::literal_says_more(text) {
            let mut lits = self.literals.borrow_mut();
            if !lits.iter().any(|(s, _)| *s == span) {
                lits.push((span, text.into()));
            }
        }
        kind
    }
}
