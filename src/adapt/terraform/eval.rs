//! Expression evaluation: HCL (and JSON-syntax) expressions into [`Val`]s, with a step budget
//! and a bound on how deeply references (locals, module variables and outputs) are followed.

use super::hcl::{Ex, Loc};
use super::module::{CallDecl, ModuleDef};
use super::ops::respan_deep;
pub(crate) use super::value::{
    as_bool, as_num, known_eq, not_known, num_text, respan, to_text, unknown,
};
use crate::model::{Reason, Reference, Val, ValKind};
use crate::source::{SourceMap, Span};
use crate::tree::NodeKind;
use foldhash::{HashMap, HashMapExt};
use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Template};
use std::cell::{Cell, RefCell};

/// Evaluation steps allowed for one resource (or one local / output).
pub(crate) const STEP_BUDGET: u32 = 200_000;
/// How many references (local → local → module variable → …) may be followed in a chain.
const MAX_JUMPS: u32 = 24;
/// Deepest nesting of expressions being evaluated at once, across jumps: the budget of steps is
/// per jump and the jumps are bounded, but a deeply nested expression in each of 24 nested
/// locals would still recurse past any thread's stack (seen with debug-build frames).
const MAX_EVAL_DEPTH: u32 = 384;
/// Prefix of the reason of an evaluation error (as opposed to a value unknown until apply);
/// `try` and `can` look for it.
pub(crate) const ERR: &str = "invalid expression: ";

/// A lazily computed value.
#[derive(Debug, Clone)]
pub(super) enum Slot {
    Busy,
    /// The value, and the callers' arguments and tfvars values behind it (locals, outputs).
    Done(Val, Vec<Span>),
}

/// One instance of a module (the root, or a module call inside another instance).
#[derive(Debug)]
pub(crate) struct Instance<'a> {
    /// The module's declarations.
    pub def: &'a ModuleDef<'a>,
    /// Address prefix (`""`, `module.a.`, `module.a.module.b.`).
    pub prefix: String,
    /// The calling instance and the call, for a child module.
    pub parent: Option<(usize, &'a CallDecl<'a>)>,
    /// Child instances by call name.
    pub children: HashMap<&'a str, usize>,
    /// Values of the root module's variables from tfvars files and the command line.
    pub root_values: HashMap<String, super::vars::Given<'a>>,
    /// Display string of the root module directory.
    pub root_display: String,
    vars: RefCell<HashMap<String, Val>>,
    pub(super) locals: RefCell<HashMap<String, Slot>>,
    outputs: RefCell<HashMap<String, Slot>>,
    /// The `count` / `for_each` of the call that created this instance (`Some(None)` while it
    /// is being evaluated).
    call_repeat: RefCell<Option<Option<super::repeat::Repeat>>>,
}

impl<'a> Instance<'a> {
    /// A new instance without cached values.
    pub fn new(
        def: &'a ModuleDef<'a>,
        prefix: String,
        parent: Option<(usize, &'a CallDecl<'a>)>,
        root_display: String,
    ) -> Self {
        Instance {
            def,
            prefix,
            parent,
            children: HashMap::new(),
            root_values: HashMap::new(),
            root_display,
            vars: RefCell::default(),
            locals: RefCell::default(),
            outputs: RefCell::default(),
            call_repeat: RefCell::default(),
        }
    }
}

impl Instance<'_> {
    /// Sets the `count` / `for_each` of the call that created this instance (one known instance
    /// of an expanded call).
    pub fn set_call_repeat(&self, r: super::repeat::Repeat) {
        *self.call_repeat.borrow_mut() = Some(Some(r));
    }
}

/// Names bound by `for` expressions, `dynamic` iterators, `each` and `count`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scope {
    names: Vec<(std::rc::Rc<str>, std::rc::Rc<Val>)>,
}

impl Scope {
    /// The scope with `name` bound to `v` (shadowing).
    pub fn with(&self, name: &str, v: Val) -> Scope {
        let mut s = self.clone();
        s.names.push((name.into(), std::rc::Rc::new(v)));
        s
    }

