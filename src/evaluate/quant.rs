//! Quantifiers of the predicate language: `some`/`every`/`none` over a list or block of the
//! resource, and over the companion resources of a relation.

use super::logic::{all, any, choice_in, labelled, picked};
use super::msg::{lazy, Msg};
use super::pred::{eval, Ctx, Outcome, Tri};
use crate::catalog::{Pred, Quant};
use crate::model::{Resource, Val, ValKind};
use crate::source::Span;

pub(super) fn elements(val: &Val) -> Vec<&Val> {
    match &val.kind {
        ValKind::List(items) => items.iter().collect(),
        ValKind::Null => Vec::new(),
        _ => vec![val],
    }
}

pub(super) fn eval_each<'a>(
    ctx: &Ctx<'a>,
    q: Quant,
    path: &'a str,
    filter: &'a Pred,
    val: &'a Val,
    anchor: Span,
    specific: bool,
) -> Outcome<'a> {
    let (mut one, mut many) = ([""], Vec::new());
    let segs = super::docs::path_segments(path, &mut one, &mut many);
    each_in(ctx, q, (path, segs), filter, val, anchor, specific)
}

/// [`eval_each`] walking `segs` (the rest of `path`) from `val`.
fn each_in<'a>(
    ctx: &Ctx<'a>,
    q: Quant,
    (path, segs): (&'a str, &[&str]),
    filter: &'a Pred,
    val: &'a Val,
    anchor: Span,
    specific: bool,
) -> Outcome<'a> {
    // Walk to the list, failing soft on unknowns.
    let mut cur = val;
    let mut at = anchor;
    for (k, seg) in segs.iter().enumerate() {
        let rest = segs.get(k..).unwrap_or_default();
        if let Some(o) = scenario_each(ctx, q, (path, rest), filter, cur, at, specific) {
            return o;
        }
        match &cur.kind {
            ValKind::Map(_) => match cur.attr(seg) {
                Some(a) => {
                    at = a.key_span;
                    cur = &a.value;
                }
                None => return quant_empty(q, path, anchor, specific),
            },
            ValKind::Unknown(r) => {
                let mut o = Outcome::new(
                    Tri::Unknown,
                    cur.span,
                    true,
                    lazy!("`{path}` cannot be resolved: {r}"),
                );
                o.related.clone_from(&r.related);
                return o;
            }
            ValKind::Choice { condition, .. } => {
                return Outcome::new(
                    Tri::Unknown,
                    cur.span,
                    true,
                    lazy!("`{path}` depends on `{condition}`"),
                )
            }
            _ => return quant_empty(q, path, anchor, specific),
        }
    }
    if let Some(o) = scenario_each(ctx, q, (path, &[]), filter, cur, at, specific) {
        return o;
    }
    match &cur.kind {
        ValKind::Unknown(r) => {
            let mut o = Outcome::new(
                Tri::Unknown,
                cur.span,
                true,
                lazy!("`{path}` cannot be resolved: {r}"),
            );
            o.related.clone_from(&r.related);
            return o;
        }
        ValKind::Ref(_) => {
            return Outcome::new(
                Tri::Unknown,
                cur.span,
                true,
                lazy!("`{path}` is known only after deployment"),
            )
        }
        ValKind::Choice { condition, .. } => {
            return Outcome::new(
                Tri::Unknown,
                cur.span,
                true,
                lazy!("`{path}` depends on `{condition}`"),
            )
        }
        _ => {}
    }
    let items = elements(cur);
    if items.is_empty() {
        return quant_empty(q, path, at, true);
    }
    let outs: Vec<Outcome<'a>> = items
        .iter()
        .map(|i| eval(ctx, filter, i, i.span, true))
        .collect();
    quantify(q, outs, at, lazy!("no `{path}` matches"), Some(path))
}

/// A quantifier over a value that differs between deployments: evaluated in each, walking
/// the rest of the path from there. `None` when `cur` is not such a value.
fn scenario_each<'a>(
    ctx: &Ctx<'a>,
    q: Quant,
    (path, rest): (&'a str, &[&str]),
    filter: &'a Pred,
    cur: &'a Val,
    at: Span,
    specific: bool,
) -> Option<Outcome<'a>> {
    let ValKind::Choice {
        condition,
        options,
        scenarios,
        members,
    } = &cur.kind
    else {
        return None;
    };
    if scenarios.is_empty() {
        return None;
    }
    if let Some((i, o)) = picked(ctx.scenario, options, members) {
        let out = each_in(ctx, q, (path, rest), filter, o, at, specific);
        return Some(labelled(out, scenarios, i));
    }
    let outs: Vec<Outcome<'a>> = options
        .iter()
        .map(|o| each_in(ctx, q, (path, rest), filter, o, at, specific))
        .collect();
    Some(choice_in(outs, condition, scenarios, cur.span))
}

