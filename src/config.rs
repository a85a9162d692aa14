//! `.srm-lint.toml`: project configuration, found upward from the scan root (or given with
//! `--config`). Unknown keys are errors with their location.

use crate::catalog::Severity;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The configuration file's content.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Only these duties (ids, slugs or `SRM-S3-*` prefixes) are evaluated.
    #[serde(default)]
    pub select: Vec<String>,
    /// These duties (ids, slugs or prefixes) are not evaluated.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Duties below this severity are not evaluated.
    #[serde(default)]
    pub min_severity: Option<Severity>,
    /// Paths to skip (gitignore-style globs).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// More policy directories, relative to the config file.
    #[serde(default)]
    pub policy_dirs: Vec<PathBuf>,
    /// Attestation file, relative to the config file (default `.srm-lint/attestations.toml`).
    #[serde(default)]
    pub attestations: Option<PathBuf>,
    /// `unaddressed` (default), `unverified` or `never`.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Size limit in bytes.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Baseline file, relative to the config file.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// CloudFormation Guard rule files or directories, relative to the config file (needs the
    /// `guard` feature).
    #[serde(default)]
    pub guard_rules: Vec<PathBuf>,
    /// The most years after today an attestation's `until` may be (default 3).
    #[serde(default)]
    pub max_attestation_years: Option<u32>,
}

/// A configuration error with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

/// A loaded configuration and where it came from.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The settings.
    pub config: Config,
    /// The file (None when no file was found).
    pub path: Option<PathBuf>,
}

impl Loaded {
    /// A path from the config, resolved relative to the config file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_ref().and_then(|c| c.parent()) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// File name looked for.
pub const FILE_NAME: &str = ".srm-lint.toml";

/// Finds `.srm-lint.toml` in `start` (a file's directory, or a directory) or any parent.
pub fn find(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).ok()?;
    let mut dir = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

/// Parses a configuration text.
pub fn parse(text: &str, display: &str) -> Result<Config, ConfigError> {
    toml::from_str::<Config>(text)
        .map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let f = crate::source::SourceFile::new(
                        0,
                        String::new(),
                        PathBuf::new(),
                        text.to_string(),
                    );
                    let lc = f.line_col(span.start);
                    (lc.line, lc.column)
                }
                None => (1, 1),
            };
            ConfigError {
                path: display.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })
        .and_then(|c| {
            if let Some(f) = &c.fail_on {
                if !matches!(f.as_str(), "unaddressed" | "unverified" | "never") {
                    return Err(ConfigError {
                        path: display.to_string(),
                        line: 1,
                        column: 1,
                        message: format!(
                            "fail_on must be unaddressed, unverified or never, not `{f}`"
                        ),
                    });
                }
            }
            Ok(c)
        })
}

/// Loads the configuration: `explicit` if given, else the nearest `.srm-lint.toml` above `start`.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Loaded, ConfigError> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find(start),
    };
    let Some(path) = path else {
        return Ok(Loaded::default());
    };
    let display = crate::discover::display_path(&path);
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
        path: display.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read: {e}"),
    })?;
    let config = parse(&text, &display)?;
    Ok(Loaded {
        config,
        path: Some(path),
    })
}

/// Whether `id`/`slug` matches a select/ignore pattern (exact id, exact slug, or a `*` prefix).
pub fn matches(pattern: &str, id: &str, slug: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix) || slug.starts_with(prefix),
        None => pattern == id || pattern == slug,
    }
}

impl Config {
    /// Whether a duty is evaluated under this configuration.
    pub fn keeps(&self, id: &str, slug: &str, severity: Severity) -> bool {
        if !self.select.is_empty() && !self.select.iter().any(|p| matches(p, id, slug)) {
            return false;
        }
        if self.ignore.iter().any(|p| matches(p, id, slug)) {
            return false;
        }
        self.min_severity.is_none_or(|m| severity >= m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_located() {
        let err = parse(
            "select = [\"SRM-S3-*\"]\ndisabel = [\"x\"]\n",
            ".srm-lint.toml",
        )
        .unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(
            err.message.contains("unknown field `disabel`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn select_ignore_and_severity_filter_duties() {
        let c = parse("select = [\"SRM-S3-*\"]\nignore = [\"s3-bucket-versioning-disabled\"]\nmin_severity = \"medium\"\n", "x").unwrap();
        assert!(c.keeps("SRM-S3-001", "a", Severity::High));
        assert!(!c.keeps(
            "SRM-S3-004",
            "s3-bucket-versioning-disabled",
            Severity::High
        ));
        assert!(!c.keeps("SRM-EC2-001", "b", Severity::High));
        assert!(!c.keeps("SRM-S3-002", "c", Severity::Low));
    }
}
