//! The one gate for paths that come from the scanned tree.
//!
//! Everything inside the scanned tree is untrusted: its files, and every path they name (module
//! sources, sibling files of a named file, and the policy directories, Guard rules, attestation
//! and baseline files a `.srm-lint.toml` found in the tree names). Such a path is read only when
//! it resolves, symbolic links followed, to a regular file (or directory) inside the tree's
//! *boundary*: for each scanned root, the git work tree that holds it, or the root itself (a
//! named file's directory) when it is not in one. Paths the user gives on the command line are
//! trusted and never pass through here.
//!
//! A refused path is never opened, so a link to `/etc/passwd` or `/proc/self/environ` cannot
//! reach a snippet, and a FIFO cannot block the scan.

use std::path::{Path, PathBuf};

/// Where untrusted paths may lead.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    /// Canonical boundary directories; a path is admitted when it resolves below one of them.
    bounds: Vec<PathBuf>,
}

/// What a refused path was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// A regular file to read.
    File,
    /// A directory to list.
    Dir,
}

impl Gate {
    /// The gate for a scan of `roots` (files or directories; empty = the working directory).
    pub fn for_roots(roots: &[PathBuf]) -> Gate {
        let default = [PathBuf::from(".")];
        let roots = if roots.is_empty() {
            &default[..]
        } else {
            roots
        };
        let mut bounds: Vec<PathBuf> = roots
            .iter()
            .filter_map(|r| {
                let canon = std::fs::canonicalize(r).ok()?;
                let dir = if canon.is_dir() {
                    canon
                } else {
                    canon.parent()?.to_path_buf()
                };
                Some(work_tree(&dir).unwrap_or(dir))
            })
            .collect();
        bounds.sort();
        bounds.dedup();
        Gate { bounds }
    }

    /// The boundary directories (canonical).
    pub fn bounds(&self) -> &[PathBuf] {
        &self.bounds
    }

    /// Whether a canonical path lies inside the boundary.
    pub fn contains(&self, canonical: &Path) -> bool {
        self.bounds.iter().any(|b| canonical.starts_with(b))
    }

    /// Admits `path` when it resolves to a `want` inside the boundary; returns its canonical
    /// form, or why it is refused (the message a located error shows).
    pub fn admit(&self, path: &Path, want: Want) -> Result<PathBuf, String> {
        let canon = std::fs::canonicalize(path).map_err(|e| {
            if is_link(path) {
                format!("symbolic link cannot be followed ({e}); not read")
            } else {
                format!("cannot read: {e}")
            }
        })?;
        if !self.contains(&canon) {
            return Err(if is_link(path) {
                "symbolic link leads outside the scanned tree; not read".to_string()
            } else {
                "leads outside the scanned tree; not read".to_string()
            });
        }
        let meta = std::fs::metadata(&canon).map_err(|e| format!("cannot read: {e}"))?;
        check_type(&meta, want)?;
        Ok(canon)
    }

    /// Admits a path named inside a file of the tree (a configuration key), relative to that
    /// file's directory `base`: absolute paths are refused outright, then [`Gate::admit`].
    pub fn admit_named(&self, base: &Path, named: &Path, want: Want) -> Result<PathBuf, String> {
        if named.is_absolute() || named.has_root() {
            return Err(format!(
                "absolute path `{}` in a file of the scanned tree; only paths inside the tree are read",
                named.display()
            ));
        }
        self.admit(&base.join(named), want)
    }
}

impl Gate {
    /// The files under `dir` whose extension is one of `exts`, sorted; links to directories are
    /// not followed. With a gate (`Some`: `dir` came from the tree) each file must pass it; the
    /// refused ones come back with the reason. Without one (the user's own directory) every
    /// regular file is taken.
    pub fn files_under(
        gate: Option<&Gate>,
        dir: &Path,
        exts: &[&str],
    ) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
        let (mut ok, mut refused) = (Vec::new(), Vec::new());
        for entry in ignore::WalkBuilder::new(dir)
            .hidden(false)
            .git_ignore(false)
            .follow_links(false)
            .build()
            .flatten()
        {
            let p = entry.path();
            let named = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e));
            if !named || entry.depth() == 0 {
                continue;
            }
            let verdict = match gate {
                Some(g) => g.admit(p, Want::File).map(|_| ()),
                None if std::fs::metadata(p).is_ok_and(|m| m.is_dir()) => continue,
                None => std::fs::metadata(p)
                    .map_err(|e| format!("cannot read: {e}"))
                    .and_then(|m| check_type(&m, Want::File)),
            };
            match verdict {
                Ok(()) => ok.push(p.to_path_buf()),
                Err(_) if std::fs::metadata(p).is_ok_and(|m| m.is_dir()) => {}
                Err(why) => refused.push((p.to_path_buf(), why)),
            }
        }
        ok.sort();
        refused.sort();
        (ok, refused)
    }
}

/// Whether `path` itself is a symbolic link.
fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Refuses anything but the wanted kind: FIFOs, sockets and devices are never opened.
pub fn check_type(meta: &std::fs::Metadata, want: Want) -> Result<(), String> {
    let ft = meta.file_type();
    match want {
        Want::File if ft.is_file() => Ok(()),
        Want::Dir if ft.is_dir() => Ok(()),
        Want::File if ft.is_dir() => Err("is a directory; not read".to_string()),
        Want::Dir if ft.is_file() => Err("is a file, not a directory".to_string()),
        _ => Err(format!(
            "is {}; special files are never opened",
            special(&ft)
        )),
    }
}

/// A special file's kind, in words.
pub fn special(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// The git work tree holding `dir` (the nearest ancestor with a `.git` entry).
fn work_tree(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn admits_inside_and_refuses_links_out_absolute_and_special_files() {
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("tree");
        std::fs::create_dir_all(tree.join("a")).unwrap();
        std::fs::write(tree.join("a/x.tf"), "").unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        let gate = Gate::for_roots(std::slice::from_ref(&tree));
        assert!(gate.admit(&tree.join("a/x.tf"), Want::File).is_ok());
        assert!(gate.admit(&tree.join("a/../a/x.tf"), Want::File).is_ok());
        let escaped = gate.admit(&tree.join("../secret"), Want::File).unwrap_err();
        assert!(escaped.contains("outside the scanned tree"), "{escaped}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret"), tree.join("l.tf")).unwrap();
            let e = gate.admit(&tree.join("l.tf"), Want::File).unwrap_err();
            assert!(e.contains("symbolic link leads outside"), "{e}");
            std::os::unix::fs::symlink(tree.join("nothing"), tree.join("b.tf")).unwrap();
            let e = gate.admit(&tree.join("b.tf"), Want::File).unwrap_err();
            assert!(e.contains("symbolic link cannot be followed"), "{e}");
            let fifo = tree.join("f.tf");
            let ok = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(ok.success());
            let e = gate.admit(&fifo, Want::File).unwrap_err();
            assert!(e.contains("named pipe"), "{e}");
        }
        let e = gate
            .admit_named(&tree, Path::new("/etc"), Want::Dir)
            .unwrap_err();
        assert!(e.contains("absolute path `/etc`"), "{e}");
        assert!(gate.admit_named(&tree, Path::new("a"), Want::Dir).is_ok());
        assert!(gate
            .admit_named(&tree, Path::new("a/x.tf"), Want::Dir)
            .is_err());
    }
}
