//! Attestations: who vouches for a duty IaC cannot prove, for which resources, why, and until
//! when (`.srm-lint/attestations.toml`). An attested duty shows as `attested` with the record; an
//! expired record leaves the duty as `attestation` and says it expired.

use crate::evaluate::Verdict;
use crate::report::Report;
use serde::Deserialize;

/// The attestation file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestations {
    /// The records.
    #[serde(default, rename = "attestation")]
    pub records: Vec<Record>,
}

/// One attestation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Duty id or slug.
    pub duty: String,
    /// Resource address patterns (`*` matches any run of characters).
    pub resources: Vec<String>,
    /// Who attests.
    pub by: String,
    /// Why the duty is met.
    pub reason: String,
    /// Last day the attestation is valid (`YYYY-MM-DD`).
    pub until: String,
}

/// Default location, relative to the config file's directory or the working directory.
pub const DEFAULT_PATH: &str = ".srm-lint/attestations.toml";

/// Parses the attestation file; errors name line and column.
pub fn parse(text: &str, display: &str) -> Result<Attestations, crate::config::ConfigError> {
    let a: Attestations = toml::from_str(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => {
                let f = crate::source::SourceFile::new(
                    0,
                    String::new(),
                    Default::default(),
                    text.to_string(),
                );
                let lc = f.line_col(span.start);
                (lc.line, lc.column)
            }
            None => (1, 1),
        };
        crate::config::ConfigError {
            path: display.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    for r in &a.records {
        if parse_date(&r.until).is_none() {
            return Err(crate::config::ConfigError {
                path: display.to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "attestation of {}: `until` must be YYYY-MM-DD, not `{}`",
                    r.duty, r.until
                ),
            });
        }
    }
    Ok(a)
}

/// `*`-glob match of a resource address.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(p) => rest = rest.get(p + part.len()..).unwrap_or(""),
                None => return false,
            }
        }
    }
    true
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today as days since the epoch (`SRM_LINT_TODAY=YYYY-MM-DD` overrides, for reproducible runs).
pub fn today() -> i64 {
    if let Some(d) = std::env::var("SRM_LINT_TODAY")
        .ok()
        .and_then(|s| parse_date(&s))
    {
        return d;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}

/// Applies attestations to `attestation` verdicts of the report.
pub fn apply(report: &mut Report, att: &Attestations, today: i64) {
    for r in &mut report.resources {
        for c in &mut r.checklist {
            if c.verdict != Verdict::Attestation {
                continue;
            }
            let rec = att.records.iter().find(|a| {
                (*a.duty == *c.duty || *a.duty == *c.slug)
                    && a.resources.iter().any(|p| glob(p, &r.address))
            });
            let Some(rec) = rec else { continue };
            let until = parse_date(&rec.until).unwrap_or(i64::MIN);
            if until >= today {
                c.verdict = Verdict::Attested;
                c.message = format!("attested by {} until {}: {}", rec.by, rec.until, rec.reason);
            } else {
                c.message = format!(
                    "attestation by {} expired on {}; attest it again. {}",
                    rec.by, rec.until, c.message
                );
            }
        }
    }
    report.recount();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_globs() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert!(parse_date("2027-03-31") > parse_date("2026-11-23"));
        assert_eq!(parse_date("2026-13-01"), None);
        assert!(glob("aws_instance.*", "aws_instance.web"));
        assert!(glob(
            "module.*.aws_instance.web",
            "module.a.aws_instance.web"
        ));
        assert!(!glob("aws_instance.*", "aws_s3_bucket.x"));
        assert!(glob("Web", "Web"));
    }
}
