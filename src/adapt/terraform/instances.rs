//! Module instances: a root's instance and, recursively, those of its module calls, within the
//! run's budget of instances and the depth limit.

use super::eval::Instance;
use super::load::{Loaded, Resolution};
use super::module::{is_local_source, CallDecl, ModuleDef};
use super::MAX_MODULE_DEPTH;
use crate::model::{Model, Notice, ToolError};
use foldhash::HashMap;

/// A lazily loaded root: its directory index, module definition and call resolutions.
#[derive(Clone, Copy)]
pub(super) struct Top<'b> {
    pub(super) dir: usize,
    pub(super) def: &'b ModuleDef<'b>,
    pub(super) resolved: &'b HashMap<String, Resolution>,
}

pub(super) struct BuildCtx<'a, 'l> {
    pub(super) loaded: &'l Loaded,
    pub(super) defs: &'a [ModuleDef<'a>],
    /// The root's own directory when it was loaded lazily.
    pub(super) top: Option<Top<'a>>,
    pub(super) root_display: String,
    pub(super) budget: &'l crate::budget::RunBudget,
}

impl<'a> BuildCtx<'a, '_> {
    fn def(&self, dir: usize) -> Option<&'a ModuleDef<'a>> {
        match self.top {
            Some(t) if t.dir == dir => Some(t.def),
            _ => self.defs.get(dir),
        }
    }

    fn resolution(&self, dir: usize, source: &str) -> Option<&Resolution> {
        match self.top {
            Some(t) if t.dir == dir => t.resolved.get(source),
            _ => self.loaded.resolved.get(&(dir, source.to_string())),
        }
    }

    /// Creates the instance of directory `dir` and, recursively, of its module calls.
    pub(super) fn build(
        &self,
        insts: &mut Vec<Instance<'a>>,
        dir: usize,
        prefix: String,
        parent: Option<(usize, &'a CallDecl<'a>)>,
        chain: &mut Vec<usize>,
        model: &mut Model,
    ) -> Option<usize> {
        let def = self.def(dir)?;
        // Roots are bounded by the files; module instances by the run's budget.
        match parent.map(|p| (p, self.budget.instance())) {
            None | Some((_, crate::budget::Grant::Yes)) => {}
            Some(((_, call), grant)) => {
                if grant == crate::budget::Grant::SpentReport {
                    model.errors.push(ToolError {
                        span: call.header,
                        code: "too-complex",
                        message: format!(
                            "the run's budget of {} module instances is spent here; this call \
                             and later ones are not instantiated",
                            crate::budget::MAX_MODULE_INSTANCES
                        ),
                        related: None,
                    });
                }
                return None;
            }
        }
        let id = insts.len();
        insts.push(Instance::new(
            def,
            prefix.clone(),
            parent,
            self.root_display.clone(),
        ));
        for call in &def.calls {
            let name = call.name;
            let notice = |msg: String| Notice::not_checked(call.header, msg);
            let Some(source) = &call.source else {
                model.notices.push(notice(format!(
                    "module.{name} source is not a literal string; its resources are not checked"
                )));
                continue;
            };
            if !is_local_source(source) {
                model.notices.push(notice(format!(
                    "module.{name} source \"{source}\" is not fetched; its resources are not checked"
                )));
                continue;
            }
            match self.resolution(dir, source) {
                Some(Resolution::Dir(child)) => {
                    if chain.contains(child) || chain.len() > MAX_MODULE_DEPTH {
                        let what = if chain.contains(child) { "calls itself (directly or through other modules)" } else { "is nested too deeply" };
                        model.errors.push(ToolError {
                            span: call.header,
                            code: "module-cycle",
                            message: format!("module.{name} (source \"{source}\") {what}; it is not instantiated"),
                            related: None,
                        });
                        continue;
                    }
                    chain.push(*child);
                    let child_prefix = format!("{prefix}module.{name}.");
                    let cid = self.build(insts, *child, child_prefix, Some((id, call)), chain, model);
                    chain.pop();
                    if let (Some(cid), Some(me)) = (cid, insts.get_mut(id)) {
                        me.children.insert(name, cid);
                    }
                }
                Some(Resolution::Refused(why)) => model.notices.push(notice(format!(
                    "module.{name} source \"{source}\" {why}; its resources are not checked"
                ))),
                None => model.notices.push(notice(format!(
                    "module.{name} source \"{source}\" was not loaded; its resources are not checked"
                ))),
            }
        }
        Some(id)
    }
}
