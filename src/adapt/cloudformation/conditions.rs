//! CloudFormation `Conditions`: three-valued evaluation of `Fn::Equals`, `Fn::And`, `Fn::Or`,
//! `Fn::Not` and `Condition` references, cached per name and guarded against cycles.

use super::intrinsics::{Arg, Ctx, MAX_VAL_DEPTH};
use super::values::text_of;
use crate::source::Span;
use crate::tree::{Node, NodeKind};

impl Ctx<'_> {
    /// Evaluates a named condition: `Some(b)` when decided, `None` when it depends on unknown
    /// values, is missing, or is cyclic.
    pub(crate) fn condition(&self, name: &str) -> Option<bool> {
        {
            let mut reads = self.reads.borrow_mut();
            if !reads.conditions.iter().any(|c| c == name) {
                reads.conditions.push(name.to_string());
            }
        }
        let mut visiting = Vec::new();
        self.condition_in(name, &mut visiting, 0)
    }

    pub(super) fn condition_in(
        &self,
        name: &str,
        visiting: &mut Vec<String>,
        d: usize,
    ) -> Option<bool> {
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

    pub(super) fn cond_expr(&self, n: &Node, visiting: &mut Vec<String>, d: usize) -> Option<bool> {
        match (&n.tag, &n.kind) {
            (Some(t), _) => {
                let arg = Arg {
                    node: n,
                    bare: true,
                };
                self.cond_op(t, arg.items(), &n.kind, n.span, visiting, d)
            }
            (None, NodeKind::Map(entries)) => match entries.as_slice() {
                [e] => {
                    let arg = Arg {
                        node: &e.value,
                        bare: false,
                    };
                    let name = e.key.trim_start_matches("Fn::");
                    self.cond_op(name, arg.items(), &e.value.kind, e.value.span, visiting, d)
                }
                _ => None,
            },
            (None, NodeKind::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub(super) fn cond_op(
        &self,
        name: &str,
        items: Option<&[Node]>,
        kind: &NodeKind,
        span: Span,
        visiting: &mut Vec<String>,
        d: usize,
    ) -> Option<bool> {
        if d > MAX_VAL_DEPTH || !self.step() {
            return None;
        }
        let items = items.unwrap_or(&[]);
        match name {
            "Condition" => match kind {
                NodeKind::String(s) => {
                    if self.missing_condition(s, span) {
                        return None;
                    }
                    self.condition_in(s, visiting, d + 1)
                }
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
