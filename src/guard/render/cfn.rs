//! CloudFormation templates as Guard documents, from srm-lint's own parse tree.

use super::{Doc, Info, MAX_NODES};
use crate::source::Span;
use crate::tree::{Node, NodeKind};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// Renders one CloudFormation template (a parse tree) as it is written. `resources` maps the
/// logical ids declared in this template (by the span of their key) to model indices.
pub fn cloudformation(root: &Node, resources: &HashMap<u32, usize>) -> Doc {
    let mut doc = Doc::default();
    let params: HashSet<&str> = root
        .get("Parameters")
        .map(|p| p.entries().iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default();
    let mut r = CfnRender {
        params,
        nodes: HashMap::new(),
        budget: MAX_NODES,
    };
    let mut top = Map::new();
    for e in root.entries() {
        if top.contains_key(&e.key) {
            continue;
        }
        if e.key == "Resources" {
            let mut res = Map::new();
            for r_entry in e.value.entries() {
                if res.contains_key(&r_entry.key) {
                    continue;
                }
                if let Some(&i) = resources.get(&r_entry.key_span.start) {
                    doc.resources
                        .insert(r_entry.key.clone(), (i, r_entry.key_span));
                }
                let ptr = format!("/Resources/{}", r_entry.key);
                res.insert(r_entry.key.clone(), r.node(&r_entry.value, &ptr, None));
            }
            top.insert(e.key.clone(), Value::Object(res));
        } else {
            top.insert(e.key.clone(), r.node(&e.value, "", None));
        }
    }
    doc.value = Value::Object(top);
    // Only nodes inside resources are located; the rest of the template is context.
    doc.nodes = r.nodes;
    doc
}

struct CfnRender<'a> {
    params: HashSet<&'a str>,
    nodes: HashMap<String, Info>,
    budget: usize,
}

impl CfnRender<'_> {
    /// Why a node's value is not static, if it is an intrinsic srm-lint does not resolve here.
    fn unresolved(&self, n: &Node) -> Option<String> {
        let (name, arg) = match (&n.tag, &n.kind) {
            (Some(t), _) => (t.as_str(), n),
            (None, NodeKind::Map(e)) if e.len() == 1 => {
                let first = e.first()?;
                (
                    first.key.strip_prefix("Fn::").unwrap_or(&first.key),
                    &first.value,
                )
            }
            _ => return None,
        };
        match name {
            "If" => Some(
                "depends on a condition (`Fn::If`) srm-lint does not resolve for Guard rules"
                    .into(),
            ),
            "FindInMap" | "ImportValue" | "Select" => Some(format!(
                "depends on `Fn::{name}`, which srm-lint does not resolve for Guard rules"
            )),
            "Ref" => {
                let target = arg.as_str()?;
                (self.params.contains(target) || target.starts_with("AWS::"))
                    .then(|| format!("depends on the parameter `{target}`"))
            }
            _ => None,
        }
    }

    fn node(&mut self, n: &Node, ptr: &str, inherited: Option<&str>) -> Value {
        if self.budget == 0 {
            return Value::Null;
        }
        self.budget -= 1;
        if let Some(tag) = &n.tag {
            let key = match tag.as_str() {
                "Ref" | "Condition" => tag.clone(),
                t => format!("Fn::{t}"),
            };
            let inner_ptr = format!("{ptr}/{key}");
            let inner = if tag == "GetAtt" {
                match n.as_str().and_then(|s| s.split_once('.')) {
                    Some((a, b)) => Value::Array(vec![Value::from(a), Value::from(b)]),
                    None => self.plain(n, &inner_ptr, inherited),
                }
            } else {
                self.plain(n, &inner_ptr, inherited)
            };
            self.record(&inner_ptr, n.span, inherited);
            let mut m = Map::new();
            m.insert(key, inner);
            return Value::Object(m);
        }
        self.plain(n, ptr, inherited)
    }

    fn record(&mut self, ptr: &str, span: Span, unresolved: Option<&str>) {
        if ptr.starts_with("/Resources/") {
            self.nodes.entry(ptr.to_string()).or_insert(Info {
                span,
                unresolved: unresolved.map(str::to_string),
            });
        }
    }

    fn plain(&mut self, n: &Node, ptr: &str, inherited: Option<&str>) -> Value {
        match &n.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(s) => serde_json::from_str::<serde_json::Number>(s)
                .map(Value::Number)
                .unwrap_or_else(|_| Value::String(s.clone())),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{ptr}/{i}");
                    let own = self.unresolved(item);
                    let un = inherited.map(str::to_string).or(own);
                    self.record(&p, item.span, un.as_deref());
                    out.push(self.node(item, &p, un.as_deref()));
                }
                Value::Array(out)
            }
            NodeKind::Map(entries) => {
                let mut m = Map::new();
                for e in entries {
                    if m.contains_key(&e.key) {
                        continue;
                    }
                    let p = format!("{ptr}/{}", e.key);
                    let own = self.unresolved(&e.value);
                    let un = inherited.map(str::to_string).or(own);
                    self.record(&p, e.key_span, un.as_deref());
                    let v = self.node(&e.value, &p, un.as_deref());
                    m.insert(e.key.clone(), v);
                }
                Value::Object(m)
            }
        }
    }
}
