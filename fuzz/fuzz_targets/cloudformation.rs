//! CloudFormation front ends (granit-parser YAML, jsonc-parser JSON), the span-tree builders and
//! the CloudFormation adapter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srm_lint::catalog::Catalog;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::builtin().expect("the built-in catalog loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The front ends on their own (every document, template or not).
    let _ = srm_lint::parse::yaml::parse(text, 0);
    let _ = srm_lint::parse::json::parse(text, 0);
    // And through the adapter, as a template named explicitly.
    let name = if text.trim_start().starts_with('{') {
        "/nonexistent-srm-lint-fuzz/template.json"
    } else {
        "/nonexistent-srm-lint-fuzz/template.yaml"
    };
    let _ = srm_lint::scan_text(name, text, catalog());
});
