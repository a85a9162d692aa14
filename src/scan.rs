//! The whole pipeline for one run: discover → read → parse/adapt → evaluate, with every input
//! problem turned into a located [`ToolError`] while the other files are still scanned.

use crate::adapt::cloudformation::{self, CfnOptions};
use crate::adapt::terraform::{self, TfModuleDir, TfOptions};
use crate::catalog::Catalog;
use crate::discover::{self, Candidate, Kind};
use crate::evaluate::{self, ResourceResult, UnusedSuppression};
use crate::model::{Model, ToolError};
use crate::source::{FileFormat, FileId, SourceMap, Span};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything a run is told.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files and directories to scan (empty = `.`).
    pub paths: Vec<PathBuf>,
    /// Paths to skip (gitignore-style globs).
    pub exclude: Vec<String>,
    /// `--var-file` files.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`.
    pub vars: Vec<(String, String)>,
    /// CloudFormation parameter values.
    pub parameters: BTreeMap<String, String>,
    /// Files larger than this many bytes are skipped with an error.
    pub max_file_size: u64,
    /// Stop after parsing (for benchmarks of the parse floor).
    pub parse_only: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: Vec::new(),
            exclude: Vec::new(),
            var_files: Vec::new(),
            vars: Vec::new(),
            parameters: BTreeMap::new(),
            max_file_size: 10 * 1024 * 1024,
            parse_only: false,
        }
    }
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Scan {
    /// All files read.
    pub sources: SourceMap,
    /// Files recognised as Terraform or CloudFormation, with their format.
    pub files: Vec<(FileId, FileFormat)>,
    /// Resources, errors and notices.
    pub model: Model,
    /// One checklist per resource (same order as `model.resources`, sorted by file and position).
    pub results: Vec<ResourceResult>,
    /// Suppressions that silenced nothing.
    pub unused_suppressions: Vec<UnusedSuppression>,
    /// Wall time of each stage, in order, with the resident memory at its end where the OS
    /// tells it (`--timings`).
    pub timings: Vec<Lap>,
    /// The run only parsed (`ScanOptions::parse_only`): nothing is evaluated.
    pub parse_only: bool,
    /// `results` were filled unit by unit while adapting ([`collect_with`]); the resource
    /// bodies are already freed.
    pub evaluated: bool,
}

impl Scan {
    /// Whether any input could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        !self.model.errors.is_empty()
    }
}

/// A YAML/JSON candidate after parsing and adapting (both in parallel): file, the model of its
/// templates (`None` when it holds no template; `Some(None)` in parse-only mode) or the parse
/// error, kind, named explicitly.
type ParsedDoc = (
    FileId,
    Result<Option<Option<Model>>, crate::tree::TreeError>,
    Kind,
    bool,
);

/// A candidate file's content, or why it could not be used.
pub(crate) enum Loaded {
    /// The file's text.
    Text(String),
    /// An error code, its message, the byte offset it is about, and the valid text before that
    /// offset (so the offset can be shown as line:column).
    Error(&'static str, String, usize, String),
}

impl Loaded {
    fn error(code: &'static str, message: String) -> Loaded {
        Loaded::Error(code, message, 0, String::new())
    }

    /// Checks and decodes a file's bytes: a NUL byte marks a binary file, and the text must be
    /// UTF-8 (a leading BOM is kept; the parsers skip it).
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Loaded {
        if let Some(pos) = bytes.iter().take(8192).position(|b| *b == 0) {
            let before = String::from_utf8_lossy(bytes.get(..pos).unwrap_or_default()).into_owned();
            // Lossy decoding may change lengths before the NUL; point at the end of what is shown.
            let at = before.len();
            return Loaded::Error(
                "binary-file",
                "file is binary (contains a NUL byte); skipped".into(),
                at,
                before,
            );
        }
        match String::from_utf8(bytes) {
            Ok(t) => Loaded::Text(t),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let before = std::str::from_utf8(bytes.get(..at).unwrap_or_default())
                    .unwrap_or_default()
                    .to_string();
                Loaded::Error(
                    "invalid-utf8",
                    format!("file is not valid UTF-8 (invalid byte at offset {at}); skipped"),
                    at,
                    before,
                )
            }
        }
    }
}

