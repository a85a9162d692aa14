//! Deployment scenarios: parameters are not facts.
//!
//! A parameter given on the command line (or in a parameters file) is a fact. Otherwise a
//! parameter with `AllowedValues` can take each of them, and one with a `Default` keeps it only
//! unless a deployment overrides it. A resource's properties are converted once per scenario of
//! the parameters they read (directly, or through the conditions they decide), and the results
//! are merged (`merge.rs`): where every scenario gives the same value it stays plain; where they differ it
//! becomes a [`ValKind::Choice`] whose `scenarios` say which deployments get which option.
//!
//! Scenarios are the combinations of the allowed values of the parameters read, each once with
//! every default kept and once per default overridden (an override makes that parameter
//! unknown). At most [`MAX_SCENARIOS`] are converted per resource; beyond that, values that
//! depend on those parameters are unknown, with the reason.

use super::intrinsics::{Ctx, Reads};
use super::values::{unknown, Param};
use crate::model::{Val, ValKind};
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet};

/// Scenarios converted per resource at most.
pub(super) const MAX_SCENARIOS: usize = 64;
/// Defaults overridden one scenario each at most; beyond, one scenario overrides them all (each
/// scenario is a conversion of the resource, so this bounds the work for resources that read
/// many parameters).
const MAX_SINGLE_OVERRIDES: usize = 6;
/// Rounds of "convert, then add the parameters newly read" before giving up.
const MAX_ROUNDS: usize = 4;

/// The parameter values one conversion assumes.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scenario {
    /// Index into the allowed values of each parameter (absent: the first).
    picks: BTreeMap<String, usize>,
    /// The defaults a deployment overrides in this scenario.
    overridden: Override,
    /// When set, parameters that can differ between deployments are unknown for this reason.
    opaque: Option<String>,
}

/// Which defaults a scenario overrides.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum Override {
    /// None: every parameter keeps its default.
    #[default]
    None,
    /// This parameter's.
    One(String),
    /// Every one (when one scenario per parameter would be too many).
    All,
}

impl Override {
    fn covers(&self, name: &str) -> bool {
        match self {
            Override::None => false,
            Override::One(p) => p == name,
            Override::All => true,
        }
    }
}

/// What differs between scenarios, for labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dim {
    /// A condition (value `true`, `false` or `unknown`).
    Cond(String),
    /// A parameter with allowed values (value: the allowed value).
    Allowed(String),
    /// A parameter with a default (value `default` or `overridden`).
    Free(String),
}

pub(super) type Facts = BTreeMap<Dim, String>;

/// One conversion: whether the resource exists, its value, what it read and assumed.
#[derive(Clone)]
pub(super) struct Run {
    present: bool,
    /// The resource's condition in this scenario (`None`: it has none; `Some(None)`: unknown).
    cond: Option<Option<bool>>,
    pub(super) val: Val,
    pub(super) reads: Reads,
    facts: Facts,
}

