//! Issue 20, follow-ups: a secret that reaches user data or an environment from another file is
//! reported and masked where it is written; the account's S3 Block Public Access settles every
//! public-access duty it covers; account settings are evidence only under the same provider
//! configuration (account and Region); an account setting that is off is named as evidence.
//! Each test runs the binary on code written here and asserts what a user sees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{entry, run_in, scan_files, FORMATS};

const KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const MASKED_KEY: &str = "AKIA************MPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const GH: &str = "ghp_a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
const SLACK: &str = "xoxb-123456789012-abcdefghij";

/// Secrets that reach `user_data` or an environment from a tfvars value, a variable default, a
/// local and a module caller's argument.
const ELSEWHERE: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"resource "aws_instance" "tfvars" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = var.boot
}

resource "aws_lambda_function" "default" {
  function_name = "api"
  role          = "arn:aws:iam::123456789012:role/api"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1"
  environment {
    variables = {
      GITHUB_TOKEN = var.token
    }
  }
}

resource "aws_instance" "local" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  user_data     = local.boot
}

module "app" {
  source = "./modules/app"
  slack  = "xoxb-123456789012-abcdefghij"
}
"#,
    ),
    (
        "variables.tf",
        r#"variable "boot" {
  type = string
}

variable "token" {
  type    = string
  default = "ghp_a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
}
"#,
    ),
    (
        "terraform.tfvars",
        "boot = \"#!/bin/bash\\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\\n\"\n",
    ),
    (
        "locals.tf",
        "locals {\n  boot = \"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n}\n",
    ),
    (
        "modules/app/main.tf",
        r#"variable "slack" {
  type = string
}

resource "aws_lambda_function" "this" {
  function_name = "app"
  role          = "arn:aws:iam::123456789012:role/app"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
  environment {
    variables = {
      SLACK = var.slack
    }
  }
}
"#,
    ),
];

#[test]
fn a_secret_from_another_file_is_reported_where_it_is_written() {
    let (_d, r) = scan_files(ELSEWHERE, &[]);
    let e = entry(&r, "aws_instance.tfvars", "SRM-EC2-004");
    e.is(
        "unaddressed",
        "code",
        "terraform.tfvars:1:47",
        &format!("`user_data` holds an AWS access key id ({MASKED_KEY}) written in the code"),
    );
    assert!(!e.message.contains("not written as is"), "{e:#?}");
    // Where the value is used stays in view.
    assert_eq!(
        e.evidence.first().map(String::as_str),
        Some("main.tf:4:19"),
        "{e:#?}"
    );
    entry(&r, "aws_lambda_function.default", "SRM-LAMBDA-016").is(
        "unaddressed",
        "code",
        "variables.tf:7:14",
        "`environment.variables` holds a GitHub token (ghp_********************************a1a1)",
    );
    entry(&r, "aws_instance.local", "SRM-EC2-004").is(
        "unaddressed",
        "code",
        "locals.tf:2:35",
        "`user_data` holds an AWS secret access key (wJal********************************EKEY)",
    );
    entry(&r, "module.app.aws_lambda_function.this", "SRM-LAMBDA-016").is(
        "unaddressed",
        "code",
        "main.tf:26:13",
        "`environment.variables` holds a Slack token (xoxb********************ghij)",
    );
}

