//! Terraform (HCL native syntax and JSON syntax) into the model.
//!
//! A module is a directory: all of its files form one module. Files are parsed once (in
//! parallel), local module sources are followed (and loaded into the [`SourceMap`] when they
//! were not scanned), and every root module is instantiated with its variable values
//! (defaults < `terraform.tfvars` < `terraform.tfvars.json` < `*.auto.tfvars(.json)` <
//! `--var-file` < `--var`). Resources come out with evaluated bodies, spans into the files
//! that declare them, notes and suppressions.

mod body;
mod eval;
mod expand;
mod expr;
mod funcs;
mod hcl;
mod instances;
mod load;
mod module;
mod ops;
mod origins;
mod plan;
mod providers;
mod repeat;
mod suppress;
mod value;
mod vars;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_edge;

use crate::model::{Lang, Model, Resource, ToolError, UnitHook};
use crate::source::{FileId, SourceMap};
use eval::{Evaluator, Scope};
use foldhash::{HashMap, HashMapExt, HashSet};
use instances::{BuildCtx, Top};
use load::Loaded;
use module::ModuleDef;
use std::path::PathBuf;

/// Options of the Terraform adapter.
#[derive(Debug, Clone, Default)]
pub struct TfOptions {
    /// Variable files given with `--var-file`, in order (already loaded into the source map).
    pub var_files: Vec<FileId>,
    /// `--var NAME=VALUE` pairs, in order.
    pub vars: Vec<(String, String)>,
    /// Directories the scan may read (module sources outside them are not followed).
    pub roots: Vec<PathBuf>,
    /// The run's bounds (module instances, evaluation steps), shared by every root.
    pub budget: std::sync::Arc<crate::budget::RunBudget>,
    /// Where module sources may lead (the scan's [`crate::gate::Gate`] boundary, canonical);
    /// empty: the roots themselves.
    pub bounds: Vec<PathBuf>,
}

/// One directory of Terraform files (a module).
#[derive(Debug, Clone)]
pub struct TfModuleDir {
    /// The directory.
    pub dir: PathBuf,
    /// Its `.tf`, `.tf.json`, `terraform.tfvars(.json)` and `*.auto.tfvars(.json)` files.
    pub files: Vec<FileId>,
    /// Whether resources of this directory are reported (false for context-only directories).
    pub report: bool,
}

/// Deepest chain of module calls that is instantiated.
const MAX_MODULE_DEPTH: usize = 16;
/// Stack size of the evaluation thread (evaluation recursion is bounded, this is headroom).
const EVAL_STACK: usize = 64 << 20;

/// Builds the model of a set of Terraform directories.
pub fn adapt(dirs: &[TfModuleDir], sources: &mut SourceMap, opts: &TfOptions) -> Model {
    let (model, ()) = adapt_beside(dirs, sources, opts, &|_, _| {}, &mut |_, _| {}, |_| ());
    model
}

/// Parses one Terraform file (native or JSON syntax, module or variable file) as [`adapt`] does,
/// and drops the tree: the parse-only floor. Gives the syntax error, if any.
pub fn parse_only(file: FileId, name: &str, text: &str) -> Option<ToolError> {
    hcl::parse_file(file, name, text).1
}

