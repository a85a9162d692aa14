//! The whole pipeline through the evaluator and every renderer: the first byte picks the file
//! kind, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srm_lint::catalog::Catalog;
use srm_lint::report::{self, Report};
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::builtin().expect("the built-in catalog loads"))
}

const NAMES: [&str; 4] = ["main.tf", "template.yaml", "template.json", "main.tf.json"];

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[usize::from(*first) % NAMES.len()];
    let name = format!("/nonexistent-srm-lint-fuzz/{name}");
    let cat = catalog();
    let scan = srm_lint::scan_text(&name, text, cat);
    let r = Report::build(&scan, cat);
    let _ = report::json::render(&r);
    let _ = report::compact::render(&r);
    let _ = report::github::render(&r);
    let _ = report::markdown::render(&r);
    let _ = report::sarif::render(&r, cat);
    let _ = report::pretty::render(
        &r,
        &scan.sources,
        cat,
        report::pretty::Style {
            color: true,
            unicode: true,
        },
    );
});
