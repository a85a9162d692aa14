//! Unit tests of the CloudFormation adapter over the fixtures in `testdata/cfn/`.

use super::*;
use crate::model::{Reference, ValKind};
use crate::source::LineCol;

fn load_text(name: &str, text: &str, opts: &CfnOptions) -> (SourceFile, Model) {
    let file = SourceFile::new(
        3,
        format!("testdata/cfn/{name}"),
        name.into(),
        text.to_string(),
    );
    let root = if name.ends_with(".json") {
        crate::parse::json::parse(text, 3).unwrap()
    } else {
        crate::parse::yaml::parse(text, 3).unwrap().remove(0)
    };
    assert!(is_template(&root) || !name.contains("intrinsics"));
    // These tests are about intrinsic functions and conditions: parameter defaults are given as
    // values (facts). Scenarios are tested in `scenarios_*` below and in tests/cfn_params.rs.
    let mut opts = opts.clone();
    for e in root.get("Parameters").map(Node::entries).unwrap_or(&[]) {
        if let Some(d) = e.value.get("Default").and_then(scalar_text) {
            opts.parameters.entry(e.key.clone()).or_insert(d);
        }
    }
    let model = adapt(&file, &root, &opts);
    (file, model)
}

fn load_as_written(name: &str, text: &str) -> Model {
    let file = SourceFile::new(3, name.into(), name.into(), text.to_string());
    let root = crate::parse::yaml::parse(text, 3).unwrap().remove(0);
    adapt(&file, &root, &CfnOptions::default())
}

#[test]
fn scenarios_merge_where_deployments_differ() {
    let text = "Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [dev, prod]}
  Name: {Type: String, Default: logs}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub \"${Name}-x\"
      Tags: [{Key: env, Value: fixed}]
      VersioningConfiguration:
        Status: !If [IsProd, Enabled, Suspended]
";
    let m = load_as_written("m.yaml", text);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    // The same in every scenario: plain.
    assert!(matches!(prop(&m, "B", "Tags").kind, ValKind::List(_)));
    // Only the differing leaf is a choice, labelled by what sets its scenarios apart.
    let status = prop(&m, "B", "VersioningConfiguration")
        .get("Status")
        .unwrap();
    let ValKind::Choice {
        options, scenarios, ..
    } = &status.kind
    else {
        panic!("{status:?}")
    };
    assert_eq!(options.len(), 2);
    assert_eq!(
        scenarios,
        &[
            "`IsProd` is false (`Env` is \"dev\")",
            "`IsProd` is true (`Env` is \"prod\")"
        ]
    );
    // A default: kept, or overridden (unknown).
    let name = prop(&m, "B", "BucketName");
    let ValKind::Choice {
        options, scenarios, ..
    } = &name.kind
    else {
        panic!("{name:?}")
    };
    assert_eq!(options[0].kind, ValKind::String("logs-x".into()));
    assert!(unknown_reason(&options[1]).contains("default of parameter `Name`"));
    assert_eq!(
        scenarios[0],
        "parameter `Name` keeps its default (\"logs\")"
    );
}

fn load_with(name: &str, opts: &CfnOptions) -> (SourceFile, Model) {
    let path = format!("{}/testdata/cfn/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    load_text(name, &text, opts)
}

fn load(name: &str) -> (SourceFile, Model) {
    load_with(name, &CfnOptions::default())
}

fn res<'m>(m: &'m Model, id: &str) -> &'m Resource {
    m.resources.iter().find(|r| r.address == id).unwrap()
}

fn prop<'m>(m: &'m Model, id: &str, key: &str) -> &'m Val {
    res(m, id).body.get(key).unwrap()
}

fn lc(f: &SourceFile, span: Span) -> (usize, usize) {
    let LineCol { line, column } = f.line_col(span.start as usize);
    (line, column)
}

