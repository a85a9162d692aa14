//! CloudFormation end to end: what a user sees (duty, verdict, logical id, line:col) for every
//! intrinsic function, condition, relation, SAM `Globals` and CDK output, in YAML and in JSON.
//!
//! Each fixture in `testdata/cfn/` has a YAML and a JSON twin with the same resources; a case
//! gives the location in both.

mod common;

use srm_lint::catalog::Catalog;
use srm_lint::report::{ChecklistEntry, Report, ResourceEntry};
use srm_lint::{scan, ScanOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/cfn")
        .join(name)
}

fn report(name: &str, params: &[(&str, &str)]) -> Report {
    let parameters: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let opts = ScanOptions {
        paths: vec![fixture(name)],
        parameters,
        // Pinned: runtimes are judged against the run's date.
        date: srm_lint::attest::parse_date("2026-12-07"),
        ..Default::default()
    };
    let catalog = Catalog::builtin().expect("catalog");
    let s = scan(&opts, &catalog);
    Report::build(&s, &catalog)
}

fn resource<'r>(r: &'r Report, id: &str) -> &'r ResourceEntry {
    r.resources
        .iter()
        .find(|x| x.address == id)
        .unwrap_or_else(|| panic!("no resource {id}"))
}

fn entry<'r>(r: &'r Report, id: &str, duty: &str) -> &'r ChecklistEntry {
    resource(r, id)
        .checklist
        .iter()
        .find(|c| &*c.duty == duty)
        .unwrap_or_else(|| panic!("{id} has no {duty}"))
}

/// One expectation: logical id, duty, verdict, YAML line:col, JSON line:col, message fragment.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    (usize, usize),
    (usize, usize),
    &'static str,
);

fn check(stem: &str, params: &[(&str, &str)], cases: &[Case]) {
    for (ext, json) in [("yaml", false), ("json", true)] {
        let name = format!("{stem}.{ext}");
        let r = report(&name, params);
        assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
        for (id, duty, verdict, yaml_at, json_at, msg) in cases {
            let c = entry(&r, id, duty);
            let at = if json { json_at } else { yaml_at };
            let got = (c.verdict.as_str(), (c.line as usize, c.column as usize));
            assert_eq!(
                got,
                (*verdict, *at),
                "{name} {params:?}: {id} {duty}: {}",
                c.message
            );
            assert!(
                c.message.contains(msg),
                "{name} {params:?}: {id} {duty}: {:?} lacks {msg:?}",
                c.message
            );
        }
    }
}

#[test]
fn ref_to_parameter_with_default_given_value_or_none() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // A default is not a fact: a deployment may override it.
        ("DefaultBucket", "SRM-S3-004", "unverified", (30, 9), (17, 50), "rests on the default of parameter `VersioningStatus` (\"Enabled\")"),
        // No default, but `AllowedValues`: every allowed value is a deployment.
        ("GivenBucket", "SRM-S3-004", "unaddressed", (35, 9), (21, 50), "when parameter `GivenStatus` is \"Suspended\""),
    ];
    check("values", &[], cases);
    #[rustfmt::skip]
    let given: &[Case] = &[("GivenBucket", "SRM-S3-004", "addressed", (35, 9), (21, 50), "\"Enabled\"")];
    check("values", &[("GivenStatus", "Enabled")], given);
    #[rustfmt::skip]
    let suspended: &[Case] = &[("GivenBucket", "SRM-S3-004", "unaddressed", (35, 9), (21, 50), "\"Suspended\"")];
    check("values", &[("GivenStatus", "Suspended")], suspended);
}

#[test]
fn find_in_map_select_sub_join_and_get_att() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("MappedBucket", "SRM-S3-004", "unverified", (40, 9), (27, 11), "rests on the default of parameter `Env` (\"prod\")"),
        ("SelectedBucket", "SRM-S3-004", "addressed", (45, 9), (35, 11), "\"Enabled\""),
        // `!Sub "python3.${PythonMinor}"` with the parameter's default 9.
        ("SubFunction", "SRM-LAMBDA-007", "unaddressed", (64, 7), (58, 9), "when parameter `PythonMinor` keeps its default (\"9\"): `Runtime` is \"python3.9\""),
        // `!Join ["", [!Ref Language, "3.12"]]`: only as good as the default of `Language`.
        ("JoinFunction", "SRM-LAMBDA-007", "unverified", (74, 7), (68, 9), "rests on the default of parameter `Language` (\"python\")"),
        // `!GetAtt FunctionKey.Arn`: a reference to a resource counts as set.
        ("SubFunction", "SRM-LAMBDA-006", "addressed", (70, 7), (62, 9), "refers to FunctionKey.Arn"),
    ];
    check("values", &[], cases);
    #[rustfmt::skip]
    let dev: &[Case] = &[
        ("MappedBucket", "SRM-S3-004", "unaddressed", (40, 9), (27, 11), "\"Suspended\""),
        ("SubFunction", "SRM-LAMBDA-007", "addressed", (64, 7), (58, 9), "\"python3.12\""),
        ("JoinFunction", "SRM-LAMBDA-007", "addressed", (74, 7), (68, 9), "\"python3.12\""),
    ];
    check(
        "values",
        &[
            ("Env", "dev"),
            ("PythonMinor", "12"),
            ("Language", "python"),
        ],
        dev,
    );
}

