//! Bad input never crashes and never passes silently (issue 8).
//!
//! Every case runs the binary on a directory holding one bad input beside a good file, and
//! asserts what a user sees: exit code 2, the located error (`path:line:col`, code, message) in
//! the JSON contract, and the good file's resource still reported. Large and filesystem-special
//! inputs (huge, unreadable, symlinks, 100 000-deep nesting) are generated in a temporary
//! directory. Fixtures: `testdata/bad/`.

mod common;

use common::{
    addresses, assert_error, assert_finding, errors, json, json_in, root, run_in, FORMATS, GOOD_TF,
};
use serde_json::Value;
use std::path::Path;

/// The good Terraform file beside each bad one.
#[track_caller]
fn assert_good_tf(report: &Value, dir: &str) {
    assert_finding(report, "aws_s3_bucket.good", &format!("{dir}/good.tf:1:1"));
}

/// The good CloudFormation template beside each bad one.
#[track_caller]
fn assert_good_yaml(report: &Value, dir: &str) {
    assert_finding(report, "Archive", &format!("{dir}/good.yaml:3:3"));
}

/// Runs a committed case directory: exit 2, the error, and the good file's finding.
#[track_caller]
fn case(dir: &str, at: &str, code: &str, fragment: &str) -> Value {
    let (exit, report) = json(&[dir]);
    assert_eq!(exit, 2, "{:#?}", errors(&report));
    assert_error(&report, &format!("{dir}/{at}"), code, fragment);
    report
}

// ---------------------------------------------------------------------------------------------
// Each bad input gets a located diagnostic, and the good file beside it is still reported.

/// The good file beside a bad one.
#[derive(Clone, Copy)]
enum Good {
    /// `good.tf` (an unversioned bucket).
    Tf,
    /// `good.yaml` (an unversioned bucket `Archive`).
    Yaml,
}

/// A committed case directory with one bad input: where its error is, with what code and
/// message, and the good file beside it.
struct Case {
    name: &'static str,
    dir: &'static str,
    /// `path:line:col` inside `dir`.
    at: &'static str,
    code: &'static str,
    /// A fragment of the message.
    message: &'static str,
    good: Good,
}

const CASES: &[Case] = &[
    Case {
        name: "malformed hcl",
        dir: "testdata/bad/hcl-malformed",
        at: "broken.tf:3:9",
        code: "parse-error",
        message: "invalid expression",
        good: Good::Tf,
    },
    Case {
        name: "malformed yaml",
        dir: "testdata/bad/yaml-malformed",
        at: "broken.yaml:5:17",
        code: "parse-error",
        message: "unclosed bracket",
        good: Good::Yaml,
    },
    Case {
        name: "malformed json",
        dir: "testdata/bad/json-malformed",
        at: "broken.json:4:40",
        code: "parse-error",
        message: "Trailing comma",
        good: Good::Yaml,
    },
    Case {
        // The NUL byte is the first character of line 2.
        name: "binary file named tf",
        dir: "testdata/bad/binary-tf",
        at: "binary.tf:2:1",
        code: "binary-file",
        message: "NUL byte",
        good: Good::Tf,
    },
    Case {
        name: "binary file named yaml",
        dir: "testdata/bad/binary-yaml",
        at: "binary.yaml:2:6",
        code: "binary-file",
        message: "NUL byte",
        good: Good::Tf,
    },
    Case {
        // `name = "caf\xe9"`: the Latin-1 é is character 14 of line 3.
        name: "invalid utf8 points at the bad byte",
        dir: "testdata/bad/invalid-utf8",
        at: "latin1.tf:3:14",
        code: "invalid-utf8",
        message: "offset 62",
        good: Good::Yaml,
    },
    Case {
        name: "directory named like a terraform file",
        dir: "testdata/bad/dir-named-tf",
        at: "x.tf:1:1",
        code: "io-error",
        message: "is a directory",
        good: Good::Tf,
    },
    Case {
        name: "resources section that is not a mapping",
        dir: "testdata/bad/resources-not-mapping",
        at: "template.yaml:2:1",
        code: "invalid-template",
        message: "`Resources` is not a mapping",
        good: Good::Yaml,
    },
    Case {
        name: "resource without type",
        dir: "testdata/bad/resource-without-type",
        at: "template.yaml:3:3",
        code: "invalid-template",
        message: "resource `Typeless` has no `Type`",
        good: Good::Yaml,
    },
    Case {
        name: "yaml billion laughs is rejected",
        dir: "testdata/bad/billion-laughs",
        at: "lol.yaml:11:51",
        code: "parse-error",
        message: "alias expansion exceeds the budget of 1000000 nodes",
        good: Good::Yaml,
    },
];