pub(super) fn quant_empty(q: Quant, what: &str, anchor: Span, specific: bool) -> Outcome<'_> {
    let o = match q {
        Quant::Some => Outcome::new(Tri::False, anchor, specific, lazy!("no `{what}` is set")),
        Quant::Every | Quant::None => {
            Outcome::new(Tri::True, anchor, false, lazy!("no `{what}` is set"))
        }
    };
    o.by_default()
}

/// Applies quantifier `q` to the element outcomes. For `none`: `none_holds` is the message when
/// no element matches, and a matching element's message is prefixed with `prefix` (a path the
/// user wrote; companions name themselves).
pub(super) fn quantify<'a>(
    q: Quant,
    mut outs: Vec<Outcome<'a>>,
    anchor: Span,
    none_holds: Msg<'a>,
    prefix: Option<&'a str>,
) -> Outcome<'a> {
    match q {
        Quant::Some => any(outs, anchor),
        Quant::Every => all(outs, anchor),
        Quant::None => {
            if let Some(hit) = outs.iter_mut().find(|o| o.tri == Tri::True) {
                let message = match prefix {
                    Some(p) => hit.message.take().map(move |m| format!("{p}: {m}")),
                    None => hit.message.take(),
                };
                let mut o = Outcome::new(Tri::False, hit.span, true, message);
                o.evidence.clear();
                o.companion = hit.companion;
                o.account = hit.account;
                return o;
            }
            let companion = outs.iter().any(|o| o.companion);
            if let Some(i) = outs.iter().position(|o| o.tri == Tri::Unknown) {
                let mut outs = outs;
                return outs.swap_remove(i);
            }
            Outcome {
                companion,
                ..Outcome::new(Tri::True, anchor, false, none_holds)
            }
        }
    }
}

/// `filter` evaluated on companion `c` (`comp`) in its own context (a companion's scenarios are
/// its own), spending the caller's budget; without a filter, the companion's existence.
fn on_companion<'a>(
    ctx: &Ctx<'a>,
    c: usize,
    comp: &'a Resource,
    filter: Option<&'a Pred>,
) -> Outcome<'a> {
    let sub = Ctx {
        index: ctx.index,
        resource: c,
        budget: std::cell::Cell::new(ctx.budget.get()),
        scenario: None,
        docs: ctx.docs,
    };
    let o = match filter {
        Some(f) => eval(&sub, f, &comp.body, comp.header, true),
        None => Outcome::new(Tri::True, comp.header, true, "exists"),
    };
    ctx.budget.set(sub.budget.get());
    o
}

pub(super) fn eval_related<'a>(
    ctx: &Ctx<'a>,
    q: Quant,
    rel: &'a str,
    filter: Option<&'a Pred>,
    anchor: Span,
) -> Outcome<'a> {
    let Some(res) = ctx.res() else {
        return Outcome::new(Tri::Unknown, anchor, false, "internal: resource missing");
    };
    let (index, subject) = (ctx.index, ctx.resource);
    let companions = index.companions(subject, rel);
    let types = move || index.relation_types(subject, rel);
    if index.is_account(subject, rel) {
        return account_setting(ctx, q, filter, (res, companions), types);
    }
    if companions.is_empty() {
        // No companion: what AWS does without one decides.
        let message = lazy!("no {} refers to {}", types(), res.address);
        let o = match q {
            Quant::Some => Outcome::new(Tri::False, res.header, false, message),
            _ => Outcome::new(Tri::True, res.header, false, message),
        };
        return o.by_default();
    }
    let outs: Vec<Outcome<'a>> = companions
        .iter()
        .filter_map(|&c| {
            let comp = ctx.index.resources.get(c)?;
            let mut o = on_companion(ctx, c, comp, filter);
            // Proof by a companion that may not exist is no proof (`every` and `none` hold
            // without it as well, so only `some` needs it), unless it exists exactly when the
            // subject does (the same condition in the same module instance or template).
            let open = comp.existence.as_ref().filter(|_| !same_fate(res, comp));
            if let (Quant::Some, Tri::True, Some(why)) = (q, o.tri, open) {
                return Some(Outcome {
                    companion: true,
                    ..Outcome::new(
                        Tri::Unknown,
                        comp.header,
                        true,
                        lazy!(
                            "{} {why}, so it cannot prove this duty",
                            companion_name(comp)
                        ),
                    )
                });
            }
            o.message = o
                .message
                .take()
                .map(move |m| format!("{}: {m}", companion_name(comp)));
            o.companion = true;
            if o.evidence.is_empty() && o.tri == Tri::True {
                o.evidence = vec![comp.header];
            }
            Some(o)
        })
        .collect();
    let none_holds = Msg::lazy(move || {
        let names: Vec<String> = companions
            .iter()
            .filter_map(|&c| index.resources.get(c).map(companion_name))
            .collect();
        format!(
            "{} referring to {}: none does what this duty forbids",
            names.join(", "),
            res.address
        )
    });
    quantify(q, outs, res.header, none_holds, None)
}