/// [`adapt`], handing the models of a component's roots to `unit` as soon as they are built
/// (each root module's scope complete: a lazily loaded root alone, the others of the component
/// together), with other work run `beside` it on the same workers: once the module directories
/// are found (the only step that adds files to `sources`), the modules are parsed and evaluated
/// while `beside` runs, so either fills the time the other leaves a worker idle (a large
/// component's last roots, the tail of a parallel loop).
///
/// For `--timings`, `lap(stage, None)` is called when the directories are found, and
/// `lap(stage, Some(wall))` gives the time the Terraform side took (beside the other work).
pub fn adapt_beside<R: Send>(
    dirs: &[TfModuleDir],
    sources: &mut SourceMap,
    opts: &TfOptions,
    unit: &UnitHook<'_>,
    lap: &mut dyn FnMut(&'static str, Option<std::time::Duration>),
    beside: impl FnOnce(&SourceMap) -> R + Send,
) -> (Model, R) {
    let mut model = Model::default();
    let plan = load::plan(dirs, sources, opts, &mut model.errors);
    let sources: &SourceMap = sources;
    let var_files = load::parse_var_files(&opts.var_files, sources, &mut model.errors);
    lap("Terraform find modules", None);
    if plan.components.is_empty() {
        return (model, beside(sources));
    }
    let both = || {
        rayon::join(
            || {
                let started = std::time::Instant::now();
                let outs = adapt_components(&plan, &var_files, sources, opts, unit);
                (outs, started.elapsed())
            },
            || beside(sources),
        )
    };
    // Evaluation recursion is bounded; the workers get a large stack as headroom.
    let ((outs, own), other) = match rayon::ThreadPoolBuilder::new()
        .stack_size(EVAL_STACK)
        .thread_name(|i| format!("srm-lint-tf-{i}"))
        .build()
    {
        Ok(pool) => pool.install(both),
        Err(_) => both(),
    };
    lap("Terraform parse + evaluate", Some(own));
    crate::model::extend_all(&mut model, outs);
    model.errors.sort();
    model.errors.dedup();
    model.notices.sort();
    model.notices.dedup();
    (model, other)
}

/// Parses, evaluates and drops every component of `plan`; their models in component order.
fn adapt_components(
    plan: &load::Plan,
    var_files: &HashMap<FileId, hcl::ParsedFile>,
    sources: &SourceMap,
    opts: &TfOptions,
    unit: &UnitHook<'_>,
) -> Vec<Model> {
    use rayon::prelude::*;
    // Components are independent: each is parsed, evaluated and dropped on its own, so only the
    // syntax trees of the components in flight are in memory. Large components (a repository
    // whose examples all call its root module) go first, one at a time, with their files parsed
    // and their roots evaluated in parallel; then the small ones run side by side, each on one
    // worker, with the text in flight bounded by the tree budget. The two phases never nest, so
    // no worker waiting on nested parallel work can pick up a component and block on the budget
    // (work run beside this never takes from the budget).
    let mut order: Vec<(usize, &Vec<usize>)> = plan
        .components
        .iter()
        .map(|members| (component_bytes(plan, members, sources), members))
        .collect();
    order.sort_by_key(|o| std::cmp::Reverse(o.0));
    let split = order
        .iter()
        .position(|&(bytes, _)| bytes < BIG_COMPONENT)
        .unwrap_or(order.len());
    let (big, small) = order.split_at(split);
    let budget = Budget::new(TREE_TEXT_BUDGET);
    let eval_component = |members: &Vec<usize>, parallel: bool| {
        let mut errors = Vec::new();
        let loaded = load::load_component(plan, members, sources, &mut errors, parallel);
        let defs: Vec<ModuleDef<'_>> = loaded
            .dirs
            .iter()
            .map(|d| {
                let files: Vec<&hcl::ParsedFile> = d
                    .module_files
                    .iter()
                    .filter_map(|id| loaded.parsed.get(id))
                    .collect();
                module::index(d.display.clone(), &files, &mut errors)
            })
            .collect();
        let ctx = RootCtx {
            plan,
            loaded: &loaded,
            defs: &defs,
            var_files,
            sources,
            opts,
            unit,
        };
        let mut m = ctx.evaluate_roots(parallel);
        m.errors.extend(errors);
        drop(defs);
        if parallel {
            // Freeing a large component's trees takes a while too: on every worker.
            loaded.parsed.into_par_iter().for_each(drop);
        }
        m
    };
    let mut outs: Vec<Model> = big
        .iter()
        .map(|&(_, members)| eval_component(members, true))
        .collect();
    // One component per task: they are sorted by size, and rayon's default splitting would
    // leave one worker alone with the largest chunk (measured: one worker did 93 % of it).
    outs.par_extend(small.par_iter().with_max_len(1).map(|&(bytes, members)| {
        let _held = budget.acquire(bytes);
        eval_component(members, false)
    }));
    // Back in component order (the final sort is by position; this keeps ties deterministic).
    let mut outs: Vec<(usize, Model)> = order
        .iter()
        .map(|(_, members)| members.first().copied().unwrap_or(0))
        .zip(outs)
        .collect();
    outs.sort_by_key(|(first, _)| *first);
    outs.into_iter().map(|(_, m)| m).collect()
}

/// Most bytes of Terraform text whose syntax trees are held at once (a tree takes about 20 times
/// its text). A component with more text than this is parsed alone.
const TREE_TEXT_BUDGET: usize = 4 << 20;

/// Components with at least this much text are run one at a time, each using every worker.
const BIG_COMPONENT: usize = TREE_TEXT_BUDGET / 4;

/// Bytes of module text in a component.
fn component_bytes(plan: &load::Plan, members: &[usize], sources: &SourceMap) -> usize {
    members
        .iter()
        .filter_map(|&i| plan.dirs.get(i))
        .flat_map(|d| d.module_files.iter().chain(&d.tfvars_files))
        .filter_map(|id| sources.get(*id))
        .map(|f| f.text.len())
        .sum()
}

/// A counting semaphore over bytes of text in flight.
struct Budget {
    free: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
    total: usize,
}

/// Bytes taken from a [`Budget`], given back on drop.
struct Held<'a> {
    budget: &'a Budget,
    bytes: usize,
}