/// Every case: exit 2, its located error, and the good file's finding still reported.
#[test]
fn each_bad_input_is_a_located_error_and_the_good_file_is_still_reported() {
    for c in CASES {
        let r = case(c.dir, c.at, c.code, c.message);
        match c.good {
            Good::Tf => assert_good_tf(&r, c.dir),
            Good::Yaml => assert_good_yaml(&r, c.dir),
        }
        eprintln!("ok: {}", c.name);
    }
}

#[test]
fn empty_files() {
    let dir = "testdata/bad/empty";
    // In a directory: an empty `.tf` is a valid empty module, and empty YAML/JSON files are not
    // templates (they mention nothing), so nothing is an error.
    let (exit, r) = json(&[dir]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(exit, 1);
    assert_good_tf(&r, dir);
    // Named explicitly as templates, empty files do not pass silently.
    for name in ["empty.yaml", "empty.json"] {
        let path = format!("{dir}/{name}");
        let (exit, r) = json(&[&path, &format!("{dir}/good.tf")]);
        assert_eq!(exit, 2);
        assert_error(&r, &format!("{path}:1:1"), "empty-file", "file is empty");
        assert_good_tf(&r, dir);
    }
    // An empty `.tf` named explicitly is still a valid empty module (its siblings come along).
    let (exit, r) = json(&[&format!("{dir}/empty.tf")]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(exit, 1);
    assert_good_tf(&r, dir);
}

#[test]
fn file_over_the_size_limit_is_skipped_with_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let big = "# padding padding padding padding padding padding padding padding padding\n"
        .repeat(10 * 1024 * 1024 / 74 + 1);
    assert!(big.len() > 10 * 1024 * 1024);
    std::fs::write(tmp.path().join("big.tf"), &big).expect("write");
    std::fs::write(tmp.path().join("good.tf"), GOOD_TF).expect("write");
    let (exit, r) = json_in(tmp.path(), &["."]);
    assert_eq!(exit, 2);
    assert_error(
        &r,
        "big.tf:1:1",
        "too-large",
        "over the 10485760-byte limit; skipped",
    );
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
    // The limit is configurable: a small limit skips the good file too, a big one reads both.
    let (exit, r) = json_in(tmp.path(), &[".", "--max-file-size", "20"]);
    assert_eq!(exit, 2);
    assert_error(&r, "good.tf:1:1", "too-large", "over the 20-byte limit");
    let limit = (big.len() + 1).to_string();
    let (exit, r) = json_in(tmp.path(), &[".", "--max-file-size", &limit]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(exit, 1);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let locked = tmp.path().join("locked.tf");
    std::fs::write(&locked, GOOD_TF.replace("good", "locked")).expect("write");
    std::fs::write(tmp.path().join("good.tf"), GOOD_TF).expect("write");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_err() {
        let (exit, r) = json_in(tmp.path(), &["."]);
        assert_eq!(exit, 2);
        assert_error(&r, "locked.tf:1:1", "io-error", "cannot read file");
        assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
    } else {
        // Running as root: permissions do not stop reads. A file whose read fails anyway
        // (reading address 0 of the process's own memory) exercises the same path.
        eprintln!("note: running as root, chmod 000 does not block reads; using /proc/self/mem");
        if Path::new("/proc/self/mem").exists() {
            let (exit, r) = json_in(tmp.path(), &["/proc/self/mem", "good.tf"]);
            assert_eq!(exit, 2);
            assert_error(&r, "/proc/self/mem:1:1", "io-error", "cannot read file");
            assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
        }
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn symlink_loops_broken_links_and_links_leaving_the_directory() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().expect("tempdir");
    let scanned = tmp.path().join("repo");
    std::fs::create_dir_all(scanned.join("sub")).expect("mkdir");
    std::fs::write(scanned.join("good.tf"), GOOD_TF).expect("write");
    let secret = tmp.path().join("secret.tf");
    std::fs::write(&secret, "resource \"aws_s3_bucket\" \"secret\" {}\n").expect("write");
    symlink("loop.tf", scanned.join("loop.tf")).expect("symlink");
    symlink("b.yaml", scanned.join("a.yaml")).expect("symlink");
    symlink("a.yaml", scanned.join("b.yaml")).expect("symlink");
    symlink("missing.tf", scanned.join("dangling.tf")).expect("symlink");
    symlink(&secret, scanned.join("outside.tf")).expect("symlink");
    // A directory loop is not followed (and does not hang the walk).
    symlink("..", scanned.join("sub/up")).expect("symlink");
    // A link to a file inside the scanned directory is read like the file.
    std::fs::write(scanned.join("sub/real.yaml"), GOOD_YAML).expect("write");
    symlink("real.yaml", scanned.join("sub/link.yaml")).expect("symlink");

    let (exit, r) = json_in(&scanned, &["."]);
    assert_eq!(exit, 2);
    let cannot = "symbolic link cannot be followed";
    assert_error(&r, "loop.tf:1:1", "io-error", cannot);
    assert_error(&r, "a.yaml:1:1", "io-error", cannot);
    assert_error(&r, "b.yaml:1:1", "io-error", cannot);
    assert_error(&r, "dangling.tf:1:1", "io-error", cannot);
    assert_error(
        &r,
        "outside.tf:1:1",
        "io-error",
        "leads outside the scanned tree",
    );
    assert_eq!(errors(&r).len(), 5, "{:#?}", errors(&r));
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
    assert_finding(&r, "Archive", "sub/link.yaml:3:3");
    assert!(!addresses(&r).iter().any(|a| a.contains("secret")));

    // Named explicitly, a looping link is an error too.
    let (exit, r) = json_in(&scanned, &["loop.tf"]);
    assert_eq!(exit, 2);
    assert_error(&r, "loop.tf:1:1", "io-error", "cannot read");
}

const GOOD_YAML: &str =
    "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Archive:\n    Type: AWS::S3::Bucket\n";

#[test]
fn duplicate_keys() {
    let dir = "testdata/bad/duplicate-keys-yaml";
    let r = case(
        dir,
        "template.yaml:7:7",
        "duplicate-key",
        "duplicate key `DelaySeconds` (first written on line 6)",
    );
    assert_good_yaml(&r, dir);
    // The first key is a located place of its own: in JSON, in SARIF and as a second label.
    let dup = r["errors"]
        .as_array()
        .and_then(|es| es.iter().find(|e| e["code"] == "duplicate-key"))
        .expect("the duplicate-key error");
    assert_eq!(
        dup["related"],
        serde_json::json!([{"path": format!("{dir}/template.yaml"), "line": 6, "column": 7,
            "message": "first written"}])
    );
    let sarif: Value =
        serde_json::from_str(&run_in(root(), &[dir, "--format", "sarif"]).stdout).expect("SARIF");
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let dup = notes
        .as_array()
        .and_then(|ns| {
            ns.iter().find(|n| {
                n["message"]["text"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("duplicate-key"))
            })
        })
        .expect("the duplicate-key notification");
    let second = &dup["locations"][1];
    assert_eq!(second["physicalLocation"]["region"]["startLine"], 6);
    assert_eq!(second["message"]["text"], "first written");
    let pretty = run_in(root(), &[dir]).stdout;
    assert!(
        pretty.contains(" 6 |       DelaySeconds: 1\n   :       ^^^^^^|^^^^^\n   :             `-- first written\n"),
        "{pretty}"
    );
    let dir = "testdata/bad/duplicate-keys-json";
    let r = case(
        dir,
        "template.json:5:5",
        "duplicate-key",
        "duplicate key `Queue` (first written on line 4)",
    );
    assert_good_yaml(&r, dir);
    let dir = "testdata/bad/duplicate-keys-hcl";
    let r = case(dir, "dup.tf:3:3", "parse-error", "redefined attribute");
    assert_good_tf(&r, dir);
}

#[test]
fn terraform_block_missing_its_labels() {
    let dir = "testdata/bad/tf-missing-labels";
    let r = case(
        dir,
        "labels.tf:1:1",
        "invalid-block",
        "a `resource` block needs 2 labels, found 1",
    );
    assert_error(
        &r,
        &format!("{dir}/labels.tf:5:1"),
        "invalid-block",
        "a `module` block needs 1 label, found 0",
    );
    assert_good_tf(&r, dir);
}

// ---------------------------------------------------------------------------------------------
// Bounded work on hostile input.

/// 100 000-deep nesting in each front end: a located error, not a stack overflow. The files
/// are scanned by the binary and by the library on a 2 MiB thread (the default test and rayon
/// stack size).
#[test]
fn hundred_thousand_deep_nesting_is_an_error_not_a_crash() {
    const N: usize = 100_000;
    let tmp = tempfile::tempdir().expect("tempdir");
    let files: [(&str, String); 6] = [
        (
            "list/deep.tf",
            format!("locals {{\n  x = {}{}\n}}\n", "[".repeat(N), "]".repeat(N)),
        ),
        (
            "block/deep.tf",
            format!(
                "resource \"aws_s3_bucket\" \"b\" {{\n{}{}}}\n",
                "a {\n".repeat(N),
                "}\n".repeat(N)
            ),
        ),
        (
            "paren/deep.tf",
            format!("locals {{\n  x = {}1{}\n}}\n", "(".repeat(N), ")".repeat(N)),
        ),
        (
            "flow.yaml",
            format!(
                "AWSTemplateFormatVersion: x\nResources: {}{}\n",
                "[".repeat(N),
                "]".repeat(N)
            ),
        ),
        (
            "deep.json",
            format!(
                "{{\"AWSTemplateFormatVersion\": \"x\", \"Resources\": {}{}}}",
                "[".repeat(N),
                "]".repeat(N)
            ),
        ),
        (
            "tfjson/deep.tf.json",
            format!(
                "{{\"locals\": {{\"x\": {}{}}}}}",
                "[".repeat(N),
                "]".repeat(N)
            ),
        ),
    ];
    for (name, text) in &files {
        let p = tmp.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    std::fs::create_dir_all(tmp.path().join("good")).expect("mkdir");
    std::fs::write(tmp.path().join("good/good.tf"), GOOD_TF).expect("write");

    let (exit, r) = json_in(tmp.path(), &["."]);
    assert_eq!(exit, 2);
    let hcl = "expected at most 64 nested levels";
    assert_error(&r, "list/deep.tf:2:71", "parse-error", hcl);
    assert_error(&r, "block/deep.tf:65:3", "parse-error", hcl);
    assert_error(&r, "paren/deep.tf:2:71", "parse-error", hcl);
    assert_error(
        &r,
        "flow.yaml:2:142",
        "parse-error",
        "nesting deeper than 128 levels",
    );
    assert_error(
        &r,
        "deep.json:1:558",
        "parse-error",
        "Maximum nesting depth exceeded",
    );
    assert_error(
        &r,
        "tfjson/deep.tf.json:1:526",
        "parse-error",
        "Maximum nesting depth",
    );
    assert_finding(&r, "aws_s3_bucket.good", "good/good.tf:1:1");

    // The library, on a thread with the default 2 MiB stack.
    let dir = tmp.path().to_path_buf();
    let scan = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let catalog = srm_lint::catalog::Catalog::builtin().expect("catalog");
            let opts = srm_lint::ScanOptions {
                paths: vec![dir],
                ..Default::default()
            };
            let s = srm_lint::scan(&opts, &catalog);
            (s.model.errors.len(), s.model.resources.len())
        })
        .expect("spawn")
        .join()
        .expect("the scan did not crash");
    assert_eq!(scan, (6, 1));
}

/// Nesting just inside the parsers' limits reaches the adapters and the evaluator, which must
/// not overflow a 2 MiB stack either (jsonc-parser stops at about 256 levels of objects).
#[test]
fn nesting_at_the_parser_limits_is_handled_on_a_small_stack() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let props = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"B\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"VersioningConfiguration\": {}1{}}}}}}}}}",
        "{\"a\": ".repeat(240),
        "}".repeat(240)
    );
    std::fs::write(tmp.path().join("props.json"), props).expect("write");
    let ifs = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Parameters\": {{\"P\": {{\"Type\": \"String\"}}}}, \"Conditions\": {{\"C\": {{\"Fn::Equals\": [{{\"Ref\": \"P\"}}, \"x\"]}}}}, \"Resources\": {{\"B\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"VersioningConfiguration\": {}1{}}}}}}}}}",
        "{\"Fn::If\": [\"C\", ".repeat(120),
        ", 2]}".repeat(120)
    );
    std::fs::write(tmp.path().join("ifs.json"), ifs).expect("write");
    let yaml = format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Y:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration: {}1{}\n",
        "[".repeat(120),
        "]".repeat(120)
    );
    std::fs::write(tmp.path().join("deep.yaml"), yaml).expect("write");
    std::fs::create_dir_all(tmp.path().join("tf")).expect("mkdir");
    let tfjson = format!(
        "{{\"resource\": {{\"aws_s3_bucket\": {{\"b\": {{\"versioning\": {}1{}}}}}}}}}",
        "{\"a\": ".repeat(240),
        "}".repeat(240)
    );
    std::fs::write(tmp.path().join("tf/deep.tf.json"), tfjson).expect("write");
    let hcl = format!(
        "resource \"aws_s3_bucket\" \"h\" {{\n  tags = {}1{}\n}}\n",
        "{a = ".repeat(60),
        "}".repeat(60)
    );
    std::fs::write(tmp.path().join("tf/deep.tf"), hcl).expect("write");
    let dir = tmp.path().to_path_buf();
    let (errors, resources) = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let catalog = srm_lint::catalog::Catalog::builtin().expect("catalog");
            let opts = srm_lint::ScanOptions {
                paths: vec![dir],
                ..Default::default()
            };
            let s = srm_lint::scan(&opts, &catalog);
            let r = srm_lint::report::Report::build(&s, &catalog);
            let _ = srm_lint::report::json::render(&r);
            let errors: Vec<String> = r
                .errors
                .iter()
                .map(|e| format!("{}:{}:{}: {}", e.path, e.line, e.column, e.message))
                .collect();
            let mut resources: Vec<String> = s
                .model
                .resources
                .iter()
                .map(|r| r.address.clone())
                .collect();
            resources.sort();
            (errors, resources)
        })
        .expect("spawn")
        .join()
        .expect("the scan did not crash");
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(
        resources,
        ["B", "B", "Y", "aws_s3_bucket.b", "aws_s3_bucket.h"]
    );
}

