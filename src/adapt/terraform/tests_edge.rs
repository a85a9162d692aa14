//! Edge cases and hostile input, on files written to a temporary directory.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::model::{Val, ValKind};

/// Writes `files` into a temporary directory and runs the adapter on it.
fn run_files(files: &[(&str, &str)]) -> (Model, SourceMap) {
    let tmp = tempfile::tempdir().unwrap();
    let mut sources = SourceMap::default();
    let mut ids = Vec::new();
    for (name, text) in files {
        let p = tmp.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        if !name.contains('/') {
            ids.push(sources.add(name.to_string(), p, text.to_string()));
        }
    }
    let d = TfModuleDir {
        dir: tmp.path().to_path_buf(),
        files: ids,
        report: true,
    };
    let opts = TfOptions {
        roots: vec![tmp.path().to_path_buf()],
        ..Default::default()
    };
    let m = adapt(&[d], &mut sources, &opts);
    (m, sources)
}

fn body<'m>(m: &'m Model, addr: &str) -> &'m Val {
    &m.resources
        .iter()
        .find(|r| r.address == addr)
        .unwrap_or_else(|| panic!("no {addr}"))
        .body
}

fn unknown_reason(v: &Val) -> String {
    match &v.kind {
        ValKind::Unknown(r) => r.to_string(),
        other => panic!("not unknown: {other:?}"),
    }
}

#[test]
fn parse_error_is_located_and_other_files_go_on() {
    let (m, s) = run_files(&[
        ("a.tf", "resource \"aws_sqs_queue\" \"q\" {\n  name = \n}\n"),
        ("b.tf", "resource \"aws_sns_topic\" \"t\" {}\n"),
    ]);
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].code, "parse-error");
    assert_eq!(s.start(m.errors[0].span).line, 2);
    assert_eq!(m.resources.len(), 1);
}

#[test]
fn json_syntax_resources_and_templates() {
    let (m, s) = run_files(&[
        ("vars.tf", "variable \"env\" {\n  default = \"prod\"\n}\n"),
        (
            "main.tf.json",
            r#"{"resource": {"aws_s3_bucket": {"b": {"bucket": "acme-${var.env}", "tags": {"a": "x"}}},
 "aws_s3_bucket_versioning": {"v": {"bucket": "${aws_s3_bucket.b.id}", "versioning_configuration": {"status": "Enabled"}}}}}"#,
        ),
    ]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let b = m
        .resources
        .iter()
        .find(|r| r.address == "aws_s3_bucket.b")
        .unwrap();
    assert_eq!(s.get(b.file).unwrap().slice(b.header), Some("\"b\""));
    assert_eq!(b.body.get("bucket").unwrap().as_str(), Some("acme-prod"));
    let v = body(&m, "aws_s3_bucket_versioning.v");
    assert!(
        matches!(&v.get("bucket").unwrap().kind, ValKind::Ref(r) if r.target == "aws_s3_bucket.b")
    );
    let st = v
        .get("versioning_configuration")
        .unwrap()
        .get("status")
        .unwrap();
    assert_eq!(st.as_str(), Some("Enabled"));
}

#[test]
fn locals_cycles_and_long_chains_stay_bounded() {
    let mut text = String::from("locals {\n  a = local.b\n  b = local.a\n");
    for i in 0..2000 {
        text.push_str(&format!("  l{} = [local.l{}]\n", i, i + 1));
    }
    text.push_str("  l2000 = 1\n}\n");
    text.push_str("resource \"aws_sqs_queue\" \"q\" {\n  name = local.a\n  deep = local.l0\n}\n");
    let (m, _) = run_files(&[("main.tf", &text)]);
    let q = body(&m, "aws_sqs_queue.q");
    assert!(unknown_reason(q.get("name").unwrap()).contains("refers to itself"));
    let mut v = q.get("deep").unwrap();
    let mut depth = 0;
    while let ValKind::List(items) = &v.kind {
        v = &items[0];
        depth += 1;
    }
    assert!(unknown_reason(v).contains("nested too deeply"));
    assert!(depth < 100);
}

