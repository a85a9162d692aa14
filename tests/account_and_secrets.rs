//! Issue 20: account-level settings in the same configuration settle the duties they decide
//! (basis `account`), absent settings decided outside the code are `unverified` by one rule, and
//! literal credentials in user data and environment variables are findings at the secret, masked
//! in every output. Each test runs the binary on code written here and asserts what a user sees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{entry, run_in, scan_files, Entry, FORMATS};
use serde_json::Value;
use std::path::Path;

/// Writes `files` (relative path, content) into a fresh directory and scans it as JSON.
fn scan(files: &[(&str, &str)]) -> (tempfile::TempDir, Value) {
    scan_files(files, &[])
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
    // A new volume that leaves encryption to the account: the setting that is off decides.
    let (_d, r) = scan(&[("account.tf", off), ("main.tf", WORKLOAD_TF)]);
    let e = entry(&r, "aws_ebs_volume.data", "SRM-EBS-001");
    assert_entry(
        &e,
        "unaddressed",
        "account",
        "account.tf:2:3",
        "`encrypted` is not set; `snapshot_id` is not set; account-level aws_ebs_encryption_by_default.this in this configuration: `enabled` is false",
    );
    assert_eq!(e.evidence, ["account.tf:2:3"], "{e:#?}");
    // A volume from a snapshot follows the snapshot's encryption: still unknown.
    let from_snapshot = "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"eu-west-1a\"\n  snapshot_id       = \"snap-0123456789abcdef0\"\n}\n";
    let (_d, r) = scan(&[("account.tf", off), ("main.tf", from_snapshot)]);
    assert_entry(
        &entry(&r, "aws_ebs_volume.data", "SRM-EBS-001"),
        "unverified",
        "unknown",
        "main.tf:1:1",
        "`encrypted` is not set",
    );
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

const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const MASKED_KEY: &str = "AKIA************MPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const GH: &str = "ghp_a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";

const SECRETS_TF: &str = r##"resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = <<-EOT
    #!/bin/bash
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
    export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  EOT
}

resource "aws_instance" "encoded" {
  ami              = "ami-0123456789abcdef0"
  instance_type    = "t3.micro"
  user_data_base64 = "ZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPUFLSUFJT1NGT0ROTjdFWEFNUExF"
}

resource "aws_lambda_function" "api" {
  function_name = "api"
  role          = "arn:aws:iam::123456789012:role/api"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1"
  environment {
    variables = {
      GITHUB_TOKEN = "ghp_a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
    }
  }
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = <<-JSON
    [{"name": "app", "image": "app:1",
      "environment": [{"name": "DB_PASSWORD", "value": "hunter2-prod"}]}]
  JSON
}

resource "aws_instance" "clean" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = "#!/bin/bash\nDB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id app/db)\n"
}
"##;

#[test]
fn literal_secrets_in_terraform_are_findings_at_the_secret_masked() {
    let (_d, r) = scan(&[("main.tf", SECRETS_TF)]);
    assert_entry(
        &entry(&r, "aws_instance.app", "SRM-EC2-004"),
        "unaddressed",
        "code",
        "main.tf:6:30",
        &format!("`user_data` holds an AWS access key id ({MASKED_KEY}) written in the code"),
    );
    let e = entry(&r, "aws_instance.encoded", "SRM-EC2-004");
    assert_entry(
        &e,
        "unaddressed",
        "code",
        "main.tf:14:22",
        &format!("`user_data_base64` holds an AWS access key id ({MASKED_KEY}) written in the code (in base64-encoded data: the finding points at the whole value)"),
    );
    assert_entry(
        &entry(&r, "aws_lambda_function.api", "SRM-LAMBDA-016"),
        "unaddressed",
        "code",
        "main.tf:23:23",
        "`environment.variables` holds a GitHub token (ghp_********************************a1a1) written in the code",
    );
    assert_entry(
        &entry(&r, "aws_ecs_task_definition.app", "SRM-ECS-005"),
        "unaddressed",
        "code",
        "main.tf:32:57",
        "`container_definitions` holds a literal value of a secret-named variable (************) written in the code",
    );
    assert_entry(
        &entry(&r, "aws_instance.clean", "SRM-EC2-004"),
        "attestation",
        "attestation",
        "main.tf:36:1",
        "infrastructure code cannot prove this duty; attest it",
    );
}

