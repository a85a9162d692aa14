//! What a verdict rests on (issue 20): empty values are not evidence, a companion that may not
//! exist is not proof, and every checklist entry's JSON `basis` says whether the verdict rests on
//! the code, a companion, AWS's default or something unknown. Every test scans code written here
//! through the library and asserts duty id, verdict, `line:column`, message and basis.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use srm_lint::catalog::Catalog;
use srm_lint::report::Report;
use srm_lint::ScanOptions;

/// Scans one file `name` holding `code`; the report as JSON.
fn scan(name: &str, code: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, code).unwrap();
    let catalog = Catalog::builtin().expect("built-in catalog");
    let opts = ScanOptions {
        paths: vec![path],
        ..Default::default()
    };
    let scan = srm_lint::scan(&opts, &catalog);
    let report = Report::build(&scan, &catalog);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["errors"], Value::Array(vec![]), "tool errors");
    json
}

/// One checklist entry: verdict, `line:column`, message, basis.
#[derive(Debug)]
struct Entry {
    verdict: String,
    at: String,
    message: String,
    basis: String,
}

fn duty(r: &Value, address: &str, id: &str) -> Entry {
    let res = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address}"));
    let e = res["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["duty"] == id)
        .unwrap_or_else(|| panic!("{address} has no {id}"));
    Entry {
        verdict: e["verdict"].as_str().unwrap().to_string(),
        at: format!("{}:{}", e["line"], e["column"]),
        message: e["message"].as_str().unwrap().to_string(),
        basis: e["basis"].as_str().unwrap_or("(none)").to_string(),
    }
}

#[test]
fn empty_strings_and_lists_are_not_settings_in_terraform() {
    let r = scan(
        "main.tf",
        r#"resource "aws_iam_role" "app" {
  name                 = "app"
  assume_role_policy   = "{}"
  permissions_boundary = ""
}

resource "aws_sns_topic" "events" {
  name              = "events"
  kms_master_key_id = "  "
}
"#,
    );
    let e = duty(&r, "aws_iam_role.app", "SRM-IAM-006");
    assert_eq!(e.verdict, "unaddressed", "{e:?}");
    assert_eq!(e.at, "4:3");
    assert_eq!(
        e.message,
        "`permissions_boundary` is empty, which sets nothing"
    );
    // BASIS code
    let e = duty(&r, "aws_sns_topic.events", "SRM-SNS-001");
    assert_eq!(e.verdict, "unaddressed", "{e:?}");
    assert_eq!(e.at, "9:3");
    assert_eq!(
        e.message,
        "`kms_master_key_id` is empty, which sets nothing"
    );
    // BASIS code
}

#[test]
fn empty_strings_are_not_settings_in_cloudformation_yaml() {
    let r = scan(
        "template.yaml",
        r#"Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      PermissionsBoundary: ""
  Events:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: ''
"#,
    );
    let e = duty(&r, "AppRole", "SRM-IAM-006");
    assert_eq!(e.verdict, "unaddressed", "{e:?}");
    assert_eq!(e.at, "6:7");
    assert_eq!(
        e.message,
        "`PermissionsBoundary` is empty, which sets nothing"
    );
    // BASIS code
    let e = duty(&r, "Events", "SRM-SNS-001");
    assert_eq!(e.verdict, "unaddressed", "{e:?}");
    assert_eq!(e.at, "10:7");
    assert_eq!(e.message, "`KmsMasterKeyId` is empty, which sets nothing");
}