/// Line and column just after `"key": ` (JSON) or `key: ` (YAML), inside `LogBucket`.
fn value_pos(f: &SourceFile, key: &str) -> (usize, usize) {
    let from = f.text.find("LogBucket").unwrap();
    let needle = if f.display.ends_with(".json") {
        format!("\"{key}\": ")
    } else {
        format!("{key}: ")
    };
    let at = from + f.text[from..].find(&needle).unwrap() + needle.len();
    let LineCol { line, column } = f.line_col(at);
    (line, column)
}

fn reference(target: &str, attribute: Option<&str>) -> ValKind {
    ValKind::Ref(Reference {
        target: target.into(),
        attribute: attribute.map(Into::into),
    })
}

fn unknown_reason(v: &Val) -> &str {
    match &v.kind {
        ValKind::Unknown(r) => r,
        other => panic!("expected unknown, got {other:?}"),
    }
}

#[test]
fn intrinsics_yaml_and_json_agree() {
    for name in ["intrinsics.yaml", "intrinsics.json"] {
        let (f, m) = load(name);
        assert!(m.errors.is_empty(), "{name}: {:?}", m.errors);
        assert_eq!(m.resources.len(), 2);
        let p = |k: &str| prop(&m, "LogBucket", k);
        let at = |k: &str| {
            let v = p(k);
            assert_eq!(lc(&f, v.span), value_pos(&f, k), "{name}: span of {k}");
            v
        };
        // Ref to parameters with default, to a pseudo parameter inside Join, to no value.
        assert_eq!(at("BucketName").kind, ValKind::Unknown(
            "`Fn::Join` of an unknown value: pseudo parameter `AWS::Region` is known only at deploy time".into()
        ));
        assert_eq!(
            unknown_reason(at("OwnerTag")),
            "parameter `Owner` has no default and no value was given"
        );
        assert_eq!(at("Retention").kind, ValKind::Number(30.0));
        // Ref / GetAtt to resources.
        assert_eq!(at("KeyRef").kind, reference("LogKey", None));
        assert_eq!(at("KeyArn").kind, reference("LogKey", Some("Arn")));
        assert_eq!(at("KeyArnList").kind, reference("LogKey", Some("Arn")));
        // Sub.
        assert_eq!(at("SubName").kind, reference("LogKey", Some("Arn")));
        assert_eq!(
            unknown_reason(at("SubMixed")),
            "`Fn::Sub` uses ${LogKey}, known only after deployment"
        );
        assert_eq!(
            at("SubVars").kind,
            ValKind::String("prod-${Literal}".into())
        );
        assert_eq!(
            prop(&m, "LogKey", "Description").kind,
            ValKind::String("prod log key".into())
        );
        // Select over a CommaDelimitedList parameter, Split.
        assert_eq!(at("FirstSubnet").kind, ValKind::String("subnet-b".into()));
        let ValKind::List(parts) = &at("Parts").kind else {
            panic!()
        };
        assert_eq!(parts.len(), 3);
        // FindInMap with a parameter key and with DefaultValue.
        let status = p("VersioningConfiguration").get("Status").unwrap();
        assert_eq!(status.kind, ValKind::String("Enabled".into()));
        assert_eq!(at("Missing").kind, ValKind::String("Disabled".into()));
        assert_eq!(at("UserData").kind, ValKind::String("aGVsbG8=".into()));
        assert!(unknown_reason(at("Zones")).contains("GetAZs"));
        assert!(unknown_reason(at("Imported")).contains("shared-vpc-id"));
        assert!(unknown_reason(at("Cidrs")).contains("Cidr"));
        assert!(at("Nothing").is_null());
        assert!(
            unknown_reason(at("Secret")).starts_with("dynamic reference {{resolve:secretsmanager:")
        );
        // Keys keep their own spans.
        let attr = res(&m, "LogBucket").body.attr("OwnerTag").unwrap();
        assert_eq!(
            f.slice(attr.key_span).map(|s| s.trim_matches('"')),
            Some("OwnerTag")
        );
    }
}

