//! Evaluation: for each resource, the checklist of duties the catalog assigns to its kind, each
//! with a verdict, a location and a message.
//!
//! Companion relations are indexed once per evaluated unit (linear in resources × relations;
//! a unit is the whole scan, or Terraform root modules or one CloudFormation file when the scan
//! evaluates as it goes), so evaluation never searches the whole model per duty.

mod addrs;
mod docs;
mod lifecycle;
mod logic;
mod msg;
mod pred;
mod quant;
pub mod secrets;
mod suppress;
mod values;

use values::path_value;

use crate::catalog::{Catalog, Duty, Proof, Relation};
pub use crate::model::result::{Basis, DutyResult, ResourceResult, UnusedSuppression, Verdict};
use crate::model::{Resource, Val};
use foldhash::{HashMap, HashMapExt};
use pred::{Ctx, Tri};
use std::collections::BTreeMap;
use suppress::{collect_unused, silences};

/// The index of one unit's resources, kinds and companion relations.
pub struct Index<'a> {
    resources: &'a [Resource],
    kinds: std::sync::Arc<[Option<&'a str>]>,
    /// (subject, relation id) → companions.
    companions: HashMap<(usize, usize), Vec<usize>>,
    rels: &'a Relations<'a>,
    /// The catalog's dated lifecycles, for `supported_on` tests.
    lifecycles: &'a BTreeMap<String, crate::catalog::Lifecycle>,
    /// The run's date (days since 1970-01-01), against which lifecycles are judged.
    today: i64,
}

/// The catalog's companion relations, numbered.
#[derive(Default)]
struct Relations<'c> {
    /// subject kind → relation name → relation id.
    ids: HashMap<String, HashMap<String, usize>>,
    /// By id.
    list: Vec<&'c Relation>,
}

impl<'c> Relations<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        let list: Vec<&Relation> = catalog.relations().collect();
        let mut ids: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for (rid, rel) in list.iter().enumerate() {
            ids.entry(rel.subject.clone())
                .or_default()
                .insert(rel.name.clone(), rid);
        }
        Relations { ids, list }
    }
}

