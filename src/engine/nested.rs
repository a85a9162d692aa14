//! Nested stacks: a template deployed by another (`AWS::CloudFormation::Stack` with a local
//! `TemplateURL`, or SAM `AWS::Serverless::Application` with a local `Location`) is checked as
//! part of its parent, with the parameters the parent passes, like a Terraform module under its
//! root. Its resources are reported with the parent as their root and the stack's logical id
//! before theirs (`Network/Vpc`). A template no scanned template deploys is a root of its own.
//!
//! Only templates among the scanned files are followed (no other file is read: the path is
//! resolved lexically and matched against the files the walk admitted). Remote templates, the
//! Serverless Application Repository and locations srm-lint cannot resolve get a notice.

use crate::adapt::cloudformation::{self, CfnOptions, Passed};
use crate::model::{Model, Notice, Resource, ToolError, UnitHook, Val, ValKind};
use crate::source::{FileId, SourceMap, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// Nested stacks followed from one root at most (instances, not templates): a template that
/// deploys the same child many times, each deploying more, stays bounded.
const MAX_INSTANCES: usize = 1_000;
/// Nesting depth followed at most.
const MAX_DEPTH: usize = 8;

/// A nested stack found in a template.
#[derive(Debug, Clone)]
pub struct NestedRef {
    /// The logical id of the stack resource.
    stack: String,
    /// The template's file.
    file: FileId,
    /// Where its location is written (or the resource header).
    span: Span,
    /// The local path of its template, or why it is not followed.
    location: Result<String, String>,
    /// What the parent passes.
    passed: BTreeMap<String, Passed>,
    /// Why the stack may not be created, if srm-lint cannot tell.
    existence: Option<String>,
}

/// The nested stacks declared in a template's model (before its bodies are released).
pub fn refs_of(model: &Model, file: FileId) -> Vec<NestedRef> {
    model
        .resources
        .iter()
        .filter_map(|r| nested_ref(r, file))
        .collect()
}

fn nested_ref(r: &Resource, file: FileId) -> Option<NestedRef> {
    let key = match r.rtype.as_str() {
        "AWS::CloudFormation::Stack" => "TemplateURL",
        "AWS::Serverless::Application" => "Location",
        _ => return None,
    };
    let at = r.body.get(key);
    let span = at.map_or(r.header, |v| v.span);
    let id = &r.address;
    let location = match at.map(|v| &v.kind) {
        Some(ValKind::String(s)) if is_remote(s) => Err(format!(
            "the template of nested stack `{id}` ({s}) is not fetched; its resources are not checked"
        )),
        Some(ValKind::String(s)) => Ok(s.clone()),
        Some(ValKind::Map(_)) => Err(format!(
            "nested application `{id}` comes from the Serverless Application Repository, which srm-lint does not fetch; its resources are not checked"
        )),
        _ => Err(format!(
            "the template location of nested stack `{id}` cannot be resolved; its resources are not checked"
        )),
    };
    let passed = r
        .body
        .get("Parameters")
        .map(|p| {
            p.attrs()
                .iter()
                .map(|a| (a.key.clone(), passed(&a.value, id, &a.key)))
                .collect()
        })
        .unwrap_or_default();
    Some(NestedRef {
        stack: id.clone(),
        file,
        span,
        location,
        passed,
        existence: r.existence.clone(),
    })
}

fn is_remote(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("s3://")
}

/// What a parent passes, as the nested template's parameter sees it.
fn passed(v: &Val, stack: &str, name: &str) -> Passed {
    if let Some(t) = scalar(v) {
        return Passed::Known(t);
    }
    match &v.kind {
        ValKind::List(items) => {
            let texts: Option<Vec<String>> = items.iter().map(scalar).collect();
            if let Some(texts) = texts {
                return Passed::Known(texts.join(","));
            }
        }
        ValKind::Choice { options, .. } => {
            let texts: Option<BTreeSet<String>> = options.iter().map(scalar).collect();
            if let Some(texts) = texts {
                return Passed::OneOf(texts.into_iter().collect());
            }
        }
        _ => {}
    }
    Passed::Unknown(format!(
        "the parent passes parameter `{name}` to nested stack `{stack}` as a value srm-lint cannot resolve"
    ))
}

fn scalar(v: &Val) -> Option<String> {
    match &v.kind {
        ValKind::String(s) => Some(s.clone()),
        ValKind::Bool(b) => Some(b.to_string()),
        ValKind::Number(n) => Some(crate::model::number_text(*n)),
        _ => None,
    }
}

/// `path` with `.` and `..` resolved without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// One template file of the run: its model (`None` when it holds no template), its nested
/// stacks, and whether it is JSON.
pub struct Doc<'m> {
    /// The file.
    pub id: FileId,
    /// Its model, when it holds templates.
    pub model: Option<&'m mut Model>,
    /// Its nested stacks.
    pub refs: Vec<NestedRef>,
    /// Parsed as JSON.
    pub json: bool,
}

