//! CloudFormation (YAML, JSON, SAM, CDK output) into the model.
//!
//! Each entry of `Resources` becomes a [`Resource`] whose body is its `Properties`, converted to
//! [`Val`]s with intrinsic functions evaluated as far as parameters, mappings and conditions allow
//! (see [`intrinsics`]). SAM `Globals` are merged into serverless resources ([`sam`]); CDK
//! construct paths and in-template suppressions are read from `Metadata`.

mod conditions;
mod intrinsics;
mod language_ext;
mod merge;
mod props;
mod sam;
mod scenarios;
mod values;

use crate::model::{Lang, Model, Notice, Resource, Suppression, ToolError, Val};
use crate::source::{SourceFile, Span};
use crate::tree::{Node, NodeKind};
use intrinsics::Ctx;
use std::collections::BTreeMap;

/// Options of the CloudFormation adapter.
#[derive(Debug, Clone, Default)]
pub struct CfnOptions {
    /// Parameter values given on the command line or in a parameters file (`NAME` → value).
    pub parameters: BTreeMap<String, String>,
    /// For a template deployed as a nested stack: the parameters its parent passes. Then
    /// `parameters` is not used, and a parameter the parent does not pass keeps its default
    /// (no deployment can override it but through the parent).
    pub nested: Option<BTreeMap<String, Passed>>,
}

/// A parameter value a parent stack passes to a nested stack.
#[derive(Debug, Clone, PartialEq)]
pub enum Passed {
    /// A known value (a list as its comma-separated text).
    Known(String),
    /// One of these, depending on the parent's deployment.
    OneOf(Vec<String>),
    /// Not known; why.
    Unknown(String),
}

/// Whether a parsed document is a CloudFormation template: it has `AWSTemplateFormatVersion`,
/// or a `Resources` mapping whose entries are typed `AWS::…` (or `Custom::…`).
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match root.get("Resources") {
        Some(res) => res.entries().iter().any(|e| {
            e.value
                .get("Type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::"))
        }),
        None => false,
    }
}

/// Builds the model of one template.
///
/// Resources whose `Condition` is known to be false are left out (with a notice). Problems with
/// the template's shape (a `Resources` section that is not a mapping, a resource without `Type`,
/// duplicate keys, a suppression without reason, …) are reported as located [`ToolError`]s; the
/// rest of the template is still read.
pub fn adapt(file: &SourceFile, root: &Node, opts: &CfnOptions) -> Model {
    let mut model = Model::default();
    for (key, first, dup) in crate::tree::duplicate_keys(root) {
        model.errors.push(ToolError {
            span: dup,
            code: "duplicate-key",
            message: format!("duplicate key `{key}`"),
            related: Some(crate::model::Related {
                span: first,
                label: "first written".into(),
            }),
        });
    }
    let resources = match root.entry("Resources") {
        Some(e) if e.value.is_map() => e.value.entries(),
        Some(e) if e.value.kind == NodeKind::Null => {
            model.errors.push(invalid(
                e.key_span,
                "`Resources` is empty; a template needs at least one resource".into(),
            ));
            return model;
        }
        Some(e) => {
            model
                .errors
                .push(invalid(e.key_span, "`Resources` is not a mapping".into()));
            return model;
        }
        None => {
            if root.get("AWSTemplateFormatVersion").is_some() {
                model.errors.push(invalid(
                    root.span,
                    "template has no `Resources` section".into(),
                ));
            }
            return model;
        }
    };
    let nested_overrides;
    let overrides = match &opts.nested {
        None => &opts.parameters,
        Some(passed) => {
            nested_overrides = values::nested_overrides(root, passed);
            &nested_overrides
        }
    };
    let mut ctx = Ctx::new(root, overrides);
    if let Some(passed) = &opts.nested {
        ctx.pass_params(root, passed);
    }
    let globals = sam::Globals::read(root, &ctx);
    let mut seen = std::collections::HashSet::new();
    for e in resources {
        // A logical id written twice is an error (above); only its first declaration is checked.
        if !seen.insert(e.key.as_str()) {
            continue;
        }
        let Some(r) = resource(file, &ctx, e, &mut model) else {
            continue;
        };
        model.resources.push(r);
    }
    // Every condition is checked once, so one naming a missing condition is reported even when
    // no resource uses it.
    for name in ctx.conditions.keys() {
        ctx.condition(name);
    }
    model.errors.extend(ctx.take_errors());
    globals.apply(&mut model.resources);
    sam::implicit_apis(file, root, &globals, &mut model.resources);
    if ctx.exhausted() {
        model.errors.push(ToolError {
            span: root.span,
            code: "too-complex",
            message: "template too complex to evaluate fully; some values were left unknown".into(),
            related: None,
        });
    }
    model
}

fn invalid(span: Span, message: String) -> ToolError {
    ToolError {
        span,
        code: "invalid-template",
        message,
        related: None,
    }
}

