//! Node → [`Val`] conversion with CloudFormation intrinsic functions, parameters, mappings and
//! conditions. Work is bounded by a nesting cap and a step budget, so hostile templates give
//! `Unknown` values instead of exhausting the stack or the CPU.

use crate::model::{Attr, Reason, Reference, ToolError, Val, ValKind};
use crate::source::Span;
use crate::tree::{Node, NodeKind};
use foldhash::{HashMap, HashMapExt as _, HashSet}; // every `Ref` looks a name up in these
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::scenarios::Scenario;
pub(super) use super::values::Reads;
use super::values::{base64, is_intrinsic, param_value, string_val, text_of, unknown, Param};

/// Deepest value nesting converted; deeper content becomes `Unknown`.
pub(super) const MAX_VAL_DEPTH: usize = 100;
/// Conversion steps allowed per template.
const STEP_BUDGET: usize = 5_000_000;

/// Template-wide context for converting values.
pub(crate) struct Ctx<'a> {
    pub(super) params: HashMap<String, Param>,
    pub(super) overrides: &'a BTreeMap<String, String>,
    pub(super) mappings: Option<&'a Node>,
    pub(super) conditions: HashMap<&'a str, &'a Node>,
    pub(super) cond_cache: RefCell<HashMap<String, Option<bool>>>,
    pub(super) resources: HashSet<&'a str>,
    pub(super) steps: Cell<usize>,
    /// Problems found while evaluating (e.g. `Fn::If` naming a missing condition), by span.
    pub(super) errors: RefCell<Vec<ToolError>>,
    /// The deployment scenario values are converted for (see [`super::scenarios`]).
    pub(super) scenario: RefCell<Scenario>,
    /// Parameters with several possible values, and conditions, read since the last reset.
    pub(super) reads: RefCell<Reads>,
    /// Numbering of the current resource's scenarios (see [`crate::model::ValKind::Choice`]).
    pub(super) space: Cell<u32>,
    /// Number literals converted since last taken whose text says more than the number.
    pub(super) literals: RefCell<Vec<(Span, Box<str>)>>,
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
            errors: RefCell::new(Vec::new()),
            scenario: RefCell::new(Scenario::default()),
            reads: RefCell::new(Reads::default()),
            literals: RefCell::default(),
            space: Cell::new(0),
        }
    }

    /// Reports that `name`, used at `span`, is not a condition of the template (once per span).
    /// Returns whether it is missing.
    pub(crate) fn missing_condition(&self, name: &str, span: Span) -> bool {
        if self.conditions.contains_key(name) {
            return false;
        }
        let mut errors = self.errors.borrow_mut();
        if !errors.iter().any(|e| e.span == span) {
            errors.push(ToolError {
                span,
                code: "invalid-template",
                message: format!("condition `{name}` is not defined in `Conditions`"),
                related: None,
            });
        }
        true
    }

    /// The problems found while evaluating, in source order.
    pub(crate) fn take_errors(&self) -> Vec<ToolError> {
        let mut e = std::mem::take(&mut *self.errors.borrow_mut());
        e.sort_by_key(|e| e.span);
        e
    }

    /// Whether the step budget ran out (some values became `Unknown` for that reason).
    pub(crate) fn exhausted(&self) -> bool {
        self.steps.get() > STEP_BUDGET
    }

    pub(super) fn step(&self) -> bool {
        let s = self.steps.get().saturating_add(1);
        self.steps.set(s);
        s <= STEP_BUDGET
    }

    /// Converts a node to a value, evaluating intrinsic functions.
    pub(crate) fn val(&self, n: &Node) -> Val {
        self.conv(n, 0)
    }

    pub(super) fn conv(&self, n: &Node, depth: usize) -> Val {
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
            NodeKind::Number(t) => Val::new(span, self.number_literal(span, t)),
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
    pub(super) fn arg_val(&self, arg: Arg<'_>, d: usize) -> Val {
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
                match self.cond_op(
                    name,
                    arg.items(),
                    &arg.node.kind,
                    arg.node.span,
                    &mut visiting,
                    d,
                ) {
                    Some(b) => Val::new(span, ValKind::Bool(b)),
                    None => unknown(span, format!("condition `Fn::{name}` cannot be decided")),
                }
            }
            "Transform" => unknown(span, "`Fn::Transform` runs a macro at deploy time".into()),
            "Length" => self.length(arg, span, d),
            "ToJsonString" => self.to_json_string(arg, span, d),
            other => unknown(
                span,
                format!("intrinsic function `{other}` is not evaluated"),
            ),
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
        let entries = vars.map(Node::entries).unwrap_or(&[]);
        let var_vals: Vec<(String, Val)> = entries
            .iter()
            .map(|e| (e.key.clone(), self.conv(&e.value, d)))
            .collect();
        let mut out = String::new();
        let mut first_unknown: Option<String> = None;
        let (mut first_gap, mut last_gap_end) = (None, 0); // unknown pieces' place in `out`
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
            if text_of(&resolved).is_err() {
                first_gap.get_or_insert(out.len());
                last_gap_end = out.len();
            }
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
            Some(r) => {
                let r = Reason::partly(r.into(), &out, first_gap, last_gap_end);
                Val::new(span, ValKind::Unknown(r))
            }
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
        if self.missing_condition(name, c.span) {
            return unknown(
                span,
                format!("`Fn::If` names condition `{name}`, which is not defined"),
            );
        }
        match self.condition(name) {
            Some(true) => self.conv(a, d),
            Some(false) => self.conv(b, d),
            None => {
                let (a, b) = (self.conv(a, d), self.conv(b, d));
                self.undecided_if(name, a, b, span)
            }
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
                                scenarios: Vec::new(),
                                members: Vec::new(),
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
}

/// An intrinsic function's argument: a node, or a tagged node read without its tag.
#[derive(Clone, Copy)]
pub(super) struct Arg<'n> {
    /// The argument node.
    pub(super) node: &'n Node,
    /// The node carries the function's own tag (`!Sub x`), so the tag is not read again.
    pub(super) bare: bool,
}

impl<'n> Arg<'n> {
    /// The items when the argument is a literal list.
    pub(super) fn items(self) -> Option<&'n [Node]> {
        if !self.bare && self.node.tag.is_some() {
            return None;
        }
        match &self.node.kind {
            NodeKind::Seq(items) => Some(items.as_slice()),
            _ => None,
        }
    }
}
