//! The format-neutral model: resources with attribute values, spans and provenance.
//!
//! The Terraform and CloudFormation adapters fill it; the evaluator reads it. A value is either
//! known (with the span where the user wrote it), a reference to another resource, unknown (with
//! the reason), or a choice between several possible values (an unresolved conditional).

pub mod result;

mod values;
pub use values::{literal_says_more, number_text};

use crate::source::{FileId, Span};
use serde::{Deserialize, Serialize};

/// AWS service category in the Shared Responsibility Model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// IaaS: the customer runs the guest OS and network configuration.
    Infrastructure,
    /// Managed platform: AWS runs the OS and engine; the customer configures it.
    Container,
    /// Serverless: AWS runs everything up to the endpoint.
    Abstracted,
}

impl Category {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Infrastructure => "infrastructure",
            Category::Container => "container",
            Category::Abstracted => "abstracted",
        }
    }

    /// Every category, from the most the customer runs to the least.
    pub const ALL: [Category; 3] = [
        Category::Infrastructure,
        Category::Container,
        Category::Abstracted,
    ];
}

/// Which language a resource was declared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Terraform (HCL or JSON syntax).
    Terraform,
    /// CloudFormation / SAM / CDK output.
    Cloudformation,
}

impl Lang {
    /// The lowercase name used in policies and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Terraform => "terraform",
            Lang::Cloudformation => "cloudformation",
        }
    }
}

/// A value with the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    /// Where the value is written (for a value resolved through a variable or parameter, the
    /// place where it is used in the resource).
    pub span: Span,
    /// The value.
    pub kind: ValKind,
}

/// The content of a [`Val`].
#[derive(Debug, Clone, PartialEq)]
pub enum ValKind {
    /// Explicitly null / absent (`null`, `!Ref AWS::NoValue`). Treated as not set.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// A list (also used for repeated Terraform blocks).
    List(Vec<Val>),
    /// A map or block body, in source order.
    Map(Vec<Attr>),
    /// A reference to another resource (or one of its attributes): present, but its value is
    /// only known after deployment.
    Ref(Reference),
    /// A value srm-lint cannot resolve statically, and why.
    Unknown(Reason),
    /// One of several values, chosen by a condition srm-lint cannot resolve, or (with
    /// `scenarios`) by the deployment: each option is what one set of deployments gets.
    Choice {
        /// The condition, as written (for messages).
        condition: String,
        /// The possible values.
        options: Vec<Val>,
        /// Empty for an unresolved condition. Otherwise one entry per option: the deployments
        /// that get it (`parameter Encrypt is "false"`), every one of which is possible, so an
        /// option that fails is a finding rather than a doubt.
        scenarios: Vec<String>,
        /// With `scenarios`: for each option, the numbers of the scenarios that get it. Numbers
        /// are shared by every choice of one resource, so a duty can be evaluated scenario by
        /// scenario.
        members: Vec<Vec<u32>>,
    },
}

/// An attribute (or nested block) of a map.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// The attribute or block name.
    pub key: String,
    /// Span of the key (for a block, its header).
    pub key_span: Span,
    /// The value.
    pub value: Val,
}

/// A reference from a value to another resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    /// Address of the referenced resource (Terraform address or CloudFormation logical id).
    pub target: String,
    /// The attribute referred to (`id`, `arn`, `Arn`), if any.
    pub attribute: Option<String>,
}

impl Val {
    /// A value of `kind` at `span`.
    pub fn new(span: Span, kind: ValKind) -> Self {
        Val { span, kind }
    }

    /// An empty map at `span`.
    pub fn empty_map(span: Span) -> Self {
        Val::new(span, ValKind::Map(Vec::new()))
    }

