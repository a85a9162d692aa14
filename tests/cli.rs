//! End-to-end tests of the binary: what a user sees on the terminal and in the JSON contract,
//! and the exit codes.

mod common;

use common::{json, run, Run};

/// The checklist entry of `duty` on the resource `address`.
fn entry<'a>(report: &'a serde_json::Value, address: &str, duty: &str) -> &'a serde_json::Value {
    let res = report["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .unwrap_or_else(|| panic!("no resource {address}"));
    res["checklist"]
        .as_array()
        .and_then(|c| c.iter().find(|e| e["duty"] == duty))
        .unwrap_or_else(|| panic!("{address} has no {duty}"))
}

fn at(e: &serde_json::Value) -> String {
    format!(
        "{}:{}:{}",
        e["path"].as_str().unwrap_or("?"),
        e["line"],
        e["column"]
    )
}

#[test]
fn exit_code_is_0_when_every_duty_is_addressed() {
    // One duty keeps the fixture stable as the catalog grows.
    let Run { code, stdout, .. } = run(&[
        "testdata/exit-codes/clean",
        "-f",
        "compact",
        "--select",
        "SRM-S3-004",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout, "");
}

#[test]
fn exit_code_is_1_on_findings_with_the_finding_located() {
    let Run { code, stdout, .. } = run(&[
        "testdata/exit-codes/findings",
        "-f",
        "compact",
        "--select",
        "SRM-S3-004",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "testdata/exit-codes/findings/template.yaml:3:3: medium SRM-S3-004 [unaddressed] Archive: `VersioningConfiguration.Status` is not set\n"
    );
}

#[test]
fn a_malformed_file_among_good_ones_gives_exit_2_a_located_error_and_the_other_findings() {
    let (code, report) = json(&["testdata/exit-codes/mixed"]);
    assert_eq!(code, 2);
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1);
    assert_eq!(at(&errors[0]), "testdata/exit-codes/mixed/broken.yaml:5:17");
    assert_eq!(errors[0]["code"], "parse-error");
    let e = entry(&report, "Archive", "SRM-S3-004");
    assert_eq!(e["verdict"], "unaddressed");
    assert_eq!(at(e), "testdata/exit-codes/mixed/good.yaml:3:3");
}

#[test]
fn a_bad_flag_is_a_tool_error() {
    let Run { code, stderr, .. } = run(&["--no-such-flag"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
}

#[test]
fn a_missing_path_is_a_tool_error() {
    let (code, report) = json(&["testdata/does-not-exist"]);
    assert_eq!(code, 2);
    assert_eq!(report["errors"][0]["path"], "testdata/does-not-exist");
}

#[test]
fn fail_on_unverified_turns_unknowns_into_failures() {
    // The template's versioning depends on a parameter without a value.
    let args = [
        "testdata/action/unverified",
        "--select",
        "SRM-S3-004",
        "-f",
        "compact",
    ];
    let Run { code, stdout, .. } = run(&args);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("[unverified] Reports"), "{stdout}");
    let Run { code, .. } = run(&[&args[..], &["--fail-on", "unverified"]].concat());
    assert_eq!(code, 1);
}

#[test]
fn output_is_byte_identical_across_runs() {
    let Run { stdout: a, .. } = run(&["testdata/examples", "--format", "json"]);
    let Run { stdout: b, .. } = run(&["testdata/examples", "--format", "json"]);
    assert_eq!(a, b);
}

#[test]
fn terminal_output_of_the_examples() {
    let Run { stdout, .. } = run(&["testdata/examples"]);
    insta::assert_snapshot!("examples_terminal", stdout);
}

#[test]
fn json_output_of_the_examples() {
    let Run { stdout, .. } = run(&["testdata/examples", "--format", "json"]);
    insta::assert_snapshot!("examples_json", stdout);
}

/// The SARIF document is written field by field (not built as a JSON value first); the snapshot
/// pins its exact bytes, key order included.
#[test]
fn sarif_output_of_the_examples() {
    let Run { stdout, .. } = run(&["testdata/examples", "--format", "sarif"]);
    insta::assert_snapshot!("examples_sarif", stdout);
}

#[test]
fn explain_prints_the_duty_docs() {
    let Run { code, stdout, .. } = run(&["explain", "SRM-S3-004"]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("# SRM-S3-004 s3-bucket-versioning-disabled"),
        "{stdout}"
    );
    assert!(stdout.contains("## How to fix"));
    let Run { code, stderr, .. } = run(&["explain", "SRM-NOPE-1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no duty"));
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    let out_s = out.to_string_lossy().to_string();
    let Run { code, stdout, .. } = run(&[
        "testdata/exit-codes/findings",
        "--format",
        "json",
        "--output",
        &out_s,
    ]);
    assert_eq!(code, 1);
    assert_eq!(stdout, "");
    let written = std::fs::read_to_string(std::path::Path::new(&out)).expect("report written");
    assert!(written.contains("\"SRM-S3-004\""));
}

#[test]
fn catalog_json_lists_at_least_35_resource_types_and_120_documented_duties() {
    let Run { code, stdout, .. } = run(&["catalog", "--format", "json"]);
    assert_eq!(code, 0);
    let c: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let types = c["resource_types"].as_u64().unwrap_or(0);
    let duties = c["duty_list"].as_array().expect("duties");
    assert!(types >= 35, "{types} resource types");
    assert!(duties.len() >= 120, "{} duties", duties.len());
    for d in duties {
        let id = d["id"].as_str().unwrap_or("?");
        for field in ["summary", "why", "fix", "default"] {
            assert!(
                d[field].as_str().is_some_and(|s| !s.trim().is_empty()),
                "{id} lacks {field}"
            );
        }
        assert!(
            d["help_uri"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("{id}.md"))),
            "{id}"
        );
    }
}

#[test]
fn timings_go_to_stderr_and_leave_the_output_unchanged() {
    let Run {
        code,
        stdout: plain,
        ..
    } = run(&["testdata/examples"]);
    let Run {
        code: timed_code,
        stdout: timed,
        stderr,
    } = run(&["testdata/examples", "--timings"]);
    assert_eq!((code, timed_code), (1, 1));
    assert_eq!(plain, timed, "--timings must not change stdout");
    for stage in [
        "srm-lint timings:",
        "discover + read",
        "Terraform + CloudFormation",
        "Terraform parse + evaluate",
        "CloudFormation parse + adapt",
        "evaluate",
        "render + write",
        "total",
    ] {
        assert!(stderr.contains(stage), "no `{stage}` in:\n{stderr}");
    }
}

/// A broken policy file in the configuration's `policy_dirs` stops the run with exit code 2
/// and the file's TOML error, even though the scan (which evaluates each unit as soon as it is
/// built) asked for the catalog while it was still being built.
#[test]
fn a_broken_policy_file_is_a_tool_error_not_a_clean_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("policies")).expect("mkdir");
    std::fs::write(
        dir.path().join(".srm-lint.toml"),
        "policy_dirs = [\"policies\"]\n",
    )
    .expect("write config");
    std::fs::write(
        dir.path().join("policies/broken.toml"),
        "[service\nid = 1\n",
    )
    .expect("write policy");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )
    .expect("write tf");
    let Run {
        code,
        stdout,
        stderr,
    } = common::run_in(dir.path(), &["."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("policy error"), "{stderr}");
    assert!(stderr.contains("broken.toml"), "{stderr}");
    assert!(stdout.is_empty(), "no report when the catalog is broken");
}

