//! SAM (`Transform: AWS::Serverless-2016-10-31`): `Globals` merged into serverless resources,
//! and the implicit APIs SAM creates for `Api` / `HttpApi` events.
//!
//! Merge rules (SAM "Globals section"): a resource's own primitive value wins, maps are
//! deep-merged, lists are concatenated (global items first). Merged-in global values keep their
//! spans in the `Globals` section.

use super::intrinsics::Ctx;
use crate::model::{Attr, Lang, Resource, Val, ValKind};
use crate::source::SourceFile;
use crate::tree::{Node, NodeKind};

/// The SAM transform name.
const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// `Globals` sections and the resource types they apply to.
const SECTIONS: [(&str, &str); 5] = [
    ("Function", "AWS::Serverless::Function"),
    ("Api", "AWS::Serverless::Api"),
    ("HttpApi", "AWS::Serverless::HttpApi"),
    ("SimpleTable", "AWS::Serverless::SimpleTable"),
    ("StateMachine", "AWS::Serverless::StateMachine"),
];

/// The converted `Globals` of a SAM template (empty for other templates).
#[derive(Debug, Default)]
pub(crate) struct Globals {
    /// Whether the template uses the SAM transform.
    pub(crate) sam: bool,
    /// (resource type, global properties).
    sections: Vec<(&'static str, Val)>,
}

/// Whether the template declares the SAM transform (`Transform` string or list).
pub(crate) fn is_sam(root: &Node) -> bool {
    match root.get("Transform").map(|t| &t.kind) {
        Some(NodeKind::String(s)) => s == SAM_TRANSFORM,
        Some(NodeKind::Seq(items)) => items.iter().any(|i| i.as_str() == Some(SAM_TRANSFORM)),
        _ => false,
    }
}

impl Globals {
    /// Reads `Globals` when the template uses the SAM transform.
    pub(crate) fn read(root: &Node, ctx: &Ctx<'_>) -> Self {
        if !is_sam(root) {
            return Globals::default();
        }
        let mut sections = Vec::new();
        if let Some(g) = root.get("Globals") {
            for (section, rtype) in SECTIONS {
                if let Some(n) = g.get(section).filter(|n| n.is_map()) {
                    let v = ctx
                        .over_scenarios_of(None, n)
                        .map(|(v, _)| v)
                        .unwrap_or_else(|| Val::empty_map(n.span));
                    sections.push((rtype, v));
                }
            }
        }
        Globals {
            sam: true,
            sections,
        }
    }

    /// The global properties for a resource type.
    fn for_type(&self, rtype: &str) -> Option<&Val> {
        self.sections
            .iter()
            .find(|(t, _)| *t == rtype)
            .map(|(_, v)| v)
    }

    /// Merges the globals into every resource of a matching type.
    pub(crate) fn apply(&self, resources: &mut [Resource]) {
        for r in resources {
            if let Some(g) = self.for_type(&r.rtype) {
                let local = std::mem::replace(&mut r.body, Val::empty_map(r.header));
                r.body = merge(g, local);
            }
        }
    }
}

/// Merges a global value under a resource's own value.
pub(crate) fn merge(global: &Val, local: Val) -> Val {
    let span = local.span;
    match (&global.kind, local.kind) {
        (ValKind::Map(g), ValKind::Map(mut l)) => {
            for ga in g {
                match l.iter_mut().find(|a| a.key == ga.key) {
                    Some(la) => {
                        let own = std::mem::replace(&mut la.value, Val::empty_map(la.key_span));
                        la.value = merge(&ga.value, own);
                    }
                    None => l.push(ga.clone()),
                }
            }
            Val::new(span, ValKind::Map(l))
        }
        (ValKind::List(g), ValKind::List(l)) => {
            let mut items = g.clone();
            items.extend(l);
            Val::new(span, ValKind::List(items))
        }
        (_, kind) => Val::new(span, kind),
    }
}

/// Adds the implicit `ServerlessRestApi` / `ServerlessHttpApi` that SAM creates for function
/// events of type `Api` / `HttpApi` without an explicit `RestApiId` / `ApiId`. Their settings
/// come only from `Globals.Api` / `Globals.HttpApi`.
pub(crate) fn implicit_apis(
    file: &SourceFile,
    root: &Node,
    globals: &Globals,
    resources: &mut Vec<Resource>,
) {
    if !globals.sam {
        return;
    }
    let declared = |id: &str| root.get("Resources").is_some_and(|r| r.get(id).is_some());
    let mut added = Vec::new();
    for (event_type, id_prop, address, rtype, section) in [
        (
            "Api",
            "RestApiId",
            "ServerlessRestApi",
            "AWS::Serverless::Api",
            "Api",
        ),
        (
            "HttpApi",
            "ApiId",
            "ServerlessHttpApi",
            "AWS::Serverless::HttpApi",
            "HttpApi",
        ),
    ] {
        if declared(address) {
            continue;
        }
        let found = resources.iter().find_map(|r| {
            if r.rtype != "AWS::Serverless::Function" {
                return None;
            }
            r.body.get("Events")?.attrs().iter().find_map(|ev| {
                let implicit = ev.value.get("Type").and_then(Val::as_str) == Some(event_type)
                    && ev
                        .value
                        .get("Properties")
                        .and_then(|p| p.get(id_prop))
                        .is_none_or(Val::is_null);
                implicit.then(|| (r.address.clone(), ev.clone()))
            })
        });
        let Some((function, event)) = found else {
            continue;
        };
        let mut body = match globals.for_type(rtype) {
            Some(g) => merge(g, Val::empty_map(event.key_span)),
            None => Val::empty_map(event.key_span),
        };
        // SAM deploys an implicit REST API to a stage named `Prod` (the stage's settings are
        // the API's own here, as for an explicit `AWS::Serverless::Api` with its `StageName`).
        if rtype == "AWS::Serverless::Api" {
            if let ValKind::Map(attrs) = &mut body.kind {
                if !attrs.iter().any(|a| a.key == "StageName") {
                    attrs.push(Attr {
                        key: "StageName".into(),
                        key_span: event.key_span,
                        value: Val::new(event.key_span, ValKind::String("Prod".into())),
                    });
                }
            }
        }
        added.push(Resource {
            address: address.to_string(),
            rtype: rtype.to_string(),
            lang: Lang::Cloudformation,
            scope: file.display.clone(),
            file: file.id,
            header: event.key_span,
            body,
            condition: None,
            existence: None,
            construct_path: None,
            notes: vec![format!(
                "implicit API created by SAM for event `{}` of function `{function}`; its settings come only from `Globals.{section}`",
                event.key
            )
            .into()],
            suppressions: Vec::new(),
            origins: Vec::new(),
            literals: Vec::new(),
            provider: None,
        });
    }
    resources.extend(added);
}
