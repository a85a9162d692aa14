//! `--format html` in a real headless Chromium: what a person sees matches the JSON report,
//! a filter changes what is visible, nothing leaves the page, and hostile names stay text.
//!
//! The browser is driven by `tests/browser/report.mjs` (playwright-core, `npm ci` in
//! tests/browser) over Debian's `/usr/bin/chromium` (or `$CHROMIUM`). Without node, Chromium or
//! the npm package the tests say so on stderr and pass, except when `SRM_REQUIRE_BROWSER=1` or
//! `CI` is set (`.ci/run` sets the first): then a missing browser fails them.

mod common;

use common::{json_in, root, run_in};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether the browser must run (a missing one is then a failure, not a skip).
fn required() -> bool {
    std::env::var_os("SRM_REQUIRE_BROWSER").is_some_and(|v| v == "1")
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// What is missing to drive the browser, if anything.
fn missing() -> Option<String> {
    let chromium =
        std::env::var_os("CHROMIUM").map_or(PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Some(format!("{} (apt-get install chromium)", chromium.display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node".into());
    }
    if !root()
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        return Some("tests/browser/node_modules (npm ci in tests/browser)".into());
    }
    None
}

/// Opens `html` in Chromium and returns what the driver saw; `None` when the browser is
/// missing and not required.
fn browse(html: &Path, screenshot: Option<&Path>) -> Option<Value> {
    if let Some(what) = missing() {
        assert!(!required(), "the browser test cannot run: missing {what}");
        eprintln!("SKIPPED (set SRM_REQUIRE_BROWSER=1 to fail instead): missing {what}");
        return None;
    }
    let mut cmd = Command::new("node");
    cmd.arg(root().join("tests/browser/report.mjs")).arg(html);
    if let Some(s) = screenshot {
        cmd.arg(s);
    }
    let out = cmd.output().expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "report.mjs failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}")))
}

/// Renders `args` in `cwd` to `target/report-html/NAME.html` and returns its path and text.
fn render(cwd: &Path, args: &[&str], name: &str) -> (PathBuf, String) {
    let dir = root().join("target/report-html");
    std::fs::create_dir_all(&dir).expect("mkdir target/report-html");
    let file = dir.join(format!("{name}.html"));
    let spec = format!("html={}", file.display());
    let mut all = args.to_vec();
    all.extend(["-o", &spec]);
    let run = run_in(cwd, &all);
    assert!(
        (0..=2).contains(&run.code),
        "exit {}: {}",
        run.code,
        run.stderr
    );
    let text = std::fs::read_to_string(&file).expect("the HTML report");
    (file, text)
}

/// `(address, duty, verdict)` of every visible row the driver listed under `key`.
fn seen_rows(rows: &Value) -> BTreeSet<(String, String, String)> {
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let s = |i: usize| r[i].as_str().unwrap_or("?").to_string();
            (s(0), s(1), s(2))
        })
        .collect()
}

/// `(address, duty, verdict)` of every checklist entry of a JSON report.
fn json_rows(report: &Value) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for r in report["resources"].as_array().expect("resources") {
        for c in r["checklist"].as_array().expect("checklist") {
            out.insert((
                r["address"].as_str().unwrap_or("?").to_string(),
                c["duty"].as_str().unwrap_or("?").to_string(),
                c["verdict"].as_str().unwrap_or("?").to_string(),
            ));
        }
    }
    out
}

/// Nothing left the page, nothing failed, no dialog opened.
#[track_caller]
fn assert_quiet(seen: &Value) {
    assert_eq!(seen["requests"], serde_json::json!([]), "network requests");
    assert_eq!(
        seen["consoleErrors"],
        serde_json::json!([]),
        "console errors"
    );
    assert_eq!(seen["dialogs"], serde_json::json!([]), "dialogs");
}

