//! Flags and the configuration file (`.srm-lint.toml`) merged into what one scan run needs.
//! Flags win over the file; paths in the file are relative to it.

use super::args::{ColorChoice, FailOn, ScanArgs};
use srm_lint::config::{Config, Loaded};
use srm_lint::gate::{Gate, Want};
use srm_lint::ScanOptions;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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
        let gate = Gate::for_roots(&args.paths);
        let mut loaded = srm_lint::config::load(args.config.as_deref(), &start, &gate)
            .map_err(|e| e.to_string())?;
        let named =
            |p: &toml::Spanned<PathBuf>, want| loaded.named(p, want).map_err(|e| e.to_string());
        let mut policy_files = Vec::new();
        for d in &loaded.config.policy_dirs {
            let dir = named(d, Want::Dir)?;
            policy_files.extend(srm_lint::catalog::Catalog::load_dir(&dir, loaded.gate())?);
        }
        let mut guard_paths = args.guard_rules.clone();
        for p in &loaded.config.guard_rules {
            let is_dir = loaded.resolve(p.get_ref()).is_dir();
            let path = named(p, if is_dir { Want::Dir } else { Want::File })?;
            if !is_dir {
                guard_paths.push(path);
                continue;
            }
            // A directory from the tree: its rule files are expanded here, each through the gate.
            let (files, refused) = Gate::files_under(loaded.gate(), &path, &["guard", "ruleset"]);
            if let Some((f, why)) = refused.first() {
                return Err(format!("{}: {why}", srm_lint::discover::display_path(f)));
            }
            guard_paths.extend(files);
        }
        let attestations = match (&args.attestations, &loaded.config.attestations) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(p)) => Some(named(p, Want::File)?),
            (None, None) => loaded.default_file(Path::new(srm_lint::attest::DEFAULT_PATH))?,
        };
        let baseline = match &args.write_baseline {
            Some(_) => None,
            None => match (&args.baseline, &loaded.config.baseline) {
                (Some(p), _) => Some(p.clone()),
                (None, Some(p)) => Some(named(p, Want::File)?),
                (None, None) => None,
            },
        };
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
            allow_empty: args.allow_empty,
            date: None,
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
    let to_terminal = args.main_output().is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    (color, to_terminal)
}
