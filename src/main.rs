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
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    max_file_size: u64,
    /// Which findings make the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Unaddressed)]
    fail_on: FailOn,
    /// Colour: auto (terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
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

fn run_scan(args: ScanArgs, catalog: &Catalog) -> ExitCode {
    let mut parameters: std::collections::BTreeMap<String, String> = Default::default();
    if let Some(p) = &args.parameters_file {
        match srm_lint::params::read_parameters_file(p) {
            Ok(map) => parameters.extend(map),
            Err(e) => {
                eprintln!("srm-lint: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        }
    }
    parameters.extend(args.parameters.iter().cloned());
    let opts = ScanOptions {
        paths: args.paths.clone(),
        exclude: args.exclude.clone(),
        var_files: args.var_files.clone(),
        vars: args.vars.clone(),
        parameters,
        max_file_size: args.max_file_size,
        parse_only: args.parse_only,
    };
    let result = scan(&opts, catalog);
    let report = Report::build(&result, catalog);
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
            catalog,
            report::pretty::Style {
                color,
                unicode: to_terminal || color,
            },
        ),
        Format::Compact => report::compact::render(&report),
        Format::Json => report::json::render(&report),
        Format::Sarif => report::sarif::render(&report, catalog),
        Format::Markdown => report::markdown::render(&report),
        Format::Github => report::github::render(&report),
    };
    let failing = match args.fail_on {
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
