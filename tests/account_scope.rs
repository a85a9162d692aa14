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
