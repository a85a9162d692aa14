//! Loading: parse every file once (in parallel), follow local module sources (loading module
//! directories that were not scanned into the source map), and decide which directories are
//! root modules.

use super::hcl::{parse_file, ParsedFile};
use super::module::{
    call_sources, canonical, display_dir, is_local_source, is_module_file, is_tfvars_name,
    join_normalized, module_files,
};
use super::{TfModuleDir, TfOptions};
use crate::model::ToolError;
use crate::source::{FileId, SourceMap, Span};
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
    path: PathBuf,
    /// Its canonical path.
    canon: PathBuf,
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
fn dir_display(dir: &Path, files: &[FileId], sources: &SourceMap) -> String {
    if let Some(f) = files.first().and_then(|id| sources.get(*id)) {
        return match f.display.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => ".".to_string(),
        };
    }
    display_dir(dir)
}

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
    by_canon: HashMap<PathBuf, usize>,
    /// Why a candidate module directory could not be read, by canonical path.
    unreadable: HashMap<PathBuf, String>,
    /// The directories module sources may lead into (canonical).
    roots: Vec<PathBuf>,
    /// Canonical forms already asked of the file system (joined module source → canonical), so
    /// loading does not ask again.
    canonical: HashMap<PathBuf, PathBuf>,
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
    p.roots = if opts.roots.is_empty() {
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
                                errors.push(ToolError {
                                    span: Span::file_start(id),
                                    code: "io-error",
                                    message: e.to_string(),
                                });
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
        Resolution::Refused("leaves the scanned directories".to_string())
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
