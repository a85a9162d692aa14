//! Module calls with `count` / `for_each`: one module instance per known instance key, with
//! Terraform's address (`module.db[0].`, `module.site["prod"].`), so each gets its own values
//! and its resources are reported once per instance.
//!
//! Instances are built depth-first (a call's subtree is a contiguous run of indices); a call whose
//! instances are known has its subtree copied once per further key, appended after the others,
//! each copy with its own caches and `count.index` / `each` bound. A call whose instances are not
//! known stays one instance (its values are choices over the instances, or unknown).

use super::eval::{Evaluator, Instance};
use super::repeat::Repeat;
use crate::budget::Grant;
use crate::model::ToolError;
use foldhash::{HashMap, HashMapExt};

impl Evaluator<'_> {
    /// Expands every module call with known instances (see the module documentation).
    pub(super) fn expand_modules(
        &mut self,
        budget: &crate::budget::RunBudget,
        errors: &mut Vec<ToolError>,
    ) {
        let mut i = 1;
        while i < self.insts.len() {
            let rep = self.call_repeat(i);
            if rep.instances.is_empty() {
                i += 1;
                continue;
            }
            let end = self.subtree_end(i);
            let size = end - i;
            let extra = (rep.instances.len() - 1).saturating_mul(size);
            let mut granted = true;
            for _ in 0..extra {
                match budget.instance() {
                    Grant::Yes => {}
                    grant => {
                        if grant == Grant::SpentReport {
                            if let Some((_, call)) = self.insts.get(i).and_then(|m| m.parent) {
                                errors.push(ToolError {
                                    span: call.header,
                                    code: "too-complex",
                                    message: format!(
                                        "the run's budget of {} module instances is spent here; \
                                         this call's instances are checked together",
                                        crate::budget::MAX_MODULE_INSTANCES
                                    ),
                                    related: None,
                                });
                            }
                        }
                        granted = false;
                        break;
                    }
                }
            }
            if !granted {
                i += 1;
                continue;
            }
            let Some(old) = self.insts.get(i).map(|m| m.prefix.clone()) else {
                break;
            };
            let base = old.strip_suffix('.').unwrap_or(&old).to_string();
            let mut ones = rep.instances.into_iter();
            if let Some(first) = ones.next() {
                self.rekey(i, end, &old, &format!("{base}{}.", first.key));
                if let Some(me) = self.insts.get(i) {
                    me.set_call_repeat(Repeat {
                        scope: first.scope,
                        ..Repeat::default()
                    });
                }
            }
            let now = self
                .insts
                .get(i)
                .map(|m| m.prefix.clone())
                .unwrap_or_default();
            for one in ones {
                let start = self.insts.len();
                self.copy_subtree(i, end, &now, &format!("{base}{}.", one.key));
                if let Some(me) = self.insts.get(start) {
                    me.set_call_repeat(Repeat {
                        scope: one.scope,
                        ..Repeat::default()
                    });
                }
            }
            i += 1;
        }
    }

    /// The child instance of `inst` that module call `call` names: `x` (the call's first
    /// instance), or `x[0]` / `x["k"]` (that instance; the call's only instance when its
    /// instances are not known).
    pub(super) fn child_instance(&self, inst: usize, call: &str) -> Option<usize> {
        let me = self.insts.get(inst)?;
        let name = call.split('[').next()?;
        let first = *me.children.get(name)?;
        if name == call {
            return Some(first);
        }
        let whole = format!("{}module.{name}.", me.prefix);
        if self.insts.get(first).is_some_and(|c| c.prefix == whole) {
            return Some(first);
        }
        let want = format!("{}module.{call}.", me.prefix);
        (first..self.insts.len()).find(|&j| {
            self.insts
                .get(j)
                .is_some_and(|c| c.prefix == want && c.parent.is_some_and(|(p, _)| p == inst))
        })
    }

    /// One past the last index of instance `i`'s subtree (contiguous while it is not expanded).
    fn subtree_end(&self, i: usize) -> usize {
        let mut end = i + 1;
        while end < self.insts.len() && self.descends(end, i) {
            end += 1;
        }
        end
    }

    /// Whether instance `d` is `a` or below it.
    fn descends(&self, d: usize, a: usize) -> bool {
        let mut cur = Some(d);
        let mut steps = 0;
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            if c < a || steps > self.insts.len() {
                return false;
            }
            steps += 1;
            cur = self.insts.get(c).and_then(|m| m.parent.map(|(p, _)| p));
        }
        false
    }

    /// Replaces the address prefix `old` by `new` on instances `from..end`.
    fn rekey(&mut self, from: usize, end: usize, old: &str, new: &str) {
        for m in self.insts.get_mut(from..end).unwrap_or_default() {
            if let Some(rest) = m.prefix.strip_prefix(old) {
                m.prefix = format!("{new}{rest}");
            }
        }
    }

    /// Appends a fresh copy of instances `from..end` (a subtree rooted at `from`), with the
    /// address prefix `old` replaced by `new`, its parent the same as `from`'s.
    fn copy_subtree(&mut self, from: usize, end: usize, old: &str, new: &str) {
        let offset = self.insts.len();
        let remap = |x: usize| {
            if (from..end).contains(&x) {
                x - from + offset
            } else {
                x
            }
        };
        let copies: Vec<Instance<'_>> = self
            .insts
            .get(from..end)
            .unwrap_or_default()
            .iter()
            .map(|m| {
                let prefix = match m.prefix.strip_prefix(old) {
                    Some(rest) => format!("{new}{rest}"),
                    None => m.prefix.clone(),
                };
                let parent = m.parent.map(|(p, c)| (remap(p), c));
                let mut c = Instance::new(m.def, prefix, parent, m.root_display.clone());
                let mut children = HashMap::with_capacity(m.children.len());
                for (name, &child) in &m.children {
                    children.insert(*name, remap(child));
                }
                c.children = children;
                c
            })
            .collect();
        self.insts.extend(copies);
    }
}