impl Ctx<'_> {
    /// The value of a `Ref` to parameter `name` in the current scenario.
    pub(super) fn param(&self, name: &str, span: Span) -> Option<Val> {
        let kind = match self.params.get(name)? {
            Param::Known(k) => k.clone(),
            Param::Unknown(r) => return Some(unknown(span, r.clone())),
            Param::Allowed(options) => {
                self.reads.borrow_mut().params.insert(name.to_string());
                let sc = self.scenario.borrow();
                if let Some(r) = &sc.opaque {
                    return Some(unknown(span, r.clone()));
                }
                let i = sc.picks.get(name).copied().unwrap_or(0);
                match options.get(i).or(options.first()) {
                    Some((_, k)) => k.clone(),
                    None => ValKind::Null,
                }
            }
            Param::Default(raw, k) => {
                self.reads.borrow_mut().params.insert(name.to_string());
                let sc = self.scenario.borrow();
                if sc.overridden.covers(name) {
                    return Some(unknown(
                        span,
                        crate::model::result::parameter_default_reason(name, raw),
                    ));
                }
                k.clone()
            }
        };
        let mut v = Val::new(span, kind);
        v.respan_all(span);
        Some(v)
    }

    /// `Fn::If` on condition `name`, which is not decided: a choice between the branches, or,
    /// when too many scenarios left it undecided and the branches differ (both present), an
    /// unknown value that says so.
    pub(super) fn undecided_if(&self, name: &str, a: Val, b: Val, span: Span) -> Val {
        let opaque = self.scenario.borrow().opaque.clone();
        match opaque {
            Some(r) if a != b && !a.is_null() && !b.is_null() => {
                unknown(span, format!("`Fn::If` on condition `{name}`: {r}"))
            }
            _ => Val::new(
                span,
                ValKind::Choice {
                    condition: name.to_string(),
                    options: vec![a, b],
                    scenarios: Vec::new(),
                    members: Vec::new(),
                },
            ),
        }
    }

    /// Converts a resource's properties (or any section) over the scenarios of the parameters
    /// it reads. `None` when `condition` is false in every scenario (the resource is never
    /// created); otherwise the merged value and, when the resource does not exist in every
    /// deployment (or srm-lint cannot tell), why.
    pub(super) fn over_scenarios(
        &self,
        condition: Option<&str>,
        convert: &dyn Fn(&Self) -> Val,
    ) -> Option<(Val, Option<String>)> {
        let first = self.run(Scenario::default(), condition, convert);
        self.over_runs(condition, first, convert)
    }

    /// [`Ctx::over_scenarios`] from its first conversion (every default kept, first allowed
    /// values).
    pub(super) fn over_runs(
        &self,
        condition: Option<&str>,
        first: Run,
        convert: &dyn Fn(&Self) -> Val,
    ) -> Option<(Val, Option<String>)> {
        let mut deps = first.reads.params.clone();
        if deps.is_empty() {
            // Most resources read no parameter: one conversion, nothing to merge.
            let result = self.merge_runs(vec![first], condition);
            self.set_scenario(Scenario::default());
            return result;
        }
        // The first scenario enumerated (first allowed values, every default kept) is `first`.
        let mut reuse = Some(first);
        let mut result = None;
        let mut rounds = 0;
        while result.is_none() {
            rounds += 1;
            let scenarios = match self.enumerate(&deps) {
                Ok(s) if rounds <= MAX_ROUNDS => s,
                Ok(_) => {
                    let r = "the parameters it depends on kept changing between scenarios";
                    result = Some(self.opaque(condition, convert, r.into()));
                    break;
                }
                Err(reason) => {
                    result = Some(self.opaque(condition, convert, reason));
                    break;
                }
            };
            let runs: Vec<Run> = scenarios
                .into_iter()
                .enumerate()
                .map(|(i, s)| match reuse.take().filter(|_| i == 0) {
                    Some(r) => r,
                    None => self.run(s, condition, convert),
                })
                .collect();
            let mut seen = deps.clone();
            for r in &runs {
                seen.extend(r.reads.params.iter().cloned());
            }
            if seen == deps {
                result = Some(self.merge_runs(runs, condition));
            } else {
                deps = seen;
            }
        }
        self.set_scenario(Scenario::default());
        result.flatten()
    }

    /// Conversions where parameters with allowed values are unknown (for `reason`): once with
    /// every default kept, once with every default overridden.
    fn opaque(
        &self,
        condition: Option<&str>,
        convert: &dyn Fn(&Self) -> Val,
        reason: String,
    ) -> Option<(Val, Option<String>)> {
        let runs = [Override::None, Override::All]
            .into_iter()
            .map(|overridden| {
                let sc = Scenario {
                    opaque: Some(reason.clone()),
                    overridden,
                    ..Scenario::default()
                };
                self.run(sc, condition, convert)
            })
            .collect();
        self.merge_runs(runs, condition)
    }

    pub(super) fn set_scenario(&self, sc: Scenario) {
        *self.scenario.borrow_mut() = sc;
        self.cond_cache.borrow_mut().clear();
        *self.reads.borrow_mut() = Reads::default();
    }

    pub(super) fn run(
        &self,
        sc: Scenario,
        condition: Option<&str>,
        convert: &dyn Fn(&Self) -> Val,
    ) -> Run {
        self.set_scenario(sc);
        let cond = condition.map(|c| self.condition(c));
        let present = cond != Some(Some(false));
        let val = convert(self);
        let reads = std::mem::take(&mut *self.reads.borrow_mut());
        let mut facts = Facts::new();
        let sc = self.scenario.borrow();
        for p in &reads.params {
            match self.params.get(p) {
                Some(Param::Allowed(_)) if sc.opaque.is_some() => {}
                Some(Param::Allowed(options)) => {
                    let i = sc.picks.get(p).copied().unwrap_or(0);
                    let text = options.get(i).map(|(t, _)| t.clone()).unwrap_or_default();
                    facts.insert(Dim::Allowed(p.clone()), text);
                }
                Some(Param::Default(..)) => {
                    let over = sc.overridden.covers(p);
                    let text = if over { "overridden" } else { "default" };
                    facts.insert(Dim::Free(p.clone()), text.into());
                }
                _ => {}
            }
        }
        let cache = self.cond_cache.borrow();
        for c in &reads.conditions {
            let text = match cache.get(c.as_str()) {
                Some(Some(b)) => b.to_string(),
                _ => "unknown".into(),
            };
            facts.insert(Dim::Cond(c.clone()), text);
        }
        Run {
            present,
            cond,
            val,
            reads,
            facts,
        }
    }

    /// Every scenario of `deps`, or why there are too many.
    fn enumerate(&self, deps: &BTreeSet<String>) -> Result<Vec<Scenario>, String> {
        let mut allowed: Vec<(&str, usize)> = Vec::new();
        let mut free: Vec<&str> = Vec::new();
        for p in deps {
            match self.params.get(p) {
                Some(Param::Allowed(o)) => allowed.push((p, o.len())),
                Some(Param::Default(..)) => free.push(p),
                _ => {}
            }
        }
        let combos = allowed
            .iter()
            .try_fold(1usize, |n, (_, k)| n.checked_mul(*k))
            .unwrap_or(usize::MAX);
        // One scenario per overridden default when that fits, else one overriding them all.
        let per_param = if free.len() <= MAX_SINGLE_OVERRIDES {
            combos.saturating_mul(free.len() + 1)
        } else {
            usize::MAX
        };
        let all_at_once = if free.is_empty() {
            combos
        } else {
            combos.saturating_mul(2)
        };
        let total = if per_param <= MAX_SCENARIOS {
            per_param
        } else {
            all_at_once
        };
        if total > MAX_SCENARIOS {
            let names: Vec<String> = deps.iter().take(5).map(|p| format!("`{p}`")).collect();
            let more = match deps.len().saturating_sub(5) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            return Err(format!(
                "it depends on parameters {}{more} whose values give {} scenarios, more than the {MAX_SCENARIOS} srm-lint evaluates",
                names.join(", "),
                if total == usize::MAX { "too many".to_string() } else { total.to_string() }
            ));
        }
        let overrides: Vec<Override> = if per_param <= MAX_SCENARIOS {
            let each = free.iter().map(|f| Override::One(f.to_string()));
            std::iter::once(Override::None).chain(each).collect()
        } else {
            vec![Override::None, Override::All]
        };
        let mut out = Vec::with_capacity(total);
        for c in 0..combos {
            let mut picks = BTreeMap::new();
            let mut rest = c;
            for (p, k) in &allowed {
                picks.insert(p.to_string(), rest % k.max(&1));
                rest /= k.max(&1);
            }
            for overridden in &overrides {
                out.push(Scenario {
                    picks: picks.clone(),
                    overridden: overridden.clone(),
                    opaque: None,
                });
            }
        }
        Ok(out)
    }

    /// The value over the runs in which the resource exists, and why its existence is not
    /// certain (its condition unknown in some scenario, or false in some).
    pub(super) fn merge_runs(
        &self,
        runs: Vec<Run>,
        condition: Option<&str>,
    ) -> Option<(Val, Option<String>)> {
        let unknown_cond = runs.iter().any(|r| r.cond == Some(None));
        let total = runs.len();
        let present: Vec<Run> = runs.into_iter().filter(|r| r.present).collect();
        if present.is_empty() {
            return None;
        }
        let existence = condition.and_then(|c| {
            if unknown_cond {
                Some(format!(
                    "exists only if condition `{c}` holds, which srm-lint cannot resolve"
                ))
            } else if present.len() < total {
                Some(format!(
                    "exists only in the deployments where condition `{c}` is true"
                ))
            } else {
                None
            }
        });
        // A new numbering for this resource's scenarios.
        self.space.set(self.space.get().saturating_add(1));
        if present.len() == 1 {
            // One deployment (most resources read no parameter): its value as it is.
            return present.into_iter().next().map(|one| (one.val, existence));
        }
        let (vals, facts): (Vec<Val>, Vec<Facts>) =
            present.into_iter().map(|r| (r.val, r.facts)).unzip();
        Some((self.merge_scenarios(vals, &facts), existence))
    }
}