/// The benchmark floor (`--parse-only`) reads and parses the same files as a full run: the
/// syntax errors of a `.tf`, a `.tf.json`, a `terraform.tfvars` and a template come out the same
/// (file, line, column), and nothing is evaluated.
#[test]
fn the_parse_only_floor_parses_every_file_a_full_run_parses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("tf")).expect("mkdir");
    std::fs::create_dir_all(root.join("good")).expect("mkdir");
    std::fs::write(
        root.join("good/main.tf"),
        "resource \"aws_s3_bucket\" \"ok\" {\n  bucket = \"b\"\n}\n",
    )
    .expect("write");
    std::fs::write(root.join("tf/main.tf"), "resource \"x\" \"y\" {\n  a = \n").expect("write");
    std::fs::write(
        root.join("tf/extra.tf.json"),
        "{\"resource\": {\"aws_sqs_queue\": ",
    )
    .expect("write");
    std::fs::write(root.join("tf/terraform.tfvars"), "region = = 1\n").expect("write");
    std::fs::write(
        root.join("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: [\n",
    )
    .expect("write");
    let dir_arg = root.to_str().expect("utf-8 temp path");
    let errors = |v: &serde_json::Value| -> Vec<(String, u64, u64, String)> {
        v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                let path = e["path"].as_str().unwrap_or("");
                let name = path.rsplit('/').next().unwrap_or(path).to_string();
                (
                    name,
                    e["line"].as_u64().unwrap_or(0),
                    e["column"].as_u64().unwrap_or(0),
                    e["code"].as_str().unwrap_or("").to_string(),
                )
            })
            .filter(|e| e.3 == "parse-error")
            .collect()
    };
    let (full_code, full) = json(&[dir_arg]);
    let (floor_code, floor) = json(&[dir_arg, "--parse-only"]);
    assert_eq!((full_code, floor_code), (2, 2));
    let floor_errors = errors(&floor);
    let names: Vec<&str> = floor_errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "template.yaml",
            "extra.tf.json",
            "main.tf",
            "terraform.tfvars"
        ],
        "{floor:#}"
    );
    assert!(
        floor_errors.contains(&("main.tf".into(), 2, 7, "parse-error".into())),
        "{floor_errors:?}"
    );
    assert_eq!(floor_errors, errors(&full));
    assert_eq!(floor["summary"]["resources"], 0, "{floor:#}");
    assert!(
        full["summary"]["resources"].as_u64().unwrap_or(0) >= 1,
        "{full:#}"
    );
}

