//! User-supplied AWS CloudFormation Guard rules (`--guard-rules`), evaluated with the `cfn-guard`
//! crate over CloudFormation templates **and** Terraform resources (cargo feature `guard`).
//!
//! - Every CloudFormation template is rendered from srm-lint's parse tree as JSON and checked as it
//!   is written.
//! - Terraform resources are rendered in CloudFormation shape
//!   (`{"Resources": {"<address>": {"Type", "Properties"}}}`, one document per root module) through
//!   the data in `mapping.toml`: type and attribute renames, nested blocks, companion resources
//!   folded into their subject, value transforms. Types and attributes without a mapping are left
//!   out and counted in a notice.
//! - Each Guard failure becomes a checklist entry of duty `guard/<rule>` on the resource, located
//!   at the failing property (the deepest rendered node on Guard's path, which for Terraform is the
//!   attribute the property came from), or at the resource header when the property is missing.
//!   A failure on a value srm-lint cannot resolve is `unverified`, otherwise `unaddressed`.
//!   Suppressions (`srm-lint:ignore[guard/<rule>]`, CloudFormation `Metadata`) and baselines
//!   work as for built-in duties, because the rules are registered as duties of the catalog.
//!
//! Rule files are only parsed and evaluated by cfn-guard, never executed; their size and number
//! are bounded.

pub mod mapping;
pub mod render;
mod run;

use crate::catalog::{Catalog, Control, Duty, Layer, Proof, References, Severity};
use crate::evaluate::{Basis, DutyResult, Verdict};
use crate::model::{Lang, Notice, ToolError};
use crate::outcome::Scan;
use crate::source::{FileFormat, FileId, Span};
use render::Doc;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Largest rule file read (bytes).
pub const MAX_RULE_FILE: u64 = 1024 * 1024;
/// Most rule files read in one run.
pub const MAX_RULE_FILES: usize = 2_000;

/// A rule file, loaded into the scan's source map.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Its id in the scan's sources.
    pub file: FileId,
    /// The path as the user would type it.
    pub display: String,
    /// Severity from a `# srm-lint: severity=… layer=…` comment (default medium).
    pub severity: Severity,
    /// Layer from the same comment (default customer-data).
    pub layer: Layer,
}

/// What a Guard run did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Rule files evaluated (that parsed).
    pub rule_files: usize,
    /// Documents checked (templates, and Terraform root modules).
    pub documents: usize,
    /// Checklist entries added (any verdict).
    pub findings: usize,
    /// Terraform resources left out because their type has no mapping.
    pub skipped_resources: usize,
    /// Terraform attributes left out because they have no mapping.
    pub skipped_attributes: usize,
}

/// Loads, evaluates and reports Guard rules: the one call the binary makes between the scan and
/// the report. `paths` are `.guard`/`.ruleset` files or directories of them; `keep` is the duty
/// filter of the configuration (`select`/`ignore`/`min_severity`). Problems with the rule files
/// become located tool errors in `scan`; findings become checklist entries, and their duties are
/// added to `catalog`.
pub fn run(
    scan: &mut Scan,
    paths: &[PathBuf],
    catalog: &mut Catalog,
    keep: impl Fn(&Duty) -> bool,
) -> Outcome {
    let rules = load_rules(paths, scan);
    evaluate(scan, &rules, catalog, keep)
}

