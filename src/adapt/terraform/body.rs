//! Block bodies into [`Val`] maps (attributes, nested and repeated blocks, `dynamic` blocks), and
//! `data "aws_iam_policy_document"` rendered as a JSON-shaped policy document.

use super::eval::{not_known, unknown, Evaluator, Scope};
use super::hcl::{block_header, json_objects, Bd};
use crate::model::{Attr, Val, ValKind};
use crate::source::Span;
use crate::tree::Node;
use foldhash::{HashMap, HashMapExt};
use hcl_edit::structure::{Block, Structure};
use hcl_edit::Span as _;

/// Resource meta-arguments that are not part of the resource's configuration.
const META_ATTRS: &[&str] = &["count", "for_each", "depends_on", "provider"];
/// Resource meta-blocks that are dropped.
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];
/// Most instances a known `dynamic` block is expanded into.
const MAX_DYNAMIC: usize = 256;

/// Builds the attribute list of a body, grouping repeated blocks into lists.
struct Builder {
    attrs: Vec<Attr>,
    blocks: HashMap<String, usize>,
}

impl Builder {
    fn new() -> Self {
        Builder {
            attrs: Vec::new(),
            blocks: HashMap::new(),
        }
    }

    fn attr(&mut self, key: String, key_span: Span, value: Val) {
        self.attrs.push(Attr {
            key,
            key_span,
            value,
        });
    }

    fn block(&mut self, key: String, key_span: Span, value: Val) {
        match self.blocks.get(&key).and_then(|&i| self.attrs.get_mut(i)) {
            Some(existing) => match &mut existing.value.kind {
                ValKind::List(items) => items.push(value),
                _ => {
                    let first = existing.value.clone();
                    existing.value = Val::new(first.span, ValKind::List(vec![first, value]));
                }
            },
            None => {
                self.blocks.insert(key.clone(), self.attrs.len());
                self.attr(key, key_span, value);
            }
        }
    }

    fn finish(self, span: Span) -> Val {
        Val::new(span, ValKind::Map(self.attrs))
    }
}

impl<'a> Evaluator<'a> {
    /// The value of a block body; `top` drops resource meta-arguments.
    pub fn body_val(&self, inst: usize, scope: &Scope, bd: Bd<'a>, span: Span, top: bool) -> Val {
        let mut b = Builder::new();
        match bd {
            Bd::Hcl(body, loc) => {
                for s in body.iter() {
                    match s {
                        Structure::Attribute(a) => {
                            let key = a.key.as_str();
                            if top && META_ATTRS.contains(&key) {
                                continue;
                            }
                            let v = self.eval(inst, scope, super::hcl::Ex::Hcl(&a.value, loc));
                            b.attr(key.to_string(), loc.span_of(a.key.span()), v);
                        }
                        Structure::Block(blk) => {
                            let ident = blk.ident.as_str();
                            if top && META_BLOCKS.contains(&ident) {
                                continue;
                            }
                            let header = block_header(blk, loc);
                            if ident == "dynamic" {
                                self.dynamic_hcl(inst, scope, blk, loc, header, &mut b);
                                continue;
                            }
                            let whole = loc.span(blk.span(), header);
                            let v =
                                self.body_val(inst, scope, Bd::Hcl(&blk.body, loc), whole, false);
                            b.block(ident.to_string(), header, v);
                        }
                    }
                }
            }
            Bd::Json(n) => {
                for o in json_objects(n) {
                    for e in o.entries() {
                        if top
                            && (META_ATTRS.contains(&e.key.as_str())
                                || META_BLOCKS.contains(&e.key.as_str()))
                        {
                            continue;
                        }
                        if e.key == "dynamic" {
                            for d in json_objects(&e.value) {
                                for de in d.entries() {
                                    self.dynamic_json(
                                        inst,
                                        scope,
                                        &de.key,
                                        de.key_span,
                                        &de.value,
                                        &mut b,
                                    );
                                }
                            }
                            continue;
                        }
                        let v = self.eval(inst, scope, super::hcl::Ex::Json(&e.value));
                        b.attr(e.key.clone(), e.key_span, v);
                    }
                }
            }
        }
        b.finish(span)
    }

