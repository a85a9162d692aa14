//! Loading: parse every file once (in parallel), follow local module sources (loading module
//! directories that were not scanned into the source map), and decide which directories are
//! root modules.

use super::hcl::{parse_file, ParsedFile};
use super::module::{call_sources, canonical, display_dir, is_local_source, join_normalized};
pub(crate) use super::plan::{plan, Plan};
use crate::model::ToolError;
use crate::source::{FileId, SourceMap};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// A module directory.
#[derive(Debug, Clone)]
pub(crate) struct DirInfo {
    /// Display string (relative to the working directory, `/`-separated).
    pub display: String,
    /// Its `.tf` and `.tf.json` files.
    pub module_files: Vec<FileId>,
    /// Its tfvars files.
    pub tfvars_files: Vec<FileId>,
    /// Whether its resources are reported.
    pub report: bool,
    /// Whether it was one of the scanned directories (false: loaded as a module source).
    pub scanned: bool,
    /// Whether some candidate module source (see [`Plan`]) of some directory leads here. A
    /// directory nothing leads to is called by nobody: if it is scanned and reported, it is
    /// certainly a root module.
    pub targeted: bool,
    pub(crate) path: PathBuf,
    /// Its canonical path.
    pub(crate) canon: PathBuf,
}

/// Where a local module source leads.
#[derive(Debug)]
pub(crate) enum Resolution {
    /// The directory with this index.
    Dir(usize),
    /// Not followed, with the reason (completes "module.x source \"…\" …").
    Refused(String),
}

/// Everything loaded.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Module directories (scanned ones first, in input order).
    pub dirs: Vec<DirInfo>,
    /// Parsed files by id.
    pub parsed: HashMap<FileId, ParsedFile>,
    /// Resolution of `(calling dir, source)`.
    pub resolved: HashMap<(usize, String), Resolution>,
    /// Indices of the root modules among the directories parsed here (a root that calls some
    /// of them may still be among `lazy`: see [`Loaded::eager_roots`]).
    pub roots: Vec<usize>,
    /// Indices of the directories not parsed here: scanned, reported directories no candidate
    /// source leads to, so certainly roots that nothing else needs. Each is parsed, evaluated
    /// and dropped on its own ([`load_lazy_root`]), so a component whose many examples call one
    /// module holds the module's trees and the roots in flight, not every root at once.
    pub lazy: Vec<usize>,
    /// Whether each directory (by index) is among `lazy`.
    is_lazy: Vec<bool>,
    /// Global directory index (into the plan) → index here.
    local: HashMap<usize, usize>,
}

impl Loaded {
    /// Whether directory `i` is loaded lazily (not parsed with the component).
    pub(crate) fn is_lazy(&self, i: usize) -> bool {
        self.is_lazy.get(i).copied().unwrap_or(false)
    }

    /// The roots among the directories parsed here, given the directories the lazy roots call
    /// (a directory a reported scanned directory calls is not a root).
    pub(crate) fn eager_roots(&self, called_by_lazy: &HashSet<usize>) -> Vec<usize> {
        self.roots
            .iter()
            .copied()
            .filter(|r| !called_by_lazy.contains(r))
            .collect()
    }
}

/// One lazily loaded root directory: its parsed files and where its module sources lead.
#[derive(Debug, Default)]
pub(crate) struct LazyRoot {
    /// Its parsed files by id (module files and tfvars files).
    pub parsed: HashMap<FileId, ParsedFile>,
    /// Resolution of each of its local module sources.
    pub resolved: HashMap<String, Resolution>,
    /// The directories (indices into [`Loaded::dirs`]) it calls.
    pub calls: HashSet<usize>,
}

