//! `cargo bench --bench stages`: the pipeline stage by stage, so a regression shows where it is.
//!
//! Inputs are a fixed set of corpus files, read once before any timing:
//! - Terraform: the five terraform-aws-modules folders of issue 10 (kms, rds, s3-bucket, sqs,
//!   vpc), the same subset `bench/run.sh` times checkov and trivy on;
//! - CloudFormation: `aws-cloudformation__aws-cloudformation-templates` (YAML and JSON).
//!
//! The corpus is `../shared/corpus` beside the repository, or `$SRM_CORPUS`. Without it every
//! bench is skipped with a message (no panic), so `cargo bench` works in a bare checkout.
//! Each bench reports bytes/s over the input it processes where that is meaningful.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use srm_lint::adapt::cloudformation::{self, CfnOptions};
use srm_lint::adapt::terraform::{self, TfModuleDir, TfOptions};
use srm_lint::catalog::Catalog;
use srm_lint::report::{self, Report};
use srm_lint::source::{FileId, SourceMap};
use srm_lint::tree::Node;
use srm_lint::{scan, Scan, ScanOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

const TF_DIRS: [&str; 5] = [
    "terraform-aws-modules__terraform-aws-kms",
    "terraform-aws-modules__terraform-aws-rds",
    "terraform-aws-modules__terraform-aws-s3-bucket",
    "terraform-aws-modules__terraform-aws-sqs",
    "terraform-aws-modules__terraform-aws-vpc",
];
const CFN_DIR: &str = "aws-cloudformation__aws-cloudformation-templates";

/// Everything the benches need, loaded once.
struct Data {
    catalog: Catalog,
    /// Terraform (`.tf`) and CloudFormation files in one source map.
    sources: SourceMap,
    tf_files: Vec<FileId>,
    tf_bytes: usize,
    tf_dirs: Vec<TfModuleDir>,
    tf_opts: TfOptions,
    yaml_files: Vec<FileId>,
    yaml_bytes: usize,
    json_files: Vec<FileId>,
    json_bytes: usize,
    /// The parsed CloudFormation templates (file, root), for the adapter bench.
    templates: Vec<(FileId, Node)>,
    /// A whole scan of both sets, for evaluate and the renderers.
    scan: Scan,
    report: Report,
    scan_opts: ScanOptions,
}

fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("SRM_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    };
    dir.is_dir().then_some(dir)
}

/// Files under `dir` (recursively, sorted) whose name ends with one of `exts`.
fn files_under(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, exts, out);
        } else if p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| exts.iter().any(|e| n.ends_with(e)))
        {
            out.push(p);
        }
    }
}

/// Reads a file into the source map: its id and size.
fn add(sources: &mut SourceMap, p: &Path) -> Option<(FileId, usize)> {
    let text = std::fs::read_to_string(p).ok()?;
    let n = text.len();
    Some((
        sources.add(p.display().to_string(), p.to_path_buf(), text),
        n,
    ))
}

fn load() -> Option<Data> {
    let root = corpus()?;
    let catalog = Catalog::builtin().ok()?;
    let mut sources = SourceMap::default();

    let mut tf_paths = Vec::new();
    for d in TF_DIRS {
        files_under(&root.join(d), &[".tf"], &mut tf_paths);
    }
    let mut by_dir: BTreeMap<PathBuf, Vec<FileId>> = BTreeMap::new();
    let (mut tf_files, mut tf_bytes) = (Vec::new(), 0);
    for p in &tf_paths {
        if let Some((id, n)) = add(&mut sources, p) {
            tf_files.push(id);
            tf_bytes += n;
            let dir = p.parent().map(PathBuf::from).unwrap_or_default();
            by_dir.entry(dir).or_default().push(id);
        }
    }
    let tf_dirs: Vec<TfModuleDir> = by_dir
        .into_iter()
        .map(|(dir, files)| TfModuleDir {
            dir,
            files,
            report: true,
        })
        .collect();
    let tf_opts = TfOptions {
        roots: TF_DIRS.iter().map(|d| root.join(d)).collect(),
        ..Default::default()
    };

    let mut cfn_paths = Vec::new();
    files_under(
        &root.join(CFN_DIR),
        &[".yaml", ".yml", ".json"],
        &mut cfn_paths,
    );
    let (mut yaml_files, mut yaml_bytes, mut json_files, mut json_bytes) = (vec![], 0, vec![], 0);
    let mut templates = Vec::new();
    for p in &cfn_paths {
        let Some((id, n)) = add(&mut sources, p) else {
            continue;
        };
        let text = sources.get(id).map(|f| f.text.as_str()).unwrap_or("");
        let docs = if p.extension().is_some_and(|e| e == "json") {
            json_files.push(id);
            json_bytes += n;
            srm_lint::parse::json::parse(text, id).map(|n| vec![n])
        } else {
            yaml_files.push(id);
            yaml_bytes += n;
            srm_lint::parse::yaml::parse(text, id)
        };
        for d in docs.unwrap_or_default() {
            if cloudformation::is_template(&d) {
                templates.push((id, d));
            }
        }
    }

    let mut paths: Vec<PathBuf> = TF_DIRS.iter().map(|d| root.join(d)).collect();
    paths.push(root.join(CFN_DIR));
    let scan_opts = ScanOptions {
        paths,
        ..Default::default()
    };
    let scan = scan(&scan_opts, &catalog);
    let report = Report::build(&scan, &catalog);
    Some(Data {
        catalog,
        sources,
        tf_files,
        tf_bytes,
        tf_dirs,
        tf_opts,
        yaml_files,
        yaml_bytes,
        json_files,
        json_bytes,
        templates,
        scan,
        report,
        scan_opts,
    })
}