#[test]
fn module_that_includes_itself() {
    let dir = "testdata/bad/module-self-include";
    let r = case(
        dir,
        "self.tf:1:1",
        "module-cycle",
        "module.again (source \"./\") calls itself",
    );
    assert_good_tf(&r, dir);
    // Named as a bare file name from inside its directory, the module is the same directory.
    let (exit, r) = json_in(&root().join(dir), &["self.tf"]);
    assert_eq!(exit, 2);
    assert_error(&r, "self.tf:1:1", "module-cycle", "calls itself");
    assert_eq!(errors(&r).len(), 1, "{:#?}", errors(&r));
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
}

#[test]
fn module_cycle_through_two_modules() {
    let dir = "testdata/bad/module-cycle";
    let r = case(
        dir,
        "modules/b/main.tf:1:1",
        "module-cycle",
        "module.a (source \"../a\") calls itself (directly or through other modules)",
    );
    assert_good_tf(&r, dir);
    assert!(addresses(&r).contains(&"module.a.aws_sqs_queue.in_a".to_string()));
}

#[test]
fn recursive_locals_are_unverified_not_a_hang() {
    let dir = "testdata/bad/recursive-locals";
    let (exit, r) = json(&[dir]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(exit, 1);
    let res = r["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|x| x["address"] == "aws_s3_bucket.loop"))
        .expect("the resource using the locals is reported");
    let e = res["checklist"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["duty"] == "SRM-S3-004"))
        .expect("versioning duty");
    assert_eq!(e["verdict"], "unverified");
    assert_eq!(
        (e["path"].as_str(), e["line"].as_u64(), e["column"].as_u64()),
        (
            Some("testdata/bad/recursive-locals/locals.tf"),
            Some(10),
            Some(5)
        )
    );
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("local.a refers to itself")),
        "{e:#}"
    );
    assert_good_tf(&r, dir);
}

