//! The scan evaluates each unit (a Terraform component, a CloudFormation file) as soon as it is
//! adapted and frees its resource bodies; evaluating the whole model afterwards must give the
//! same report, byte for byte.

use srm_lint::catalog::Catalog;
use srm_lint::report::Report;
use std::path::Path;

#[test]
fn evaluating_unit_by_unit_gives_the_report_of_evaluating_at_the_end() {
    let catalog = Catalog::builtin().expect("the built-in catalog loads");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    // Everything but `bad/` (whose parser-timeout fixtures take seconds, twice).
    let opts = srm_lint::ScanOptions {
        paths: ["examples", "tf", "cfn", "suppress", "guard", "exit-codes"]
            .iter()
            .map(|d| root.join(d))
            .collect(),
        ..Default::default()
    };

    let streamed = srm_lint::collect_with(&opts, &|| Some(&catalog));
    assert!(streamed.evaluated, "the scan evaluated unit by unit");
    assert!(
        streamed.model.resources.iter().all(|r| r.body.is_null()),
        "bodies are freed once evaluated"
    );

    // What `scan` does: evaluate the whole model at the end, bodies kept.
    let at_end = srm_lint::scan(&opts, &catalog);
    assert!(!at_end.evaluated);
    assert!(at_end.model.resources.iter().any(|r| !r.body.is_null()));

    assert!(
        streamed.model.resources.len() > 100,
        "testdata has resources"
    );
    assert_eq!(streamed.results.len(), streamed.model.resources.len());
    for (i, r) in streamed.results.iter().enumerate() {
        assert_eq!(r.resource, i, "each result points at its resource");
    }
    let json =
        |scan: &srm_lint::Scan| srm_lint::report::json::render(&Report::build(scan, &catalog));
    assert_eq!(json(&streamed), json(&at_end));
    assert_eq!(streamed.unused_suppressions, at_end.unused_suppressions);

    // Results listed out of resource order (any `Scan` a library caller builds) give the
    // same report too: each is matched to its resource by index.
    let mut shuffled = srm_lint::scan(&opts, &catalog);
    let in_order = json(&shuffled);
    shuffled.results.reverse();
    let (report, _) = Report::build_from(shuffled, &catalog);
    let mut reversed: serde_json::Value =
        serde_json::from_str(&srm_lint::report::json::render(&report)).expect("json");
    let mut expected: serde_json::Value = serde_json::from_str(&in_order).expect("json");
    // Only the order of the resource entries may differ.
    let key = |v: &serde_json::Value| {
        (
            v["path"].to_string(),
            v["line"].to_string(),
            v["address"].to_string(),
        )
    };
    for doc in [&mut reversed, &mut expected] {
        if let Some(list) = doc["resources"].as_array_mut() {
            list.sort_by_key(key);
        }
    }
    assert_eq!(reversed, expected);

    // The CLI builds its report from the scan it no longer needs (moving the messages).
    let expected = json(&streamed);
    let files = streamed.sources.files().len();
    let (report, sources) = Report::build_from(streamed, &catalog);
    assert_eq!(srm_lint::report::json::render(&report), expected);
    assert_eq!(
        sources.files().len(),
        files,
        "the sources come back for snippets"
    );
}