/// The account-level settings in the subject's scope (Terraform root or template): each one
/// that holds is evidence (basis `account`), one whose existence is unknown is no proof, and
/// none at all is AWS's default for the account.
fn account_setting<'a>(
    ctx: &Ctx<'a>,
    q: Quant,
    filter: Option<&'a Pred>,
    (res, companions): (&'a Resource, &'a [usize]),
    types: impl Fn() -> String + Copy + 'a,
) -> Outcome<'a> {
    if companions.is_empty() {
        let message = lazy!("no account-level {} in this configuration", types());
        let tri = match q {
            Quant::Some => Tri::False,
            _ => Tri::True,
        };
        return Outcome::new(tri, res.header, false, message).by_default();
    }
    let outs: Vec<Outcome<'a>> = companions
        .iter()
        .filter_map(|&c| {
            let comp = ctx.index.resources.get(c)?;
            let mut o = on_companion(ctx, c, comp, filter);
            let name = move || companion_name(comp);
            let elsewhere = match (&res.provider, &comp.provider) {
                (Some(a), Some(b)) if !a.same_place(b) => Some((a, b)),
                _ => None,
            };
            if let (Quant::Some, Tri::True, Some((mine, its))) = (q, o.tri, elsewhere) {
                // Account settings hold per account and Region: one made through another
                // provider configuration may be somewhere else.
                o = Outcome::new(
                    Tri::Unknown,
                    comp.header,
                    true,
                    lazy!(
                        "account-level {} is made through {} and {} through {}, which may \
                         be another account or Region, so it cannot prove this duty",
                        name(),
                        its.describe(),
                        res.address,
                        mine.describe()
                    ),
                );
            } else if let (Quant::Some, Tri::True, Some(why)) = (q, o.tri, comp.existence.as_ref())
            {
                o = Outcome::new(
                    Tri::Unknown,
                    comp.header,
                    true,
                    lazy!(
                        "account-level {} {why}, so it cannot prove this duty",
                        name()
                    ),
                );
            } else {
                o.message = o
                    .message
                    .take()
                    .map(move |m| format!("account-level {} in this configuration: {m}", name()));
            }
            // The setting written in the account resource is the evidence, even where that
            // resource leaves one of its own arguments to the provider's default.
            o.account = true;
            o.by_default = false;
            o.explicit = true;
            if o.tri == Tri::True && o.evidence.is_empty() {
                o.evidence = vec![comp.header];
                o.span = comp.header;
            }
            if o.tri == Tri::False {
                // A setting that does not settle the duty: the finding stays on the subject.
                o.span = res.header;
                o.specific = false;
            }
            Some(o)
        })
        .collect();
    quantify(
        q,
        outs,
        res.header,
        lazy!(
            "no account-level {} in this configuration does what this duty forbids",
            types()
        ),
        None,
    )
}

/// A companion as messages name it: its address, with its type when the address does not
/// show it (a CloudFormation logical id).
fn companion_name(r: &Resource) -> String {
    let shows_type = r.address.starts_with(&format!("{}.", r.rtype))
        || r.address.contains(&format!(".{}.", r.rtype));
    if shows_type {
        r.address.clone()
    } else {
        format!("{} {}", r.rtype, r.address)
    }
}

/// Whether two resources exist under the same unresolved condition, so one exists exactly when
/// the other does: the same reason in the same module instance (Terraform) or template.
fn same_fate(a: &Resource, b: &Resource) -> bool {
    let module = |r: &Resource| -> Option<String> {
        let at = r.address.rfind(&format!("{}.", r.rtype))?;
        r.address.get(..at).map(str::to_string)
    };
    let same_condition = match (&a.condition, &b.condition) {
        (Some(x), Some(y)) => x == y,
        (None, None) => true,
        _ => false,
    };
    a.existence.is_some()
        && a.existence == b.existence
        && same_condition
        && a.scope == b.scope
        && module(a) == module(b)
}
