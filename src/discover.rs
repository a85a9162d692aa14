//! Discovery: which files to read.
//!
//! Directories are walked with the `ignore` crate: `.gitignore` (also outside a git repository),
//! `.srmignore`, hidden directories (`.git`, `.terraform`) and vendored folders (`node_modules`,
//! `vendor`) are skipped. Symbolic links to directories are not followed; a symbolic link with a
//! template name is read only when it leads to a file inside the scanned directory (a broken
//! link, a link loop or a link leading outside is reported and not read). Terraform is chosen by extension;
//! YAML and JSON files are only candidates, decided later by content. A file named on the
//! command line is always tried.

use crate::gate::{Gate, Want};
use std::path::{Path, PathBuf};

/// What a candidate file looks like from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `.tf`
    Terraform,
    /// `.tf.json`
    TerraformJson,
    /// `.tfvars`
    Tfvars,
    /// `.tfvars.json`
    TfvarsJson,
    /// `.yaml` / `.yml`
    Yaml,
    /// `.json` (or `.template` starting with `{`)
    Json,
    /// Anything else (only when named explicitly).
    Other,
}

impl Kind {
    /// Kind of a file by its name.
    pub fn of(path: &Path) -> Kind {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".tf.json") {
            Kind::TerraformJson
        } else if name.ends_with(".tfvars.json") {
            Kind::TfvarsJson
        } else if name.ends_with(".tf") {
            Kind::Terraform
        } else if name.ends_with(".tfvars") {
            Kind::Tfvars
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            Kind::Yaml
        } else if name.ends_with(".json") {
            Kind::Json
        } else if name.ends_with(".template") {
            Kind::Yaml
        } else {
            Kind::Other
        }
    }

    /// Whether the file belongs to a Terraform module.
    pub fn is_terraform(self) -> bool {
        matches!(
            self,
            Kind::Terraform | Kind::TerraformJson | Kind::Tfvars | Kind::TfvarsJson
        )
    }
}

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Path as the user would type it (relative to the working directory when possible).
    pub display: String,
    /// Path to read.
    pub path: PathBuf,
    /// Kind by name.
    pub kind: Kind,
    /// Named on the command line (always tried, and reported if not understood).
    pub explicit: bool,
}

/// A problem found while walking (unreadable directory, symlink loop, missing path).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkError {
    /// The path concerned.
    pub display: String,
    /// The error code (`io-error`, or `no-files` for a directory with nothing to scan).
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
}

/// Discovery options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Glob patterns (gitignore syntax) of paths to skip.
    pub exclude: Vec<String>,
}

/// The result of discovery, sorted by display path.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Files to read.
    pub files: Vec<Candidate>,
    /// Problems.
    pub errors: Vec<WalkError>,
}

const VENDORED: &[&str] = &["node_modules", "vendor", ".terraform", "cdk.out.bak"];

/// Display form of a path: relative to the working directory when below it, `/` separators.
pub fn display_path(path: &Path) -> String {
    display_in(path, std::env::current_dir().ok().as_deref())
}

/// [`display_path`] with the working directory already known (one `getcwd` per scan, not per
/// file).
fn display_in(path: &Path, cwd: Option<&Path>) -> String {
    let shown = match (cwd, path.is_absolute()) {
        (Some(cwd), true) => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").map(str::to_string).unwrap_or(s);
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// Whether a symbolic link met while walking is read: yes when it leads to a file inside the
/// gate's boundary; a link to a directory is not followed (`Ok(false)`); a broken link, a link
/// loop, a link to a special file or a link leading outside is an error (its content is never
/// read, so a link to a secret cannot leak it into the output).
fn symlinked_file(path: &Path, gate: &Gate) -> Result<bool, String> {
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Ok(false);
    }
    gate.admit(path, Want::File).map(|_| true)
}

/// What the walker threads found: files and problems.
type Found = std::sync::Mutex<(Vec<Candidate>, Vec<WalkError>)>;

/// One walker thread's finds, handed over in batches and when the thread is done.
struct Sink<'a> {
    local: (Vec<Candidate>, Vec<WalkError>),
    all: &'a Found,
}

impl Sink<'_> {
    fn flush(&mut self) {
        let mut all = self.all.lock().unwrap_or_else(|p| p.into_inner());
        all.0.append(&mut self.local.0);
        all.1.append(&mut self.local.1);
    }
}

