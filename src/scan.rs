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
}

impl Scan {
    /// Whether any input could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        !self.model.errors.is_empty()
    }
}

/// A parsed YAML/JSON candidate: file, documents or error, kind, named explicitly.
type ParsedDoc = (
    FileId,
    Result<Vec<crate::tree::Node>, crate::tree::TreeError>,
    Kind,
    bool,
);

enum Loaded {
    Text(String),
    Error(&'static str, String, usize),
}

fn load(c: &Candidate, max: u64) -> Loaded {
    let meta = match std::fs::metadata(&c.path) {
        Ok(m) => m,
        Err(e) => return Loaded::Error("io-error", format!("cannot read file: {e}"), 0),
    };
    if meta.is_dir() {
        return Loaded::Error("io-error", "is a directory".into(), 0);
    }
    if meta.len() > max {
        return Loaded::Error(
            "too-large",
            format!("file is {} bytes, over the {max}-byte limit; skipped (raise it with --max-file-size)", meta.len()),
            0,
        );
    }
    let bytes = match std::fs::read(&c.path) {
        Ok(b) => b,
        Err(e) => return Loaded::Error("io-error", format!("cannot read file: {e}"), 0),
    };
    if let Some(pos) = bytes.iter().take(8192).position(|b| *b == 0) {
        return Loaded::Error(
            "binary-file",
            "file is binary (contains a NUL byte); skipped".into(),
            pos,
        );
    }
    match String::from_utf8(bytes) {
        Ok(t) => Loaded::Text(t),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Loaded::Error(
                "invalid-utf8",
                format!("file is not valid UTF-8 (invalid byte at offset {at})"),
                at,
            )
        }
    }
}

/// A cheap content sniff, so JSON and YAML files that are obviously not templates are not parsed.
fn may_be_template(text: &str) -> bool {
    text.contains("Resources") || text.contains("AWSTemplateFormatVersion")
}

/// Runs the pipeline.
pub fn scan(opts: &ScanOptions, catalog: &Catalog) -> Scan {
    let found = discover::discover(
        &opts.paths,
        &discover::Options {
            exclude: opts.exclude.clone(),
        },
    );
    let mut scan = Scan::default();
    for e in &found.errors {
        let id = scan
            .sources
            .add(e.display.clone(), PathBuf::from(&e.display), String::new());
        scan.model.errors.push(ToolError {
            span: Span::file_start(id),
            code: "io-error",
            message: e.message.clone(),
        });
    }

    let loaded: Vec<Loaded> = found
        .files
        .par_iter()
        .map(|c| load(c, opts.max_file_size))
        .collect();
    let mut tf_dirs: BTreeMap<PathBuf, TfModuleDir> = BTreeMap::new();
    let mut cfn_files: Vec<(FileId, Kind, bool)> = Vec::new();
    for (c, l) in found.files.iter().zip(loaded) {
        match l {
            Loaded::Error(code, message, at) => {
                let id = scan
                    .sources
                    .add(c.display.clone(), c.path.clone(), String::new());
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
                let id = scan.sources.add(c.display.clone(), c.path.clone(), text);
                if c.kind.is_terraform() {
                    let dir = c.path.parent().map(PathBuf::from).unwrap_or_default();
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

    // CloudFormation: parse in parallel, keep templates.
    let parsed: Vec<ParsedDoc> = cfn_files
        .par_iter()
        .map(|&(id, kind, explicit)| {
            let text = scan.sources.get(id).map(|f| f.text.as_str()).unwrap_or("");
            let json_like = kind == Kind::Json || text.trim_start().starts_with('{');
            let r = if json_like {
                crate::parse::json::parse(text, id).map(|n| vec![n])
            } else {
                crate::parse::yaml::parse(text, id)
            };
            (id, r, kind, explicit)
        })
        .collect();
    let cfn_opts = CfnOptions {
        parameters: opts.parameters.clone(),
    };
    let mut cfn_models: Vec<Model> = Vec::new();
    for (id, r, kind, explicit) in parsed {
        match r {
            Ok(docs) => {
                let templates: Vec<&crate::tree::Node> = docs
                    .iter()
                    .filter(|d| cloudformation::is_template(d))
                    .collect();
                if templates.is_empty() {
                    // Named files that are valid YAML/JSON but not templates (a workflow, a
                    // Kubernetes manifest: pre-commit passes every matching file) are noted, not
                    // errors.
                    if explicit {
                        scan.model.notices.push(crate::model::Notice {
                            span: Span::file_start(id),
                            message: "not a CloudFormation template (no AWSTemplateFormatVersion and no Resources typed AWS::…); skipped".into(),
                        });
                    }
                    continue;
                }
                let format = if kind == Kind::Json {
                    FileFormat::CloudformationJson
                } else {
                    FileFormat::CloudformationYaml
                };
                scan.files.push((id, format));
                if opts.parse_only {
                    continue;
                }
                if let Some(file) = scan.sources.get(id) {
                    for t in templates {
                        cfn_models.push(cloudformation::adapt(file, t, &cfn_opts));
                    }
                }
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
    for m in cfn_models {
        scan.model.extend(m);
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
    if !opts.parse_only {
        let roots: Vec<PathBuf> = if opts.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            opts.paths
                .iter()
                .map(|p| {
                    if p.is_file() {
                        p.parent().map(PathBuf::from).unwrap_or_default()
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
        let m = terraform::adapt(&dirs, &mut scan.sources, &tf_opts);
        scan.model.extend(m);
    } else {
        // The parse floor: parse the Terraform files and nothing else.
        let errors: Vec<ToolError> = scan
            .files
            .par_iter()
            .filter(|(_, f)| *f == FileFormat::Terraform)
            .filter_map(|(id, _)| {
                let text = scan.sources.get(*id)?.text.as_str();
                hcl_edit::parser::parse_body(text.trim_start_matches('\u{feff}'))
                    .err()
                    .map(|e| ToolError {
                        span: Span::new(*id, e.location().offset(), e.location().offset()),
                        code: "parse-error",
                        message: e.message().to_string(),
                    })
            })
            .collect();
        scan.model.errors.extend(errors);
    }

    // Deterministic order: resources by file path then position; errors likewise.
    let sources = &scan.sources;
    scan.model.resources.sort_by(|a, b| {
        (sources.display(a.file), a.header.start, &a.address).cmp(&(
            sources.display(b.file),
            b.header.start,
            &b.address,
        ))
    });
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
    scan.files
        .sort_by(|a, b| sources.display(a.0).cmp(sources.display(b.0)));
    scan.files.dedup();
    if !opts.parse_only {
        let (results, unused) = evaluate::evaluate(catalog, &scan.model.resources);
        scan.results = results;
        scan.unused_suppressions = unused;
    }
    scan
}
