//! Where users run srm-lint: configuration, in-code suppressions, baselines, attestations and
//! the machine-readable formats (SARIF validated against the official schema).

mod common;

use common::{root, Run};

/// The date attestations are judged on.
const TODAY: (&str, &str) = ("SRM_LINT_TODAY", "2026-11-23");

/// Runs srm-lint at the repository root on [`TODAY`] with the variables in `env` set.
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    common::run_with(
        root(),
        std::iter::once(TODAY).chain(env.iter().copied()),
        args,
    )
}

fn run(args: &[&str]) -> Run {
    run_env(args, &[])
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    common::json_with(root(), [TODAY], args)
}

fn verdicts(report: &serde_json::Value, duty: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for r in report["resources"].as_array().into_iter().flatten() {
        for c in r["checklist"].as_array().into_iter().flatten() {
            if c["duty"] == duty {
                out.push((
                    r["address"].as_str().unwrap_or("").to_string(),
                    c["verdict"].as_str().unwrap_or("").to_string(),
                    c["message"].as_str().unwrap_or("").to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn an_unknown_config_key_is_a_located_tool_error() {
    let Run {
        code,
        stdout,
        stderr,
    } = run(&["testdata/config/bad-key"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.starts_with(
            "srm-lint: testdata/config/bad-key/.srm-lint.toml:2:1: unknown field `disabel`"
        ),
        "{stderr}"
    );
}

#[test]
fn config_ignore_removes_the_duty() {
    let (_, report) = json(&["testdata/config/ignore"]);
    assert!(verdicts(&report, "SRM-S3-004").is_empty());
    assert!(
        !verdicts(&report, "SRM-S3-001").is_empty(),
        "other duties stay"
    );
    // The same template without the configuration has the finding.
    let (_, report) = json(&["testdata/exit-codes/findings"]);
    assert_eq!(verdicts(&report, "SRM-S3-004")[0].1, "unaddressed");
}

#[test]
fn select_flag_and_min_severity_filter_duties() {
    let (code, report) = json(&["testdata/exit-codes/findings", "--ignore", "SRM-S3-*"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["duties"], 0);
    let (code, _) = json(&[
        "testdata/exit-codes/findings",
        "--select",
        "SRM-S3-004",
        "--min-severity",
        "critical",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn terraform_comment_suppressions_need_a_reason_and_unused_ones_are_reported() {
    let (code, report) = json(&["testdata/suppress/tf"]);
    assert_eq!(code, 1, "aws_s3_bucket.reports is still a finding");
    let v = verdicts(&report, "SRM-S3-004");
    assert_eq!(v[0].0, "aws_s3_bucket.cache");
    assert_eq!(v[0].1, "suppressed");
    assert!(
        v[0].2
            .contains("build cache, recreated on every pipeline run"),
        "{}",
        v[0].2
    );
    assert_eq!(
        (v[1].0.as_str(), v[1].1.as_str()),
        ("aws_s3_bucket.reports", "unaddressed")
    );
    assert_eq!(
        (v[2].0.as_str(), v[2].1.as_str()),
        ("aws_s3_bucket.audit", "addressed")
    );
    let unused = &report["unused_suppressions"];
    assert_eq!(unused.as_array().map(|a| a.len()), Some(1));
    assert_eq!(unused[0]["line"], 10);
    assert_eq!(unused[0]["path"], "testdata/suppress/tf/main.tf");
    assert_eq!(unused[0]["kind"], "unused-suppression");
}

#[test]
fn cloudformation_metadata_suppressions() {
    let (code, report) = json(&["testdata/suppress/cfn"]);
    assert_eq!(code, 1);
    let v = verdicts(&report, "SRM-S3-004");
    assert_eq!((v[0].0.as_str(), v[0].1.as_str()), ("Cache", "suppressed"));
    assert_eq!(
        (v[1].0.as_str(), v[1].1.as_str()),
        ("Reports", "unaddressed")
    );
}

#[test]
fn a_suppression_without_reason_is_a_tool_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "# srm-lint:ignore[SRM-S3-004]\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .expect("write");
    let p = dir.path().to_string_lossy().to_string();
    let (code, report) = json(&[&p]);
    assert_eq!(code, 2);
    assert_eq!(report["errors"][0]["code"], "suppression-without-reason");
    assert_eq!(report["errors"][0]["line"], 1);
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tf = dir.path().join("main.tf");
    std::fs::write(&tf, "resource \"aws_s3_bucket\" \"old\" {}\n").expect("write");
    let base = dir.path().join("baseline.json");
    let (d, b) = (
        dir.path().to_string_lossy().to_string(),
        base.to_string_lossy().to_string(),
    );
    let Run { code, .. } = run(&[&d, "--write-baseline", &b, "-f", "compact"]);
    assert_eq!(code, 1, "writing a baseline still reports today's findings");
    let recorded = std::fs::read_to_string(&base).expect("baseline written");
    assert!(recorded.contains("\"duty\": \"SRM-S3-004\""), "{recorded}");
    assert!(
        recorded.contains("\"address\": \"aws_s3_bucket.old\""),
        "{recorded}"
    );

    // Unrelated edits that move the resource do not make it new.
    std::fs::write(&tf, "\n\n# moved\nresource \"aws_s3_bucket\" \"old\" {}\n").expect("write");
    let Run { code, stdout, .. } = run(&[&d, "--baseline", &b, "-f", "compact"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout, "");

    // A new bucket is a regression.
    std::fs::write(
        &tf,
        "resource \"aws_s3_bucket\" \"old\" {}\nresource \"aws_s3_bucket\" \"new\" {}\n",
    )
    .expect("write");
    let Run { code, stdout, .. } = run(&[&d, "--baseline", &b, "-f", "compact"]);
    assert_eq!(code, 1);
    assert!(stdout.lines().count() > 1, "{stdout}");
    assert!(
        stdout.lines().all(|l| l.contains("aws_s3_bucket.new:")),
        "{stdout}"
    );
}

#[test]
fn attestations_mark_duties_attested_and_expired_ones_are_reported_again() {
    let (code, report) = json(&["testdata/attest"]);
    assert_eq!(code, 0);
    let v = verdicts(&report, "ACME-ORG-001");
    assert_eq!(v.len(), 3);
    assert_eq!(
        (v[0].0.as_str(), v[0].1.as_str()),
        ("aws_s3_bucket.invoices", "attested")
    );
    assert!(
        v[0].2
            .contains("finance-platform@acme.example until 2027-06-30"),
        "{}",
        v[0].2
    );
    assert_eq!(
        (v[1].0.as_str(), v[1].1.as_str()),
        ("aws_s3_bucket.legacy_exports", "attestation")
    );
    assert!(v[1].2.contains("expired on 2026-01-31"), "{}", v[1].2);
    assert_eq!(
        (v[2].0.as_str(), v[2].1.as_str()),
        ("aws_s3_bucket.scratch", "attestation")
    );
    // After the expiry date the first record no longer counts either.
    let Run { stdout, .. } = run_env(
        &["testdata/attest", "-f", "json"],
        &[("SRM_LINT_TODAY", "2027-07-01")],
    );
    let later: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(verdicts(&later, "ACME-ORG-001")[0].1, "attestation");
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let schema_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/sarif-schema-2.1.0.json"
    ))
    .expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    for target in [
        "testdata/examples",
        "testdata/exit-codes/mixed",
        "testdata/suppress",
    ] {
        let Run { stdout, .. } = run(&[target, "--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&stdout).expect("sarif json");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{target}: {errors:#?}");
        assert_eq!(sarif["version"], "2.1.0");
    }
    let Run { stdout, .. } = run(&["testdata/exit-codes/findings", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout).expect("sarif json");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SRM-S3-004");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(result["partialFingerprints"]["srmLintFinding/v1"]
        .as_str()
        .is_some_and(|f| f.len() == 16));
}

#[test]
fn github_annotations_and_markdown_summary() {
    let one = ["--select", "SRM-S3-004"];
    let Run { code, stdout, .. } = run(&[
        &["testdata/exit-codes/findings", "--format", "github"][..],
        &one,
    ]
    .concat());
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("::warning file=testdata/exit-codes/findings/template.yaml,line=3,col=3,title=SRM-S3-004 s3-bucket-versioning-disabled::unaddressed Archive"),
        "{stdout}"
    );
    let Run { stdout: md, .. } = run(&[
        &["testdata/exit-codes/findings", "--format", "markdown"][..],
        &one,
    ]
    .concat());
    assert!(md.contains("| ❌ unaddressed | 1 |"), "{md}");
    assert!(md.contains("### `Archive` (AWS::S3::Bucket)"), "{md}");
}

/// The same module resource reached from a new root is a new finding (issue 22): a new example
/// calling an old module with `versioning = false` is not hidden by the baseline, and a version-1
/// baseline (fingerprints without the root) is still read.
#[test]
fn baseline_tells_roots_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::create_dir_all(p.join("modules/bucket")).expect("mkdir");
    std::fs::write(
        p.join("modules/bucket/main.tf"),
        "resource \"aws_s3_bucket\" \"this\" {}\n",
    )
    .expect("write");
    let call = "module \"b\" {\n  source = \"../../modules/bucket\"\n}\n";
    std::fs::create_dir_all(p.join("examples/one")).expect("mkdir");
    std::fs::write(p.join("examples/one/main.tf"), call).expect("write");
    let base = p.join("baseline.json").to_string_lossy().to_string();
    let d = p.to_string_lossy().to_string();
    let Run { code, .. } = run(&[&d, "--write-baseline", &base, "-f", "compact"]);
    assert_eq!(code, 1);
    let recorded = std::fs::read_to_string(&base).expect("baseline");
    assert!(recorded.contains("\"version\": 2"), "{recorded}");
    assert!(recorded.contains("\"root\": "), "{recorded}");
    let Run { code, stdout, .. } = run(&[&d, "--baseline", &base, "-f", "compact"]);
    assert_eq!((code, stdout.as_str()), (0, ""));

    std::fs::create_dir_all(p.join("examples/two")).expect("mkdir");
    std::fs::write(p.join("examples/two/main.tf"), call).expect("write");
    let Run { code, stdout, .. } = run(&[&d, "--baseline", &base, "-f", "compact"]);
    assert_eq!(code, 1, "the second root's instance is new");
    assert!(stdout.lines().count() > 0);
    assert!(
        stdout
            .lines()
            .all(|l| l.contains("module.b.aws_s3_bucket.this")),
        "{stdout}"
    );
    let (_, report) = json(&[&d, "--baseline", &base]);
    let roots: Vec<&str> = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| {
            r["checklist"]
                .as_array()
                .is_some_and(|c| c.iter().any(|e| e["verdict"] == "unaddressed"))
        })
        .filter_map(|r| r["root"].as_str())
        .collect();
    assert!(
        !roots.is_empty() && roots.iter().all(|r| r.ends_with("examples/two")),
        "{roots:?}"
    );

    // A version-1 baseline (duty, file, address: no root) still applies, to both roots.
    let mut v1: serde_json::Value = serde_json::from_str(&recorded).expect("json");
    v1["version"] = 1.into();
    for e in v1["findings"].as_array_mut().expect("findings") {
        let key = srm_lint::report::fingerprint::fingerprint(&[
            e["duty"].as_str().unwrap_or(""),
            e["path"].as_str().unwrap_or(""),
            e["address"].as_str().unwrap_or(""),
        ]);
        e["fingerprint"] = key.into();
        e.as_object_mut().expect("entry").remove("root");
    }
    std::fs::write(&base, v1.to_string()).expect("write");
    let Run { code, stdout, .. } = run(&[&d, "--baseline", &base, "-f", "compact"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}
