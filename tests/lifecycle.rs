//! Dated lifecycles (issue 21): SRM-LAMBDA-007 and SRM-EKS-004 judge the runtime and the
//! Kubernetes version against the run's date (`--date`, else `SRM_LINT_TODAY`, else the clock),
//! with the lifecycle data in `policies/lifecycles/`. Fixture: `testdata/lifecycle/main.tf`.

mod common;

use common::{entry_json, json_with, run_with, NO_ENV};
use serde_json::Value;

const FIXTURE: &str = "testdata/lifecycle";

/// The report of the fixture on `date` (exit code and JSON).
fn on(date: &str) -> (i32, Value) {
    json_with(common::root(), NO_ENV, &[FIXTURE, "--date", date])
}

/// (verdict, `line:col`, message) of `duty` on `address`.
fn seen(report: &Value, address: &str, duty: &str) -> (String, String, String) {
    let e = entry_json(report, address, duty);
    (
        e["verdict"].as_str().unwrap_or("?").to_string(),
        format!("{}:{}", e["line"], e["column"]),
        e["message"].as_str().unwrap_or("?").to_string(),
    )
}

fn owned(v: &str, at: &str, m: &str) -> (String, String, String) {
    (v.to_string(), at.to_string(), m.to_string())
}

#[test]
fn a_runtime_past_its_deprecation_date_is_unaddressed_with_the_date() {
    let (code, report) = on("2026-12-07");
    assert_eq!(code, 1);
    assert_eq!(
        seen(&report, "aws_lambda_function.past", "SRM-LAMBDA-007"),
        owned(
            "unaddressed",
            "4:3",
            "`runtime` is \"dotnet8\"; Lambda deprecated it on 2026-11-10"
        )
    );
}

#[test]
fn a_runtime_near_its_end_is_addressed_and_says_when_it_ends() {
    let (_, report) = on("2027-01-15");
    assert_eq!(
        seen(&report, "aws_lambda_function.soon", "SRM-LAMBDA-007"),
        owned(
            "addressed",
            "12:3",
            "`runtime` is \"ruby3.3\", still supported, but Lambda deprecates it on 2027-03-31, \
             in 75 days: plan the upgrade"
        )
    );
    // Further than 90 days from its end: addressed, naming the date without a warning.
    let (_, report) = on("2026-12-07");
    assert_eq!(
        seen(&report, "aws_lambda_function.soon", "SRM-LAMBDA-007"),
        owned(
            "addressed",
            "12:3",
            "`runtime` is \"ruby3.3\"; Lambda deprecates it on 2027-03-31"
        )
    );
}

#[test]
fn a_value_the_data_does_not_list_is_unverified_never_addressed() {
    let (_, report) = on("2026-12-07");
    assert_eq!(
        seen(&report, "aws_lambda_function.unlisted", "SRM-LAMBDA-007"),
        owned(
            "unverified",
            "20:3",
            "`runtime` is \"python3.15\", which srm-lint's lifecycle data for Lambda runtimes, \
             checked on 2026-12-07, does not list"
        )
    );
}

#[test]
fn the_date_changes_the_verdict_of_the_same_file() {
    let eks = |date| seen(&on(date).1, "aws_eks_cluster.main", "SRM-EKS-004");
    assert_eq!(
        eks("2026-12-07"),
        owned(
            "addressed",
            "28:3",
            "`version` is \"1.32\"; EKS extended support for it ends on 2027-03-23; it has been \
             in extended support (charged per cluster hour) since 2026-03-23"
        )
    );
    assert_eq!(
        eks("2027-03-22"),
        owned(
            "addressed",
            "28:3",
            "`version` is \"1.32\", still supported, but EKS extended support for it ends on \
             2027-03-23, in 1 day: plan the upgrade; it has been in extended support (charged per \
             cluster hour) since 2026-03-23"
        )
    );
    assert_eq!(
        eks("2027-03-23"),
        owned(
            "unaddressed",
            "28:3",
            "`version` is \"1.32\"; EKS extended support for it ended on 2027-03-23"
        )
    );
    // Before dotnet8's deprecation the same function is addressed.
    let (_, report) = on("2026-06-01");
    assert_eq!(
        entry_json(&report, "aws_lambda_function.past", "SRM-LAMBDA-007")["verdict"],
        "addressed"
    );
}

