//! The `srm-lint` command line: a thin layer that parses flags, runs the engine and renders.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use srm_lint::catalog::Catalog;
use srm_lint::evaluate::Verdict;
use srm_lint::outcome::Lap;
use srm_lint::report::{self, Report};
use srm_lint::ScanOptions;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// mimalloc: the scan allocates many small, short-lived nodes from several threads, where
/// glibc malloc spent a fifth of the run (measured with perf on the corpus).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Derives the customer's side of the AWS Shared Responsibility Model from Terraform and
/// CloudFormation, and reports every duty the code leaves unaddressed.
#[derive(Parser, Debug)]
#[command(name = "srm-lint", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    scan: ScanArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a duty's documentation.
    Explain {
        /// Duty id (SRM-S3-004) or slug.
        duty: String,
    },
    /// List every resource type and duty of the catalog.
    Catalog {
        /// Output format.
        #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
        format: CatalogFormat,
        /// More policy directories (your own duties), read beside the built-in catalog.
        #[arg(long = "policies", value_name = "DIR")]
        policies: Vec<PathBuf>,
        /// Read the whole catalog from this directory instead of the one built in (a checkout's
        /// `policies/` being edited, checked without rebuilding srm-lint).
        #[arg(long = "catalog-dir", value_name = "DIR")]
        catalog_dir: Option<PathBuf>,
        /// Check the duties instead of listing them: documentation, references, and every
        /// example's verdict and location (only the `--policies` duties when given). Exit 1 on
        /// a problem.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum CatalogFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Diagnostics with source snippets (default).
    Pretty,
    /// One line per finding.
    Compact,
    /// The JSON contract.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Markdown (pull-request comment, job summary).
    Markdown,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for srm_lint::catalog::Severity {
    fn from(s: SeverityArg) -> Self {
        use srm_lint::catalog::Severity as S;
        match s {
            SeverityArg::Info => S::Info,
            SeverityArg::Low => S::Low,
            SeverityArg::Medium => S::Medium,
            SeverityArg::High => S::High,
            SeverityArg::Critical => S::Critical,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Exit 1 when a duty is unaddressed (default).
    Unaddressed,
    /// Exit 1 when a duty is unaddressed or unverified.
    Unverified,
    /// Never exit 1 for findings.
    Never,
}

#[derive(Args, Debug)]
struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Pretty)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Terraform variable file (repeatable; later files win).
    #[arg(long = "var-file")]
    var_files: Vec<PathBuf>,
    /// Terraform variable, NAME=VALUE (repeatable; wins over files).
    #[arg(long = "var", value_parser = parse_pair)]
    vars: Vec<(String, String)>,
    /// CloudFormation parameter, NAME=VALUE (repeatable).
    #[arg(long = "parameter", value_parser = parse_pair)]
    parameters: Vec<(String, String)>,
    /// CloudFormation parameters file (`[{"ParameterKey":…,"ParameterValue":…}]` or `{"Name": "Value"}`).
    #[arg(long = "parameters-file")]
    parameters_file: Option<PathBuf>,
    /// Skip paths matching this glob (repeatable).
    #[arg(long)]
    exclude: Vec<String>,
    /// Skip files larger than this many bytes (reported as errors).
    #[arg(long)]
    max_file_size: Option<u64>,
    /// Which findings make the exit code 1.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Colour: auto (terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Configuration file (default: the nearest .srm-lint.toml above the first path).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Report only findings that are not recorded in this baseline file.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file.
    #[arg(long)]
    write_baseline: Option<PathBuf>,
    /// Attestation file (default: .srm-lint/attestations.toml beside the configuration).
    #[arg(long)]
    attestations: Option<PathBuf>,
    /// Only evaluate these duties (ids, slugs or `SRM-S3-*` prefixes; repeatable).
    #[arg(long)]
    select: Vec<String>,
    /// Do not evaluate these duties (ids, slugs or prefixes; repeatable).
    #[arg(long)]
    ignore: Vec<String>,
    /// Only evaluate duties of at least this severity.
    #[arg(long, value_enum)]
    min_severity: Option<SeverityArg>,
    /// CloudFormation Guard rule file, or directory of `.guard` files (repeatable): the rules are
    /// checked over CloudFormation templates and Terraform resources.
    #[arg(long = "guard-rules")]
    guard_rules: Vec<PathBuf>,
    /// Only read and parse the files (benchmark floor).
    #[arg(long, hide = true)]
    parse_only: bool,
    /// Print how long each stage took (and the peak memory) to stderr.
    #[arg(long)]
    timings: bool,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let command = match cli.command {
        Some(c) => c,
        None => return run_scan(cli.scan, started),
    };
    let (extra, base) = match &command {
        Command::Catalog {
            policies,
            catalog_dir,
            ..
        } => (policies.clone(), catalog_dir.clone()),
        Command::Explain { .. } => (Vec::new(), None),
    };
    let mut policy_files = Vec::new();
    for dir in &extra {
        if !dir.is_dir() {
            return fail(format!("{}: not a policy directory", dir.display()));
        }
        policy_files.extend(Catalog::load_dir(dir));
    }
    let built = match &base {
        Some(dir) if !dir.is_dir() => {
            return fail(format!("{}: not a policy directory", dir.display()))
        }
        Some(dir) => {
            let mut files = Catalog::load_dir(dir);
            files.extend(policy_files);
            Catalog::from_files(files)
        }
        None if policy_files.is_empty() => Catalog::builtin(),
        None => Catalog::builtin_with(policy_files),
    };
    let catalog = match built {
        Ok(c) => c,
        Err(errors) => return policy_errors(errors),
    };
    match command {
        Command::Explain { duty } => match catalog.duty(&duty) {
            Some(d) => {
                let text = srm_lint::docs::explain(d, &catalog);
                emit(None, ExitCode::SUCCESS, |w| w.write_all(text.as_bytes()))
            }
            None => {
                eprintln!("srm-lint: no duty `{duty}` (see `srm-lint catalog`)");
                ExitCode::from(2)
            }
        },
        Command::Catalog { check: true, .. } => check_catalog(&catalog, !extra.is_empty()),
        Command::Catalog { format, .. } => {
            let text = match format {
                CatalogFormat::Text => srm_lint::docs::catalog_text(&catalog),
                CatalogFormat::Json => srm_lint::docs::catalog_json(&catalog),
                CatalogFormat::Markdown => srm_lint::docs::catalog_markdown(&catalog),
            };
            emit(None, ExitCode::SUCCESS, |w| w.write_all(text.as_bytes()))
        }
    }
}

/// `srm-lint catalog --check`: problems on standard output, a count on standard error.
fn check_catalog(catalog: &Catalog, only_extra: bool) -> ExitCode {
    let builtin: std::collections::HashSet<String> = match (only_extra, Catalog::builtin()) {
        (true, Ok(b)) => b.duties.into_iter().map(|d| d.id).collect(),
        _ => Default::default(),
    };
    let outcome = srm_lint::harness::check(catalog, |d| !builtin.contains(&d.id));
    let mut text = String::new();
    for p in &outcome.problems {
        text.push_str(&srm_lint::report::escape_control(p));
        text.push('\n');
    }
    eprintln!(
        "srm-lint: {} examples run, {} problems",
        outcome.examples,
        outcome.problems.len()
    );
    let code = if outcome.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    emit(None, code, |w| w.write_all(text.as_bytes()))
}

fn policy_errors(errors: Vec<srm_lint::catalog::CatalogError>) -> ExitCode {
    for e in errors {
        eprintln!("srm-lint: policy error: {e}");
    }
    ExitCode::from(2)
}

/// The catalog of a run, built on its own thread while the files are read and parsed (building
/// it is most of a one-file run's start-up, and the scan needs it only to evaluate). The scan
/// asks for it when its first unit is ready to evaluate; whoever asks first waits for it.
struct PendingCatalog {
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<CatalogResult>>>,
    result: std::sync::OnceLock<CatalogResult>,
}

type CatalogResult = Result<Catalog, Vec<srm_lint::catalog::CatalogError>>;

impl PendingCatalog {
    /// Starts `job` on its own thread; a copy of the job runs here if no thread can be started.
    fn start(job: impl FnOnce() -> CatalogResult + Send + Clone + 'static) -> PendingCatalog {
        let pending = PendingCatalog {
            thread: std::sync::Mutex::new(None),
            result: std::sync::OnceLock::new(),
        };
        match std::thread::Builder::new()
            .name("srm-lint-catalog".into())
            .spawn(job.clone())
        {
            Ok(h) => {
                *pending.thread.lock().unwrap_or_else(|p| p.into_inner()) = Some(h);
            }
            Err(_) => {
                let _ = pending.result.set(job());
            }
        }
        pending
    }

    /// The catalog or its errors, waiting for the thread if it is still building.
    fn get(&self) -> &CatalogResult {
        if let Some(r) = self.result.get() {
            return r;
        }
        // Whoever holds the lock joins; the others wait on the lock, then find the result.
        let mut thread = self.thread.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(h) = thread.take() {
            let r = h.join().unwrap_or_else(|_| not_built());
            let _ = self.result.set(r);
        }
        drop(thread);
        self.result.get_or_init(not_built)
    }

    fn wait(self) -> CatalogResult {
        self.get();
        self.result.into_inner().unwrap_or_else(not_built)
    }
}

/// The result of a catalog thread that died (it cannot panic on input, but be safe).
fn not_built() -> CatalogResult {
    Err(vec![srm_lint::catalog::CatalogError {
        path: "policies".into(),
        message: "the catalog could not be built".into(),
    }])
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("srm-lint: {message}");
    ExitCode::from(2)
}

fn run_scan(args: ScanArgs, started: Instant) -> ExitCode {
    let mut laps = Laps::new(started);
    let start = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let loaded = match srm_lint::config::load(args.config.as_deref(), &start) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let cfg = &loaded.config;
    // The catalog: built in, plus the configuration's policy directories, filtered.
    let mut filter = cfg.clone();
    filter.select.extend(args.select.iter().cloned());
    filter.ignore.extend(args.ignore.iter().cloned());
    if let Some(s) = args.min_severity {
        filter.min_severity = Some(s.into());
    }
    let mut policy_files = Vec::new();
    for d in &cfg.policy_dirs {
        policy_files.extend(Catalog::load_dir(&loaded.resolve(d)));
    }
    let pending = {
        let filter = filter.clone();
        PendingCatalog::start(move || {
            let mut catalog = if policy_files.is_empty() {
                Catalog::builtin()?
            } else {
                Catalog::builtin_with(policy_files)?
            };
            catalog.retain_duties(|d| filter.keeps(&d.id, &d.slug, d.severity));
            Ok(catalog)
        })
    };
    laps.lap("configuration");

    let mut parameters: std::collections::BTreeMap<String, String> = Default::default();
    if let Some(p) = &args.parameters_file {
        match srm_lint::params::read_parameters_file(p) {
            Ok(map) => parameters.extend(map),
            Err(e) => return fail(format!("{}: {e}", p.display())),
        }
    }
    parameters.extend(args.parameters.iter().cloned());
    let mut exclude = cfg.exclude.clone();
    exclude.extend(args.exclude.iter().cloned());
    let opts = ScanOptions {
        paths: args.paths.clone(),
        exclude,
        var_files: args.var_files.clone(),
        vars: args.vars.clone(),
        parameters,
        max_file_size: args
            .max_file_size
            .or(cfg.max_file_size)
            .unwrap_or(10 * 1024 * 1024),
        parse_only: args.parse_only,
    };
    let mut guard_paths = args.guard_rules.clone();
    guard_paths.extend(cfg.guard_rules.iter().map(|p| loaded.resolve(p)));
    #[cfg(not(feature = "guard"))]
    if !guard_paths.is_empty() {
        return fail("srm-lint was built without Guard support; rebuild with --features guard");
    }
    // Each unit is evaluated as soon as it is adapted, unless Guard rules need the resource
    // bodies afterwards.
    let mut result = if guard_paths.is_empty() {
        srm_lint::collect_with(&opts, &|| pending.get().as_ref().ok())
    } else {
        srm_lint::collect(&opts)
    };
    laps.extend(&result.timings);
    #[allow(unused_mut)]
    let mut catalog = match pending.wait() {
        Ok(c) => c,
        Err(errors) => return policy_errors(errors),
    };
    laps.lap("catalog (built meanwhile)");
    let evaluated = result.timings.len();
    result.evaluate(&catalog);
    laps.extend(result.timings.get(evaluated..).unwrap_or_default());
    #[cfg(feature = "guard")]
    if !guard_paths.is_empty() && !args.parse_only {
        srm_lint::guard::run(&mut result, &guard_paths, &mut catalog, |d| {
            filter.keeps(&d.id, &d.slug, d.severity)
        });
    }
    // The report needs headers only: free the resource bodies before it is built.
    result.release_bodies();
    let had_errors = result.has_errors();
    // Only the sources are needed from here on (for snippets): the report takes the names and
    // messages, and the rest of the scan is freed.
    let (mut report, sources) = Report::build_from(result, &catalog);
    laps.lap("report");

    // Attestations.
    let att_path = match (&args.attestations, &cfg.attestations) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(p)) => Some(loaded.resolve(p)),
        (None, None) => Some(loaded.resolve(std::path::Path::new(srm_lint::attest::DEFAULT_PATH)))
            .filter(|p| p.is_file()),
    };
    if let Some(p) = att_path {
        let display = srm_lint::discover::display_path(&p);
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) => return fail(format!("{display}: cannot read attestations: {e}")),
        };
        match srm_lint::attest::parse(&text, &display) {
            Ok(a) => srm_lint::attest::apply(&mut report, &a, srm_lint::attest::today()),
            Err(e) => return fail(e),
        }
    }

    // Baseline.
    if let Some(p) = &args.write_baseline {
        let b = srm_lint::baseline::from_report(&report);
        if let Err(e) = std::fs::write(p, srm_lint::baseline::to_json(&b)) {
            return fail(format!("{}: cannot write baseline: {e}", p.display()));
        }
    }
    let baseline_path = args
        .baseline
        .clone()
        .or_else(|| cfg.baseline.as_ref().map(|p| loaded.resolve(p)));
    if let (Some(p), None) = (&baseline_path, &args.write_baseline) {
        let display = srm_lint::discover::display_path(p);
        let text = match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => return fail(format!("{display}: cannot read baseline: {e}")),
        };
        match srm_lint::baseline::parse(&text) {
            Ok(b) => {
                srm_lint::baseline::apply(&mut report, &b, &display);
            }
            Err(e) => return fail(format!("{display}: {e}")),
        }
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let text = match args.format {
        Format::Json | Format::Pretty | Format::Sarif => None,
        Format::Compact => Some(report::compact::render(&report)),
        Format::Markdown => Some(report::markdown::render(&report)),
        Format::Github => Some(report::github::render(&report)),
    };
    let style = report::pretty::Style {
        color,
        unicode: to_terminal || color,
    };
    laps.lap("render (buffered formats)");
    let fail_on = args.fail_on.unwrap_or(match cfg.fail_on.as_deref() {
        Some("unverified") => FailOn::Unverified,
        Some("never") => FailOn::Never,
        _ => FailOn::Unaddressed,
    });
    let failing = match fail_on {
        FailOn::Unaddressed => report.count(Verdict::Unaddressed),
        FailOn::Unverified => {
            report.count(Verdict::Unaddressed) + report.count(Verdict::Unverified)
        }
        FailOn::Never => 0,
    };
    let code = if had_errors {
        ExitCode::from(2)
    } else if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let code = emit(args.output.as_deref(), code, |w| {
        match (&text, args.format) {
            (Some(t), _) => w.write_all(t.as_bytes()),
            (None, Format::Pretty) => report::pretty::write(&report, &sources, &catalog, style, w),
            (None, Format::Sarif) => report::sarif::write(&report, &catalog, w),
            (None, _) => report::json::write(&report, w),
        }
    });
    laps.lap("render + write");
    if args.timings {
        eprint!("{}", laps.render());
    }
    // The process ends here: freeing the catalog, the report and every file's text one
    // allocation at a time would only delay the exit (measured: up to 4 ms of a 10 ms run).
    std::mem::forget((catalog, report, sources, text));
    code
}

