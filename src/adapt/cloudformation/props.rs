//! Scenarios per property: a resource's `Properties` (or a SAM `Globals` section) converted
//! once, then, in each further scenario, only the properties that read a parameter or a
//! condition; the others come out the same in every scenario, so converting and merging them
//! again would only repeat work. The result is what converting the whole section in every
//! scenario gives (see `scenarios.rs`).

use super::intrinsics::Ctx;
use super::scenarios::Scenario;
use super::values::{is_intrinsic, unknown};
use crate::model::{Attr, Val, ValKind};
use crate::tree::{Node, NodeKind};
use std::cell::RefCell;

/// What the steps budget leaves of a section it ran out on (as the converter says it).
const TOO_COMPLEX: &str = "template too complex to evaluate";

impl Ctx<'_> {
    /// [`Ctx::over_scenarios`] of a section node `n`.
    pub(super) fn over_scenarios_of(
        &self,
        condition: Option<&str>,
        n: &Node,
    ) -> Option<(Val, Option<String>)> {
        let whole = |c: &Self| c.val(n);
        let entries = match &n.kind {
            NodeKind::Map(entries) if !is_intrinsic(n) => entries,
            _ => return self.over_scenarios(condition, &whole),
        };
        // The first scenario converts every entry, noting which ones read anything that can
        // differ between scenarios.
        let reading: RefCell<Vec<bool>> = RefCell::new(Vec::new());
        let probe = |c: &Self| {
            if !c.step() {
                return unknown(n.span, TOO_COMPLEX.into());
            }
            let mut flags = Vec::with_capacity(entries.len());
            let attrs = entries
                .iter()
                .map(|e| {
                    let before = std::mem::take(&mut *c.reads.borrow_mut());
                    let value = c.conv(&e.value, 1);
                    let mut reads = c.reads.borrow_mut();
                    let mine = std::mem::replace(&mut *reads, before);
                    flags.push(!mine.params.is_empty() || !mine.conditions.is_empty());
                    reads.params.extend(mine.params);
                    for cond in mine.conditions {
                        if !reads.conditions.contains(&cond) {
                            reads.conditions.push(cond);
                        }
                    }
                    Attr {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value,
                    }
                })
                .collect();
            *reading.borrow_mut() = flags;
            Val::new(n.span, ValKind::Map(attrs))
        };
        let mut first = self.run(Scenario::default(), condition, &probe);
        let reading = reading.into_inner();
        let ValKind::Map(attrs) = std::mem::replace(&mut first.val.kind, ValKind::Null) else {
            // The budget ran out: nothing to keep apart.
            first.val = unknown(n.span, TOO_COMPLEX.into());
            return self.over_runs(condition, first, &whole);
        };
        let mut fixed: Vec<Option<Attr>> = Vec::with_capacity(attrs.len());
        let mut varying = Vec::new();
        for (a, reads) in attrs.into_iter().zip(&reading) {
            if *reads {
                fixed.push(None);
                varying.push(a);
            } else {
                fixed.push(Some(a));
            }
        }
        first.val.kind = ValKind::Map(varying);
        let reconvert = |c: &Self| {
            if !c.step() {
                return unknown(n.span, TOO_COMPLEX.into());
            }
            let attrs = entries
                .iter()
                .zip(&reading)
                .filter(|(_, reads)| **reads)
                .map(|(e, _)| Attr {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: c.conv(&e.value, 1),
                })
                .collect();
            Val::new(n.span, ValKind::Map(attrs))
        };
        let (merged, existence) = self.over_runs(condition, first, &reconvert)?;
        let ValKind::Map(merged_attrs) = merged.kind else {
            // Not a map (the budget ran out in a scenario): what the merge gave.
            return Some((merged, existence));
        };
        let mut merged_attrs = merged_attrs.into_iter();
        let attrs = fixed
            .into_iter()
            .filter_map(|a| a.or_else(|| merged_attrs.next()))
            .collect();
        Some((Val::new(n.span, ValKind::Map(attrs)), existence))
    }
}
