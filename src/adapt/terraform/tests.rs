//! Tests of the adapter over the fixtures in `testdata/tf/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::model::{Resource, Val, ValKind};
use std::path::Path;

/// Loads a fixture directory the way discovery does (only the directory itself).
fn load_dir(name: &str, sources: &mut SourceMap) -> TfModuleDir {
    let dir = Path::new("testdata/tf").join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            p.is_file()
                && (n.ends_with(".tf")
                    || n.ends_with(".tf.json")
                    || n == "terraform.tfvars"
                    || n == "terraform.tfvars.json"
                    || n.ends_with(".auto.tfvars")
                    || n.ends_with(".auto.tfvars.json"))
        })
        .collect();
    paths.sort();
    let files = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            sources.add(p.to_string_lossy().replace('\\', "/"), p, text)
        })
        .collect();
    TfModuleDir {
        dir,
        files,
        report: true,
    }
}

fn run_with(name: &str, opts: TfOptions) -> (Model, SourceMap) {
    let mut sources = SourceMap::default();
    let d = load_dir(name, &mut sources);
    let mut opts = opts;
    if opts.roots.is_empty() {
        opts.roots = vec![d.dir.clone()];
    }
    let m = adapt(&[d], &mut sources, &opts);
    (m, sources)
}

fn run(name: &str) -> (Model, SourceMap) {
    run_with(name, TfOptions::default())
}

fn res<'m>(m: &'m Model, addr: &str) -> &'m Resource {
    m.resources
        .iter()
        .find(|r| r.address == addr)
        .unwrap_or_else(|| {
            panic!(
                "no {addr} in {:?}",
                m.resources.iter().map(|r| &r.address).collect::<Vec<_>>()
            )
        })
}

fn at(s: &SourceMap, span: crate::source::Span) -> String {
    let lc = s.start(span);
    format!(
        "{}:{}:{}",
        s.display(span.file).rsplit('/').next().unwrap(),
        lc.line,
        lc.column
    )
}

fn path<'v>(v: &'v Val, keys: &[&str]) -> &'v Val {
    keys.iter()
        .fold(v, |v, k| match (&v.kind, k.parse::<usize>()) {
            (ValKind::List(items), Ok(i)) => &items[i],
            _ => v.get(k).unwrap_or_else(|| panic!("no {k} in {v:?}")),
        })
}

fn reference(v: &Val) -> (String, Option<String>) {
    match &v.kind {
        ValKind::Ref(r) => (r.target.clone(), r.attribute.clone()),
        other => panic!("not a reference: {other:?}"),
    }
}

#[test]
fn multi_file_module_shares_locals_and_references() {
    let (m, s) = run("multi-file");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.resources.len(), 4);
    let b = res(&m, "aws_s3_bucket.logs");
    assert_eq!(b.scope, "testdata/tf/multi-file");
    assert_eq!(b.lang, Lang::Terraform);
    assert_eq!(at(&s, b.header), "main.tf:1:1");
    assert_eq!(
        s.get(b.file).unwrap().slice(b.header),
        Some("resource \"aws_s3_bucket\" \"logs\"")
    );
    let bucket = path(&b.body, &["bucket"]);
    assert_eq!(bucket.as_str(), Some("acme-logs"));
    assert_eq!(at(&s, bucket.span), "main.tf:2:12");
    assert_eq!(path(&b.body, &["tags", "Team"]).as_str(), Some("platform"));

    let pab = res(&m, "aws_s3_bucket_public_access_block.logs");
    assert_eq!(
        reference(path(&pab.body, &["bucket"])),
        ("aws_s3_bucket.logs".into(), Some("id".into()))
    );
    assert_eq!(
        path(&pab.body, &["block_public_acls"]).kind,
        ValKind::Bool(true)
    );
    let key_span = pab.body.attr("restrict_public_buckets").unwrap().key_span;
    assert_eq!(at(&s, key_span), "security.tf:10:3");

    let sse = res(
        &m,
        "aws_s3_bucket_server_side_encryption_configuration.logs",
    );
    let rule = sse.body.attr("rule").unwrap();
    assert_eq!(at(&s, rule.key_span), "security.tf:16:3");
    let kms = path(
        &sse.body,
        &[
            "rule",
            "apply_server_side_encryption_by_default",
            "kms_master_key_id",
        ],
    );
    assert_eq!(
        reference(kms),
        ("aws_kms_key.logs".into(), Some("arn".into()))
    );
}