    /// Whether this value counts as "not set".
    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValKind::Null)
    }

    /// The attributes of a map value (empty for anything else).
    pub fn attrs(&self) -> &[Attr] {
        match &self.kind {
            ValKind::Map(a) => a,
            _ => &[],
        }
    }

    /// The first attribute named `key` of a map value.
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs().iter().find(|a| a.key == key)
    }

    /// The value of the first attribute named `key` of a map value.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.attr(key).map(|a| &a.value)
    }

    /// The string content, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// Every reference to another resource found anywhere inside this value.
    pub fn references(&self) -> Vec<&Reference> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match &v.kind {
                ValKind::Ref(r) => out.push(r),
                ValKind::List(items) => stack.extend(items.iter()),
                ValKind::Map(attrs) => stack.extend(attrs.iter().map(|a| &a.value)),
                ValKind::Choice { options, .. } => stack.extend(options.iter()),
                _ => {}
            }
        }
        out
    }
}

/// An AWS resource found in the scanned code.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Terraform address (`aws_s3_bucket.logs`, `module.a.aws_s3_bucket.this`) or CloudFormation
    /// logical id.
    pub address: String,
    /// The native resource type (`aws_s3_bucket`, `AWS::S3::Bucket`).
    pub rtype: String,
    /// The language it was declared in.
    pub lang: Lang,
    /// Where references resolve: the root module directory (Terraform) or the template path
    /// (CloudFormation). Two resources relate only inside one scope.
    pub scope: String,
    /// The file that declares it.
    pub file: FileId,
    /// The span of the resource header (`resource "aws_s3_bucket" "logs"`, or the logical id key).
    pub header: Span,
    /// The resource's arguments / `Properties`.
    pub body: Val,
    /// CloudFormation `Condition` the resource depends on, if any.
    pub condition: Option<String>,
    /// Why the resource may not be created, when srm-lint cannot tell whether it is (a
    /// Terraform `count`/`for_each` or a CloudFormation condition it cannot resolve), phrased to
    /// follow the address ("exists only if …"). `None`: it exists whenever the code is
    /// deployed. A resource that may not exist is never proof for another (see `evaluate`).
    pub existence: Option<String>,
    /// CDK construct path (`Metadata: aws:cdk:path`), if any.
    pub construct_path: Option<String>,
    /// Extra facts for messages (e.g. the module call that instantiated the resource).
    pub notes: Vec<Note>,
    /// In-code suppressions attached to this resource.
    pub suppressions: Vec<Suppression>,
    /// Where values passed into a module came from: a span in the resource (a module input's
    /// use, or the attribute set from it) and the callers' arguments that gave the value, the
    /// nearest caller first. Empty outside modules.
    pub origins: Vec<(Span, Vec<Span>)>,
    /// The Terraform provider configuration that creates it (`None` in CloudFormation, where
    /// the stack's account and Region hold for every resource).
    pub provider: Option<ProviderConf>,
    /// Number literals in its code whose text says more than their value (`1.30`, read as the
    /// number 1.3), by span: a version judged as text reads what was written. Usually empty.
    pub literals: Vec<(Span, Box<str>)>,
}

/// A Terraform AWS provider configuration, as the root module names it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProviderConf {
    /// `aws`, `aws.west`, or a module's own configuration (`module.x.aws.y`).
    pub key: String,
    /// Its `region`, when the code fixes it.
    pub region: Option<String>,
    /// The settings that choose its credentials, as written (empty: the default ones).
    pub credentials: String,
}

impl ProviderConf {
    /// Whether two resources are known to be created in the same account and Region: the same
    /// configuration, or configurations with the same known Region and the same credential
    /// settings.
    pub fn same_place(&self, other: &ProviderConf) -> bool {
        self.key == other.key
            || (self.region.is_some()
                && self.region == other.region
                && self.credentials == other.credentials)
    }

    /// How messages name it: `provider aws.west (region "us-west-2")`.
    pub fn describe(&self) -> String {
        let region = match &self.region {
            Some(r) => format!("region \"{r}\""),
            None => "region not known".to_string(),
        };
        let credentials = if self.credentials.is_empty() {
            ""
        } else {
            ", credentials of its own"
        };
        format!("provider {} ({region}{credentials})", self.key)
    }
}

impl Resource {
    /// Frees the body (once evaluation is done, reports only need the header).
    pub fn release_body(&mut self) {
        self.body = Val {
            span: self.header,
            kind: ValKind::Null,
        };
        self.literals = Vec::new();
    }