#[test]
fn srm_lint_today_pins_the_date_and_the_flag_wins() {
    let root = common::root();
    let (_, pinned) = json_with(root, [("SRM_LINT_TODAY", "2027-03-23")], &[FIXTURE]);
    assert_eq!(
        entry_json(&pinned, "aws_eks_cluster.main", "SRM-EKS-004")["verdict"],
        "unaddressed"
    );
    let (_, flagged) = json_with(
        root,
        [("SRM_LINT_TODAY", "2027-03-23")],
        &[FIXTURE, "--date", "2026-12-07"],
    );
    assert_eq!(
        entry_json(&flagged, "aws_eks_cluster.main", "SRM-EKS-004")["verdict"],
        "addressed"
    );
}

#[test]
fn a_date_that_is_not_a_calendar_date_is_refused() {
    let run = run_with(common::root(), NO_ENV, &[FIXTURE, "--date", "2027-02-30"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "srm-lint: --date must be a calendar date YYYY-MM-DD, not \"2027-02-30\"\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn the_catalog_command_lists_the_lifecycle_data_and_when_it_was_checked() {
    let run = common::run(&["catalog"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tail: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("  dated lifecycle data"))
        .collect();
    assert_eq!(
        tail,
        [
            "  dated lifecycle data (policies/lifecycles/)",
            "    eks-kubernetes-versions    14  values, checked on 2026-12-07",
            "    glue-versions               6  values, checked on 2026-12-07",
            "    lambda-runtimes            47  values, checked on 2026-12-07",
        ]
    );
}

const EKS_TF: &str = r#"resource "aws_eks_cluster" "number" {
  name     = "number"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = 1.30
}

resource "aws_eks_cluster" "quoted" {
  name     = "quoted"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.30"
}

variable "version" {
  default = 1.30
}

locals {
  version = 1.30
}

resource "aws_eks_cluster" "variable" {
  name     = "variable"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = var.version
}

resource "aws_eks_cluster" "local" {
  name     = "local"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = local.version
}

resource "aws_eks_cluster" "short" {
  name     = "short"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = 1.3
}
"#;

const EKS_JSON: &str = r#"{"resource": {"aws_eks_cluster": {"json": {
  "name": "json",
  "role_arn": "arn:aws:iam::123456789012:role/eks",
  "version": 1.30
}}}}"#;

const EKS_YAML: &str = "Resources:
  Number:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/eks
      Version: 1.30
  Quoted:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/eks
      Version: \"1.30\"
  Short:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/eks
      Version: 1.3
";

#[test]
fn an_unquoted_version_is_judged_as_written_and_told_to_be_quoted() {
    let files = [
        ("main.tf", EKS_TF),
        ("json.tf.json", EKS_JSON),
        ("template.yaml", EKS_YAML),
    ];
    let (_d, r) = common::scan_files(&files, &[]);
    let ended = "EKS extended support for it ended on 2026-07-23";
    let quote =
        "; unquoted, it is the number 1.3, which may reach AWS as \"1.3\": quote it (\"1.30\")";
    let number = |name: &str| format!("`{name}` is 1.30; {ended}{quote}");
    let quoted = |name: &str| format!("`{name}` is \"1.30\"; {ended}");
    for (address, at, message) in [
        ("aws_eks_cluster.number", "main.tf:4:3", number("version")),
        ("aws_eks_cluster.quoted", "main.tf:10:3", quoted("version")),
        (
            "aws_eks_cluster.variable",
            "main.tf:24:3",
            number("version"),
        ),
        ("aws_eks_cluster.local", "main.tf:30:3", number("version")),
        (
            "aws_eks_cluster.json",
            "json.tf.json:4:3",
            number("version"),
        ),
        ("Number", "template.yaml:6:7", number("Version")),
        ("Quoted", "template.yaml:11:7", quoted("Version")),
    ] {
        let e = common::entry(&r, address, "SRM-EKS-004");
        e.is("unaddressed", "code", at, &message);
        assert_eq!(e.message, message, "{e:#?}");
    }
    // `1.3` is 1.3, never 1.30.
    let short = "is 1.3, which srm-lint's lifecycle data for EKS Kubernetes versions, checked on \
                 2026-12-07, does not list";
    for (address, at, path) in [
        ("aws_eks_cluster.short", "main.tf:36:3", "`version` "),
        ("Short", "template.yaml:16:7", "`Version` "),
    ] {
        let e = common::entry(&r, address, "SRM-EKS-004");
        e.is("unverified", "unknown", at, &format!("{path}{short}"));
        assert_eq!(e.message, format!("{path}{short}"), "{e:#?}");
    }
}