impl<'a> Index<'a> {
    /// Builds the index: resource kinds and, for every relation, which companions belong to
    /// which subject.
    fn new(
        catalog: &'a Catalog,
        (rels, today): (&'a Relations<'a>, i64),
        resources: &'a [Resource],
        parallel: bool,
    ) -> Self {
        let kinds: std::sync::Arc<[Option<&str>]> = resources
            .iter()
            .map(|r| catalog.type_info(&r.rtype).map(|t| t.kind.kind.as_str()))
            .collect();
        let by_addr = addrs::Addrs::new(resources);
        let mut by_type: HashMap<&str, Vec<usize>> = HashMap::new();
        // Resources of each kind, so a relation visits its subjects only (not every resource).
        let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            by_type.entry(r.rtype.as_str()).or_default().push(i);
            if let Some(k) = kinds.get(i).copied().flatten() {
                by_kind.entry(k).or_default().push(i);
            }
        }
        let subjects_of =
            |kind: &str| -> &[usize] { by_kind.get(kind).map(Vec::as_slice).unwrap_or_default() };
        let mut companions: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let relations = &rels.list;
        // Each relation's (subject, companion) pairs, found independently (on every core for a
        // large model), then merged in relation order so the result does not depend on timing.
        let pairs_of = |(rid, rel): (usize, &&Relation)| -> Vec<((usize, usize), usize)> {
            let mut pairs = Vec::new();
            let comp_idx: Vec<usize> = rel
                .companion
                .iter()
                .flat_map(|t| by_type.get(t.as_str()).cloned().unwrap_or_default())
                .collect();
            if let Some(via) = &rel.via {
                // Subjects by literal name, for joins such as `bucket = "my-bucket"`.
                let mut by_name: HashMap<(&str, &str), usize> = HashMap::new();
                if let Some(name_attr) = &rel.by_name {
                    for &i in subjects_of(&rel.subject) {
                        let Some(r) = resources.get(i) else { continue };
                        if let Some(n) = path_value(&r.body, name_attr).and_then(Val::as_str) {
                            by_name.insert((r.scope.as_str(), n), i);
                        }
                    }
                }
                for &c in &comp_idx {
                    let Some(comp) = resources.get(c) else {
                        continue;
                    };
                    let Some(v) = path_value(&comp.body, via) else {
                        continue;
                    };
                    let mut subjects: Vec<usize> = v
                        .references()
                        .iter()
                        .flat_map(|r| by_addr.find(&comp.scope, &r.target))
                        .collect();
                    if let Some(name) = v.as_str() {
                        subjects.extend(by_name.get(&(comp.scope.as_str(), name)).copied());
                    }
                    for s in subjects {
                        if kinds.get(s).copied().flatten() == Some(rel.subject.as_str())
                            && companion_matches(rel, resources, &kinds, c)
                        {
                            pairs.push(((s, rid), c));
                        }
                    }
                }
            }
            if rel.account {
                // An account-level setting: every one in the subject's scope, no reference.
                let mut in_scope: HashMap<&str, Vec<usize>> = HashMap::new();
                for &c in &comp_idx {
                    let Some(comp) = resources.get(c) else {
                        continue;
                    };
                    if companion_matches(rel, resources, &kinds, c) {
                        in_scope.entry(comp.scope.as_str()).or_default().push(c);
                    }
                }
                if !in_scope.is_empty() {
                    for &s in subjects_of(&rel.subject) {
                        let Some(r) = resources.get(s) else { continue };
                        for &c in in_scope.get(r.scope.as_str()).into_iter().flatten() {
                            pairs.push(((s, rid), c));
                        }
                    }
                }
            }
            if let Some(from) = &rel.from_subject {
                for &s in subjects_of(&rel.subject) {
                    let Some(r) = resources.get(s) else { continue };
                    let Some(v) = path_value(&r.body, from) else {
                        continue;
                    };
                    for t in v.references() {
                        for c in by_addr.find(&r.scope, &t.target) {
                            let ok = resources
                                .get(c)
                                .is_some_and(|cr| rel.companion.contains(&cr.rtype));
                            if ok && companion_matches(rel, resources, &kinds, c) {
                                pairs.push(((s, rid), c));
                            }
                        }
                    }
                }
            }
            pairs
        };
        use rayon::prelude::*;
        let found: Vec<Vec<((usize, usize), usize)>> =
            if !parallel || resources.len() < crate::par::PARALLEL_MIN {
                relations.iter().enumerate().map(pairs_of).collect()
            } else {
                relations
                    .par_iter()
                    .enumerate()
                    .with_max_len(1)
                    .map(pairs_of)
                    .collect()
            };
        for (key, c) in found.into_iter().flatten() {
            companions.entry(key).or_default().push(c);
        }
        for v in companions.values_mut() {
            // By place, then address (instances of one declaration share its place), so the
            // order does not depend on how the model was assembled.
            v.sort_by_key(|&i| {
                resources
                    .get(i)
                    .map(|r| (r.file, r.header.start, r.address.as_str()))
            });
            v.dedup();
        }
        Index {
            resources,
            kinds,
            companions,
            rels,
            lifecycles: &catalog.lifecycles,
            today,
        }
    }

    fn relation_id(&self, subject: usize, rel: &str) -> Option<usize> {
        let kind = self.kinds.get(subject).copied().flatten()?;
        self.rels.ids.get(kind)?.get(rel).copied()
    }

    fn companions(&self, subject: usize, rel: &str) -> &[usize] {
        self.relation_id(subject, rel)
            .and_then(|rid| self.companions.get(&(subject, rid)))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Whether `rel` is an account-level relation (see [`Relation::account`]).
    fn is_account(&self, subject: usize, rel: &str) -> bool {
        self.relation_id(subject, rel)
            .and_then(|rid| self.rels.list.get(rid))
            .is_some_and(|r| r.account)
    }

    fn relation_types(&self, subject: usize, rel: &str) -> String {
        match self
            .relation_id(subject, rel)
            .and_then(|rid| self.rels.list.get(rid))
        {
            Some(r) => r.companion.join(" or "),
            None => "companion resource".to_string(),
        }
    }
}

fn companion_matches<'a>(
    rel: &Relation,
    resources: &'a [Resource],
    kinds: &std::sync::Arc<[Option<&'a str>]>,
    c: usize,
) -> bool {
    let Some(filter) = &rel.filter else {
        return true;
    };
    let Some(comp) = resources.get(c) else {
        return false;
    };
    // Filters are evaluated without relations or lifecycles of their own.
    let none = Relations::default();
    let no_lifecycles = BTreeMap::new();
    let empty = Index {
        resources,
        kinds: kinds.clone(),
        companions: HashMap::new(),
        rels: &none,
        lifecycles: &no_lifecycles,
        today: 0,
    };
    let docs = docs::Docs::default();
    let ctx = Ctx {
        index: &empty,
        resource: c,
        budget: std::cell::Cell::new(10_000),
        scenario: None,
        docs: &docs,
    };
    let tri = pred::eval(&ctx, filter, &comp.body, comp.header, false).tri;
    tri == Tri::True
}

/// Per-run evaluation budget for one duty on one resource.
const STEP_BUDGET: u32 = 100_000;

