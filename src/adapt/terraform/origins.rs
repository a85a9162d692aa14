//! Where a module's values came from: each use of a module input (`var.X`) is recorded with the
//! callers' arguments behind it (and, for a root variable, its tfvars value), so a finding names
//! the argument that decided it. A local, and a module's output read by its caller, carries the
//! origins of the inputs it was computed from.

use super::eval::{unknown, Evaluator, Scope, Slot, ERR};
use super::hcl::Ex;
use crate::model::Val;
use crate::source::Span;
use foldhash::HashMap;

/// At most this many origins are kept for one local.
const MAX_LOCAL_ORIGINS: usize = 16;

impl<'a> Evaluator<'a> {
    /// Records a use of `var.NAME` of instance `inst` at `span`, when a module call sets it.
    pub fn record_origin(&self, inst: usize, name: &str, span: Span) {
        let chain = self.origin_chain(inst, name);
        if !chain.is_empty() {
            self.origins.borrow_mut().push((span, chain));
        }
    }

    /// `local.NAME` of instance `inst`, spanned at `span`; the origins of the inputs it was
    /// computed from are recorded at `span` on every use.
    pub fn local(&self, inst: usize, name: &str, span: Span) -> Val {
        let Some(me) = self.insts.get(inst) else {
            return unknown(span, "no module instance");
        };
        let cached = match me.locals.borrow().get(name) {
            Some(Slot::Done(v, chain)) => Some((v.clone(), chain.clone())),
            Some(Slot::Busy) => {
                return unknown(span, format!("{ERR}local.{name} refers to itself"));
            }
            None => None,
        };
        if let Some((v, chain)) = cached {
            self.push_origin(span, chain);
            return self.copy(&v, span);
        }
        let Some(ex) = me.def.locals.get(name).copied() else {
            return unknown(span, format!("{ERR}local.{name} is not declared"));
        };
        self.remembered(&me.locals, name, (inst, ex), span, &format!("local.{name}"))
    }

    /// Evaluates `ex` in instance `inst` as `what` (a local or a module output), keeping in
    /// `slots` under `name` its value and the origins of the inputs behind it, which are
    /// recorded at `span` (where it is used).
    pub(super) fn remembered(
        &self,
        slots: &std::cell::RefCell<HashMap<String, Slot>>,
        name: &str,
        (inst, ex): (usize, Ex<'a>),
        span: Span,
        what: &str,
    ) -> Val {
        slots.borrow_mut().insert(name.to_string(), Slot::Busy);
        let mark = self.origins.borrow().len();
        let v = self.jump(span, what, || self.eval(inst, &Scope::default(), ex));
        let chain = self.origins_since(mark);
        slots
            .borrow_mut()
            .insert(name.to_string(), Slot::Done(v.clone(), chain.clone()));
        self.push_origin(span, chain);
        self.carry_literal(&v, span);
        super::eval::respan(v, span)
    }

    /// The callers' arguments behind the module inputs used since the origins held `mark`
    /// entries (at most [`MAX_LOCAL_ORIGINS`], each once): what a local or an output computed
    /// from them carries.
    pub(super) fn origins_since(&self, mark: usize) -> Vec<Span> {
        let mut chain: Vec<Span> = Vec::new();
        for s in self.origins.borrow().iter().skip(mark).flat_map(|(_, c)| c) {
            if !chain.contains(s) && chain.len() < MAX_LOCAL_ORIGINS {
                chain.push(*s);
            }
        }
        chain
    }

    /// Records `chain` at `span` (nothing when it is empty).
    pub(super) fn push_origin(&self, span: Span, chain: Vec<Span>) {
        if !chain.is_empty() {
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
                // The root: a tfvars value (not a `--var`, which has no place in a file).
                let given = self.insts.get(cur).and_then(|m| m.root_values.get(&name));
                if let Some(super::vars::Given::Expr(ex)) = given {
                    out.push(ex.span());
                }
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

    /// Records the number literal `text` at `span` when its text says more than its value
    /// (`1.30`), for comparisons of versions (nothing is kept otherwise).
    pub fn note_literal(&self, span: Span, text: &str) {
        if crate::model::literal_says_more(text) {
            self.literals.borrow_mut().push((span, text.into()));
            self.all_literals.borrow_mut().insert(span, text.into());
        }
    }

    /// Records the text of number `v` at `to` too when `v` is such a literal (a variable, local
    /// or output used at `to`); nothing is looked up unless the run has one.
    pub(super) fn carry_literal(&self, v: &Val, to: Span) {
        if !matches!(v.kind, crate::model::ValKind::Number(_)) {
            return;
        }
        let text = {
            let all = self.all_literals.borrow();
            if all.is_empty() {
                return;
            }
            match all.get(&v.span) {
                Some(t) => t.clone(),
                None => return,
            }
        };
        self.literals.borrow_mut().push((to, text.clone()));
        self.all_literals.borrow_mut().insert(to, text);
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
