//! Reporting: the scan turned into one serialisable [`Report`] (the JSON contract), and one
//! renderer per output format built on it. Spans become 1-based line:column here and nowhere
//! else.

pub mod compact;
pub mod csv;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod pretty;
pub mod sarif;

mod escape;
pub mod fingerprint;
mod level;
mod paths;
mod related;
pub use escape::{escape_control, escape_line, escape_text};
pub(crate) use escape::{
    escape_line_owned, escaped_in_line, escaped_in_text, may_need_line_escape, may_need_text_escape,
};
pub use level::Level;
use paths::{loc, Paths};
pub use related::RelatedEntry;

use crate::catalog::Catalog;
use crate::evaluate::Verdict;
pub use crate::model::NoticeKind;
use crate::outcome::Scan;
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
    /// What is wrong; a second place it points to is named at the end (`… (first written on
    /// line 3)`) and listed in `related`.
    pub message: String,
    /// A second place the error points to (the first of two duplicate keys).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedEntry>,
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
    /// What the verdict rests on: `code`, `companion`, `default`, `unknown`, `attestation`,
    /// `attested` or `suppressed`.
    pub basis: crate::model::result::Basis,
    /// File path of the location.
    pub path: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What srm-lint found (one allocation per distinct text: of the corpus's 147,363 entries,
    /// 12,246 messages differ).
    pub message: Arc<str>,
    /// Evidence locations.
    pub evidence: Vec<Location>,
    /// Places the message names (where an unresolved variable is declared).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedEntry>,
    /// The attestation record that covers the duty (an `attested` entry, or an `attestation`
    /// entry whose record expired); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Box<AttestationEntry>>,
    /// Byte span (for renderers).
    #[serde(skip)]
    pub span: Span,
    /// End of the span, 1-based (for SARIF regions).
    #[serde(skip)]
    pub end: (u32, u32),
}

/// Who attested a duty, why, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttestationEntry {
    /// Who attests.
    pub by: String,
    /// Why the duty is met.
    pub reason: String,
    /// Last valid day (`YYYY-MM-DD`).
    pub until: String,
    /// Whether `until` is before the day of the run (the verdict stays `attestation`).
    pub expired: bool,
}

/// A resource and its checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceEntry {
    /// The root it was reached from: the Terraform root module's directory, or the template
    /// file (a module instantiated by several roots is one entry per root).
    pub root: String,
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
    /// Whether the catalog or its type table knows this type.
    pub known: bool,
    /// What the type is to the catalog: `checked` (it has a checklist), `companion` (evidence
    /// for the kinds in `of`), `identified` (an AWS type with no duty of its own) or `unknown`.
    pub role: crate::catalog::Role,
    /// For a companion: the resource kinds it carries evidence for.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub of: Arc<[String]>,
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
    /// What it says: `not-checked` (resources srm-lint did not check), `info`, or
    /// `unused-suppression` (in `unused_suppressions`).
    pub kind: NoticeKind,
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

/// What every entry of a report is built with: the file paths and duty names shared by all
/// entries, and what AWS keeps per service.
struct Builder<'a> {
    sources: &'a SourceMap,
    catalog: &'a Catalog,
    paths: Paths,
    /// Each duty's id, slug and title, shared by all of its entries.
    names: Vec<(Arc<str>, Arc<str>, Arc<str>)>,
    /// What AWS keeps, shared by every resource of a service.
    aws_side: BTreeMap<&'a str, Arc<Vec<String>>>,
    /// Each distinct message once.
    messages: std::sync::Mutex<foldhash::HashSet<Arc<str>>>,
}

/// The parts of a resource its report entry keeps (moved out of an owned scan, copied from a
/// borrowed one).
struct ResourceParts {
    header: Span,
    root: String,
    address: String,
    rtype: String,
    condition: Option<String>,
    construct_path: Option<String>,
    notes: Vec<crate::model::Note>,
}

