//! Attestations: who vouches for a duty IaC cannot prove, for which resources, why, and until
//! when (`.srm-lint/attestations.toml`). An attested duty shows as `attested` with the record; an
//! expired record leaves the duty as `attestation` and says it expired.

pub use crate::date;

use crate::config::ConfigError;
use crate::date::DateError;
use crate::evaluate::Verdict;
use crate::report::Report;
use crate::source::SourceFile;
use serde::Deserialize;
use std::ops::Range;

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

/// How many years ahead an attestation may run unless `max_attestation_years` says otherwise.
pub const DEFAULT_MAX_YEARS: u32 = 3;

/// The variable that pins today's date for reproducible runs.
pub const TODAY_VAR: &str = "SRM_LINT_TODAY";

/// The window an `until` date must fall in: not more than `max_years` after `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Horizon {
    /// Today, as days since 1970-01-01.
    pub today: i64,
    /// The most years after today an attestation may run.
    pub max_years: u32,
}

/// A located problem in the attestation file: the error, and the byte range it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The error, with path, line and column.
    pub error: ConfigError,
    /// The bytes of the offending key or value in the file's text.
    pub range: Range<usize>,
}

/// The file as written, with the location of each `until` value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default, rename = "attestation")]
    records: Vec<RawRecord>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    duty: String,
    resources: Vec<String>,
    by: String,
    reason: String,
    until: toml::Spanned<String>,
}

/// Parses the attestation file. Returns the valid records and a located problem for each thing
/// wrong: a file that is not valid TOML or has unknown keys yields no records; a record whose
/// `until` is not a calendar date, or is more than `horizon.max_years` after today, is left out.
pub fn parse(text: &str, display: &str, horizon: Horizon) -> (Attestations, Vec<Problem>) {
    let file = SourceFile::new(0, String::new(), Default::default(), text.to_string());
    let problem = |range: Range<usize>, message: String| {
        let lc = file.line_col(range.start);
        Problem {
            error: ConfigError {
                path: display.to_string(),
                line: lc.line,
                column: lc.column,
                message,
            },
            range,
        }
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let range = e.span().unwrap_or(0..0);
            return (
                Attestations::default(),
                vec![problem(range, e.message().to_string())],
            );
        }
    };
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for r in raw.records {
        let range = r.until.span();
        let until = r.until.into_inner();
        match check_until(&until, horizon) {
            Ok(()) => records.push(Record {
                duty: r.duty,
                resources: r.resources,
                by: r.by,
                reason: r.reason,
                until,
            }),
            Err(message) => problems.push(problem(
                range,
                format!("attestation of {}: {message}", r.duty.escape_debug()),
            )),
        }
    }
    (Attestations { records }, problems)
}