impl Drop for Sink<'_> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// One walked entry: a candidate file, nothing, or a problem.
fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    root_display: &str,
    gate: &Gate,
    cwd: Option<&Path>,
    out: &mut (Vec<Candidate>, Vec<WalkError>),
) {
    let e = match entry {
        Ok(e) => e,
        Err(e) => {
            out.1.push(WalkError {
                code: "io-error",
                display: root_display.to_string(),
                message: e.to_string(),
            });
            return;
        }
    };
    let is_file = e.file_type().is_some_and(|t| t.is_file());
    let path = e.path();
    let kind = Kind::of(path);
    if kind == Kind::Other {
        return;
    }
    if e.path_is_symlink() && e.depth() > 0 {
        match symlinked_file(path, gate) {
            Ok(true) => out.0.push(Candidate {
                display: display_in(path, cwd),
                path: path.to_path_buf(),
                kind,
                explicit: false,
            }),
            Ok(false) => {}
            Err(message) => out.1.push(WalkError {
                code: "io-error",
                display: display_in(path, cwd),
                message,
            }),
        }
        return;
    }
    if !is_file {
        match e.file_type() {
            // A directory named like a template (`x.tf/`) is reported, not read.
            Some(t) if t.is_dir() && kind.is_terraform() => out.1.push(WalkError {
                code: "io-error",
                display: display_in(path, cwd),
                message: "is a directory with a Terraform file name; skipped".to_string(),
            }),
            Some(t) if t.is_dir() => {}
            // A FIFO, socket or device with a template name is reported and never opened.
            Some(t) => out.1.push(WalkError {
                code: "io-error",
                display: display_in(path, cwd),
                message: format!(
                    "is {}; special files are never opened",
                    crate::gate::special(&t)
                ),
            }),
            None => {}
        }
        return;
    }
    out.0.push(Candidate {
        display: display_in(path, cwd),
        path: path.to_path_buf(),
        kind,
        explicit: false,
    });
}

/// Finds the files to scan under `paths` (no path = the working directory); links and the
/// siblings of named files are read only when `gate` admits them.
pub fn discover(paths: &[PathBuf], opts: &Options, gate: &Gate) -> Discovery {
    let mut out = Discovery::default();
    let cwd = std::env::current_dir().ok();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut overrides = ignore::overrides::OverrideBuilder::new(".");
    for pat in &opts.exclude {
        if let Err(e) = overrides.add(&format!("!{pat}")) {
            out.errors.push(WalkError {
                code: "io-error",
                display: pat.clone(),
                message: format!("invalid exclude pattern: {e}"),
            });
        }
    }
    let overrides = overrides.build().ok();
    for root in paths {
        let display = display_path(root);
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(WalkError {
                    code: "io-error",
                    display,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if meta.is_file() {
            out.files.push(Candidate {
                display,
                path: root.clone(),
                kind: Kind::of(root),
                explicit: true,
            });
            continue;
        }
        if !meta.is_dir() {
            // A named FIFO, socket or device: reported, never opened.
            out.errors.push(WalkError {
                code: "io-error",
                display,
                message: format!(
                    "is {}; special files are never opened",
                    crate::gate::special(&meta.file_type())
                ),
            });
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(root);
        builder
            .hidden(true)
            .git_ignore(true)
            .git_global(false)
            .git_exclude(true)
            .require_git(false)
            .follow_links(false)
            .add_custom_ignore_filename(".srmignore")
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                !(e.file_type().is_some_and(|t| t.is_dir()) && VENDORED.contains(&name.as_ref()))
            });
        if let Some(o) = &overrides {
            if !opts.exclude.is_empty() {
                builder.overrides(o.clone());
            }
        }
        // The walk runs on every core (directory reads and stats dominate); entries are
        // collected per thread and sorted below, so the result does not depend on timing.
        let found: Found = std::sync::Mutex::new((Vec::new(), Vec::new()));
        builder.build_parallel().run(|| {
            let mut sink = Sink {
                local: (Vec::new(), Vec::new()),
                all: &found,
            };
            let (root_display, cwd) = (&display, cwd.as_deref());
            Box::new(move |entry| {
                visit(entry, root_display, gate, cwd, &mut sink.local);
                if sink.local.0.len() + sink.local.1.len() >= 256 {
                    sink.flush();
                }
                ignore::WalkState::Continue
            })
        });
        let (files, errors) = found.into_inner().unwrap_or_else(|p| p.into_inner());
        out.files.extend(files);
        out.errors.extend(errors);
    }
    add_siblings(&mut out, gate, cwd.as_deref());
    out.files
        .sort_by(|a, b| (&a.display, !a.explicit).cmp(&(&b.display, !b.explicit)));
    out.files.dedup_by(|a, b| a.display == b.display);
    out.errors.sort();
    out.errors.dedup();
    out
}

/// Terraform files named explicitly bring their module: the other Terraform files of their
/// directory (and the variable files Terraform loads by itself), each only if `gate` admits it.
fn add_siblings(out: &mut Discovery, gate: &Gate, cwd: Option<&Path>) {
    let explicit_dirs: Vec<PathBuf> = out
        .files
        .iter()
        .filter(|c| c.explicit && c.kind.is_terraform())
        .filter_map(|c| c.path.parent().map(Path::to_path_buf))
        .collect();
    let named: std::collections::HashSet<PathBuf> = out
        .files
        .iter()
        .filter(|c| c.explicit)
        .map(|c| c.path.clone())
        .collect();
    for dir in explicit_dirs {
        let read_dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir.clone()
        };
        if let Ok(entries) = std::fs::read_dir(&read_dir) {
            for e in entries.flatten() {
                let p = e.path();
                let k = Kind::of(&p);
                let auto = is_auto_loaded(&p);
                let sibling = matches!(k, Kind::Terraform | Kind::TerraformJson)
                    || (k.is_terraform() && auto);
                let p = if dir.as_os_str().is_empty() {
                    PathBuf::from(e.file_name())
                } else {
                    p
                };
                if !sibling || named.contains(&p) {
                    continue;
                }
                // A sibling is untrusted: a link out of the tree or a FIFO is reported, not
                // read (a directory named `x.tf` is left alone, as before).
                if let Err(message) = gate.admit(&p, Want::File) {
                    if !p.is_dir() {
                        out.errors.push(WalkError {
                            code: "io-error",
                            display: display_in(&p, cwd),
                            message,
                        });
                    }
                    continue;
                }
                out.files.push(Candidate {
                    display: display_in(&p, cwd),
                    path: p,
                    kind: k,
                    explicit: false,
                });
            }
        }
    }
}

