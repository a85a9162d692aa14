//! The engine: one run of the pipeline, discover → read → parse and adapt → evaluate → order.
//! It alone owns threads, budgets, order and timings; every stage it calls is a function of its
//! input. Every input problem becomes a located [`ToolError`] while the other files are still
//! scanned.

mod load;
mod nested;
mod order;
mod pending;
mod templates;
mod timings;

pub use load::Loaded;
use load::{load, parent_dir};
pub use pending::{CatalogResult, PendingCatalog};
use timings::timed;
pub use timings::Clock;

use crate::adapt::terraform::{self, TfModuleDir, TfOptions};
use crate::catalog::Catalog;
use crate::discover::{self, Candidate, Kind};
use crate::evaluate;
use crate::model::{Model, ToolError};
use crate::outcome::Scan;
use crate::source::{FileId, Span};
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
    /// A scanned directory with no Terraform or CloudFormation file is fine (otherwise it is a
    /// `no-files` error: a scan that checked nothing must not pass).
    pub allow_empty: bool,
    /// The run's date (days since 1970-01-01, see [`crate::date`]) against which dated
    /// lifecycles (Lambda runtimes, EKS versions) are judged; `None`: today by the system clock.
    pub date: Option<i64>,
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
            allow_empty: false,
            date: None,
        }
    }
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
    crate::parse::hcl::start_run();
    let gate = crate::gate::Gate::for_roots(&opts.paths);
    let found = discover::discover(
        &opts.paths,
        &discover::Options {
            exclude: opts.exclude.clone(),
        },
        &gate,
    );
    let loaded: Vec<Loaded> = found
        .files
        .par_iter()
        .map(|c| load(c, opts.max_file_size))
        .collect();
    clock.lap("discover + read");
    let candidates = found.files.len();
    let files: Vec<(Candidate, Loaded)> = found.files.into_iter().zip(loaded).collect();
    let mut scan = collect_loaded(opts, catalog, &found.errors, files);
    refuse_empty(&mut scan, opts, candidates);
    clock.laps.append(&mut scan.timings);
    scan.timings = clock.laps;
    scan
}

/// A directory scan that found no Terraform or CloudFormation file (and no error) is a
/// `no-files` error unless `allow_empty`: a run that checked nothing must not pass. Files named
/// on the command line are exempt (pre-commit names every changed YAML and JSON file).
fn refuse_empty(scan: &mut Scan, opts: &ScanOptions, candidates: usize) {
    let dirs_only = opts.paths.iter().all(|p| p.is_dir());
    if opts.allow_empty || !dirs_only || !scan.files.is_empty() || !scan.model.errors.is_empty() {
        return;
    }
    let first = opts
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let display = discover::display_path(&first);
    let id = scan.sources.add(display, first, String::new());
    scan.model.errors.push(ToolError {
        span: Span::file_start(id),
        code: "no-files",
        message: discover::why_empty(&opts.paths, candidates),
        related: None,
    });
}

impl Scan {
    /// Evaluates every resource of the model against `catalog` (fills `results` and
    /// `unused_suppressions`; nothing in parse-only mode).
    pub fn evaluate(&mut self, catalog: &Catalog) {
        let mut clock = Clock::start();
        if !self.parse_only && !self.evaluated {
            let today = self.date.unwrap_or_else(crate::date::system_today);
            let (results, unused) = evaluate::evaluate(catalog, &self.model.resources, today);
            self.results = results;
            self.unused_suppressions = unused;
        }
        // Findings on literal secrets point at the secret, which no output may show.
        evaluate::secrets::apply(&mut self.sources, &mut self.results);
        clock.lap("evaluate");
        self.timings.append(&mut clock.laps);
    }
}

/// Scans `text` as if it were the file `name` named on the command line (its kind comes from the
/// name: `main.tf`, `template.yaml`, `template.json`, …), for fuzzing and embedding: one file
/// through the same pipeline as [`scan()`], without discovery.
///
/// Nothing is read from disk except local Terraform module sources, which resolve relative to
/// `name`'s directory and only inside it; use a name in a directory that does not exist to read
/// nothing at all.
pub fn scan_text(name: &str, text: &str, catalog: &Catalog) -> Scan {
    crate::parse::hcl::start_run();
    let path = PathBuf::from(name);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let candidate = Candidate {
        display: name.to_string(),
        kind: Kind::of(&path),
        path,
        explicit: true,
    };
    let opts = ScanOptions {
        paths: vec![dir],
        ..ScanOptions::default()
    };
    let loaded = Loaded::from_bytes(text.as_bytes().to_vec());
    scan_loaded(&opts, catalog, &[], vec![(candidate, loaded)])
}

/// The pipeline after discovery and reading: parse, adapt, evaluate.
fn scan_loaded(
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
    let today = opts.date.unwrap_or_else(crate::date::system_today);
    let unit = |m: &mut Model, parallel: bool| {
        if opts.parse_only {
            return;
        }
        let Some(p) = prepared.get_or_init(|| catalog().map(|c| evaluate::Prepared::new(c, today)))
        else {
            return;
        };
        let (results, unused) = p.run(&m.resources, parallel);
        m.results = results;
        m.unused_suppressions = unused;
        m.resources.iter_mut().for_each(|r| r.release_body());
    };
    let mut scan = Scan {
        parse_only: opts.parse_only,
        date: Some(today),
        ..Scan::default()
    };
    for e in walk_errors {
        let id = scan
            .sources
            .add(e.display.clone(), PathBuf::from(&e.display), String::new());
        scan.model.errors.push(ToolError {
            span: Span::file_start(id),
            code: e.code,
            message: e.message.clone(),
            related: None,
        });
    }

    let load::Classified { tf_dirs, cfn_files } = load::classify(&mut scan, files);
    let var_files = load::read_var_files(&mut scan, opts);
    let parsed: (Vec<templates::ParsedDoc>, std::time::Duration) = if !opts.parse_only {
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
            bounds: crate::gate::Gate::for_roots(&opts.paths).bounds().to_vec(),
            budget: Default::default(),
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
            |sources| timed(|| templates::parse_templates(&cfn_files, sources, opts, &unit)),
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
            || timed(|| templates::parse_templates(&cfn_files, sources, opts, &unit)),
        );
        clock.beside("Terraform parse", tf_wall);
        scan.model.errors.extend(errors);
        parsed
    };
    let (parsed, cfn_wall) = parsed;
    clock.beside("CloudFormation parse + adapt", cfn_wall);
    clock.lap("Terraform + CloudFormation");

    templates::merge(&mut scan, parsed);
    clock.lap("merge models");
    order::finish(&mut scan, prepared.get().is_some_and(Option::is_some));
    clock.lap("sort");
    scan.timings = clock.laps;
    scan
}
