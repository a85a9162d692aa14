//! Nested stacks (issue 20): a local `TemplateURL` (or SAM `Location`) is followed with the
//! parameters the parent passes, like a Terraform module under its root; others get a notice.
//! What a user sees: root, address, verdict, basis, location and message of each entry.

mod common;
use common::*;
use serde_json::Value;

/// (root, address, verdict, basis, "path:line:col", message) of `duty`'s entries.
fn entries(report: &Value, duty: &str) -> Vec<(String, String, String, String, String, String)> {
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut out = Vec::new();
    for r in report["resources"].as_array().into_iter().flatten() {
        for c in r["checklist"].as_array().into_iter().flatten() {
            if c["duty"] == duty {
                out.push((
                    s(r, "root"),
                    s(r, "address"),
                    s(c, "verdict"),
                    s(c, "basis"),
                    format!("{}:{}:{}", s(c, "path"), c["line"], c["column"]),
                    s(c, "message"),
                ));
            }
        }
    }
    out
}

fn notices(report: &Value) -> Vec<String> {
    report["notices"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            format!(
                "{}:{}:{}: {}",
                n["path"].as_str().unwrap_or_default(),
                n["line"],
                n["column"],
                n["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

const PARENT: &str = "testdata/cfn/nested/parent.yaml";
const CHILD: &str = "testdata/cfn/nested/stacks/database.yaml";

#[test]
fn a_nested_stack_is_checked_with_what_its_parent_passes() {
    let (code, report) = json_in(root(), &["testdata/cfn/nested"]);
    assert_eq!(code, 1);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    let got = entries(&report, "SRM-RDS-001");
    let at = format!("{CHILD}:14:7");
    let row = |addr: &str, verdict: &str, message: &str| {
        (
            PARENT.to_string(),
            addr.to_string(),
            verdict.to_string(),
            "code".to_string(),
            at.clone(),
            message.to_string(),
        )
    };
    assert_eq!(
        got,
        vec![
            // Not passed: the child's default is what every deployment of the parent gets.
            row("ByDefault/Database", "addressed", "`StorageEncrypted` is \"true\""),
            // Passed from a choice of the parent: each option is a deployment.
            row(
                "PerEnvironment/Database",
                "unaddressed",
                "when parameter `Encrypt` is \"false\": `StorageEncrypted` is \"false\"; expected true; \
                 no AWS::RDS::DBCluster refers to PerEnvironment/Database; \
                 no AWS::RDS::DBInstance refers to PerEnvironment/Database"
            ),
            row(
                "Unencrypted/Database",
                "unaddressed",
                "`StorageEncrypted` is \"false\"; expected true; \
                 no AWS::RDS::DBCluster refers to Unencrypted/Database; \
                 no AWS::RDS::DBInstance refers to Unencrypted/Database"
            ),
        ]
    );
}

#[test]
fn stacks_that_are_not_followed_say_why_and_the_child_says_where_it_went() {
    let (_, report) = json_in(root(), &["testdata/cfn/nested"]);
    assert_eq!(
        notices(&report),
        vec![
            format!("{PARENT}:30:20: the template of nested stack `Remote` (https://example-bucket.s3.amazonaws.com/vpc.yaml) is not fetched; its resources are not checked"),
            format!("{PARENT}:34:20: `./stacks/missing.yaml`, the template of nested stack `Elsewhere`, is not among the scanned files; its resources are not checked here"),
            format!("{CHILD}:1:1: deployed as a nested stack by `Unencrypted` in {PARENT} (and 2 more): its resources are checked there, with the parameters the parent passes"),
        ]
    );
    // The child's resources appear only under the parent.
    assert!(!addresses(&report).iter().any(|a| a == "Database"));
}

#[test]
fn a_child_scanned_alone_is_its_own_root_and_its_default_is_not_a_fact() {
    let (_, report) = json_in(root(), &[CHILD]);
    assert_eq!(
        entries(&report, "SRM-RDS-001"),
        vec![(
            CHILD.to_string(),
            "Database".to_string(),
            "unverified".to_string(),
            "parameter-default".to_string(),
            format!("{CHILD}:14:7"),
            "`StorageEncrypted` cannot be resolved: it rests on the default of parameter `Encrypt` (\"true\"); a deployment may override it".to_string(),
        )]
    );
}

#[test]
fn json_parents_pass_values_and_an_empty_one_sets_nothing() {
    let dir = "testdata/cfn/nested-json";
    let (_, report) = json_in(root(), &[dir]);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    assert_eq!(
        entries(&report, "SRM-SQS-008"),
        vec![(
            format!("{dir}/parent.json"),
            "Queue/Jobs".to_string(),
            "unaddressed".to_string(),
            "default".to_string(),
            format!("{dir}/queue.json:7:23"),
            "`KmsMasterKeyId` is empty, which sets nothing".to_string(),
        )]
    );
    assert!(
        notices(&report).contains(&format!(
            "{dir}/parent.json:15:21: nested application `Sar` comes from the Serverless Application Repository, which srm-lint does not fetch; its resources are not checked"
        )),
        "{:?}",
        notices(&report)
    );
}

#[test]
fn a_cycle_of_nested_stacks_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stack = |to: &str| {
        format!(
            "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Next:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./{to}\n  Bucket:\n    Type: AWS::S3::Bucket\n"
        )
    };
    std::fs::write(dir.path().join("root.yaml"), stack("a.yaml")).expect("write");
    std::fs::write(dir.path().join("a.yaml"), stack("b.yaml")).expect("write");
    std::fs::write(dir.path().join("b.yaml"), stack("a.yaml")).expect("write");
    let (code, report) = json_in(dir.path(), &["."]);
    assert_eq!(code, 2, "{report}");
    assert_error(
        &report,
        "b.yaml:6:20",
        "invalid-template",
        "already on its path of parents (a cycle)",
    );
    let addrs = addresses(&report);
    for a in ["Bucket", "Next/Bucket", "Next/Next/Bucket"] {
        assert!(addrs.iter().any(|x| x == a), "{a} missing from {addrs:?}");
    }
}

#[test]
fn a_logical_id_written_twice_is_an_error_and_checked_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Data:\n    Type: AWS::S3::Bucket\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: second\n";
    std::fs::write(dir.path().join("t.yaml"), text).expect("write");
    let (code, report) = json_in(dir.path(), &["t.yaml"]);
    assert_eq!(code, 2, "{report}");
    assert_error(&report, "t.yaml:5:3", "duplicate-key", "`Data`");
    assert_eq!(addresses(&report), vec!["Data".to_string()]);
}

#[test]
fn a_value_the_parent_cannot_resolve_leaves_the_child_unverified_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let parent = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Key:\n    Type: AWS::KMS::Key\n  Db:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./db.yaml\n      Parameters:\n        Encrypt: !GetAtt Key.Arn\n";
    let child = "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Encrypt:\n    Type: String\n    Default: \"true\"\nResources:\n  Database:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      StorageEncrypted: !Ref Encrypt\n";
    std::fs::write(dir.path().join("parent.yaml"), parent).expect("write");
    std::fs::write(dir.path().join("db.yaml"), child).expect("write");
    let (_, report) = json_in(dir.path(), &["."]);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    let got = entries(&report, "SRM-RDS-001");
    assert_eq!(got.len(), 1, "{got:?}");
    let (root, address, verdict, basis, at, message) = &got[0];
    assert_eq!(
        (
            root.as_str(),
            address.as_str(),
            verdict.as_str(),
            basis.as_str(),
            at.as_str()
        ),
        (
            "parent.yaml",
            "Db/Database",
            "unverified",
            "unknown",
            "db.yaml:10:7"
        )
    );
    assert_eq!(
        message,
        "`StorageEncrypted` cannot be resolved: the parent passes parameter `Encrypt` to nested \
         stack `Db` as a value srm-lint cannot resolve"
    );
}