#[test]
fn module_called_twice_gets_each_calls_inputs() {
    let (m, s) = run("module-two-calls");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.resources.len(), 4);
    let logs = res(&m, "module.logs.aws_s3_bucket.this");
    let data = res(&m, "module.data.aws_s3_bucket.this");
    assert_eq!(path(&logs.body, &["bucket"]).as_str(), Some("acme-logs"));
    assert_eq!(path(&data.body, &["bucket"]).as_str(), Some("acme-data"));
    assert_eq!(logs.scope, "testdata/tf/module-two-calls");
    assert_eq!(
        s.display(logs.file),
        "testdata/tf/module-two-calls/modules/bucket/main.tf"
    );
    assert_eq!(at(&s, logs.header), "main.tf:1:1");
    assert_eq!(at(&s, path(&logs.body, &["bucket"]).span), "main.tf:2:12");
    assert_eq!(logs.notes.len(), 1, "{:?}", logs.notes);
    assert_eq!(logs.notes[0].text, "instantiated by module.logs");
    let call = logs.notes[0].at.expect("the module call");
    assert_eq!(s.display(call.file), "testdata/tf/module-two-calls/main.tf");
    assert_eq!(at(&s, call), "main.tf:1:1");
    let status = |a: &str| {
        path(&res(&m, a).body, &["versioning_configuration", "status"])
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(
        status("module.logs.aws_s3_bucket_versioning.this").as_deref(),
        Some("Suspended")
    );
    assert_eq!(
        status("module.data.aws_s3_bucket_versioning.this").as_deref(),
        Some("Enabled")
    );
    let v = res(&m, "module.data.aws_s3_bucket_versioning.this");
    assert_eq!(
        reference(path(&v.body, &["bucket"])),
        ("module.data.aws_s3_bucket.this".into(), Some("id".into()))
    );
    // The module files were loaded into the source map once, although called twice.
    let n = s
        .files()
        .iter()
        .filter(|f| f.display.ends_with("modules/bucket/main.tf"))
        .count();
    assert_eq!(n, 1);
}

#[test]
fn tfvars_override_defaults_in_terraform_order() {
    let (m, s) = run("tfvars-override");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let db = res(&m, "aws_db_instance.main");
    let ret = path(&db.body, &["backup_retention_period"]);
    assert_eq!(ret.kind, ValKind::Number(35.0));
    assert_eq!(at(&s, ret.span), "main.tf:4:29");
    assert_eq!(
        path(&db.body, &["storage_encrypted"]).kind,
        ValKind::Bool(true)
    );
    assert_eq!(path(&db.body, &["engine"]).as_str(), Some("mysql"));

    // --var beats every file; a string is converted to the declared type.
    let opts = TfOptions {
        vars: vec![
            ("encrypted".into(), "false".into()),
            ("retention_days".into(), "1".into()),
        ],
        ..Default::default()
    };
    let (m, _) = run_with("tfvars-override", opts);
    let db = res(&m, "aws_db_instance.main");
    assert_eq!(
        path(&db.body, &["storage_encrypted"]).kind,
        ValKind::Bool(false)
    );
    assert_eq!(
        path(&db.body, &["backup_retention_period"]).kind,
        ValKind::Number(1.0)
    );
}

