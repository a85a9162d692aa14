//! Issue 20: account-level settings in the same configuration settle the duties they decide
//! (basis `account`), absent settings decided outside the code are `unverified` by one rule, and
//! literal credentials in user data and environment variables are findings at the secret, masked
//! in every output. Each test runs the binary on code written here and asserts what a user sees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{json_in, run_in, FORMATS};
use serde_json::Value;
use std::path::Path;

/// One checklist entry as the JSON report gives it.
#[derive(Debug)]
struct Entry {
    verdict: String,
    at: String,
    message: String,
    basis: String,
}

/// Writes `files` (relative path, content) into a fresh directory and scans it as JSON.
fn scan(files: &[(&str, &str)]) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    for (name, code) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, code).unwrap();
    }
    let (_, report) = json_in(dir.path(), &["."]);
    assert_eq!(report["errors"], Value::Array(vec![]), "tool errors");
    (dir, report)
}

fn entry(r: &Value, address: &str, id: &str) -> Entry {
    let res = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address} in {r:#}"));
    let e = res["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["duty"] == id)
        .unwrap_or_else(|| panic!("{address} has no {id}"));
    Entry {
        verdict: e["verdict"].as_str().unwrap().to_string(),
        at: format!(
            "{}:{}:{}",
            e["path"].as_str().unwrap(),
            e["line"],
            e["column"]
        ),
        message: e["message"].as_str().unwrap().to_string(),
        basis: e["basis"].as_str().unwrap().to_string(),
    }
}

#[track_caller]
fn assert_entry(e: &Entry, verdict: &str, basis: &str, at: &str, fragment: &str) {
    assert_eq!(
        (e.verdict.as_str(), e.basis.as_str(), e.at.as_str()),
        (verdict, basis, at),
        "{e:#?}"
    );
    assert!(e.message.contains(fragment), "{fragment:?} not in {e:#?}");
}

const ACCOUNT_TF: &str = r#"resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}

resource "aws_ec2_instance_metadata_defaults" "this" {
  http_tokens = "required"
}

resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_ecr_registry_scanning_configuration" "this" {
  scan_type = "BASIC"
  rule {
    scan_frequency = "SCAN_ON_PUSH"
    repository_filter {
      filter      = "*"
      filter_type = "WILDCARD"
    }
  }
}
"#;

const WORKLOAD_TF: &str = r#"resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
}

resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_launch_template" "web" {
  image_id = "ami-0123456789abcdef0"
}

resource "aws_s3_bucket" "data" {
  bucket = "acme-data"
}

resource "aws_ecr_repository" "app" {
  name = "app"
}
"#;

#[test]
fn account_settings_in_the_same_root_address_the_duties_they_settle() {
    let (_d, r) = scan(&[("account.tf", ACCOUNT_TF), ("main.tf", WORKLOAD_TF)]);
    let ebs =
        "account-level aws_ebs_encryption_by_default.this in this configuration: `enabled` is true";
    assert_entry(
        &entry(&r, "aws_ebs_volume.data", "SRM-EBS-001"),
        "addressed",
        "account",
        "account.tf:2:3",
        ebs,
    );
    assert_entry(
        &entry(&r, "aws_instance.web", "SRM-EC2-003"),
        "addressed",
        "account",
        "account.tf:2:3",
        ebs,
    );
    assert_entry(
        &entry(&r, "aws_launch_template.web", "SRM-LT-003"),
        "addressed",
        "account",
        "account.tf:2:3",
        ebs,
    );
    let imds = entry(&r, "aws_instance.web", "SRM-EC2-001");
    assert_entry(
        &imds,
        "addressed",
        "account",
        "account.tf:6:3",
        "account-level aws_ec2_instance_metadata_defaults.this in this configuration: `http_tokens` is \"required\"",
    );
    assert!(!imds.message.contains("AWS's default"), "{imds:#?}");
    assert_entry(
        &entry(&r, "aws_s3_bucket.data", "SRM-S3-001"),
        "addressed",
        "account",
        "account.tf:10:3",
        "account-level aws_s3_account_public_access_block.this in this configuration: `block_public_acls` is true",
    );
    assert_entry(
        &entry(&r, "aws_ecr_repository.app", "SRM-ECR-001"),
        "addressed",
        "account",
        "account.tf:19:5",
        "account-level aws_ecr_registry_scanning_configuration.this in this configuration: `scan_frequency` is \"SCAN_ON_PUSH\"",
    );
}

