//! CloudFormation side of a run: candidate templates parsed, adapted and (through the unit hook)
//! evaluated one file per task, then merged into the scan with their errors and notices.

use super::load::may_be_template;
use super::nested::{self, NestedRef};
use super::ScanOptions;
use crate::adapt::cloudformation::{self, CfnOptions};
use crate::discover::Kind;
use crate::model::{Model, Notice, ToolError, UnitHook};
use crate::outcome::Scan;
use crate::source::{FileFormat, FileId, SourceMap, Span};
use rayon::prelude::*;

/// A YAML/JSON candidate after parsing and adapting (both in parallel): file, the model of its
/// templates (`None` when it holds no template; `Some(None)` in parse-only mode) or the parse
/// error, kind, named explicitly, and the nested stacks its templates deploy.
pub type ParsedDoc = (
    FileId,
    Result<Option<Option<Model>>, crate::tree::TreeError>,
    Kind,
    bool,
    Vec<NestedRef>,
);

/// Parses the candidate templates and adapts (and, through `unit`, evaluates) each file's
/// templates as one unit, in parallel, one file per task: sizes vary by orders of magnitude,
/// and rayon's default splitting can leave one worker with most of the work. The trees are
/// dropped on the workers.
pub fn parse_templates(
    cfn_files: &[(FileId, Kind, bool)],
    sources: &SourceMap,
    opts: &ScanOptions,
    unit: &UnitHook<'_>,
) -> Vec<ParsedDoc> {
    let cfn_opts = CfnOptions {
        parameters: opts.parameters.clone(),
        nested: None,
    };
    let mut docs: Vec<ParsedDoc> = cfn_files
        .par_iter()
        .with_max_len(1)
        .map(|&(id, kind, explicit)| {
            let mut refs = Vec::new();
            let file = sources.get(id);
            let text = file.map(|f| f.text.as_str()).unwrap_or("");
            let r = crate::parse::template_docs(text, id, kind == Kind::Json);
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
                        refs = nested::refs_of(&m, id);
                        unit(&mut m, false);
                        Some(Some(m))
                    }
                    _ => Some(None),
                }
            });
            (id, r, kind, explicit, refs)
        })
        .collect();
    // Nested stacks are followed once every template is read (a parent's child may come
    // later in the list).
    let mut view: Vec<nested::Doc<'_>> = docs
        .iter_mut()
        .map(|(id, r, kind, _, refs)| nested::Doc {
            id: *id,
            model: match r {
                Ok(Some(Some(m))) => Some(m),
                _ => None,
            },
            refs: std::mem::take(refs),
            json: *kind == Kind::Json,
        })
        .collect();
    nested::expand(&mut view, sources, unit);
    docs
}

/// Adds the parsed templates to `scan`: their files, models, errors (only for files meant to be
/// templates) and notices (for files named explicitly that are not templates).
pub fn merge(scan: &mut Scan, parsed: Vec<ParsedDoc>) {
    let mut cfn_models: Vec<Model> = Vec::new();
    for (id, r, kind, explicit, _) in parsed {
        match r {
            Ok(models) => {
                let Some(models) = models else {
                    if explicit {
                        scan.model.notices.push(Notice::info(
                            Span::file_start(id),
                            "not a CloudFormation template (no AWSTemplateFormatVersion and no Resources typed AWS::…); skipped".into(),
                        ));
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
                        related: None,
                    });
                } else if explicit {
                    scan.model.notices.push(Notice::info(
                        e.span,
                        format!(
                            "not a CloudFormation template and not valid YAML/JSON ({}); skipped",
                            e.message
                        ),
                    ));
                }
            }
        }
    }
    crate::model::extend_all(&mut scan.model, cfn_models);
}