fn load(c: &Candidate, max: u64) -> Loaded {
    let meta = match std::fs::metadata(&c.path) {
        Ok(m) => m,
        Err(e) => return Loaded::error("io-error", format!("cannot read file: {e}")),
    };
    if meta.is_dir() {
        return Loaded::error("io-error", "is a directory".into());
    }
    if meta.len() > max {
        return Loaded::error(
            "too-large",
            format!("file is {} bytes, over the {max}-byte limit; skipped (raise it with --max-file-size)", meta.len()),
        );
    }
    // Read at most one byte over the limit, in case the file grew since `metadata`.
    // Sized from the metadata, so the file is read in one go (plus the read that sees its end).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    let read = std::fs::File::open(&c.path).and_then(|f| {
        use std::io::Read as _;
        f.take(max.saturating_add(1)).read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return Loaded::error("io-error", format!("cannot read file: {e}"));
    }
    if bytes.len() as u64 > max {
        return Loaded::error(
            "too-large",
            format!("file is over the {max}-byte limit; skipped (raise it with --max-file-size)"),
        );
    }
    Loaded::from_bytes(bytes)
}

/// The directory of a file; `.` for a bare file name (an empty path would contain every path,
/// which would let module sources leave the scanned directory).
fn parent_dir(path: &std::path::Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A cheap content sniff, so JSON and YAML files that are obviously not templates are not parsed.
fn may_be_template(text: &str) -> bool {
    text.contains("Resources") || text.contains("AWSTemplateFormatVersion")
}

/// Runs the pipeline.
pub fn scan(opts: &ScanOptions, catalog: &Catalog) -> Scan {
    // Evaluated at the end, so the model keeps its resource bodies (for Guard and library users).
    let mut scan = collect(opts);
    scan.evaluate(catalog);
    scan
}

/// The pipeline up to the model: discover, read, parse and adapt, in deterministic order; no
/// catalog is needed yet, so a caller can load one meanwhile and then call [`Scan::evaluate`].
pub fn collect(opts: &ScanOptions) -> Scan {
    collect_with(opts, &|| None)
}

/// [`collect`], evaluating each self-contained unit (Terraform root modules, a CloudFormation
/// file) as soon as it is adapted, with the catalog `catalog` gives (it is asked when the first
/// unit is ready, so it can still be loading meanwhile; `None`: evaluate nothing here). Each
/// unit's resource bodies are freed once it is evaluated, so the whole model is never held at
/// once. [`Scan::evaluate`] is then a no-op (the results are in).
pub fn collect_with<'c>(
    opts: &ScanOptions,
    catalog: &(dyn Fn() -> Option<&'c Catalog> + Sync),
) -> Scan {
    let mut clock = Clock::start();
    let found = discover::discover(
        &opts.paths,
        &discover::Options {
            exclude: opts.exclude.clone(),
        },
    );
    let loaded: Vec<Loaded> = found
        .files
        .par_iter()
        .map(|c| load(c, opts.max_file_size))
        .collect();
    clock.lap("discover + read");
    let files: Vec<(Candidate, Loaded)> = found.files.into_iter().zip(loaded).collect();
    let mut scan = collect_loaded(opts, catalog, &found.errors, files);
    clock.laps.append(&mut scan.timings);
    scan.timings = clock.laps;
    scan
}

impl Scan {
    /// Frees the resource bodies (the report needs headers only), on every core.
    pub fn release_bodies(&mut self) {
        let resources = &mut self.model.resources;
        if resources.len() < PARALLEL_MIN {
            resources.iter_mut().for_each(|r| r.release_body());
        } else {
            resources
                .par_iter_mut()
                .with_min_len(256)
                .for_each(|r| r.release_body());
        }
    }

    /// Frees the model and the results on every core, keeping only the sources (which the
    /// renderers need for snippets).
    pub fn into_sources(mut self) -> SourceMap {
        let sources = std::mem::take(&mut self.sources);
        let resources = std::mem::take(&mut self.model.resources);
        let results = std::mem::take(&mut self.results);
        if resources.len() < PARALLEL_MIN {
            return sources;
        }
        rayon::join(
            || resources.into_par_iter().with_min_len(256).for_each(drop),
            || results.into_par_iter().with_min_len(256).for_each(drop),
        );
        sources
    }

    /// Evaluates every resource of the model against `catalog` (fills `results` and
    /// `unused_suppressions`; nothing in parse-only mode).
    pub fn evaluate(&mut self, catalog: &Catalog) {
        let mut clock = Clock::start();
        if !self.parse_only && !self.evaluated {
            let (results, unused) = evaluate::evaluate(catalog, &self.model.resources);
            self.results = results;
            self.unused_suppressions = unused;
        }
        clock.lap("evaluate");
        self.timings.append(&mut clock.laps);
    }
}

/// Reorders `items` in place so that item `k` becomes the one that was at `order[k]` (`order`
/// is a permutation of the indices), by following its cycles with swaps: no copy of the items.
fn permute<T>(items: &mut [T], order: &[usize]) {
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

/// Fewer items than this are processed on the calling thread: handing work to the pool and
/// waiting for a worker to wake costs more than a small run's whole stage (measured on one-file
/// runs).
pub(crate) const PARALLEL_MIN: usize = 256;

/// One stage's timing.
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    /// Stage name.
    pub stage: &'static str,
    /// Wall time.
    pub wall: std::time::Duration,
    /// Resident memory at the end of the stage, in bytes (Linux only).
    pub rss: Option<u64>,
    /// The stage ran beside others on the same workers, within the stage listed before it
    /// (its time is part of that one's and is not added to the total).
    pub beside: bool,
}

/// The process's resident memory in bytes, where the OS tells it (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Stage timings.
struct Clock {
    last: std::time::Instant,
    laps: Vec<Lap>,
    /// Stages that ran beside the one in progress, listed after it when it ends.
    beside: Vec<Lap>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            laps: Vec::new(),
            beside: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push(Lap {
            stage,
            wall: now.duration_since(self.last),
            rss: resident_bytes(),
            beside: false,
        });
        self.laps.append(&mut self.beside);
        self.last = now;
    }

    /// A stage that runs beside the one in progress took `wall`.
    fn beside(&mut self, stage: &'static str, wall: std::time::Duration) {
        self.beside.push(Lap {
            stage,
            wall,
            rss: None,
            beside: true,
        });
    }
}

