//! Terraform resources as CloudFormation-shaped Guard documents, through `mapping.toml`.

use super::super::mapping::{AttrMap, FullMap, Mapping, Transform, TypeMap};
use super::{number, number_text, pascal, toml_json, Doc, Info, MAX_NODES};
use crate::model::{Attr, Lang, Resource, Val, ValKind};
use crate::source::Span;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What rendering the Terraform resources left out.
#[derive(Debug, Clone, Default)]
pub struct Skipped {
    /// Resources of types without a mapping, by type.
    pub types: BTreeMap<String, usize>,
    /// The first skipped resource's header (where the notice points).
    pub first: Option<Span>,
    /// Attributes without a mapping (at any depth).
    pub attributes: usize,
}

/// Renders the Terraform resources of the model, one document per scope (root module).
pub fn terraform(resources: &[Resource], mapping: &Mapping, skipped: &mut Skipped) -> Vec<Doc> {
    let mut by_scope: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        if r.lang == Lang::Terraform {
            by_scope.entry(r.scope.as_str()).or_default().push(i);
        }
    }
    let companion_types: HashSet<&str> = mapping
        .resources
        .iter()
        .filter(|m| m.companion_of.is_some())
        .map(|m| m.terraform.as_str())
        .collect();
    let mut docs = Vec::new();
    for indices in by_scope.values() {
        let mut tf = TfRender {
            nodes: HashMap::new(),
            unmapped: 0,
            budget: MAX_NODES,
        };
        let mut doc = Doc::default();
        let mut res = Map::new();
        // Subjects first: address → key of its rendered resource.
        let mut rendered: HashMap<&str, String> = HashMap::new();
        for &i in indices {
            let Some(r) = resources.get(i) else { continue };
            if companion_types.contains(r.rtype.as_str()) {
                continue;
            }
            let Some(tm) = mapping.primary(&r.rtype).find(|m| applies(m, r)) else {
                *skipped.types.entry(r.rtype.clone()).or_default() += 1;
                skipped.first = Some(skipped.first.map_or(r.header, |f| f.min(r.header)));
                continue;
            };
            let Some(cfn_type) = &tm.cloudformation else {
                continue;
            };
            // The attribute a `when` tests picks the CloudFormation type; it is not a property.
            let own: Vec<Attr> = r
                .body
                .attrs()
                .iter()
                .filter(|a| tm.when.as_ref().is_none_or(|w| w.attribute != a.key))
                .cloned()
                .collect();
            for (n, attrs) in explode(&own, &tm.explode).iter().enumerate() {
                let key = if n == 0 {
                    r.address.clone()
                } else {
                    format!("{}#{}", r.address, n + 1)
                };
                let ptr = format!("/Resources/{key}/Properties");
                let mut props = Map::new();
                tf.attrs(attrs, &tm.attributes, &mut props, &ptr, r.header);
                let mut entry = Map::new();
                entry.insert("Type".into(), Value::from(cfn_type.as_str()));
                entry.insert("Properties".into(), Value::Object(props));
                res.insert(key.clone(), Value::Object(entry));
                doc.resources.insert(key.clone(), (i, r.header));
                if n == 0 {
                    rendered.insert(r.address.as_str(), key);
                }
            }
        }
        // Companions, folded into their subject's properties.
        for &i in indices {
            let Some(c) = resources.get(i) else { continue };
            let Some(cm) = mapping.companion(&c.rtype) else {
                continue;
            };
            let Some(subject) = find_subject(c, cm, indices, resources) else {
                *skipped.types.entry(c.rtype.clone()).or_default() += 1;
                skipped.first = Some(skipped.first.map_or(c.header, |f| f.min(c.header)));
                continue;
            };
            let Some(key) = resources
                .get(subject)
                .and_then(|s| rendered.get(s.address.as_str()))
            else {
                continue;
            };
            let ptr = format!("/Resources/{key}/Properties");
            let Some(props) = res
                .get_mut(key.as_str())
                .and_then(|e| e.get_mut("Properties"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let via = cm.via.as_deref().unwrap_or("");
            let attrs: Vec<Attr> = c
                .body
                .attrs()
                .iter()
                .filter(|a| a.key != via)
                .cloned()
                .collect();
            tf.attrs(&attrs, &cm.attributes, props, &ptr, c.header);
        }
        skipped.attributes += tf.unmapped;
        if res.is_empty() {
            continue;
        }
        let mut top = Map::new();
        top.insert("Resources".into(), Value::Object(res));
        doc.value = Value::Object(top);
        doc.nodes = tf.nodes;
        docs.push(doc);
    }
    docs
}

fn applies(m: &TypeMap, r: &Resource) -> bool {
    match &m.when {
        None => true,
        Some(w) => r.body.get(&w.attribute).and_then(Val::as_str) == Some(w.equals.as_str()),
    }
}

/// The subject a companion refers to, in the same scope.
fn find_subject(
    c: &Resource,
    cm: &TypeMap,
    indices: &[usize],
    resources: &[Resource],
) -> Option<usize> {
    let subject_type = cm.companion_of.as_deref()?;
    let v = c.body.get(cm.via.as_deref()?)?;
    let candidates = || {
        indices
            .iter()
            .copied()
            .filter(|&i| resources.get(i).is_some_and(|r| r.rtype == subject_type))
    };
    if let Some(r) = v.references().first() {
        return candidates().find(|&i| resources.get(i).is_some_and(|s| s.address == r.target));
    }
    let name = v.as_str()?;
    let by = cm.by_name.as_deref()?;
    candidates().find(|&i| {
        resources
            .get(i)
            .and_then(|s| s.body.get(by))
            .and_then(Val::as_str)
            == Some(name)
    })
}

/// Splits attribute lists: one copy per item of each exploded list attribute.
fn explode(attrs: &[Attr], keys: &[String]) -> Vec<Vec<Attr>> {
    if keys.is_empty() {
        return vec![attrs.to_vec()];
    }
    let base: Vec<Attr> = attrs
        .iter()
        .filter(|a| !keys.contains(&a.key))
        .cloned()
        .collect();
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| keys.contains(&a.key)) {
        match &a.value.kind {
            ValKind::List(items) => {
                for item in items {
                    let mut v = base.clone();
                    v.push(Attr {
                        key: a.key.clone(),
                        key_span: item.span,
                        value: item.clone(),
                    });
                    out.push(v);
                }
            }
            ValKind::Null => {}
            _ => {
                let mut v = base.clone();
                v.push(a.clone());
                out.push(v);
            }
        }
    }
    if out.is_empty() {
        out.push(base);
    }
    out
}

