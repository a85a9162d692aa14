//! Bounded property tests: random and mutated HCL, YAML and JSON text through the front ends,
//! the whole scan and every renderer never panics. A few hundred cases each, so the normal test
//! suite stays fast; the fuzz targets in `fuzz/` explore much further.

use proptest::prelude::*;
use srm_lint::catalog::Catalog;
use srm_lint::report::{self, Report};
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::builtin().expect("the built-in catalog loads"))
}

const HCL: &str = r#"variable "on" {
  type    = bool
  default = true
}
locals {
  name = "logs-${var.on ? "a" : "b"}"
  list = [for i in [1, 2] : i * 2 if i > 0]
}
resource "aws_s3_bucket" "logs" {
  bucket = local.name
  count  = var.on ? 1 : 0
  versioning {
    enabled = true
  }
  tags = { Name = "x", "a.b" = 1.5e3 }
}
module "m" {
  source = "./m"
  x      = aws_s3_bucket.logs[0].arn
}
# srm-lint:ignore[SRM-S3-004] reason here
"#;

const YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    Properties:
      BucketName: !Sub "${AWS::StackName}-logs"
      VersioningConfiguration:
        Status: !If [IsProd, Enabled, !Ref "AWS::NoValue"]
      Tags:
        - {Key: a, Value: &v b}
        - {Key: c, Value: *v}
    Metadata:
      srm-lint: {ignore: [{id: SRM-S3-004, reason: test}]}
"#;

const JSON: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Mappings": {"M": {"a": {"b": "Enabled"}}},
  "Resources": {
    "Bucket": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "VersioningConfiguration": {"Status": {"Fn::FindInMap": ["M", "a", "b"]}},
        "BucketName": {"Fn::Join": ["-", [{"Ref": "AWS::Region"}, "x"]]}
      }
    }
  }
}
"#;

/// Characters that matter to the three syntaxes.
const ALPHABET: &[char] = &[
    '{', '}', '[', ']', '(', ')', '"', '\'', '=', ':', ',', '\n', ' ', '\t', '-', '!', '*', '&',
    '#', '$', '%', '|', '>', '?', '.', '\\', '/', '0', '1', 'a', 'Z', '\u{feff}', 'é', '\u{1b}',
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop::collection::vec(prop::sample::select(ALPHABET), 1..8)
        .prop_map(|v| v.into_iter().collect::<String>());
    prop_oneof![
        (any::<usize>(), piece).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1usize..60).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

/// Applies edits at character boundaries (positions are taken modulo the length).
fn mutate(seed: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match e {
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::Delete(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            Edit::Duplicate(at, n) => {
                let at = at % len;
                let end = (at + n).min(chars.len());
                let part: Vec<char> = chars.get(at..end).unwrap_or_default().to_vec();
                chars.splice(end..end, part);
            }
            Edit::Truncate(at) => chars.truncate(at % len),
        }
    }
    chars.into_iter().collect()
}

/// The whole pipeline and every renderer on one in-memory file.
fn scan_all(name: &str, text: &str) {
    let cat = catalog();
    let scan = srm_lint::scan_text(name, text, cat);
    let r = Report::build(&scan, cat);
    let _ = report::json::render(&r);
    let _ = report::compact::render(&r);
    let _ = report::github::render(&r);
    let _ = report::markdown::render(&r);
    let _ = report::sarif::render(&r, cat);
    let _ = report::pretty::render(
        &r,
        &scan.sources,
        cat,
        report::pretty::Style {
            color: true,
            unicode: true,
        },
    );
}

/// A directory that does not exist: module sources resolve to nothing on disk.
const DIR: &str = "/nonexistent-srm-lint-proptest";

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_hcl_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let text = mutate(HCL, &edits);
        scan_all(&format!("{DIR}/main.tf"), &text);
    }

    #[test]
    fn mutated_yaml_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let text = mutate(YAML, &edits);
        let _ = srm_lint::parse::yaml::parse(&text, 0);
        scan_all(&format!("{DIR}/template.yaml"), &text);
    }

    #[test]
    fn mutated_json_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let text = mutate(JSON, &edits);
        let _ = srm_lint::parse::json::parse(&text, 0);
        scan_all(&format!("{DIR}/template.json"), &text);
        scan_all(&format!("{DIR}/main.tf.json"), &text);
    }

    #[test]
    fn random_text_never_panics(v in prop::collection::vec(prop::sample::select(ALPHABET), 0..200), kind in 0usize..4) {
        let text: String = v.into_iter().collect();
        let name = ["main.tf", "template.yaml", "template.json", "main.tf.json"][kind];
        scan_all(&format!("{DIR}/{name}"), &text);
    }
}

/// The seeds are valid, so the mutations start from text that reaches the adapters.
#[test]
fn seeds_are_valid_templates() {
    for (name, text) in [
        ("main.tf", HCL),
        ("template.yaml", YAML),
        ("template.json", JSON),
    ] {
        let scan = srm_lint::scan_text(&format!("{DIR}/{name}"), text, catalog());
        let errors: Vec<&str> = scan
            .model
            .errors
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(errors, Vec::<&str>::new(), "{name}");
        assert!(!scan.model.resources.is_empty(), "{name}");
    }
}
