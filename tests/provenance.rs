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

/// One checklist entry: verdict, `line:column`, message, basis (read as `String`s, expected
/// as `&str`s).
#[derive(Debug, PartialEq)]
struct Entry<S = String> {
    verdict: S,
    at: S,
    message: S,
    basis: S,
}

impl Entry {
    /// Asserts the entry is `want`, field by field.
    #[track_caller]
    fn is(&self, want: Entry<&str>) {
        let got = Entry {
            verdict: self.verdict.as_str(),
            at: self.at.as_str(),
            message: self.message.as_str(),
            basis: self.basis.as_str(),
        };
        assert_eq!(got, want);
    }
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
    duty(&r, "aws_iam_role.app", "SRM-IAM-006").is(Entry {
        verdict: "unaddressed",
        at: "4:3",
        message: "`permissions_boundary` is empty, which sets nothing",
        basis: "default",
    });
    duty(&r, "aws_sns_topic.events", "SRM-SNS-001").is(Entry {
        verdict: "unaddressed",
        at: "9:3",
        message: "`kms_master_key_id` is empty, which sets nothing",
        basis: "default",
    });
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
    duty(&r, "AppRole", "SRM-IAM-006").is(Entry {
        verdict: "unaddressed",
        at: "6:7",
        message: "`PermissionsBoundary` is empty, which sets nothing",
        basis: "default",
    });
    duty(&r, "Events", "SRM-SNS-001").is(Entry {
        verdict: "unaddressed",
        at: "10:7",
        message: "`KmsMasterKeyId` is empty, which sets nothing",
        basis: "default",
    });
}

#[test]
fn a_terraform_companion_with_an_unknown_count_proves_nothing() {
    let r = scan(
        "main.tf",
        r#"variable "versioned" {
  type = bool
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_s3_bucket_versioning" "data" {
  count  = var.versioned ? 1 : 0
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}
"#,
    );
    let e = duty(&r, "aws_s3_bucket.data", "SRM-S3-004");
    assert_eq!(e.verdict, "unverified", "{e:?}");
    assert_eq!(e.at, "9:1");
    assert!(
        e.message.starts_with(
            "aws_s3_bucket_versioning.data exists only if `var.versioned` selects a non-zero \
             `count`, which srm-lint cannot resolve, so it cannot prove this duty"
        ),
        "{e:?}"
    );
    assert_eq!(e.basis, "unknown");
}

#[test]
fn a_terraform_companion_with_a_known_count_or_unknown_for_each() {
    let code = |count: &str| {
        format!(
            r#"variable "names" {{}}

resource "aws_s3_bucket" "data" {{
  bucket = "acme-data"
}}

resource "aws_s3_bucket_versioning" "data" {{
  {count}
  bucket = aws_s3_bucket.data.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}
"#
        )
    };
    let r = scan("main.tf", &code("count = 1"));
    let e = duty(&r, "aws_s3_bucket.data", "SRM-S3-004");
    assert_eq!(e.verdict, "addressed", "{e:?}");
    let r = scan("main.tf", &code("for_each = var.names"));
    let e = duty(&r, "aws_s3_bucket.data", "SRM-S3-004");
    assert_eq!(e.verdict, "unverified", "{e:?}");
    assert!(
        e.message.starts_with(
            "aws_s3_bucket_versioning.data exists only if `for_each` is not empty, and it is not known"
        ),
        "{e:?}"
    );
}

#[test]
fn a_cloudformation_companion_under_an_unresolved_condition_proves_nothing() {
    let r = scan(
        "template.yaml",
        r#"Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Events:
    Type: AWS::SNS::Topic
  EventsPolicy:
    Type: AWS::SNS::TopicPolicy
    Condition: IsProd
    Properties:
      Topics: [!Ref Events]
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: sns:Publish
            Resource: "*"
            Condition:
              Bool:
                aws:SecureTransport: false
"#,
    );
    duty(&r, "Events", "SRM-SNS-007").is(Entry {
        verdict: "unverified",
        at: "9:3",
        message: "AWS::SNS::TopicPolicy EventsPolicy exists only if condition `IsProd` holds, \
                  which srm-lint cannot resolve, so it cannot prove this duty",
        basis: "unknown",
    });
}

#[test]
fn basis_says_code_default_or_companion() {
    let r = scan(
        "main.tf",
        r#"resource "aws_s3_bucket" "raw" {
  bucket = "acme-raw"
}

resource "aws_s3_bucket" "kept" {
  bucket = "acme-kept"
}

resource "aws_s3_bucket_versioning" "kept" {
  bucket = aws_s3_bucket.kept.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_sns_topic" "events" {
  name              = "events"
  kms_master_key_id = "alias/events"
}
"#,
    );
    // A value written in the resource.
    duty(&r, "aws_sns_topic.events", "SRM-SNS-001").is(Entry {
        verdict: "addressed",
        at: "18:3",
        message: "`kms_master_key_id` is \"alias/events\"",
        basis: "code",
    });
    // No public access block, no ownership controls: AWS's defaults decide, and say so.
    for id in ["SRM-S3-001", "SRM-S3-005"] {
        let e = duty(&r, "aws_s3_bucket.raw", id);
        assert_eq!(
            (e.verdict.as_str(), e.at.as_str(), e.basis.as_str()),
            ("addressed", "1:1", "default"),
            "{id}: {e:?}"
        );
        assert!(
            e.message
                .starts_with("addressed by AWS's default: no aws_s3_bucket_"),
            "{id}: {e:?}"
        );
        assert!(
            e.message.ends_with(" refers to aws_s3_bucket.raw"),
            "{id}: {e:?}"
        );
    }
    // A companion decides.
    duty(&r, "aws_s3_bucket.kept", "SRM-S3-004").is(Entry {
        verdict: "addressed",
        at: "12:5",
        message: "aws_s3_bucket_versioning.kept: `versioning_configuration.status` is \"Enabled\"",
        basis: "companion",
    });
    // No companion where one is required: AWS's default does not address it.
    let e = duty(&r, "aws_s3_bucket.raw", "SRM-S3-004");
    assert_eq!(
        (e.verdict.as_str(), e.at.as_str(), e.basis.as_str()),
        ("unaddressed", "1:1", "default"),
        "{e:?}"
    );
}