#[test]
fn the_examples_report_shows_every_resource_duty_and_count() {
    let dir = root().join("testdata/examples");
    let (file, html) = render(&dir, &["."], "examples");
    let (_, report) = json_in(&dir, &["."]);
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no URL in the page"
    );
    let shot = root().join("target/report-html.png");
    let _ = std::fs::remove_file(&shot);
    let Some(seen) = browse(&file, Some(&shot)) else {
        return;
    };
    assert_quiet(&seen);
    // The totals are the JSON summary's.
    let verdicts = report["summary"]["verdicts"].as_object().expect("verdicts");
    assert_eq!(seen["totals"].as_object(), Some(verdicts));
    // Per layer, the counts add up to the same totals.
    for (verdict, n) in verdicts {
        let sum: u64 = seen["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .map(|l| l["counts"][verdict].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(Some(sum), n.as_u64(), "layer counts of {verdict}");
    }
    // Every resource, and every (resource, duty) with its verdict, once expanded.
    let resources = report["resources"].as_array().expect("resources");
    assert_eq!(
        seen["resources"].as_array().map(Vec::len),
        Some(resources.len())
    );
    for r in resources {
        let address = r["address"].as_str().unwrap_or("?");
        assert!(
            seen["resources"]
                .as_array()
                .expect("resources")
                .iter()
                .any(|s| s
                    .as_str()
                    .is_some_and(|s| s.starts_with(&format!("{address} ")))),
            "{address} not visible"
        );
    }
    let all = json_rows(&report);
    assert_eq!(seen_rows(&seen["rows"]), all);
    assert_eq!(
        seen["rows"].as_array().map(Vec::len),
        report["summary"]["duties"].as_u64().map(|n| n as usize)
    );
    assert_eq!(
        seen["matches"],
        format!("{} resources, {} duties match", resources.len(), all.len())
    );
    // A row shows its evidence as file:line.
    let row = seen["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r[0] == "OrdersBucket" && r[1] == "SRM-S3-001")
        .expect("OrdersBucket SRM-S3-001");
    assert!(
        row[3]
            .as_str()
            .is_some_and(|t| t.contains("cloudformation/app.yaml:22 cloudformation/app.yaml:23")),
        "{row}"
    );
    // The verdict filter leaves exactly the unaddressed duties visible.
    let unaddressed: BTreeSet<_> = all
        .iter()
        .filter(|r| r.2 == "unaddressed")
        .cloned()
        .collect();
    assert!(!unaddressed.is_empty() && unaddressed.len() < all.len());
    assert_eq!(seen_rows(&seen["filtered"]["rows"]), unaddressed);
    // The search box keeps the resource searched for, and rows that mention it.
    let searched = seen["searched"]["rows"].as_array().expect("searched rows");
    let queue: BTreeSet<_> = all
        .iter()
        .filter(|r| r.0 == "OrdersQueue")
        .cloned()
        .collect();
    assert!(!queue.is_empty());
    assert!(queue.is_subset(&seen_rows(&seen["searched"]["rows"])));
    assert!(searched.len() < all.len());
    for r in searched {
        assert!(
            r[0] == "OrdersQueue" || r[3].as_str().is_some_and(|t| t.contains("OrdersQueue")),
            "{r}"
        );
    }
    // Without script, the totals and the service table still read.
    assert_eq!(seen["noScript"]["totals"], true);
    // … and, for an estate this small, every resource's checklist (collapsed).
    let plain: BTreeSet<&str> = seen["noScript"]["resources"]
        .as_array()
        .expect("no-script resources")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let addresses: BTreeSet<&str> = resources
        .iter()
        .filter_map(|r| r["address"].as_str())
        .collect();
    assert_eq!(plain, addresses);
    assert_eq!(seen["noScript"]["rows"].as_u64(), Some(all.len() as u64));
    assert!(seen["noScript"]["services"].as_u64().is_some_and(|n| n > 0));
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
}

#[test]
fn hostile_names_and_values_render_as_text() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let img = "\"><img src=x onerror=alert(1)>";
    let script = "<script>alert(1)</script>";
    std::fs::write(
        tmp.path().join(format!("{img}.tf")),
        format!(
            "resource \"aws_s3_bucket\" \"{script}\" {{\n  bucket = \"\\\"><img src=x onerror=alert(1)>\"\n  acl    = \"{script}\"\n}}\n"
        ),
    )
    .expect("write");
    // A file that does not parse: its name is in the (server-written) list of tool errors.
    std::fs::write(tmp.path().join(format!("{img}-broken.tf")), "resource {\n").expect("write");
    let (file, html) = render(tmp.path(), &["."], "hostile");
    assert!(
        html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;-broken.tf:"),
        "the error's file name, escaped"
    );
    let (_, report) = json_in(tmp.path(), &["."]);
    let address = format!("aws_s3_bucket.{script}");
    assert_eq!(common::addresses(&report), std::slice::from_ref(&address));
    // In the raw page: the two scripts of the page, no markup from the data.
    assert_eq!(html.matches("<script").count(), 2, "script elements");
    assert!(!html.contains("<img"), "an img element");
    assert!(!html.contains(script) && !html.contains(img));
    assert!(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    let Some(seen) = browse(&file, None) else {
        return;
    };
    assert_quiet(&seen);
    assert_eq!(seen["injected"]["img"], 0);
    assert_eq!(seen["injected"]["scripts"], 2);
    assert_eq!(seen["injected"]["onerror"], 0);
    // Read without script, where the checklists are HTML: no element from the data either.
    assert_eq!(seen["noScript"]["img"], 0);
    assert_eq!(seen["noScript"]["onerror"], 0);
    assert!(seen["noScript"]["resources"]
        .as_array()
        .is_some_and(|a| a.iter().any(|s| *s == address.as_str())));
    // The names read as written.
    let rows = seen["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[0] == address.as_str()));
    assert!(
        rows.iter().any(|r| r[3]
            .as_str()
            .is_some_and(|t| t.contains(&format!("{img}.tf:1")))),
        "the file name is shown as text"
    );
    assert!(
        rows.iter().any(|r| r[3]
            .as_str()
            .is_some_and(|t| t.contains(&format!("`acl` is \"{script}\"")))),
        "the value is shown as text"
    );
}
