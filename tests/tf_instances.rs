//! Terraform instances (issue 20): one resource per known `count` / `for_each` instance with
//! Terraform's address, companions linked per instance, module calls expanded per key, and a
//! module finding that names the caller's argument behind its value. Every test runs the binary
//! on a fixture of `testdata/tf/` and asserts what a user sees: duty id, verdict, basis,
//! `path:line:column`, message and evidence.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{addresses, entry, json_in, root, run_in, scan_files};
use serde_json::Value;
use std::collections::HashSet;

const DIR: &str = "testdata/tf/instances";

/// One checklist entry as a user reads it.
#[derive(Debug)]
struct Entry {
    verdict: String,
    basis: String,
    at: String,
    message: String,
    evidence: Vec<String>,
}

fn loc(v: &Value) -> String {
    format!(
        "{}:{}:{}",
        v["path"].as_str().unwrap(),
        v["line"],
        v["column"]
    )
}

fn duty(r: &Value, address: &str, id: &str) -> Entry {
    let res = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address} in {:?}", addresses(r)));
    let e = res["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["duty"] == id)
        .unwrap_or_else(|| panic!("{address} has no {id}"));
    Entry {
        verdict: e["verdict"].as_str().unwrap().to_string(),
        basis: e["basis"].as_str().unwrap().to_string(),
        at: loc(e),
        message: e["message"].as_str().unwrap().to_string(),
        evidence: e["evidence"].as_array().unwrap().iter().map(loc).collect(),
    }
}

fn report() -> Value {
    let (code, r) = json_in(root(), &[DIR]);
    assert_eq!(code, 1, "findings, no tool error: {:?}", r["errors"]);
    r
}

#[test]
fn each_for_each_and_count_instance_is_reported_with_terraforms_address() {
    let r = report();
    let all = addresses(&r);
    for a in [
        r#"aws_s3_bucket.this["alpha"]"#,
        r#"aws_s3_bucket.this["beta"]"#,
        r#"aws_s3_bucket_versioning.this["alpha"]"#,
        "aws_s3_bucket.logs[0]",
        "aws_s3_bucket.logs[1]",
        "aws_s3_bucket_public_access_block.logs[1]",
    ] {
        assert!(all.iter().any(|x| x == a), "no {a} in {all:?}");
    }
    assert!(!all.iter().any(|x| x == "aws_s3_bucket.this"), "{all:?}");
    // Unknown keys: one entry, without a key, that says so and may not exist.
    let unknown = &r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["address"] == "aws_sns_topic.unknown")
        .unwrap()["notes"];
    assert!(
        unknown[0]
            .as_str()
            .unwrap()
            .starts_with("for_each is not known (var.names has no default")
            && unknown[0].as_str().unwrap().ends_with(
                "its instances are not known, so it is checked once, without an instance key"
            ),
        "{unknown}"
    );
}

