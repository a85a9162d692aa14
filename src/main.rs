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
use srm_lint::report::{self, Report};
use srm_lint::{scan, ScanOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("srm-lint: policy error: {e}");
            }
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(Command::Explain { duty }) => match catalog.duty(&duty) {
            Some(d) => emit(
                None,
                &srm_lint::docs::explain(d, &catalog),
                ExitCode::SUCCESS,
            ),
            None => {
                eprintln!("srm-lint: no duty `{duty}` (see `srm-lint catalog`)");
                ExitCode::from(2)
            }
        },
        Some(Command::Catalog { format }) => {
            let text = match format {
                CatalogFormat::Text => srm_lint::docs::catalog_text(&catalog),
                CatalogFormat::Json => srm_lint::docs::catalog_json(&catalog),
                CatalogFormat::Markdown => srm_lint::docs::catalog_markdown(&catalog),
            };
            emit(None, &text, ExitCode::SUCCESS)
        }
        None => run_scan(cli.scan, &catalog),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("srm-lint: {message}");
    ExitCode::from(2)
}

fn run_scan(args: ScanArgs, builtin: &Catalog) -> ExitCode {
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
    let mut catalog = if cfg.policy_dirs.is_empty() {
        builtin.clone()
    } else {
        let mut files = Catalog::embedded_files();
        for d in &cfg.policy_dirs {
            files.extend(Catalog::load_dir(&loaded.resolve(d)));
        }
        match Catalog::from_files(files) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    eprintln!("srm-lint: policy error: {e}");
                }
                return ExitCode::from(2);
            }
        }
    };
    let mut filter = cfg.clone();
    filter.select.extend(args.select.iter().cloned());
    filter.ignore.extend(args.ignore.iter().cloned());
    if let Some(s) = args.min_severity {
        filter.min_severity = Some(s.into());
    }
    catalog.retain_duties(|d| filter.keeps(&d.id, &d.slug, d.severity));

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
    #[allow(unused_mut)]
    let mut result = scan(&opts, &catalog);
    #[cfg(feature = "guard")]
    if !guard_paths.is_empty() && !args.parse_only {
        srm_lint::guard::run(&mut result, &guard_paths, &mut catalog, |d| {
            filter.keeps(&d.id, &d.slug, d.severity)
        });
    }
    let mut report = Report::build(&result, &catalog);

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
        Format::Pretty => report::pretty::render(
            &report,
            &result.sources,
            &catalog,
            report::pretty::Style {
                color,
                unicode: to_terminal || color,
            },
        ),
        Format::Compact => report::compact::render(&report),
        Format::Json => report::json::render(&report),
        Format::Sarif => report::sarif::render(&report, &catalog),
        Format::Markdown => report::markdown::render(&report),
        Format::Github => report::github::render(&report),
    };
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
    let code = if result.has_errors() {
        ExitCode::from(2)
    } else if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    emit(args.output.as_deref(), &text, code)
}

/// Writes the output; a closed pipe (`srm-lint … | head`) is a normal end.
fn emit(output: Option<&std::path::Path>, text: &str, code: ExitCode) -> ExitCode {
    let result = match output {
        Some(path) => std::fs::write(path, text),
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            lock.write_all(text.as_bytes()).and_then(|_| lock.flush())
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
