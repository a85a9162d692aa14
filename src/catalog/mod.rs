//! The responsibility catalog, loaded from the TOML files in `policies/` (embedded at build time;
//! more directories can be added at run time).
//!
//! `policies/<service>/service.toml` declares a service: its category, what AWS keeps, the
//! resource kinds with their Terraform and CloudFormation types, and the relations between a
//! resource and its companion resources. Every other `policies/<service>/*.toml` file is one duty.
//! The format is documented in `policies/README.md`.

mod predicate;

pub use predicate::{Absent, Lit, Pred, Quant, Shape, Test};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/policies.rs"));
}

pub use crate::model::Category;

/// The layer of the customer's side a duty belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// Customer data: classification, public exposure of data.
    CustomerData,
    /// Identity and access management.
    Iam,
    /// Guest operating system: patching, hardening, instance metadata.
    GuestOs,
    /// Network and firewall configuration.
    Network,
    /// Encryption at rest.
    EncryptionAtRest,
    /// Encryption in transit.
    EncryptionInTransit,
    /// Logging and monitoring.
    Logging,
    /// Resilience: backups, versioning, deletion protection.
    Resilience,
}

/// Control kind of the customer's part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    /// Only the customer can own it.
    Customer,
    /// Both sides own a part, each in its own layer.
    Shared,
}

/// How bad an unaddressed duty is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// How far IaC can prove the duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Proof {
    /// The code fully decides it.
    Iac,
    /// The code can only support it; a person must attest the rest.
    Attestation,
}

/// A service file (`policies/<service>/service.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Short service id (`s3`).
    pub id: String,
    /// Display name (`Amazon S3`).
    pub name: String,
    /// SRM category.
    pub category: Category,
    /// What AWS keeps for this service (inherited controls and AWS's half of shared ones).
    pub aws_responsibilities: Vec<String>,
    /// Resource kinds of this service.
    #[serde(default, rename = "resource")]
    pub resources: Vec<ResourceKind>,
    /// Companion relations.
    #[serde(default, rename = "relation")]
    pub relations: Vec<Relation>,
}

/// A resource kind and the native types that declare it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceKind {
    /// Kind id (`s3-bucket`), referenced by duties.
    pub kind: String,
    /// Display title.
    pub title: String,
    /// Terraform resource types.
    #[serde(default)]
    pub terraform: Vec<String>,
    /// CloudFormation (and SAM) resource types.
    #[serde(default)]
    pub cloudformation: Vec<String>,
    /// Category override for this kind (defaults to the service's).
    #[serde(default)]
    pub category: Option<Category>,
}

/// How a companion resource is tied to its subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// Relation name, used by duties (`versioning`).
    pub name: String,
    /// The subject's resource kind.
    pub subject: String,
    /// Companion resource types (native, any language).
    pub companion: Vec<String>,
    /// Attribute path in the companion that references the subject (`bucket`, `Bucket`).
    #[serde(default)]
    pub via: Option<String>,
    /// Attribute path in the subject that references the companion (`DBClusterIdentifier`).
    #[serde(default)]
    pub from_subject: Option<String>,
    /// Only companions for which this holds count (e.g. `type = "ingress"`).
    #[serde(default, rename = "where")]
    pub filter: Option<Pred>,
    /// Also join when the companion's `via` value equals this attribute of the subject as a
    /// literal (e.g. an S3 bucket name written twice).
    #[serde(default)]
    pub by_name: Option<String>,
}

/// References to equivalent checks elsewhere.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct References {
    /// AWS Security Hub control ids.
    #[serde(default)]
    pub security_hub: Vec<String>,
    /// checkov check ids.
    #[serde(default)]
    pub checkov: Vec<String>,
    /// trivy / tfsec AVD ids.
    #[serde(default)]
    pub trivy: Vec<String>,
    /// Documentation links.
    #[serde(default)]
    pub links: Vec<String>,
    /// How a referenced peer check differs from the duty, when it does not check exactly the
    /// same thing (shown in the docs beside the references).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub differences: String,
}

/// The evidence for one language.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The duty applies only when this holds (e.g. symmetric keys for rotation).
    #[serde(default)]
    pub when: Option<Box<Pred>>,
    /// What addresses the duty.
    #[serde(default)]
    pub require: Option<Box<Pred>>,
    /// For attestation duties: code that supports (but does not prove) the duty.
    #[serde(default)]
    pub support: Option<Box<Pred>>,
}