static DATA: LazyLock<Option<Data>> = LazyLock::new(load);

fn data() -> &'static Data {
    match DATA.as_ref() {
        Some(d) => d,
        // main() only runs the benches when the data loaded.
        None => std::process::exit(0),
    }
}

fn text(d: &Data, id: FileId) -> &str {
    d.sources.get(id).map(|f| f.text.as_str()).unwrap_or("")
}

fn main() {
    if DATA.is_none() {
        eprintln!(
            "stages: corpus not found (set SRM_CORPUS or put shared/corpus beside the repository) \
             or the builtin catalog failed to load; skipping"
        );
        return;
    }
    divan::main();
}

/// hcl-edit over every `.tf` file of the Terraform subset.
#[divan::bench(sample_count = 30)]
fn parse_terraform(b: Bencher) {
    let d = data();
    b.counter(BytesCount::new(d.tf_bytes)).bench(|| {
        for &id in &d.tf_files {
            let _ = black_box(hcl_edit::parser::parse_body(black_box(text(d, id))));
        }
    });
}

/// The YAML front end (granit + span tree) over the YAML templates.
#[divan::bench(sample_count = 30)]
fn parse_yaml(b: Bencher) {
    let d = data();
    b.counter(BytesCount::new(d.yaml_bytes)).bench(|| {
        for &id in &d.yaml_files {
            let _ = black_box(srm_lint::parse::yaml::parse(black_box(text(d, id)), id));
        }
    });
}

/// The JSON front end (jsonc-parser + span tree) over the JSON templates.
#[divan::bench(sample_count = 30)]
fn parse_json(b: Bencher) {
    let d = data();
    b.counter(BytesCount::new(d.json_bytes)).bench(|| {
        for &id in &d.json_files {
            let _ = black_box(srm_lint::parse::json::parse(black_box(text(d, id)), id));
        }
    });
}

/// The Terraform adapter (parse, module loading, evaluation of expressions) into the model.
#[divan::bench(sample_count = 20)]
fn model_terraform(b: Bencher) {
    let d = data();
    b.counter(BytesCount::new(d.tf_bytes))
        .with_inputs(|| d.sources.clone())
        .bench_local_refs(|sources| terraform::adapt(&d.tf_dirs, sources, &d.tf_opts));
}

/// The CloudFormation adapter over already parsed templates.
#[divan::bench(sample_count = 30)]
fn model_cloudformation(b: Bencher) {
    let d = data();
    let opts = CfnOptions::default();
    b.counter(BytesCount::new(d.yaml_bytes + d.json_bytes))
        .bench(|| {
            for (id, root) in &d.templates {
                if let Some(f) = d.sources.get(*id) {
                    black_box(cloudformation::adapt(f, root, &opts));
                }
            }
        });
}

/// Every resource's checklist (both subsets' resources).
#[divan::bench(sample_count = 30)]
fn evaluate(b: Bencher) {
    let d = data();
    b.bench(|| srm_lint::evaluate::evaluate(&d.catalog, &d.scan.model.resources, 20_794));
    // 2026-12-07
}

/// The report model (locations, messages) from a finished scan.
#[divan::bench(sample_count = 30)]
fn report_build(b: Bencher) {
    let d = data();
    b.bench(|| Report::build(&d.scan, &d.catalog));
}

/// Renderers over the same report.
mod render {
    use super::*;

    #[divan::bench(sample_count = 30)]
    fn json(b: Bencher) {
        let d = data();
        b.bench(|| report::json::render(&d.report));
    }

    #[divan::bench(sample_count = 30)]
    fn sarif(b: Bencher) {
        let d = data();
        b.bench(|| report::sarif::render(&d.report, &d.catalog));
    }

    #[divan::bench(sample_count = 30)]
    fn compact(b: Bencher) {
        let d = data();
        b.bench(|| report::compact::render(&d.report));
    }

    #[divan::bench(sample_count = 30)]
    fn markdown(b: Bencher) {
        let d = data();
        b.bench(|| report::markdown::render(&d.report));
    }

    #[divan::bench(sample_count = 10)]
    fn pretty(b: Bencher) {
        let d = data();
        let style = report::pretty::Style {
            color: false,
            unicode: true,
        };
        b.bench(|| report::pretty::render(&d.report, &d.scan.sources, &d.catalog, style));
    }
}

/// The whole library pipeline (discovery, reading, parsing, model, evaluation) on both subsets.
#[divan::bench(sample_count = 20)]
fn scan_end_to_end(b: Bencher) {
    let d = data();
    b.bench(|| scan(&d.scan_opts, &d.catalog));
}