#[test]
fn basis_is_unknown_for_an_unresolved_value_and_never_for_addressed() {
    let r = scan(
        "main.tf",
        r#"variable "key" {}

resource "aws_s3_bucket" "raw" {
  bucket = "acme-raw"
}

resource "aws_s3_bucket_public_access_block" "raw" {
  bucket                  = aws_s3_bucket.raw.id
  block_public_acls       = true
  block_public_policy     = var.key
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"#,
    );
    let e = duty(&r, "aws_s3_bucket.raw", "SRM-S3-001");
    assert_eq!(
        (e.verdict.as_str(), e.at.as_str(), e.basis.as_str()),
        ("unverified", "10:3", "unknown"),
        "{e:?}"
    );
    assert!(e.message.contains("`block_public_policy`"), "{e:?}");
}

/// Over the examples (corpus-like fixtures): every entry has a basis, and none is `addressed`
/// on something unknown.
#[test]
fn no_addressed_verdict_rests_on_something_unknown() {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let opts = ScanOptions {
        paths: vec![std::path::PathBuf::from("testdata/examples")],
        ..Default::default()
    };
    let scan = srm_lint::scan(&opts, &catalog);
    let report = serde_json::to_value(Report::build(&scan, &catalog)).unwrap();
    let mut entries = 0;
    for r in report["resources"].as_array().unwrap() {
        for c in r["checklist"].as_array().unwrap() {
            entries += 1;
            let basis = c["basis"]
                .as_str()
                .unwrap_or_else(|| panic!("no basis: {c}"));
            assert!(
                !(c["verdict"] == "addressed" && basis == "unknown"),
                "addressed on something unknown: {c}"
            );
            if c["verdict"] == "unverified" {
                assert!(basis == "unknown" || basis == "parameter-default", "{c}");
            }
            if basis == "parameter-default" {
                assert_eq!(c["verdict"], "unverified", "{c}");
            }
        }
    }
    assert!(entries > 50, "only {entries} entries");
}

#[test]
fn a_companion_under_the_subjects_own_count_is_proof() {
    let r = scan(
        "main.tf",
        r#"variable "enabled" {
  type = bool
}

resource "aws_s3_bucket" "data" {
  count  = var.enabled ? 1 : 0
  bucket = "acme-data"
}

resource "aws_s3_bucket_versioning" "data" {
  count  = var.enabled ? 1 : 0
  bucket = aws_s3_bucket.data[0].id
  versioning_configuration {
    status = "Enabled"
  }
}
"#,
    );
    let e = duty(&r, "aws_s3_bucket.data", "SRM-S3-004");
    assert_eq!(
        (e.verdict.as_str(), e.at.as_str(), e.basis.as_str()),
        ("addressed", "14:5", "companion"),
        "{e:?}"
    );
}

#[test]
fn a_companion_in_a_module_call_with_an_unknown_count_proves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("versioning")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"variable "versioned" {
  type = bool
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

module "versioning" {
  source = "./versioning"
  count  = var.versioned ? 1 : 0
  bucket = aws_s3_bucket.data.id
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("versioning/main.tf"),
        r#"variable "bucket" {}

resource "aws_s3_bucket_versioning" "this" {
  bucket = var.bucket
  versioning_configuration {
    status = "Enabled"
  }
}
"#,
    )
    .unwrap();
    let catalog = Catalog::builtin().expect("built-in catalog");
    let opts = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    let scan = srm_lint::scan(&opts, &catalog);
    let r = serde_json::to_value(Report::build(&scan, &catalog)).unwrap();
    let e = duty(&r, "aws_s3_bucket.data", "SRM-S3-004");
    assert_eq!(
        (e.verdict.as_str(), e.basis.as_str()),
        ("unverified", "unknown"),
        "{e:?}"
    );
    assert!(
        e.message.starts_with(
            "module.versioning.aws_s3_bucket_versioning.this belongs to module.versioning, which \
             exists only if `var.versioned` selects a non-zero `count`"
        ),
        "{e:?}"
    );
}