/// Follows the nested stacks of every root template: each instance is adapted with what its
/// parent passes, evaluated through `unit`, and added to the root's model; a template deployed
/// by another keeps its errors but no resources of its own (a notice says where they are).
pub fn expand(docs: &mut [Doc<'_>], sources: &SourceMap, unit: &UnitHook<'_>) {
    if docs.iter().all(|d| d.refs.is_empty()) {
        return;
    }
    let by_path: HashMap<PathBuf, FileId> = docs
        .iter()
        .filter(|d| d.model.is_some())
        .filter_map(|d| Some((normalize(&sources.get(d.id)?.path), d.id)))
        .collect();
    let json: HashMap<FileId, bool> = docs.iter().map(|d| (d.id, d.json)).collect();
    let ctx = Expand {
        sources,
        by_path,
        json,
        unit,
    };
    let children: BTreeSet<FileId> = docs
        .iter()
        .flat_map(|d| d.refs.iter())
        .filter_map(|r| ctx.resolve(r).ok())
        .collect();
    let mut placed: BTreeMap<FileId, (String, usize)> = BTreeMap::new();
    for d in docs.iter_mut() {
        if children.contains(&d.id) {
            continue;
        }
        let Some(model) = d.model.as_deref_mut() else {
            continue;
        };
        let scope = sources.display(d.id).to_string();
        let mut walk = Walk {
            scope: &scope,
            count: 0,
            stack: vec![d.id],
            placed: &mut placed,
        };
        let refs = std::mem::take(&mut d.refs);
        ctx.follow(&refs, "", None, &mut walk, model, true);
    }
    for d in docs.iter_mut() {
        let Some((parent, n)) = placed.get(&d.id) else {
            continue;
        };
        let Some(model) = d.model.as_deref_mut() else {
            continue;
        };
        model.resources.clear();
        model.results.clear();
        model.unused_suppressions.clear();
        let more = match n {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        model.notices.push(Notice::info(
            Span::file_start(d.id),
            format!(
                "deployed as a nested stack by {parent}{more}: its resources are checked there, with the parameters the parent passes"
            ),
        ));
    }
}

struct Expand<'a> {
    sources: &'a SourceMap,
    by_path: HashMap<PathBuf, FileId>,
    json: HashMap<FileId, bool>,
    unit: &'a UnitHook<'a>,
}

/// The state of following one root: its scope, instances so far, the files on the current
/// path (for cycles), and where each child template was first placed.
struct Walk<'w> {
    scope: &'w str,
    count: usize,
    stack: Vec<FileId>,
    placed: &'w mut BTreeMap<FileId, (String, usize)>,
}