struct TfRender {
    nodes: HashMap<String, Info>,
    unmapped: usize,
    budget: usize,
}

fn val_unresolved(v: &Val) -> Option<String> {
    match &v.kind {
        ValKind::Unknown(reason) => Some(reason.to_string()),
        ValKind::Choice { condition, .. } => Some(format!(
            "depends on `{condition}`, which srm-lint cannot resolve"
        )),
        _ => None,
    }
}

impl TfRender {
    fn record(&mut self, ptr: &str, span: Span, unresolved: Option<String>) {
        self.nodes
            .entry(ptr.to_string())
            .or_insert(Info { span, unresolved });
    }

    /// Renders `attrs` through `map` into `obj` (at pointer `ptr`); `origin` is the span of the
    /// containers a mapping creates.
    fn attrs(
        &mut self,
        attrs: &[Attr],
        map: &BTreeMap<String, AttrMap>,
        obj: &mut Map<String, Value>,
        ptr: &str,
        origin: Span,
    ) {
        for a in attrs {
            if a.value.is_null() {
                continue;
            }
            match map.get(&a.key) {
                Some(m) => self.place(a, m, obj, ptr, origin),
                None => self.unmapped += 1,
            }
        }
    }

    fn place(
        &mut self,
        a: &Attr,
        m: &AttrMap,
        obj: &mut Map<String, Value>,
        ptr: &str,
        origin: Span,
    ) {
        let segs: Vec<&str> = m.to().split('.').filter(|s| !s.is_empty()).collect();
        let Some((last, parents)) = segs.split_last() else {
            return;
        };
        let mut cur = obj;
        let mut cur_ptr = ptr.to_string();
        for seg in parents {
            let (name, append) = match seg.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (*seg, false),
            };
            let p = format!("{cur_ptr}/{name}");
            self.record(&p, origin, None);
            if append {
                let list = cur
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Some(list) = list.as_array_mut() else {
                    self.unmapped += 1;
                    return;
                };
                cur_ptr = format!("{p}/{}", list.len());
                self.record(&cur_ptr, a.key_span, None);
                list.push(Value::Object(Map::new()));
                let Some(next) = list.last_mut().and_then(Value::as_object_mut) else {
                    return;
                };
                cur = next;
            } else {
                let next = cur
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                let Some(next) = next.as_object_mut() else {
                    self.unmapped += 1;
                    return;
                };
                cur_ptr = p;
                cur = next;
            }
        }
        let full = m.full();
        match last.strip_suffix("[]") {
            Some(name) => {
                let p = format!("{cur_ptr}/{name}");
                self.record(&p, a.key_span, None);
                let items: Vec<&Val> = match &a.value.kind {
                    ValKind::List(items) => items.iter().collect(),
                    _ => vec![&a.value],
                };
                let list = cur
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Some(list) = list.as_array_mut() else {
                    self.unmapped += 1;
                    return;
                };
                for item in items {
                    let variants = match full {
                        Some(f) if !f.explode.is_empty() => explode(item.attrs(), &f.explode),
                        _ => vec![item.attrs().to_vec()],
                    };
                    for attrs in variants {
                        let ep = format!("{p}/{}", list.len());
                        self.record(&ep, item.span, val_unresolved(item));
                        let v = self.element(item, &attrs, full, &ep);
                        list.push(v);
                    }
                }
            }
            None => {
                let p = format!("{cur_ptr}/{last}");
                self.record(&p, a.key_span, val_unresolved(&a.value));
                match full.and_then(|f| f.attributes.as_ref()) {
                    Some(sub) => {
                        // A block (or the first of repeated blocks) into an object.
                        let block = match &a.value.kind {
                            ValKind::List(items) => items.first().unwrap_or(&a.value),
                            _ => &a.value,
                        };
                        let target = cur
                            .entry(last.to_string())
                            .or_insert_with(|| Value::Object(Map::new()));
                        let Some(target) = target.as_object_mut() else {
                            self.unmapped += 1;
                            return;
                        };
                        self.attrs(block.attrs(), sub, target, &p, a.key_span);
                    }
                    None => {
                        let v = self.element(&a.value, &[], full, &p);
                        cur.insert(last.to_string(), v);
                    }
                }
            }
        }
    }

    /// One value (or list element): mapped attributes, a wrapped value, or the value itself.
    fn element(&mut self, v: &Val, attrs: &[Attr], full: Option<&FullMap>, ptr: &str) -> Value {
        let constants = |m: &mut Map<String, Value>| {
            if let Some(f) = full {
                for (k, c) in &f.set {
                    m.insert(k.clone(), toml_json(c));
                }
            }
        };
        if let Some(sub) = full.and_then(|f| f.attributes.as_ref()) {
            let mut m = Map::new();
            constants(&mut m);
            self.attrs(attrs, sub, &mut m, ptr, v.span);
            return Value::Object(m);
        }
        let transform = full.and_then(|f| f.transform);
        if let Some(key) = full.and_then(|f| f.wrap.as_ref()) {
            let mut m = Map::new();
            constants(&mut m);
            let p = format!("{ptr}/{key}");
            self.record(&p, v.span, val_unresolved(v));
            let inner = self.value(v, &p, transform, None);
            m.insert(key.clone(), inner);
            return Value::Object(m);
        }
        self.value(v, ptr, transform, None)
    }

    /// A value copied as it is (after a transform), recording spans of its parts.
    fn value(
        &mut self,
        v: &Val,
        ptr: &str,
        transform: Option<Transform>,
        inherited: Option<&str>,
    ) -> Value {
        if self.budget == 0 {
            return Value::Null;
        }
        self.budget -= 1;
        let own = val_unresolved(v);
        let un = inherited.map(str::to_string).or(own);
        match (&v.kind, transform) {
            (ValKind::Bool(b), Some(Transform::EnabledStatus)) => {
                Value::from(if *b { "Enabled" } else { "Suspended" })
            }
            (ValKind::Bool(b), Some(Transform::String)) => Value::from(b.to_string()),
            (ValKind::Number(n), Some(Transform::String)) => Value::from(number_text(*n)),
            (ValKind::String(s), Some(Transform::PascalCase)) => Value::from(pascal(s)),
            (ValKind::String(s), Some(Transform::Json)) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::from(s.as_str()))
            }
            (ValKind::Map(attrs), Some(Transform::Tags)) => {
                let mut out = Vec::new();
                for (i, a) in attrs.iter().enumerate() {
                    let p = format!("{ptr}/{i}");
                    self.record(&p, a.key_span, un.clone());
                    let mut m = Map::new();
                    m.insert("Key".into(), Value::from(a.key.as_str()));
                    let vp = format!("{p}/Value");
                    self.record(&vp, a.value.span, val_unresolved(&a.value));
                    m.insert(
                        "Value".into(),
                        self.value(&a.value, &vp, None, un.as_deref()),
                    );
                    out.push(Value::Object(m));
                }
                Value::Array(out)
            }
            (ValKind::List(_), Some(Transform::List)) => self.value(v, ptr, None, inherited),
            (_, Some(Transform::List)) => {
                let p = format!("{ptr}/0");
                self.record(&p, v.span, un.clone());
                Value::Array(vec![self.value(v, &p, None, un.as_deref())])
            }
            (ValKind::Null, _) => Value::Null,
            (ValKind::Bool(b), _) => Value::Bool(*b),
            (ValKind::Number(n), _) => number(*n),
            (ValKind::String(s), _) => Value::from(s.as_str()),
            (ValKind::List(items), _) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{ptr}/{i}");
                    self.record(&p, item.span, un.clone().or_else(|| val_unresolved(item)));
                    out.push(self.value(item, &p, transform, un.as_deref()));
                }
                Value::Array(out)
            }
            (ValKind::Map(attrs), _) => {
                let mut m = Map::new();
                for a in attrs {
                    let p = format!("{ptr}/{}", a.key);
                    self.record(
                        &p,
                        a.key_span,
                        un.clone().or_else(|| val_unresolved(&a.value)),
                    );
                    let inner = self.value(&a.value, &p, None, un.as_deref());
                    m.insert(a.key.clone(), inner);
                }
                Value::Object(m)
            }
            (ValKind::Ref(r), _) => {
                let mut m = Map::new();
                match r.attribute.as_deref() {
                    None | Some("id") => {
                        m.insert("Ref".into(), Value::from(r.target.as_str()));
                    }
                    Some(a) => {
                        m.insert(
                            "Fn::GetAtt".into(),
                            Value::Array(vec![
                                Value::from(r.target.as_str()),
                                Value::from(pascal(a)),
                            ]),
                        );
                    }
                }
                Value::Object(m)
            }
            (ValKind::Unknown(reason), _) => {
                let mut m = Map::new();
                m.insert("Ref".into(), Value::from(reason.text.as_str()));
                Value::Object(m)
            }
            (
                ValKind::Choice {
                    condition, options, ..
                },
                _,
            ) => {
                let p = format!("{ptr}/Fn::If");
                let mut args = vec![Value::from(condition.as_str())];
                for (i, o) in options.iter().enumerate() {
                    let op = format!("{p}/{}", i + 1);
                    self.record(&op, o.span, un.clone());
                    args.push(self.value(o, &op, transform, un.as_deref()));
                }
                let mut m = Map::new();
                m.insert("Fn::If".into(), Value::Array(args));
                Value::Object(m)
            }
        }
    }
}
