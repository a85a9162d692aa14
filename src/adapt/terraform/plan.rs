//! Planning: which module directories the scan may need, found by a textual pre-scan of local
//! module sources, grouped into independent components.

use super::load::dir_display;
use super::load::DirInfo;
use super::module::{
    canonical, display_dir, is_local_source, is_module_file, is_tfvars_name, join_normalized,
    module_files,
};
use super::{TfModuleDir, TfOptions};
use crate::model::ToolError;
use crate::source::{SourceMap, Span};
use foldhash::{HashMap, HashSet, HashSetExt};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Every module directory the scan may need, and how they group into independent components.
///
/// A cheap textual pre-scan finds every string literal that could be a local module source
/// (`"./…"`, `"../…"`) in every file; directories joined by such a string belong to one
/// component. That over-approximates the real module calls (a `filename = "./x.zip"` joins too,
/// harmlessly), so no call ever crosses components, and each component can be parsed, evaluated
/// and dropped on its own: only the syntax trees of the components in flight are in memory.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Scanned directories (in input order), then directories found as module sources.
    pub dirs: Vec<DirInfo>,
    /// Groups of indices into `dirs`, each sorted, in order of their first directory.
    pub components: Vec<Vec<usize>>,
    /// Directory index by canonical path.
    pub(crate) by_canon: HashMap<PathBuf, usize>,
    /// Why a candidate module directory could not be read, by canonical path.
    pub(crate) unreadable: HashMap<PathBuf, String>,
    /// The directories module sources may lead into (canonical).
    pub(crate) roots: Vec<PathBuf>,
    /// Canonical forms already asked of the file system (joined module source → canonical), so
    /// loading does not ask again.
    pub(crate) canonical: HashMap<PathBuf, PathBuf>,
}

/// String literals in a file's text that could be local module sources.
fn local_source_candidates(text: &str, json: bool) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(off) = bytes.get(i..).and_then(|b| memchr::memchr(b'"', b)) {
        let open = i + off;
        i = open + 1;
        if bytes.get(open + 1) != Some(&b'.') {
            continue;
        }
        let Some(len) = bytes.get(open + 1..).and_then(|b| memchr::memchr(b'"', b)) else {
            break;
        };
        let Some(lit) = text.get(open + 1..open + 1 + len) else {
            continue;
        };
        let lit = if json {
            lit.replace("\\/", "/")
        } else {
            lit.to_string()
        };
        if is_local_source(&lit) {
            out.push(lit);
        }
        // The closing quote may open the next literal.
        i = open + 1 + len;
    }
    out
}

/// A directory's candidate module sources: the joined path and its canonical form. A source
/// that, joined to the directory's canonical path, names a known directory (`by_canon`) is that
/// directory without asking the file system: a canonical path has no symbolic links, so `..`
/// from it is the real parent, and a path through a symbolic link is never canonical.
fn dir_candidates(
    d: &DirInfo,
    sources: &SourceMap,
    by_canon: &HashMap<PathBuf, usize>,
) -> Vec<(PathBuf, PathBuf)> {
    let mut candidates: Vec<String> = d
        .module_files
        .iter()
        .filter_map(|id| sources.get(*id))
        .flat_map(|f| local_source_candidates(&f.text, super::hcl::is_json_name(&f.display)))
        .collect();
    candidates.sort();
    candidates.dedup();
    candidates
        .into_iter()
        .map(|source| {
            let child = join_normalized(&d.path, &source);
            let lexical = join_normalized(&d.canon, &source);
            let canon = if by_canon.contains_key(&lexical) {
                lexical
            } else {
                canonical(&child)
            };
            (child, canon)
        })
        .collect()
}

/// The canonical path of a scanned directory: its scan root's canonical path joined with the
/// rest of its path, when the directory lies under a root (the walk does not follow symbolic
/// links, so nothing below a root is one); otherwise asked of the file system. Saves a system
/// call per path component for each of thousands of directories.
fn scanned_canonical(dir: &Path, roots: &[(PathBuf, PathBuf)]) -> PathBuf {
    let below = roots
        .iter()
        .filter_map(|(root, canon)| Some((dir.strip_prefix(root).ok()?, root, canon)))
        .max_by_key(|(_, root, _)| root.components().count());
    match below {
        Some((rel, _, canon))
            if rel
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_))) =>
        {
            canon.join(rel)
        }
        _ => canonical(dir),
    }
}