/// Reads the rule files (a directory gives its `.guard` and `.ruleset` files, sorted) into the
/// scan's sources. Unreadable or too large files, and files that do not parse, are tool errors.
pub fn load_rules(paths: &[PathBuf], scan: &mut Scan) -> Vec<RuleFile> {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(p)
                .hidden(false)
                .git_ignore(false)
                .build()
                .flatten()
                .map(|e| e.into_path())
                .filter(|f| {
                    f.is_file()
                        && f.extension()
                            .is_some_and(|e| e == "guard" || e == "ruleset")
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut out = Vec::new();
    for (n, path) in files.iter().enumerate() {
        let display = crate::discover::display_path(path);
        if n >= MAX_RULE_FILES {
            let id = scan.sources.add(display, path.clone(), String::new());
            scan.model.errors.push(ToolError {
                span: Span::file_start(id),
                code: "guard-rules",
                message: format!(
                    "more than {MAX_RULE_FILES} Guard rule files; this one and the rest are skipped"
                ),
                related: None,
            });
            break;
        }
        let text = match read_bounded(path) {
            Ok(t) => t,
            Err(message) => {
                let id = scan.sources.add(display, path.clone(), String::new());
                scan.model.errors.push(ToolError {
                    span: Span::file_start(id),
                    code: "guard-rules",
                    message,
                    related: None,
                });
                continue;
            }
        };
        let id = scan
            .sources
            .add(display.clone(), path.clone(), text.clone());
        match run::check_syntax(&text, &display) {
            Ok(true) => {
                let (severity, layer) = directives(&text);
                out.push(RuleFile {
                    file: id,
                    display,
                    severity,
                    layer,
                });
            }
            Ok(false) => {}
            Err(e) => {
                let span = match (e.at, scan.sources.get(id)) {
                    (Some((line, col)), Some(f)) => {
                        let at = f.offset_of(line, col);
                        Span::new(id, at, at)
                    }
                    _ => Span::file_start(id),
                };
                scan.model.errors.push(ToolError {
                    span,
                    code: "guard-parse-error",
                    message: format!("Guard rule file does not parse: {}", e.message.trim()),
                    related: None,
                });
            }
        }
    }
    out
}

fn read_bounded(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read Guard rules: {e}"))?;
    if meta.len() > MAX_RULE_FILE {
        return Err(format!(
            "Guard rule file is {} bytes, over the {MAX_RULE_FILE}-byte limit",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read Guard rules: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "Guard rule file is not valid UTF-8".to_string())
}

/// `# srm-lint: severity=high layer=network` anywhere in a rule file.
fn directives(text: &str) -> (Severity, Layer) {
    let mut severity = Severity::Medium;
    let mut layer = Layer::CustomerData;
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix('#').map(str::trim) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix("srm-lint:") else {
            continue;
        };
        for pair in rest.split_whitespace() {
            let quoted = |v: &str| format!("\"{v}\"");
            match pair.split_once('=') {
                Some(("severity", v)) => {
                    if let Ok(s) = serde_json::from_str(&quoted(v)) {
                        severity = s;
                    }
                }
                Some(("layer", v)) => {
                    if let Ok(l) = serde_json::from_str(&quoted(v)) {
                        layer = l;
                    }
                }
                _ => {}
            }
        }
    }
    (severity, layer)
}

/// Renders the documents: every CloudFormation template as it is, and the Terraform resources
/// through the mapping. Returns the documents and what the Terraform rendering left out.
pub fn documents(scan: &Scan) -> (Vec<Doc>, render::Skipped) {
    let mut docs = Vec::new();
    let mut by_header: HashMap<FileId, HashMap<u32, usize>> = HashMap::new();
    for (i, r) in scan.model.resources.iter().enumerate() {
        if r.lang == Lang::Cloudformation {
            by_header
                .entry(r.file)
                .or_default()
                .insert(r.header.start, i);
        }
    }
    for (id, format) in &scan.files {
        if !matches!(
            format,
            FileFormat::CloudformationYaml | FileFormat::CloudformationJson
        ) {
            continue;
        }
        let Some(file) = scan.sources.get(*id) else {
            continue;
        };
        let parsed =
            crate::parse::template_docs(&file.text, *id, *format == FileFormat::CloudformationJson);
        let Ok(roots) = parsed else { continue };
        let empty = HashMap::new();
        let resources = by_header.get(id).unwrap_or(&empty);
        for root in roots
            .iter()
            .filter(|r| crate::adapt::cloudformation::is_template(r))
        {
            docs.push(render::cloudformation(root, resources));
        }
    }
    let mut skipped = render::Skipped::default();
    match mapping::Mapping::builtin() {
        Ok(m) => docs.extend(render::terraform(&scan.model.resources, &m, &mut skipped)),
        Err(_) => {
            // The embedded mapping is tested; an error here would be a build defect.
        }
    }
    (docs, skipped)
}

/// Evaluates loaded rule files over the scan (see [`run`]).
pub fn evaluate(
    scan: &mut Scan,
    rules: &[RuleFile],
    catalog: &mut Catalog,
    keep: impl Fn(&Duty) -> bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    if rules.is_empty() {
        return outcome;
    }
    let (docs, skipped) = documents(scan);
    outcome.documents = docs.len();
    outcome.skipped_resources = skipped.types.values().sum();
    outcome.skipped_attributes = skipped.attributes;
    skipped_notices(scan, &skipped, outcome.skipped_resources);
    let texts: Vec<String> = docs.iter().map(|d| d.value.to_string()).collect();
    // (rule file, rule name) → duty index, registered on first use.
    let mut duty_index: HashMap<String, Option<usize>> = HashMap::new();
    // (resource, duty) → index in the checklist, for one entry per rule and resource.
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    let mut pending: BTreeMap<usize, Vec<DutyResult>> = BTreeMap::new();
    for rf in rules {
        let Some(text) = scan.sources.get(rf.file).map(|f| f.text.clone()) else {
            continue;
        };
        let failures = match run::evaluate(&text, &texts) {
            Ok(f) => f,
            Err(message) => {
                scan.model.errors.push(ToolError {
                    span: Span::file_start(rf.file),
                    code: "guard-error",
                    message,
                    related: None,
                });
                continue;
            }
        };
        outcome.rule_files += 1;
        for f in failures {
            let Some(doc) = docs.get(f.doc) else { continue };
            let Some((res, span, unresolved)) = doc.locate(&f.path) else {
                continue;
            };
            let id = format!("guard/{}", f.rule);
            let di = *duty_index.entry(id.clone()).or_insert_with(|| {
                let duty = make_duty(&id, &f, rf);
                if !keep(&duty) {
                    return None;
                }
                catalog.duties.push(duty);
                Some(catalog.duties.len() - 1)
            });
            let Some(di) = di else { continue };
            let (verdict, message) = failure_message(&f, rf, unresolved);
            if let Some(&k) = seen.get(&(res, di)) {
                // One entry per rule and resource: the first failure, with a count of the rest.
                if let Some(entry) = pending.get_mut(&res).and_then(|v| v.get_mut(k)) {
                    if entry.verdict == Verdict::Unverified && verdict == Verdict::Unaddressed {
                        *entry = DutyResult {
                            duty: di,
                            verdict,
                            span,
                            message,
                            evidence: Vec::new(),
                            basis: Basis::of_verdict(verdict),
                            secret: None,
                            related: Vec::new(),
                        };
                    }
                }
                continue;
            }
            let list = pending.entry(res).or_default();
            seen.insert((res, di), list.len());
            list.push(DutyResult {
                duty: di,
                verdict,
                span,
                message,
                evidence: Vec::new(),
                basis: Basis::of_verdict(verdict),
                secret: None,
                related: Vec::new(),
            });
        }
    }
    // Suppressions, then into the checklists.
    for (res, results) in pending {
        let Some(resource) = scan.model.resources.get(res) else {
            continue;
        };
        for mut r in results {
            if let Some(duty) = catalog.duties.get(r.duty) {
                if let Some(s) = resource
                    .suppressions
                    .iter()
                    .find(|s| s.duty == duty.id || s.duty == duty.slug)
                {
                    r.message = format!("suppressed ({}): {}", s.reason, r.message);
                    r.verdict = Verdict::Suppressed;
                    r.basis = Basis::Suppressed;
                    scan.unused_suppressions
                        .retain(|u| !(u.span == s.span && u.duty == s.duty));
                }
            }
            if let Some(rr) = scan.results.iter_mut().find(|rr| rr.resource == res) {
                rr.checklist.push(r);
                outcome.findings += 1;
            }
        }
    }
    outcome
}

/// Notices for the Terraform resources and attributes Guard could not see.
fn skipped_notices(scan: &mut Scan, skipped: &render::Skipped, resources: usize) {
    if let Some(first) = skipped.first {
        let types: Vec<String> = skipped
            .types
            .iter()
            .map(|(t, n)| format!("{t} ({n})"))
            .collect();
        scan.model.notices.push(Notice::not_checked(
            first,
            format!(
                "Guard rules: {} Terraform resource(s) of types without a CloudFormation mapping were not checked: {}",
                resources,
                types.join(", ")
            ),
        ));
    }
    if skipped.attributes > 0 {
        if let Some(r) = scan
            .model
            .resources
            .iter()
            .find(|r| r.lang == Lang::Terraform)
        {
            scan.model.notices.push(Notice::info(
                r.header,
                format!(
                    "Guard rules: {} Terraform attribute(s) without a CloudFormation mapping were left out of the rendered resources",
                    skipped.attributes
                ),
            ));
        }
    }
}

/// The verdict and message of one Guard failure: unverified when the failing value rests on
/// something srm-lint could not resolve.
fn failure_message(
    f: &run::Failure,
    rf: &RuleFile,
    unresolved: Option<String>,
) -> (Verdict, String) {
    let property = property_of(&f.path);
    let detail = match (&f.missing, &f.found) {
        (Some(q), _) => format!("`{}` is not set", join_prop(&property, q)),
        (None, Some(v)) => format!("`{property}` is {v}"),
        (None, None) if !property.is_empty() => format!("`{property}` fails the check"),
        _ => "the resource fails the check".to_string(),
    };
    let clause = f.clause.split_whitespace().collect::<Vec<_>>().join(" ");
    let detail = if clause.is_empty() {
        detail
    } else {
        format!("{detail} (Guard: {clause})")
    };
    // The custom message without its `[FIX]` part (that is the duty's fix text).
    let head = f
        .custom
        .as_deref()
        .map(|c| {
            c.split("[FIX]")
                .next()
                .unwrap_or(c)
                .trim()
                .trim_end_matches(['.', ':'])
        })
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("Guard rule `{}` ({}) fails", f.rule, rf.display));
    match unresolved {
        Some(why) => (Verdict::Unverified, format!("{head}: {detail}; {why}")),
        None => (Verdict::Unaddressed, format!("{head}: {detail}")),
    }
}

/// `/Resources/X/Properties/A/B/0` → `A.B[0]`.
fn property_of(path: &str) -> String {
    let mut out = String::new();
    for seg in path.split('/').filter(|s| !s.is_empty()).skip(3) {
        if seg.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn join_prop(base: &str, rest: &str) -> String {
    if base.is_empty() {
        rest.to_string()
    } else {
        format!("{base}.{rest}")
    }
}

/// The synthetic duty of a Guard rule.
fn make_duty(id: &str, f: &run::Failure, rf: &RuleFile) -> Duty {
    let custom = f.custom.clone().unwrap_or_default();
    // Control Tower style: `[CT.S3.PR.11]: Require … [FIX]: Set …`.
    let (title, fix) = match custom.split_once("[FIX]:") {
        Some((t, fix)) => (t.trim().to_string(), fix.trim().to_string()),
        None => (custom.trim().to_string(), String::new()),
    };
    let title = if title.is_empty() {
        format!("Guard rule `{}` passes", f.rule)
    } else {
        title
    };
    Duty {
        id: id.to_string(),
        slug: format!("guard-{}", f.rule),
        title: title.clone(),
        resources: Vec::new(),
        layer: rf.layer,
        control: Control::Customer,
        severity: rf.severity,
        proof: Proof::Iac,
        since: env!("CARGO_PKG_VERSION").to_string(),
        status: "stable".to_string(),
        default: String::new(),
        summary: format!(
            "CloudFormation Guard rule `{}` from {}: {title}",
            f.rule, rf.display
        ),
        why: format!(
            "Your organisation's Guard rule `{}` ({}) requires it.",
            f.rule, rf.display
        ),
        fix: if fix.is_empty() {
            format!(
                "Change the resource so that Guard rule `{}` passes.",
                f.rule
            )
        } else {
            fix
        },
        references: References::default(),
        terraform: None,
        cloudformation: None,
        examples: Vec::new(),
        source: rf.display.clone(),
        lazy: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_paths_read_like_cloudformation() {
        assert_eq!(
            property_of("/Resources/B/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/BucketKeyEnabled"),
            "BucketEncryption.ServerSideEncryptionConfiguration[0].BucketKeyEnabled"
        );
        assert_eq!(property_of("/Resources/B/Properties"), "");
    }

    #[test]
    fn directives_set_severity_and_layer() {
        let (s, l) = directives("# srm-lint: severity=high layer=network\nrule x {}\n");
        assert_eq!(s, Severity::High);
        assert_eq!(l, Layer::Network);
        assert_eq!(directives("rule x {}").0, Severity::Medium);
    }
}