/// A good or bad example, run as a test.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// `terraform` or `cloudformation`.
    pub format: String,
    /// The verdict this duty must get on the example's first resource of the duty's kind.
    pub verdict: String,
    /// Expected `line:col` of the finding (or of the evidence for `addressed`).
    #[serde(default)]
    pub at: Option<String>,
    /// Address / logical id of the resource the expectation is about (default: the only one).
    #[serde(default)]
    pub resource: Option<String>,
    /// The code.
    pub code: String,
}

/// A customer duty.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    /// Stable id (`SRM-S3-001`), never reused.
    pub id: String,
    /// Kebab-case name describing the unaddressed state (`s3-bucket-versioning-disabled`).
    pub slug: String,
    /// What the customer must do, as a short sentence.
    pub title: String,
    /// Resource kinds the duty applies to.
    pub resources: Vec<String>,
    /// Customer layer.
    pub layer: Layer,
    /// Control kind.
    pub control: Control,
    /// Severity when unaddressed.
    pub severity: Severity,
    /// Whether IaC can prove it.
    #[serde(default = "default_proof")]
    pub proof: Proof,
    /// Version that introduced the duty.
    pub since: String,
    /// `stable`, `preview` or `deprecated`.
    #[serde(default = "default_status")]
    pub status: String,
    /// What AWS does when nothing is written.
    pub default: String,
    /// What the duty is.
    pub summary: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Equivalent ids elsewhere.
    #[serde(default)]
    pub references: References,
    /// Terraform evidence.
    #[serde(default)]
    pub terraform: Option<Evidence>,
    /// CloudFormation evidence.
    #[serde(default)]
    pub cloudformation: Option<Evidence>,
    /// Examples, run as tests.
    #[serde(default, rename = "example")]
    pub examples: Vec<Example>,
    /// Path of the policy file (filled by the loader).
    #[serde(skip_deserializing, default)]
    pub source: String,
}

fn default_proof() -> Proof {
    Proof::Iac
}
fn default_status() -> String {
    "stable".to_string()
}

impl Duty {
    /// The evidence for a language.
    pub fn evidence(&self, lang: crate::model::Lang) -> Option<&Evidence> {
        match lang {
            crate::model::Lang::Terraform => self.terraform.as_ref(),
            crate::model::Lang::Cloudformation => self.cloudformation.as_ref(),
        }
    }

    /// The documentation page URL of this duty.
    pub fn help_uri(&self) -> String {
        format!("{DOCS_BASE}/{}.md", self.id)
    }
}

/// Where duty documentation pages live.
pub const DOCS_BASE: &str = "https://github.com/srm-lint/srm-lint/blob/main/docs/duties";

/// An error in a policy file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CatalogError {
    /// The policy file.
    pub path: String,
    /// What is wrong (TOML errors include line and column).
    pub message: String,
}

/// A policy file's content: TOML as written, or (built-in files) converted to JSON at build time.
enum PolicyText {
    Toml(String),
    Json(&'static str),
}

/// The loaded catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Services by id.
    pub services: BTreeMap<String, Service>,
    /// Duties, sorted by id.
    pub duties: Vec<Duty>,
    /// Native type → (service id, kind index).
    type_index: foldhash::HashMap<String, (String, usize)>,
}

/// What the catalog knows about a native resource type.
#[derive(Debug, Clone, Copy)]
pub struct TypeInfo<'a> {
    /// The service.
    pub service: &'a Service,
    /// The resource kind.
    pub kind: &'a ResourceKind,
}

impl TypeInfo<'_> {
    /// The effective category.
    pub fn category(&self) -> Category {
        self.kind.category.unwrap_or(self.service.category)
    }
}

impl Catalog {
    /// The catalog built into the binary.
    pub fn builtin() -> Result<Catalog, Vec<CatalogError>> {
        Catalog::build(Catalog::embedded())
    }