/// Parses files in parallel, recording parse errors.
fn parse_all(
    parallel: bool,
    ids: &[FileId],
    sources: &SourceMap,
    parsed: &mut HashMap<FileId, ParsedFile>,
    errors: &mut Vec<ToolError>,
) {
    let todo: Vec<FileId> = ids
        .iter()
        .copied()
        .filter(|id| !parsed.contains_key(id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let parse = |id: &FileId| {
        let f = sources.get(*id)?;
        let (p, e) = parse_file(*id, &f.display, &f.text);
        Some((*id, p, e))
    };
    let results: Vec<(FileId, ParsedFile, Option<ToolError>)> = if parallel {
        // One file per task: file sizes vary by orders of magnitude.
        todo.par_iter().with_max_len(1).filter_map(parse).collect()
    } else {
        todo.iter().filter_map(parse).collect()
    };
    for (id, p, e) in results {
        errors.extend(e);
        parsed.insert(id, p);
    }
}

/// The display string of a directory, taken from one of its files when possible.
pub(super) fn dir_display(dir: &Path, files: &[FileId], sources: &SourceMap) -> String {
    if let Some(f) = files.first().and_then(|id| sources.get(*id)) {
        return match f.display.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => ".".to_string(),
        };
    }
    display_dir(dir)
}

/// Where a local module source of a directory leads, as far as the plan and the directories
/// loaded so far (`local`: global index → index in the component) know.
enum Target {
    /// A directory already in the component.
    Known(usize),
    /// A directory of the plan not loaded yet (global index).
    Load(usize),
    /// Nowhere to go.
    Refused(Resolution),
}

fn target(plan: &Plan, local: &HashMap<usize, usize>, dir_path: &Path, source: &str) -> Target {
    let child = join_normalized(dir_path, source);
    let canon = match plan.canonical.get(&child) {
        Some(c) => c.clone(),
        None => canonical(&child),
    };
    if let Some(&g) = plan.by_canon.get(&canon) {
        return match local.get(&g) {
            Some(&j) => Target::Known(j),
            None if plan.dirs.get(g).is_some() => Target::Load(g),
            None => Target::Refused(Resolution::Refused("was not loaded".to_string())),
        };
    }
    Target::Refused(if let Some(why) = plan.unreadable.get(&canon) {
        Resolution::Refused(why.clone())
    } else if !plan.roots.iter().any(|r| canon.starts_with(r)) {
        Resolution::Refused("leaves the scanned tree".to_string())
    } else if !canon.is_dir() {
        Resolution::Refused("is not a directory".to_string())
    } else {
        // The pre-scan finds every literal source; this is only reached if it did not.
        Resolution::Refused("was not loaded".to_string())
    })
}

/// Parses one component and resolves its module calls exactly: its scanned directories, plus
/// the module directories they really call. `parallel`: parse its files on the rayon pool
/// (only when components are not themselves run in parallel: a worker waiting for its nested
/// parses could otherwise pick up another component and block on the tree budget).
///
/// Certain roots (scanned, reported, no candidate source leads to them) are left unparsed in
/// [`Loaded::lazy`] when every directory of the component was scanned (a module directory
/// outside the scan is only loaded when a parsed directory really calls it).
pub(crate) fn load_component(
    plan: &Plan,
    members: &[usize],
    sources: &SourceMap,
    errors: &mut Vec<ToolError>,
    parallel: bool,
) -> Loaded {
    let mut l = Loaded::default();
    let all_scanned = members
        .iter()
        .all(|&g| plan.dirs.get(g).is_some_and(|d| d.scanned));
    let mut eager: Vec<FileId> = Vec::new();
    for &g in members {
        if let Some(d) = plan.dirs.get(g).filter(|d| d.scanned) {
            let i = l.dirs.len();
            l.local.insert(g, i);
            l.dirs.push(d.clone());
            let lazy = all_scanned && d.report && !d.targeted;
            l.is_lazy.push(lazy);
            if lazy {
                l.lazy.push(i);
            } else {
                eager.extend(d.module_files.iter().chain(&d.tfvars_files));
            }
        }
    }
    parse_all(parallel, &eager, sources, &mut l.parsed, errors);

    // Follow local module sources breadth first (a lazy root has no parsed files: no calls).
    let mut called_by: Vec<HashSet<usize>> = vec![HashSet::new(); l.dirs.len()];
    let mut next = 0;
    while next < l.dirs.len() {
        let i = next;
        next += 1;
        let Some(d) = l.dirs.get(i) else { break };
        let files: Vec<&ParsedFile> = d
            .module_files
            .iter()
            .filter_map(|id| l.parsed.get(id))
            .collect();
        let dir_path = d.path.clone();
        let mut new_files = Vec::new();
        for source in call_sources(&files) {
            if !is_local_source(&source) || l.resolved.contains_key(&(i, source.clone())) {
                continue;
            }
            let res = match target(plan, &l.local, &dir_path, &source) {
                Target::Known(j) => Resolution::Dir(j),
                Target::Load(g) => match plan.dirs.get(g) {
                    Some(d) => {
                        let j = l.dirs.len();
                        l.local.insert(g, j);
                        new_files.extend(d.module_files.iter().copied());
                        l.dirs.push(d.clone());
                        called_by.push(HashSet::new());
                        Resolution::Dir(j)
                    }
                    None => Resolution::Refused("was not loaded".to_string()),
                },
                Target::Refused(r) => r,
            };
            if let Resolution::Dir(j) = res {
                if j != i {
                    if let Some(c) = called_by.get_mut(j) {
                        c.insert(i);
                    }
                }
            }
            l.resolved.insert((i, source), res);
        }
        parse_all(parallel, &new_files, sources, &mut l.parsed, errors);
    }
    // Roots: reported scanned directories that no reported scanned directory calls.
    for (i, d) in l.dirs.iter().enumerate() {
        if !d.scanned || !d.report || l.is_lazy(i) {
            continue;
        }
        let called = called_by
            .get(i)
            .map(|c| {
                c.iter().any(|&j| {
                    l.dirs
                        .get(j)
                        .map(|x| x.scanned && x.report)
                        .unwrap_or(false)
                })
            })
            .unwrap_or(false);
        if !called {
            l.roots.push(i);
        }
    }
    l
}

/// Parses lazy root `i` of a component and resolves its module sources (a lazy root is never
/// called, and every directory it can call was loaded with the component).
pub(crate) fn load_lazy_root(
    plan: &Plan,
    loaded: &Loaded,
    i: usize,
    sources: &SourceMap,
    errors: &mut Vec<ToolError>,
) -> LazyRoot {
    let mut r = LazyRoot::default();
    let Some(d) = loaded.dirs.get(i) else {
        return r;
    };
    let ids: Vec<FileId> = d
        .module_files
        .iter()
        .chain(&d.tfvars_files)
        .copied()
        .collect();
    parse_all(false, &ids, sources, &mut r.parsed, errors);
    let files: Vec<&ParsedFile> = d
        .module_files
        .iter()
        .filter_map(|id| r.parsed.get(id))
        .collect();
    for source in call_sources(&files) {
        if !is_local_source(&source) || r.resolved.contains_key(&source) {
            continue;
        }
        let res = match target(plan, &loaded.local, &d.path, &source) {
            Target::Known(j) => {
                if j != i {
                    r.calls.insert(j);
                }
                Resolution::Dir(j)
            }
            // Every candidate of a component's directory is in the component, and a component
            // with lazy roots has all its directories loaded: not reached.
            Target::Load(_) => Resolution::Refused("was not loaded".to_string()),
            Target::Refused(res) => res,
        };
        r.resolved.insert(source, res);
    }
    r
}

/// Parses the `--var-file` files (shared by every root).
pub(crate) fn parse_var_files(
    ids: &[FileId],
    sources: &SourceMap,
    errors: &mut Vec<ToolError>,
) -> HashMap<FileId, ParsedFile> {
    let mut parsed = HashMap::new();
    parse_all(true, ids, sources, &mut parsed, errors);
    parsed
}
