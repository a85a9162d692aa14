//! The responsibility catalog, loaded from the TOML files in `policies/` (embedded at build time;
//! more directories can be added at run time).
//!
//! `policies/<service>/service.toml` declares a service: its category, what AWS keeps, the
//! resource kinds with their Terraform and CloudFormation types, and the relations between a
//! resource and its companion resources. Every other `policies/<service>/*.toml` file is one duty.
//! The format is documented in `policies/README.md`.

mod lifecycle;
mod load;
mod predicate;
pub use lifecycle::{Dates, Judged, Lifecycle};
pub use load::LazyEvidence;
use load::PolicyText;
pub use predicate::{Absent, Lit, Memo, Pred, Quant, Shape, StrSet, Test};

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

impl Layer {
    /// The name used in every output (kebab-case, as in the JSON contract).
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::CustomerData => "customer-data",
            Layer::Iam => "iam",
            Layer::GuestOs => "guest-os",
            Layer::Network => "network",
            Layer::EncryptionAtRest => "encryption-at-rest",
            Layer::EncryptionInTransit => "encryption-in-transit",
            Layer::Logging => "logging",
            Layer::Resilience => "resilience",
        }
    }

    /// Every layer, in the order of the model's chart (data at the top).
    pub const ALL: [Layer; 8] = [
        Layer::CustomerData,
        Layer::Iam,
        Layer::GuestOs,
        Layer::Network,
        Layer::EncryptionAtRest,
        Layer::EncryptionInTransit,
        Layer::Logging,
        Layer::Resilience,
    ];
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

impl Control {
    /// The name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Control::Customer => "customer",
            Control::Shared => "shared",
        }
    }
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
    /// An account-level setting (`aws_ebs_encryption_by_default`): every companion in the
    /// subject's scope (its Terraform root or template) is its companion, with no reference
    /// between them; a verdict it decides has basis `account`.
    #[serde(default)]
    pub account: bool,
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
    /// The run's date (`YYYY-MM-DD`) the example is judged on (default: the harness's date).
    #[serde(default)]
    pub date: Option<String>,
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
    /// A built-in duty's evidence read when first needed ([`Catalog::builtin_for_scan`]).
    #[serde(skip)]
    pub lazy: Option<LazyEvidence>,
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
        let (tf, cfn) = match &self.lazy {
            Some(l) => {
                let e = l.get();
                (&e.terraform, &e.cloudformation)
            }
            None => (&self.terraform, &self.cloudformation),
        };
        match lang {
            crate::model::Lang::Terraform => tf.as_ref(),
            crate::model::Lang::Cloudformation => cfn.as_ref(),
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

/// The loaded catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Services by id.
    pub services: BTreeMap<String, Service>,
    /// Duties, sorted by id.
    pub duties: Vec<Duty>,
    /// Native type → (service id, kind index).
    type_index: foldhash::HashMap<String, (String, usize)>,
    /// The type table: read from TOML when the catalog is built (its errors are the
    /// catalog's), built in as JSON and then read on first use (most small runs never need it).
    types: LazyTypes,
    /// Native type → the resource kinds it is a companion of (evidence for their duties).
    companion_of: foldhash::HashMap<String, Vec<String>>,
    /// Dated lifecycles by id (`policies/lifecycles/`), for `supported_on` tests.
    pub lifecycles: BTreeMap<String, Lifecycle>,
}

/// A service of the generated type table: every native type it has, with or without duties.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexedService {
    /// Service id (the catalog's id where the catalog has the service).
    pub id: String,
    /// Display name.
    pub name: String,
    /// SRM category.
    pub category: Category,
    /// What AWS keeps.
    #[serde(default)]
    pub aws_responsibilities: Vec<String>,
    /// CloudFormation types.
    #[serde(default)]
    pub cloudformation: Vec<String>,
    /// Terraform types.
    #[serde(default)]
    pub terraform: Vec<String>,
}

/// The generated type table (`policies/types.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypeTable {
    #[serde(default)]
    pub service: Vec<IndexedService>,
}

/// The type table, indexed once it is read.
#[derive(Debug, Clone, Default)]
pub(crate) struct TypeIndex {
    /// Services by id.
    pub services: BTreeMap<String, IndexedService>,
    /// Native type → service id.
    pub by_type: foldhash::HashMap<String, String>,
}

