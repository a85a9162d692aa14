//! The command line's flags (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The glyphs and words of the terminal report, shown after `--help`.
pub const LEGEND: &str = "\
Glyphs (terminal report; the ASCII one when the output is not a terminal):
  × (x)  error    an unaddressed duty of critical or high severity; a tool error
  ⚠ (!)  warning  an unaddressed medium duty, or any unverified duty
  ☞ (>)  note     an unaddressed low or info duty
Verdicts:
  unaddressed  the code does not address the duty (a finding)
  unverified   a value the duty depends on is unknown (a finding; never counted as proof)
  attestation  code cannot prove the duty; someone must attest it
  attested, suppressed, addressed  covered by an attestation, a suppression, the code
Exit codes: 0 nothing fails (see --fail-on, --fail-on-severity), 1 findings fail, 2 tool error";

/// Derives the customer's side of the AWS Shared Responsibility Model from Terraform and
/// CloudFormation, and reports every duty the code leaves unaddressed.
#[derive(Parser, Debug)]
#[command(
    name = "srm-lint",
    version,
    args_conflicts_with_subcommands = true,
    after_help = LEGEND
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
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
        /// Print the next free duty id of a service (`s3` → `SRM-S3-024`) and exit.
        #[arg(long = "next-id", value_name = "SERVICE")]
        next_id: Option<String>,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum CatalogFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
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
    /// JUnit XML (GitLab, Jenkins, Azure DevOps test reports).
    Junit,
    /// The responsibility matrix: one row per (resource, duty).
    Csv,
    /// The responsibility report: one self-contained HTML page.
    Html,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
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
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when a duty is unaddressed (default).
    Unaddressed,
    /// Exit 1 when a duty is unaddressed or unverified, or when resources are not checked (a
    /// module or nested stack that is not fetched: its notice counts).
    Unverified,
    /// Never exit 1 for findings.
    Never,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Pretty)]
    pub format: Format,
    /// Write the report to this file instead of standard output; or, as FORMAT=PATH
    /// (repeatable), also write that format to that file in the same run
    /// (`-o sarif=srm.sarif -o junit=srm.xml`).
    #[arg(long, short = 'o', value_parser = parse_output)]
    pub output: Vec<OutputArg>,
    /// Largest Markdown report, in bytes (so in characters too): 65536 by default, the size of
    /// a pull-request comment; 0 for no limit. A longer report keeps the counts (by verdict,
    /// severity and duty) and the most severe findings, and says how many were left out.
    #[arg(long, value_name = "BYTES", default_value_t = srm_lint::report::markdown::COMMENT_LIMIT)]
    pub max_markdown: usize,
    /// SARIF category: every run's `automationDetails.id` is `srm-lint/CATEGORY/` (`srm-lint/`
    /// when empty); a report split into several runs (25,000 results each) adds `part-N/`.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub sarif_category: String,
    /// Terraform variable file (repeatable; later files win).
    #[arg(long = "var-file")]
    pub var_files: Vec<PathBuf>,
    /// Terraform variable, NAME=VALUE (repeatable; wins over files).
    #[arg(long = "var", value_parser = parse_pair)]
    pub vars: Vec<(String, String)>,
    /// CloudFormation parameter, NAME=VALUE (repeatable).
    #[arg(long = "parameter", value_parser = parse_pair)]
    pub parameters: Vec<(String, String)>,
    /// CloudFormation parameters file (`[{"ParameterKey":…,"ParameterValue":…}]` or `{"Name": "Value"}`).
    #[arg(long = "parameters-file")]
    pub parameters_file: Option<PathBuf>,
    /// Skip paths matching this glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Skip files larger than this many bytes (reported as errors).
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// Which findings make the exit code 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Only findings of at least this severity make the exit code 1 (all are still reported).
    #[arg(long, value_enum)]
    pub fail_on_severity: Option<SeverityArg>,
    /// Colour: auto (terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Configuration file (default: the nearest .srm-lint.toml above the first path).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Report only findings that are not recorded in this baseline file.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file.
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
    /// Attestation file (default: .srm-lint/attestations.toml beside the configuration).
    #[arg(long)]
    pub attestations: Option<PathBuf>,
    /// Only evaluate these duties (ids, slugs or `SRM-S3-*` prefixes; repeatable or
    /// comma-separated). A pattern that matches no duty is an error.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not evaluate these duties (ids, slugs or prefixes; repeatable or comma-separated). A
    /// pattern that matches no duty is an error.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Only evaluate duties of at least this severity.
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
    /// CloudFormation Guard rule file, or directory of `.guard` files (repeatable): the rules are
    /// checked over CloudFormation templates and Terraform resources.
    #[arg(long = "guard-rules")]
    pub guard_rules: Vec<PathBuf>,
    /// Only read and parse the files (benchmark floor).
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// The run's date, YYYY-MM-DD (default: today, or `SRM_LINT_TODAY`): end-of-support dates
    /// (Lambda runtimes, EKS versions) and attestation expiry are judged against it.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Let a directory with no Terraform or CloudFormation file pass (exit 0); by default a
    /// scan that finds nothing to check is a tool error (exit 2).
    #[arg(long)]
    pub allow_empty: bool,
    /// Print only findings and errors: no notices, unused-suppression warnings or summary
    /// (`pretty` and `compact` formats; the others are unaffected). Exit codes are unchanged.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print how long each stage took (and the peak memory) to stderr.
    #[arg(long)]
    pub timings: bool,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// One `--output`: a path for the main format, or FORMAT=PATH for an extra one.
#[derive(Clone, Debug)]
pub enum OutputArg {
    /// The main report goes here instead of standard output.
    Main(PathBuf),
    /// This format also goes to this file.
    Extra(Format, PathBuf),
}

impl ScanArgs {
    /// Where the main report goes (`None`: standard output); the last plain `--output` wins.
    pub fn main_output(&self) -> Option<&std::path::Path> {
        self.output.iter().rev().find_map(|o| match o {
            OutputArg::Main(p) => Some(p.as_path()),
            OutputArg::Extra(..) => None,
        })
    }

    /// The extra outputs: each format and its file.
    pub fn extra_outputs(&self) -> impl Iterator<Item = (Format, &std::path::Path)> {
        self.output.iter().filter_map(|o| match o {
            OutputArg::Extra(f, p) => Some((*f, p.as_path())),
            OutputArg::Main(_) => None,
        })
    }
}

/// `PATH` or `FORMAT=PATH` (FORMAT one of the `--format` names).
fn parse_output(s: &str) -> Result<OutputArg, String> {
    if let Some((name, path)) = s.split_once('=') {
        if let Ok(format) = <Format as ValueEnum>::from_str(name, true) {
            if path.is_empty() {
                return Err(format!("`{s}`: no path after `{name}=`"));
            }
            return Ok(OutputArg::Extra(format, PathBuf::from(path)));
        }
    }
    Ok(OutputArg::Main(PathBuf::from(s)))
}
