//! Scanning text held in memory (for fuzzing and embedding): one file through the same pipeline
//! as [`crate::scan()`], without discovery.

use crate::catalog::Catalog;
use crate::discover::{Candidate, Kind};
use crate::scan::{scan_loaded, Loaded, Scan, ScanOptions};
use std::path::PathBuf;

/// Scans `text` as if it were the file `name` named on the command line (its kind comes from the
/// name: `main.tf`, `template.yaml`, `template.json`, …).
///
/// Nothing is read from disk except local Terraform module sources, which resolve relative to
/// `name`'s directory and only inside it; use a name in a directory that does not exist to read
/// nothing at all.
pub fn scan_text(name: &str, text: &str, catalog: &Catalog) -> Scan {
    let path = PathBuf::from(name);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let candidate = Candidate {
        display: name.to_string(),
        kind: Kind::of(&path),
        path,
        explicit: true,
    };
    let opts = ScanOptions {
        paths: vec![dir],
        ..ScanOptions::default()
    };
    let loaded = Loaded::from_bytes(text.as_bytes().to_vec());
    scan_loaded(&opts, catalog, &[], vec![(candidate, loaded)])
}
