//! Terraform front end (hcl-edit) and adapter: any text as `main.tf`, and as `main.tf.json`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srm_lint::catalog::Catalog;
use std::sync::OnceLock;

/// A directory that does not exist, so module sources resolve to nothing on disk.
const DIR: &str = "/nonexistent-srm-lint-fuzz";

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::builtin().expect("the built-in catalog loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = if text.trim_start().starts_with('{') {
        format!("{DIR}/main.tf.json")
    } else {
        format!("{DIR}/main.tf")
    };
    let _ = srm_lint::scan_text(&name, text, catalog());
});
