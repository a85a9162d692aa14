//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning. Rules carry the duty docs and a help
//! URI; results carry a region and a `partialFingerprints` value that hashes (duty, file,
//! resource address), so it survives edits that only move lines.
//!
//! The document is written straight to the output through typed views of the report (fields in
//! the order `serde_json` sorts object keys, so the output is the same as building a JSON value
//! first), without holding a copy of every result in memory.

use super::{
    escape_line, escape_line_owned, escape_text, ChecklistEntry, ErrorEntry, NoticeEntry, Report,
    ResourceEntry,
};
use crate::catalog::{Catalog, Duty, Layer, Severity};
use crate::evaluate::Verdict;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::borrow::Cow;

pub use super::fingerprint::fingerprint;

fn level(verdict: Verdict, sev: Severity) -> &'static str {
    match super::Level::of(verdict, sev) {
        super::Level::Error => "error",
        super::Level::Warning => "warning",
        super::Level::Note => "note",
    }
}

fn security_severity(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical => "9.5",
        Severity::High => "7.5",
        Severity::Medium => "5.0",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The fingerprint of a finding in SARIF (`partialFingerprints`).
pub fn finding_fingerprint(resource: &ResourceEntry, duty: &str, path: &str) -> String {
    fingerprint(&[duty, path, &resource.address])
}

/// Most results in one run: GitHub code scanning rejects a run with more.
pub const MAX_RESULTS_PER_RUN: usize = 25_000;

/// Most runs in one file: GitHub code scanning rejects a file with more. Results beyond
/// `MAX_RUNS * MAX_RESULTS_PER_RUN` are left out, and a notification says how many.
pub const MAX_RUNS: usize = 20;

/// Writes the report as SARIF 2.1.0 (pretty-printed, with a final newline), category empty.
pub fn write(
    report: &Report,
    catalog: &Catalog,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_with(report, catalog, "", out)
}

/// The `automationDetails.id` of run `part` (0-based) of `parts`: `srm-lint/CATEGORY/`, with
/// `part-N/` added when the results are split into several runs (code scanning takes one run
/// per category).
pub fn automation_id(category: &str, part: usize, parts: usize) -> String {
    let mut id = String::from("srm-lint/");
    let category = category.trim_matches('/');
    if !category.is_empty() {
        id.push_str(&escape_line(category));
        id.push('/');
    }
    if parts > 1 {
        id.push_str(&format!("part-{}/", part + 1));
    }
    id
}

/// Writes the report as SARIF 2.1.0: runs of at most [`MAX_RESULTS_PER_RUN`] results, each
/// with its own `automationDetails.id` under `category`. The first run's invocation carries the
/// tool errors, the notices and the unused suppressions as `toolExecutionNotifications`.
pub fn write_with(
    report: &Report,
    catalog: &Catalog,
    category: &str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let findings = report.findings();
    let rule_indices: foldhash::HashMap<&str, usize> = catalog
        .duties
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let kept = findings.len().min(MAX_RUNS * MAX_RESULTS_PER_RUN);
    let chunks: Vec<&[(&ResourceEntry, &ChecklistEntry)]> = if kept == 0 {
        vec![&[]]
    } else {
        findings
            .get(..kept)
            .unwrap_or_default()
            .chunks(MAX_RESULTS_PER_RUN)
            .collect()
    };
    let mut first: Vec<Notification<'_>> = report.errors.iter().map(notification).collect();
    first.extend(
        report
            .notices
            .iter()
            .map(|n| notice(n, "note", n.message.clone())),
    );
    first.extend(
        report
            .unused_suppressions
            .iter()
            .map(|n| notice(n, "warning", n.message.clone())),
    );
    if kept < findings.len() {
        first.push(Notification {
            level: "warning",
            locations: Vec::new(),
            message: Text {
                text: format!(
                    "{} of {} results are left out: code scanning takes at most {MAX_RUNS} runs \
                     of {MAX_RESULTS_PER_RUN} results; see --format json for all of them",
                    findings.len() - kept,
                    findings.len()
                ),
            },
        });
    }
    let parts = chunks.len();
    let mut notes = Some(first);
    let runs: Vec<_> = chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| Run {
            automation_details: Automation {
                id: automation_id(category, i, parts),
            },
            column_kind: "unicodeCodePoints",
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notes.take().unwrap_or_default(),
            }],
            results: Seq(chunk, |&(r, c)| result(r, c, &rule_indices)),
            tool: Tool {
                driver: Driver {
                    information_uri: "https://github.com/srm-lint/srm-lint",
                    name: "srm-lint",
                    rules: Seq(&catalog.duties, rule),
                    version: report.tool.version,
                },
            },
        })
        .collect();
    let doc = Doc {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs,
        version: "2.1.0",
    };
    super::json::write_safe(&mut *out, &doc)?;
    out.write_all(b"\n")
}

