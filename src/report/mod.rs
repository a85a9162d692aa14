//! Reporting: the scan turned into one serialisable [`Report`] (the JSON contract), and one
//! renderer per output format built on it. Spans become 1-based line:column here and nowhere
//! else.

pub mod compact;
pub mod github;
pub mod json;
pub mod markdown;
pub mod pretty;
pub mod sarif;

use crate::catalog::Catalog;
use crate::evaluate::Verdict;
use crate::scan::Scan;
use crate::source::{FileFormat, SourceMap, Span};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The tool's name and version.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// `srm-lint`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

/// A scanned file.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// Path as the user would type it.
    pub path: String,
    /// Detected format.
    pub format: FileFormat,
}

/// A located place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// File path.
    pub path: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A tool error (exit code 2).
#[derive(Debug, Clone, Serialize)]
pub struct ErrorEntry {
    /// File path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Stable error code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Byte span (for renderers that show a snippet).
    #[serde(skip)]
    pub span: Span,
}

/// A checklist entry.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistEntry {
    /// Duty id.
    pub duty: Arc<str>,
    /// Duty slug.
    pub slug: Arc<str>,
    /// Duty title.
    pub title: Arc<str>,
    /// Customer layer.
    pub layer: crate::catalog::Layer,
    /// Control kind.
    pub control: crate::catalog::Control,
    /// Severity.
    pub severity: crate::catalog::Severity,
    /// Verdict.
    pub verdict: Verdict,
    /// File path of the location.
    pub path: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What srm-lint found.
    pub message: String,
    /// Evidence locations.
    pub evidence: Vec<Location>,
    /// Byte span (for renderers).
    #[serde(skip)]
    pub span: Span,
    /// End of the span, 1-based (for SARIF regions).
    #[serde(skip)]
    pub end: (usize, usize),
}

/// A resource and its checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceEntry {
    /// Terraform address or CloudFormation logical id.
    pub address: String,
    /// Native type.
    #[serde(rename = "type")]
    pub rtype: String,
    /// File path.
    pub path: String,
    /// 1-based line of the header.
    pub line: usize,
    /// 1-based column of the header.
    pub column: usize,
    /// Service id, `null` for types the catalog does not know.
    pub service: Option<String>,
    /// SRM category.
    pub category: Option<crate::catalog::Category>,
    /// Whether the catalog knows this type.
    pub known: bool,
    /// CloudFormation condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// CDK construct path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub construct_path: Option<String>,
    /// Notes (e.g. the module call).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// What AWS keeps for this service (shared by every resource of the service).
    pub aws_responsibilities: std::sync::Arc<Vec<String>>,
    /// The customer's checklist.
    pub checklist: Vec<ChecklistEntry>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Files scanned.
    pub files: usize,
    /// Resources found.
    pub resources: usize,
    /// Duties evaluated.
    pub duties: usize,
    /// Tool errors.
    pub errors: usize,
    /// Count per verdict.
    pub verdicts: BTreeMap<&'static str, usize>,
}

/// A notice (not an error).
#[derive(Debug, Clone, Serialize)]
pub struct NoticeEntry {
    /// File path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Text.
    pub message: String,
}

/// The whole report: the documented JSON contract (`--format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Tool name and version.
    pub tool: Tool,
    /// Files recognised.
    pub files: Vec<FileEntry>,
    /// Tool errors.
    pub errors: Vec<ErrorEntry>,
    /// Informational notices.
    pub notices: Vec<NoticeEntry>,
    /// Suppressions that silenced nothing.
    pub unused_suppressions: Vec<NoticeEntry>,
    /// Resources with their checklists.
    pub resources: Vec<ResourceEntry>,
    /// Counts.
    pub summary: Summary,
}

/// Sets `counts` to the number of checklist entries of each verdict (every verdict listed).
fn count_verdicts(resources: &[ResourceEntry], counts: &mut BTreeMap<&'static str, usize>) {
    let mut by_verdict = [0usize; Verdict::ALL.len()];
    for c in resources.iter().flat_map(|r| &r.checklist) {
        if let Some(n) = by_verdict.get_mut(c.verdict as usize) {
            *n += 1;
        }
    }
    counts.clear();
    for v in Verdict::ALL {
        counts.insert(v.as_str(), by_verdict.get(v as usize).copied().unwrap_or(0));
    }
}