#[test]
fn for_each_over_a_resource_map_links_each_companion_to_its_bucket() {
    let r = report();
    // `for_each = aws_s3_bucket.this`, `bucket = each.value.id`.
    let alpha = duty(&r, r#"aws_s3_bucket.this["alpha"]"#, "SRM-S3-004");
    assert_eq!(
        (
            alpha.verdict.as_str(),
            alpha.basis.as_str(),
            alpha.at.as_str()
        ),
        (
            "addressed",
            "companion",
            "testdata/tf/instances/main.tf:18:5"
        )
    );
    assert_eq!(
        alpha.message,
        r#"aws_s3_bucket_versioning.this["alpha"]: `versioning_configuration.status` is "Enabled""#
    );
    let beta = duty(&r, r#"aws_s3_bucket.this["beta"]"#, "SRM-S3-004");
    assert_eq!(
        (beta.verdict.as_str(), beta.basis.as_str(), beta.at.as_str()),
        (
            "unaddressed",
            "companion",
            "testdata/tf/instances/main.tf:18:5"
        )
    );
    assert!(
        beta.message.starts_with(
            r#"aws_s3_bucket_versioning.this["beta"]: `versioning_configuration.status` is "Suspended"; expected "Enabled""#
        ),
        "{}",
        beta.message
    );
    // `bucket = aws_s3_bucket.this[each.key].id`.
    let alpha = duty(&r, r#"aws_s3_bucket.this["alpha"]"#, "SRM-S3-001");
    assert_eq!(
        (
            alpha.verdict.as_str(),
            alpha.basis.as_str(),
            alpha.at.as_str()
        ),
        (
            "addressed",
            "companion",
            "testdata/tf/instances/main.tf:25:3"
        )
    );
    assert_eq!(alpha.evidence.len(), 4, "{:?}", alpha.evidence);
    let beta = duty(&r, r#"aws_s3_bucket.this["beta"]"#, "SRM-S3-001");
    assert_eq!(
        (beta.verdict.as_str(), beta.basis.as_str(), beta.at.as_str()),
        (
            "unaddressed",
            "companion",
            "testdata/tf/instances/main.tf:28:3"
        )
    );
    assert_eq!(
        beta.message,
        r#"aws_s3_bucket_public_access_block.this["beta"]: `restrict_public_buckets` is false; expected true; no account-level aws_s3_account_public_access_block in this configuration"#
    );
}

#[test]
fn count_index_links_each_companion_to_its_bucket() {
    let r = report();
    let first = duty(&r, "aws_s3_bucket.logs[0]", "SRM-S3-001");
    assert_eq!(
        (
            first.verdict.as_str(),
            first.basis.as_str(),
            first.at.as_str()
        ),
        (
            "addressed",
            "companion",
            "testdata/tf/instances/main.tf:39:3"
        )
    );
    let second = duty(&r, "aws_s3_bucket.logs[1]", "SRM-S3-001");
    assert_eq!(
        (
            second.verdict.as_str(),
            second.basis.as_str(),
            second.at.as_str()
        ),
        (
            "unaddressed",
            "companion",
            "testdata/tf/instances/main.tf:42:3"
        )
    );
    assert_eq!(
        second.message,
        "aws_s3_bucket_public_access_block.logs[1]: `restrict_public_buckets` is false; expected true; \
         no account-level aws_s3_account_public_access_block in this configuration"
    );
    // No companion at all: the message names the instance.
    let versioning = duty(&r, "aws_s3_bucket.logs[1]", "SRM-S3-004");
    assert_eq!(
        (
            versioning.verdict.as_str(),
            versioning.basis.as_str(),
            versioning.at.as_str()
        ),
        (
            "unaddressed",
            "default",
            "testdata/tf/instances/main.tf:31:1"
        )
    );
    assert!(
        versioning
            .message
            .starts_with("no aws_s3_bucket_versioning refers to aws_s3_bucket.logs[1]"),
        "{}",
        versioning.message
    );
}

#[test]
fn module_instances_get_their_own_values_and_findings_name_the_callers_argument() {
    let r = report();
    let enc = duty(&r, "module.db[0].aws_db_instance.this", "SRM-RDS-001");
    assert_eq!(
        (enc.verdict.as_str(), enc.basis.as_str(), enc.at.as_str()),
        (
            "addressed",
            "code",
            "testdata/tf/instances/modules/db/main.tf:10:3"
        )
    );
    assert_eq!(enc.message, "`storage_encrypted` is true");
    assert_eq!(
        enc.evidence,
        [
            "testdata/tf/instances/modules/db/main.tf:10:3",
            "testdata/tf/instances/main.tf:57:23"
        ]
    );
    let plain = duty(&r, "module.db[1].aws_db_instance.this", "SRM-RDS-001");
    assert_eq!(
        (
            plain.verdict.as_str(),
            plain.basis.as_str(),
            plain.at.as_str()
        ),
        (
            "unaddressed",
            "code",
            "testdata/tf/instances/modules/db/main.tf:10:3"
        )
    );
    assert!(
        plain
            .message
            .starts_with("`storage_encrypted` is false; expected true"),
        "{}",
        plain.message
    );
    assert_eq!(plain.evidence, ["testdata/tf/instances/main.tf:57:23"]);
    let site = duty(
        &r,
        r#"module.site["prod"].aws_db_instance.this"#,
        "SRM-RDS-001",
    );
    assert_eq!(
        (site.verdict.as_str(), site.at.as_str()),
        (
            "unaddressed",
            "testdata/tf/instances/modules/db/main.tf:10:3"
        )
    );
    assert_eq!(site.evidence, ["testdata/tf/instances/main.tf:63:23"]);
    // The terminal shows the call chain under the finding.
    let run = run_in(root(), &[DIR, "--select", "SRM-RDS-001"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let at = run
        .stdout
        .find(r#"unaddressed module.site["prod"].aws_db_instance.this"#)
        .expect("finding shown");
    let rest = &run.stdout[at..];
    let via = rest
        .find("via testdata/tf/instances/main.tf:63:23")
        .expect("call chain shown");
    assert!(via < rest.find("help:").unwrap_or(usize::MAX), "{rest}");
}

#[test]
fn every_entry_is_one_root_address_and_duty() {
    let r = report();
    let mut seen = HashSet::new();
    for res in r["resources"].as_array().unwrap() {
        for c in res["checklist"].as_array().unwrap() {
            let key = (
                res["root"].to_string(),
                res["address"].to_string(),
                c["duty"].to_string(),
            );
            assert!(seen.insert(key.clone()), "repeated entry {key:?}");
        }
    }
}

#[test]
fn a_second_block_with_the_same_address_is_an_error_not_a_second_entry() {
    let (code, r) = json_in(root(), &["testdata/tf/duplicate-resource"]);
    assert_eq!(code, 2);
    common::assert_error(
        &r,
        "testdata/tf/duplicate-resource/main.tf:5:1",
        "duplicate-resource",
        "aws_sns_topic.alerts is declared more than once in this module; Terraform rejects it, \
         and only the first block is checked",
    );
    assert_eq!(addresses(&r), ["aws_sns_topic.alerts"]);
    let topic = duty(&r, "aws_sns_topic.alerts", "SRM-SNS-001");
    assert_eq!(topic.at, "testdata/tf/duplicate-resource/main.tf:1:1");
}

/// A module called with `count` and with `for_each` whose output says whether to encrypt.
const INDEXED_OUTPUTS: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"module "cfg" {
  count  = 2
  source = "./modules/cfg"
  on     = count.index == 0
}

module "site" {
  for_each = toset(["a", "b"])
  source   = "./modules/cfg"
  on       = each.key == "a"
}

resource "aws_ebs_volume" "first" {
  availability_zone = "eu-west-1a"
  encrypted         = module.cfg[0].encrypted
}

resource "aws_ebs_volume" "second" {
  availability_zone = "eu-west-1a"
  encrypted         = module.cfg[1].encrypted
}

resource "aws_ebs_volume" "a" {
  availability_zone = "eu-west-1a"
  encrypted         = module.site["a"].encrypted
}

resource "aws_ebs_volume" "b" {
  availability_zone = "eu-west-1a"
  encrypted         = module.site["b"].encrypted
}
"#,
    ),
    (
        "modules/cfg/main.tf",
        "variable \"on\" {\n  type = bool\n}\n\noutput \"encrypted\" {\n  value = var.on\n}\n",
    ),
];

#[test]
fn an_output_of_an_indexed_module_instance_is_that_instances_value() {
    let (_d, r) = scan_files(INDEXED_OUTPUTS, &[]);
    for (address, at) in [
        ("aws_ebs_volume.first", "main.tf:15:3"),
        ("aws_ebs_volume.a", "main.tf:25:3"),
    ] {
        entry(&r, address, "SRM-EBS-001").is("addressed", "code", at, "`encrypted` is true");
    }
    for (address, at) in [
        ("aws_ebs_volume.second", "main.tf:20:3"),
        ("aws_ebs_volume.b", "main.tf:30:3"),
    ] {
        entry(&r, address, "SRM-EBS-001").is(
            "unaddressed",
            "code",
            at,
            "`encrypted` is false; expected true",
        );
    }
}

#[test]
fn evidence_names_the_origin_of_a_value_that_flows_through_a_local() {
    let root = r#"variable "encrypted" {
  type = bool
}

locals {
  enc = var.encrypted
}

resource "aws_ebs_volume" "direct" {
  availability_zone = "eu-west-1a"
  encrypted         = var.encrypted
}

resource "aws_ebs_volume" "local" {
  availability_zone = "eu-west-1a"
  encrypted         = local.enc
}

module "db" {
  source            = "./modules/db"
  storage_encrypted = false
}
"#;
    let module = r#"variable "storage_encrypted" {
  type = bool
}

locals {
  encrypt = var.storage_encrypted
}

resource "aws_db_instance" "this" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = local.encrypt
}
"#;
    let files = [
        ("main.tf", root),
        ("terraform.tfvars", "encrypted = false\n"),
        ("modules/db/main.tf", module),
    ];
    let (_d, r) = scan_files(&files, &[]);
    for (address, at) in [
        ("aws_ebs_volume.direct", "main.tf:11:3"),
        ("aws_ebs_volume.local", "main.tf:16:3"),
    ] {
        let e = entry(&r, address, "SRM-EBS-001");
        e.is(
            "unaddressed",
            "code",
            at,
            "`encrypted` is false; expected true",
        );
        assert_eq!(e.evidence, ["terraform.tfvars:1:13"], "{e:#?}");
    }
    let e = entry(&r, "module.db.aws_db_instance.this", "SRM-RDS-001");
    e.is(
        "unaddressed",
        "code",
        "modules/db/main.tf:12:3",
        "`storage_encrypted` is false; expected true",
    );
    assert_eq!(e.evidence, ["main.tf:21:23"], "{e:#?}");
}

#[test]
fn evidence_names_the_callers_argument_behind_a_module_output_read_through_a_local() {
    let root = r#"module "cfg" {
  source            = "./modules/cfg"
  storage_encrypted = false
}

resource "aws_db_instance" "direct" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = module.cfg.direct
}

resource "aws_db_instance" "local" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = module.cfg.through_local
}
"#;
    let module = r#"variable "storage_encrypted" {
  type = bool
}

locals {
  encrypt = var.storage_encrypted
}

output "direct" {
  value = var.storage_encrypted
}

output "through_local" {
  value = local.encrypt
}
"#;
    let (_d, r) = scan_files(&[("main.tf", root), ("modules/cfg/main.tf", module)], &[]);
    for (address, at) in [
        ("aws_db_instance.direct", "main.tf:9:3"),
        ("aws_db_instance.local", "main.tf:15:3"),
    ] {
        let e = entry(&r, address, "SRM-RDS-001");
        e.is(
            "unaddressed",
            "code",
            at,
            "`storage_encrypted` is false; expected true",
        );
        assert_eq!(e.evidence, ["main.tf:3:23"], "{e:#?}");
    }
}