#[test]
fn huge_count_is_not_expanded() {
    let dir = "testdata/bad/huge-count";
    let (exit, r) = json(&[dir]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(exit, 1);
    let a = addresses(&r);
    assert_eq!(a.iter().filter(|x| *x == "aws_sqs_queue.many").count(), 1);
    assert_eq!(a.iter().filter(|x| *x == "aws_sqs_queue.range").count(), 1);
    assert_good_tf(&r, dir);
}

// ---------------------------------------------------------------------------------------------
// No way in.

/// Copies a directory tree (regular files only) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// The fixture is copied out of this git work tree (whose root would otherwise be the scanned
/// tree's boundary, and hold `../elsewhere`).
#[test]
fn module_sources_and_template_urls_outside_the_scanned_root_are_not_followed() {
    let outside = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join("testdata/bad/outside-root"), outside.path());
    let dir = "root";
    let (exit, r) = json_in(outside.path(), &[dir]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(exit, 1);
    let a = addresses(&r);
    assert!(
        !a.iter()
            .any(|x| x.contains("secret") || x.contains("Secret")),
        "{a:?}"
    );
    assert!(a.contains(&"Nested".to_string()));
    assert_finding(&r, "aws_s3_bucket.good", &format!("{dir}/main.tf:1:1"));
    let notices: Vec<String> = r["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .map(|n| {
            format!(
                "{}:{}: {}",
                n["path"].as_str().unwrap_or("?"),
                n["line"],
                n["message"].as_str().unwrap_or("?")
            )
        })
        .collect();
    let main = format!("{dir}/main.tf");
    for (line, what) in [
        (5, "\"../elsewhere\" leaves the scanned tree"),
        (9, "\"../../../../../../../../etc\" leaves the scanned tree"),
        (13, "\"/etc\" is not fetched"),
    ] {
        let prefix = format!("{main}:{line}: ");
        assert!(
            notices
                .iter()
                .any(|n| n.starts_with(&prefix) && n.contains(what)),
            "no notice {prefix}{what} in {notices:#?}"
        );
    }
    // Also when the file is named alone from inside its directory (the root is `.`).
    let (_, r) = json_in(&outside.path().join(dir), &["main.tf"]);
    let a = addresses(&r);
    assert!(!a.iter().any(|x| x.contains("secret")), "{a:?}");
    // And through a symlinked module directory that leads outside.
    #[cfg(unix)]
    {
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(repo.join("modules")).expect("mkdir");
        std::fs::create_dir_all(tmp.path().join("outside")).expect("mkdir");
        std::fs::write(
            tmp.path().join("outside/x.tf"),
            "resource \"aws_s3_bucket\" \"secret\" {}\n",
        )
        .expect("write");
        std::os::unix::fs::symlink(tmp.path().join("outside"), repo.join("modules/link"))
            .expect("symlink");
        std::fs::write(
            repo.join("main.tf"),
            format!("{GOOD_TF}module \"m\" {{\n  source = \"./modules/link\"\n}}\n"),
        )
        .expect("write");
        let (_, r) = json_in(&repo, &["."]);
        let a = addresses(&r);
        assert!(!a.iter().any(|x| x.contains("secret")), "{a:?}");
        assert_finding(&r, "aws_s3_bucket.good", "main.tf:1:1");

        // A module file that is a link to a secret outside is not read, so no parse error
        // snippet can print the secret.
        std::fs::write(tmp.path().join("credentials"), "TOPSECRET = = 42\n").expect("write");
        std::fs::create_dir_all(repo.join(".hidden/m")).expect("mkdir");
        std::os::unix::fs::symlink(
            tmp.path().join("credentials"),
            repo.join(".hidden/m/creds.tf"),
        )
        .expect("symlink");
        std::fs::write(
            repo.join("main.tf"),
            format!("{GOOD_TF}module \"m\" {{\n  source = \"./.hidden/m\"\n}}\n"),
        )
        .expect("write");
        for &format in FORMATS {
            let stdout = run_in(&repo, &[".", "--format", format]).stdout;
            assert!(!stdout.contains("TOPSECRET"), "{format}: {stdout}");
        }
    }
}