#[test]
fn an_account_setting_that_is_off_or_may_not_exist_is_no_proof() {
    let off = r#"resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}
"#;
    let (_d, r) = scan(&[("account.tf", off), ("main.tf", WORKLOAD_TF)]);
    let e = entry(&r, "aws_ebs_volume.data", "SRM-EBS-001");
    assert_eq!(
        (e.verdict.as_str(), e.at.as_str()),
        ("unverified", "main.tf:1:1"),
        "{e:#?}"
    );
    assert!(e.message.contains("`encrypted` is not set"), "{e:#?}");
    // A written `encrypted = false` is a finding, whatever the account does not do.
    let off_volume = "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"eu-west-1a\"\n  encrypted         = false\n}\n";
    let (_d, r) = scan(&[("account.tf", off), ("main.tf", off_volume)]);
    assert_entry(
        &entry(&r, "aws_ebs_volume.data", "SRM-EBS-001"),
        "unaddressed",
        "code",
        "main.tf:3:3",
        "`encrypted` is false; expected true; account-level aws_ebs_encryption_by_default.this in this configuration: `enabled` is false; expected true",
    );

    let counted = r#"variable "manage_account" {
  type = bool
}

resource "aws_ec2_instance_metadata_defaults" "this" {
  count       = var.manage_account ? 1 : 0
  http_tokens = "required"
}
"#;
    let (_d, r) = scan(&[("account.tf", counted), ("main.tf", WORKLOAD_TF)]);
    let e = entry(&r, "aws_instance.web", "SRM-EC2-001");
    assert_eq!(
        (e.verdict.as_str(), e.basis.as_str()),
        ("unverified", "unknown"),
        "{e:#?}"
    );
    assert!(
        e.message
            .contains("account-level aws_ec2_instance_metadata_defaults.this")
            && e.message.contains("so it cannot prove this duty"),
        "{e:#?}"
    );
}

#[test]
fn an_account_setting_of_another_root_is_not_evidence() {
    let (_d, r) = scan(&[
        ("account/main.tf", ACCOUNT_TF),
        ("app/main.tf", WORKLOAD_TF),
    ]);
    assert_entry(
        &entry(&r, "aws_ebs_volume.data", "SRM-EBS-001"),
        "unverified",
        "unknown",
        "app/main.tf:1:1",
        "`encrypted` is not set; the account's EBS encryption-by-default setting (or an encrypted snapshot) decides",
    );
    let e = entry(&r, "aws_instance.web", "SRM-EC2-001");
    assert_entry(
        &e,
        "unverified",
        "unknown",
        "app/main.tf:6:1",
        "`metadata_options.http_tokens` is not set; without http_tokens the AMI's ImdsSupport flag",
    );
}

const CFN_ECR_YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Scanning:
    Type: AWS::ECR::RegistryScanningConfiguration
    Properties:
      ScanType: ENHANCED
      Rules:
        - ScanFrequency: CONTINUOUS_SCAN
          RepositoryFilters:
            - Filter: "*"
              FilterType: WILDCARD
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
"#;