/// Why `until` is not acceptable, if it is not.
fn check_until(until: &str, horizon: Horizon) -> Result<(), String> {
    let day = match date::parse(until) {
        Ok(d) => d,
        Err(DateError::NotCalendar) => return Err(format!("{until} is not a calendar date")),
        Err(DateError::Syntax) => {
            return Err(format!(
                "`until` must be a date YYYY-MM-DD, not \"{}\"",
                until.escape_debug()
            ))
        }
    };
    let last = date::add_years(horizon.today, horizon.max_years);
    if day > last {
        let years = match horizon.max_years {
            1 => "1 year".to_string(),
            n => format!("{n} years"),
        };
        return Err(format!(
            "until {until} is more than {years} after today ({}); attestations must be renewed \
             (the limit is `max_attestation_years` in .srm-lint.toml)",
            date::format(horizon.today)
        ));
    }
    Ok(())
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

/// Days since 1970-01-01 of a `YYYY-MM-DD` calendar date.
pub fn parse_date(s: &str) -> Option<i64> {
    date::parse(s).ok()
}

/// Today as days since the epoch. `SRM_LINT_TODAY=YYYY-MM-DD` overrides it (for reproducible
/// runs); a value that is not a calendar date is an error naming the variable and the value.
pub fn today() -> Result<i64, String> {
    if let Some(v) = std::env::var_os(TODAY_VAR) {
        return match v.to_str().map(date::parse) {
            Some(Ok(d)) => Ok(d),
            _ => Err(format!(
                "{TODAY_VAR} must be a calendar date YYYY-MM-DD, not {v:?}"
            )),
        };
    }
    Ok(date::system_today())
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
            c.attestation = Some(Box::new(crate::report::AttestationEntry {
                by: rec.by.clone(),
                reason: rec.reason.clone(),
                until: rec.until.clone(),
                expired: until < today,
            }));
            if until >= today {
                c.verdict = Verdict::Attested;
                c.basis = crate::model::result::Basis::Attested;
                c.message =
                    format!("attested by {} until {}: {}", rec.by, rec.until, rec.reason).into();
            } else {
                c.message = format!(
                    "attestation by {} expired on {}; attest it again. {}",
                    rec.by, rec.until, c.message
                )
                .into();
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
        assert_eq!(parse_date("2027-02-30"), None);
        assert!(glob("aws_instance.*", "aws_instance.web"));
        assert!(glob(
            "module.*.aws_instance.web",
            "module.a.aws_instance.web"
        ));
        assert!(!glob("aws_instance.*", "aws_s3_bucket.x"));
        assert!(glob("Web", "Web"));
    }

    const ONE: &str = "[[attestation]]\nduty = \"SRM-EC2-006\"\nresources = [\"*\"]\nby = \"ops\"\nreason = \"r\"\n";

    fn horizon() -> Horizon {
        Horizon {
            today: parse_date("2026-12-07").unwrap(),
            max_years: DEFAULT_MAX_YEARS,
        }
    }

    fn problems(until: &str, h: Horizon) -> Vec<String> {
        let text = format!("{ONE}until = {until}\n");
        let (a, p) = parse(&text, "a.toml", h);
        assert_eq!(a.records.len(), usize::from(p.is_empty()));
        p.iter()
            .map(|p| {
                assert_eq!(text.get(p.range.clone()), Some(until));
                p.error.to_string()
            })
            .collect()
    }

    #[test]
    fn until_is_a_calendar_date_within_the_horizon_located_at_the_value() {
        assert!(problems("\"2029-12-07\"", horizon()).is_empty());
        assert!(problems("\"2020-02-29\"", horizon()).is_empty());
        assert_eq!(
            problems("\"2027-02-30\"", horizon()),
            ["a.toml:6:9: attestation of SRM-EC2-006: 2027-02-30 is not a calendar date"]
        );
        assert_eq!(
            problems("\"2027-13-01\"", horizon()),
            ["a.toml:6:9: attestation of SRM-EC2-006: 2027-13-01 is not a calendar date"]
        );
        let far = problems("\"99999-12-31\"", horizon());
        assert!(
            far[0].starts_with(
                "a.toml:6:9: attestation of SRM-EC2-006: until 99999-12-31 is more than 3 years \
                 after today (2026-12-07); attestations must be renewed"
            ),
            "{far:?}"
        );
        assert!(problems("\"2029-12-08\"", horizon())[0].contains("more than 3 years"));
        let one = Horizon {
            max_years: 1,
            ..horizon()
        };
        assert!(problems("\"2027-12-08\"", one)[0].contains("more than 1 year after"));
        assert!(problems("\"2027-12-07\"", one).is_empty());
        assert_eq!(
            problems("\"soon\\u001b[2J\"", horizon()),
            ["a.toml:6:9: attestation of SRM-EC2-006: `until` must be a date YYYY-MM-DD, not \"soon\\u{1b}[2J\""]
        );
    }

    #[test]
    fn toml_errors_are_located_and_yield_no_records() {
        let (a, p) = parse(
            &format!("{ONE}until = \"2027-01-01\"\nuntill = 1\n"),
            "a.toml",
            horizon(),
        );
        assert!(a.records.is_empty());
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].error.line, p[0].error.column), (7, 1));
        assert!(p[0].error.message.contains("unknown field `untill`"));
    }
}
