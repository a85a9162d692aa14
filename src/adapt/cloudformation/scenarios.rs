//! Deployment scenarios: parameters are not facts.
//!
//! A parameter given on the command line (or in a parameters file) is a fact. Otherwise a
//! parameter with `AllowedValues` can take each of them, and one with a `Default` keeps it only
//! unless a deployment overrides it. A resource's properties are converted once per scenario of
//! the parameters they read (directly, or through the conditions they decide), and the results
//! are merged: where every scenario gives the same value it stays plain; where they differ it
//! becomes a [`ValKind::Choice`] whose `scenarios` say which deployments get which option.
//!
//! Scenarios are the combinations of the allowed values of the parameters read, each once with
//! every default kept and once per default overridden (an override makes that parameter
//! unknown). At most [`MAX_SCENARIOS`] are converted per resource; beyond that, values that
//! depend on those parameters are unknown, with the reason.

use super::intrinsics::{Ctx, Reads};
use super::values::{unknown, Param};
use crate::model::{Attr, Val, ValKind};
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
enum Dim {
    /// A condition (value `true`, `false` or `unknown`).
    Cond(String),
    /// A parameter with allowed values (value: the allowed value).
    Allowed(String),
    /// A parameter with a default (value `default` or `overridden`).
    Free(String),
}

type Facts = BTreeMap<Dim, String>;

/// One conversion: whether the resource exists, its value, what it read and assumed.
#[derive(Clone)]
struct Run {
    present: bool,
    /// The resource's condition in this scenario (`None`: it has none; `Some(None)`: unknown).
    cond: Option<Option<bool>>,
    val: Val,
    reads: Reads,
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

    fn set_scenario(&self, sc: Scenario) {
        *self.scenario.borrow_mut() = sc;
        self.cond_cache.borrow_mut().clear();
        *self.reads.borrow_mut() = Reads::default();
    }