#[test]
fn yaml_spans_are_exact() {
    let (f, m) = load("intrinsics.yaml");
    let r = res(&m, "LogBucket");
    assert_eq!(lc(&f, r.header), (28, 3));
    assert_eq!(f.slice(r.header), Some("LogBucket"));
    let owner = prop(&m, "LogBucket", "OwnerTag");
    assert_eq!(lc(&f, owner.span), (32, 17));
    assert_eq!(f.slice(owner.span), Some("!Ref Owner"));
    assert_eq!(
        f.slice(prop(&m, "LogBucket", "KeyArn").span),
        Some("!GetAtt LogKey.Arn")
    );
    assert_eq!(r.scope, "testdata/cfn/intrinsics.yaml");
    assert_eq!(r.lang, Lang::Cloudformation);
    assert_eq!(r.rtype, "AWS::S3::Bucket");
}

#[test]
fn json_spans_are_exact() {
    let (f, m) = load("intrinsics.json");
    let owner = prop(&m, "LogBucket", "OwnerTag");
    assert_eq!(f.slice(owner.span), Some("{ \"Ref\": \"Owner\" }"));
    assert_eq!(lc(&f, owner.span), (28, 21));
}

#[test]
fn parameter_values_override_defaults_and_keep_their_type() {
    let mut opts = CfnOptions::default();
    opts.parameters.insert("Owner".into(), "true".into());
    opts.parameters.insert("Env".into(), "dev".into());
    opts.parameters
        .insert("AWS::Region".into(), "eu-west-1".into());
    let (_, m) = load_with("intrinsics.yaml", &opts);
    assert_eq!(
        prop(&m, "LogBucket", "OwnerTag").kind,
        ValKind::String("true".into())
    );
    assert_eq!(
        prop(&m, "LogBucket", "BucketName").kind,
        ValKind::String("dev-logs-eu-west-1".into())
    );
    let status = prop(&m, "LogBucket", "VersioningConfiguration")
        .get("Status")
        .unwrap();
    assert_eq!(status.kind, ValKind::String("Suspended".into()));
}

