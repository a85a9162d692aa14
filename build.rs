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

/// The file as JSON without its examples and evidence, the extras as JSON (examples, and a
/// duty's summary and default text; empty when none), and the evidence (`{"terraform": …, "cloudformation": …}`, empty when none); `None`
/// when it is not valid TOML (or holds a date, which JSON lacks). A scan never reads the
/// examples (a third of the catalog), so they are parsed only by the commands that show them;
/// it reads the evidence of the duties of the resource kinds it meets, parsed when first needed.
fn to_json(text: &str, duty: bool) -> Option<(String, String, String)> {
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
    let table = value.as_table_mut()?;
    // Extras: the examples and, for a duty, its summary and default text (only SARIF and the
    // commands that show duties read them; the duty keeps them as empty strings).
    let mut extras = toml::map::Map::new();
    if let Some(e) = table.remove("example") {
        extras.insert("example".to_string(), e);
    }
    for key in ["summary", "default"].into_iter().filter(|_| duty) {
        if let Some(text) = table.insert(key.to_string(), toml::Value::String(String::new())) {
            extras.insert(key.to_string(), text);
        }
    }
    let examples = if extras.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&extras).ok()?
    };
    let mut evidence = toml::map::Map::new();
    for lang in ["terraform", "cloudformation"].into_iter().filter(|_| duty) {
        if let Some(e) = table.remove(lang) {
            evidence.insert(lang.to_string(), e);
        }
    }
    let evidence = if evidence.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&evidence).ok()?
    };
    Some((serde_json::to_string(&value).ok()?, examples, evidence))
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
         /// examples as JSON, apart, and its evidence as JSON, apart: empty when none or when\n\
         /// the content is TOML).\n\
         pub static EMBEDDED: &[(&str, &str, bool, &str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&policies)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(f).unwrap_or_default();
        // Only duty files have evidence (service files list types under the same names).
        let name = rel.rsplit('/').next().unwrap_or_default();
        let duty = !matches!(name, "service.toml" | "types.toml")
            && !rel.starts_with("lifecycles/")
            && !rel.contains("/lifecycles/");
        let (content, json, examples, evidence) = match to_json(&text, duty) {
            Some((j, e, ev)) => (j, true, e, ev),
            None => (text, false, String::new(), String::new()),
        };
        let _ = writeln!(
            code,
            "    ({rel:?}, {content:?}, {json}, {examples:?}, {evidence:?}),"
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("policies.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
