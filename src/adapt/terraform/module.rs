//! A module directory's declarations (variables, locals, resources, data sources, module calls,
//! outputs), indexed across all of its files, and the resolution of local module sources.

use super::hcl::{top_blocks, Bd, Ex, ParsedFile};
use crate::model::ToolError;
use crate::source::Span;
use foldhash::HashMap;
use std::path::{Component, Path, PathBuf};

/// A `variable` block.
#[derive(Debug)]
pub(crate) struct VarDecl<'a> {
    /// Its `default`, if any.
    pub default: Option<Ex<'a>>,
    /// Its `type` constraint, as written (`bool`, `number`, `string`, …).
    pub ty: Option<String>,
    /// Header span.
    pub header: Span,
}

/// A `resource` block.
#[derive(Debug)]
pub(crate) struct ResDecl<'a> {
    /// Resource type.
    pub rtype: &'a str,
    /// Resource name.
    pub name: &'a str,
    /// Header span.
    pub header: Span,
    /// The whole block.
    pub whole: Span,
    /// Its body.
    pub body: Bd<'a>,
}

/// A `module` call.
#[derive(Debug)]
pub(crate) struct CallDecl<'a> {
    /// The call name.
    pub name: &'a str,
    /// The `source` string, when it is a literal.
    pub source: Option<String>,
    /// Header span.
    pub header: Span,
    /// The call body (its arguments are the child's variables).
    pub body: Bd<'a>,
}

/// Everything a module directory declares.
#[derive(Debug, Default)]
pub(crate) struct ModuleDef<'a> {
    /// Display form of the directory.
    pub display: String,
    /// Variables by name.
    pub vars: HashMap<&'a str, VarDecl<'a>>,
    /// Locals by name.
    pub locals: HashMap<&'a str, Ex<'a>>,
    /// Resources in file order.
    pub resources: Vec<ResDecl<'a>>,
    /// Data sources by `TYPE.NAME`.
    pub data: HashMap<String, Bd<'a>>,
    /// Module calls in file order.
    pub calls: Vec<CallDecl<'a>>,
    /// Outputs by name (their `value`).
    pub outputs: HashMap<&'a str, Ex<'a>>,
    /// AWS provider configurations by key (`aws`, `aws.west`).
    pub providers: HashMap<String, ProviderDecl<'a>>,
}

/// A `provider "aws"` block.
#[derive(Debug)]
pub(crate) struct ProviderDecl<'a> {
    /// Its `region`, if written.
    pub region: Option<Ex<'a>>,
    /// The settings that choose its credentials (`profile`, `access_key`, the role of
    /// `assume_role`), as written: two configurations with different ones may be in different
    /// accounts.
    pub credentials: String,
}

/// Indexes the declarations of the (non-tfvars) files of one module.
pub(crate) fn index<'a>(
    display: String,
    files: &[&'a ParsedFile],
    errors: &mut Vec<ToolError>,
) -> ModuleDef<'a> {
    let mut def = ModuleDef {
        display,
        ..Default::default()
    };
    let mut seen: foldhash::HashSet<(&str, &str)> = foldhash::HashSet::default();
    for f in files {
        for b in top_blocks(f, errors) {
            match (b.kind, b.labels.as_slice()) {
                ("variable", [name]) => {
                    let ty = b.body.attr("type").and_then(|t| type_text(t));
                    def.vars.insert(
                        name,
                        VarDecl {
                            default: b.body.attr("default"),
                            ty,
                            header: b.header,
                        },
                    );
                }
                ("locals", []) => match b.body {
                    Bd::Hcl(body, loc) => {
                        for a in body.attributes() {
                            def.locals.insert(a.key.as_str(), Ex::Hcl(&a.value, loc));
                        }
                    }
                    Bd::Json(n) => {
                        for e in n.entries() {
                            def.locals.insert(e.key.as_str(), Ex::Json(&e.value));
                        }
                    }
                },
                ("resource", [rtype, name]) => {
                    // Terraform rejects a second block with the same address: it is reported,
                    // and only the first is checked (one entry per address).
                    if !seen.insert((*rtype, *name)) {
                        errors.push(ToolError {
                            span: b.header,
                            code: "duplicate-resource",
                            message: format!(
                                "{rtype}.{name} is declared more than once in this module; \
                                 Terraform rejects it, and only the first block is checked"
                            ),
                            related: None,
                        });
                        continue;
                    }
                    def.resources.push(ResDecl {
                        rtype,
                        name,
                        header: b.header,
                        whole: b.whole,
                        body: b.body,
                    })
                }
                ("data", [dtype, name]) => {
                    def.data.insert(format!("{dtype}.{name}"), b.body);
                }
                ("module", [name]) => {
                    let source = b.body.attr("source").and_then(literal_string);
                    def.calls.push(CallDecl {
                        name,
                        source,
                        header: b.header,
                        body: b.body,
                    });
                }
                ("provider", ["aws"]) => {
                    let key = match b.body.attr("alias").and_then(literal_string) {
                        Some(alias) => format!("aws.{alias}"),
                        None => "aws".to_string(),
                    };
                    let mut credentials = Vec::new();
                    for a in ["profile", "access_key"] {
                        credentials.extend(b.body.attr(a).and_then(type_text));
                    }
                    for blk in ["assume_role", "assume_role_with_web_identity"] {
                        for (inner, _) in b.body.blocks(blk) {
                            credentials.extend(inner.attr("role_arn").and_then(type_text));
                        }
                    }
                    let decl = ProviderDecl {
                        region: b.body.attr("region"),
                        credentials: credentials.join(" "),
                    };
                    def.providers.insert(key, decl);
                }
                ("output", [name]) => {
                    if let Some(v) = b.body.attr("value") {
                        def.outputs.insert(name, v);
                    }
                }
                _ => {}
            }
        }
    }
    def
}