#[test]
fn budget_stops_exponential_expressions() {
    let mut text = String::from("locals {\n  l0 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
    for i in 1..12 {
        text.push_str(&format!(
            "  l{i} = [for x in local.l{} : [for y in local.l{} : y]]\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("}\nresource \"aws_sqs_queue\" \"q\" {\n  name = local.l11\n}\n");
    let started = std::time::Instant::now();
    let (m, _) = run_files(&[("main.tf", &text)]);
    assert!(started.elapsed().as_secs() < 20);
    assert_eq!(m.resources.len(), 1);
}

#[test]
fn references_with_index_and_module_prefix() {
    let (m, _) = run_files(&[
        ("main.tf", "module \"m\" {\n  source = \"./mod\"\n  key = aws_kms_key.k[\"a\"].arn\n}\nresource \"aws_kms_key\" \"k\" {\n  for_each = toset([\"a\"])\n}\n"),
        ("mod/main.tf", "variable \"key\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  kms_master_key_id = var.key\n  policy = aws_sqs_queue.q.arn\n  x = aws_s3_bucket.b[0].id\n}\n"),
    ]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let q = body(&m, "module.m.aws_sqs_queue.q");
    let r = |k: &str| match &q.get(k).unwrap().kind {
        ValKind::Ref(r) => (r.target.clone(), r.attribute.clone().unwrap_or_default()),
        other => panic!("{other:?}"),
    };
    // A known instance key stays in the reference (companions link per instance).
    assert_eq!(
        r("kms_master_key_id"),
        ("aws_kms_key.k[\"a\"]".into(), "arn".into())
    );
    assert_eq!(
        r("policy"),
        ("module.m.aws_sqs_queue.q".into(), "arn".into())
    );
    assert_eq!(r("x"), ("module.m.aws_s3_bucket.b[0]".into(), "id".into()));
    // The for_each instance is a resource of its own, with Terraform's address.
    assert!(m
        .resources
        .iter()
        .any(|r| r.address == "aws_kms_key.k[\"a\"]"));
    assert!(!m.resources.iter().any(|r| r.address == "aws_kms_key.k"));
}

#[test]
fn module_outside_roots_is_refused_with_a_notice() {
    let (m, _) = run_files(&[(
        "main.tf",
        "module \"x\" {\n  source = \"../../../../elsewhere\"\n}\n",
    )]);
    assert!(m.errors.is_empty());
    assert_eq!(m.notices.len(), 1);
    assert!(
        m.notices[0].message.contains("is not a directory")
            || m.notices[0].message.contains("leaves")
    );
}

#[test]
fn functions_templates_and_data_sources() {
    let (m, _) = run_files(&[(
        "main.tf",
        r#"
locals {
  base = { encrypted = true, tier = "gold" }
  cfg  = merge(local.base, { tier = "silver" })
  doc  = jsondecode("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\"}]}")
}
data "aws_caller_identity" "me" {}
resource "aws_s3_bucket_policy" "p" {
  bucket  = "b"
  policy  = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" } }] })
  policy2 = local.doc
  tier    = upper(lookup(local.cfg, "tier", "none"))
  enc     = local.cfg.encrypted && !false
  n       = length(concat([1], [2, 3])) * 2
  acct    = data.aws_caller_identity.me.account_id
  arn     = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"
  f       = cidrsubnet("10.0.0.0/16", 8, 1)
  t       = try(local.base.missing, "fallback")
  joined  = join("-", [for s in ["a", "b"] : upper(s)])
}
"#,
    )]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let p = body(&m, "aws_s3_bucket_policy.p");
    let pol = p.get("policy").unwrap();
    let st = &pol.get("Statement").unwrap();
    let ValKind::List(items) = &st.kind else {
        panic!()
    };
    assert_eq!(
        items[0]
            .get("Principal")
            .unwrap()
            .get("AWS")
            .unwrap()
            .as_str(),
        Some("*")
    );
    let ValKind::List(items) = &p.get("policy2").unwrap().get("Statement").unwrap().kind else {
        panic!()
    };
    assert_eq!(items[0].get("Principal").unwrap().as_str(), Some("*"));
    assert_eq!(p.get("tier").unwrap().as_str(), Some("SILVER"));
    assert_eq!(p.get("enc").unwrap().kind, ValKind::Bool(true));
    assert_eq!(p.get("n").unwrap().kind, ValKind::Number(6.0));
    assert!(unknown_reason(p.get("acct").unwrap())
        .contains("data.aws_caller_identity.me is read at plan time"));
    assert!(unknown_reason(p.get("arn").unwrap()).contains("read at plan time"));
    assert!(unknown_reason(p.get("f").unwrap()).contains("function `cidrsubnet` is not evaluated"));
    assert_eq!(p.get("t").unwrap().as_str(), Some("fallback"));
    assert_eq!(p.get("joined").unwrap().as_str(), Some("A-B"));
}

#[test]
fn many_files_are_fast() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..500 {
        files.push((
            format!("f{i}.tf"),
            format!(
                "locals {{\n  n{i} = \"x{i}\"\n}}\nresource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"${{local.n{i}}}-b\"\n  tags = {{ a = \"b\" }}\n  versioning {{\n    enabled = true\n  }}\n}}\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let started = std::time::Instant::now();
    let (m, _) = run_files(&refs);
    assert_eq!(m.resources.len(), 500);
    // Debug build on a shared machine: generous bound.
    assert!(started.elapsed().as_millis() < 5000);
}