/// Stage timings for `--timings`.
struct Laps {
    started: Instant,
    last: Instant,
    laps: Vec<Lap>,
}

impl Laps {
    fn new(started: Instant) -> Laps {
        Laps {
            started,
            last: started,
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push(Lap {
            stage,
            wall: now.duration_since(self.last),
            rss: srm_lint::outcome::resident_bytes(),
            beside: false,
        });
        self.last = now;
    }

    /// Adds the library's own stage timings (already elapsed).
    fn extend(&mut self, inner: &[Lap]) {
        let sum: Duration = inner.iter().filter(|l| !l.beside).map(|l| l.wall).sum();
        let now = Instant::now();
        let rest = now.duration_since(self.last).saturating_sub(sum);
        if rest >= Duration::from_micros(50) {
            self.laps.push(Lap {
                stage: "(between stages)",
                wall: rest,
                rss: None,
                beside: false,
            });
        }
        self.laps.extend_from_slice(inner);
        self.last = now;
    }

    fn render(&self) -> String {
        let mut out = String::from("srm-lint timings:\n");
        for l in &self.laps {
            let ms = l.wall.as_secs_f64() * 1e3;
            if l.beside {
                // Part of the stage above, run beside the other parts on the same workers.
                out.push_str(&format!("    {:<28} {ms:>9.1} ms  (beside)\n", l.stage));
                continue;
            }
            out.push_str(&format!("  {:<30} {ms:>9.1} ms", l.stage));
            if let Some(b) = l.rss {
                out.push_str(&format!("  {:>8.1} MB resident", b as f64 / 1048576.0));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "  {:<30} {:>9.1} ms\n",
            "total",
            self.started.elapsed().as_secs_f64() * 1e3
        ));
        if let Some(kb) = peak_rss_kb() {
            out.push_str(&format!(
                "  {:<30} {:>9.1} MB\n",
                "peak memory (RSS)",
                kb as f64 / 1024.0
            ));
        }
        out
    }
}

/// Peak resident set size, where the OS tells it (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the output; a closed pipe (`srm-lint … | head`) is a normal end.
fn emit(
    output: Option<&std::path::Path>,
    code: ExitCode,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> ExitCode {
    let result = match output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            write(&mut w)?;
            w.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            write(&mut lock).and_then(|_| lock.flush())
        }
    };
    match result {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("srm-lint: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}