/// Lists every path under `dir` with its size and modification time.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let meta = std::fs::symlink_metadata(e.path()).expect("metadata");
            if meta.is_dir() {
                stack.push(e.path());
            }
            out.push((
                e.path().display().to_string(),
                meta.len(),
                meta.modified().expect("mtime"),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn never_writes_or_executes_anything_except_the_named_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    std::fs::write(repo.join("good.tf"), GOOD_TF).expect("write");
    std::fs::write(repo.join("good.yaml"), GOOD_YAML).expect("write");
    // Things Terraform would execute: srm-lint must not.
    std::fs::write(
        repo.join("exec.tf"),
        "resource \"aws_s3_bucket\" \"x\" {\n  provisioner \"local-exec\" {\n    command = \"touch pwned-local-exec\"\n  }\n}\n\ndata \"external\" \"y\" {\n  program = [\"touch\", \"pwned-external\"]\n}\n\nmodule \"remote\" {\n  source = \"git::https://example.invalid/x.git\"\n}\n",
    )
    .expect("write");
    let before = listing(repo);
    for &format in FORMATS {
        let exit = run_in(repo, &[".", "--format", format]).code;
        assert_eq!(exit, 1, "{format}");
    }
    assert_eq!(listing(repo), before, "a scan changed the scanned tree");
    assert!(!repo.join("pwned-local-exec").exists());
    assert!(!repo.join("pwned-external").exists());
    // `--output` writes exactly that file.
    let run = run_in(repo, &[".", "--format", "json", "--output", "report.json"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
    let after = listing(repo);
    let added: Vec<&String> = after
        .iter()
        .map(|(p, _, _)| p)
        .filter(|p| !before.iter().any(|(q, _, _)| q == *p))
        .collect();
    assert_eq!(added, [&repo.join("report.json").display().to_string()]);
}

/// Control characters from the input (a resource name, a comment, a parse error's snippet)
/// never reach the terminal raw, in any text format, with or without colour.
#[test]
fn terminal_output_escapes_control_characters_from_the_input() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    // A logical id with an escape sequence (JSON `\u001b`), a YAML key with a raw ESC, a HCL
    // label with `\u001b`, and a raw ESC + OSC title sequence in a comment on a line with a
    // parse error (so the pretty snippet shows it).
    std::fs::write(
        repo.join("evil.json"),
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Evil\\u001b[38;5;199mRed\": {\"Type\": \"AWS::S3::Bucket\"}}}",
    )
    .expect("write");
    std::fs::write(
        repo.join("evil.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  \"Bad\\e[38;5;199mKey\":\n    Type: AWS::S3::Bucket\n",
    )
    .expect("write");
    std::fs::create_dir_all(repo.join("tf")).expect("mkdir");
    std::fs::write(
        repo.join("tf/evil.tf"),
        "resource \"aws_s3_bucket\" \"a\\u001b[38;5;199mb\" {\n  bucket = \"x\"\n}\n",
    )
    .expect("write");
    std::fs::create_dir_all(repo.join("broken")).expect("mkdir");
    std::fs::write(
        repo.join("broken/bad.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  acl = = 1 # \u{1b}]0;pwned\u{7}\u{1b}[38;5;199m\n}\n",
    )
    .expect("write");
    let injected = ["\u{1b}[38;5;199m", "\u{1b}]0;pwned", "\u{7}"];
    for format in ["pretty", "compact", "github", "markdown"] {
        for color in ["never", "always"] {
            let common::Run {
                code: exit, stdout, ..
            } = run_in(repo, &[".", "--format", format, "--color", color]);
            assert_eq!(exit, 2, "{format}");
            for bad in injected {
                assert!(
                    !stdout.contains(bad),
                    "{format} --color {color} printed {bad:?} raw:\n{stdout}"
                );
            }
            if color == "never" {
                assert!(!stdout.contains('\u{1b}'), "{format}: {stdout}");
            }
            // The findings are still there, with the name made visible.
            assert!(
                stdout.contains("Evil") && stdout.contains("Bad"),
                "{format}: {stdout}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs found by fuzzing (`fuzz/`): each must give a located error, not a hang or a crash.

/// Every file under `testdata/bad/fuzz-regressions/` is scanned; each bad one gets an error and
/// the good file is still reported. The two `.tf` files made hcl-edit backtrack exponentially
/// (hours for 500 bytes); the vendored hcl-edit's parse-step budget now stops them at once, at
/// the place it gave up.
#[test]
fn fuzz_regressions_give_errors_not_hangs() {
    let dir = "testdata/bad/fuzz-regressions";
    let started = std::time::Instant::now();
    let (exit, r) = json(&[dir]);
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(exit, 2);
    for (file, col) in [
        ("hcl-backtracking-1.tf", 450),
        ("hcl-backtracking-2.tf", 502),
    ] {
        assert_error(
            &r,
            &format!("{dir}/{file}:1:{col}"),
            "too-complex",
            "the Terraform parser gave up here: this nesting makes its work grow exponentially",
        );
    }
    assert_good_tf(&r, dir);
    // In a `.tf.json` string the template is refused before parsing: the value is unverified.
    let (_, r) = json(&[&format!("{dir}/json")]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert!(addresses(&r).contains(&"aws_s3_bucket.t".to_string()));
}

/// Twenty locals, each an expression nested 60 deep that refers to the next: every jump is
/// within its budget, but together they nest 1,200 levels. Evaluation stops at a fixed depth
/// (the value becomes unknown, with the reason) instead of overflowing the thread's stack.
#[test]
fn expressions_nested_through_many_locals_stop_at_a_depth_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tf = String::from("locals {\n");
    for i in 0..20 {
        let inner = if i < 19 {
            format!("local.l{}", i + 1)
        } else {
            "\"alias/app\"".to_string()
        };
        tf.push_str(&format!(
            "  l{i} = {}{inner}{}\n",
            "[".repeat(60),
            "]".repeat(60)
        ));
    }
    tf.push_str(
        "}\nresource \"aws_sqs_queue\" \"q\" {\n  name              = \"q\"\n  kms_master_key_id = local.l0\n}\n",
    );
    std::fs::write(dir.path().join("main.tf"), tf).expect("write");
    let (code, report) = json_in(dir.path(), &["main.tf"]);
    assert_eq!(code, 1);
    let entry = report["resources"][0]["checklist"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["duty"] == "SRM-SQS-008"))
        .expect("SRM-SQS-008")
        .clone();
    assert_eq!(entry["verdict"], "unverified");
    assert_eq!(
        entry["message"],
        "`kms_master_key_id` cannot be resolved: expression nested too deeply to evaluate"
    );
    assert_eq!(
        (entry["line"].as_u64(), entry["column"].as_u64()),
        (Some(25), Some(3))
    );
}
