//! End to end: Terraform read the way Terraform evaluates it (issue 4). Every test scans a
//! fixture of `testdata/tf/` through the library and asserts what a user sees in the JSON
//! contract: duty id, verdict, address and `path:line:column`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use srm_lint::catalog::Catalog;
use srm_lint::report::Report;
use srm_lint::ScanOptions;
use std::path::PathBuf;

const TF: &str = "testdata/tf";

/// Scans fixture directories with variable files and `--var`s; the report as JSON.
fn scan_with(dir: &str, var_files: &[&str], vars: &[(&str, &str)]) -> Value {
    let catalog = Catalog::builtin().expect("built-in catalog");
    let opts = ScanOptions {
        paths: vec![PathBuf::from(format!("{TF}/{dir}"))],
        var_files: var_files
            .iter()
            .map(|f| PathBuf::from(format!("{TF}/{f}")))
            .collect(),
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    let scan = srm_lint::scan(&opts, &catalog);
    let report = Report::build(&scan, &catalog);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["errors"], Value::Array(vec![]), "tool errors in {dir}");
    json
}

fn scan(dir: &str) -> Value {
    scan_with(dir, &[], &[])
}

/// The resource with this address.
fn resource<'r>(r: &'r Value, address: &str) -> &'r Value {
    r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

/// The resources' addresses, in report order.
fn addresses(r: &Value) -> Vec<&str> {
    r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["address"].as_str().unwrap())
        .collect()
}

fn has_resource(r: &Value, address: &str) -> bool {
    r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["address"] == address)
}

/// One checklist entry: verdict, `path:line:column`, message, evidence locations.
struct Entry {
    verdict: String,
    at: String,
    message: String,
    evidence: Vec<String>,
}