/// One entry of `Resources`, or `None` when it is malformed or conditionally absent.
fn resource(
    file: &SourceFile,
    ctx: &Ctx<'_>,
    e: &crate::tree::Entry,
    model: &mut Model,
) -> Option<Resource> {
    let id = &e.key;
    let decl = &e.value;
    if id.starts_with("Fn::ForEach::") {
        // AWS::LanguageExtensions loops are not expanded.
        model.notices.push(Notice::not_checked(
            e.key_span,
            format!("`{id}` (AWS::LanguageExtensions) is not expanded; the resources it creates are not checked"),
        ));
        return None;
    }
    if !decl.is_map() {
        model.errors.push(invalid(
            e.key_span,
            format!("resource `{id}` is not a mapping"),
        ));
        return None;
    }
    let rtype = match decl.get("Type") {
        None => {
            model.errors.push(invalid(
                e.key_span,
                format!("resource `{id}` has no `Type`"),
            ));
            return None;
        }
        Some(t) => match (&t.kind, &t.tag) {
            (NodeKind::String(s), None) => s.clone(),
            (NodeKind::Map(entries), None)
                if entries.len() == 1 && entries.iter().all(|e| e.key.starts_with("Rain::")) =>
            {
                // The JSON form of a Rain module: `"Type": {"Rain::Module": "path"}`.
                let tag = entries.first().map(|e| e.key.as_str()).unwrap_or_default();
                model.notices.push(Notice::not_checked(
                    t.span,
                    format!("resource `{id}` is a `{tag}` expanded by Rain, not a CloudFormation type; it is not checked (scan the packaged template)"),
                ));
                return None;
            }
            (_, Some(tag)) if tag.starts_with("Rain::") => {
                // A Rain module (`Type: !Rain::Module path`) is expanded by `rain pkg`.
                model.notices.push(Notice::not_checked(
                    t.span,
                    format!("resource `{id}` is a `!{tag}` expanded by Rain, not a CloudFormation type; it is not checked (scan the packaged template)"),
                ));
                return None;
            }
            _ => {
                model.errors.push(invalid(
                    t.span,
                    format!("`Type` of resource `{id}` is not a string"),
                ));
                return None;
            }
        },
    };
    let condition = decl
        .get("Condition")
        .and_then(Node::as_str)
        .map(str::to_string);
    if let Some(c) = &condition {
        if let Some(cn) = decl.get("Condition") {
            ctx.missing_condition(c, cn.span);
        }
    }
    let (props, props_error) = match decl.get("Properties") {
        None => (None, None),
        Some(p) if p.is_map() || p.tag.is_some() => (Some(p), None),
        Some(p) => (
            None,
            Some(invalid(
                p.span,
                format!("`Properties` of resource `{id}` is not a mapping"),
            )),
        ),
    };
    ctx.literals.take();
    let scenarios = match props {
        Some(p) => ctx.over_scenarios_of(condition.as_deref(), p),
        None => ctx.over_scenarios(condition.as_deref(), &|_| Val::empty_map(e.key_span)),
    };
    let Some((body, existence)) = scenarios else {
        model.notices.push(Notice::info(
            e.key_span,
            format!(
                "resource `{id}` is not created: its condition `{}` is false with the given parameters",
                condition.as_deref().unwrap_or_default()
            ),
        ));
        return None;
    };
    model.errors.extend(props_error);
    let metadata = decl.get("Metadata");
    let construct_path = metadata
        .and_then(|m| m.get("aws:cdk:path"))
        .and_then(Node::as_str)
        .map(str::to_string);
    let suppressions = metadata
        .map(|m| suppressions(m, &mut model.errors))
        .unwrap_or_default();
    Some(Resource {
        address: id.clone(),
        rtype,
        lang: Lang::Cloudformation,
        scope: file.display.clone(),
        file: file.id,
        header: e.key_span,
        body,
        condition,
        existence,
        construct_path,
        notes: Vec::new(),
        suppressions,
        origins: Vec::new(),
        provider: None,
        literals: ctx.literals.take(),
    })
}

/// `Metadata: { srm-lint: { ignore: [ { id: …, reason: … } ] } }`, and checkov's own
/// `Metadata: { checkov: { skip: [ { id: CKV_AWS_18, comment: … } ] } }` (matched through the
/// duties' references).
fn suppressions(metadata: &Node, errors: &mut Vec<ToolError>) -> Vec<Suppression> {
    let mut out = checkov_skips(metadata);
    let Some(list) = metadata.get("srm-lint").and_then(|s| s.get("ignore")) else {
        return out;
    };
    let items: &[Node] = match &list.kind {
        NodeKind::Seq(items) => items,
        _ => std::slice::from_ref(list),
    };
    for item in items {
        let id = item.get("id").and_then(scalar_text);
        let reason = item.get("reason").and_then(scalar_text);
        match (id, reason) {
            (Some(duty), Some(reason)) if !reason.trim().is_empty() && !duty.is_empty() => out
                .push(Suppression {
                    duty,
                    reason: reason.trim().to_string(),
                    span: item.span,
                }),
            (None, _) => errors.push(ToolError {
                span: item.span,
                code: "invalid-suppression",
                message: "suppression in `Metadata.srm-lint.ignore` has no `id`".into(),
                related: None,
            }),
            (Some(duty), _) => errors.push(ToolError {
                span: item.span,
                code: "suppression-without-reason",
                message: format!("suppression of `{duty}` has no reason; add `reason: …`"),
                related: None,
            }),
        }
    }
    out
}

/// checkov's skips in a resource's `Metadata`, as `checkov:ID` suppressions.
fn checkov_skips(metadata: &Node) -> Vec<Suppression> {
    let Some(list) = metadata.get("checkov").and_then(|c| c.get("skip")) else {
        return Vec::new();
    };
    let items: &[Node] = match &list.kind {
        NodeKind::Seq(items) => items,
        _ => std::slice::from_ref(list),
    };
    items
        .iter()
        .filter_map(|item| {
            let id = item.get("id").and_then(scalar_text)?;
            let reason = item
                .get("comment")
                .and_then(scalar_text)
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| "checkov skip".to_string());
            Some(Suppression {
                duty: format!("checkov:{}", id.trim()),
                reason: reason.trim().to_string(),
                span: item.span,
            })
        })
        .collect()
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::String(s) | NodeKind::Number(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests;