    fn dynamic_hcl(
        &self,
        inst: usize,
        scope: &Scope,
        blk: &'a Block,
        loc: super::hcl::Loc,
        header: Span,
        b: &mut Builder,
    ) {
        let Some(name) = blk.labels.first().map(|l| l.as_str()) else {
            return;
        };
        let body = Bd::Hcl(&blk.body, loc);
        let content: Vec<(Bd<'a>, Span)> = body.blocks("content");
        self.dynamic(inst, scope, name, header, body, content, b);
    }

    fn dynamic_json(
        &self,
        inst: usize,
        scope: &Scope,
        name: &str,
        key_span: Span,
        n: &'a Node,
        b: &mut Builder,
    ) {
        for o in json_objects(n) {
            let body = Bd::Json(o);
            let content = body.blocks("content");
            self.dynamic(inst, scope, name, key_span, body, content, b);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn dynamic(
        &self,
        inst: usize,
        scope: &Scope,
        name: &str,
        header: Span,
        body: Bd<'a>,
        content: Vec<(Bd<'a>, Span)>,
        b: &mut Builder,
    ) {
        let iter = body
            .attr("iterator")
            .and_then(|e| match e {
                super::hcl::Ex::Hcl(hcl_edit::expr::Expression::Variable(v), _) => {
                    Some(v.as_str().to_string())
                }
                super::hcl::Ex::Json(n) => n.as_str().map(str::to_string),
                _ => None,
            })
            .unwrap_or_else(|| name.to_string());
        let Some((content, content_span)) = content.into_iter().next() else {
            return;
        };
        let each = match body.attr("for_each") {
            Some(fe) => self.eval(inst, scope, fe),
            None => unknown(header, format!("dynamic \"{name}\" has no for_each")),
        };
        let elems: Option<Vec<(Val, Val)>> = match &each.kind {
            ValKind::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(v.span, ValKind::Number(i as f64)), v.clone()))
                    .collect(),
            ),
            ValKind::Map(attrs) => Some(
                attrs
                    .iter()
                    .map(|a| {
                        (
                            Val::new(a.key_span, ValKind::String(a.key.clone())),
                            a.value.clone(),
                        )
                    })
                    .collect(),
            ),
            ValKind::Null => Some(Vec::new()),
            _ => None,
        };
        match elems {
            Some(elems) if elems.len() <= MAX_DYNAMIC => {
                for (k, v) in elems {
                    let it = Val::new(
                        v.span,
                        ValKind::Map(vec![
                            Attr {
                                key: "key".into(),
                                key_span: k.span,
                                value: k,
                            },
                            Attr {
                                key: "value".into(),
                                key_span: v.span,
                                value: v,
                            },
                        ]),
                    );
                    let val =
                        self.body_val(inst, &scope.with(&iter, it), content, content_span, false);
                    b.block(name.to_string(), header, val);
                }
            }
            _ => {
                let why = format!(
                    "{iter} comes from the for_each of dynamic \"{name}\", which is not known ({})",
                    not_known(&each).unwrap_or_else(|| "too many elements".into())
                );
                let val = self.body_val(
                    inst,
                    &scope.with(&iter, unknown(header, why)),
                    content,
                    content_span,
                    false,
                );
                b.block(name.to_string(), header, val);
            }
        }
    }

    /// `data.aws_iam_policy_document.X.json` as a policy document map.
    pub fn policy_document(&self, inst: usize, body: Bd<'a>, span: Span) -> Val {
        let raw = self.body_val(inst, &Scope::default(), body, span, true);
        policy_from_body(&raw, span)
    }
}

fn items(v: &Val) -> Vec<&Val> {
    match &v.kind {
        ValKind::List(items) => items.iter().collect(),
        _ => vec![v],
    }
}

fn put(out: &mut Vec<Attr>, src: &Val, from: &str, to: &str) {
    if let Some(a) = src.attr(from) {
        out.push(Attr {
            key: to.to_string(),
            key_span: a.key_span,
            value: a.value.clone(),
        });
    }
}

/// Principals blocks (`type`, `identifiers`) as an IAM `Principal` value.
fn principals(blocks: &Attr) -> Val {
    let mut map: Vec<Attr> = Vec::new();
    for p in items(&blocks.value) {
        let ty = p
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string();
        let ids = p
            .get("identifiers")
            .cloned()
            .unwrap_or_else(|| Val::new(p.span, ValKind::Null));
        let is_star = |v: &Val| match &v.kind {
            ValKind::List(l) => l.len() == 1 && l.first().and_then(|x| x.as_str()) == Some("*"),
            ValKind::String(s) => s == "*",
            _ => false,
        };
        if ty == "*" && is_star(&ids) {
            return Val::new(ids.span, ValKind::String("*".into()));
        }
        match map.iter_mut().find(|a| a.key == ty) {
            Some(a) => {
                if let (ValKind::List(x), ValKind::List(y)) = (&mut a.value.kind, ids.kind.clone())
                {
                    x.extend(y);
                }
            }
            None => map.push(Attr {
                key: ty,
                key_span: p.span,
                value: ids,
            }),
        }
    }
    Val::new(blocks.value.span, ValKind::Map(map))
}

/// Renders the evaluated body of an `aws_iam_policy_document` as `{Version, Statement: [...]}`.
pub(crate) fn policy_from_body(raw: &Val, span: Span) -> Val {
    let mut doc = Vec::new();
    match raw.attr("version") {
        Some(_) => put(&mut doc, raw, "version", "Version"),
        None => doc.push(Attr {
            key: "Version".into(),
            key_span: span,
            value: Val::new(span, ValKind::String("2012-10-17".into())),
        }),
    }
    let mut statements = Vec::new();
    if let Some(st) = raw.attr("statement") {
        for s in items(&st.value) {
            let mut out = Vec::new();
            put(&mut out, s, "sid", "Sid");
            match s.attr("effect") {
                Some(_) => put(&mut out, s, "effect", "Effect"),
                None => out.push(Attr {
                    key: "Effect".into(),
                    key_span: s.span,
                    value: Val::new(s.span, ValKind::String("Allow".into())),
                }),
            }
            put(&mut out, s, "actions", "Action");
            put(&mut out, s, "not_actions", "NotAction");
            put(&mut out, s, "resources", "Resource");
            put(&mut out, s, "not_resources", "NotResource");
            for (from, to) in [
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ] {
                if let Some(p) = s.attr(from) {
                    out.push(Attr {
                        key: to.into(),
                        key_span: p.key_span,
                        value: principals(p),
                    });
                }
            }
            if let Some(c) = s.attr("condition") {
                let mut tests: Vec<Attr> = Vec::new();
                for cb in items(&c.value) {
                    let test = cb
                        .get("test")
                        .and_then(|t| t.as_str())
                        .unwrap_or("")
                        .to_string();
                    let var = cb
                        .get("variable")
                        .and_then(|t| t.as_str())
                        .unwrap_or("")
                        .to_string();
                    let values = cb
                        .get("values")
                        .cloned()
                        .unwrap_or_else(|| Val::new(cb.span, ValKind::Null));
                    let entry = Attr {
                        key: var,
                        key_span: cb.span,
                        value: values,
                    };
                    match tests.iter_mut().find(|t| t.key == test) {
                        Some(t) => {
                            if let ValKind::Map(m) = &mut t.value.kind {
                                m.push(entry);
                            }
                        }
                        None => tests.push(Attr {
                            key: test,
                            key_span: cb.span,
                            value: Val::new(cb.span, ValKind::Map(vec![entry])),
                        }),
                    }
                }
                out.push(Attr {
                    key: "Condition".into(),
                    key_span: c.key_span,
                    value: Val::new(c.value.span, ValKind::Map(tests)),
                });
            }
            statements.push(Val::new(s.span, ValKind::Map(out)));
        }
        doc.push(Attr {
            key: "Statement".into(),
            key_span: st.key_span,
            value: Val::new(st.value.span, ValKind::List(statements)),
        });
    } else {
        doc.push(Attr {
            key: "Statement".into(),
            key_span: span,
            value: Val::new(span, ValKind::List(statements)),
        });
    }
    Val::new(span, ValKind::Map(doc))
}