/// The pipeline after discovery and reading: parse, adapt, evaluate.
pub(crate) fn scan_loaded(
    opts: &ScanOptions,
    catalog: &Catalog,
    walk_errors: &[discover::WalkError],
    files: Vec<(Candidate, Loaded)>,
) -> Scan {
    let mut scan = collect_loaded(opts, &|| None, walk_errors, files);
    scan.evaluate(catalog);
    scan
}

/// Parse and adapt what was read (evaluating unit by unit when `catalog` gives one).
fn collect_loaded<'c>(
    opts: &ScanOptions,
    catalog: &(dyn Fn() -> Option<&'c Catalog> + Sync),
    walk_errors: &[discover::WalkError],
    files: Vec<(Candidate, Loaded)>,
) -> Scan {
    let mut clock = Clock::start();
    // Each unit is evaluated as soon as it is built; the catalog is asked for (and prepared)
    // when the first unit is ready.
    let prepared: std::sync::OnceLock<Option<evaluate::Prepared<'c>>> = std::sync::OnceLock::new();
    let unit = |m: &mut Model, parallel: bool| {
        if opts.parse_only {
            return;
        }
        let Some(p) = prepared.get_or_init(|| catalog().map(evaluate::Prepared::new)) else {
            return;
        };
        let (results, unused) = p.run(&m.resources, parallel);
        m.results = results;
        m.unused_suppressions = unused;
        m.resources.iter_mut().for_each(|r| r.release_body());
    };
    let mut scan = Scan {
        parse_only: opts.parse_only,
        ..Scan::default()
    };
    for e in walk_errors {
        let id = scan
            .sources
            .add(e.display.clone(), PathBuf::from(&e.display), String::new());
        scan.model.errors.push(ToolError {
            span: Span::file_start(id),
            code: "io-error",
            message: e.message.clone(),
        });
    }

    let mut tf_dirs: BTreeMap<PathBuf, TfModuleDir> = BTreeMap::new();
    let mut cfn_files: Vec<(FileId, Kind, bool)> = Vec::new();
    for (c, l) in files {
        match l {
            Loaded::Error(code, message, at, before) => {
                let id = scan.sources.add(c.display.clone(), c.path.clone(), before);
                scan.model.errors.push(ToolError {
                    span: Span::new(id, at, at),
                    code,
                    message,
                });
            }
            Loaded::Text(text) => {
                if !c.kind.is_terraform() && !c.explicit && !may_be_template(&text) {
                    continue;
                }
                // An empty `.tf` is a valid (empty) module; an empty file named as a template
                // is reported, so a truncated template never passes silently.
                if !c.kind.is_terraform() && text.trim_start_matches('\u{feff}').trim().is_empty() {
                    let id = scan.sources.add(c.display.clone(), c.path.clone(), text);
                    scan.model.errors.push(ToolError {
                        span: Span::file_start(id),
                        code: "empty-file",
                        message: "file is empty; there is no template to check".into(),
                    });
                    continue;
                }
                let id = scan.sources.add(c.display.clone(), c.path.clone(), text);
                if c.kind.is_terraform() {
                    let dir = parent_dir(&c.path);
                    let is_auto_vars = matches!(c.kind, Kind::Tfvars | Kind::TfvarsJson)
                        && !c.path.file_name().is_some_and(|n| {
                            let n = n.to_string_lossy();
                            n.starts_with("terraform.tfvars") || n.contains(".auto.tfvars")
                        });
                    if is_auto_vars {
                        // A tfvars file with another name is only read through --var-file.
                        continue;
                    }
                    let entry = tf_dirs.entry(dir.clone()).or_insert_with(|| TfModuleDir {
                        dir,
                        files: Vec::new(),
                        report: true,
                    });
                    entry.files.push(id);
                    let format = match c.kind {
                        Kind::Terraform => FileFormat::Terraform,
                        Kind::TerraformJson => FileFormat::TerraformJson,
                        _ => FileFormat::Tfvars,
                    };
                    scan.files.push((id, format));
                } else {
                    cfn_files.push((id, c.kind, c.explicit));
                }
            }
        }
    }

    // Terraform: one adapter call over all module directories.
    let var_files: Vec<FileId> = opts
        .var_files
        .iter()
        .map(|p| {
            let display = discover::display_path(p);
            match std::fs::read_to_string(p) {
                Ok(t) => scan.sources.add(display, p.clone(), t),
                Err(e) => {
                    let id = scan.sources.add(display, p.clone(), String::new());
                    scan.model.errors.push(ToolError {
                        span: Span::file_start(id),
                        code: "io-error",
                        message: format!("cannot read --var-file: {e}"),
                    });
                    id
                }
            }
        })
        .collect();
    let parsed: (Vec<ParsedDoc>, std::time::Duration) = if !opts.parse_only {
        let roots: Vec<PathBuf> = if opts.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            opts.paths
                .iter()
                .map(|p| {
                    if p.is_file() {
                        parent_dir(p)
                    } else if p.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        p.clone()
                    }
                })
                .collect()
        };
        let tf_opts = TfOptions {
            var_files,
            vars: opts.vars.clone(),
            roots,
        };
        let dirs: Vec<TfModuleDir> = tf_dirs.into_values().collect();
        // CloudFormation runs beside the Terraform modules, on the same workers.
        let (m, parsed) = terraform::adapt_beside(
            &dirs,
            &mut scan.sources,
            &tf_opts,
            &unit,
            &mut |s, beside| match beside {
                Some(wall) => clock.beside(s, wall),
                None => clock.lap(s),
            },
            |sources| timed(|| parse_templates(&cfn_files, sources, opts, &unit)),
        );
        scan.model.extend(m);
        parsed
    } else {
        // The parse floor: the same files parsed and nothing else, the Terraform files beside
        // the templates as in a full run.
        // So far only Terraform files are listed (templates are added once parsed).
        let tf_files: Vec<FileId> = scan.files.iter().map(|(id, _)| *id).collect();
        clock.lap("group files");
        let sources = &scan.sources;
        let ((errors, tf_wall), parsed) = rayon::join(
            || {
                timed(|| {
                    tf_files
                        .par_iter()
                        .with_max_len(1)
                        .filter_map(|id| {
                            let f = sources.get(*id)?;
                            terraform::parse_only(*id, &f.display, &f.text)
                        })
                        .collect::<Vec<ToolError>>()
                })
            },
            || timed(|| parse_templates(&cfn_files, sources, opts, &unit)),
        );
        clock.beside("Terraform parse", tf_wall);
        scan.model.errors.extend(errors);
        parsed
    };
    let (parsed, cfn_wall) = parsed;
    clock.beside("CloudFormation parse + adapt", cfn_wall);
    clock.lap("Terraform + CloudFormation");

    let mut cfn_models: Vec<Model> = Vec::new();
    for (id, r, kind, explicit) in parsed {
        match r {
            Ok(models) => {
                let Some(models) = models else {
                    if explicit {
                        scan.model.notices.push(crate::model::Notice {
                            span: Span::file_start(id),
                            message: "not a CloudFormation template (no AWSTemplateFormatVersion and no Resources typed AWS::…); skipped".into(),
                        });
                    }
                    continue;
                };
                let format = if kind == Kind::Json {
                    FileFormat::CloudformationJson
                } else {
                    FileFormat::CloudformationYaml
                };
                scan.files.push((id, format));
                cfn_models.extend(models);
            }
            Err(e) => {
                // A YAML/JSON file that fails to parse is only an error when it was meant to be a
                // template: named explicitly, or mentioning template keys.
                let text = scan.sources.get(id).map(|f| f.text.as_str()).unwrap_or("");
                if may_be_template(text) {
                    let format = if kind == Kind::Json {
                        FileFormat::CloudformationJson
                    } else {
                        FileFormat::CloudformationYaml
                    };
                    scan.files.push((id, format));
                    scan.model.errors.push(ToolError {
                        span: e.span,
                        code: "parse-error",
                        message: e.message,
                    });
                } else if explicit {
                    scan.model.notices.push(crate::model::Notice {
                        span: e.span,
                        message: format!(
                            "not a CloudFormation template and not valid YAML/JSON ({}); skipped",
                            e.message
                        ),
                    });
                }
            }
        }
    }
    crate::model::extend_all(&mut scan.model, cfn_models);
    clock.lap("merge models");

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
    if prepared.get().is_some_and(Option::is_some) {
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
    clock.lap("sort");
    scan.timings = clock.laps;
    scan
}

