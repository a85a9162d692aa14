//! Reading candidate files: size limits, binary and encoding checks, and the content sniff that
//! skips JSON and YAML files that are obviously not templates.

use super::ScanOptions;
use crate::adapt::terraform::TfModuleDir;
use crate::discover::{self, Candidate, Kind};
use crate::model::ToolError;
use crate::outcome::Scan;
use crate::source::{FileFormat, FileId, Span};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A candidate file's content, or why it could not be used.
pub enum Loaded {
    /// The file's text.
    Text(String),
    /// An error code, its message, the byte offset it is about, and the valid text before that
    /// offset (so the offset can be shown as line:column).
    Error(&'static str, String, usize, String),
}

impl Loaded {
    pub(super) fn error(code: &'static str, message: String) -> Loaded {
        Loaded::Error(code, message, 0, String::new())
    }

    /// Checks and decodes a file's bytes: a NUL byte marks a binary file, and the text must be
    /// UTF-8 (a leading BOM is kept; the parsers skip it).
    pub fn from_bytes(bytes: Vec<u8>) -> Loaded {
        if let Some(pos) = bytes.iter().take(8192).position(|b| *b == 0) {
            let before = String::from_utf8_lossy(bytes.get(..pos).unwrap_or_default()).into_owned();
            // Lossy decoding may change lengths before the NUL; point at the end of what is shown.
            let at = before.len();
            return Loaded::Error(
                "binary-file",
                "file is binary (contains a NUL byte); skipped".into(),
                at,
                before,
            );
        }
        match String::from_utf8(bytes) {
            Ok(t) => Loaded::Text(t),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let before = std::str::from_utf8(bytes.get(..at).unwrap_or_default())
                    .unwrap_or_default()
                    .to_string();
                Loaded::Error(
                    "invalid-utf8",
                    format!("file is not valid UTF-8 (invalid byte at offset {at}); skipped"),
                    at,
                    before,
                )
            }
        }
    }
}

/// Reads one candidate, never more than `max` bytes of it.
pub fn load(c: &Candidate, max: u64) -> Loaded {
    let meta = match std::fs::metadata(&c.path) {
        Ok(m) => m,
        Err(e) => return Loaded::error("io-error", format!("cannot read file: {e}")),
    };
    if meta.is_dir() {
        return Loaded::error("io-error", "is a directory".into());
    }
    if meta.len() > max {
        return Loaded::error(
            "too-large",
            format!("file is {} bytes, over the {max}-byte limit; skipped (raise it with --max-file-size)", meta.len()),
        );
    }
    // Read at most one byte over the limit, in case the file grew since `metadata`.
    // Sized from the metadata, so the file is read in one go (plus the read that sees its end).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    let read = std::fs::File::open(&c.path).and_then(|f| {
        use std::io::Read as _;
        f.take(max.saturating_add(1)).read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return Loaded::error("io-error", format!("cannot read file: {e}"));
    }
    if bytes.len() as u64 > max {
        return Loaded::error(
            "too-large",
            format!("file is over the {max}-byte limit; skipped (raise it with --max-file-size)"),
        );
    }
    Loaded::from_bytes(bytes)
}

/// The directory of a file; `.` for a bare file name (an empty path would contain every path,
/// which would let module sources leave the scanned directory).
pub fn parent_dir(path: &std::path::Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A cheap content sniff, so JSON and YAML files that are obviously not templates are not parsed.
pub fn may_be_template(text: &str) -> bool {
    text.contains("Resources") || text.contains("AWSTemplateFormatVersion")
}

/// Files sorted by what reads them: Terraform module directories (tfvars files only by the
/// auto-load rule) and candidate templates; unreadable files and empty templates become errors.
pub struct Classified {
    /// Terraform module directories, by path.
    pub tf_dirs: BTreeMap<PathBuf, TfModuleDir>,
    /// Candidate templates: file, kind, named on the command line.
    pub cfn_files: Vec<(FileId, Kind, bool)>,
}

/// Adds every read file to `scan`'s sources and sorts it (see [`Classified`]).
pub fn classify(scan: &mut Scan, files: Vec<(Candidate, Loaded)>) -> Classified {
    let mut tf_dirs: BTreeMap<PathBuf, TfModuleDir> = BTreeMap::new();
    let mut cfn_files: Vec<(FileId, Kind, bool)> = Vec::new();
    for (c, l) in files {
        match l {
            Loaded::Error(code, message, at, before) => {
                let id = scan.sources.add(c.display.clone(), c.path.clone(), before);
                scan.model.errors.push(ToolError {
                    span: Span::new(id, at, at),
                    code,
                    message,
                    related: None,
                });
            }
            Loaded::Text(text) => {
                if !c.kind.is_terraform() && !c.explicit && !may_be_template(&text) {
                    continue;
                }
                // An empty `.tf` is a valid (empty) module; an empty file named as a template
                // is reported, so a truncated template never passes silently.
                if !c.kind.is_terraform() && text.trim_start_matches('\u{feff}').trim().is_empty() {
                    let id = scan.sources.add(c.display.clone(), c.path.clone(), text);
                    scan.model.errors.push(ToolError {
                        span: Span::file_start(id),
                        code: "empty-file",
                        message: "file is empty; there is no template to check".into(),
                        related: None,
                    });
                    continue;
                }
                let id = scan.sources.add(c.display.clone(), c.path.clone(), text);
                if c.kind.is_terraform() {
                    let dir = parent_dir(&c.path);
                    if matches!(c.kind, Kind::Tfvars | Kind::TfvarsJson)
                        && !discover::is_auto_loaded(&c.path)
                    {
                        // A tfvars file with another name is only read through --var-file.
                        continue;
                    }
                    let entry = tf_dirs.entry(dir.clone()).or_insert_with(|| TfModuleDir {
                        dir,
                        files: Vec::new(),
                        report: true,
                    });
                    entry.files.push(id);
                    let format = match c.kind {
                        Kind::Terraform => FileFormat::Terraform,
                        Kind::TerraformJson => FileFormat::TerraformJson,
                        _ => FileFormat::Tfvars,
                    };
                    scan.files.push((id, format));
                } else {
                    cfn_files.push((id, c.kind, c.explicit));
                }
            }
        }
    }

    Classified { tf_dirs, cfn_files }
}

/// Reads the `--var-file` files into `scan`'s sources (an unreadable one is an error there).
pub fn read_var_files(scan: &mut Scan, opts: &ScanOptions) -> Vec<FileId> {
    opts.var_files
        .iter()
        .map(|p| {
            let display = discover::display_path(p);
            match std::fs::read_to_string(p) {
                Ok(t) => scan.sources.add(display, p.clone(), t),
                Err(e) => {
                    let id = scan.sources.add(display, p.clone(), String::new());
                    scan.model.errors.push(ToolError {
                        span: Span::file_start(id),
                        code: "io-error",
                        message: format!("cannot read --var-file: {e}"),
                        related: None,
                    });
                    id
                }
            }
        })
        .collect()
}