    /// The text of the number literal at `span`, when it says more than the number (see
    /// [`Resource::literals`]).
    pub fn literal_at(&self, span: Span) -> Option<&str> {
        self.literals
            .iter()
            .find(|(s, _)| *s == span)
            .map(|(_, t)| &**t)
    }

    /// Every resource address this resource's arguments refer to.
    pub fn references(&self) -> Vec<&Reference> {
        self.body.references()
    }
}

/// An in-code suppression (`# srm-lint:ignore[ID] reason` or CloudFormation `Metadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The duty id (or slug) it silences.
    pub duty: String,
    /// The reason given.
    pub reason: String,
    /// Where the suppression is written.
    pub span: Span,
}

/// A problem with the input that stops srm-lint from reading some of it (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ToolError {
    /// The file (and place in it) the error is about.
    pub span: Span,
    /// A stable code (`parse-error`, `io-error`, `too-large`, …).
    pub code: &'static str,
    /// What is wrong (never a line number: a second place goes in `related`).
    pub message: String,
    /// A second place the error points to (the first of two duplicate keys).
    pub related: Option<Related>,
}

/// Why a value is unknown, with the places the reason names (where a variable is declared, the
/// module call that leaves it unset). It reads as its text; only the report renders the places.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reason {
    /// The reason, without line numbers.
    pub text: String,
    /// The places it names.
    pub related: Vec<Related>,
    /// For a string built from known and unknown parts, its known start and end (an ARN with
    /// an unknown account still starts with `arn:aws:iam::`): tests its value cannot pass are
    /// decided on them.
    pub known: Option<Box<KnownParts>>,
}

/// The known start and end of a string whose middle is not known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownParts {
    /// What the string starts with.
    pub prefix: String,
    /// What it ends with.
    pub suffix: String,
}

impl KnownParts {
    /// The known parts of `text` (known pieces concatenated, unknown ones left out), given
    /// where the first unknown piece was and where the last one ended; `None` when neither end
    /// is known.
    pub fn of(text: &str, first_gap: usize, last_gap_end: usize) -> Option<Box<KnownParts>> {
        let prefix = text.get(..first_gap).unwrap_or("").to_string();
        let suffix = text.get(last_gap_end..).unwrap_or("").to_string();
        (!prefix.is_empty() || !suffix.is_empty()).then(|| Box::new(KnownParts { prefix, suffix }))
    }

    /// Whether the string could be `text`.
    pub fn may_be(&self, text: &str) -> bool {
        text.len() >= self.prefix.len() + self.suffix.len()
            && text.starts_with(&self.prefix)
            && text.ends_with(&self.suffix)
    }

    /// "a string starting with "arn:aws:iam::" and ending with ":root"".
    pub fn describe(&self) -> String {
        match (self.prefix.is_empty(), self.suffix.is_empty()) {
            (false, false) => format!(
                "a string starting with {:?} and ending with {:?}",
                self.prefix, self.suffix
            ),
            (false, true) => format!("a string starting with {:?}", self.prefix),
            _ => format!("a string ending with {:?}", self.suffix),
        }
    }
}

impl Reason {
    /// A reason naming one place: `label` says what is at `span` (`variable declared`).
    pub fn naming(text: String, span: Span, label: &str) -> Reason {
        Reason {
            text,
            related: vec![Related {
                span,
                label: label.to_string(),
            }],
            known: None,
        }
    }
}

impl Reason {
    /// The reason `text` of a string built from pieces, `known` its known pieces concatenated,
    /// with where the first unknown piece was and where the last one ended.
    pub fn partly(
        text: Reason,
        known: &str,
        first_gap: Option<usize>,
        last_gap_end: usize,
    ) -> Reason {
        Reason {
            known: KnownParts::of(known, first_gap.unwrap_or(0), last_gap_end),
            ..text
        }
    }
}

impl From<String> for Reason {
    fn from(text: String) -> Reason {
        Reason {
            text,
            related: Vec::new(),
            known: None,
        }
    }
}

impl From<&str> for Reason {
    fn from(text: &str) -> Reason {
        Reason::from(text.to_string())
    }
}

impl From<Reason> for String {
    fn from(r: Reason) -> String {
        r.text
    }
}