/// Renders the report as SARIF 2.1.0.
pub fn render(report: &Report, catalog: &Catalog) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; serialisation of these types cannot either.
    let _ = write(report, catalog, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A slice written as a JSON array, each item through a view made when it is written.
struct Seq<'s, T, F>(&'s [T], F);

impl<'s, T, F, V> Serialize for Seq<'s, T, F>
where
    F: Fn(&'s T) -> V,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items: &'s [T] = self.0;
        let mut seq = s.serialize_seq(Some(items.len()))?;
        for item in items {
            seq.serialize_element(&(self.1)(item))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Doc<R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: Vec<R>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<I, R, T> {
    automation_details: Automation,
    column_kind: &'static str,
    invocations: [I; 1],
    results: R,
    tool: T,
}

#[derive(Serialize)]
struct Automation {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<N> {
    execution_successful: bool,
    tool_execution_notifications: N,
}

#[derive(Serialize)]
struct Tool<D> {
    driver: D,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a, R> {
    information_uri: &'static str,
    name: &'static str,
    rules: R,
    version: &'a str,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    default_configuration: Level,
    full_description: Text<Cow<'a, str>>,
    help: Help,
    help_uri: Option<String>,
    id: Cow<'a, str>,
    name: Cow<'a, str>,
    properties: RuleProperties,
    short_description: Text<Cow<'a, str>>,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct RuleProperties {
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: (&'static str, &'static str, &'static str, Layer),
}

fn rule(d: &Duty) -> Rule<'_> {
    Rule {
        default_configuration: Level {
            level: level(Verdict::Unaddressed, d.severity),
        },
        full_description: Text {
            text: escape_text(d.summary.trim()),
        },
        help: Help {
            markdown: escape_text(&format!(
                "{}\n\n**How to fix:** {}",
                d.why.trim(),
                d.fix.trim()
            ))
            .into_owned(),
            text: escape_text(&format!("{}\n\nHow to fix: {}", d.why.trim(), d.fix.trim()))
                .into_owned(),
        },
        help_uri: (!d.id.starts_with("guard/")).then(|| d.help_uri()),
        id: escape_line(&d.id),
        name: escape_line(&d.slug),
        properties: RuleProperties {
            precision: "high",
            security_severity: security_severity(d.severity),
            tags: ("security", "aws", "shared-responsibility", d.layer),
        },
        short_description: Text {
            text: escape_line(&d.title),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    level: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<NotificationLocation<'a>>,
    message: Text<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation<'a> {
    physical_location: Physical<'a, StartRegion>,
    /// What is at a second place (SARIF notifications have no `relatedLocations`: a second
    /// place is a second location with its own message).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a, R> {
    artifact_location: Uri<'a>,
    region: R,
}

#[derive(Serialize)]
struct Uri<'a> {
    uri: Cow<'a, str>,
}

/// A display path as a URI reference: every byte outside the characters a URI path may hold
/// (RFC 3986 unreserved, sub-delimiters, `:`, `@`, `/`) percent-encoded. Ordinary paths are
/// unchanged.
fn uri(path: &str) -> Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
    if path.bytes().all(keep) {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 16);
    for b in path.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            let _ = std::fmt::Write::write_fmt(&mut out, format_args!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StartRegion {
    start_column: usize,
    start_line: usize,
}

fn located<'a>(path: &'a str, line: usize, column: usize) -> Vec<NotificationLocation<'a>> {
    vec![NotificationLocation {
        physical_location: Physical {
            artifact_location: Uri { uri: uri(path) },
            region: StartRegion {
                start_column: column,
                start_line: line,
            },
        },
        message: None,
    }]
}

fn notification(e: &ErrorEntry) -> Notification<'_> {
    Notification {
        level: "error",
        locations: {
            let mut at = located(&e.path, e.line, e.column);
            for r in &e.related {
                at.extend(located(&r.path, r.line, r.column).into_iter().map(|mut l| {
                    l.message = Some(Text {
                        text: escape_line(&r.message).into_owned(),
                    });
                    l
                }));
            }
            at
        },
        message: Text {
            text: escape_line_owned(format!("{}: {}", e.code, e.message)),
        },
    }
}

/// A notice (or an unused suppression) as a notification of `level`.
fn notice<'a>(n: &'a NoticeEntry, level: &'static str, message: String) -> Notification<'a> {
    Notification {
        level,
        locations: located(&n.path, n.line, n.column),
        message: Text {
            text: escape_line_owned(message),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [ResultLocation<'a>; 1],
    message: Text<String>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    rule_id: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    logical_locations: [Logical<'a>; 1],
    physical_location: Physical<'a, Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical<'a> {
    fully_qualified_name: Cow<'a, str>,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

/// A place the message names (where an unresolved variable is declared).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text<String>,
    physical_location: Physical<'a, StartRegion>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "srmLintFinding/v1")]
    finding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    resource_type: Cow<'a, str>,
    verdict: &'static str,
}

fn result<'a>(
    r: &'a ResourceEntry,
    c: &'a ChecklistEntry,
    rule_indices: &foldhash::HashMap<&str, usize>,
) -> SarifResult<'a> {
    SarifResult {
        level: level(c.verdict, c.severity),
        locations: [ResultLocation {
            logical_locations: [Logical {
                fully_qualified_name: escape_line(&r.address),
                kind: "resource",
            }],
            physical_location: Physical {
                artifact_location: Uri { uri: uri(&c.path) },
                region: Region {
                    end_column: if c.end.0 > c.line {
                        c.end.1 as usize
                    } else {
                        c.end.1.max(c.column) as usize
                    },
                    end_line: c.end.0.max(c.line) as usize,
                    start_column: c.column as usize,
                    start_line: c.line as usize,
                },
            },
        }],
        message: Text {
            text: escape_line_owned(format!(
                "{} {}: {} — {}",
                c.verdict.as_str(),
                r.address,
                c.title,
                c.message
            )),
        },
        partial_fingerprints: Fingerprints {
            finding: finding_fingerprint(r, &c.duty, &c.path),
        },
        properties: ResultProperties {
            resource_type: escape_line(&r.rtype),
            verdict: c.verdict.as_str(),
        },
        related_locations: c
            .related
            .iter()
            .enumerate()
            .map(|(id, p)| RelatedLocation {
                id,
                message: Text {
                    text: escape_line(&p.message).into_owned(),
                },
                physical_location: Physical {
                    artifact_location: Uri { uri: uri(&p.path) },
                    region: StartRegion {
                        start_column: p.column,
                        start_line: p.line,
                    },
                },
            })
            .collect(),
        rule_id: escape_line(&c.duty),
        rule_index: rule_indices.get(&*c.duty).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::automation_id;

    #[test]
    fn each_run_has_its_own_category_and_a_single_run_has_no_part() {
        assert_eq!(automation_id("", 0, 1), "srm-lint/");
        assert_eq!(automation_id("prod", 0, 1), "srm-lint/prod/");
        assert_eq!(automation_id("/prod/", 1, 3), "srm-lint/prod/part-2/");
        assert_eq!(automation_id("", 2, 3), "srm-lint/part-3/");
    }
}
