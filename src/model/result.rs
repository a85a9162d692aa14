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
