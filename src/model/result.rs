//! The outcome of evaluation: one checklist per resource, each entry a duty's verdict with where
//! it points and why. The evaluator produces these; reports read them.

use super::Category;
use crate::source::Span;

/// The verdict of one duty on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The code does not address the duty.
    Unaddressed,
    /// srm-lint cannot tell: a value it needs is unknown.
    Unverified,
    /// IaC cannot prove the duty; someone must attest it.
    Attestation,
    /// An attestation record covers the duty.
    Attested,
    /// An in-code suppression with a reason silences the finding.
    Suppressed,
    /// The code addresses the duty.
    Addressed,
}

impl Verdict {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Addressed => "addressed",
            Verdict::Unaddressed => "unaddressed",
            Verdict::Unverified => "unverified",
            Verdict::Attestation => "attestation",
            Verdict::Attested => "attested",
            Verdict::Suppressed => "suppressed",
        }
    }

    /// Every verdict, in report order.
    pub const ALL: [Verdict; 6] = [
        Verdict::Unaddressed,
        Verdict::Unverified,
        Verdict::Attestation,
        Verdict::Attested,
        Verdict::Suppressed,
        Verdict::Addressed,
    ];
}

/// What a verdict rests on (JSON `basis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A value written in the resource itself.
    Code,
    /// A companion resource (a policy, a public access block, a rule) that refers to it.
    Companion,
    /// Nothing written: what AWS does when the setting (or companion) is absent decided it.
    Default,
    /// An account-level setting in the same Terraform root or template
    /// (`aws_ebs_encryption_by_default`, `aws_s3_account_public_access_block`, …).
    Account,
    /// A value srm-lint cannot resolve (the verdict is `unverified`).
    Unknown,
    /// The default of a CloudFormation parameter that a deployment may override (the verdict
    /// is `unverified`).
    ParameterDefault,
    /// IaC cannot prove the duty: it rests on a person's attestation, none recorded yet.
    Attestation,
    /// An attestation record.
    Attested,
    /// A suppression (in the code, or a baseline).
    Suppressed,
}

/// The end of every reason given for a value that rests on an overridable parameter default
/// (the evaluator tells the `parameter-default` basis by it).
pub const OVERRIDABLE_DEFAULT: &str = "a deployment may override it";

/// Why a value that rests on parameter `name`'s default (`raw`) is not a fact.
pub fn parameter_default_reason(name: &str, raw: &str) -> String {
    format!("it rests on the default of parameter `{name}` ({raw:?}); {OVERRIDABLE_DEFAULT}")
}

impl Basis {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Code => "code",
            Basis::Companion => "companion",
            Basis::Default => "default",
            Basis::Account => "account",
            Basis::Unknown => "unknown",
            Basis::ParameterDefault => "parameter-default",
            Basis::Attestation => "attestation",
            Basis::Attested => "attested",
            Basis::Suppressed => "suppressed",
        }
    }

    /// The basis of an `unverified` verdict with `message`: `parameter-default` when it
    /// rests on an overridable parameter default, else `unknown`.
    pub fn of_unknown(message: &str) -> Basis {
        if message.contains(OVERRIDABLE_DEFAULT) {
            Basis::ParameterDefault
        } else {
            Basis::Unknown
        }
    }

    /// The basis of a verdict reached without the evaluator's account of it (user Guard rules):
    /// code for a finding, unknown for `unverified`.
    pub fn of_verdict(v: Verdict) -> Basis {
        match v {
            Verdict::Unverified => Basis::Unknown,
            Verdict::Attestation => Basis::Attestation,
            Verdict::Attested => Basis::Attested,
            Verdict::Suppressed => Basis::Suppressed,
            Verdict::Addressed | Verdict::Unaddressed => Basis::Code,
        }
    }
}

/// One checklist entry.
#[derive(Debug, Clone)]
pub struct DutyResult {
    /// Index of the duty in the catalog's list of duties.
    pub duty: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Where: the wrong attribute, the resource header when something is missing, or the
    /// evidence when addressed.
    pub span: Span,
    /// What srm-lint found.
    pub message: String,
    /// Where the evidence is (for `addressed`).
    pub evidence: Vec<Span>,
    /// What the verdict rests on.
    pub basis: Basis,
    /// A credential the finding is about (see [`Secret`]); `None` once the scan masked it.
    pub secret: Option<Box<Secret>>,
    /// Places the message names (where an unresolved variable is declared); the report
    /// renders them.
    pub related: Vec<super::Related>,
}

/// A credential found in the code (`no_secrets`): kept only until the scan has pointed the
/// finding at it and masked it in the source text (never reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    /// What kind of credential (`an AWS access key id`).
    pub what: &'static str,
    /// The secret as written (decoded when the value was base64).
    pub raw: String,
    /// The value it is in.
    pub span: Span,
    /// Whether it was found in base64-decoded data (so not in the source as written).
    pub encoded: bool,
    /// The other credentials found in the same value (masked as well, not reported).
    pub also: Vec<String>,
    /// Whether the finding is about this credential (else it is only masked: the finding is
    /// about something else written beside it).
    pub locate: bool,
}

/// A resource with its checklist.
#[derive(Debug, Clone)]
pub struct ResourceResult {
    /// Index into the model's resources.
    pub resource: usize,
    /// Service id (`s3`), or `None` for a type the catalog does not know.
    pub service: Option<String>,
    /// Resource kind id.
    pub kind: Option<String>,
    /// SRM category.
    pub category: Option<Category>,
    /// The checklist, in duty id order.
    pub checklist: Vec<DutyResult>,
}

/// A suppression that silenced nothing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnusedSuppression {
    /// Where it is written.
    pub span: Span,
    /// The duty it names.
    pub duty: String,
}