    /// The value bound to `name`, if any.
    pub fn lookup(&self, name: &str) -> Option<Val> {
        self.names
            .iter()
            .rev()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| Val::clone(v))
    }
}

/// The evaluator of one root module and its module instances.
pub(crate) struct Evaluator<'a> {
    /// All instances; index 0 is the root.
    pub insts: Vec<Instance<'a>>,
    /// Source files (for locations in messages and condition texts).
    pub sources: &'a SourceMap,
    steps: Cell<u32>,
    jumps: Cell<u32>,
    depth: Cell<u32>,
    /// The run's budget, and the steps taken since they were last added to it.
    run: Option<&'a crate::budget::RunBudget>,
    unflushed: Cell<u64>,
    /// The run's steps are spent: every further step is refused.
    run_spent: Cell<bool>,
    /// `for_each = aws_x.this` hops being followed (see `repeat.rs`).
    pub(crate) hops: Cell<u32>,
    /// Module inputs used since [`Evaluator::take_origins`]: the span of each use and the
    /// callers' arguments that gave its value (see [`Evaluator::origin_chain`]).
    pub(crate) origins: RefCell<Vec<(Span, Vec<Span>)>>,
    /// Number literals read since last taken whose text says more than the number (`1.30`).
    pub(crate) literals: RefCell<Vec<(Span, Box<str>)>>,
    /// Every such literal of the run, also where a variable or local carried it.
    pub(crate) all_literals: RefCell<HashMap<Span, Box<str>>>,
}

