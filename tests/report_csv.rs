//! `--format csv`: the responsibility matrix as an auditor's spreadsheet reads it.

mod common;

use common::{json_in, root, run_in};
use std::collections::HashMap;

/// The CSV's rows as header → cell maps (parsed back with an RFC 4180 reader).
fn rows(csv_text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header row")
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn csv_in(cwd: &std::path::Path, args: &[&str]) -> (i32, String) {
    let mut all = args.to_vec();
    all.extend(["--format", "csv"]);
    let run = run_in(cwd, &all);
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    (run.code, run.stdout)
}

#[test]
fn one_row_per_resource_and_duty_with_the_json_values() {
    let dir = root().join("testdata/examples");
    let (code, text) = csv_in(&dir, &["."]);
    let (json_code, report) = json_in(&dir, &["."]);
    assert_eq!(code, json_code);
    assert!(text.starts_with(
        "root,path,line,column,type,address,service,category,layer,control,duty,slug,title,\
         severity,verdict,basis,location,message,evidence,attested_by,attestation_reason,\
         attested_until,attestation_expired\r\n"
    ));
    let rows = rows(&text);
    let entries: usize = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["checklist"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(rows.len(), entries);
    assert_eq!(
        Some(rows.len() as u64),
        report["summary"]["duties"].as_u64()
    );
    // Per verdict, the same counts as the JSON summary.
    for (verdict, n) in report["summary"]["verdicts"].as_object().expect("verdicts") {
        let in_csv = rows.iter().filter(|r| r["verdict"] == *verdict).count();
        assert_eq!(Some(in_csv as u64), n.as_u64(), "{verdict}");
    }
    // One row, every column.
    let row = rows
        .iter()
        .find(|r| r["address"] == "OrdersBucket" && r["duty"] == "SRM-S3-004")
        .expect("OrdersBucket SRM-S3-004");
    let expect = [
        ("root", "cloudformation/app.yaml"),
        ("path", "cloudformation/app.yaml"),
        ("line", "16"),
        ("column", "3"),
        ("type", "AWS::S3::Bucket"),
        ("service", "s3"),
        ("category", "abstracted"),
        ("layer", "resilience"),
        ("control", "customer"),
        ("slug", "s3-bucket-versioning-disabled"),
        ("severity", "medium"),
        // `Environment: dev` is an allowed deployment, and it suspends versioning.
        ("verdict", "unaddressed"),
        ("basis", "code"),
        ("location", "cloudformation/app.yaml:20"),
        ("attested_by", ""),
        ("attestation_expired", ""),
    ];
    for (k, v) in expect {
        assert_eq!(row[k], v, "column {k}");
    }
    assert!(row["message"].contains("`IsProd`"), "{}", row["message"]);
    // Evidence is a file:line list.
    let public = rows
        .iter()
        .find(|r| r["address"] == "OrdersBucket" && r["duty"] == "SRM-S3-001")
        .expect("OrdersBucket SRM-S3-001");
    assert_eq!(
        public["evidence"],
        "cloudformation/app.yaml:22; cloudformation/app.yaml:23; cloudformation/app.yaml:24; cloudformation/app.yaml:25"
    );
    // Sorted by file, line, address and duty.
    let keys: Vec<(String, u64, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["path"].clone(),
                r["line"].parse().unwrap_or(0),
                r["address"].clone(),
                r["duty"].clone(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // The same bytes on a second run.
    assert_eq!(csv_in(&dir, &["."]).1, text);
}

#[test]
fn attestations_have_who_why_until_and_expiry() {
    let out = assert_cmd::Command::cargo_bin("srm-lint")
        .expect("binary")
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("SRM_LINT_TODAY", "2026-11-23")
        .args(["testdata/attest", "--format", "csv"])
        .output()
        .expect("run");
    let rows = rows(&String::from_utf8_lossy(&out.stdout));
    let row = |address: &str| {
        rows.iter()
            .find(|r| r["address"] == address && r["duty"] == "ACME-ORG-001")
            .unwrap_or_else(|| panic!("no ACME-ORG-001 row for {address}"))
    };
    let invoices = row("aws_s3_bucket.invoices");
    assert_eq!(invoices["verdict"], "attested");
    assert_eq!(invoices["attested_by"], "finance-platform@acme.example");
    assert_eq!(invoices["attested_until"], "2027-06-30");
    assert_eq!(invoices["attestation_expired"], "false");
    assert!(!invoices["attestation_reason"].is_empty());
    let legacy = row("aws_s3_bucket.legacy_exports");
    assert_eq!(legacy["verdict"], "attestation");
    assert_eq!(legacy["attested_until"], "2026-01-31");
    assert_eq!(legacy["attestation_expired"], "true");
    let scratch = row("aws_s3_bucket.scratch");
    assert_eq!(
        (
            scratch["attested_by"].as_str(),
            scratch["attestation_expired"].as_str()
        ),
        ("", "")
    );
}

#[test]
fn hostile_names_are_neither_formulas_nor_control_characters() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A directory name a spreadsheet would run as a formula, with a comma, a quote, an escape
    // character and a line break in it.
    let dir = "=HYPERLINK(\"x.example\",\"a\")\u{1b}[31m\nb";
    std::fs::create_dir(tmp.path().join(dir)).expect("mkdir");
    std::fs::write(
        tmp.path().join(dir).join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
    )
    .expect("write");
    let (_, text) = csv_in(tmp.path(), &["."]);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    let rows = rows(&text);
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["address"], "aws_s3_bucket.b");
        assert_eq!(
            r["path"],
            "'=HYPERLINK(\"x.example\",\"a\")\\u{1b}[31m\\u{a}b/main.tf"
        );
        assert!(r["root"].starts_with("'="), "{}", r["root"]);
        assert!(r["location"].starts_with("'="), "{}", r["location"]);
        for (k, v) in r {
            assert!(
                !v.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "column {k} starts a formula: {v:?}"
            );
            assert!(!v.contains(['\n', '\r', '\u{1b}']), "column {k}: {v:?}");
        }
    }
}