#[test]
fn a_registry_scanning_configuration_in_the_same_template_addresses_scan_on_push() {
    let (_d, r) = scan(&[("template.yaml", CFN_ECR_YAML)]);
    assert_entry(
        &entry(&r, "App", "SRM-ECR-001"),
        "addressed",
        "account",
        "template.yaml:8:11",
        "account-level AWS::ECR::RegistryScanningConfiguration Scanning in this configuration: `ScanFrequency` is \"CONTINUOUS_SCAN\"",
    );
    let json = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Scanning": {
      "Type": "AWS::ECR::RegistryScanningConfiguration",
      "Properties": {
        "ScanType": "BASIC",
        "Rules": [
          { "ScanFrequency": "SCAN_ON_PUSH",
            "RepositoryFilters": [ { "Filter": "*", "FilterType": "WILDCARD" } ] }
        ]
      }
    },
    "App": { "Type": "AWS::ECR::Repository", "Properties": { "RepositoryName": "app" } }
  }
}
"#;
    let (_d, r) = scan(&[("template.json", json)]);
    assert_entry(
        &entry(&r, "App", "SRM-ECR-001"),
        "addressed",
        "account",
        "template.json:9:13",
        "`ScanFrequency` is \"SCAN_ON_PUSH\"",
    );
    // Without it the repository's own setting is all there is.
    let alone = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  App:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: app\n";
    let (_d, r) = scan(&[("template.yaml", alone)]);
    assert_entry(
        &entry(&r, "App", "SRM-ECR-001"),
        "unverified",
        "unknown",
        "template.yaml:3:3",
        "a registry-level scanning configuration, possibly in another stack, may scan this repository",
    );
}

/// One rule for an absent setting decided outside the code: the subnet, the AMI or the
/// account's setting decides, so an instance, a launch template and a launch configuration that
/// leave it unset are all `unverified`, in Terraform and CloudFormation.
#[test]
fn settings_decided_outside_the_code_are_unverified_on_every_resource_and_format() {
    let tf = r#"resource "aws_instance" "web" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

resource "aws_launch_template" "web" {
  image_id = "ami-0123456789abcdef0"
}

resource "aws_launch_configuration" "web" {
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
"#;
    let (_d, r) = scan(&[("main.tf", tf)]);
    let subnet = "the subnet's";
    for (addr, id, at) in [
        ("aws_launch_template.web", "SRM-LT-002", "main.tf:6:1"),
        ("aws_launch_configuration.web", "SRM-LT-005", "main.tf:10:1"),
    ] {
        assert_entry(&entry(&r, addr, id), "unverified", "unknown", at, subnet);
    }
    assert_entry(
        &entry(&r, "aws_instance.web", "SRM-EC2-003"),
        "unverified",
        "unknown",
        "main.tf:1:1",
        "`root_block_device.encrypted` is not set; the root volume follows the AMI's snapshot and the account's EBS encryption-by-default setting",
    );
    assert_entry(
        &entry(&r, "aws_launch_template.web", "SRM-LT-003"),
        "unverified",
        "unknown",
        "main.tf:6:1",
        "follow the AMI snapshot and the account's EBS encryption-by-default setting",
    );
    let yaml = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0123456789abcdef0\n  Tpl:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        InstanceType: t3.micro\n";
    let (_d, r) = scan(&[("template.yaml", yaml)]);
    assert_entry(
        &entry(&r, "Web", "SRM-EC2-003"),
        "unverified",
        "unknown",
        "template.yaml:3:3",
        "`BlockDeviceMappings.Ebs.Encrypted` is not set; volumes without an Encrypted flag follow the AMI's snapshot",
    );
    assert_entry(
        &entry(&r, "Tpl", "SRM-LT-002"),
        "unverified",
        "unknown",
        "template.yaml:10:7",
        subnet,
    );
    let json = r#"{"Resources": {"Vol": {"Type": "AWS::EC2::Volume", "Properties": {"AvailabilityZone": "eu-west-1a"}},
 "Cfg": {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {"ImageId": "ami-0123456789abcdef0", "InstanceType": "t3.micro"}}}}
"#;
    let (_d, r) = scan(&[("template.json", json)]);
    assert_entry(
        &entry(&r, "Vol", "SRM-EBS-001"),
        "unverified",
        "unknown",
        "template.json:1:16",
        "`Encrypted` is not set; the account's EBS encryption-by-default setting (or an encrypted snapshot) decides",
    );
    assert_entry(
        &entry(&r, "Cfg", "SRM-LT-005"),
        "unverified",
        "unknown",
        "template.json:2:2",
        subnet,
    );
}

/// Keeps `Path` and `run_in`/`FORMATS` used while the secret tests below are added.
#[allow(dead_code)]
fn _unused(_: &Path) {
    let _ = (run_in, FORMATS);
}