#[test]
fn dynamic_references_are_present_but_unknown() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("ResolvedBucket", "SRM-S3-004", "unverified", (50, 9), (42, 37), "dynamic reference {{resolve:ssm:/buckets/versioning}}"),
        ("JoinFunction", "SRM-LAMBDA-006", "addressed", (80, 7), (72, 9), "is set (value unknown: dynamic reference"),
    ];
    check("values", &[], cases);
}

#[test]
fn pseudo_parameters_are_unknown_unless_given() {
    #[rustfmt::skip]
    let cases: &[Case] = &[("RegionalBucket", "SRM-S3-004", "unverified", (56, 9), (50, 11), "`InPrimaryRegion`")];
    check("values", &[], cases);
    #[rustfmt::skip]
    let given: &[Case] = &[("RegionalBucket", "SRM-S3-004", "addressed", (56, 9), (50, 11), "\"Enabled\"")];
    check("values", &[("AWS::Region", "eu-west-1")], given);
    #[rustfmt::skip]
    let other: &[Case] = &[("RegionalBucket", "SRM-S3-004", "unaddressed", (56, 9), (50, 11), "\"Suspended\"")];
    check("values", &[("AWS::Region", "us-east-1")], other);
}

#[test]
fn fn_if_with_known_and_unknown_conditions() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // IsDev = Not(IsProd), Env defaults to dev: the first branch is taken.
        ("KnownIfBucket", "SRM-S3-004", "unaddressed", (21, 9), (22, 11), "\"Suspended\""),
        // Stage has no value: both branches are evaluated and they disagree.
        ("UnknownIfBucket", "SRM-S3-004", "unverified", (26, 9), (30, 11), "`HasStage`"),
        ("EitherKeyFunction", "SRM-LAMBDA-001", "unverified", (65, 9), (74, 11), "`HasStage`"),
        // ... or both address it.
        ("EitherKeyFunction", "SRM-LAMBDA-006", "addressed", (63, 7), (66, 9), "in every branch of `HasStage`"),
        // And(IsProd, region) is false once IsProd is false, whatever the region.
        ("AndBucket", "SRM-S3-004", "unaddressed", (31, 9), (38, 11), "\"Suspended\""),
        // `!Ref AWS::NoValue` in the taken branch: the property is absent.
        ("OptionalBucket", "SRM-S3-004", "unaddressed", (35, 7), (45, 9), "is not set"),
    ];
    check("if-conditions", &[], cases);
    #[rustfmt::skip]
    let prod: &[Case] = &[
        ("KnownIfBucket", "SRM-S3-004", "addressed", (21, 9), (22, 11), "\"Enabled\""),
        ("AndBucket", "SRM-S3-004", "unverified", (31, 9), (38, 11), "`ProdInEurope`"),
        ("OptionalBucket", "SRM-S3-004", "addressed", (37, 11), (45, 59), "\"Enabled\""),
        ("StagingBucket", "SRM-S3-004", "addressed", (44, 9), (51, 50), "\"Enabled\""),
    ];
    check("if-conditions", &[("Env", "prod")], prod);
    #[rustfmt::skip]
    let eu: &[Case] = &[
        ("AndBucket", "SRM-S3-004", "addressed", (31, 9), (38, 11), "\"Enabled\""),
        ("UnknownIfBucket", "SRM-S3-004", "addressed", (26, 9), (30, 11), "\"Enabled\""),
        ("EitherKeyFunction", "SRM-LAMBDA-001", "addressed", (65, 9), (74, 11), "\"Active\""),
    ];
    check(
        "if-conditions",
        &[
            ("Env", "prod"),
            ("AWS::Region", "eu-west-1"),
            ("Stage", "blue"),
        ],
        eu,
    );
}