impl Budget {
    fn new(total: usize) -> Budget {
        Budget {
            free: std::sync::Mutex::new(total),
            freed: std::sync::Condvar::new(),
            total,
        }
    }

    /// Waits until `bytes` (at most the whole budget) are free and takes them.
    fn acquire(&self, bytes: usize) -> Held<'_> {
        let bytes = bytes.min(self.total);
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free < bytes {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= bytes;
        Held {
            budget: self,
            bytes,
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut free = self.budget.free.lock().unwrap_or_else(|p| p.into_inner());
        *free += self.bytes;
        self.budget.freed.notify_all();
    }
}

/// What evaluating the roots of one component needs.
struct RootCtx<'a, 'l> {
    plan: &'l load::Plan,
    loaded: &'l Loaded,
    defs: &'a [ModuleDef<'a>],
    var_files: &'l HashMap<FileId, hcl::ParsedFile>,
    sources: &'l SourceMap,
    opts: &'l TfOptions,
    unit: &'l UnitHook<'l>,
}

/// Suppression comments by file.
type Comments = HashMap<FileId, Vec<suppress::Comment>>;

impl<'a> RootCtx<'a, '_> {
    /// Instantiates and evaluates every root module (`parallel`: the roots on every worker),
    /// handing each root's model (a complete scope) to the unit hook: the lazy roots one by one
    /// as each is done (its trees are dropped right after), then the others together.
    fn evaluate_roots(&self, parallel: bool) -> Model {
        let loaded = self.loaded;
        let mut model = Model::default();
        let mut comments: Comments = HashMap::new();
        for (i, d) in loaded.dirs.iter().enumerate() {
            if (d.scanned && !d.report) || loaded.is_lazy(i) {
                continue;
            }
            suppress::scan_dir(
                self.sources,
                d,
                &loaded.parsed,
                &mut comments,
                &mut model.errors,
            );
        }
        let lazy_one = |r: usize| -> (usize, Model, HashSet<usize>) {
            let mut m = Model::default();
            let root = load::load_lazy_root(self.plan, loaded, r, self.sources, &mut m.errors);
            if let Some(d) = loaded.dirs.get(r) {
                let files: Vec<&hcl::ParsedFile> = d
                    .module_files
                    .iter()
                    .filter_map(|id| root.parsed.get(id))
                    .collect();
                let mut own = Comments::new();
                suppress::scan_dir(self.sources, d, &root.parsed, &mut own, &mut m.errors);
                let def = module::index(d.display.clone(), &files, &mut m.errors);
                let top = Top {
                    dir: r,
                    def: &def,
                    resolved: &root.resolved,
                };
                self.one_root(r, Some(top), &root.parsed, &[&comments, &own], &mut m);
            }
            (self.unit)(&mut m, false);
            (r, m, root.calls)
        };
        let lazy: Vec<(usize, Model, HashSet<usize>)> = if parallel {
            use rayon::prelude::*;
            loaded
                .lazy
                .par_iter()
                .with_max_len(1)
                .map(|&r| lazy_one(r))
                .collect()
        } else {
            loaded.lazy.iter().map(|&r| lazy_one(r)).collect()
        };
        let called: HashSet<usize> = lazy
            .iter()
            .flat_map(|(_, _, c)| c.iter().copied())
            .collect();
        let eager_one = |r: usize| -> (usize, Model) {
            let mut m = Model::default();
            self.one_root(r, None, &loaded.parsed, &[&comments], &mut m);
            (r, m)
        };
        let roots = loaded.eager_roots(&called);
        let mut eager: Vec<(usize, Model)> = if parallel {
            use rayon::prelude::*;
            roots
                .par_iter()
                .with_max_len(1)
                .map(|&r| eager_one(r))
                .collect()
        } else {
            roots.iter().map(|&r| eager_one(r)).collect()
        };
        if !eager.is_empty() {
            // Evaluated together (one call, every core when `parallel`), then split back.
            let mut together = Model::default();
            let sizes: Vec<usize> = eager.iter().map(|(_, m)| m.resources.len()).collect();
            for (_, m) in &mut eager {
                together.resources.append(&mut m.resources);
            }
            (self.unit)(&mut together, parallel);
            // `results[i]` is resource `i`'s: both split by count, each model indexed from 0.
            let mut resources = together.resources.into_iter();
            let mut results = together.results.into_iter();
            let mut start = 0;
            for ((_, m), n) in eager.iter_mut().zip(sizes) {
                m.resources.extend(resources.by_ref().take(n));
                m.results.extend(results.by_ref().take(n).map(|mut r| {
                    r.resource = r.resource.saturating_sub(start);
                    r
                }));
                start += n;
            }
            // Unused suppressions are not tied to a resource index.
            if let Some((_, m)) = eager.first_mut() {
                m.unused_suppressions
                    .append(&mut together.unused_suppressions);
            }
        }
        // In directory order, as the roots were before some were loaded lazily.
        let mut all: Vec<(usize, Model)> = lazy.into_iter().map(|(r, m, _)| (r, m)).collect();
        all.extend(eager);
        all.sort_by_key(|(r, _)| *r);
        crate::model::extend_all(&mut model, all.into_iter().map(|(_, m)| m).collect());
        model
    }

    /// Instantiates root `root` (with `top` standing in for its own directory when it was
    /// loaded lazily) and emits its resources into `model`.
    fn one_root<'b>(
        &self,
        root: usize,
        top: Option<Top<'b>>,
        parsed: &HashMap<FileId, hcl::ParsedFile>,
        comments: &[&Comments],
        model: &mut Model,
    ) where
        'a: 'b,
    {
        let loaded = self.loaded;
        let Some(dir) = loaded.dirs.get(root) else {
            return;
        };
        let mut tfvars: Vec<&hcl::ParsedFile> = Vec::new();
        let mut ranked: Vec<(Option<(u8, String)>, FileId)> = dir
            .tfvars_files
            .iter()
            .map(|id| (module::tfvars_rank(self.sources.display(*id)), *id))
            .filter(|(r, _)| r.is_some())
            .collect();
        ranked.sort();
        tfvars.extend(ranked.iter().filter_map(|(_, id)| parsed.get(id)));
        tfvars.extend(
            self.opts
                .var_files
                .iter()
                .filter_map(|id| self.var_files.get(id)),
        );
        let mut insts = Vec::new();
        let mut chain = vec![root];
        let ctx = BuildCtx {
            loaded,
            defs: self.defs,
            top,
            root_display: dir.display.clone(),
            budget: &self.opts.budget,
        };
        ctx.build(&mut insts, root, String::new(), None, &mut chain, model);
        if let Some(r) = insts.first_mut() {
            r.root_values = vars::given(&tfvars, &self.opts.vars, self.sources);
        }
        let mut ev = Evaluator::new(insts, self.sources).with_run_budget(&self.opts.budget);
        ev.expand_modules(&self.opts.budget, &mut model.errors);
        emit(&ev, &dir.display, comments, model);
    }
}