#[test]
fn conditions_pick_branches_or_give_choices() {
    let (f, m) = load("conditions.yaml");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    // Env defaults to dev: IsProd is false, the trail is dropped with a notice.
    assert!(m.resources.iter().all(|r| r.address != "ProdTrail"));
    assert_eq!(m.notices.len(), 1);
    assert_eq!(f.slice(m.notices[0].span), Some("ProdTrail"));
    // HasKey is false (empty default), so the NoValue branch is taken: absent.
    assert!(prop(&m, "Queue", "KmsMasterKeyId").is_null());
    assert_eq!(
        prop(&m, "Queue", "SqsManagedSseEnabled").kind,
        ValKind::Bool(false)
    );
    // Region has no value: a choice between the two branches.
    let retention = prop(&m, "Queue", "MessageRetentionPeriod");
    match &retention.kind {
        ValKind::Choice {
            condition, options, ..
        } => {
            assert_eq!(condition, "InUsEast");
            assert_eq!(options[0].kind, ValKind::Number(1_209_600.0));
            assert!(options[1].is_null());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f.slice(retention.span).map(|s| &s[..3]), Some("!If"));
    assert_eq!(lc(&f, retention.span), (27, 31));
    // Cyclic conditions are unknown, not a hang.
    assert!(matches!(
        prop(&m, "Queue", "DelaySeconds").kind,
        ValKind::Choice { .. }
    ));
    // Unknown resource condition: kept, with its name.
    assert_eq!(
        res(&m, "RegionalTopic").condition.as_deref(),
        Some("ProdOrUsEast")
    );

    let mut opts = CfnOptions::default();
    opts.parameters.insert("Env".into(), "prod".into());
    opts.parameters
        .insert("KmsKeyArn".into(), "arn:aws:kms:k".into());
    let (_, m) = load_with("conditions.yaml", &opts);
    assert_eq!(res(&m, "ProdTrail").condition.as_deref(), Some("IsProd"));
    assert_eq!(
        prop(&m, "Queue", "KmsMasterKeyId").kind,
        ValKind::String("arn:aws:kms:k".into())
    );
    // Or with one true side is true even though InUsEast is unknown.
    assert!(res(&m, "RegionalTopic").condition.is_some());
    assert!(m.notices.is_empty());
}

#[test]
fn sam_globals_merge_into_functions() {
    let (f, m) = load("sam-globals.yaml");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let orders = res(&m, "OrdersFunction");
    assert_eq!(orders.rtype, "AWS::Serverless::Function");
    let body = &orders.body;
    // Own primitive wins; global-only values come in with their Globals spans.
    assert_eq!(body.get("Tracing").unwrap().as_str(), Some("PassThrough"));
    let kms = body.get("KmsKeyArn").unwrap();
    assert_eq!(lc(&f, kms.span), (8, 16));
    // Maps deep-merge.
    let vars = body.get("Environment").unwrap().get("Variables").unwrap();
    assert_eq!(vars.get("STAGE").unwrap().as_str(), Some("dev"));
    assert_eq!(vars.get("LOG_LEVEL").unwrap().as_str(), Some("INFO"));
    // Lists concatenate, global first.
    let ValKind::List(policies) = &body.get("Policies").unwrap().kind else {
        panic!()
    };
    assert_eq!(policies.len(), 2);
    assert_eq!(policies[0].as_str(), Some("AWSXRayDaemonWriteAccess"));
    // A function without own settings takes all of them.
    let reports = &res(&m, "ReportsFunction").body;
    assert_eq!(reports.get("Tracing").unwrap().as_str(), Some("Active"));
    // Non-SAM resources are untouched.
    assert!(res(&m, "OrdersTable").body.get("Tracing").is_none());
    // The implicit REST API takes Globals.Api.
    let api = res(&m, "ServerlessRestApi");
    assert_eq!(api.rtype, "AWS::Serverless::Api");
    assert_eq!(
        api.body.get("TracingEnabled").unwrap().kind,
        ValKind::Bool(true)
    );
    assert_eq!(f.slice(api.header), Some("GetOrders"));
    assert!(api.notes[0].text.contains("OrdersFunction"));
}

#[test]
fn globals_without_transform_are_ignored() {
    let text = "Resources:\n  F:\n    Type: AWS::Serverless::Function\nGlobals:\n  Function:\n    Tracing: Active\n";
    let (_, m) = load_text("plain.yaml", text, &CfnOptions::default());
    assert!(res(&m, "F").body.get("Tracing").is_none());
    let text = format!("Transform: [{}]\n{text}", "AWS::Serverless-2016-10-31");
    let (_, m) = load_text("list.yaml", &text, &CfnOptions::default());
    assert!(res(&m, "F").body.get("Tracing").is_some());
}

#[test]
fn cdk_paths_and_metadata_suppressions() {
    let (f, m) = load("cdk.template.json");
    let bucket = res(&m, "DataBucketE3889A50");
    assert_eq!(
        bucket.construct_path.as_deref(),
        Some("DataStack/DataBucket/Resource")
    );
    assert_eq!(bucket.suppressions.len(), 1);
    let s = &bucket.suppressions[0];
    assert_eq!(s.duty, "SRM-S3-009");
    assert_eq!(s.reason, "access logs go to the central logging account");
    assert!(f
        .slice(s.span)
        .unwrap()
        .starts_with("{ \"id\": \"SRM-S3-009\""));
    assert_eq!(m.errors.len(), 1, "{:?}", m.errors);
    assert_eq!(m.errors[0].code, "suppression-without-reason");
    assert!(f.slice(m.errors[0].span).unwrap().contains("SRM-S3-005"));
    let enc = bucket.body.get("BucketEncryption").unwrap();
    assert_eq!(enc.references().len(), 1);
    assert_eq!(
        res(&m, "DataKey4F3A1B2C").construct_path.as_deref(),
        Some("DataStack/DataKey/Resource")
    );
    // Partition / AccountId are unknown; the SSM parameter type is unknown too.
    let stmt = res(&m, "DataKey4F3A1B2C")
        .body
        .get("KeyPolicy")
        .unwrap()
        .get("Statement")
        .unwrap();
    let ValKind::List(items) = &stmt.kind else {
        panic!()
    };
    let principal = items[0].get("Principal").unwrap().get("AWS").unwrap();
    assert!(unknown_reason(principal).contains("AWS::Partition"));
}

#[test]
fn yaml_suppression_without_reason() {
    let text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata:\n      srm-lint:\n        ignore:\n          - id: SRM-S3-001\n            reason: \"\"\n          - {id: SRM-S3-002, reason: known}\n";
    let (f, m) = load_text("s.yaml", text, &CfnOptions::default());
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].code, "suppression-without-reason");
    assert_eq!(lc(&f, m.errors[0].span), (7, 13));
    assert_eq!(res(&m, "B").suppressions.len(), 1);
    assert_eq!(res(&m, "B").suppressions[0].duty, "SRM-S3-002");
}