impl std::ops::Deref for Reason {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl ToolError {
    /// An error at `span` that names no second place.
    pub fn new(span: Span, code: &'static str, message: String) -> ToolError {
        ToolError {
            span,
            code,
            message,
            related: None,
        }
    }
}

/// A second place a diagnostic points to. Only the report turns its span into a location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What is there, phrased to follow the diagnostic (`first written`).
    pub label: String,
}

/// A fact about a resource for its report entry, with the place it names if any (rendered
/// `TEXT at PATH:LINE:COL` by the report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The fact (`instantiated by module.logs`).
    pub text: String,
    /// The place it names (the module call).
    pub at: Option<Span>,
}

impl From<String> for Note {
    fn from(text: String) -> Note {
        Note { text, at: None }
    }
}

/// A note that is not an error (e.g. a remote module that was not followed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    /// Where it applies.
    pub span: Span,
    /// The text.
    pub message: String,
    /// What it says, for whoever acts on it without reading the text.
    pub kind: NoticeKind,
}

impl Notice {
    /// A notice that some resources are not checked.
    pub fn not_checked(span: Span, message: String) -> Notice {
        Notice {
            span,
            message,
            kind: NoticeKind::NotChecked,
        }
    }

    /// Any other notice.
    pub fn info(span: Span, message: String) -> Notice {
        Notice {
            span,
            message,
            kind: NoticeKind::Info,
        }
    }
}

/// What a notice says. Set where the notice is made; the JSON report's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    /// Some resources are not checked: a module or nested stack srm-lint does not fetch or
    /// cannot place, a Rain module, an unexpanded `Fn::ForEach`, Terraform resources Guard rules
    /// cannot see. `--fail-on unverified` counts each such notice.
    NotChecked,
    /// Anything else (a file that is not a template, a resource its condition does not create,
    /// a nested template checked under its parent, attributes Guard rules cannot see).
    Info,
    /// A suppression that silences nothing (the report's `unused_suppressions`).
    UnusedSuppression,
}

/// What an adapter produces for a set of files.
#[derive(Debug, Default, Clone)]
pub struct Model {
    /// The resources found.
    pub resources: Vec<Resource>,
    /// Errors in the input.
    pub errors: Vec<ToolError>,
    /// Informational notices.
    pub notices: Vec<Notice>,
    /// The resources' checklists, when the scan evaluated this model as soon as it was built
    /// (one [`ResourceResult`](result::ResourceResult) per resource, indexing
    /// `resources`; empty otherwise).
    pub results: Vec<result::ResourceResult>,
    /// With `results`: the suppressions that silenced nothing.
    pub unused_suppressions: Vec<result::UnusedSuppression>,
}

impl Model {
    /// Appends another model's content (its results re-indexed to follow this model's).
    pub fn extend(&mut self, mut other: Model) {
        if self.resources.is_empty() && self.results.is_empty() {
            // Nothing to re-index or copy after: take the other's resources and results whole.
            std::mem::swap(&mut self.resources, &mut other.resources);
            std::mem::swap(&mut self.results, &mut other.results);
        }
        let offset = self.resources.len();
        self.resources.extend(other.resources);
        self.errors.extend(other.errors);
        self.notices.extend(other.notices);
        self.results.extend(other.results.into_iter().map(|mut r| {
            r.resource += offset;
            r
        }));
        self.unused_suppressions.extend(other.unused_suppressions);
    }
}

/// Appends `models` to `into` in order, with room made once for all of them.
pub fn extend_all(into: &mut Model, models: Vec<Model>) {
    into.resources
        .reserve(models.iter().map(|m| m.resources.len()).sum());
    into.results
        .reserve(models.iter().map(|m| m.results.len()).sum());
    for m in models {
        into.extend(m);
    }
}

/// What the scan does with each self-contained unit of the model as soon as an adapter has
/// built it (Terraform root modules, a CloudFormation file: every scope in it complete), with
/// whether it may use every core: evaluate it and free the resource bodies while they are
/// still in cache, instead of holding the whole model until the end.
pub type UnitHook<'a> = dyn Fn(&mut Model, bool) + Sync + 'a;