/// Evaluates every resource's checklist on the run's date `today` (days since 1970-01-01; see
/// [`crate::date`]). Results are in resource order; the caller sorts.
pub fn evaluate(
    catalog: &Catalog,
    resources: &[Resource],
    today: i64,
) -> (Vec<ResourceResult>, Vec<UnusedSuppression>) {
    Prepared::new(catalog, today).run(resources, true)
}

/// What evaluation derives from the catalog alone, built once per run so that evaluating many
/// small units (one Terraform root, one template) costs no per-unit catalog work.
pub struct Prepared<'c> {
    catalog: &'c Catalog,
    /// The duties of each resource kind (indices into the catalog's duties).
    by_kind: HashMap<&'c str, Vec<usize>>,
    rels: Relations<'c>,
    /// The run's date, against which dated lifecycles are judged.
    today: i64,
}

impl<'c> Prepared<'c> {
    /// Prepares `catalog` for evaluation on the run's date `today` (days since 1970-01-01).
    pub fn new(catalog: &'c Catalog, today: i64) -> Self {
        let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
        for (di, duty) in catalog.duties.iter().enumerate() {
            if duty.status == "deprecated" {
                continue;
            }
            for k in &duty.resources {
                by_kind.entry(k.as_str()).or_default().push(di);
            }
        }
        Prepared {
            catalog,
            by_kind,
            rels: Relations::new(catalog),
            today,
        }
    }

    /// Evaluates `resources`, which must hold every resource of each scope among them
    /// (relations never cross a scope, so a scan can evaluate scope by scope). `parallel`: on
    /// every core (only where the caller is not itself one of many parallel tasks).
    /// [`ResourceResult::resource`] indexes `resources`.
    pub fn run(
        &self,
        resources: &[Resource],
        parallel: bool,
    ) -> (Vec<ResourceResult>, Vec<UnusedSuppression>) {
        let catalog = self.catalog;
        let by_kind = &self.by_kind;
        let index = Index::new(catalog, (&self.rels, self.today), resources, parallel);
        let evaluated: Vec<(ResourceResult, Vec<usize>)> =
            if parallel && resources.len() >= crate::par::PARALLEL_MIN {
                use rayon::prelude::*;
                resources
                    .par_iter()
                    .enumerate()
                    .map(|(ri, res)| evaluate_resource(catalog, by_kind, &index, ri, res))
                    .collect()
            } else {
                resources
                    .iter()
                    .enumerate()
                    .map(|(ri, res)| evaluate_resource(catalog, by_kind, &index, ri, res))
                    .collect()
            };
        collect_unused(resources, evaluated)
    }
}

/// One resource's checklist, and which of its suppressions were used.
fn evaluate_resource(
    catalog: &Catalog,
    by_kind: &HashMap<&str, Vec<usize>>,
    index: &Index<'_>,
    ri: usize,
    res: &Resource,
) -> (ResourceResult, Vec<usize>) {
    let info = catalog.type_info(&res.rtype);
    let mut checklist = Vec::new();
    let mut used_here = Vec::new();
    // The scenarios its values are chosen in (CloudFormation parameters), once per resource.
    let scenarios = values::scenario_ids(&res.body);
    let docs = docs::Docs::default();
    let duties = info
        .and_then(|i| by_kind.get(i.kind.kind.as_str()))
        .map(|v| v.as_slice())
        .unwrap_or(&[]);
    for &di in duties {
        let Some(duty) = catalog.duties.get(di) else {
            continue;
        };
        let Some(mut result) = evaluate_duty(index, (ri, &scenarios), res, (duty, di), &docs)
        else {
            continue;
        };
        if !res.origins.is_empty() {
            addrs::add_origins(res, &mut result);
        }
        if matches!(result.verdict, Verdict::Unaddressed | Verdict::Unverified) {
            if let Some((si, s)) = res
                .suppressions
                .iter()
                .enumerate()
                .find(|(_, s)| silences(&s.duty, duty))
            {
                used_here.push(si);
                result.message = format!("suppressed ({}): {}", s.reason, result.message);
                result.verdict = Verdict::Suppressed;
                result.basis = Basis::Suppressed;
            }
        }
        checklist.push(result);
    }
    let rr = ResourceResult {
        resource: ri,
        service: info.map(|i| i.service.id.clone()),
        kind: info.map(|i| i.kind.kind.clone()),
        category: info.map(|i| i.category()),
        checklist,
    };
    (rr, used_here)
}