#[test]
fn template_errors_are_located() {
    let (f, m) = load("errors.yaml");
    let mut seen: Vec<(&str, (usize, usize))> =
        m.errors.iter().map(|e| (e.code, lc(&f, e.span))).collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("duplicate-key", (16, 7)),
            ("invalid-template", (3, 3)),
            ("invalid-template", (6, 3)),
            ("invalid-template", (8, 11)),
            ("invalid-template", (11, 17)),
        ]
    );
    let dup = m.errors.iter().find(|e| e.code == "duplicate-key").unwrap();
    assert_eq!(dup.message, "duplicate key `DelaySeconds`");
    let first = dup.related.as_ref().expect("the first key");
    assert_eq!(
        (lc(&f, first.span), first.label.as_str()),
        ((15, 7), "first written")
    );
    let ids: Vec<&str> = m.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(ids, vec!["BadProps", "Dup", "Ok"]);
    assert!(res(&m, "BadProps").body.attrs().is_empty());
    // A resource without Properties gets an empty body at its key.
    assert_eq!(f.slice(res(&m, "Ok").body.span), Some("Ok"));

    let (_, m) = load_text(
        "r.yaml",
        "AWSTemplateFormatVersion: x\nResources: [a]\n",
        &CfnOptions::default(),
    );
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].code, "invalid-template");
}