#[test]
fn a_secret_in_a_cloudformation_parameter_default_is_reported_and_masked_there_yaml_and_json() {
    let yaml = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Token:
    Type: String
    Default: ghp_a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1
Resources:
  Api:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/api
      Environment:
        Variables:
          GITHUB_TOKEN: !Ref Token
"#;
    let json = r#"{
  "Parameters": { "Token": { "Type": "String", "Default": "ghp_a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1" } },
  "Resources": {
    "ApiJson": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Role": "arn:aws:iam::123456789012:role/api",
        "Code": { "ImageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1" },
        "Environment": { "Variables": { "GITHUB_TOKEN": { "Ref": "Token" } } }
      }
    }
  }
}
"#;
    let files = [("template.yaml", yaml), ("template.json", json)];
    let (_d, r) = scan_files(&files, &[]);
    entry(&r, "Api", "SRM-LAMBDA-016").is(
        "unaddressed",
        "code",
        "template.yaml:5:14",
        "`Environment.Variables` holds a GitHub token (ghp_********************************a1a1) written in the code",
    );
    entry(&r, "ApiJson", "SRM-LAMBDA-016").is(
        "unaddressed",
        "code",
        "template.json:2:60",
        "`Environment.Variables` holds a GitHub token (ghp_********************************a1a1)",
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, code) in files {
        std::fs::write(dir.path().join(name), code).unwrap();
    }
    for format in FORMATS {
        let run = run_in(dir.path(), &[".", "--format", format, "--fail-on", "never"]);
        for raw in [KEY, GH] {
            assert!(
                !run.stdout.contains(raw),
                "{format} shows {raw}:\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn a_secret_from_another_file_is_masked_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    for (name, code) in ELSEWHERE {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, code).unwrap();
    }
    for format in FORMATS.iter().chain(&["junit"]) {
        let run = run_in(dir.path(), &[".", "--format", format, "--fail-on", "never"]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("SRM-EC2-004"),
            "{format}:\n{}",
            run.stdout
        );
        for raw in [KEY, SECRET_KEY, GH, SLACK] {
            assert!(
                !run.stdout.contains(raw),
                "{format} shows {raw}:\n{}",
                run.stdout
            );
            assert!(!run.stderr.contains(raw), "{format} shows {raw} on stderr");
        }
    }
    // The terminal shows the tfvars line, masked, as the finding's snippet.
    let pretty = run_in(dir.path(), &[".", "--fail-on", "never"]);
    assert!(
        pretty
            .stdout
            .contains("export AWS_ACCESS_KEY_ID=AKIA************MPLE"),
        "{}",
        pretty.stdout
    );
    assert!(
        pretty.stdout.contains("terraform.tfvars:1:47"),
        "{}",
        pretty.stdout
    );
}

const ACCOUNT_PAB: &str = r#"resource "aws_s3_account_public_access_block" "this" {
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"#;

const PUBLIC_S3: &str = r#"resource "aws_s3_bucket" "site" {
  bucket = "acme-site"
  acl    = "public-read"
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::acme-site/*" }]
  })
}

resource "aws_s3_object" "index" {
  bucket  = aws_s3_bucket.site.id
  key     = "index.html"
  content = "hello"
  acl     = "public-read"
}

resource "aws_s3_bucket_acl" "other" {
  bucket = "declared-elsewhere"
  acl    = "public-read"
}

resource "aws_s3_bucket_policy" "other" {
  bucket = "declared-elsewhere"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::declared-elsewhere/*" }]
  })
}

resource "aws_s3_bucket_public_access_block" "other" {
  bucket            = "declared-elsewhere"
  block_public_acls = false
}

resource "aws_s3_access_point" "app" {
  bucket = "acme-site"
  name   = "app"
  public_access_block_configuration {
    block_public_policy = false
  }
}
"#;

/// Every S3 public-access duty the account's Block Public Access covers, on the resource it
/// checks: (address, duty, where the finding is without the account setting).
const S3_PUBLIC: &[(&str, &str, &str)] = &[
    ("aws_s3_bucket.site", "SRM-S3-002", "main.tf:3:3"),
    ("aws_s3_bucket.site", "SRM-S3-003", "main.tf:8:3"),
    ("aws_s3_object.index", "SRM-S3-019", "main.tf:17:3"),
    ("aws_s3_bucket_acl.other", "SRM-S3-016", "main.tf:22:3"),
    ("aws_s3_bucket_policy.other", "SRM-S3-013", "main.tf:27:3"),
    (
        "aws_s3_bucket_public_access_block.other",
        "SRM-S3-015",
        "main.tf:34:3",
    ),
    ("aws_s3_access_point.app", "SRM-S3-020", "main.tf:41:5"),
];

#[test]
fn the_accounts_s3_block_public_access_settles_every_public_access_duty() {
    let (_d, bare) = scan_files(&[("main.tf", PUBLIC_S3)], &[]);
    for (address, duty, at) in S3_PUBLIC {
        let e = entry(&bare, address, duty);
        assert_eq!(
            (e.verdict.as_str(), e.at.as_str()),
            ("unaddressed", *at),
            "{e:#?}"
        );
    }
    let (_d, r) = scan_files(&[("account.tf", ACCOUNT_PAB), ("main.tf", PUBLIC_S3)], &[]);
    let settled = "account-level aws_s3_account_public_access_block.this in this configuration:";
    for (address, duty, _) in S3_PUBLIC {
        let e = entry(&r, address, duty);
        assert_eq!(
            (e.verdict.as_str(), e.basis.as_str()),
            ("addressed", "account"),
            "{e:#?}"
        );
        assert!(e.message.contains(settled), "{e:#?}");
        assert!(e.at.starts_with("account.tf:"), "{e:#?}");
    }
    entry(&r, "aws_s3_bucket.site", "SRM-S3-002").is(
        "addressed",
        "account",
        "account.tf:4:3",
        "`ignore_public_acls` is true",
    );
    entry(&r, "aws_s3_bucket.site", "SRM-S3-003").is(
        "addressed",
        "account",
        "account.tf:5:3",
        "`restrict_public_buckets` is true",
    );
    // One flag that does not cover the duty settles nothing.
    let acls_only = "resource \"aws_s3_account_public_access_block\" \"this\" {\n  ignore_public_acls = true\n}\n";
    let (_d, r) = scan_files(&[("account.tf", acls_only), ("main.tf", PUBLIC_S3)], &[]);
    entry(&r, "aws_s3_bucket.site", "SRM-S3-002").is(
        "addressed",
        "account",
        "account.tf:2:3",
        "`ignore_public_acls` is true",
    );
    let e = entry(&r, "aws_s3_bucket.site", "SRM-S3-003");
    assert_eq!(
        (e.verdict.as_str(), e.at.as_str()),
        ("unaddressed", "main.tf:8:3"),
        "{e:#?}"
    );
}

const VOLUMES: &str = r#"resource "aws_ebs_volume" "home" {
  availability_zone = "eu-west-1a"
  size              = 10
}

resource "aws_ebs_volume" "west" {
  provider          = aws.west
  availability_zone = "us-west-2a"
  size              = 10
}

resource "aws_ebs_volume" "eu" {
  provider          = aws.eu
  availability_zone = "eu-west-1c"
  size              = 10
}

resource "aws_ebs_volume" "dr" {
  provider          = aws.dr
  availability_zone = "eu-west-1b"
  size              = 10
}

module "away" {
  source    = "./modules/vol"
  providers = { aws = aws.west }
}

module "near" {
  source = "./modules/vol"
}
"#;

const PROVIDERS: &str = r#"provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

provider "aws" {
  alias  = "eu"
  region = "eu-west-1"
}

provider "aws" {
  alias  = "dr"
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::210987654321:role/dr"
  }
}
"#;

const MODULE_VOL: &str = "resource \"aws_ebs_volume\" \"this\" {\n  availability_zone = \"eu-west-1a\"\n  size              = 10\n}\n";

#[test]
fn an_account_setting_is_evidence_only_under_the_same_provider_configuration() {
    let account = "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n";
    let files = [
        ("account.tf", account),
        ("main.tf", VOLUMES),
        ("providers.tf", PROVIDERS),
        ("modules/vol/main.tf", MODULE_VOL),
    ];
    let (_d, r) = scan_files(&files, &[]);
    let settled =
        "account-level aws_ebs_encryption_by_default.this in this configuration: `enabled` is true";
    // The same configuration, inherited by a module called without `providers`, and another
    // alias with the same literal region and credentials: evidence as before.
    for address in [
        "aws_ebs_volume.home",
        "module.near.aws_ebs_volume.this",
        "aws_ebs_volume.eu",
    ] {
        entry(&r, address, "SRM-EBS-001").is("addressed", "account", "account.tf:2:3", settled);
    }
    // Another Region, directly or through a module's `providers` map: no proof.
    let other = "account-level aws_ebs_encryption_by_default.this is made through provider aws \
                 (region \"eu-west-1\")";
    let e = entry(&r, "aws_ebs_volume.west", "SRM-EBS-001");
    e.is("unverified", "unknown", "main.tf:6:1", other);
    assert!(
        e.message.contains(
            "aws_ebs_volume.west through provider aws.west (region \"us-west-2\"), which may be \
             another account or Region, so it cannot prove this duty"
        ),
        "{e:#?}"
    );
    entry(&r, "module.away.aws_ebs_volume.this", "SRM-EBS-001").is(
        "unverified",
        "unknown",
        "modules/vol/main.tf:1:1",
        "module.away.aws_ebs_volume.this through provider aws.west (region \"us-west-2\")",
    );
    // The same Region through a role of its own: maybe another account.
    entry(&r, "aws_ebs_volume.dr", "SRM-EBS-001").is(
        "unverified",
        "unknown",
        "main.tf:18:1",
        "aws_ebs_volume.dr through provider aws.dr (region \"eu-west-1\", credentials of its own)",
    );
    // Aliases whose Regions are not known: srm-lint cannot tell.
    let (_d, r) = scan_files(
        &[
            ("account.tf", account),
            ("main.tf", VOLUMES),
            ("modules/vol/main.tf", MODULE_VOL),
        ],
        &[],
    );
    entry(&r, "aws_ebs_volume.home", "SRM-EBS-001").is(
        "addressed",
        "account",
        "account.tf:2:3",
        settled,
    );
    entry(&r, "aws_ebs_volume.dr", "SRM-EBS-001").is(
        "unverified",
        "unknown",
        "main.tf:18:1",
        "is made through provider aws (region not known) and aws_ebs_volume.dr through provider aws.dr (region not known)",
    );
    // An account setting made through an alias settles the resources made through it.
    let aliased = "resource \"aws_ebs_encryption_by_default\" \"west\" {\n  provider = aws.west\n  enabled  = true\n}\n";
    let (_d, r) = scan_files(
        &[
            ("account.tf", aliased),
            ("main.tf", VOLUMES),
            ("providers.tf", PROVIDERS),
            ("modules/vol/main.tf", MODULE_VOL),
        ],
        &[],
    );
    for address in ["aws_ebs_volume.west", "module.away.aws_ebs_volume.this"] {
        entry(&r, address, "SRM-EBS-001").is(
            "addressed",
            "account",
            "account.tf:3:3",
            "`enabled` is true",
        );
    }
    let e = entry(&r, "aws_ebs_volume.home", "SRM-EBS-001");
    assert_eq!(
        (e.verdict.as_str(), e.basis.as_str()),
        ("unverified", "unknown"),
        "{e:#?}"
    );
}

/// [`PROVIDERS`] in JSON syntax: the default configuration as an object, the aliases as a list.
const PROVIDERS_JSON: &str = r#"{"provider": {"aws": {"region": "eu-west-1"}}}"#;
const ALIASES_JSON: &str = r#"{
  "provider": {
    "aws": [
      {"alias": "west", "region": "us-west-2"},
      {"alias": "eu", "region": "eu-west-1"},
      {"alias": "dr", "region": "eu-west-1", "assume_role": {"role_arn": "arn:aws:iam::210987654321:role/dr"}}
    ]
  }
}"#;

#[test]
fn a_json_syntax_provider_block_places_account_settings_as_hcl_does() {
    let account = r#"{"resource": {"aws_ebs_encryption_by_default": {"this": {"enabled": true}}}}"#;
    let files = [
        ("account.tf.json", account),
        ("main.tf", VOLUMES),
        ("providers.tf.json", PROVIDERS_JSON),
        ("aliases.tf.json", ALIASES_JSON),
    ];
    let (_d, r) = scan_files(&files, &[]);
    let settled =
        "account-level aws_ebs_encryption_by_default.this in this configuration: `enabled` is true";
    // Another alias with the same literal region: settled, as in HCL.
    for address in ["aws_ebs_volume.home", "aws_ebs_volume.eu"] {
        entry(&r, address, "SRM-EBS-001").is(
            "addressed",
            "account",
            "account.tf.json:1:58",
            settled,
        );
    }
    entry(&r, "aws_ebs_volume.west", "SRM-EBS-001").is(
        "unverified",
        "unknown",
        "main.tf:6:1",
        "made through provider aws (region \"eu-west-1\") and aws_ebs_volume.west through \
         provider aws.west (region \"us-west-2\"), which may be another account or Region",
    );
    entry(&r, "aws_ebs_volume.dr", "SRM-EBS-001").is(
        "unverified",
        "unknown",
        "main.tf:18:1",
        "aws_ebs_volume.dr through provider aws.dr (region \"eu-west-1\", credentials of its own)",
    );
}
