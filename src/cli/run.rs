//! `srm-lint [PATHS]`: settings → engine → post-processing (attestations, baseline) → render.

use super::args::{FailOn, Format, ScanArgs};
use super::output::{emit, fail, policy_errors};
use super::settings::{colour, Settings};
use srm_lint::catalog::Catalog;
use srm_lint::engine::{Clock, PendingCatalog};
use srm_lint::evaluate::Verdict;
use srm_lint::report::{self, Report};
use srm_lint::source::{SourceMap, Span};
use std::process::ExitCode;
use std::time::Instant;

/// Runs a scan as the flags say.
pub fn run(args: ScanArgs, started: Instant) -> ExitCode {
    let mut clock = Clock::start_at(started);
    // A pinned date that is not a date is refused before any work, not silently ignored.
    let today = match &args.date {
        Some(d) => match srm_lint::attest::parse_date(d) {
            Some(d) => Ok(d),
            None => Err(format!(
                "--date must be a calendar date YYYY-MM-DD, not {d:?}"
            )),
        },
        None => srm_lint::attest::today(),
    };
    let today = match today {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let mut settings = match Settings::resolve(&args) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    settings.scan.date = Some(today);
    let pending = {
        let filter = settings.loaded.config.clone();
        let policy_files = settings.policy_files.clone();
        PendingCatalog::start(move || {
            let mut catalog = if policy_files.is_empty() {
                Catalog::builtin_for_scan()?
            } else {
                Catalog::builtin_with(policy_files)?
            };
            let unknown = filter.unknown_patterns(
                catalog
                    .duties
                    .iter()
                    .map(|d| (d.id.as_str(), d.slug.as_str())),
            );
            if !unknown.is_empty() {
                return Err(unknown
                    .into_iter()
                    .map(|message| srm_lint::catalog::CatalogError {
                        path: String::new(),
                        message,
                    })
                    .collect());
            }
            catalog.retain_duties(|d| filter.keeps(&d.id, &d.slug, d.severity));
            Ok(catalog)
        })
    };
    clock.lap("configuration");
    let (mut report, mut sources, catalog, had_errors) =
        match scan(&args, &settings, pending, &mut clock) {
            Ok(r) => r,
            Err(code) => return code,
        };
    let had_errors = match post(&args, &settings, &mut report, &mut sources, today) {
        Ok(added) => had_errors || added,
        Err(e) => return fail(e),
    };
    let code = render(
        &args, &settings, &report, &sources, &catalog, had_errors, &mut clock,
    );
    if args.timings {
        eprint!("{}", clock.render());
    }
    // The process ends here: freeing the catalog, the report and every file's text one
    // allocation at a time would only delay the exit (measured: up to 4 ms of a 10 ms run).
    std::mem::forget((catalog, report, sources));
    code
}

/// The engine's part: scan, evaluate (unit by unit unless Guard needs the bodies), Guard, and
/// the report built from the scan. Returns the report, the sources for snippets, the catalog
/// and whether any input had errors.
fn scan(
    args: &ScanArgs,
    settings: &Settings,
    pending: PendingCatalog,
    clock: &mut Clock,
) -> Result<(Report, SourceMap, Catalog, bool), ExitCode> {
    let guard_paths = &settings.guard_paths;
    #[cfg(not(feature = "guard"))]
    if !guard_paths.is_empty() {
        return Err(fail(
            "srm-lint was built without Guard support; rebuild with --features guard",
        ));
    }
    // Each unit is evaluated as soon as it is adapted, unless Guard rules need the resource
    // bodies afterwards.
    let opts = &settings.scan;
    let mut result = if guard_paths.is_empty() {
        srm_lint::collect_with(opts, &|| pending.get().as_ref().ok())
    } else {
        srm_lint::collect(opts)
    };
    clock.extend(&result.timings);
    let mut catalog = match pending.wait() {
        Ok(c) => c,
        Err(errors) => return Err(policy_errors(errors)),
    };
    // SARIF describes every rule with its summary, which a scan's catalog leaves out.
    let sarif =
        args.format == Format::Sarif || args.extra_outputs().any(|(f, _)| f == Format::Sarif);
    if sarif {
        if let Err(errors) = catalog.attach_examples() {
            return Err(policy_errors(errors));
        }
    }
    clock.lap("catalog (built meanwhile)");
    let evaluated = result.timings.len();
    result.evaluate(&catalog);
    clock.extend(result.timings.get(evaluated..).unwrap_or_default());
    #[cfg(feature = "guard")]
    if !guard_paths.is_empty() && !args.parse_only {
        let filter = &settings.loaded.config;
        srm_lint::guard::run(&mut result, guard_paths, &mut catalog, |d| {
            filter.keeps(&d.id, &d.slug, d.severity)
        });
    }
    #[cfg(not(feature = "guard"))]
    let _ = args;
    // The report needs headers only: free the resource bodies before it is built.
    result.release_bodies();
    let had_errors = result.has_errors();
    // Only the sources are needed from here on (for snippets): the report takes the names and
    // messages, and the rest of the scan is freed.
    let (report, sources) = Report::build_from(result, &catalog);
    clock.lap("report");
    Ok((report, sources, catalog, had_errors))
}

/// Attestations and the baseline, applied to the report (or the baseline written). `Ok(true)`
/// when located errors were added to the report (an attestation that is not valid: the scan is
/// still reported, exit code 2); `Err` is a tool error's message.
fn post(
    args: &ScanArgs,
    settings: &Settings,
    report: &mut Report,
    sources: &mut SourceMap,
    today: i64,
) -> Result<bool, String> {
    let mut added = false;
    if let Some(p) = &settings.attestations {
        let display = srm_lint::discover::display_path(p);
        let text = std::fs::read_to_string(p)
            .map_err(|e| format!("{display}: cannot read attestations: {e}"))?;
        let horizon = srm_lint::attest::Horizon {
            today,
            max_years: settings
                .loaded
                .config
                .max_attestation_years
                .unwrap_or(srm_lint::attest::DEFAULT_MAX_YEARS),
        };
        let (a, problems) = srm_lint::attest::parse(&text, &display, horizon);
        srm_lint::attest::apply(report, &a, today);
        if !problems.is_empty() {
            // The file joins the sources so the errors show it in a snippet.
            let id = sources.add(display.clone(), p.clone(), text);
            report
                .errors
                .extend(problems.into_iter().map(|pr| report::ErrorEntry {
                    path: pr.error.path,
                    line: pr.error.line,
                    column: pr.error.column,
                    code: "invalid-attestation",
                    message: pr.error.message,
                    related: Vec::new(),
                    span: Span::new(id, pr.range.start, pr.range.end),
                }));
            report.summary.errors = report.errors.len();
            added = true;
        }
    }
    if let Some(p) = &args.write_baseline {
        let b = srm_lint::baseline::from_report(report);
        std::fs::write(p, srm_lint::baseline::to_json(&b))
            .map_err(|e| format!("{}: cannot write baseline: {e}", p.display()))?;
    }
    if let Some(p) = &settings.baseline {
        let display = srm_lint::discover::display_path(p);
        let text = std::fs::read_to_string(p)
            .map_err(|e| format!("{display}: cannot read baseline: {e}"))?;
        let b = srm_lint::baseline::parse(&text).map_err(|e| format!("{display}: {e}"))?;
        srm_lint::baseline::apply(report, &b, &display);
    }
    Ok(added)
}

/// Renders the report in the chosen format and decides the exit code.
fn render(
    args: &ScanArgs,
    settings: &Settings,
    report: &Report,
    sources: &SourceMap,
    catalog: &Catalog,
    had_errors: bool,
    clock: &mut Clock,
) -> ExitCode {
    let (color, to_terminal) = colour(args);
    let style = report::pretty::Style {
        color,
        unicode: to_terminal || color,
    };
    let failing = failing(
        report,
        settings.fail_on,
        args.fail_on_severity.map(Into::into),
    );
    let code = if had_errors {
        ExitCode::from(2)
    } else if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // Extra outputs first (files, never coloured); a write error there is a tool error.
    for (format, path) in args.extra_outputs() {
        let plain = report::pretty::Style {
            color: false,
            unicode: false,
        };
        if emit(Some(path), ExitCode::SUCCESS, |w| {
            write_format(args, format, false, report, sources, catalog, plain, w)
        }) != ExitCode::SUCCESS
        {
            return ExitCode::from(2);
        }
    }
    clock.lap("render (extra outputs)");
    let code = emit(args.main_output(), code, |w| {
        write_format(
            args,
            args.format,
            args.quiet,
            report,
            sources,
            catalog,
            style,
            w,
        )
    });
    clock.lap("render + write");
    code
}

/// How many findings fail the run: those `fail_on` counts, of at least `min` severity. With
/// `--fail-on unverified`, each notice saying resources are not checked counts too, whatever
/// `min` is (what was not checked has no severity, and may hold any).
fn failing(report: &Report, fail_on: FailOn, min: Option<srm_lint::catalog::Severity>) -> usize {
    let unchecked = match fail_on {
        FailOn::Unverified => report
            .notices
            .iter()
            .filter(|n| n.kind == srm_lint::model::NoticeKind::NotChecked)
            .count(),
        FailOn::Unaddressed | FailOn::Never => 0,
    };
    unchecked + failing_findings(report, fail_on, min)
}

/// How many findings `fail_on` counts, of at least `min` severity.
fn failing_findings(
    report: &Report,
    fail_on: FailOn,
    min: Option<srm_lint::catalog::Severity>,
) -> usize {
    let counted = |v: Verdict| match fail_on {
        FailOn::Unaddressed => v == Verdict::Unaddressed,
        FailOn::Unverified => matches!(v, Verdict::Unaddressed | Verdict::Unverified),
        FailOn::Never => false,
    };
    match min {
        None => match fail_on {
            FailOn::Unaddressed => report.count(Verdict::Unaddressed),
            FailOn::Unverified => {
                report.count(Verdict::Unaddressed) + report.count(Verdict::Unverified)
            }
            FailOn::Never => 0,
        },
        Some(min) => report
            .findings()
            .into_iter()
            .filter(|(_, c)| counted(c.verdict) && c.severity >= min)
            .count(),
    }
}

/// Writes `report` in `format` (with the Markdown limit and SARIF category of `args`). `quiet`
/// (`--quiet`, the main report only: a FORMAT=PATH file is whole) trims the terminal formats.
#[allow(clippy::too_many_arguments)]
fn write_format(
    args: &ScanArgs,
    format: Format,
    quiet: bool,
    report: &Report,
    sources: &SourceMap,
    catalog: &Catalog,
    style: report::pretty::Style,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Compact => w.write_all(report::compact::render_with(report, quiet).as_bytes()),
        Format::Markdown => {
            w.write_all(report::markdown::render_within(report, args.max_markdown).as_bytes())
        }
        Format::Github => w.write_all(report::github::render(report).as_bytes()),
        Format::Junit => w.write_all(report::junit::render(report).as_bytes()),
        Format::Pretty => report::pretty::write_with(report, sources, catalog, style, quiet, w),
        Format::Sarif => report::sarif::write_with(report, catalog, &args.sarif_category, w),
        Format::Json => report::json::write(report, w),
        Format::Csv => report::csv::write(report, w),
        Format::Html => report::html::write(report, catalog, w),
    }
}