#[test]
fn hostile_templates_are_bounded() {
    // Deeply nested Fn::If / Join in JSON (within the JSON parser's limit).
    let mut v = String::from("\"x\"");
    for _ in 0..100 {
        v = format!("{{\"Fn::Join\": [\"\", [{v}]]}}");
    }
    let text = format!("{{\"Resources\": {{\"A\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"P\": {v}}}}}}}}}");
    let (_, m) = load_text("deep.json", &text, &CfnOptions::default());
    assert!(matches!(prop(&m, "A", "P").kind, ValKind::Unknown(_)));
    // Many conditions referencing each other in a chain are evaluated once each.
    let mut text = String::from("Conditions:\n  C0: !Equals [a, a]\n");
    for i in 1..2000 {
        text.push_str(&format!(
            "  C{i}: !And [!Condition C{}, !Condition C{}]\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Condition: C1999\n");
    let (_, m) = load_text("chain.yaml", &text, &CfnOptions::default());
    assert_eq!(m.resources.len(), 1);
}

#[test]
fn long_form_conditions_in_json() {
    let text = r#"{
  "Parameters": { "Env": { "Type": "String", "Default": "prod" }, "Az": { "Type": "String" } },
  "Conditions": {
    "IsProd": { "Fn::Equals": [{ "Ref": "Env" }, "prod"] },
    "NotProd": { "Fn::Not": [{ "Condition": "IsProd" }] },
    "ProdAndAz": { "Fn::And": [{ "Condition": "IsProd" }, { "Fn::Equals": [{ "Ref": "Az" }, "a"] }] }
  },
  "Resources": {
    "Db": {
      "Type": "AWS::RDS::DBInstance",
      "Properties": {
        "StorageEncrypted": { "Fn::If": ["IsProd", true, false] },
        "MultiAZ": { "Fn::If": ["ProdAndAz", true, { "Ref": "AWS::NoValue" }] },
        "VPCSecurityGroups": ["sg-1", { "Fn::If": ["NotProd", "sg-2", { "Ref": "AWS::NoValue" }] }]
      }
    },
    "DevOnly": { "Type": "AWS::SQS::Queue", "Condition": "NotProd" }
  }
}"#;
    let (f, m) = load_text("c.json", text, &CfnOptions::default());
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let enc = prop(&m, "Db", "StorageEncrypted");
    assert_eq!(enc.kind, ValKind::Bool(true));
    assert_eq!(lc(&f, enc.span), (12, 52));
    assert_eq!(f.slice(enc.span), Some("true"));
    let multi = prop(&m, "Db", "MultiAZ");
    assert!(
        matches!(&multi.kind, ValKind::Choice { condition, options, .. }
        if condition == "ProdAndAz" && options[1].is_null())
    );
    assert_eq!(lc(&f, multi.span), (13, 20));
    let ValKind::List(groups) = &prop(&m, "Db", "VPCSecurityGroups").kind else {
        panic!()
    };
    assert_eq!(groups.len(), 1);
    assert!(m.resources.iter().all(|r| r.address != "DevOnly"));
    assert_eq!(m.notices.len(), 1);
}

#[test]
fn sub_forms() {
    let text = "Parameters:\n  P: {Type: String, Default: v}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      A: !Sub \"${B}\"\n      C: !Sub \"${B}x}\"\n      D: !Sub \"${P}-${AWS::Region}\"\n      E: !Sub \"${P}{{resolve:ssm:/x}}\"\n";
    let (_, m) = load_text("s.yaml", text, &CfnOptions::default());
    assert_eq!(prop(&m, "B", "A").kind, reference("B", None));
    assert!(matches!(prop(&m, "B", "C").kind, ValKind::Unknown(_)));
    assert!(unknown_reason(prop(&m, "B", "D")).contains("${AWS::Region}"));
    assert!(unknown_reason(prop(&m, "B", "E")).contains("{{resolve:ssm:/x}}"));
}

#[test]
fn language_extension_loops_and_rain_modules_are_notices_and_empty_resources_an_error() {
    let text = "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Tables:\n    - Name\n    - [A, B]\n    - T${Name}:\n        Type: AWS::DynamoDB::Table\n  Net:\n    Type: !Rain::Module ./vpc.yml\n  Ok:\n    Type: AWS::SNS::Topic\n";
    let (file, m) = load_text("ext.yaml", text, &CfnOptions::default());
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let notes: Vec<(LineCol, &str)> = m
        .notices
        .iter()
        .map(|n| (file.line_col(n.span.start as usize), n.message.as_str()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, LineCol { line: 4, column: 3 });
    assert!(notes[0]
        .1
        .contains("`Fn::ForEach::Tables` (AWS::LanguageExtensions) is not expanded"));
    assert_eq!(
        notes[1].0,
        LineCol {
            line: 10,
            column: 11
        }
    );
    assert!(notes[1].1.contains("`!Rain::Module` expanded by Rain"));
    let ids: Vec<&str> = m.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(ids, ["Ok"]);
    let (_, m) = load_text(
        "rain.json",
        r#"{"Resources": {"Net": {"Type": {"Rain::Module": "./vpc.json"}}}}"#,
        &CfnOptions::default(),
    );
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert!(m.notices[0]
        .message
        .contains("`Rain::Module` expanded by Rain"));

    let (file, m) = load_text(
        "empty.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n",
        &CfnOptions::default(),
    );
    assert_eq!(m.errors.len(), 1);
    assert_eq!(
        file.line_col(m.errors[0].span.start as usize),
        LineCol { line: 2, column: 1 }
    );
    assert!(m.errors[0].message.contains("`Resources` is empty"));
}