/// Why a directory scan found nothing to check: how many of its files have template names but
/// are not templates (`candidates`, read and sniffed), and how many more the ignore rules,
/// hidden and vendored directories held back.
pub fn why_empty(roots: &[PathBuf], candidates: usize) -> String {
    let default = [PathBuf::from(".")];
    let roots = if roots.is_empty() {
        &default[..]
    } else {
        roots
    };
    let named = roots
        .iter()
        .map(|root| {
            ignore::WalkBuilder::new(root)
                .standard_filters(false)
                .follow_links(false)
                .max_depth(Some(64))
                .build()
                .flatten()
                .take(1_000_000)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .filter(|e| Kind::of(e.path()) != Kind::Other)
                .count()
        })
        .sum::<usize>();
    let held_back = named.saturating_sub(candidates);
    let mut why = Vec::new();
    if candidates > 0 {
        why.push(format!(
            "{candidates} YAML or JSON file(s) read, none of them a CloudFormation template"
        ));
    }
    if held_back > 0 {
        why.push(format!(
            "{held_back} file(s) with Terraform, YAML or JSON names excluded by ignore rules \
             (.gitignore, .srmignore, --exclude) or inside hidden or vendored directories"
        ));
    }
    if why.is_empty() {
        why.push("no file with a Terraform, YAML or JSON name".to_string());
    }
    format!(
        "nothing to scan: {}; a run that checks nothing does not pass (--allow-empty if this is \
         expected)",
        why.join("; ")
    )
}

/// The one tfvars rule: the sort key of a variable-values file Terraform loads by itself, by its
/// precedence (lower loads first): `terraform.tfvars`, `terraform.tfvars.json`, then
/// `*.auto.tfvars(.json)` by name; `None` for a file read only through `--var-file`.
pub fn tfvars_rank(name: &str) -> Option<(u8, String)> {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base {
        "terraform.tfvars" => Some((0, String::new())),
        "terraform.tfvars.json" => Some((1, String::new())),
        _ if base.ends_with(".auto.tfvars") || base.ends_with(".auto.tfvars.json") => {
            Some((2, base.to_string()))
        }
        _ => None,
    }
}

/// Whether Terraform loads this variable-values file by itself ([`tfvars_rank`]).
pub fn is_auto_loaded(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| tfvars_rank(&n.to_string_lossy()).is_some())
}