impl ResourceParts {
    fn copied(r: &crate::model::Resource) -> ResourceParts {
        ResourceParts {
            header: r.header,
            root: r.scope.clone(),
            address: r.address.clone(),
            rtype: r.rtype.clone(),
            condition: r.condition.clone(),
            construct_path: r.construct_path.clone(),
            notes: r.notes.clone(),
        }
    }

    fn moved(r: crate::model::Resource) -> ResourceParts {
        ResourceParts {
            header: r.header,
            root: r.scope,
            address: r.address,
            rtype: r.rtype,
            condition: r.condition,
            construct_path: r.construct_path,
            notes: r.notes,
        }
    }
}

impl<'a> Builder<'a> {
    fn new(sources: &'a SourceMap, catalog: &'a Catalog) -> Self {
        Builder {
            sources,
            catalog,
            paths: Paths::new(sources),
            names: catalog
                .duties
                .iter()
                .map(|d| {
                    (
                        Arc::from(d.id.as_str()),
                        Arc::from(d.slug.as_str()),
                        Arc::from(d.title.as_str()),
                    )
                })
                .collect(),
            aws_side: catalog
                .services
                .iter()
                .map(|(id, svc)| (id.as_str(), Arc::new(svc.aws_responsibilities.clone())))
                .collect(),
            messages: Default::default(),
        }
    }

    fn loc(&self, span: Span) -> Location {
        loc(&self.paths, self.sources, span)
    }

    fn notice(&self, span: Span, kind: NoticeKind, message: String) -> NoticeEntry {
        let l = self.loc(span);
        let (path, line, column) = (l.path.to_string(), l.line, l.column);
        NoticeEntry {
            path,
            line,
            column,
            kind,
            message,
        }
    }

    /// One checklist entry (`message`: the result's message, moved or copied).
    fn duty(&self, d: &crate::evaluate::DutyResult, mut message: String) -> Option<ChecklistEntry> {
        let duty = self.catalog.duties.get(d.duty)?;
        let (id, slug, title) = self.names.get(d.duty)?;
        let l = self.loc(d.span);
        let end = self.sources.end(d.span);
        let related = self.related(d.span, &d.related, false, &mut message);
        Some(ChecklistEntry {
            duty: id.clone(),
            slug: slug.clone(),
            title: title.clone(),
            layer: duty.layer,
            control: duty.control,
            severity: duty.severity,
            verdict: d.verdict,
            path: l.path,
            line: narrow(l.line),
            column: narrow(l.column),
            message: self.intern(message),
            evidence: d.evidence.iter().map(|e| self.loc(*e)).collect(),
            related,
            basis: d.basis,
            attestation: None,
            span: d.span,
            end: (narrow(end.line), narrow(end.column)),
        })
    }

    /// The shared copy of `message`.
    fn intern(&self, message: String) -> Arc<str> {
        let Ok(mut seen) = self.messages.lock() else {
            return Arc::from(message);
        };
        if let Some(m) = seen.get(message.as_str()) {
            return m.clone();
        }
        let m: Arc<str> = Arc::from(message);
        seen.insert(m.clone());
        m
    }

    /// One resource entry.
    fn resource(&self, res: ResourceParts, checklist: Vec<ChecklistEntry>) -> ResourceEntry {
        let header = self.loc(res.header);
        let identity = self.catalog.identify(&res.rtype);
        let service = identity.service.map(str::to_string);
        ResourceEntry {
            aws_responsibilities: service
                .as_deref()
                .and_then(|id| self.aws_side.get(id))
                .cloned()
                .unwrap_or_else(|| Arc::new(identity.aws_responsibilities.to_vec())),
            root: res.root,
            address: res.address,
            rtype: res.rtype,
            path: header.path.to_string(),
            line: header.line,
            column: header.column,
            service,
            category: identity.category,
            known: identity.role != crate::catalog::Role::Unknown,
            role: identity.role,
            of: Arc::from(identity.of),
            condition: res.condition,
            construct_path: res.construct_path,
            notes: res.notes.into_iter().map(|n| self.note(n)).collect(),
            checklist,
        }
    }