/// Finds the directories and their components (reads module directories that were not scanned
/// into the source map).
pub(crate) fn plan(
    dirs: &[TfModuleDir],
    sources: &mut SourceMap,
    opts: &TfOptions,
    errors: &mut Vec<ToolError>,
) -> Plan {
    let mut p = Plan::default();
    // Canonical paths cost a system call per path component: derived from the scan roots'
    // where possible, asked on every core otherwise.
    let root_canons: Vec<(PathBuf, PathBuf)> = opts
        .roots
        .iter()
        .map(|r| (r.clone(), canonical(r)))
        .collect();
    let canons: Vec<PathBuf> = if dirs.len() < 16 {
        dirs.iter()
            .map(|d| scanned_canonical(&d.dir, &root_canons))
            .collect()
    } else {
        dirs.par_iter()
            .map(|d| scanned_canonical(&d.dir, &root_canons))
            .collect()
    };
    for (d, canon) in dirs.iter().zip(&canons) {
        let (mut module_files, mut tfvars_files) = (Vec::new(), Vec::new());
        for id in &d.files {
            let name = sources.display(*id);
            if is_tfvars_name(name) {
                tfvars_files.push(*id);
            } else if is_module_file(name) {
                module_files.push(*id);
            }
        }
        if let Some(&i) = p.by_canon.get(canon) {
            // The same directory twice: merge.
            if let Some(info) = p.dirs.get_mut(i) {
                info.report |= d.report;
            }
            continue;
        }
        p.by_canon.insert(canon.clone(), p.dirs.len());
        p.dirs.push(DirInfo {
            display: dir_display(&d.dir, &d.files, sources),
            module_files,
            tfvars_files,
            report: d.report,
            scanned: true,
            targeted: false,
            path: d.dir.clone(),
            canon: canon.clone(),
        });
    }
    p.roots = if !opts.bounds.is_empty() {
        opts.bounds.clone()
    } else if opts.roots.is_empty() {
        canons
    } else {
        root_canons.into_iter().map(|(_, c)| c).collect()
    };

    // Candidate edges, following candidate directories that were not scanned (breadth first).
    // The scanned directories' candidates (a scan of all their text, and a canonical path per
    // candidate) are found on every core first.
    let mut found: Vec<Vec<(PathBuf, PathBuf)>> = if p.dirs.len() < 16 {
        p.dirs
            .iter()
            .map(|d| dir_candidates(d, sources, &p.by_canon))
            .collect()
    } else {
        p.dirs
            .par_iter()
            .with_max_len(1)
            .map(|d| dir_candidates(d, sources, &p.by_canon))
            .collect()
    };
    let mut parent: Vec<usize> = (0..p.dirs.len()).collect();
    let mut rejected: HashSet<PathBuf> = HashSet::new();
    let mut next = 0;
    while next < p.dirs.len() {
        let i = next;
        next += 1;
        let Some(d) = p.dirs.get(i) else { break };
        let candidates = match found.get_mut(i) {
            Some(c) => std::mem::take(c),
            None => dir_candidates(d, sources, &p.by_canon),
        };
        for (child, canon) in candidates {
            p.canonical.insert(child.clone(), canon.clone());
            if let Some(&j) = p.by_canon.get(&canon) {
                union(&mut parent, i, j);
                if let Some(t) = p.dirs.get_mut(j) {
                    t.targeted = true;
                }
                continue;
            }
            if rejected.contains(&canon)
                || p.unreadable.contains_key(&canon)
                || !p.roots.iter().any(|r| canon.starts_with(r))
                || !canon.is_dir()
            {
                rejected.insert(canon);
                continue;
            }
            match module_files(&child) {
                Ok(paths) => {
                    let mut ids = Vec::new();
                    for path in paths {
                        let display = display_dir(&path);
                        match std::fs::read_to_string(&path) {
                            Ok(text) => ids.push(sources.add(display, path, text)),
                            Err(e) => {
                                let id = sources.add(display, path, String::new());
                                let span = Span::file_start(id);
                                errors.push(ToolError::new(span, "io-error", e.to_string()));
                            }
                        }
                    }
                    let j = p.dirs.len();
                    p.by_canon.insert(canon.clone(), j);
                    p.dirs.push(DirInfo {
                        display: display_dir(&child),
                        module_files: ids,
                        tfvars_files: Vec::new(),
                        report: false,
                        scanned: false,
                        targeted: true,
                        path: child,
                        canon,
                    });
                    parent.push(j);
                    union(&mut parent, i, j);
                }
                Err(e) => {
                    p.unreadable.insert(canon, format!("cannot be read ({e})"));
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..p.dirs.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    p.components = groups.into_values().collect();
    p.components.sort_by_key(|c| c.first().copied());
    p
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while let Some(&up) = parent.get(r) {
        if up == r {
            break;
        }
        r = up;
    }
    // Path compression.
    let mut c = i;
    while let Some(&up) = parent.get(c) {
        if up == r {
            break;
        }
        if let Some(slot) = parent.get_mut(c) {
            *slot = r;
        }
        c = up;
    }
    r
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    let (lo, hi) = (ra.min(rb), ra.max(rb));
    if let Some(slot) = parent.get_mut(hi) {
        *slot = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_quoted_local_path_is_a_candidate() {
        let text = "module \"a\" { source = \"../mods/a\" }\nmodule \"b\" {source=\"./b\"}\nx = \"..\"\ny = \"registry/x\"\nz = \".hidden\"\n";
        assert_eq!(
            local_source_candidates(text, false),
            vec!["../mods/a", "./b", ".."]
        );
        // JSON may escape the slash.
        assert_eq!(
            local_source_candidates(r#"{"module": {"a": {"source": ".\/a"}}}"#, true),
            vec!["./a"]
        );
        // An unterminated string ends the scan without a panic.
        assert!(local_source_candidates("x = \"./abc", false).is_empty());
    }
}
