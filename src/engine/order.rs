//! The deterministic order of a run's output, whatever order the workers finished in.

use crate::model::ToolError;
use crate::outcome::Scan;
use crate::par::PARALLEL_MIN;
use crate::source::{FileId, Span};
use rayon::prelude::*;

/// Reorders `items` in place so that item `k` becomes the one that was at `order[k]` (`order`
/// is a permutation of the indices), by following its cycles with swaps: no copy of the items.
pub fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        if done.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut k = start;
        loop {
            if let Some(d) = done.get_mut(k) {
                *d = true;
            }
            let Some(&src) = order.get(k) else { break };
            if src == start || src >= items.len() {
                break;
            }
            items.swap(k, src);
            k = src;
        }
    }
}

/// Puts `scan` in its deterministic order: resources (and their checklists, when `evaluated`
/// unit by unit) by file path then position, errors, notices and files by path.
pub fn finish(scan: &mut Scan, evaluated: bool) {
    // Deterministic order: resources by file path then position; errors likewise.
    let sources = &scan.sources;
    let ranks = sources.display_ranks();
    let rank = |f: FileId| ranks.get(f as usize).copied().unwrap_or(u32::MAX);
    let resources = &mut scan.model.resources;
    // Sorted by compact keys (file rank, position, index) on every core; the address (and then
    // the index, which keeps the order of equal resources as it was) only breaks ties.
    let mut keys: Vec<(u32, u32, usize)> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (rank(r.file), r.header.start, i))
        .collect();
    let by_key = |a: &(u32, u32, usize), b: &(u32, u32, usize)| {
        (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| {
            let address = |i: usize| resources.get(i).map(|r| r.address.as_str());
            address(a.2).cmp(&address(b.2)).then(a.2.cmp(&b.2))
        })
    };
    if keys.len() < PARALLEL_MIN {
        keys.sort_unstable_by(by_key);
    } else {
        keys.par_sort_unstable_by(by_key);
    }
    let order: Vec<usize> = keys.into_iter().map(|k| k.2).collect();
    permute(resources, &order);
    let mut results = std::mem::take(&mut scan.model.results);
    if evaluated {
        // Evaluated unit by unit: `results[i]` is resource `i`'s (units were appended in
        // order), so it moves with its resource and then points at its new place. The bodies
        // are gone, so a mismatch (a unit that skipped evaluation) cannot be evaluated again:
        // it is reported, never passed off as a clean result.
        if results.len() != resources.len() {
            scan.model.errors.push(ToolError {
                span: Span::file_start(0),
                code: "internal-error",
                message: format!(
                    "{} checklists for {} resources; please report this",
                    results.len(),
                    resources.len()
                ),
                related: None,
            });
            results.clear();
        }
        permute(&mut results, &order);
        for (i, rr) in results.iter_mut().enumerate() {
            rr.resource = i;
        }
        scan.results = results;
        scan.unused_suppressions = std::mem::take(&mut scan.model.unused_suppressions);
        scan.unused_suppressions.sort();
        scan.evaluated = true;
    }
    scan.model.errors.sort_by(|a, b| {
        (sources.display(a.span.file), a.span.start, &a.message).cmp(&(
            sources.display(b.span.file),
            b.span.start,
            &b.message,
        ))
    });
    scan.model.errors.dedup();
    scan.model.notices.sort_by(|a, b| {
        (sources.display(a.span.file), a.span.start)
            .cmp(&(sources.display(b.span.file), b.span.start))
    });
    scan.model.notices.dedup();
    // By display path (the ranks order files as their paths do; the sort is stable).
    scan.files.sort_by_key(|f| rank(f.0));
    scan.files.dedup();
}

#[cfg(test)]
mod tests {
    use super::permute;
    use proptest::prelude::*;

    proptest! {
        /// The in-place permutation gives what copying `items[order[k]]` into place `k` gives.
        #[test]
        fn permute_moves_each_item_to_its_place(
            order in (0usize..40).prop_flat_map(|n| Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
        ) {
            let items: Vec<String> = (0..order.len()).map(|i| format!("item{i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut got = items;
            permute(&mut got, &order);
            prop_assert_eq!(got, expected);
        }
    }
}
