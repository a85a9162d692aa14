//! Where a module's values came from: each use of a module input (`var.X`) is recorded with the
//! callers' arguments behind it, so a finding in a module names the argument that decided it.

use super::eval::Evaluator;
use crate::source::Span;
use foldhash::HashMap;

impl Evaluator<'_> {
    /// Records a use of `var.NAME` of instance `inst` at `span`, when a module call sets it.
    pub fn record_origin(&self, inst: usize, name: &str, span: Span) {
        let Some((_, call)) = self.insts.get(inst).and_then(|m| m.parent) else {
            return;
        };
        if call.body.attr(name).is_some() {
            let chain = self.origin_chain(inst, name);
            self.origins.borrow_mut().push((span, chain));
        }
    }

    /// The callers' arguments that give `var.NAME` of instance `inst` its value, the nearest
    /// first: the call's argument, and when that is itself a bare `var.Y` of a module, the
    /// argument of that module's call, and so on up.
    pub fn origin_chain(&self, inst: usize, name: &str) -> Vec<Span> {
        let mut out = Vec::new();
        let mut cur = inst;
        let mut name = name.to_string();
        while out.len() <= super::MAX_MODULE_DEPTH {
            let Some((parent, call)) = self.insts.get(cur).and_then(|m| m.parent) else {
                break;
            };
            let Some(arg) = call.body.attr(&name) else {
                break;
            };
            out.push(arg.span());
            match arg.bare_var() {
                Some(y) => {
                    cur = parent;
                    name = y;
                }
                None => break,
            }
        }
        out
    }

    /// The module inputs used since the last call (see `origins`), and forgets them.
    pub fn take_origins(&self) -> Vec<(Span, Vec<Span>)> {
        std::mem::take(&mut *self.origins.borrow_mut())
    }
}

/// The module inputs that gave `body` its attributes: each attribute whose value is a use of a
/// module input, by its key's span and its value's span, with the callers' arguments behind it.
pub(super) fn origins_in(
    body: &crate::model::Val,
    used: Vec<(Span, Vec<Span>)>,
) -> Vec<(Span, Vec<Span>)> {
    use crate::model::ValKind;
    let used: HashMap<Span, Vec<Span>> = used
        .into_iter()
        .filter(|(_, chain)| !chain.is_empty())
        .collect();
    let mut out = Vec::new();
    if used.is_empty() {
        return out;
    }
    let mut stack = vec![body];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValKind::Map(attrs) => {
                for a in attrs {
                    if let Some(chain) = used.get(&a.value.span) {
                        out.push((a.key_span, chain.clone()));
                        out.push((a.value.span, chain.clone()));
                    }
                    stack.push(&a.value);
                }
            }
            ValKind::List(items) => stack.extend(items.iter()),
            ValKind::Choice { options, .. } => stack.extend(options.iter()),
            _ => {}
        }
    }
    out
}