/// One level of expression nesting, given back when dropped ([`Evaluator::enter`]).
pub(crate) struct Level<'e>(&'e Cell<u32>);

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl<'a> Evaluator<'a> {
    /// An evaluator over a set of instances.
    pub fn new(insts: Vec<Instance<'a>>, sources: &'a SourceMap) -> Self {
        Evaluator {
            insts,
            sources,
            steps: Cell::new(0),
            jumps: Cell::new(0),
            depth: Cell::new(0),
            run: None,
            unflushed: Cell::new(0),
            run_spent: Cell::new(false),
            hops: Cell::new(0),
            origins: RefCell::default(),
            literals: RefCell::default(),
            all_literals: RefCell::default(),
        }
    }

    /// This evaluator's steps also count against the run's budget.
    pub fn with_run_budget(mut self, run: &'a crate::budget::RunBudget) -> Self {
        self.run_spent.set(run.steps_spent());
        self.run = Some(run);
        self
    }

    /// Resets the step budget (per resource), adding the steps taken to the run's; tells
    /// whether the run's budget is spent.
    pub fn reset_budget(&self) -> crate::budget::Grant {
        self.steps.set(0);
        let taken = self.unflushed.replace(0);
        match self.run {
            Some(run) => {
                let grant = run.steps(taken);
                if grant != crate::budget::Grant::Yes {
                    self.run_spent.set(true);
                }
                grant
            }
            None => crate::budget::Grant::Yes,
        }
    }

    /// Counts a step; false once the budget (the resource's or the run's) is spent.
    pub fn tick(&self) -> bool {
        let s = self.steps.get().saturating_add(1);
        self.steps.set(s);
        self.unflushed.set(self.unflushed.get().saturating_add(1));
        s <= STEP_BUDGET && !self.run_spent.get()
    }

    /// Charges the size of a value that is about to be copied; false once the budget is spent
    /// (so values that grow exponentially through references stop early).
    pub fn charge(&self, v: &Val) -> bool {
        let mut n: u32 = 0;
        let left = STEP_BUDGET.saturating_sub(self.steps.get());
        let mut stack = vec![v];
        while let Some(x) = stack.pop() {
            n += 1;
            if n > left {
                self.steps.set(STEP_BUDGET.saturating_add(1));
                return false;
            }
            match &x.kind {
                ValKind::List(items) => stack.extend(items.iter()),
                ValKind::Map(attrs) => stack.extend(attrs.iter().map(|a| &a.value)),
                ValKind::Choice { options, .. } => stack.extend(options.iter()),
                _ => {}
            }
        }
        self.steps.set(self.steps.get().saturating_add(n));
        true
    }

    /// A copy of a cached value at `span`, charged to the budget.
    pub(super) fn copy(&self, v: &Val, span: Span) -> Val {
        if self.charge(v) {
            self.carry_literal(v, span);
            respan(v.clone(), span)
        } else {
            unknown(span, "evaluation budget exhausted (value too large)")
        }
    }

    /// The source text of a span (for conditions in messages).
    pub fn text(&self, span: Span) -> String {
        self.sources
            .get(span.file)
            .and_then(|f| f.slice(span))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }

    /// Runs `f` one reference deeper, with a fresh step budget; unknown when the chain is too
    /// long.
    /// Enters one more level of expression nesting, or `None` past [`MAX_EVAL_DEPTH`].
    pub fn enter(&self) -> Option<Level<'_>> {
        let d = self.depth.get();
        if d >= MAX_EVAL_DEPTH {
            return None;
        }
        self.depth.set(d + 1);
        Some(Level(&self.depth))
    }

    pub(super) fn jump(&self, span: Span, what: &str, f: impl FnOnce() -> Val) -> Val {
        let j = self.jumps.get();
        if j >= MAX_JUMPS {
            return unknown(span, format!("{what} is nested too deeply to evaluate"));
        }
        let saved = self.steps.get();
        self.jumps.set(j + 1);
        self.steps.set(0);
        let v = f();
        self.jumps.set(j);
        self.steps.set(saved);
        v
    }

    /// Evaluates an expression of instance `inst`.
    pub fn eval(&self, inst: usize, scope: &Scope, ex: Ex<'a>) -> Val {
        match ex {
            Ex::Hcl(e, loc) => self.eval_hcl(inst, scope, e, loc),
            Ex::Json(n) => self.eval_json(inst, scope, n),
        }
    }

    fn eval_json(&self, inst: usize, scope: &Scope, n: &'a crate::tree::Node) -> Val {
        if !self.tick() {
            return unknown(n.span, "evaluation budget exhausted");
        }
        let Some(_level) = self.enter() else {
            return unknown(n.span, "expression nested too deeply to evaluate");
        };
        let kind = match &n.kind {
            NodeKind::Null => ValKind::Null,
            NodeKind::Bool(b) => ValKind::Bool(*b),
            NodeKind::Number(s) => match s.parse() {
                Ok(f) => {
                    self.note_literal(n.span, s);
                    ValKind::Number(f)
                }
                Err(_) => ValKind::String(s.clone()),
            },
            NodeKind::String(s) if s.contains("${") || s.contains("%{") => {
                return match crate::parse::hcl::parse_template(s) {
                    // Spans inside a JSON string cannot be mapped exactly: use the string's.
                    Ok(t) => {
                        let v = self.template_owned(inst, scope, &t, n.span);
                        respan_deep(v, n.span)
                    }
                    Err(e) => unknown(n.span, format!("{ERR}{}", e.message)),
                };
            }
            NodeKind::String(s) => ValKind::String(s.clone()),
            NodeKind::Seq(items) => ValKind::List(
                items
                    .iter()
                    .map(|i| self.eval_json(inst, scope, i))
                    .collect(),
            ),
            NodeKind::Map(entries) => ValKind::Map(
                entries
                    .iter()
                    .map(|e| crate::model::Attr {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: self.eval_json(inst, scope, &e.value),
                    })
                    .collect(),
            ),
        };
        Val::new(n.span, kind)
    }

    /// Evaluates a template that does not live in the parsed files (JSON syntax strings).
    fn template_owned(&self, inst: usize, scope: &Scope, t: &Template, span: Span) -> Val {
        // The template is parsed from a JSON string; its expressions are evaluated with a
        // location whose spans are replaced by the string's span afterwards.
        let loc = Loc {
            file: span.file,
            base: 0,
        };
        let mut parts = String::new();
        let elems: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elems.as_slice() {
            return self.eval_hcl(inst, scope, &i.expr, loc);
        }
        for el in elems {
            match el {
                Element::Literal(s) => parts.push_str(s.value()),
                Element::Interpolation(i) => {
                    match to_text(&self.eval_hcl(inst, scope, &i.expr, loc)) {
                        Ok(s) => parts.push_str(&s),
                        Err(r) => return unknown(span, r),
                    }
                }
                Element::Directive(_) => {
                    return unknown(span, "template directives are not evaluated")
                }
            }
        }
        Val::new(span, ValKind::String(parts))
    }

    /// Evaluates an HCL expression (it need not live as long as the parsed files: JSON-syntax
    /// templates are parsed on the fly).
    pub fn eval_hcl(&self, inst: usize, scope: &Scope, e: &Expression, loc: Loc) -> Val {
        super::expr::eval_expr(self, inst, scope, e, loc)
    }

    /// `var.NAME` of instance `inst`, spanned at `span`.
    pub fn var(&self, inst: usize, name: &str, span: Span) -> Val {
        let Some(me) = self.insts.get(inst) else {
            return unknown(span, "no module instance");
        };
        self.record_origin(inst, name, span);
        if let Some(v) = me.vars.borrow().get(name) {
            return self.copy(v, span);
        }
        let Some(decl) = me.def.vars.get(name) else {
            return unknown(span, format!("{ERR}var.{name} is not declared"));
        };
        let mut v = if let Some((parent, call)) = me.parent {
            match call.body.attr(name) {
                Some(arg) => {
                    let scope = self.call_repeat(inst).scope;
                    self.jump(span, &format!("var.{name}"), || {
                        self.eval(parent, &scope, arg)
                    })
                }
                None => match decl.default {
                    Some(d) => self.eval(inst, &Scope::default(), d),
                    None => unknown(
                        span,
                        Reason::naming(
                            format!(
                                "var.{name} has no default and is not set by module.{}",
                                call.name
                            ),
                            call.header,
                            "called",
                        ),
                    ),
                },
            }
        } else if let Some(g) = me.root_values.get(name) {
            match g {
                super::vars::Given::Expr(ex) => self.eval(inst, &Scope::default(), *ex),
                super::vars::Given::Val(v) => v.clone(),
            }
        } else {
            match decl.default {
                Some(d) => self.eval(inst, &Scope::default(), d),
                None => unknown(
                    span,
                    Reason::naming(
                        format!("var.{name} has no default and no value in tfvars"),
                        decl.header,
                        "variable declared",
                    ),
                ),
            }
        };
        v = super::vars::convert(v, decl.ty.as_deref());
        me.vars.borrow_mut().insert(name.to_string(), v.clone());
        self.copy(&v, span)
    }

    /// The `count` / `for_each` of the module call that created instance `inst` (nothing for
    /// the root); its scope binds `count` / `each` for the call's arguments.
    pub fn call_repeat(&self, inst: usize) -> super::repeat::Repeat {
        let Some(me) = self.insts.get(inst) else {
            return super::repeat::Repeat::default();
        };
        let Some((parent, call)) = me.parent else {
            return super::repeat::Repeat::default();
        };
        if let Some(c) = me.call_repeat.borrow().as_ref() {
            return c.clone().unwrap_or_default();
        }
        *me.call_repeat.borrow_mut() = Some(None);
        let r = self.repeat(parent, &Scope::default(), call.body, call.header);
        *me.call_repeat.borrow_mut() = Some(Some(r.clone()));
        r
    }

    /// Whether instance `inst` exists: no call on its chain has `count = 0` or an empty
    /// `for_each`.
    pub fn alive(&self, inst: usize) -> bool {
        let mut cur = Some(inst);
        let mut steps = 0;
        while let Some(i) = cur {
            if self.call_repeat(i).none || steps > self.insts.len() {
                return false;
            }
            steps += 1;
            cur = self.insts.get(i).and_then(|m| m.parent.map(|(p, _)| p));
        }
        true
    }

    /// Why instance `inst` may not exist: the nearest call on its chain whose `count` or
    /// `for_each` srm-lint cannot resolve to a non-zero number of instances.
    pub fn maybe(&self, inst: usize) -> Option<String> {
        let mut cur = Some(inst);
        let mut steps = 0;
        while let Some(i) = cur {
            if steps > self.insts.len() {
                return None;
            }
            let me = self.insts.get(i)?;
            if let Some(why) = self.call_repeat(i).maybe {
                return Some(format!(
                    "belongs to {}, which {why}",
                    me.prefix.trim_end_matches('.')
                ));
            }
            steps += 1;
            cur = me.parent.map(|(p, _)| p);
        }
        None
    }

    /// `module.CALL.OUTPUT` of instance `inst`.
    pub fn module_output(&self, inst: usize, call: &str, output: Option<&str>, span: Span) -> Val {
        let Some(me) = self.insts.get(inst) else {
            return unknown(span, "no module instance");
        };
        let Some(out) = output else {
            return unknown(span, format!("module.{call} as a whole is not evaluated"));
        };
        let Some(child) = self.child_instance(inst, call) else {
            let why = match me
                .def
                .calls
                .iter()
                .find(|c| call.split('[').next() == Some(c.name))
            {
                Some(c) => match &c.source {
                    Some(s) => format!(
                        "module.{call}.{out} is not evaluated (source \"{s}\" is not followed)"
                    ),
                    None => {
                        format!("module.{call}.{out} is not evaluated (source is not a literal)")
                    }
                },
                None => format!("{ERR}module.{call} is not declared"),
            };
            return unknown(span, why);
        };
        let Some(cm) = self.insts.get(child) else {
            return unknown(span, "no module instance");
        };
        match cm.outputs.borrow().get(out) {
            Some(Slot::Done(v, chain)) => {
                self.push_origin(span, chain.clone());
                self.carry_literal(v, span);
                return respan(v.clone(), span);
            }
            Some(Slot::Busy) => {
                return unknown(span, format!("module.{call}.{out} refers to itself"))
            }
            None => {}
        }
        let Some(ex) = cm.def.outputs.get(out).copied() else {
            return unknown(span, format!("{ERR}module.{call} has no output `{out}`"));
        };
        let what = format!("module.{call}.{out}");
        self.remembered(&cm.outputs, out, (child, ex), span, &what)
    }

    /// `data.TYPE.NAME.ATTR`.
    pub fn data(
        &self,
        inst: usize,
        dtype: &str,
        name: &str,
        attr: Option<&str>,
        span: Span,
    ) -> Val {
        let key = format!("{dtype}.{name}");
        let body = self
            .insts
            .get(inst)
            .and_then(|me| me.def.data.get(&key).copied());
        match (body, dtype, attr) {
            (Some(b), "aws_iam_policy_document", Some("json" | "minified_json")) => {
                self.jump(span, &format!("data.{key}"), || {
                    self.policy_document(inst, b, span)
                })
            }
            (None, _, _) => unknown(span, format!("{ERR}data.{key} is not declared")),
            _ => unknown(span, format!("data.{key} is read at plan time")),
        }
    }

    /// A reference to a resource of instance `inst`.
    pub fn resource_ref(
        &self,
        inst: usize,
        rtype: &str,
        name: &str,
        attr: Option<&str>,
        span: Span,
    ) -> Val {
        let prefix = self
            .insts
            .get(inst)
            .map(|i| i.prefix.as_str())
            .unwrap_or("");
        Val::new(
            span,
            ValKind::Ref(Reference {
                target: format!("{prefix}{rtype}.{name}"),
                attribute: attr.map(str::to_string),
            }),
        )
    }

    /// `path.module`, `path.root`, `path.cwd`.
    pub fn path(&self, inst: usize, what: &str, span: Span) -> Val {
        let me = self.insts.get(inst);
        match (what, me) {
            ("module", Some(m)) => Val::new(span, ValKind::String(m.def.display.clone())),
            ("root", Some(m)) => Val::new(span, ValKind::String(m.root_display.clone())),
            ("cwd", _) => Val::new(span, ValKind::String(".".to_string())),
            _ => unknown(span, format!("{ERR}path.{what} is not a path value")),
        }
    }
}