/// Each file's display path, shared by every entry located in it.
struct Paths(Vec<Arc<str>>);

impl Paths {
    fn new(sources: &SourceMap) -> Paths {
        Paths(
            sources
                .files()
                .iter()
                .map(|f| Arc::from(f.display.as_str()))
                .collect(),
        )
    }

    fn get(&self, id: crate::source::FileId) -> Arc<str> {
        self.0
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from("?"))
    }
}

fn loc(paths: &Paths, sources: &SourceMap, span: Span) -> Location {
    let lc = sources.start(span);
    Location {
        path: paths.get(span.file),
        line: lc.line,
        column: lc.column,
    }
}

impl Report {
    /// Builds the report of a scan.
    pub fn build(scan: &Scan, catalog: &Catalog) -> Report {
        let s = &scan.sources;
        let paths = Paths::new(s);
        // Each duty's names, shared by all of its entries.
        let names: Vec<(Arc<str>, Arc<str>, Arc<str>)> = catalog
            .duties
            .iter()
            .map(|d| {
                (
                    Arc::from(d.id.as_str()),
                    Arc::from(d.slug.as_str()),
                    Arc::from(d.title.as_str()),
                )
            })
            .collect();
        let files = scan
            .files
            .iter()
            .map(|(id, f)| FileEntry {
                path: s.display(*id).to_string(),
                format: *f,
            })
            .collect();
        let errors: Vec<ErrorEntry> = scan
            .model
            .errors
            .iter()
            .map(|e| {
                let l = loc(&paths, s, e.span);
                ErrorEntry {
                    path: l.path.to_string(),
                    line: l.line,
                    column: l.column,
                    code: e.code,
                    message: e.message.clone(),
                    span: e.span,
                }
            })
            .collect();
        let notices = scan
            .model
            .notices
            .iter()
            .map(|n| {
                let l = loc(&paths, s, n.span);
                NoticeEntry {
                    path: l.path.to_string(),
                    line: l.line,
                    column: l.column,
                    message: n.message.clone(),
                }
            })
            .collect();
        let unused_suppressions = scan
            .unused_suppressions
            .iter()
            .map(|u| {
                let l = loc(&paths, s, u.span);
                NoticeEntry {
                    path: l.path.to_string(),
                    line: l.line,
                    column: l.column,
                    message: format!("suppression of {} silences nothing; remove it", u.duty),
                }
            })
            .collect();
        let mut summary = Summary {
            files: scan.files.len(),
            errors: scan.model.errors.len(),
            ..Summary::default()
        };
        for v in Verdict::ALL {
            summary.verdicts.insert(v.as_str(), 0);
        }
        // What AWS keeps, shared by every resource of a service.
        let aws_side: BTreeMap<&str, std::sync::Arc<Vec<String>>> = catalog
            .services
            .iter()
            .map(|(id, svc)| {
                (
                    id.as_str(),
                    std::sync::Arc::new(svc.aws_responsibilities.clone()),
                )
            })
            .collect();
        // One entry per resource, on every core (line:column and path strings for each duty).
        use rayon::prelude::*;
        let entry = |rr: &crate::evaluate::ResourceResult| {
            let res = scan.model.resources.get(rr.resource)?;
            let header = loc(&paths, s, res.header);
            let checklist: Vec<ChecklistEntry> = rr
                .checklist
                .iter()
                .filter_map(|d| {
                    let duty = catalog.duties.get(d.duty)?;
                    let (id, slug, title) = names.get(d.duty)?;
                    let l = loc(&paths, s, d.span);
                    let end = s.end(d.span);
                    Some(ChecklistEntry {
                        duty: id.clone(),
                        slug: slug.clone(),
                        title: title.clone(),
                        layer: duty.layer,
                        control: duty.control,
                        severity: duty.severity,
                        verdict: d.verdict,
                        path: l.path,
                        line: l.line,
                        column: l.column,
                        message: d.message.clone(),
                        evidence: d.evidence.iter().map(|e| loc(&paths, s, *e)).collect(),
                        span: d.span,
                        end: (end.line, end.column),
                    })
                })
                .collect();
            Some(ResourceEntry {
                address: res.address.clone(),
                rtype: res.rtype.clone(),
                path: header.path.to_string(),
                line: header.line,
                column: header.column,
                service: rr.service.clone(),
                category: rr.category,
                known: rr.kind.is_some(),
                condition: res.condition.clone(),
                construct_path: res.construct_path.clone(),
                notes: res.notes.clone(),
                aws_responsibilities: rr
                    .service
                    .as_deref()
                    .and_then(|id| aws_side.get(id))
                    .cloned()
                    .unwrap_or_default(),
                checklist,
            })
        };
        let resources: Vec<ResourceEntry> = if scan.results.len() < crate::scan::PARALLEL_MIN {
            scan.results.iter().filter_map(entry).collect()
        } else {
            scan.results
                .par_iter()
                .with_min_len(64)
                .filter_map(entry)
                .collect()
        };
        summary.duties = resources.iter().map(|r| r.checklist.len()).sum();
        count_verdicts(&resources, &mut summary.verdicts);
        summary.resources = resources.len();
        Report {
            tool: Tool {
                name: "srm-lint",
                version: env!("CARGO_PKG_VERSION"),
            },
            files,
            errors,
            notices,
            unused_suppressions,
            resources,
            summary,
        }
    }

