//! Dated lifecycles: which values of a setting (Lambda runtimes, EKS Kubernetes versions) AWS
//! supports until when, as data (`policies/lifecycles/<id>.toml`, see `policies/README.md`).
//!
//! Dates are parsed once, when the catalog is built; a `supported_on` test then judges a value
//! against the run's date with one hash lookup and integer comparisons.

use crate::date;
use serde::Deserialize;
use std::collections::HashMap;

/// Days before its end date from which a value that is still supported is reported as ending
/// soon, unless the table says otherwise.
pub const DEFAULT_WARN_DAYS: u32 = 90;

/// A lifecycle file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: String,
    title: String,
    ended: String,
    ends: String,
    #[serde(default)]
    since: Option<String>,
    checked: String,
    sources: Vec<String>,
    #[serde(default)]
    warn_days: Option<u32>,
    #[serde(rename = "value", default)]
    values: Vec<RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    value: String,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    since: Option<String>,
}

/// One value's dates, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    /// The first day the value is no longer supported (`None`: no end announced).
    pub end: Option<i64>,
    /// The day a stage the table's `since` text names began (EKS extended support).
    pub since: Option<i64>,
}

/// A lifecycle table.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    /// Id, used by `supported_on`.
    pub id: String,
    /// What the values are (`AWS Lambda managed runtimes`).
    pub title: String,
    /// Text before a past end date (`Lambda deprecated it on`).
    pub ended: String,
    /// Text before a future end date (`Lambda deprecates it on`).
    pub ends: String,
    /// Text before a value's `since` date once it has passed.
    pub since: Option<String>,
    /// The day the data was checked against its sources.
    pub checked: i64,
    /// Where the dates come from.
    pub sources: Vec<String>,
    /// Days before the end from which a supported value is reported as ending soon.
    pub warn_days: i64,
    /// Value → dates.
    pub values: HashMap<String, Dates>,
    /// The values in the order written (for docs).
    pub order: Vec<String>,
}

/// What the table says about a value on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// Supported, with no end within the warning window (or none announced).
    Supported(Dates),
    /// Still supported, but its end is at most `warn_days` away (days left).
    EndsSoon(Dates, i64),
    /// Its end date has passed.
    Ended(Dates),
    /// The table does not list it.
    Unlisted,
}

impl Lifecycle {
    /// Parses a lifecycle file's content (already deserialised), checking every date.
    pub(super) fn from_text(text: &super::PolicyText) -> Result<Lifecycle, String> {
        let raw: Raw = super::load::parse(text)?;
        let day = |what: &str, s: &str| {
            date::parse(s).map_err(|_| format!("{what} `{s}` is not a calendar date YYYY-MM-DD"))
        };
        let mut values = HashMap::with_capacity(raw.values.len());
        let mut order = Vec::with_capacity(raw.values.len());
        for v in raw.values {
            let dates = Dates {
                end: v.end.as_deref().map(|e| day("end", e)).transpose()?,
                since: v.since.as_deref().map(|e| day("since", e)).transpose()?,
            };
            if dates.since.is_some() && raw.since.is_none() {
                return Err(format!(
                    "value `{}` has `since` but the table has no `since` text",
                    v.value
                ));
            }
            if values.insert(v.value.clone(), dates).is_some() {
                return Err(format!("value `{}` is listed twice", v.value));
            }
            order.push(v.value);
        }
        Ok(Lifecycle {
            id: raw.id,
            title: raw.title,
            ended: raw.ended,
            ends: raw.ends,
            since: raw.since,
            checked: day("checked", &raw.checked)?,
            sources: raw.sources,
            warn_days: i64::from(raw.warn_days.unwrap_or(DEFAULT_WARN_DAYS)),
            values,
            order,
        })
    }

    /// What the table says about `value` on day `today`.
    pub fn judge(&self, value: &str, today: i64) -> Judged {
        let Some(&d) = self.values.get(value) else {
            return Judged::Unlisted;
        };
        match d.end {
            Some(end) if today >= end => Judged::Ended(d),
            Some(end) if end - today <= self.warn_days => Judged::EndsSoon(d, end - today),
            _ => Judged::Supported(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Lifecycle {
        let text = r#"
id = "t"
title = "test runtimes"
ended = "it ended on"
ends = "it ends on"
since = "in extended support since"
checked = "2026-12-07"
sources = ["https://example.com"]
[[value]]
value = "a1"
end = "2026-11-10"
[[value]]
value = "a2"
end = "2027-01-31"
since = "2026-06-01"
[[value]]
value = "a3"
"#;
        Lifecycle::from_text(&super::super::PolicyText::Toml(text.into())).unwrap()
    }

    #[test]
    fn judged_against_the_day() {
        let t = table();
        let day = |s| date::parse(s).unwrap();
        assert!(matches!(t.judge("a1", day("2026-11-10")), Judged::Ended(_)));
        assert!(matches!(
            t.judge("a1", day("2026-11-09")),
            Judged::EndsSoon(_, 1)
        ));
        assert!(matches!(
            t.judge("a2", day("2026-10-01")),
            Judged::Supported(_)
        ));
        assert!(matches!(
            t.judge("a2", day("2026-11-02")),
            Judged::EndsSoon(_, 90)
        ));
        assert!(matches!(
            t.judge("a3", day("2099-01-01")),
            Judged::Supported(_)
        ));
        assert_eq!(t.judge("a4", day("2026-01-01")), Judged::Unlisted);
    }

    #[test]
    fn bad_dates_and_duplicates_are_errors() {
        let bad = |body: &str| {
            let text = format!(
                "id = \"t\"\ntitle = \"t\"\nended = \"e\"\nends = \"e\"\nchecked = \"2026-12-07\"\n\
                 sources = []\n{body}"
            );
            Lifecycle::from_text(&super::super::PolicyText::Toml(text)).unwrap_err()
        };
        assert_eq!(
            bad("[[value]]\nvalue = \"x\"\nend = \"2026-02-30\"\n"),
            "end `2026-02-30` is not a calendar date YYYY-MM-DD"
        );
        assert_eq!(
            bad("[[value]]\nvalue = \"x\"\n[[value]]\nvalue = \"x\"\n"),
            "value `x` is listed twice"
        );
        assert_eq!(
            bad("[[value]]\nvalue = \"x\"\nsince = \"2026-01-01\"\n"),
            "value `x` has `since` but the table has no `since` text"
        );
    }
}