/// Evaluates and emits the resources of every instance of one root.
fn emit(ev: &Evaluator<'_>, scope: &str, comments: &[&Comments], model: &mut Model) {
    for (i, inst) in ev.insts.iter().enumerate() {
        let mut inst_notes = Vec::new();
        if let Some((_, call)) = inst.parent {
            inst_notes.push(crate::model::Note {
                text: format!("instantiated by {}", inst.prefix.trim_end_matches('.')),
                at: Some(call.header),
            });
        }
        if !ev.alive(i) {
            continue;
        }
        if let Some(note) = ev.call_repeat(i).note {
            inst_notes.push(format!("{}: {note}", inst.prefix.trim_end_matches('.')).into());
        }
        for decl in &inst.def.resources {
            let rep = ev.repeat(i, &Scope::default(), decl.body, decl.header);
            if rep.none {
                continue;
            }
            let mut notes = inst_notes.clone();
            notes.extend(rep.note.clone().map(Into::into));
            let first = ev.sources.start(decl.header).line;
            let last = ev.sources.end(decl.whole).line;
            let suppressions = comments
                .iter()
                .find_map(|c| c.get(&decl.header.file))
                .map(|c| suppress::for_lines(c, first, last))
                .unwrap_or_default();
            let address = format!("{}{}.{}", inst.prefix, decl.rtype, decl.name);
            let existence = rep.maybe.clone().or_else(|| ev.maybe(i));
            // One resource per known instance, else the block once.
            let whole = [repeat::One {
                key: String::new(),
                scope: rep.scope.clone(),
            }];
            let ones = if rep.instances.is_empty() {
                &whole[..]
            } else {
                &rep.instances[..]
            };
            for one in ones {
                if ev.reset_budget() == crate::budget::Grant::SpentReport {
                    model.errors.push(ToolError {
                        span: decl.header,
                        code: "too-complex",
                        message: format!(
                            "the run's evaluation budget ({} steps over all resources) is \
                             spent here; this and later resources are checked without their \
                             values (unverified)",
                            crate::budget::MAX_EVAL_STEPS
                        ),
                        related: None,
                    });
                }
                ev.take_origins();
                ev.literals.take();
                let body = ev.body_val(i, &one.scope, decl.body, decl.whole, true);
                let origins = origins::origins_in(&body, ev.take_origins());
                let literals = ev.literals.take();
                let provider = Some(ev.provider_of(i, decl.body));
                model.resources.push(Resource {
                    address: format!("{address}{}", one.key),
                    rtype: decl.rtype.to_string(),
                    lang: Lang::Terraform,
                    scope: scope.to_string(),
                    file: decl.header.file,
                    header: decl.header,
                    body,
                    condition: None,
                    existence: existence.clone(),
                    construct_path: None,
                    notes: notes.clone(),
                    suppressions: suppressions.clone(),
                    origins,
                    provider,
                    literals,
                });
            }
        }
    }
}