#[test]
fn resources_with_a_condition_are_reported_with_it_or_left_out() {
    for (name, notice_at) in [
        ("if-conditions.yaml", (39, 3)),
        ("if-conditions.json", (48, 5)),
    ] {
        // Env allows staging and prod: the bucket is created in some deployments.
        let r = report(name, &[]);
        assert_eq!(
            entry(&r, "StagingBucket", "SRM-S3-004").verdict.as_str(),
            "addressed"
        );
        let r = report(name, &[("Env", "dev")]);
        // Stage is unknown: the key may exist, and says so.
        assert_eq!(
            resource(&r, "StageKey").condition.as_deref(),
            Some("HasStage")
        );
        assert_eq!(resource(&r, "SharedKey").condition, None);
        // Env is dev: ProdOrStaging is false and the bucket is not created.
        assert!(r.resources.iter().all(|x| x.address != "StagingBucket"));
        let n = r
            .notices
            .iter()
            .find(|n| n.message.contains("StagingBucket"))
            .expect("notice");
        assert_eq!((n.line, n.column), notice_at, "{name}");
        assert!(
            n.message.contains("`ProdOrStaging` is false"),
            "{}",
            n.message
        );
        // Or(IsProd, Env = staging) holds for staging.
        let r = report(name, &[("Env", "staging")]);
        let b = resource(&r, "StagingBucket");
        assert_eq!(b.condition.as_deref(), Some("ProdOrStaging"));
        assert_eq!(
            entry(&r, "StagingBucket", "SRM-S3-004").verdict.as_str(),
            "addressed"
        );
    }
}

#[test]
fn relations_join_evidence_in_other_resources() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // AWS::EC2::FlowLog → VPC through `ResourceId: !Ref Vpc`.
        ("Vpc", "SRM-VPC-001", "addressed", (13, 7), (11, 9), "VpcFlowLog: `TrafficType` is \"ALL\""),
        ("UnloggedVpc", "SRM-VPC-001", "unaddressed", (16, 3), (16, 5), "no AWS::EC2::FlowLog refers to UnloggedVpc"),
        // AWS::EC2::SecurityGroupIngress → group through `GroupId: !GetAtt AppSecurityGroup.GroupId`.
        ("AppSecurityGroup", "SRM-SG-001", "unaddressed", (32, 7), (28, 9), "SshFromAnywhere: `CidrIp` contains \"0.0.0.0/0\""),
        // AWS::RDS::DBInstance in a cluster inherits the cluster's encryption.
        ("DbWriter", "SRM-RDS-001", "addressed", (37, 7), (35, 9), "DbCluster: `StorageEncrypted` is true"),
        // AWS::S3::BucketPolicy → bucket through `Bucket: !Ref LogBucket`.
        ("LogBucket", "SRM-S3-006", "addressed", (52, 7), (53, 9), "LogBucketPolicy: `Effect` is \"Deny\""),
        // AWS::SSM::Association targets → instance: supports (cannot prove) patching.
        ("AppInstance", "SRM-EC2-006", "attestation", (65, 3), (68, 5), "PatchAssociation: `Name` is \"AWS-RunPatchBaseline\""),
    ];
    check("relations", &[], cases);
    for (name, at) in [("relations.yaml", (73, 7)), ("relations.json", (75, 9))] {
        let r = report(name, &[]);
        let c = entry(&r, "AppInstance", "SRM-EC2-006");
        let ev: Vec<_> = c.evidence.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(ev, vec![at], "{name}");
    }
}

#[test]
fn sam_globals_apply_to_every_function_with_spans_in_globals() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // The function's own `Tracing: PassThrough` wins over the global `Active`.
        ("OrdersFunction", "SRM-LAMBDA-001", "unaddressed", (27, 7), (24, 9), "\"PassThrough\""),
        // The other function takes `Tracing: Active` from Globals, located there.
        ("ReportsFunction", "SRM-LAMBDA-001", "addressed", (7, 5), (8, 7), "\"Active\""),
        ("ReportsFunction", "SRM-LAMBDA-006", "addressed", (8, 5), (9, 7), "KmsKeyArn"),
        ("OrdersFunction", "SRM-LAMBDA-007", "addressed", (6, 5), (7, 7), "\"python3.12\""),
        // The implicit API of the `Api` event takes `Globals.Api`.
        ("ServerlessRestApi", "SRM-APIGW-003", "addressed", (16, 5), (14, 7), "`TracingEnabled` is true"),
    ];
    check("sam-globals", &[], cases);
}

fn cli_json(args: &[&str]) -> (i32, serde_json::Value) {
    common::json(args)
}

fn cli_duty<'v>(v: &'v serde_json::Value, id: &str, duty: &str) -> &'v serde_json::Value {
    v["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["address"] == id)
        .flat_map(|r| r["checklist"].as_array().into_iter().flatten())
        .find(|c| c["duty"] == duty)
        .unwrap_or_else(|| panic!("{id} {duty} in {v}"))
}

