//! The one mapping from a finding's verdict and severity to how loud it is in every output.

use crate::evaluate::Verdict;

/// How loud a finding is in every output (SARIF level, GitHub command, terminal severity):
/// the one mapping from verdict and severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Critical and high findings.
    Error,
    /// Medium findings, and every unverified one.
    Warning,
    /// Low and informational findings.
    Note,
}

impl Level {
    /// The level of a finding of `severity` with `verdict`.
    pub fn of(verdict: Verdict, severity: crate::catalog::Severity) -> Level {
        use crate::catalog::Severity;
        match (verdict, severity) {
            (Verdict::Unverified, _) => Level::Warning,
            (_, Severity::Critical | Severity::High) => Level::Error,
            (_, Severity::Medium) => Level::Warning,
            _ => Level::Note,
        }
    }
}