fn duty(r: &Value, address: &str, id: &str) -> Entry {
    let res = resource(r, address);
    let e = res["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["duty"] == id)
        .unwrap_or_else(|| panic!("{address} has no {id}"));
    let loc = |v: &Value| {
        format!(
            "{}:{}:{}",
            v["path"].as_str().unwrap(),
            v["line"],
            v["column"]
        )
    };
    Entry {
        verdict: e["verdict"].as_str().unwrap().to_string(),
        at: loc(e),
        message: e["message"].as_str().unwrap().to_string(),
        evidence: e["evidence"].as_array().unwrap().iter().map(loc).collect(),
    }
}

fn notes(r: &Value, address: &str) -> Vec<String> {
    resource(r, address)["notes"]
        .as_array()
        .map(|n| n.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn multi_file_module_counts_evidence_from_security_tf() {
    let r = scan("multi-file");
    let pab = duty(&r, "aws_s3_bucket.logs", "SRM-S3-001");
    assert_eq!(pab.verdict, "addressed");
    assert_eq!(pab.at, "testdata/tf/multi-file/security.tf:7:3");
    assert!(pab
        .message
        .contains("aws_s3_bucket_public_access_block.logs"));
    assert_eq!(
        pab.evidence,
        [7, 8, 9, 10].map(|l| format!("testdata/tf/multi-file/security.tf:{l}:3"))
    );
    let kms = duty(&r, "aws_s3_bucket.logs", "SRM-S3-008");
    assert_eq!(kms.verdict, "addressed");
    assert_eq!(kms.at, "testdata/tf/multi-file/security.tf:18:7");
    // A duty no file addresses points at the bucket in main.tf.
    let versioning = duty(&r, "aws_s3_bucket.logs", "SRM-S3-004");
    assert_eq!(versioning.verdict, "unaddressed");
    assert_eq!(versioning.at, "testdata/tf/multi-file/main.tf:1:1");
}

#[test]
fn directories_named_by_a_path_string_stay_roots_of_their_own() {
    // app/ names "../lambda" and lambda/ names "../logs" in strings that are not module calls:
    // all three are root modules, each resource reported once, under its own address, with
    // its own directory's companions.
    let r = scan("roots-by-reference");
    let addresses = addresses(&r);
    assert_eq!(
        addresses,
        [
            "aws_s3_bucket.app",
            "aws_s3_bucket.code",
            "aws_s3_bucket_versioning.code",
            "aws_s3_bucket.logs",
            "aws_s3_bucket_versioning.logs"
        ]
    );
    let at = |dir: &str, line: u32, col: u32| {
        format!("testdata/tf/roots-by-reference/{dir}/main.tf:{line}:{col}")
    };
    let app = duty(&r, "aws_s3_bucket.app", "SRM-S3-004");
    assert_eq!(
        (app.verdict.as_str(), app.at),
        ("unaddressed", at("app", 9, 1))
    );
    let code = duty(&r, "aws_s3_bucket.code", "SRM-S3-004");
    assert_eq!(
        (code.verdict.as_str(), code.at),
        ("addressed", at("lambda", 13, 5))
    );
    let logs = duty(&r, "aws_s3_bucket.logs", "SRM-S3-004");
    assert_eq!(
        (logs.verdict.as_str(), logs.at),
        ("unaddressed", at("logs", 8, 5))
    );
    assert!(logs.message.contains("\"Suspended\""), "{}", logs.message);
    assert!(notes(&r, "aws_s3_bucket.code").is_empty());
}

#[test]
fn two_calls_of_one_local_module_get_their_own_verdicts() {
    let r = scan("module-two-calls");
    // Both calls declare their resources at the same place: ordered by file, position, then
    // address (not by the order of the calls).
    assert_eq!(
        addresses(&r),
        [
            "module.data.aws_s3_bucket.this",
            "module.logs.aws_s3_bucket.this",
            "module.data.aws_s3_bucket_versioning.this",
            "module.logs.aws_s3_bucket_versioning.this",
        ]
    );
    let data = duty(&r, "module.data.aws_s3_bucket.this", "SRM-S3-004");
    assert_eq!(data.verdict, "addressed");
    assert_eq!(
        data.at,
        "testdata/tf/module-two-calls/modules/bucket/main.tf:9:5"
    );
    assert!(data
        .message
        .contains("module.data.aws_s3_bucket_versioning.this"));
    let logs = duty(&r, "module.logs.aws_s3_bucket.this", "SRM-S3-004");
    assert_eq!(logs.verdict, "unaddressed");
    assert_eq!(
        logs.at,
        "testdata/tf/module-two-calls/modules/bucket/main.tf:9:5"
    );
    assert!(logs.message.contains("\"Suspended\""), "{}", logs.message);
    assert!(notes(&r, "module.logs.aws_s3_bucket.this")
        .iter()
        .any(|n| n == "instantiated by module.logs at testdata/tf/module-two-calls/main.tf:1:1"));
    assert!(notes(&r, "module.data.aws_s3_bucket.this")
        .iter()
        .any(|n| n == "instantiated by module.data at testdata/tf/module-two-calls/main.tf:7:1"));
}

#[test]
fn tfvars_override_defaults_with_terraform_precedence() {
    // default 7 < terraform.tfvars 14 < prod.auto.tfvars 35
    let r = scan("tfvars-override");
    let backup = duty(&r, "aws_db_instance.main", "SRM-RDS-003");
    assert_eq!(backup.verdict, "addressed");
    assert_eq!(backup.at, "testdata/tf/tfvars-override/main.tf:4:3");
    assert!(backup.message.contains("is 35"), "{}", backup.message);
    // terraform.tfvars turns the default `false` into `true`.
    let enc = duty(&r, "aws_db_instance.main", "SRM-RDS-001");
    assert_eq!(enc.verdict, "addressed");
    assert_eq!(enc.at, "testdata/tf/tfvars-override/main.tf:3:3");

    // --var-file wins over *.auto.tfvars.
    let r = scan_with(
        "tfvars-override",
        &["tfvars-override/terraform.tfvars"],
        &[],
    );
    let backup = duty(&r, "aws_db_instance.main", "SRM-RDS-003");
    assert!(backup.message.contains("is 14"), "{}", backup.message);

    // --var wins over everything.
    let r = scan_with(
        "tfvars-override",
        &["tfvars-override/terraform.tfvars"],
        &[("retention_days", "3")],
    );
    let backup = duty(&r, "aws_db_instance.main", "SRM-RDS-003");
    assert_eq!(backup.verdict, "unaddressed");
    assert_eq!(backup.at, "testdata/tf/tfvars-override/main.tf:4:3");
    assert!(backup.message.contains("is 3; expected at least 7"));
}

#[test]
fn unknown_variable_is_unverified_and_says_where_it_is_declared() {
    let r = scan("unknown-var");
    let enc = duty(&r, "aws_db_instance.db", "SRM-RDS-001");
    assert_eq!(enc.verdict, "unverified");
    assert_eq!(enc.at, "testdata/tf/unknown-var/main.tf:8:3");
    assert!(
        enc.message.ends_with(
            "`storage_encrypted` cannot be resolved: var.encrypt_db has no default and no value \
             in tfvars (variable declared at testdata/tf/unknown-var/variables.tf:10)"
        ),
        "{}",
        enc.message
    );
    // The declaration is a located place of its own, not only words in the message.
    let entry = resource(&r, "aws_db_instance.db")["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["duty"] == "SRM-RDS-001")
        .unwrap();
    assert_eq!(
        entry["related"],
        serde_json::json!([{"path": "testdata/tf/unknown-var/variables.tf", "line": 10,
            "column": 1, "message": "variable declared"}])
    );
}

#[test]
fn security_group_rules_as_separate_resources_and_all_protocols() {
    let r = scan("sg-rules");
    let ssh = duty(&r, "aws_security_group.web", "SRM-SG-001");
    assert_eq!(ssh.verdict, "unaddressed");
    assert_eq!(ssh.at, "testdata/tf/sg-rules/main.tf:25:3");
    assert!(ssh.message.contains("aws_security_group_rule.ssh"));
    let rdp = duty(&r, "aws_security_group.web", "SRM-SG-002");
    assert_eq!(rdp.verdict, "unaddressed");
    assert_eq!(rdp.at, "testdata/tf/sg-rules/main.tf:31:3");
    assert!(rdp
        .message
        .contains("aws_vpc_security_group_ingress_rule.rdp"));
    // The inline 443/80 rules open no port the duties watch.
    let all = duty(&r, "aws_security_group.web", "SRM-SG-003");
    assert_eq!(all.verdict, "addressed");
    // Inline `ingress` with protocol "-1" opens every port.
    for id in ["SRM-SG-001", "SRM-SG-002", "SRM-SG-003"] {
        let e = duty(&r, "aws_security_group.open", id);
        assert_eq!(e.verdict, "unaddressed", "{id}");
        assert_eq!(e.at, "testdata/tf/sg-rules/main.tf:48:5", "{id}");
        assert!(e.message.contains("\"-1\""), "{id}: {}", e.message);
    }
}

#[test]
fn count_zero_brings_no_resource_and_no_duty() {
    let r = scan("count-zero");
    assert!(!has_resource(&r, "aws_db_instance.replica"));
    assert!(!has_resource(&r, "aws_sns_topic.never"));
    let primary = duty(&r, "aws_db_instance.primary", "SRM-RDS-001");
    assert_eq!(primary.verdict, "addressed");
    assert_eq!(primary.at, "testdata/tf/count-zero/main.tf:8:3");
    // An unknown count is checked as if the resource exists, with a note.
    let maybe = duty(&r, "aws_sns_topic.maybe", "SRM-SNS-001");
    assert_eq!(maybe.verdict, "unaddressed");
    assert_eq!(maybe.at, "testdata/tf/count-zero/main.tf:21:1");
    assert!(notes(&r, "aws_sns_topic.maybe")
        .iter()
        .any(|n| n.starts_with("count is not known (var.topic_count")));
}

#[test]
fn dynamic_block_carries_the_evidence() {
    let r = scan("dynamic-block");
    let ssh = duty(&r, "aws_security_group.known", "SRM-SG-001");
    assert_eq!(ssh.verdict, "unaddressed");
    assert_eq!(ssh.at, "testdata/tf/dynamic-block/main.tf:18:7");
    let rdp = duty(&r, "aws_security_group.known", "SRM-SG-002");
    assert_eq!(rdp.verdict, "addressed");
    // A dynamic block over an unknown variable is never proof.
    let unknown = duty(&r, "aws_security_group.unknown", "SRM-SG-001");
    assert_eq!(unknown.verdict, "unverified");
    assert_eq!(unknown.at, "testdata/tf/dynamic-block/main.tf:33:7");
}

#[test]
fn for_each_on_resources_and_modules() {
    let r = scan("for-each");
    // One resource per instance, with Terraform's address.
    for key in ["jobs", "events"] {
        let sse = duty(&r, &format!("aws_sqs_queue.q[\"{key}\"]"), "SRM-SQS-001");
        assert_eq!(sse.verdict, "addressed");
        assert_eq!(sse.at, "testdata/tf/for-each/main.tf:15:3");
    }
    assert!(!has_resource(&r, "aws_sqs_queue.q"));
    // Instances disagree: each gets its own verdict.
    let orders = duty(&r, "aws_dynamodb_table.t[\"orders\"]", "SRM-DDB-001");
    assert_eq!(orders.verdict, "addressed");
    assert_eq!(orders.at, "testdata/tf/for-each/main.tf:25:5");
    let carts = duty(&r, "aws_dynamodb_table.t[\"carts\"]", "SRM-DDB-001");
    assert_eq!(carts.verdict, "unaddressed");
    assert_eq!(carts.at, "testdata/tf/for-each/main.tf:25:5");
    assert_eq!(
        carts.message,
        "`point_in_time_recovery.enabled` is false; expected true"
    );
    // Empty for_each and count = 0 on a module call: nothing is instantiated.
    assert!(!has_resource(&r, "aws_sns_topic.none"));
    assert!(!addresses(&r).iter().any(|a| a.starts_with("module.off")));
    // A module call with for_each: one module instance per key, each.key in its arguments.
    for env in ["dev", "prod"] {
        let address = format!("module.per_env[\"{env}\"].aws_sns_topic.this");
        let key = duty(&r, &address, "SRM-SNS-001");
        assert_eq!(key.verdict, "addressed");
        assert_eq!(key.at, "testdata/tf/for-each/modules/topic/main.tf:13:3");
        assert!(notes(&r, &address).contains(&format!(
            "instantiated by module.per_env[\"{env}\"] at testdata/tf/for-each/main.tf:39:1"
        )));
    }
}

#[test]
fn unknown_condition_is_unverified_not_addressed() {
    let r = scan("conditional");
    let pitr = duty(&r, "aws_dynamodb_table.orders", "SRM-DDB-001");
    assert_eq!(pitr.verdict, "unverified");
    assert_eq!(pitr.at, "testdata/tf/conditional/main.tf:16:5");
    assert!(pitr.message.contains("var.environment == \"prod\""));
}

#[test]
fn remote_module_is_a_notice_said_once() {
    let r = scan("remote-module");
    let notices = r["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    let n = &notices[0];
    assert_eq!(n["path"], "testdata/tf/remote-module/main.tf");
    assert_eq!(
        (n["line"].as_u64(), n["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(n["message"]
        .as_str()
        .unwrap()
        .contains("\"terraform-aws-modules/s3-bucket/aws\" is not fetched"));
    assert!(!r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["address"].as_str().unwrap().starts_with("module.")));
}

#[test]
fn duplicate_object_key_is_valid_and_the_last_value_wins() {
    let r = scan("duplicate-keys");
    let sse = duty(&r, "aws_sqs_queue.jobs", "SRM-SQS-001");
    assert_eq!(sse.verdict, "addressed");
    assert_eq!(sse.at, "testdata/tf/duplicate-keys/main.tf:12:3");
}

/// A repository with one large module component (over 1 MB of text: parsed and evaluated on
/// every worker, one component at a time) beside small independent ones (one per task, under
/// the tree budget): every root is instantiated once, with its own verdicts and locations, in
/// sorted order, exactly as when each directory is scanned alone.
#[test]
fn a_large_module_component_and_small_ones_give_every_root_its_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    // The shared module: a bucket with a logging companion, padded past 1 MB with locals.
    let mut module = String::from(
        "resource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n\nresource \"aws_s3_bucket_versioning\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  versioning_configuration {\n    status = var.versioning\n  }\n}\n\nvariable \"name\" {}\nvariable \"versioning\" {\n  default = \"Enabled\"\n}\n\nlocals {\n",
    );
    for i in 0..20_000 {
        module.push_str(&format!("  pad_{i:05} = \"{}\"\n", "x".repeat(40)));
    }
    module.push_str("}\n");
    assert!(module.len() > 1 << 20, "{}", module.len());
    write("big/modules/bucket/main.tf", &module);
    for (i, versioning) in ["Enabled", "Suspended", "Enabled"].iter().enumerate() {
        write(
            &format!("big/examples/e{i}/main.tf"),
            &format!("module \"b\" {{\n  source     = \"../../modules/bucket\"\n  name       = \"e{i}\"\n  versioning = \"{versioning}\"\n}}\n"),
        );
    }
    for i in 0..6 {
        write(
            &format!("small{i}/main.tf"),
            &format!("resource \"aws_s3_bucket\" \"s{i}\" {{\n  bucket = \"s{i}\"\n}}\n"),
        );
    }

    let catalog = Catalog::builtin().unwrap();
    let run = |path: PathBuf| {
        let opts = ScanOptions {
            paths: vec![path],
            ..Default::default()
        };
        let scan = srm_lint::scan(&opts, &catalog);
        let report = serde_json::to_value(Report::build(&scan, &catalog)).unwrap();
        assert_eq!(report["errors"], Value::Array(vec![]));
        // (address, versioning verdict, where it points), in report order.
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "aws_s3_bucket")
            .map(|r| {
                let tail = |p: &str| {
                    p.rsplit_once("/big/")
                        .or_else(|| p.rsplit_once("/small"))
                        .map_or(p, |x| x.1)
                        .to_string()
                };
                let d = r["checklist"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["duty"] == "SRM-S3-004")
                    .unwrap();
                let by = r["notes"]
                    .as_array()
                    .and_then(|n| n.first())
                    .and_then(Value::as_str)
                    .map(tail)
                    .unwrap_or_default();
                format!(
                    "{} [{by}] {} {}:{}:{}",
                    r["address"].as_str().unwrap(),
                    d["verdict"].as_str().unwrap(),
                    tail(d["path"].as_str().unwrap()),
                    d["line"],
                    d["column"]
                )
            })
            .collect::<Vec<String>>()
    };
    let all = run(root.to_path_buf());
    // Three instances of the module (one per example root), six small buckets.
    let module_rows: Vec<&String> = all.iter().filter(|r| r.starts_with("module.b.")).collect();
    assert_eq!(module_rows.len(), 3, "{all:#?}");
    assert_eq!(all.len(), 9, "{all:#?}");
    // The versioning verdict follows each root's variable; it points into the module.
    assert_eq!(
        module_rows,
        [
            "module.b.aws_s3_bucket.this [examples/e0/main.tf:1:1] addressed modules/bucket/main.tf:8:5",
            "module.b.aws_s3_bucket.this [examples/e1/main.tf:1:1] unaddressed modules/bucket/main.tf:8:5",
            "module.b.aws_s3_bucket.this [examples/e2/main.tf:1:1] addressed modules/bucket/main.tf:8:5",
        ],
        "{all:#?}"
    );
    assert!(
        all.iter()
            .any(|r| r == "aws_s3_bucket.s3 [] unaddressed 3/main.tf:1:1"),
        "{all:#?}"
    );
    // Scanning each part alone gives the same rows: the scheduling changes nothing.
    let mut alone = run(root.join("big"));
    for i in 0..6 {
        alone.extend(run(root.join(format!("small{i}"))));
    }
    assert_eq!(all, alone);
}

/// Module directories are matched by canonical path, which srm-lint derives from the scan root
/// for the directories below it instead of asking the file system for each: a scan through a
/// symbolic link to the repository, and a module source through a symbolic link inside it,
/// still find the one module directory (its resources instantiated, not reported twice).
#[test]
#[cfg(unix)]
fn module_sources_resolve_through_symbolic_links() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir_all(real.join("modules/bucket")).unwrap();
    std::fs::create_dir_all(real.join("envs/prod")).unwrap();
    std::fs::write(
        real.join("modules/bucket/main.tf"),
        "resource \"aws_s3_bucket\" \"this\" {\n  bucket = \"b\"\n}\n",
    )
    .unwrap();
    // `mods` is a link to `modules`; the walk does not follow it, the module source does.
    symlink("modules", real.join("mods")).unwrap();
    std::fs::write(
        real.join("envs/prod/main.tf"),
        "module \"direct\" {\n  source = \"../../modules/bucket\"\n}\nmodule \"linked\" {\n  source = \"../../mods/bucket\"\n}\n",
    )
    .unwrap();
    let link = tmp.path().join("link");
    symlink(&real, &link).unwrap();
    let catalog = Catalog::builtin().expect("built-in catalog");
    for root in [&real, &link] {
        let opts = ScanOptions {
            paths: vec![root.clone()],
            ..Default::default()
        };
        let scan = srm_lint::scan(&opts, &catalog);
        let r = serde_json::to_value(Report::build(&scan, &catalog)).unwrap();
        let mut addresses: Vec<&str> = r["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["address"].as_str())
            .collect();
        addresses.sort();
        assert_eq!(
            addresses,
            [
                "module.direct.aws_s3_bucket.this",
                "module.linked.aws_s3_bucket.this"
            ],
            "scanning {}: {r}",
            root.display()
        );
        assert_eq!(r["notices"], Value::Array(vec![]), "{r}");
        // One module directory: both instances come from the same file, read once.
        let direct = &resource(&r, "module.direct.aws_s3_bucket.this")["path"];
        let linked = &resource(&r, "module.linked.aws_s3_bucket.this")["path"];
        assert_eq!(direct, linked, "{r}");
        let module_files = scan
            .sources
            .files()
            .iter()
            .filter(|f| f.display.ends_with("bucket/main.tf"))
            .count();
        assert_eq!(module_files, 1, "{r}");
    }
}

/// A Gateway Load Balancer takes no scheme, has no access logs and its listeners no protocol or
/// port (issue 21): only the duties that apply to it are on its checklist, and its listener has
/// none of the listener duties.
#[test]
fn gateway_load_balancers_get_only_the_duties_that_apply() {
    let r = scan("gateway-lb");
    let ids = |address: &str| -> Vec<String> {
        resource(&r, address)["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["duty"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("aws_lb.gw"), ["SRM-ELB-004"]);
    assert_eq!(
        duty(&r, "aws_lb.gw", "SRM-ELB-004").at,
        "testdata/tf/gateway-lb/main.tf:1:1"
    );
    assert!(ids("aws_lb_listener.gw").is_empty());
}
