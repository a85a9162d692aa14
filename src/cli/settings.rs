//! Flags and the configuration file (`.srm-lint.toml`) merged into what one scan run needs.
//! Flags win over the file; paths in the file are relative to it.

use super::args::{ColorChoice, FailOn, ScanArgs};
use srm_lint::config::{Config, Loaded};
use srm_lint::ScanOptions;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Everything a scan run was told, resolved.
pub struct Settings {
    /// The configuration file as loaded (resolves its relative paths), with the duty filter of
    /// the flags merged in (`select`, `ignore`, `min_severity`).
    pub loaded: Loaded,
    /// The engine's options.
    pub scan: ScanOptions,
    /// Policy files of the configuration's policy directories.
    pub policy_files: Vec<(String, String)>,
    /// Guard rule files or directories.
    pub guard_paths: Vec<PathBuf>,
    /// The attestation file to apply, if any.
    pub attestations: Option<PathBuf>,
    /// The baseline to filter by, if any (not when one is being written).
    pub baseline: Option<PathBuf>,
    /// Which findings fail the run.
    pub fail_on: FailOn,
}

impl Settings {
    /// Merges `args` with the configuration file it names or the nearest one; `Err` is the
    /// message of a tool error.
    pub fn resolve(args: &ScanArgs) -> Result<Settings, String> {
        let start = args
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let mut loaded =
            srm_lint::config::load(args.config.as_deref(), &start).map_err(|e| e.to_string())?;
        let mut policy_files = Vec::new();
        for d in &loaded.config.policy_dirs {
            policy_files.extend(srm_lint::catalog::Catalog::load_dir(&loaded.resolve(d)));
        }
        let cfg: &mut Config = &mut loaded.config;
        cfg.select.extend(args.select.iter().cloned());
        cfg.ignore.extend(args.ignore.iter().cloned());
        if let Some(s) = args.min_severity {
            cfg.min_severity = Some(s.into());
        }
        let cfg = &loaded.config;
        let mut parameters: std::collections::BTreeMap<String, String> = Default::default();
        if let Some(p) = &args.parameters_file {
            let map = srm_lint::params::read_parameters_file(p)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            parameters.extend(map);
        }
        parameters.extend(args.parameters.iter().cloned());
        let mut exclude = cfg.exclude.clone();
        exclude.extend(args.exclude.iter().cloned());
        let scan = ScanOptions {
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
        let attestations = match (&args.attestations, &cfg.attestations) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(p)) => Some(loaded.resolve(p)),
            (None, None) => {
                Some(loaded.resolve(std::path::Path::new(srm_lint::attest::DEFAULT_PATH)))
                    .filter(|p| p.is_file())
            }
        };
        let baseline = match &args.write_baseline {
            Some(_) => None,
            None => args
                .baseline
                .clone()
                .or_else(|| cfg.baseline.as_ref().map(|p| loaded.resolve(p))),
        };
        let fail_on = args.fail_on.unwrap_or(match cfg.fail_on.as_deref() {
            Some("unverified") => FailOn::Unverified,
            Some("never") => FailOn::Never,
            _ => FailOn::Unaddressed,
        });
        Ok(Settings {
            scan,
            policy_files,
            guard_paths,
            attestations,
            baseline,
            fail_on,
            loaded,
        })
    }
}

/// Whether to colour the output, and whether it goes to a terminal.
pub fn colour(args: &ScanArgs) -> (bool, bool) {
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    (color, to_terminal)
}
