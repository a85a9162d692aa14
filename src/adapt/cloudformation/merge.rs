//! Merging the values of a resource's scenarios (see `scenarios.rs`): descending while they
//! share a shape, so a choice between deployments sits on the value that differs, labelled
//! with what tells those deployments apart.

use super::intrinsics::Ctx;
use super::scenarios::{Dim, Facts};
use super::values::Param;
use crate::model::{Attr, Val, ValKind};
use crate::source::Span;
use std::collections::BTreeSet;

impl Ctx<'_> {
    /// The value over the scenarios whose values are `vals` and whose facts are `facts`.
    pub(super) fn merge_scenarios(&self, vals: Vec<Val>, facts: &[Facts]) -> Val {
        self.merge(vals, &Space::new(facts))
    }

    /// Merges the values of several scenarios (the i-th value is scenario i's), descending
    /// while they share a shape, so a choice sits on the value that differs. Takes the values:
    /// the parts every scenario shares are moved into the result, not copied. Each part is
    /// compared once, at the leaves: a map or list of one shape in every scenario is rebuilt
    /// from its merged entries, which is the first scenario's value where all agree.
    fn merge(&self, mut vals: Vec<Val>, space: &Space) -> Val {
        let Some(first) = vals.first() else {
            return Val::new(Span::default(), ValKind::Null);
        };
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
            _ if vals.iter().skip(1).all(|v| v == first) => vals.swap_remove(0),
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
            .map(|(_, g)| self.label_once(g, space, &mut used))
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
    /// [`Ctx::label`], written once per group of scenarios.
    fn label_once(&self, group: &[usize], space: &Space, used: &mut BTreeSet<Dim>) -> String {
        if let Some((text, dims)) = space.labels.borrow().get(group) {
            used.extend(dims.iter().cloned());
            return text.clone();
        }
        let mut mine = BTreeSet::new();
        let text = self.label(group, space, &mut mine);
        let dims: Vec<Dim> = mine.into_iter().collect();
        used.extend(dims.iter().cloned());
        space
            .labels
            .borrow_mut()
            .insert(group.to_vec(), (text.clone(), dims));
        text
    }

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

/// A label, and the dimensions it names.
type Label = (String, Vec<Dim>);

/// The scenarios of one resource, for labels: each one's facts, and every dimension seen with
/// the values it takes over all of them (computed once, not once per label).
struct Space<'f> {
    facts: &'f [Facts],
    dims: Vec<(Dim, BTreeSet<String>)>,
    /// Labels already written, by group of scenarios, with the dimensions each names (the
    /// choices of one resource mostly split its scenarios the same way).
    labels: std::cell::RefCell<foldhash::HashMap<Vec<usize>, Label>>,
}

impl<'f> Space<'f> {
    fn new(facts: &'f [Facts]) -> Self {
        let all: Vec<usize> = (0..facts.len()).collect();
        let names: BTreeSet<&Dim> = facts.iter().flat_map(|f| f.keys()).collect();
        let dims = names
            .into_iter()
            .map(|d| (d.clone(), values_of(d, &all, facts)))
            .collect();
        Space {
            facts,
            dims,
            labels: Default::default(),
        }
    }
}

/// The values dimension `d` takes in the scenarios `ids` (`-` where it was not read).
fn values_of(d: &Dim, ids: &[usize], facts: &[Facts]) -> BTreeSet<String> {
    ids.iter()
        .filter_map(|&i| facts.get(i))
        .map(|f| f.get(d).cloned().unwrap_or_else(|| "-".into()))
        .collect()
}