    /// The report around the resource entries: files, errors, notices and the summary.
    fn finish(&self, scan: &Scan, resources: Vec<ResourceEntry>) -> Report {
        let files = scan
            .files
            .iter()
            .map(|(id, f)| FileEntry {
                path: self.sources.display(*id).to_string(),
                format: *f,
            })
            .collect();
        let errors: Vec<ErrorEntry> = scan.model.errors.iter().map(|e| self.error(e)).collect();
        let notices = scan.model.notices.iter();
        let notices = notices
            .map(|n| self.notice(n.span, n.kind, n.message.clone()))
            .collect();
        let unused_suppressions = scan
            .unused_suppressions
            .iter()
            .map(|u| {
                let message = format!("suppression of {} silences nothing; remove it", u.duty);
                self.notice(u.span, NoticeKind::UnusedSuppression, message)
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
}

impl Report {
    /// Builds the report of a scan.
    pub fn build(scan: &Scan, catalog: &Catalog) -> Report {
        let b = Builder::new(&scan.sources, catalog);
        // One entry per resource, on every core (line:column and path strings for each duty).
        let entry = |rr: &crate::evaluate::ResourceResult| {
            let res = scan.model.resources.get(rr.resource)?;
            // Sized up front: a collected `filter_map` grows by doubling (a third of the
            // entries' memory was slack).
            let mut checklist = Vec::with_capacity(rr.checklist.len());
            checklist.extend(
                rr.checklist
                    .iter()
                    .filter_map(|d| b.duty(d, d.message.clone())),
            );
            Some(b.resource(ResourceParts::copied(res), checklist))
        };
        use rayon::prelude::*;
        let resources: Vec<ResourceEntry> = if scan.results.len() < crate::par::PARALLEL_MIN {
            scan.results.iter().filter_map(entry).collect()
        } else {
            scan.results
                .par_iter()
                .with_min_len(64)
                .filter_map(entry)
                .collect()
        };
        b.finish(scan, resources)
    }

    /// [`Report::build`] from a scan that is no longer needed: names and messages are moved
    /// into the report instead of copied, and everything else is freed (on every core). Gives
    /// back the sources, which the renderers need for snippets.
    pub fn build_from(mut scan: Scan, catalog: &Catalog) -> (Report, SourceMap) {
        let results = std::mem::take(&mut scan.results);
        let resources = std::mem::take(&mut scan.model.resources);
        let in_order = results.len() == resources.len()
            && results.iter().enumerate().all(|(i, rr)| rr.resource == i);
        let mut slots: Vec<Option<crate::model::Resource>> = Vec::new();
        let pairs: Vec<(crate::model::Resource, crate::evaluate::ResourceResult)> = if in_order {
            // The usual case (one result per resource, in order): no lookup, no extra copy.
            resources.into_iter().zip(results).collect()
        } else {
            slots = resources.into_iter().map(Some).collect();
            results
                .into_iter()
                .filter_map(|rr| Some((slots.get_mut(rr.resource)?.take()?, rr)))
                .collect()
        };
        let b = Builder::new(&scan.sources, catalog);
        let entry = |(res, rr): (crate::model::Resource, crate::evaluate::ResourceResult)| {
            let mut checklist = Vec::with_capacity(rr.checklist.len());
            checklist.extend(rr.checklist.into_iter().filter_map(|mut d| {
                let message = std::mem::take(&mut d.message);
                b.duty(&d, message)
            }));
            b.resource(ResourceParts::moved(res), checklist)
        };
        use rayon::prelude::*;
        let resources: Vec<ResourceEntry> = if pairs.len() < crate::par::PARALLEL_MIN {
            pairs.into_iter().map(entry).collect()
        } else {
            pairs.into_par_iter().with_min_len(64).map(entry).collect()
        };
        let report = b.finish(&scan, resources);
        drop(b);
        // Resources without a result (none when the scan evaluated them all) go too.
        drop(slots);
        (report, scan.into_sources())
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
        if out.len() < crate::par::PARALLEL_MIN {
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

/// A line or column as a checklist entry keeps it (4 bytes: 147,363 entries on the corpus).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
