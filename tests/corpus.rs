//! Corpus sweep: scans `../shared/corpus/` (real Terraform and CloudFormation repositories, about
//! 8 000 files) in full through the library and fails on any panic. Prints the counts (files,
//! resources, errors by code) and every tool error outside cfn-lint's intentionally broken
//! fixtures, which are expected to give located errors.
//!
//! Skipped with a note when the corpus is absent. It runs in the normal debug `cargo test`
//! (about 30 s for the 8 000 files; measured), so no release run is needed in `.ci/run`.

use srm_lint::catalog::Catalog;
use srm_lint::report::Report;
use std::collections::BTreeMap;
use std::path::Path;

/// Where cfn-lint keeps templates that are broken on purpose.
const CFN_LINT: &str = "aws-cloudformation__cfn-lint/";

#[test]
fn corpus_scans_without_panicking() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.is_dir() {
        // CI has the corpus beside the checkout and sets this: a sweep that cannot run fails.
        assert!(
            std::env::var_os("SRM_REQUIRE_CORPUS").is_none(),
            "{} is required (SRM_REQUIRE_CORPUS is set) but does not exist",
            corpus.display()
        );
        eprintln!(
            "note: {} does not exist; corpus sweep skipped",
            corpus.display()
        );
        return;
    }
    let catalog = Catalog::builtin().expect("the built-in catalog loads");
    let opts = srm_lint::ScanOptions {
        paths: vec![corpus.clone()],
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let result = std::panic::catch_unwind(|| {
        let scan = srm_lint::scan(&opts, &catalog);
        let report = Report::build(&scan, &catalog);
        // Rendering is part of the pipeline a user runs.
        let _ = srm_lint::report::json::render(&report);
        let _ = srm_lint::report::compact::render(&report);
        (scan.files.len(), report)
    });
    let elapsed = started.elapsed();
    let (files, report) = match result {
        Ok(r) => r,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("the corpus scan panicked: {msg}");
        }
    };
    let mut by_code: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    let mut elsewhere = Vec::new();
    for e in &report.errors {
        let in_fixture = e.path.contains(CFN_LINT);
        *by_code.entry((e.code, in_fixture)).or_default() += 1;
        if !in_fixture {
            elsewhere.push(format!(
                "{}:{}:{}: {} {}",
                e.path, e.line, e.column, e.code, e.message
            ));
        }
    }
    eprintln!(
        "corpus: {files} files, {} resources, {} errors in {:.1?}",
        report.resources.len(),
        report.errors.len(),
        elapsed
    );
    for ((code, fixture), n) in &by_code {
        let place = if *fixture {
            "in cfn-lint fixtures"
        } else {
            "elsewhere"
        };
        eprintln!("  {code:<28} {n:>6} {place}");
    }
    for e in &elsewhere {
        eprintln!("  {e}");
    }
    assert!(files > 0, "no files recognised in the corpus");
}