    /// The built-in catalog plus more policy files, `(path, TOML content)` (a configuration's
    /// policy directories).
    pub fn builtin_with(extra: Vec<(String, String)>) -> Result<Catalog, Vec<CatalogError>> {
        let mut files = Catalog::embedded();
        files.extend(extra.into_iter().map(|(p, t)| (p, PolicyText::Toml(t))));
        Catalog::build(files)
    }

    /// The policy files built into the binary (converted to JSON at build time where they
    /// parsed; see `build.rs`).
    fn embedded() -> Vec<(String, PolicyText)> {
        embedded::EMBEDDED
            .iter()
            .map(|&(p, c, json)| {
                let text = if json {
                    PolicyText::Json(c)
                } else {
                    PolicyText::Toml(c.to_string())
                };
                (format!("policies/{p}"), text)
            })
            .collect()
    }

    /// Keeps only the duties for which `keep` holds (configuration `select`/`ignore`).
    pub fn retain_duties(&mut self, keep: impl Fn(&Duty) -> bool) {
        self.duties.retain(|d| keep(d));
    }

    /// Builds a catalog from `(path, TOML content)` pairs; `service.toml` files declare services,
    /// every other file is a duty.
    pub fn from_files(files: Vec<(String, String)>) -> Result<Catalog, Vec<CatalogError>> {
        Catalog::build(
            files
                .into_iter()
                .map(|(p, t)| (p, PolicyText::Toml(t)))
                .collect(),
        )
    }

    fn build(files: Vec<(String, PolicyText)>) -> Result<Catalog, Vec<CatalogError>> {
        let mut cat = Catalog::default();
        let mut errors = Vec::new();
        enum Parsed {
            Service(Result<Service, String>),
            Duty(Result<Box<Duty>, String>),
            Other,
        }
        fn parse<T: serde::de::DeserializeOwned>(text: &PolicyText) -> Result<T, String> {
            match text {
                PolicyText::Toml(t) => toml::from_str(t).map_err(|e| e.to_string()),
                PolicyText::Json(j) => serde_json::from_str(j).map_err(|e| e.to_string()),
            }
        }
        let parsed: Vec<(String, Parsed)> = files
            .into_iter()
            .map(|(path, text)| {
                let p = if path.ends_with("/service.toml") || path == "service.toml" {
                    Parsed::Service(parse::<Service>(&text))
                } else if path.ends_with(".toml") {
                    Parsed::Duty(parse::<Duty>(&text).map(Box::new))
                } else {
                    Parsed::Other
                };
                (path, p)
            })
            .collect();
        for (path, p) in parsed {
            match p {
                Parsed::Service(Ok(s)) => {
                    if cat.services.contains_key(&s.id) {
                        errors.push(CatalogError {
                            path: path.clone(),
                            message: format!("service `{}` is declared twice", s.id),
                        });
                    }
                    cat.services.insert(s.id.clone(), s);
                }
                Parsed::Duty(Ok(mut d)) => {
                    d.source = path;
                    cat.duties.push(*d);
                }
                Parsed::Service(Err(message)) | Parsed::Duty(Err(message)) => {
                    errors.push(CatalogError { path, message })
                }
                Parsed::Other => {}
            }
        }
        cat.duties.sort_by(|a, b| a.id.cmp(&b.id));
        errors.extend(cat.index());
        if errors.is_empty() {
            Ok(cat)
        } else {
            Err(errors)
        }
    }