#[test]
fn literal_secrets_in_cloudformation_yaml_and_json_are_findings_at_the_secret() {
    let yaml = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      UserData:
        Fn::Base64: |
          #!/bin/bash
          cat > /root/.ssh/id_rsa <<KEY
          -----BEGIN RSA PRIVATE KEY-----
          KEY
  Tpl:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        UserData: !Base64 "echo AKIAIOSFODNN7EXAMPLE"
"#;
    let (_d, r) = scan(&[("template.yaml", yaml)]);
    assert_entry(
        &entry(&r, "App", "SRM-EC2-004"),
        "unaddressed",
        "code",
        "template.yaml:11:11",
        "`UserData` holds a PEM private key (----***********************----) written in the code",
    );
    assert_entry(
        &entry(&r, "Tpl", "SRM-LT-009"),
        "unaddressed",
        "code",
        "template.yaml:17:33",
        &format!("`LaunchTemplateData.UserData` holds an AWS access key id ({MASKED_KEY})"),
    );
    let json = r#"{
  "Resources": {
    "Api": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Role": "arn:aws:iam::123456789012:role/api",
        "Code": { "ImageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1" },
        "Environment": { "Variables": { "SLACK": "xoxb-123456789012-abcdefghij" } }
      }
    },
    "Task": {
      "Type": "AWS::ECS::TaskDefinition",
      "Properties": {
        "ContainerDefinitions": [
          { "Name": "app", "Environment": [ { "Name": "API_TOKEN", "Value": "s3cr3t-t0ken-value" } ] }
        ]
      }
    }
  }
}
"#;
    let (_d, r) = scan(&[("template.json", json)]);
    assert_entry(
        &entry(&r, "Api", "SRM-LAMBDA-016"),
        "unaddressed",
        "code",
        "template.json:8:51",
        "`Environment.Variables` holds a Slack token (xoxb********************ghij) written in the code",
    );
    assert_entry(
        &entry(&r, "Task", "SRM-ECS-005"),
        "unaddressed",
        "code",
        "template.json:15:78",
        "`ContainerDefinitions` holds a literal value of a secret-named variable (******************) written in the code",
    );
}

#[test]
fn no_output_format_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), SECRETS_TF).unwrap();
    let yaml = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Api:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/api\n      Code: { ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1 }\n      Environment:\n        Variables:\n          AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n";
    std::fs::write(dir.path().join("template.yaml"), yaml).unwrap();
    let raws = [KEY, SECRET_KEY, GH, "hunter2-prod"];
    for format in FORMATS.iter().chain(&["junit"]) {
        let run = run_in(dir.path(), &[".", "--format", format, "--fail-on", "never"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        for raw in raws {
            assert!(
                !run.stdout.contains(raw),
                "{format} shows {raw}:\n{}",
                run.stdout
            );
            assert!(!run.stderr.contains(raw), "{format} shows {raw} on stderr");
        }
        assert!(
            run.stdout.contains("SRM-EC2-004"),
            "{format}:\n{}",
            run.stdout
        );
    }
    let pretty = run_in(
        dir.path(),
        &[".", "--format", "pretty", "--fail-on", "never"],
    );
    // The source snippet shows the masked secret where it is written.
    assert!(
        pretty
            .stdout
            .contains("export AWS_ACCESS_KEY_ID=AKIA************MPLE"),
        "{}",
        pretty.stdout
    );
    let _ = Path::new(".");
}