impl Expand<'_> {
    /// The scanned template a nested stack deploys, or why it is not followed.
    fn resolve(&self, r: &NestedRef) -> Result<FileId, String> {
        let location = r.location.as_ref().map_err(Clone::clone)?;
        let parent = self
            .sources
            .get(r.file)
            .map(|f| f.path.parent().map(Path::to_path_buf).unwrap_or_default())
            .unwrap_or_default();
        let path = normalize(&parent.join(location));
        self.by_path.get(&path).copied().ok_or_else(|| {
            format!(
                "`{location}`, the template of nested stack `{}`, is not among the scanned files; its resources are not checked here",
                r.stack
            )
        })
    }

    /// Adapts and evaluates the nested stacks `refs` (declared under address `prefix`) and
    /// their own, adding them to `into`. `report`: problems go to `into` (the root's own
    /// stacks); deeper ones were reported with their template already.
    fn follow(
        &self,
        refs: &[NestedRef],
        prefix: &str,
        existence: Option<&str>,
        walk: &mut Walk<'_>,
        into: &mut Model,
        report: bool,
    ) {
        for r in refs {
            let child = match self.resolve(r) {
                Ok(c) => c,
                Err(message) => {
                    if report {
                        into.notices.push(Notice::not_checked(r.span, message));
                    }
                    continue;
                }
            };
            if walk.stack.contains(&child) {
                into.errors.push(ToolError {
                    span: r.span,
                    code: "invalid-template",
                    message: format!(
                        "nested stack `{}` deploys {}, which is already on its path of parents (a cycle); it is not followed",
                        r.stack,
                        self.sources.display(child)
                    ),
                    related: None,
                });
                continue;
            }
            if walk.stack.len() > MAX_DEPTH || walk.count >= MAX_INSTANCES {
                into.errors.push(ToolError {
                    span: r.span,
                    code: "too-complex",
                    message: format!(
                        "nested stack `{}` is not followed: more than {MAX_DEPTH} levels or {MAX_INSTANCES} nested stacks under {}",
                        r.stack, walk.scope
                    ),
                    related: None,
                });
                continue;
            }
            walk.count += 1;
            let parent = format!("`{prefix}{}` in {}", r.stack, self.sources.display(r.file));
            walk.placed
                .entry(child)
                .and_modify(|(_, n)| *n += 1)
                .or_insert((parent, 1));
            let here = format!("{prefix}{}/", r.stack);
            let exists = existence.map(str::to_string).or_else(|| {
                r.existence
                    .as_ref()
                    .map(|e| format!("is in nested stack `{}`, which {e}", r.stack))
            });
            let Some(mut m) = self.instance(child, &r.passed) else {
                continue;
            };
            let grand: Vec<NestedRef> = refs_of(&m, child);
            for res in &mut m.resources {
                res.address = format!("{here}{}", res.address);
                res.scope = walk.scope.to_string();
                prefix_refs(&mut res.body, &here);
                if res.existence.is_none() {
                    res.existence.clone_from(&exists);
                }
            }
            walk.stack.push(child);
            self.follow(&grand, &here, exists.as_deref(), walk, &mut m, false);
            walk.stack.pop();
            (self.unit)(&mut m, false);
            into.extend(m);
        }
    }

    /// The model of one nested instance of `child`: its resources only (its errors and
    /// notices were reported with the file itself).
    fn instance(&self, child: FileId, passed: &BTreeMap<String, Passed>) -> Option<Model> {
        let file = self.sources.get(child)?;
        let json = self.json.get(&child).copied().unwrap_or(false);
        let docs = crate::parse::template_docs(&file.text, child, json).ok()?;
        let opts = CfnOptions {
            parameters: BTreeMap::new(),
            nested: Some(passed.clone()),
        };
        let mut m = Model::default();
        for t in docs.iter().filter(|d| cloudformation::is_template(d)) {
            let a = cloudformation::adapt(file, t, &opts);
            m.resources.extend(a.resources);
        }
        Some(m)
    }
}

/// Puts `prefix` before every resource reference in `v` (references inside a nested stack
/// name its own resources).
fn prefix_refs(v: &mut Val, prefix: &str) {
    match &mut v.kind {
        ValKind::Ref(r) => r.target = format!("{prefix}{}", r.target),
        ValKind::List(items) => items.iter_mut().for_each(|i| prefix_refs(i, prefix)),
        ValKind::Map(attrs) => attrs
            .iter_mut()
            .for_each(|a| prefix_refs(&mut a.value, prefix)),
        ValKind::Choice { options, .. } => options.iter_mut().for_each(|o| prefix_refs(o, prefix)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_resolved_without_the_file_system() {
        assert_eq!(
            normalize(Path::new("a/b/./../c.yaml")),
            PathBuf::from("a/c.yaml")
        );
        assert_eq!(
            normalize(Path::new("../x.yaml")),
            PathBuf::from("../x.yaml")
        );
        assert_eq!(
            normalize(Path::new("./a/./b.yaml")),
            PathBuf::from("a/b.yaml")
        );
    }
}
