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
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A module directory.
#[derive(Debug)]
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
    path: PathBuf,
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
    /// Indices of the root modules.
    pub roots: Vec<usize>,
}

/// Parses files in parallel, recording parse errors.
fn parse_all(
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
    let results: Vec<(FileId, ParsedFile, Option<ToolError>)> = todo
        .par_iter()
        .filter_map(|id| {
            let f = sources.get(*id)?;
            let (p, e) = parse_file(*id, &f.display, &f.text);
            Some((*id, p, e))
        })
        .collect();
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

/// Loads and parses everything the scan needs.
pub(crate) fn load(
    dirs: &[TfModuleDir],
    sources: &mut SourceMap,
    opts: &TfOptions,
    errors: &mut Vec<ToolError>,
) -> Loaded {
    let mut l = Loaded::default();
    let mut by_canon: HashMap<PathBuf, usize> = HashMap::new();
    for d in dirs {
        let (mut module_files, mut tfvars_files) = (Vec::new(), Vec::new());
        for id in &d.files {
            let name = sources.display(*id);
            if is_tfvars_name(name) {
                tfvars_files.push(*id);
            } else if is_module_file(name) {
                module_files.push(*id);
            }
        }
        let canon = canonical(&d.dir);
        if let Some(&i) = by_canon.get(&canon) {
            // The same directory twice: merge.
            if let Some(info) = l.dirs.get_mut(i) {
                info.report |= d.report;
            }
            continue;
        }
        by_canon.insert(canon, l.dirs.len());
        l.dirs.push(DirInfo {
            display: dir_display(&d.dir, &d.files, sources),
            module_files,
            tfvars_files,
            report: d.report,
            scanned: true,
            path: d.dir.clone(),
        });
    }
    let mut all: Vec<FileId> = l
        .dirs
        .iter()
        .flat_map(|d| d.module_files.iter().chain(&d.tfvars_files))
        .copied()
        .collect();
    all.extend(&opts.var_files);
    parse_all(&all, sources, &mut l.parsed, errors);

    let roots: Vec<PathBuf> = if opts.roots.is_empty() {
        dirs.iter().map(|d| canonical(&d.dir)).collect()
    } else {
        opts.roots.iter().map(|r| canonical(r)).collect()
    };
    // Follow local module sources breadth first.
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
            let child = join_normalized(&dir_path, &source);
            let canon = canonical(&child);
            let res = if let Some(&j) = by_canon.get(&canon) {
                Resolution::Dir(j)
            } else if !roots.iter().any(|r| canon.starts_with(r)) {
                Resolution::Refused("leaves the scanned directories".to_string())
            } else if !canon.is_dir() {
                Resolution::Refused("is not a directory".to_string())
            } else {
                match module_files(&child) {
                    Ok(paths) => {
                        let mut ids = Vec::new();
                        for p in paths {
                            let display = display_dir(&p);
                            match std::fs::read_to_string(&p) {
                                Ok(text) => ids.push(sources.add(display, p, text)),
                                Err(e) => {
                                    let id = sources.add(display, p, String::new());
                                    errors.push(ToolError {
                                        span: Span::file_start(id),
                                        code: "io-error",
                                        message: e.to_string(),
                                    });
                                }
                            }
                        }
                        let j = l.dirs.len();
                        by_canon.insert(canon, j);
                        l.dirs.push(DirInfo {
                            display: display_dir(&child),
                            module_files: ids.clone(),
                            tfvars_files: Vec::new(),
                            report: false,
                            scanned: false,
                            path: child,
                        });
                        called_by.push(HashSet::new());
                        new_files.extend(ids);
                        Resolution::Dir(j)
                    }
                    Err(e) => Resolution::Refused(format!("cannot be read ({e})")),
                }
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
        parse_all(&new_files, sources, &mut l.parsed, errors);
    }
    // Roots: reported scanned directories that no reported scanned directory calls.
    for (i, d) in l.dirs.iter().enumerate() {
        if !d.scanned || !d.report {
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
