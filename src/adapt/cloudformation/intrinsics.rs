//! Node → [`Val`] conversion with CloudFormation intrinsic functions, parameters, mappings and
//! conditions. Work is bounded by a nesting cap and a step budget, so hostile templates give
//! `Unknown` values instead of exhausting the stack or the CPU.

use crate::model::{Attr, Reference, Val, ValKind};
use crate::source::Span;
use crate::tree::{Node, NodeKind};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Deepest value nesting converted; deeper content becomes `Unknown`.
const MAX_VAL_DEPTH: usize = 100;
/// Conversion steps allowed per template.
const STEP_BUDGET: usize = 5_000_000;

/// A parameter's value as far as it is known.
#[derive(Debug, Clone)]
enum Param {
    Known(ValKind),
    Unknown(String),
}

/// Template-wide context for converting values.
pub(crate) struct Ctx<'a> {
    params: HashMap<String, Param>,
    overrides: &'a BTreeMap<String, String>,
    mappings: Option<&'a Node>,
    conditions: HashMap<&'a str, &'a Node>,
    cond_cache: RefCell<HashMap<String, Option<bool>>>,
    resources: HashSet<&'a str>,
    steps: Cell<usize>,
}

impl<'a> Ctx<'a> {
    /// Reads `Parameters`, `Mappings`, `Conditions` and the resource ids of a template.
    pub(crate) fn new(root: &'a Node, overrides: &'a BTreeMap<String, String>) -> Self {
        let mut params = HashMap::new();
        for e in root.get("Parameters").map(Node::entries).unwrap_or(&[]) {
            params.insert(e.key.clone(), param_value(&e.key, &e.value, overrides));
        }
        let conditions = root
            .get("Conditions")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.as_str(), &e.value))
            .collect();
        let resources = root
            .get("Resources")
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        Ctx {
            params,
            overrides,
            mappings: root.get("Mappings"),
            conditions,
            cond_cache: RefCell::new(HashMap::new()),
            resources,
            steps: Cell::new(0),
        }
    }

    /// Whether the step budget ran out (some values became `Unknown` for that reason).
    pub(crate) fn exhausted(&self) -> bool {
        self.steps.get() > STEP_BUDGET
    }

    fn step(&self) -> bool {
        let s = self.steps.get().saturating_add(1);
        self.steps.set(s);
        s <= STEP_BUDGET
    }

    /// Converts a node to a value, evaluating intrinsic functions.
    pub(crate) fn val(&self, n: &Node) -> Val {
        self.conv(n, 0)
    }

    fn conv(&self, n: &Node, depth: usize) -> Val {
        if depth > MAX_VAL_DEPTH {
            return unknown(n.span, "value nested too deeply to evaluate".into());
        }
        if !self.step() {
            return unknown(n.span, "template too complex to evaluate".into());
        }
        match &n.tag {
            Some(tag) => self.intrinsic(
                tag,
                Arg {
                    node: n,
                    bare: true,
                },
                n.span,
                depth,
            ),
            None => self.conv_kind(n, depth),
        }
    }

    /// Converts a node ignoring its tag.
    fn conv_kind(&self, n: &Node, depth: usize) -> Val {
        let span = n.span;
        match &n.kind {
            NodeKind::Null => Val::new(span, ValKind::Null),
            NodeKind::Bool(b) => Val::new(span, ValKind::Bool(*b)),
            NodeKind::Number(t) => Val::new(span, number(t)),
            NodeKind::String(s) => string_val(span, s.clone()),
            NodeKind::Seq(items) => Val::new(
                span,
                ValKind::List(
                    items
                        .iter()
                        .map(|i| (is_intrinsic(i), self.conv(i, depth + 1)))
                        // `!Ref AWS::NoValue` (directly or through `Fn::If`) removes a list item.
                        .filter(|(intrinsic, v)| !(*intrinsic && v.is_null()))
                        .map(|(_, v)| v)
                        .collect(),
                ),
            ),
            NodeKind::Map(entries) => {
                if let [e] = entries.as_slice() {
                    if e.key == "Ref" || e.key.starts_with("Fn::") {
                        let name = e.key.trim_start_matches("Fn::");
                        let arg = Arg {
                            node: &e.value,
                            bare: false,
                        };
                        return self.intrinsic(name, arg, span, depth);
                    }
                }
                Val::new(
                    span,
                    ValKind::Map(
                        entries
                            .iter()
                            .map(|e| Attr {
                                key: e.key.clone(),
                                key_span: e.key_span,
                                value: self.conv(&e.value, depth + 1),
                            })
                            .collect(),
                    ),
                )
            }
        }
    }

    /// The value of an intrinsic's argument.
    fn arg_val(&self, arg: Arg<'_>, d: usize) -> Val {
        if arg.bare {
            self.conv_kind(arg.node, d)
        } else {
            self.conv(arg.node, d)
        }
    }

    fn intrinsic(&self, name: &str, arg: Arg<'_>, span: Span, depth: usize) -> Val {
        let d = depth + 1;
        match name {
            "Ref" => self.reference(arg, span, d),
            "GetAtt" => self.get_att(arg, span, d),
            "Sub" => self.sub(arg, span, d),
            "If" => self.fn_if(arg, span, d),
            "Join" => self.join(arg, span, d),
            "Select" => self.select(arg, span, d),
            "Split" => self.split(arg, span, d),
            "FindInMap" => self.find_in_map(arg, span, d),
            "Base64" => {
                let v = self.arg_val(arg, d);
                match text_of(&v) {
                    Ok(t) => Val::new(span, ValKind::String(base64(t.as_bytes()))),
                    Err(r) => unknown(span, format!("`Fn::Base64` of an unknown value: {r}")),
                }
            }
            "GetAZs" => unknown(
                span,
                "`Fn::GetAZs` lists availability zones, known only at deploy time".into(),
            ),
            "ImportValue" => {
                let v = self.arg_val(arg, d);
                let what = text_of(&v).map(|t| format!(" `{t}`")).unwrap_or_default();
                unknown(
                    span,
                    format!("`Fn::ImportValue`{what} reads another stack's output, known only at deploy time"),
                )
            }
            "Cidr" => unknown(span, "`Fn::Cidr` is not evaluated".into()),
            "Equals" | "And" | "Or" | "Not" | "Condition" => {
                let mut visiting = Vec::new();
                match self.cond_op(name, arg.items(), &arg.node.kind, &mut visiting, d) {
                    Some(b) => Val::new(span, ValKind::Bool(b)),
                    None => unknown(span, format!("condition `Fn::{name}` cannot be decided")),
                }
            }
            "Transform" => unknown(span, "`Fn::Transform` runs a macro at deploy time".into()),
            other => unknown(
                span,
                format!("intrinsic function `{other}` is not evaluated"),
            ),
        }
    }

    fn param(&self, name: &str, span: Span) -> Option<Val> {
        match self.params.get(name)? {
            Param::Known(k) => {
                let mut v = Val::new(span, k.clone());
                respan(&mut v, span);
                Some(v)
            }
            Param::Unknown(r) => Some(unknown(span, r.clone())),
        }
    }

    fn reference(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let v = self.arg_val(arg, d);
        let Some(name) = v.as_str() else {
            return unknown(span, "`Ref` to a name that is not a literal string".into());
        };
        if name == "AWS::NoValue" {
            return Val::new(span, ValKind::Null);
        }
        if let Some(p) = self.param(name, span) {
            return p;
        }
        if self.resources.contains(name) {
            return Val::new(
                span,
                ValKind::Ref(Reference {
                    target: name.to_string(),
                    attribute: None,
                }),
            );
        }
        if name.starts_with("AWS::") {
            if let Some(v) = self.overrides.get(name) {
                return Val::new(span, ValKind::String(v.clone()));
            }
            return unknown(
                span,
                format!("pseudo parameter `{name}` is known only at deploy time"),
            );
        }
        unknown(
            span,
            format!("`Ref` to `{name}`, which is not a parameter or resource of this template"),
        )
    }

    fn get_att(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let v = self.arg_val(arg, d);
        let parts: Option<(String, String)> = match &v.kind {
            ValKind::String(s) => s
                .split_once('.')
                .map(|(a, b)| (a.to_string(), b.to_string())),
            ValKind::List(items) => match items.as_slice() {
                [a, b] => match (a.as_str(), text_of(b)) {
                    (Some(a), Ok(b)) => Some((a.to_string(), b)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        match parts {
            Some((target, attr)) => Val::new(
                span,
                ValKind::Ref(Reference {
                    target,
                    attribute: Some(attr),
                }),
            ),
            None => unknown(
                span,
                "`Fn::GetAtt` with an argument that cannot be read".into(),
            ),
        }
    }

    fn sub(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let (template, vars) = match arg.items() {
            Some([t, v]) => (Some(t), Some(v)),
            Some([t]) => (Some(t), None),
            Some(_) => return unknown(span, "`Fn::Sub` needs a string and a variable map".into()),
            None if arg.bare || arg.node.tag.is_none() => (Some(arg.node), None),
            None => (None, None),
        };
        let text = match template {
            Some(t) if std::ptr::eq(t, arg.node) || t.tag.is_none() => t.as_str(),
            _ => None,
        };
        let Some(text) = text else {
            return unknown(
                span,
                "`Fn::Sub` of a value that is not a literal string".into(),
            );
        };
        let var_vals: Vec<(String, Val)> = vars
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.clone(), self.conv(&e.value, d)))
            .collect();
        let mut out = String::new();
        let mut first_unknown: Option<String> = None;
        let mut rest = text;
        let mut pieces = 0usize;
        let mut only_ref: Option<Reference> = None;
        while let Some(i) = rest.find("${") {
            out.push_str(rest.get(..i).unwrap_or(""));
            let after = rest.get(i + 2..).unwrap_or("");
            let Some(close) = after.find('}') else {
                out.push_str(rest.get(i..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..close).unwrap_or("").trim();
            rest = after.get(close + 1..).unwrap_or("");
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                pieces += 1;
                continue;
            }
            pieces += 1;
            let resolved = if let Some((_, v)) = var_vals.iter().find(|(k, _)| k == name) {
                v.clone()
            } else if let Some((res, attr)) = name.split_once('.') {
                Val::new(
                    span,
                    ValKind::Ref(Reference {
                        target: res.to_string(),
                        attribute: Some(attr.to_string()),
                    }),
                )
            } else {
                let node = Node {
                    span,
                    tag: None,
                    kind: NodeKind::String(name.to_string()),
                };
                self.reference(
                    Arg {
                        node: &node,
                        bare: true,
                    },
                    span,
                    d,
                )
            };
            match (&resolved.kind, text_of(&resolved)) {
                (_, Ok(t)) => out.push_str(&t),
                (ValKind::Ref(r), _) => {
                    only_ref = Some(r.clone());
                    first_unknown.get_or_insert(format!(
                        "`Fn::Sub` uses ${{{name}}}, known only after deployment"
                    ));
                }
                (_, Err(reason)) => {
                    first_unknown.get_or_insert(format!("`Fn::Sub` uses ${{{name}}}: {reason}"));
                }
            }
        }
        out.push_str(rest);
        if let Some(r) = only_ref {
            if pieces == 1 && out.trim().is_empty() {
                return Val::new(span, ValKind::Ref(r));
            }
        }
        match first_unknown {
            Some(reason) => unknown(span, reason),
            None => string_val(span, out),
        }
    }

    fn fn_if(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let Some([c, a, b]) = arg.items() else {
            return unknown(
                span,
                "`Fn::If` needs [condition, value-if-true, value-if-false]".into(),
            );
        };
        let Some(name) = c.as_str() else {
            return unknown(span, "`Fn::If` condition is not a name".into());
        };
        match self.condition(name) {
            Some(true) => self.conv(a, d),
            Some(false) => self.conv(b, d),
            None => Val::new(
                span,
                ValKind::Choice {
                    condition: name.to_string(),
                    options: vec![self.conv(a, d), self.conv(b, d)],
                },
            ),
        }
    }

    fn list_args(&self, arg: Arg<'_>, d: usize) -> Vec<Val> {
        match arg.items() {
            Some(items) => items.iter().map(|i| self.conv(i, d)).collect(),
            None => Vec::new(),
        }
    }

    fn join(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let args = self.list_args(arg, d);
        let [delim, list] = args.as_slice() else {
            return unknown(span, "`Fn::Join` needs [delimiter, list]".into());
        };
        let delim = match text_of(delim) {
            Ok(t) => t,
            Err(r) => return unknown(span, format!("`Fn::Join` delimiter is unknown: {r}")),
        };
        let ValKind::List(items) = &list.kind else {
            let r = text_of(list).err().unwrap_or_else(|| "not a list".into());
            return unknown(span, format!("`Fn::Join` list is unknown: {r}"));
        };
        let mut parts = Vec::new();
        for item in items.iter().filter(|i| !i.is_null()) {
            match text_of(item) {
                Ok(t) => parts.push(t),
                Err(r) => return unknown(span, format!("`Fn::Join` of an unknown value: {r}")),
            }
        }
        string_val(span, parts.join(&delim))
    }

    fn select(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let args = self.list_args(arg, d);
        let [index, list] = args.as_slice() else {
            return unknown(span, "`Fn::Select` needs [index, list]".into());
        };
        let idx = match text_of(index)
            .ok()
            .and_then(|t| t.trim().parse::<usize>().ok())
        {
            Some(i) => i,
            None => return unknown(span, "`Fn::Select` index is unknown".into()),
        };
        match &list.kind {
            ValKind::List(items) => match items.get(idx) {
                Some(v) => Val::new(span, v.kind.clone()),
                None => unknown(span, format!("`Fn::Select` index {idx} is out of range")),
            },
            _ => {
                let r = text_of(list).err().unwrap_or_else(|| "not a list".into());
                unknown(span, format!("`Fn::Select` from an unknown list: {r}"))
            }
        }
    }

    fn split(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let args = self.list_args(arg, d);
        let [delim, source] = args.as_slice() else {
            return unknown(span, "`Fn::Split` needs [delimiter, string]".into());
        };
        match (text_of(delim), text_of(source)) {
            (Ok(dl), Ok(s)) if !dl.is_empty() => Val::new(
                span,
                ValKind::List(
                    s.split(dl.as_str())
                        .map(|p| Val::new(span, ValKind::String(p.to_string())))
                        .collect(),
                ),
            ),
            (_, Err(r)) | (Err(r), _) => {
                unknown(span, format!("`Fn::Split` of an unknown value: {r}"))
            }
            _ => unknown(span, "`Fn::Split` with an empty delimiter".into()),
        }
    }

    fn find_in_map(&self, arg: Arg<'_>, span: Span, d: usize) -> Val {
        let args = self.list_args(arg, d);
        let (keys, default) = match args.as_slice() {
            [a, b, c] => ([a, b, c], None),
            [a, b, c, opt] => ([a, b, c], opt.get("DefaultValue")),
            _ => return unknown(span, "`Fn::FindInMap` needs [map, key, key]".into()),
        };
        let mut names = Vec::new();
        for k in keys {
            match text_of(k) {
                Ok(t) => names.push(t),
                Err(r) => {
                    return match default {
                        Some(v) => Val::new(
                            span,
                            ValKind::Choice {
                                condition: format!("`Fn::FindInMap` key is unknown: {r}"),
                                options: vec![unknown(span, r), v.clone()],
                            },
                        ),
                        None => unknown(span, format!("`Fn::FindInMap` key is unknown: {r}")),
                    };
                }
            }
        }
        let found = match names.as_slice() {
            [m, a, b] => self
                .mappings
                .and_then(|ms| ms.get(m))
                .and_then(|x| x.get(a))
                .and_then(|x| x.get(b)),
            _ => None,
        };
        match (found, default) {
            (Some(node), _) => {
                let mut v = self.conv(node, d);
                v.span = span;
                v
            }
            (None, Some(v)) => Val::new(span, v.kind.clone()),
            (None, None) => unknown(
                span,
                format!("`Fn::FindInMap` finds no entry {}", names.join(".")),
            ),
        }
    }

    /// Evaluates a named condition: `Some(b)` when decided, `None` when it depends on unknown
    /// values, is missing, or is cyclic.
    pub(crate) fn condition(&self, name: &str) -> Option<bool> {
        let mut visiting = Vec::new();
        self.condition_in(name, &mut visiting, 0)
    }

    fn condition_in(&self, name: &str, visiting: &mut Vec<String>, d: usize) -> Option<bool> {
        if let Some(v) = self.cond_cache.borrow().get(name) {
            return *v;
        }
        if visiting.iter().any(|v| v == name) || d > MAX_VAL_DEPTH {
            return None;
        }
        let node = *self.conditions.get(name)?;
        visiting.push(name.to_string());
        let r = self.cond_expr(node, visiting, d + 1);
        visiting.pop();
        self.cond_cache.borrow_mut().insert(name.to_string(), r);
        r
    }

    fn cond_expr(&self, n: &Node, visiting: &mut Vec<String>, d: usize) -> Option<bool> {
        match (&n.tag, &n.kind) {
            (Some(t), _) => {
                let arg = Arg {
                    node: n,
                    bare: true,
                };
                self.cond_op(t, arg.items(), &n.kind, visiting, d)
            }
            (None, NodeKind::Map(entries)) => match entries.as_slice() {
                [e] => {
                    let arg = Arg {
                        node: &e.value,
                        bare: false,
                    };
                    let name = e.key.trim_start_matches("Fn::");
                    self.cond_op(name, arg.items(), &e.value.kind, visiting, d)
                }
                _ => None,
            },
            (None, NodeKind::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn cond_op(
        &self,
        name: &str,
        items: Option<&[Node]>,
        kind: &NodeKind,
        visiting: &mut Vec<String>,
        d: usize,
    ) -> Option<bool> {
        if d > MAX_VAL_DEPTH || !self.step() {
            return None;
        }
        let items = items.unwrap_or(&[]);
        match name {
            "Condition" => match kind {
                NodeKind::String(s) => self.condition_in(s, visiting, d + 1),
                _ => None,
            },
            "Equals" => {
                let [a, b] = items else {
                    return None;
                };
                let (a, b) = (self.conv(a, d + 1), self.conv(b, d + 1));
                match (text_of(&a), text_of(&b)) {
                    (Ok(a), Ok(b)) => Some(a == b),
                    _ => None,
                }
            }
            "Not" => {
                let [a] = items else {
                    return None;
                };
                self.cond_expr(a, visiting, d + 1).map(|b| !b)
            }
            "And" | "Or" => {
                let want = name == "Or";
                let mut all_known = true;
                for i in items {
                    match self.cond_expr(i, visiting, d + 1) {
                        Some(b) if b == want => return Some(want),
                        Some(_) => {}
                        None => all_known = false,
                    }
                }
                all_known.then_some(!want)
            }
            _ => None,
        }
    }
}

/// An intrinsic function's argument: a node, or a tagged node read without its tag.
#[derive(Clone, Copy)]
struct Arg<'n> {
    node: &'n Node,
    /// The node carries the function's own tag (`!Sub x`), so the tag is not read again.
    bare: bool,
}

impl<'n> Arg<'n> {
    /// The items when the argument is a literal list.
    fn items(self) -> Option<&'n [Node]> {
        if !self.bare && self.node.tag.is_some() {
            return None;
        }
        match &self.node.kind {
            NodeKind::Seq(items) => Some(items.as_slice()),
            _ => None,
        }
    }
}

/// Whether a node is an intrinsic function call (short or long form).
fn is_intrinsic(n: &Node) -> bool {
    n.tag.is_some() || matches!(n.entries(), [e] if e.key == "Ref" || e.key.starts_with("Fn::"))
}

fn unknown(span: Span, reason: String) -> Val {
    Val::new(span, ValKind::Unknown(reason))
}

/// A string value, or `Unknown` when it holds a dynamic reference.
fn string_val(span: Span, s: String) -> Val {
    if let Some(i) = s.find("{{resolve:") {
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
pub(crate) fn number(text: &str) -> ValKind {
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
pub(crate) fn text_of(v: &Val) -> Result<String, String> {
    match &v.kind {
        ValKind::String(s) => Ok(s.clone()),
        ValKind::Number(n) => Ok(number_text(*n)),
        ValKind::Bool(b) => Ok(b.to_string()),
        ValKind::Null => Ok(String::new()),
        ValKind::Unknown(r) => Err(r.clone()),
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

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The value of a parameter: the given override, else its `Default`, typed from its `Type`.
fn param_value(name: &str, decl: &Node, overrides: &BTreeMap<String, String>) -> Param {
    let ty = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
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
        ValKind::String(raw)
    };
    Param::Known(kind)
}

/// Gives every value inside `v` (list items of a resolved parameter) the span `span`.
fn respan(v: &mut Val, span: Span) {
    v.span = span;
    if let ValKind::List(items) = &mut v.kind {
        for i in items {
            i.span = span;
        }
    }
}

fn base64(bytes: &[u8]) -> String {
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