/// `work`'s result and how long it took.
fn timed<R>(work: impl FnOnce() -> R) -> (R, std::time::Duration) {
    let started = std::time::Instant::now();
    let r = work();
    (r, started.elapsed())
}

/// Parses the candidate templates and adapts (and, through `unit`, evaluates) each file's
/// templates as one unit, in parallel, one file per task: sizes vary by orders of magnitude,
/// and rayon's default splitting can leave one worker with most of the work. The trees are
/// dropped on the workers.
fn parse_templates(
    cfn_files: &[(FileId, Kind, bool)],
    sources: &SourceMap,
    opts: &ScanOptions,
    unit: &crate::model::UnitHook<'_>,
) -> Vec<ParsedDoc> {
    let cfn_opts = CfnOptions {
        parameters: opts.parameters.clone(),
    };
    cfn_files
        .par_iter()
        .with_max_len(1)
        .map(|&(id, kind, explicit)| {
            let file = sources.get(id);
            let text = file.map(|f| f.text.as_str()).unwrap_or("");
            let json_like = kind == Kind::Json || text.trim_start().starts_with('{');
            let r = if json_like {
                crate::parse::json::parse(text, id).map(|n| vec![n])
            } else {
                crate::parse::yaml::parse(text, id)
            };
            let r = r.map(|docs| {
                let templates: Vec<&crate::tree::Node> = docs
                    .iter()
                    .filter(|d| cloudformation::is_template(d))
                    .collect();
                match file {
                    _ if templates.is_empty() => None,
                    Some(file) if !opts.parse_only => {
                        // A file's templates share its scope: one unit.
                        let mut m = Model::default();
                        for t in templates {
                            m.extend(cloudformation::adapt(file, t, &cfn_opts));
                        }
                        unit(&mut m, false);
                        Some(Some(m))
                    }
                    _ => Some(None),
                }
            });
            (id, r, kind, explicit)
        })
        .collect()
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