    /// Findings (unaddressed and unverified entries) with their resource, sorted by file,
    /// position and duty id.
    pub fn findings(&self) -> Vec<(&ResourceEntry, &ChecklistEntry)> {
        let mut out: Vec<(&ResourceEntry, &ChecklistEntry)> = self
            .resources
            .iter()
            .flat_map(|r| r.checklist.iter().map(move |c| (r, c)))
            .filter(|(_, c)| matches!(c.verdict, Verdict::Unaddressed | Verdict::Unverified))
            .collect();
        let order = |a: &(&ResourceEntry, &ChecklistEntry),
                     b: &(&ResourceEntry, &ChecklistEntry)| {
            cmp_shared(&a.1.path, &b.1.path)
                .then_with(|| (a.1.line, a.1.column).cmp(&(b.1.line, b.1.column)))
                .then_with(|| cmp_shared(&a.1.duty, &b.1.duty))
                .then_with(|| a.0.address.cmp(&b.0.address))
        };
        if out.len() < crate::scan::PARALLEL_MIN {
            out.sort_by(order);
        } else {
            use rayon::slice::ParallelSliceMut as _;
            out.par_sort_by(order);
        }
        out
    }

    /// Recomputes the summary's verdict counts after verdicts changed (attestations, baseline).
    pub fn recount(&mut self) {
        count_verdicts(&self.resources, &mut self.summary.verdicts);
    }

    /// Count of a verdict.
    pub fn count(&self, v: Verdict) -> usize {
        self.summary.verdicts.get(v.as_str()).copied().unwrap_or(0)
    }
}

/// Orders two shared strings; the same allocation (one per file path or duty id) is equal
/// without reading the text.
fn cmp_shared(a: &std::sync::Arc<str>, b: &std::sync::Arc<str>) -> std::cmp::Ordering {
    if std::sync::Arc::ptr_eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.cmp(b)
    }
}

/// Whether `b` may hold a control character other than tab and newline: false is certain (no C0
/// byte but tab and newline, no DEL, no 0xC2, the lead byte of every C1 character). Blocks of
/// 64 bytes are tested without branches, so they run on vector registers: it is asked of every
/// message and of every file shown.
pub(crate) fn may_hold_control(b: &[u8]) -> bool {
    let suspect = |x: u8| {
        u8::from(x < 0x20) & u8::from(x != b'\t') & u8::from(x != b'\n')
            | u8::from(x == 0x7f)
            | u8::from(x == 0xc2)
    };
    let mut blocks = b.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(0u8, |acc, &x| acc | suspect(x)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&x| suspect(x) != 0)
}

/// Replaces terminal control characters from the input with visible escapes, so a resource name
/// or comment cannot inject escape sequences into a terminal or a CI log.
pub fn escape_control(s: &str) -> String {
    if !may_hold_control(s.as_bytes()) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}