    /// Adds the policy files of a directory (for `extra policy directories`).
    pub fn load_dir(dir: &std::path::Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for entry in ignore::WalkBuilder::new(dir)
            .hidden(false)
            .build()
            .flatten()
        {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "toml") {
                if let Ok(c) = std::fs::read_to_string(p) {
                    out.push((p.to_string_lossy().replace('\\', "/"), c));
                }
            }
        }
        out.sort();
        out
    }

    fn index(&mut self) -> Vec<CatalogError> {
        let mut errors = Vec::new();
        self.type_index.clear();
        let mut kinds = BTreeMap::new();
        for (sid, s) in &self.services {
            for (i, k) in s.resources.iter().enumerate() {
                kinds.insert(k.kind.clone(), sid.clone());
                for t in k.terraform.iter().chain(&k.cloudformation) {
                    if self
                        .type_index
                        .insert(t.clone(), (sid.clone(), i))
                        .is_some()
                    {
                        errors.push(CatalogError {
                            path: format!("policies/{sid}/service.toml"),
                            message: format!("resource type `{t}` is declared twice"),
                        });
                    }
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            for r in &s.relations {
                if !seen.insert((r.subject.as_str(), r.name.as_str())) {
                    errors.push(CatalogError {
                        path: format!("policies/{sid}/service.toml"),
                        message: format!(
                            "relation `{}` of `{}` is declared twice",
                            r.name, r.subject
                        ),
                    });
                }
                if r.via.is_none() && r.from_subject.is_none() {
                    errors.push(CatalogError {
                        path: format!("policies/{sid}/service.toml"),
                        message: format!("relation `{}` needs `via` or `from_subject`", r.name),
                    });
                }
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        let mut slugs = std::collections::BTreeSet::new();
        for d in &self.duties {
            if !ids.insert(d.id.clone()) {
                errors.push(CatalogError {
                    path: d.source.clone(),
                    message: format!("duty id `{}` is used twice", d.id),
                });
            }
            if !slugs.insert(d.slug.clone()) {
                errors.push(CatalogError {
                    path: d.source.clone(),
                    message: format!("duty slug `{}` is used twice", d.slug),
                });
            }
            let rel_ok = |name: &str| {
                d.resources.iter().any(|k| {
                    self.services
                        .values()
                        .flat_map(|s| s.relations.iter())
                        .any(|r| r.subject == *k && r.name == name)
                })
            };
            for (lang, ev) in [
                ("terraform", &d.terraform),
                ("cloudformation", &d.cloudformation),
            ] {
                let Some(ev) = ev else { continue };
                for (part, p) in [
                    ("when", &ev.when),
                    ("require", &ev.require),
                    ("support", &ev.support),
                ] {
                    if let Some(p) = p {
                        for problem in p.validate(&rel_ok) {
                            errors.push(CatalogError {
                                path: d.source.clone(),
                                message: format!("[{lang}.{part}]: {problem}"),
                            });
                        }
                    }
                }
            }
            for ex in &d.examples {
                if !matches!(ex.format.as_str(), "terraform" | "cloudformation") {
                    errors.push(CatalogError {
                        path: d.source.clone(),
                        message: format!(
                            "example format `{}` is not terraform or cloudformation",
                            ex.format
                        ),
                    });
                }
                if !matches!(
                    ex.verdict.as_str(),
                    "addressed" | "unaddressed" | "unverified" | "attestation"
                ) {
                    errors.push(CatalogError { path: d.source.clone(), message: format!("example verdict `{}` is not addressed, unaddressed, unverified or attestation", ex.verdict) });
                }
            }
            for k in &d.resources {
                if !kinds.contains_key(k) {
                    errors.push(CatalogError {
                        path: d.source.clone(),
                        message: format!("unknown resource kind `{k}`"),
                    });
                }
            }
        }
        errors
    }

    /// What the catalog knows about a native type.
    pub fn type_info(&self, rtype: &str) -> Option<TypeInfo<'_>> {
        let (sid, i) = self.type_index.get(rtype)?;
        let service = self.services.get(sid)?;
        let kind = service.resources.get(*i)?;
        Some(TypeInfo { service, kind })
    }

    /// The duties that apply to a resource kind, in id order.
    pub fn duties_for<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Duty> + 'a {
        self.duties
            .iter()
            .filter(move |d| d.status != "deprecated" && d.resources.iter().any(|k| k == kind))
    }

    /// A duty by id or slug.
    pub fn duty(&self, id: &str) -> Option<&Duty> {
        // Duties are kept sorted by id; the scan covers slugs (and any unsorted addition).
        if let Ok(i) = self.duties.binary_search_by(|d| d.id.as_str().cmp(id)) {
            return self.duties.get(i);
        }
        self.duties.iter().find(|d| d.id == id || d.slug == id)
    }

    /// A relation by name for a subject kind.
    pub fn relation(&self, subject: &str, name: &str) -> Option<&Relation> {
        self.services
            .values()
            .flat_map(|s| s.relations.iter())
            .find(|r| r.subject == subject && r.name == name)
    }

    /// Every relation (for building the companion index).
    pub fn relations(&self) -> impl Iterator<Item = &Relation> {
        self.services.values().flat_map(|s| s.relations.iter())
    }
}