#[test]
fn var_file_sits_between_auto_tfvars_and_cli() {
    let mut sources = SourceMap::default();
    let d = load_dir("tfvars-override", &mut sources);
    let vf = sources.add(
        "prod.tfvars".into(),
        "prod.tfvars".into(),
        "retention_days = 90\nengine = \"postgres\"\n".into(),
    );
    let opts = TfOptions {
        var_files: vec![vf],
        vars: vec![("engine".into(), "aurora".into())],
        roots: vec![d.dir.clone()],
        bounds: Vec::new(),
        budget: Default::default(),
    };
    let m = adapt(&[d], &mut sources, &opts);
    let db = res(&m, "aws_db_instance.main");
    assert_eq!(
        path(&db.body, &["backup_retention_period"]).kind,
        ValKind::Number(90.0)
    );
    assert_eq!(path(&db.body, &["engine"]).as_str(), Some("aurora"));
}

#[test]
fn variable_without_default_is_unknown_with_reason() {
    let (m, s) = run("unknown-var");
    let q = res(&m, "aws_sqs_queue.jobs");
    let k = path(&q.body, &["kms_master_key_id"]);
    match &k.kind {
        ValKind::Unknown(r) => {
            assert_eq!(
                r.text,
                "var.kms_key_arn has no default and no value in tfvars"
            );
            // The declaration is a span (the report writes its line), not words in the reason.
            assert_eq!(r.related.len(), 1, "{r:?}");
            assert_eq!(r.related[0].label, "variable declared");
            let decl = r.related[0].span;
            assert_eq!(s.display(decl.file), "testdata/tf/unknown-var/variables.tf");
            assert_eq!(at(&s, decl), "variables.tf:5:1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(at(&s, k.span), "main.tf:3:23");
}

#[test]
fn security_group_rules_reference_their_group() {
    let (m, _) = run("sg-rules");
    let sg = res(&m, "aws_security_group.web");
    let ingress = path(&sg.body, &["ingress"]);
    assert!(matches!(&ingress.kind, ValKind::List(l) if l.len() == 2));
    assert_eq!(
        path(&sg.body, &["ingress", "1", "from_port"]).kind,
        ValKind::Number(80.0)
    );
    assert_eq!(
        path(&sg.body, &["ingress", "0", "cidr_blocks", "0"]).as_str(),
        Some("0.0.0.0/0")
    );
    for a in [
        "aws_security_group_rule.ssh",
        "aws_vpc_security_group_ingress_rule.rdp",
    ] {
        let r = res(&m, a);
        assert_eq!(
            reference(path(&r.body, &["security_group_id"])),
            ("aws_security_group.web".into(), Some("id".into()))
        );
        assert_eq!(r.references().len(), 1);
    }
}

#[test]
fn count_zero_drops_and_unknown_count_notes() {
    let (m, _) = run("count-zero");
    let addrs: Vec<&str> = m.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(
        addrs,
        vec!["aws_db_instance.primary", "aws_sns_topic.maybe"]
    );
    let maybe = res(&m, "aws_sns_topic.maybe");
    assert!(
        maybe
            .notes
            .iter()
            .any(|n| n.text.contains("count is not known")),
        "{:?}",
        maybe.notes
    );
    assert!(maybe.body.get("count").is_none());
}

#[test]
fn dynamic_blocks_expand_or_keep_one_unknown_instance() {
    let (m, s) = run("dynamic-block");
    let known = res(&m, "aws_security_group.known");
    let ingress = path(&known.body, &["ingress"]);
    assert!(
        matches!(&ingress.kind, ValKind::List(l) if l.len() == 2),
        "{ingress:?}"
    );
    assert_eq!(
        path(&known.body, &["ingress", "1", "from_port"]).kind,
        ValKind::Number(443.0)
    );
    assert_eq!(
        at(&s, known.body.attr("ingress").unwrap().key_span),
        "main.tf:12:3"
    );
    let unknown = res(&m, "aws_security_group.unknown");
    let one = path(&unknown.body, &["ingress"]);
    assert_eq!(path(one, &["protocol"]).as_str(), Some("tcp"));
    match &path(one, &["from_port"]).kind {
        ValKind::Unknown(r) => assert!(r.contains("dynamic \"ingress\""), "{r}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_condition_is_a_choice() {
    let (m, s) = run("conditional");
    let t = res(&m, "aws_dynamodb_table.orders");
    let pitr = path(&t.body, &["point_in_time_recovery", "enabled"]);
    match &pitr.kind {
        ValKind::Choice {
            condition, options, ..
        } => {
            assert_eq!(condition, "var.environment == \"prod\"");
            assert_eq!(options[0].kind, ValKind::Bool(true));
            assert_eq!(options[1].kind, ValKind::Bool(false));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(at(&s, pitr.span), "main.tf:16:15");
    assert_eq!(
        path(&t.body, &["server_side_encryption", "enabled"]).kind,
        ValKind::Bool(true)
    );
}

#[test]
fn remote_module_is_a_notice_and_policy_document_is_rendered() {
    let (m, s) = run("remote-module");
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.notices.len(), 1);
    assert_eq!(
        m.notices[0].message,
        "module.logs_bucket source \"terraform-aws-modules/s3-bucket/aws\" is not fetched; its resources are not checked"
    );
    assert_eq!(at(&s, m.notices[0].span), "main.tf:1:1");
    let p = res(&m, "aws_s3_bucket_policy.logs");
    match &path(&p.body, &["bucket"]).kind {
        ValKind::Unknown(r) => assert!(
            r.contains("module.logs_bucket.s3_bucket_id is not evaluated"),
            "{r}"
        ),
        other => panic!("{other:?}"),
    }
    let doc = path(&p.body, &["policy"]);
    assert_eq!(path(doc, &["Version"]).as_str(), Some("2012-10-17"));
    let st = path(doc, &["Statement", "0"]);
    assert_eq!(path(st, &["Effect"]).as_str(), Some("Deny"));
    assert_eq!(path(st, &["Principal"]).as_str(), Some("*"));
    assert_eq!(
        path(st, &["Condition", "Bool", "aws:SecureTransport", "0"]).as_str(),
        Some("false")
    );
    assert_eq!(at(&s, st.attr("Action").unwrap().key_span), "main.tf:16:5");
}

#[test]
fn module_cycle_is_a_located_error() {
    let (m, s) = run("module-cycle");
    let cycle: Vec<_> = m
        .errors
        .iter()
        .filter(|e| e.code == "module-cycle")
        .collect();
    assert_eq!(cycle.len(), 1, "{:?}", m.errors);
    assert_eq!(
        s.display(cycle[0].span.file),
        "testdata/tf/module-cycle/modules/b/main.tf"
    );
    assert_eq!(at(&s, cycle[0].span), "main.tf:1:1");
    assert!(m
        .resources
        .iter()
        .any(|r| r.address == "module.a.aws_sqs_queue.a"));
}

#[test]
fn suppressions_attach_and_need_a_reason() {
    let (m, s) = run("suppression");
    let logs = res(&m, "aws_s3_bucket.logs");
    assert_eq!(logs.suppressions.len(), 1);
    assert_eq!(logs.suppressions[0].duty, "SRM-S3-004");
    assert_eq!(
        logs.suppressions[0].reason,
        "access logs are shipped by the log router"
    );
    assert_eq!(at(&s, logs.suppressions[0].span), "main.tf:1:1");
    let assets = res(&m, "aws_s3_bucket.assets");
    assert_eq!(assets.suppressions[0].duty, "SRM-S3-001");
    assert_eq!(at(&s, assets.suppressions[0].span), "main.tf:7:26");
    assert!(res(&m, "aws_s3_bucket.bad").suppressions.is_empty());
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].code, "suppression-without-reason");
    assert_eq!(at(&s, m.errors[0].span), "main.tf:11:3");
}
