//! `.srm-lint.toml`: project configuration, found upward from the scan root (or given with
//! `--config`). Unknown keys are errors with their location.
//!
//! A configuration found inside the scanned tree is as untrusted as the rest of the tree: the
//! paths it names go through the [`Gate`] (relative, inside the tree, regular files or
//! directories) and a refused one is an error at its value. One given with `--config`, or found
//! above the tree, is the user's own and is trusted.

use crate::catalog::Severity;
use crate::gate::{Gate, Want};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

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
    pub policy_dirs: Vec<Spanned<PathBuf>>,
    /// Attestation file, relative to the config file (default `.srm-lint/attestations.toml`).
    #[serde(default)]
    pub attestations: Option<Spanned<PathBuf>>,
    /// `unaddressed` (default), `unverified` or `never`.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Size limit in bytes.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Baseline file, relative to the config file.
    #[serde(default)]
    pub baseline: Option<Spanned<PathBuf>>,
    /// CloudFormation Guard rule files or directories, relative to the config file (needs the
    /// `guard` feature).
    #[serde(default)]
    pub guard_rules: Vec<Spanned<PathBuf>>,
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
    /// The file's text (to locate errors about its values).
    text: String,
    /// The gate its paths must pass: `Some` when the file was found inside the scanned tree.
    gate: Option<Gate>,
}

impl Loaded {
    /// A path from the config, resolved relative to the config file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.path.as_ref().and_then(|c| c.parent()) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// The gate the paths of this file must pass (`None`: the file is the user's own).
    pub fn gate(&self) -> Option<&Gate> {
        self.gate.as_ref()
    }

    /// A path named by the file, resolved, and admitted by the gate when the file is from the
    /// scanned tree; `Err` is located at the value.
    pub fn named(&self, p: &Spanned<PathBuf>, want: Want) -> Result<PathBuf, ConfigError> {
        let Some(gate) = &self.gate else {
            return Ok(self.resolve(p.get_ref()));
        };
        let base = self
            .path
            .as_ref()
            .and_then(|c| c.parent())
            .unwrap_or(Path::new("."));
        gate.admit_named(base, p.get_ref(), want)
            .map(|_| self.resolve(p.get_ref()))
            .map_err(|why| {
                self.error_at(
                    p.span().start,
                    format!("`{}` is not read: {why}", p.get_ref().display()),
                )
            })
    }

    /// A default path relative to the file (or the working directory): `Ok(None)` when nothing
    /// is there, `Err` when something is there that the gate refuses.
    pub fn default_file(&self, rel: &Path) -> Result<Option<PathBuf>, String> {
        let p = self.resolve(rel);
        if std::fs::symlink_metadata(&p).is_err() {
            return Ok(None);
        }
        match &self.gate {
            Some(g) => g
                .admit(&p, Want::File)
                .map(|_| Some(p.clone()))
                .map_err(|why| format!("{}: {why}", crate::discover::display_path(&p))),
            None => Ok(p.is_file().then_some(p)),
        }
    }

    fn error_at(&self, offset: usize, message: String) -> ConfigError {
        let (line, column) = line_col(&self.text, offset);
        ConfigError {
            path: self
                .path
                .as_deref()
                .map(crate::discover::display_path)
                .unwrap_or_default(),
            line,
            column,
            message,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let f = crate::source::SourceFile::new(0, String::new(), PathBuf::new(), text.to_string());
    let lc = f.line_col(offset);
    (lc.line, lc.column)
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
        // Anything by that name counts (a link or a FIFO is then refused with an error, not
        // passed over for a file further up).
        if std::fs::symlink_metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
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
                Some(span) => line_col(text, span.start),
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

/// Loads the configuration: `explicit` if given (trusted), else the nearest `.srm-lint.toml`
/// above `start`, which is untrusted when it lies inside `gate`'s boundary (it is then read only
/// if the gate admits it, and so are the paths it names).
pub fn load(explicit: Option<&Path>, start: &Path, gate: &Gate) -> Result<Loaded, ConfigError> {
    let (path, untrusted) = match explicit {
        Some(p) => (p.to_path_buf(), false),
        None => match find(start) {
            Some(p) => {
                let inside = p.parent().is_some_and(|d| gate.contains(d));
                (p, inside)
            }
            None => {
                return Ok(Loaded {
                    gate: Some(gate.clone()),
                    ..Loaded::default()
                })
            }
        },
    };
    let display = crate::discover::display_path(&path);
    let located = |message: String| ConfigError {
        path: display.clone(),
        line: 1,
        column: 1,
        message,
    };
    if untrusted {
        gate.admit(&path, Want::File).map_err(located)?;
    }
    let text = std::fs::read_to_string(&path).map_err(|e| located(format!("cannot read: {e}")))?;
    let config = parse(&text, &display)?;
    Ok(Loaded {
        config,
        path: Some(path),
        text,
        gate: untrusted.then(|| gate.clone()),
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
    /// The `select` and `ignore` patterns that match no duty of the catalog (`(id, slug)` of
    /// every duty), each as a message with the nearest known id as a suggestion: a typo must
    /// not silently select nothing or ignore nothing. Guard rule ids (`guard/…`, `guard-…`) are
    /// known only after the scan and are not checked here.
    pub fn unknown_patterns<'d>(
        &self,
        duties: impl Iterator<Item = (&'d str, &'d str)> + Clone,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for (key, patterns) in [("select", &self.select), ("ignore", &self.ignore)] {
            for p in patterns {
                if p.starts_with("guard/") || p.starts_with("guard-") {
                    continue;
                }
                if duties.clone().any(|(id, slug)| matches(p, id, slug)) {
                    continue;
                }
                let bare = p.trim_end_matches('*');
                let nearest = duties
                    .clone()
                    .flat_map(|(id, slug)| [id, slug])
                    .map(|known| (strsim::levenshtein(bare, known), known))
                    .min();
                let hint = match nearest {
                    Some((d, known)) if d <= bare.len().div_ceil(3).max(2) => {
                        format!("; did you mean `{known}`?")
                    }
                    _ => "; `srm-lint catalog` lists the duties".to_string(),
                };
                out.push(format!(
                    "unknown duty `{p}` in {key} (--{key} or `{key}` in {FILE_NAME}): it matches \
                     no duty{hint}"
                ));
            }
        }
        out
    }

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
