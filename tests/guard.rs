//! CloudFormation Guard rules (`--guard-rules`, cargo feature `guard`) over Terraform and
//! CloudFormation: spans, verdicts, suppressions, baselines, every output format, located rule
//! errors, and AWS's Control Tower proactive rules over the bundled examples.
//!
//! Run with `cargo test --features guard --test guard`; without the feature only the test of
//! the "built without Guard support" error runs.

mod common;

#[cfg_attr(not(feature = "guard"), allow(unused_imports))]
use common::json;
use common::{run, Run};
#[cfg_attr(not(feature = "guard"), allow(unused_imports))]
use serde_json::Value;

#[cfg(not(feature = "guard"))]
#[test]
fn without_the_feature_guard_rules_are_a_tool_error() {
    let Run { code, stderr, .. } = run(&[
        "testdata/guard/cfn/good.yaml",
        "--guard-rules",
        "testdata/guard/rules",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("srm-lint was built without Guard support; rebuild with --features guard"),
        "{stderr}"
    );
}

#[cfg(feature = "guard")]
mod rules {
    use super::*;

    /// Every `guard/…` checklist entry as (address, duty, verdict, "path:line:col").
    fn guard_entries(report: &Value) -> Vec<(String, String, String, String)> {
        let mut out = Vec::new();
        for r in report["resources"].as_array().unwrap() {
            for c in r["checklist"].as_array().unwrap() {
                let duty = c["duty"].as_str().unwrap();
                if duty.starts_with("guard/") {
                    out.push((
                        r["address"].as_str().unwrap().to_string(),
                        duty.to_string(),
                        c["verdict"].as_str().unwrap().to_string(),
                        format!(
                            "{}:{}:{}",
                            c["path"].as_str().unwrap(),
                            c["line"],
                            c["column"]
                        ),
                    ));
                }
            }
        }
        out
    }

    fn e(address: &str, verdict: &str, at: &str) -> (String, String, String, String) {
        (
            address.to_string(),
            "guard/s3_versioning_enabled".to_string(),
            verdict.to_string(),
            at.to_string(),
        )
    }

    const RULES: &str = "testdata/guard/rules";

    #[test]
    fn one_rule_fails_terraform_resources_at_the_attribute_or_the_header() {
        let (code, report) = json(&["testdata/guard/tf/bad", "--guard-rules", RULES]);
        assert_eq!(code, 1);
        assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
        assert_eq!(
            guard_entries(&report),
            vec![
                // The companion's `status = "Suspended"`: the attribute the property came from.
                e(
                    "aws_s3_bucket.data",
                    "unaddressed",
                    "testdata/guard/tf/bad/main.tf:8:5"
                ),
                // No versioning at all: the resource header.
                e(
                    "aws_s3_bucket.scratch",
                    "unaddressed",
                    "testdata/guard/tf/bad/main.tf:12:1"
                ),
                // `# srm-lint:ignore[guard/s3_versioning_enabled] …` above the block.
                e(
                    "aws_s3_bucket.cache",
                    "suppressed",
                    "testdata/guard/tf/bad/main.tf:17:1"
                ),
            ]
        );
        let data = &report["resources"].as_array().unwrap()[0]["checklist"];
        let entry = data
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["duty"] == "guard/s3_versioning_enabled")
            .unwrap();
        assert_eq!(entry["severity"], "high");
        assert_eq!(entry["layer"], "resilience");
        assert!(
        entry["message"]
            .as_str()
            .unwrap()
            .starts_with("S3 buckets must have versioning enabled: `VersioningConfiguration.Status` is \"Suspended\""),
        "{entry}"
    );
        // The suppression was used; the unmapped type is counted in a notice.
        assert_eq!(report["unused_suppressions"].as_array().unwrap().len(), 0);
        let notices = report["notices"].to_string();
        assert!(notices.contains("aws_route53_zone (1)"), "{notices}");
        let unmapped = report["notices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| {
                n["message"]
                    .as_str()
                    .unwrap()
                    .contains("aws_route53_zone (1)")
            })
            .unwrap();
        assert_eq!(unmapped["kind"], "not-checked", "{unmapped}");
    }

    /// `for_each` and `count` instances are Guard resources of their own, keyed by Terraform's
    /// address, each with the companion linked to that instance.
    #[test]
    fn terraform_instances_are_checked_one_by_one_with_their_own_companions() {
        let dir = "testdata/guard/tf/instances";
        let (code, report) = json(&[dir, "--guard-rules", RULES, "--select", "guard/*"]);
        assert_eq!(code, 1);
        assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{report}");
        assert_eq!(
            guard_entries(&report),
            vec![
                // The "b" instance's companion says Suspended: its `status` attribute.
                e(
                    r#"aws_s3_bucket.this["b"]"#,
                    "unaddressed",
                    "testdata/guard/tf/instances/main.tf:12:5"
                ),
                // The second counted bucket has no companion: the block's header.
                e(
                    "aws_s3_bucket.counted[1]",
                    "unaddressed",
                    "testdata/guard/tf/instances/main.tf:16:1"
                ),
            ]
        );
        let entry = report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == r#"aws_s3_bucket.this["b"]"#)
            .and_then(|r| r["checklist"].as_array())
            .and_then(|c| {
                c.iter()
                    .find(|c| c["duty"] == "guard/s3_versioning_enabled")
            })
            .unwrap();
        assert!(
            entry["message"]
                .as_str()
                .unwrap()
                .contains("`VersioningConfiguration.Status` is \"Suspended\""),
            "{entry}"
        );
    }

    #[test]
    fn the_same_rule_fails_cloudformation_resources_at_the_property_or_the_header() {
        let (code, report) = json(&["testdata/guard/cfn/bad.yaml", "--guard-rules", RULES]);
        assert_eq!(code, 1);
        assert_eq!(
            guard_entries(&report),
            vec![
                e(
                    "DataBucket",
                    "unaddressed",
                    "testdata/guard/cfn/bad.yaml:7:9"
                ),
                e(
                    "ScratchBucket",
                    "unaddressed",
                    "testdata/guard/cfn/bad.yaml:8:3"
                ),
                e(
                    "CacheBucket",
                    "suppressed",
                    "testdata/guard/cfn/bad.yaml:10:3"
                ),
            ]
        );
    }

    #[test]
    fn fixed_versions_pass() {
        for path in ["testdata/guard/tf/good", "testdata/guard/cfn/good.yaml"] {
            let (code, report) = json(&[path, "--guard-rules", RULES, "--select", "guard/*"]);
            assert_eq!(code, 0, "{path}: {report}");
            assert!(guard_entries(&report).is_empty(), "{path}");
            // good.yaml has anchors and a surrogate-pair escape, which cfn-guard's own loader
            // rejects: srm-lint renders its own tree instead.
            assert_eq!(report["errors"].as_array().unwrap().len(), 0, "{path}");
        }
    }

    #[test]
    fn a_rule_that_does_not_parse_is_a_located_tool_error() {
        let (code, report) = json(&[
            "testdata/guard/cfn/good.yaml",
            "--guard-rules",
            "testdata/guard/broken/bad.guard",
        ]);
        assert_eq!(code, 2);
        let err = &report["errors"][0];
        assert_eq!(err["path"], "testdata/guard/broken/bad.guard");
        assert_eq!(
            (err["line"].as_u64(), err["column"].as_u64()),
            (Some(4), Some(58))
        );
        assert_eq!(err["code"], "guard-parse-error");
        // The other rule files still run.
        let (code, report) = json(&[
            "testdata/guard/cfn/bad.yaml",
            "--guard-rules",
            "testdata/guard/broken/bad.guard",
            "--guard-rules",
            RULES,
        ]);
        assert_eq!(code, 2);
        assert_eq!(guard_entries(&report).len(), 3);
    }

    #[test]
    fn a_missing_rule_path_is_a_tool_error() {
        let Run { code, stderr, .. } = run(&[
            "testdata/guard/cfn/good.yaml",
            "--guard-rules",
            "testdata/guard/nope.guard",
            "-f",
            "compact",
        ]);
        assert_eq!(code, 2, "{stderr}");
    }

    #[test]
    fn guard_findings_appear_in_every_format() {
        let args = [
            "testdata/guard/tf/bad",
            "--guard-rules",
            RULES,
            "--select",
            "guard/*",
        ];
        for (format, needle) in [
            (
                "compact",
                "testdata/guard/tf/bad/main.tf:8:5: high guard/s3_versioning_enabled [unaddressed]",
            ),
            ("github", "guard/s3_versioning_enabled"),
            ("markdown", "guard/s3_versioning_enabled"),
            ("pretty", "guard/s3_versioning_enabled"),
            ("sarif", "\"ruleId\": \"guard/s3_versioning_enabled\""),
        ] {
            let mut all = args.to_vec();
            all.extend(["-f", format]);
            let Run {
                code,
                stdout,
                stderr,
            } = run(&all);
            assert_eq!(code, 1, "{format}: {stderr}");
            assert!(stdout.contains(needle), "{format}:\n{stdout}");
        }
        let Run { stdout: sarif, .. } = run(&[args.as_slice(), &["-f", "sarif"]].concat());
        let v: Value = serde_json::from_str(&sarif).unwrap();
        let result = &v["runs"][0]["results"][0];
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(8), Some(5))
        );
    }

    #[test]
    fn baselines_cover_guard_findings() {
        let dir = tempfile::tempdir().unwrap();
        let baseline = dir.path().join("baseline.json");
        let b = baseline.to_str().unwrap();
        let args = [
            "testdata/guard/cfn/bad.yaml",
            "--guard-rules",
            RULES,
            "--select",
            "guard/*",
        ];
        let Run { code, stderr, .. } = run(&[args.as_slice(), &["--write-baseline", b]].concat());
        assert_eq!(code, 1, "{stderr}");
        let (code, report) = json(&[args.as_slice(), &["--baseline", b]].concat());
        assert_eq!(code, 0, "{report}");
    }

    #[test]
    fn ignore_drops_guard_rules() {
        let (code, report) = json(&[
            "testdata/guard/cfn/bad.yaml",
            "--guard-rules",
            RULES,
            "--ignore",
            "guard/*",
        ]);
        assert!(guard_entries(&report).is_empty());
        assert_eq!(code, 1, "built-in duties still fail");
    }

    #[test]
    fn guard_rules_can_come_from_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(
            root.join("testdata/guard/cfn/bad.yaml"),
            dir.path().join("t.yaml"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::copy(
            root.join("testdata/guard/rules/s3-versioning.guard"),
            dir.path().join("rules/s3.guard"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join(".srm-lint.toml"),
            "guard_rules = [\"rules\"]\n",
        )
        .unwrap();
        let (_, report) = common::json_in(dir.path(), &[".", "--select", "guard/*"]);
        assert_eq!(guard_entries(&report).len(), 3, "{report}");
    }

    /// The Terraform rendering: companions folded in, blocks nested, one ingress entry per CIDR,
    /// references as `Ref`/`Fn::GetAtt`, unresolved values flagged.
    #[test]
    fn terraform_resources_render_in_cloudformation_shape() {
        let opts = srm_lint::ScanOptions {
            paths: vec![std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/testdata/examples/terraform"
            ))],
            ..Default::default()
        };
        let catalog = srm_lint::catalog::Catalog::builtin().unwrap();
        let scan = srm_lint::scan(&opts, &catalog);
        let (docs, skipped) = srm_lint::guard::documents(&scan);
        assert_eq!(skipped.types.len(), 0, "{skipped:?}");
        assert_eq!(skipped.attributes, 0, "{skipped:?}");
        let tf = docs
            .iter()
            .find(|d| d.value["Resources"].get("aws_s3_bucket.uploads").is_some())
            .unwrap();
        let r = &tf.value["Resources"];
        let uploads = &r["aws_s3_bucket.uploads"]["Properties"];
        assert_eq!(uploads["VersioningConfiguration"]["Status"], "Enabled");
        assert_eq!(
            uploads["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
            true
        );
        let sse = &uploads["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
            ["ServerSideEncryptionByDefault"];
        assert_eq!(sse["SSEAlgorithm"], "aws:kms");
        assert_eq!(
            sse["KMSMasterKeyID"],
            serde_json::json!({"Fn::GetAtt": ["aws_kms_key.data", "Arn"]})
        );
        assert_eq!(
            uploads["Tags"],
            serde_json::json!([{"Key": "classification", "Value": "confidential"}])
        );
        let web = &r["aws_instance.web"]["Properties"];
        assert_eq!(web["MetadataOptions"]["HttpTokens"], "optional");
        assert_eq!(web["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
        assert_eq!(
            web["SecurityGroupIds"],
            serde_json::json!([{"Ref": "aws_security_group.web"}])
        );
        let sg = &r["aws_security_group.web"]["Properties"];
        assert_eq!(sg["SecurityGroupIngress"][0]["CidrIp"], "0.0.0.0/0");
        assert_eq!(sg["SecurityGroupIngress"][0]["FromPort"], 443);
        assert_eq!(
            r["aws_security_group_rule.ssh"]["Type"],
            "AWS::EC2::SecurityGroupIngress"
        );
        let table = &r["aws_dynamodb_table.sessions"]["Properties"];
        assert_eq!(
            table["KeySchema"],
            serde_json::json!([{"AttributeName": "id", "KeyType": "HASH"}])
        );
        assert_eq!(
            table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
            true
        );
        assert_eq!(
            r["aws_db_instance.main"]["Properties"]["AllocatedStorage"],
            "20"
        );
        // Spans: the companion's `status` attribute (security.tf:4:5) backs the rendered Status.
        let (res, span, unresolved) = tf
            .locate("/Resources/aws_s3_bucket.uploads/Properties/VersioningConfiguration/Status")
            .unwrap();
        assert_eq!(scan.model.resources[res].address, "aws_s3_bucket.uploads");
        let lc = scan.sources.start(span);
        assert_eq!(
            (
                scan.sources.display(span.file).ends_with("security.tf"),
                lc.line,
                lc.column
            ),
            (true, 4, 5)
        );
        assert!(unresolved.is_none());
        // The ami comes from a variable without a value: unresolved.
        let (_, _, unresolved) = tf
            .locate("/Resources/aws_instance.web/Properties/ImageId")
            .unwrap();
        assert!(unresolved.is_some());
    }

    /// AWS Control Tower proactive controls (from `@cdklabs/cdk-validator-cfnguard`) over the bundled
    /// examples: no tool error, and the findings below.
    #[test]
    fn control_tower_rules_run_over_the_examples() {
        let (code, report) = json(&[
            "testdata/examples",
            "--guard-rules",
            "testdata/guard/control-tower",
        ]);
        assert_eq!(code, 1);
        assert_eq!(
            report["errors"].as_array().unwrap().len(),
            0,
            "{}",
            report["errors"]
        );
        let mut found: Vec<String> = guard_entries(&report)
            .into_iter()
            .map(|(a, d, v, at)| format!("{at} {d} [{v}] {a}"))
            .collect();
        found.sort();
        for f in &found {
            println!("{f}");
        }
        let expected = [
        "testdata/examples/cloudformation/app.yaml:16:3 guard/s3_bucket_default_encryption_kms_check [unaddressed] OrdersBucket",
        "testdata/examples/cloudformation/app.yaml:16:3 guard/s3_bucket_logging_enabled_check [unaddressed] OrdersBucket",
        "testdata/examples/cloudformation/app.yaml:20:9 guard/s3_bucket_versioning_enabled_check [unverified] OrdersBucket",
        "testdata/examples/cloudformation/app.yaml:53:7 guard/sqs_queue_encrypted_check [unaddressed] OrdersQueue",
        "testdata/examples/cloudformation/app.yaml:58:7 guard/kms_key_rotation_enabled_check [unaddressed] OrdersKey",
        "testdata/examples/cloudformation/app.yaml:68:3 guard/dynamodb_table_pitr_enabled_check [unaddressed] OrdersTable",
        "testdata/examples/cloudformation/app.yaml:79:3 guard/cloudwatch_log_group_encrypted_check [unaddressed] ProcessOrderLogs",
        "testdata/examples/cloudformation/app.yaml:82:7 guard/cloudwatch_log_group_retention_period_check [unverified] ProcessOrderLogs",
        "testdata/examples/terraform/main.tf:11:1 guard/s3_bucket_default_encryption_kms_check [unaddressed] aws_s3_bucket.logs",
        "testdata/examples/terraform/main.tf:11:1 guard/s3_bucket_level_public_access_prohibited_check [unaddressed] aws_s3_bucket.logs",
        "testdata/examples/terraform/main.tf:11:1 guard/s3_bucket_logging_enabled_check [unaddressed] aws_s3_bucket.logs",
        "testdata/examples/terraform/main.tf:11:1 guard/s3_bucket_versioning_enabled_check [unaddressed] aws_s3_bucket.logs",
        "testdata/examples/terraform/main.tf:42:3 guard/rds_instance_storage_encrypted_check [unaddressed] aws_db_instance.main",
        "testdata/examples/terraform/main.tf:43:3 guard/rds_instance_backup_enabled_check [unaddressed] aws_db_instance.main",
        "testdata/examples/terraform/main.tf:47:1 guard/sqs_queue_encrypted_check [unaddressed] aws_sqs_queue.jobs",
        "testdata/examples/terraform/main.tf:4:1 guard/s3_bucket_logging_enabled_check [unaddressed] aws_s3_bucket.uploads",
        "testdata/examples/terraform/main.tf:66:1 guard/cloudwatch_log_group_encrypted_check [unaddressed] aws_cloudwatch_log_group.app",
        "testdata/examples/terraform/security.tf:44:3 guard/vpc_sg_restricted_common_ports_check [unaddressed] aws_security_group_rule.ssh",
    ];
        assert_eq!(found, expected);
    }
}