    fn run(&self, sc: Scenario, condition: Option<&str>, convert: &dyn Fn(&Self) -> Val) -> Run {
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
    fn merge_runs(&self, runs: Vec<Run>, condition: Option<&str>) -> Option<(Val, Option<String>)> {
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
        let space = Space::new(&facts);
        Some((self.merge(vals, &space), existence))
    }

    /// Merges the values of several scenarios (the i-th value is scenario i's), descending
    /// while they share a shape, so a choice sits on the value that differs. Takes the values:
    /// the parts every scenario shares are moved into the result, not copied.
    fn merge(&self, mut vals: Vec<Val>, space: &Space) -> Val {
        let Some(first) = vals.first() else {
            return Val::new(Span::default(), ValKind::Null);
        };
        if vals.iter().skip(1).all(|v| v == first) {
            return vals.swap_remove(0);
        }
        let span = first.span;
        match &first.kind {
            ValKind::Map(attrs)
                if vals.iter().all(|v| {
                    let other = v.attrs();
                    other.len() == attrs.len()
                        && other.iter().zip(attrs).all(|(a, b)| a.key == b.key)
                        && matches!(v.kind, ValKind::Map(_))
                }) =>
            {
                let heads: Vec<(String, Span)> =
                    attrs.iter().map(|a| (a.key.clone(), a.key_span)).collect();
                let mut columns: Vec<Vec<Val>> = heads
                    .iter()
                    .map(|_| Vec::with_capacity(vals.len()))
                    .collect();
                for v in vals {
                    if let ValKind::Map(attrs) = v.kind {
                        for (column, a) in columns.iter_mut().zip(attrs) {
                            column.push(a.value);
                        }
                    }
                }
                let merged = heads
                    .into_iter()
                    .zip(columns)
                    .map(|((key, key_span), column)| Attr {
                        key,
                        key_span,
                        value: self.merge(column, space),
                    })
                    .collect();
                Val::new(span, ValKind::Map(merged))
            }
            ValKind::List(items)
                if vals
                    .iter()
                    .all(|v| matches!(&v.kind, ValKind::List(o) if o.len() == items.len())) =>
            {
                let mut columns: Vec<Vec<Val>> = items
                    .iter()
                    .map(|_| Vec::with_capacity(vals.len()))
                    .collect();
                for v in vals {
                    if let ValKind::List(items) = v.kind {
                        for (column, item) in columns.iter_mut().zip(items) {
                            column.push(item);
                        }
                    }
                }
                let merged = columns
                    .into_iter()
                    .map(|column| self.merge(column, space))
                    .collect();
                Val::new(span, ValKind::List(merged))
            }
            _ => self.choice(vals, space),
        }
    }

    /// A choice between the distinct values, each labelled with the scenarios that give it.
    fn choice(&self, vals: Vec<Val>, space: &Space) -> Val {
        let span = vals.first().map(|v| v.span).unwrap_or_default();
        let mut groups: Vec<(Val, Vec<usize>)> = Vec::new();
        for (id, v) in vals.into_iter().enumerate() {
            match groups.iter_mut().find(|(g, _)| *g == v) {
                Some((_, members)) => members.push(id),
                None => groups.push((v, vec![id])),
            }
        }
        let mut used: BTreeSet<Dim> = BTreeSet::new();
        let scenarios = groups
            .iter()
            .map(|(_, g)| self.label(g, space, &mut used))
            .collect();
        let names: Vec<String> = used
            .into_iter()
            .map(|d| match d {
                Dim::Cond(c) => format!("condition `{c}`"),
                Dim::Allowed(p) | Dim::Free(p) => format!("parameter `{p}`"),
            })
            .collect();
        let members = groups
            .iter()
            .map(|(_, g)| {
                g.iter()
                    .map(|&i| {
                        self.space
                            .get()
                            .saturating_mul(128)
                            .saturating_add(i as u32)
                    })
                    .collect()
            })
            .collect();
        Val::new(
            span,
            ValKind::Choice {
                condition: names.join(", "),
                members,
                options: groups.into_iter().map(|(v, _)| v).collect(),
                scenarios,
            },
        )
    }

    /// The deployments of `group` (among `all`): what sets them apart. The dimensions named
    /// are added to `used`.
    fn label(&self, group: &[usize], space: &Space, used: &mut BTreeSet<Dim>) -> String {
        let facts = &space.facts;
        // Defaults are named only for a group holding the scenario that keeps them all.
        let keeps_defaults = group.iter().filter_map(|&i| facts.get(i)).any(|f| {
            f.iter()
                .all(|(d, v)| !matches!(d, Dim::Free(_)) || v == "default")
        });
        let mut conds = Vec::new();
        let mut params = Vec::new();
        for (d, everywhere) in &space.dims {
            let mut mine = values_of(d, group, facts);
            if mine == *everywhere {
                continue;
            }
            mine.remove("-");
            if let Dim::Cond(_) = d {
                // A condition left undecided (an overridden default) sets nothing apart.
                mine.remove("unknown");
            }
            if mine.is_empty() {
                continue;
            }
            let shown = |quote: bool| {
                mine.iter()
                    .map(|v| if quote { format!("{v:?}") } else { v.clone() })
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            match d {
                Dim::Cond(c) => conds.push(format!("`{c}` is {}", shown(false))),
                Dim::Allowed(p) => params.push((p.clone(), format!("is {}", shown(true)))),
                Dim::Free(p) => {
                    let default = match self.params.get(p) {
                        Some(Param::Default(raw, _)) => raw,
                        _ => continue,
                    };
                    if !keeps_defaults || mine.len() != 1 || !mine.contains("default") {
                        continue;
                    }
                    params.push((p.clone(), format!("keeps its default ({default:?})")));
                }
            }
            used.insert(d.clone());
        }
        // (long form, short form) of each parameter's part.
        let mut parts: Vec<(String, String)> = params
            .iter()
            .map(|(p, v)| (format!("parameter `{p}` {v}"), format!("`{p}` {v}")))
            .collect();
        // Many defaults (scenarios that override them all at once): summarised.
        let defaults: Vec<&String> = params
            .iter()
            .filter(|(_, v)| v.starts_with("keeps"))
            .map(|(p, _)| p)
            .collect();
        if defaults.len() > 3 {
            let names: Vec<String> = defaults.iter().take(3).map(|p| format!("`{p}`")).collect();
            let text = format!(
                "parameters {} and {} more keep their defaults",
                names.join(", "),
                defaults.len() - 3
            );
            parts.retain(|(long, _)| !long.contains(" keeps its default"));
            parts.push((text.clone(), text));
        }
        if conds.is_empty() {
            let long: Vec<String> = parts.into_iter().map(|(l, _)| l).collect();
            return long.join(" and ");
        }
        let mut out = conds.join(" and ");
        if !parts.is_empty() {
            let short: Vec<String> = parts.into_iter().map(|(_, s)| s).collect();
            out.push_str(&format!(" ({})", short.join(", ")));
        }
        out
    }
}

/// The scenarios of one resource, for labels: each one's facts, and every dimension seen with
/// the values it takes over all of them (computed once, not once per label).
struct Space<'f> {
    facts: &'f [Facts],
    dims: Vec<(Dim, BTreeSet<String>)>,
}

impl<'f> Space<'f> {
    fn new(facts: &'f [Facts]) -> Self {
        let all: Vec<usize> = (0..facts.len()).collect();
        let names: BTreeSet<&Dim> = facts.iter().flat_map(|f| f.keys()).collect();
        let dims = names
            .into_iter()
            .map(|d| (d.clone(), values_of(d, &all, facts)))
            .collect();
        Space { facts, dims }
    }
}

/// The values dimension `d` takes in the scenarios `ids` (`-` where it was not read).
fn values_of(d: &Dim, ids: &[usize], facts: &[Facts]) -> BTreeSet<String> {
    ids.iter()
        .filter_map(|&i| facts.get(i))
        .map(|f| f.get(d).cloned().unwrap_or_else(|| "-".into()))
        .collect()
}