/// The text of a `type` constraint (`bool`, `list(string)`, …).
pub(crate) fn type_text(e: Ex<'_>) -> Option<String> {
    match e {
        Ex::Hcl(expr, _) => Some(expr.to_string().trim().to_string()),
        Ex::Json(n) => n
            .as_str()
            .map(|s| s.trim_start_matches("${").trim_end_matches('}').to_string()),
    }
}

/// The value of a literal string expression.
pub(crate) fn literal_string(e: Ex<'_>) -> Option<String> {
    match e {
        Ex::Hcl(hcl_edit::expr::Expression::String(s), _) => Some(s.value().to_string()),
        Ex::Hcl(hcl_edit::expr::Expression::StringTemplate(t), _) => {
            let mut out = String::new();
            for el in t.iter() {
                out.push_str(el.as_literal()?.value());
            }
            Some(out)
        }
        Ex::Hcl(..) => None,
        Ex::Json(n) => n.as_str().filter(|s| !s.contains("${")).map(str::to_string),
    }
}

/// The module source strings of the files of a module (for discovery before indexing).
pub(crate) fn call_sources(files: &[&ParsedFile]) -> Vec<String> {
    let mut sink = Vec::new();
    let mut out = Vec::new();
    for f in files {
        for b in top_blocks(f, &mut sink) {
            if b.kind == "module" {
                if let Some(s) = b.body.attr("source").and_then(literal_string) {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// Whether a module source is a local path (`./x`, `../x`).
pub(crate) fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// `base/rel` with `.` and `..` removed lexically (keeps a relative path relative).
pub(crate) fn join_normalized(base: &Path, rel: &str) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    let joined = base.join(rel);
    let comps: Vec<Component<'_>> = joined.components().collect();
    for c in comps {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    let p: PathBuf = out.iter().collect();
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

/// The canonical form of a path, or the path itself when it does not exist.
pub(crate) fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A display string for a directory: relative to the working directory, `/`-separated.
pub(crate) fn display_dir(p: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf());
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// The `.tf` and `.tf.json` files of a directory, sorted by name. A symbolic link is read only
/// when it leads to a file inside the directory (a link to a secret elsewhere would otherwise
/// be printed in a parse error's snippet).
pub(crate) fn module_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let canonical_dir = std::fs::canonicalize(dir).ok();
    let stays_inside = |p: &Path| match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => canonical_dir
            .as_deref()
            .zip(std::fs::canonicalize(p).ok())
            .is_some_and(|(d, t)| t.starts_with(d)),
        Ok(_) => true,
        Err(_) => false,
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && stays_inside(p)
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .map(|n| n.ends_with(".tf") || n.ends_with(".tf.json"))
                    .unwrap_or(false)
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Whether a file id names a variable-values file (`.tfvars`, `.tfvars.json`).
pub(crate) fn is_tfvars_name(name: &str) -> bool {
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

pub(crate) use crate::discover::tfvars_rank;

/// File ids in a list that are module files (not tfvars).
pub(crate) fn is_module_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        let p = join_normalized(Path::new("a/b"), "../c/./d");
        assert_eq!(p, PathBuf::from("a/c/d"));
        assert_eq!(join_normalized(Path::new("a"), ".."), PathBuf::from("."));
        assert!(is_local_source("./modules/x"));
        assert!(!is_local_source("terraform-aws-modules/s3-bucket/aws"));
    }

    #[test]
    fn tfvars_precedence() {
        assert!(tfvars_rank("x/terraform.tfvars") < tfvars_rank("x/terraform.tfvars.json"));
        assert!(tfvars_rank("terraform.tfvars.json") < tfvars_rank("a.auto.tfvars"));
        assert!(tfvars_rank("a.auto.tfvars") < tfvars_rank("b.auto.tfvars.json"));
        assert_eq!(tfvars_rank("prod.tfvars"), None);
    }
}