/// Every resource says what its type is to the catalog (issue 21): a kind with a checklist, a
/// companion (evidence for other kinds), an AWS type identified only by the type table (with its
/// service, category and what AWS keeps), or unknown.
#[test]
fn every_resource_says_what_its_type_is_to_the_catalog() {
    let (_, report) = json(&["testdata/cfn/roles/template.yaml"]);
    let resources = report["resources"].as_array().expect("resources");
    let row = |address: &str| -> String {
        let r = resources
            .iter()
            .find(|r| r["address"] == address)
            .unwrap_or_else(|| panic!("no {address}"));
        format!(
            "{} {} of={} service={} category={} known={} checklist={} aws_side={}",
            r["type"].as_str().unwrap_or(""),
            r["role"].as_str().unwrap_or(""),
            r.get("of").map_or("-".to_string(), |o| o.to_string()),
            r["service"],
            r["category"],
            r["known"],
            r["checklist"].as_array().map_or(0, Vec::len),
            r["aws_responsibilities"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
        )
    };
    assert_eq!(
        row("Queue"),
        "AWS::SQS::Queue checked of=[\"sqs-queue\",\"sqs-queue-policy\"] service=\"sqs\" \
         category=\"abstracted\" known=true checklist=5 aws_side=true"
    );
    assert_eq!(
        row("TopicPolicy"),
        "AWS::SNS::TopicPolicy companion of=[\"sns-topic\"] service=\"sns\" \
         category=\"abstracted\" known=true checklist=0 aws_side=true"
    );
    assert_eq!(
        row("Assoc"),
        "AWS::EC2::SubnetRouteTableAssociation identified of=- service=\"vpc\" \
         category=\"infrastructure\" known=true checklist=0 aws_side=true"
    );
    assert_eq!(
        row("Typo"),
        "AWS::S3::Buckett unknown of=- service=null category=null known=false checklist=0 \
         aws_side=false"
    );
}
