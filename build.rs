//! Embeds every file under `policies/` into the binary, so srm-lint runs from anywhere.
//!
//! Each TOML file is converted to JSON here, once: parsing 600 KB of TOML was most of a small
//! run's start-up (about 5 ms), while the same data as JSON deserialises in a fraction of that.
//! A file that does not parse as TOML is embedded as it is, so the run reports the policy error
//! with its TOML line and column, exactly as for a policy directory read at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

/// The file as JSON without its examples, and the examples as JSON (empty when it has none);
/// `None` when it is not valid TOML (or holds a date, which JSON lacks). A scan never reads the
/// examples (a third of the catalog), so they are parsed only by the commands that show them.
fn to_json(text: &str) -> Option<(String, String)> {
    let mut value: toml::Value = toml::from_str(text).ok()?;
    fn plain(v: &toml::Value) -> bool {
        match v {
            toml::Value::Datetime(_) => false,
            toml::Value::Array(a) => a.iter().all(plain),
            toml::Value::Table(t) => t.values().all(plain),
            _ => true,
        }
    }
    if !plain(&value) {
        return None;
    }
    let examples = match value.as_table_mut().and_then(|t| t.remove("example")) {
        Some(e) => serde_json::to_string(&e).ok()?,
        None => String::new(),
    };
    Some((serde_json::to_string(&value).ok()?, examples))
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let policies = root.join("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    collect(&policies, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Policy files embedded at build time: (path under policies/, content, whether the\n\
         /// content is the file converted to JSON rather than its TOML text, and then its\n\
         /// examples as JSON, apart: empty when none or when the content is TOML).\n\
         pub static EMBEDDED: &[(&str, &str, bool, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&policies)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let (content, json, examples) = match to_json(&text) {
            Some((j, e)) => (j, true, e),
            None => (text, false, String::new()),
        };
        let _ = writeln!(code, "    ({rel:?}, {content:?}, {json}, {examples:?}),");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("policies.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