impl TypeIndex {
    pub(crate) fn add(&mut self, table: TypeTable) {
        for svc in table.service {
            for t in svc.terraform.iter().chain(&svc.cloudformation) {
                self.by_type
                    .entry(t.clone())
                    .or_insert_with(|| svc.id.clone());
            }
            self.services.insert(svc.id.clone(), svc);
        }
    }
}

/// The type table, and the built-in one not read yet.
#[derive(Debug, Clone, Default)]
pub(crate) struct LazyTypes {
    /// Tables read when the catalog was built (policy directories).
    pub read: TypeIndex,
    /// The built-in table as JSON, read on first use into `index`.
    pub pending: Vec<&'static str>,
    pub index: std::sync::OnceLock<TypeIndex>,
}

/// What a native resource type is to the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A resource kind with a checklist of its own.
    Checked,
    /// Evidence for other resources' duties (a bucket policy, a security group rule), no
    /// checklist of its own.
    Companion,
    /// A known AWS type of a known service, with no customer duty beyond its service's.
    Identified,
    /// Not a type the catalog or the type table knows.
    Unknown,
}

impl Role {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Checked => "checked",
            Role::Companion => "companion",
            Role::Identified => "identified",
            Role::Unknown => "unknown",
        }
    }
}

/// What the catalog says about a native type: its role, service and category.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// Checked, companion, identified or unknown.
    pub role: Role,
    /// Service id.
    pub service: Option<&'a str>,
    /// SRM category.
    pub category: Option<Category>,
    /// For a companion: the kinds it carries evidence for.
    pub of: &'a [String],
    /// What AWS keeps for the service.
    pub aws_responsibilities: &'a [String],
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
    /// What the catalog knows about a native type.
    pub fn type_info(&self, rtype: &str) -> Option<TypeInfo<'_>> {
        let (sid, i) = self.type_index.get(rtype)?;
        let service = self.services.get(sid)?;
        let kind = service.resources.get(*i)?;
        Some(TypeInfo { service, kind })
    }

    /// What `rtype` is to the catalog: a checked kind, a companion, an identified AWS type, or
    /// unknown.
    pub fn identify(&self, rtype: &str) -> Identity<'_> {
        let of = self.companion_of.get(rtype).map_or(&[][..], Vec::as_slice);
        if let Some(t) = self.type_info(rtype) {
            return Identity {
                role: Role::Checked,
                service: Some(t.service.id.as_str()),
                category: Some(t.category()),
                of,
                aws_responsibilities: t.service.aws_responsibilities.as_slice(),
            };
        }
        // Only types without a kind need the type table (read on first use).
        let index = self.type_index();
        let indexed = index
            .by_type
            .get(rtype)
            .and_then(|id| index.services.get(id));
        let (service, category, aws) = match indexed {
            Some(i) => {
                let catalog_side = self.services.get(&i.id);
                (
                    Some(i.id.as_str()),
                    Some(catalog_side.map_or(i.category, |s| s.category)),
                    catalog_side.map_or(i.aws_responsibilities.as_slice(), |s| {
                        s.aws_responsibilities.as_slice()
                    }),
                )
            }
            None => (None, None, &[][..]),
        };
        let role = if !of.is_empty() {
            Role::Companion
        } else if service.is_some() {
            Role::Identified
        } else {
            Role::Unknown
        };
        Identity {
            role,
            service,
            category,
            of,
            aws_responsibilities: aws,
        }
    }

    /// Every AWS service and its native types, generated from the CloudFormation registry and
    /// the Terraform AWS provider (`policies/types.toml`), by service id.
    pub fn identified(&self) -> &BTreeMap<String, IndexedService> {
        &self.type_index().services
    }

    fn type_index(&self) -> &TypeIndex {
        self.types.index.get_or_init(|| {
            let mut index = self.types.read.clone();
            for json in &self.types.pending {
                // The built-in table is checked when it is built (tests/catalog.rs reads it).
                if let Ok(t) = serde_json::from_str::<TypeTable>(json) {
                    index.add(t);
                }
            }
            index
        })
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