fn evaluate_duty(
    index: &Index<'_>,
    (ri, scenarios): (usize, &[u32]),
    res: &Resource,
    (duty, di): (&Duty, usize),
    docs: &docs::Docs,
) -> Option<DutyResult> {
    let ev = duty.evidence(res.lang)?;
    let ctx = Ctx {
        index,
        resource: ri,
        budget: std::cell::Cell::new(STEP_BUDGET),
        scenario: None,
        docs,
    };
    if let Some(when) = &ev.when {
        if pred::eval(&ctx, when, &res.body, res.header, false).tri == Tri::False {
            return None;
        }
    }
    let mk = |verdict, span, message: String, evidence| DutyResult {
        duty: di,
        verdict,
        span,
        message,
        evidence,
        basis: Basis::of_verdict(verdict),
        secret: None,
        related: Vec::new(),
    };
    if duty.proof == Proof::Attestation || ev.require.is_none() {
        // An attestation duty's `require` is what the code must not contradict (no literal
        // secret in user data): when it fails, the duty is unaddressed; else it is attested.
        if let (Proof::Attestation, Some(require)) = (duty.proof, &ev.require) {
            let o = eval_require(index, (ri, scenarios), res, require, docs);
            if o.tri == Tri::False {
                return Some(DutyResult {
                    secret: o.secret,
                    ..mk(
                        Verdict::Unaddressed,
                        o.span,
                        o.message.into_string(),
                        Vec::new(),
                    )
                });
            }
        }
        let support = ev
            .support
            .as_ref()
            .map(|s| pred::eval(&ctx, s, &res.body, res.header, false));
        return Some(match support {
            Some(o) if o.tri == Tri::True => DutyResult {
                related: o.related,
                ..mk(
                    Verdict::Attestation,
                    res.header,
                    format!(
                        "code supports this duty ({}) but cannot prove it; attest it",
                        o.message.into_string()
                    ),
                    o.evidence,
                )
            },
            _ => mk(
                Verdict::Attestation,
                res.header,
                "infrastructure code cannot prove this duty; attest it".to_string(),
                Vec::new(),
            ),
        });
    }
    let require = ev.require.as_ref()?;
    let o = eval_require(index, (ri, scenarios), res, require, docs);
    Some(match o.tri {
        Tri::True => {
            let span = if o.evidence.is_empty() {
                res.header
            } else {
                o.span
            };
            let said = o.message.into_string();
            let message = match (o.by_default && !o.account, o.explicit) {
                (true, false) => format!("addressed by AWS's default: {said}"),
                (true, true) => format!("addressed in part by AWS's default: {said}"),
                _ => said,
            };
            // An account-level setting in the same configuration is written evidence, even
            // where the subject itself leaves the setting to it.
            let basis = match (o.account, o.by_default, o.companion) {
                (true, _, _) => Basis::Account,
                (false, true, _) => Basis::Default,
                (false, false, true) => Basis::Companion,
                (false, false, false) => Basis::Code,
            };
            DutyResult {
                basis,
                related: o.related,
                ..mk(Verdict::Addressed, span, message, o.evidence)
            }
        }
        Tri::False => {
            // What decided the finding (see `logic::failure_basis`).
            let (basis, evidence) = logic::failure_basis(&o);
            DutyResult {
                basis,
                secret: o.secret,
                related: o.related,
                ..mk(
                    Verdict::Unaddressed,
                    o.span,
                    o.message.into_string(),
                    evidence,
                )
            }
        }
        Tri::Unknown => {
            let message = o.message.into_string();
            DutyResult {
                basis: Basis::of_unknown(&message),
                related: o.related,
                ..mk(Verdict::Unverified, o.span, message, Vec::new())
            }
        }
    })
}

/// The duty's requirement on the resource: in every scenario its values are chosen in (see
/// [`ValKind::Choice`]), failing in the first scenario that fails it; else weighing every option
/// of every choice.
fn eval_require<'a>(
    index: &'a Index<'a>,
    (ri, ids): (usize, &[u32]),
    res: &'a Resource,
    require: &'a crate::catalog::Pred,
    docs: &'a docs::Docs,
) -> pred::Outcome<'a> {
    let run = |scenario| {
        let ctx = Ctx {
            index,
            resource: ri,
            budget: std::cell::Cell::new(STEP_BUDGET),
            scenario,
            docs,
        };
        pred::eval(&ctx, require, &res.body, res.header, false)
    };
    if ids.is_empty() {
        return run(None);
    }
    let mut unknown = None;
    let mut holds = None;
    for &s in ids {
        let o = run(Some(s));
        match o.tri {
            Tri::False => return o,
            Tri::Unknown => {
                unknown.get_or_insert(o);
            }
            Tri::True => {
                holds.get_or_insert(o);
            }
        }
    }
    if let Some(u) = unknown {
        return u;
    }
    // Addressed in every scenario: said with every option weighed, when that agrees.
    let combined = run(None);
    match holds {
        Some(h) if combined.tri != Tri::True => h,
        _ => combined,
    }
}

#[cfg(test)]
mod tests;
