//! Suppressions: which duty a suppression marker silences, and which markers silenced nothing.

use super::{ResourceResult, UnusedSuppression};
use crate::catalog::Duty;
use crate::model::Resource;
use std::collections::BTreeMap;

/// Whether a suppression naming `what` silences `duty`: its id or slug, or a checkov or trivy
/// check the duty lists in its references (`checkov:CKV_AWS_18`, `trivy:AWS-0089`).
pub(super) fn silences(what: &str, duty: &Duty) -> bool {
    if what == duty.id || what == duty.slug {
        return true;
    }
    match what.split_once(':') {
        Some(("checkov", id)) => duty.references.checkov.iter().any(|c| c == id),
        Some(("trivy", id)) => duty.references.trivy.iter().any(|t| t == id),
        _ => false,
    }
}

/// Whether a suppression was written for a peer tool (not reported when it silences nothing:
/// the peer check may have no srm-lint duty).
fn is_peer_marker(what: &str) -> bool {
    what.starts_with("checkov:") || what.starts_with("trivy:")
}

/// The checklists, and the suppressions of `resources` that silenced nothing.
pub(super) fn collect_unused(
    resources: &[Resource],
    evaluated: Vec<(ResourceResult, Vec<usize>)>,
) -> (Vec<ResourceResult>, Vec<UnusedSuppression>) {
    let mut used: BTreeMap<(usize, usize), bool> = BTreeMap::new();
    let mut out = Vec::with_capacity(resources.len());
    for (rr, used_here) in evaluated {
        for si in used_here {
            used.insert((rr.resource, si), true);
        }
        out.push(rr);
    }
    let mut unused = Vec::new();
    for (ri, res) in resources.iter().enumerate() {
        for (si, s) in res.suppressions.iter().enumerate() {
            if !used.contains_key(&(ri, si)) && !is_peer_marker(&s.duty) {
                unused.push(UnusedSuppression {
                    span: s.span,
                    duty: s.duty.clone(),
                });
            }
        }
    }
    unused.sort();
    (out, unused)
}