#[test]
fn cli_parameters_and_parameters_file() {
    let (_, v) = cli_json(&["testdata/cfn/values.yaml"]);
    assert_eq!(
        cli_duty(&v, "GivenBucket", "SRM-S3-004")["verdict"],
        "unaddressed"
    );
    let (_, v) = cli_json(&[
        "testdata/cfn/values.yaml",
        "--parameter",
        "GivenStatus=Enabled",
    ]);
    let c = cli_duty(&v, "GivenBucket", "SRM-S3-004");
    assert_eq!(
        (&c["verdict"], &c["line"], &c["column"]),
        (&"addressed".into(), &35.into(), &9.into())
    );
    let (_, v) = cli_json(&[
        "testdata/cfn/values.json",
        "--parameters-file",
        "testdata/cfn/values.params.json",
    ]);
    assert_eq!(
        cli_duty(&v, "GivenBucket", "SRM-S3-004")["verdict"],
        "addressed"
    );
    let c = cli_duty(&v, "MappedBucket", "SRM-S3-004");
    assert_eq!(
        (&c["verdict"], &c["line"], &c["column"]),
        (&"unaddressed".into(), &27.into(), &11.into())
    );
}

#[test]
fn cdk_output_shows_the_construct_path() {
    let (_, v) = cli_json(&["testdata/cfn/cdk.template.json"]);
    let bucket = v["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == "DataBucketE3889A50")
        .expect("bucket");
    assert_eq!(bucket["construct_path"], "DataStack/DataBucket/Resource");
    assert_eq!((&bucket["line"], &bucket["column"]), (&3.into(), &5.into()));
    let c = cli_duty(&v, "DataKey4F3A1B2C", "SRM-KMS-001");
    assert_eq!(
        (&c["verdict"], &c["line"], &c["column"]),
        (&"addressed".into(), &28.into(), &9.into())
    );
    // The suppression in `Metadata.srm-lint` silences the access-logging duty.
    let c = cli_duty(&v, "DataBucketE3889A50", "SRM-S3-009");
    assert_eq!(c["verdict"], "suppressed");
    assert_eq!(
        cli_duty(&v, "DataBucketE3889A50", "SRM-S3-004")["verdict"],
        "addressed"
    );
    let err = v["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["code"] == "suppression-without-reason")
        .expect("error");
    assert_eq!((&err["line"], &err["column"]), (&20.into(), &13.into()));
}

#[test]
fn language_extensions_merge_keys_and_missing_conditions() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // `!ToJsonString` of a known policy is a JSON document the policy duty can read.
        ("AdminPolicy", "SRM-IAM-001", "unaddressed", (14, 7), (15, 9), "`Action` contains \"*\""),
        // `Fn::Length` of a list parameter's default: not a fact.
        ("Worker", "SRM-LAMBDA-004", "unverified", (28, 7), (30, 9), "rests on the default of parameter `Queues`"),
        // YAML: `<<: *worker` brings the anchored properties, located where they are written.
        ("SecondWorker", "SRM-LAMBDA-004", "unverified", (28, 7), (40, 9), "rests on the default of parameter `Queues`"),
        ("SecondWorker", "SRM-LAMBDA-001", "unaddressed", (36, 9), (39, 27), "\"PassThrough\""),
        ("SecondWorker", "SRM-LAMBDA-007", "addressed", (23, 7), (36, 9), "\"python3.12\""),
        ("Archive", "SRM-S3-004", "unverified", (42, 9), (48, 11), "`IsProdution`, which is not defined"),
    ];
    for (ext, json) in [("yaml", false), ("json", true)] {
        let name = format!("language-ext.{ext}");
        let r = report(&name, &[]);
        for (id, duty, verdict, yaml_at, json_at, msg) in cases {
            let c = entry(&r, id, duty);
            let at = if json { json_at } else { yaml_at };
            assert_eq!(
                (c.verdict.as_str(), (c.line as usize, c.column as usize)),
                (*verdict, *at),
                "{name}: {id} {duty}: {}",
                c.message
            );
            assert!(
                c.message.contains(msg),
                "{name}: {id} {duty}: {}",
                c.message
            );
        }
        // A `Condition:` or `Fn::If` naming a condition that does not exist is a located error.
        let errors: Vec<_> = r
            .errors
            .iter()
            .map(|e| (e.code, e.line, e.column, e.message.as_str()))
            .collect();
        let expected = if json {
            [(45, 20, "IsProduction"), (48, 33, "IsProdution")]
        } else {
            [(39, 16, "IsProduction"), (42, 22, "IsProdution")]
        };
        let expected: Vec<_> = expected
            .iter()
            .map(|(l, c, n)| {
                (
                    "invalid-template",
                    *l,
                    *c,
                    format!("condition `{n}` is not defined in `Conditions`"),
                )
            })
            .collect();
        let expected: Vec<_> = expected
            .iter()
            .map(|(a, b, c, d)| (*a, *b, *c, d.as_str()))
            .collect();
        assert_eq!(errors, expected, "{name}");
    }
}
