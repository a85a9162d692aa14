//! The shape of the code (issue 19): the top-level module graph has no cycle and no stage imports
//! the engine or the command line, and no source file or function outgrows what a reader can
//! take in (600 and 150 lines). Both checks are small Python scripts in `scripts/`, so they can
//! be run by hand too; a missing `python3` fails the test rather than skipping it.

use std::path::Path;
use std::process::Command;

fn run(script: &str) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("scripts").join(script))
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed to run scripts/{script}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_module_graph_has_no_cycle_and_no_stage_imports_the_engine() {
    let (ok, text) = run("modgraph.py");
    assert!(ok, "{text}");
    // The graph is real: the engine imports the stages it runs.
    assert!(text.contains("engine -> adapt"), "{text}");
    assert!(!text.contains("CYCLE"), "{text}");
}

#[test]
fn no_source_file_or_function_is_too_long() {
    let (ok, text) = run("fnlen.py");
    assert!(ok, "{text}");
}

#[test]
fn main_rs_is_dispatch_only() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs"))
        .expect("src/main.rs");
    assert!(
        main.lines().count() <= 250,
        "{} lines",
        main.lines().count()
    );
}

/// The checks can fail: a two-module cycle and a 151-line function are caught.
#[test]
fn the_checks_catch_a_cycle_and_a_long_function() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\n").expect("write");
    std::fs::write(src.join("a.rs"), "use crate::b::B;\npub struct A;\n").expect("write");
    let long_fn: String = std::iter::once("pub fn long() {\n".to_string())
        .chain((0..150).map(|i| format!("    let _x{i} = {i};\n")))
        .chain(std::iter::once("}\n".to_string()))
        .collect();
    std::fs::write(
        src.join("b.rs"),
        format!("use crate::a::A;\npub struct B;\n{long_fn}"),
    )
    .expect("write");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts");
    let graph = Command::new("python3")
        .arg(root.join("modgraph.py"))
        .arg(src)
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&graph.stdout);
    assert!(!graph.status.success(), "{text}");
    assert!(text.contains("CYCLE: a <-> b"), "{text}");
    let lengths = Command::new("python3")
        .arg(root.join("fnlen.py"))
        .arg(src)
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&lengths.stdout);
    assert!(!lengths.status.success(), "{text}");
    assert!(text.contains("fn long is 152 lines"), "{text}");
}

fn manifest(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    text.parse()
        .unwrap_or_else(|e| panic!("{path} is not valid TOML: {e}"))
}

fn str_at<'a>(table: &'a toml::Table, keys: &[&str]) -> &'a str {
    let mut value = None::<&toml::Value>;
    for key in keys {
        value = match value {
            None => table.get(*key),
            Some(v) => v.get(*key),
        };
    }
    value
        .and_then(toml::Value::as_str)
        .unwrap_or_else(|| panic!("no string at {}", keys.join(".")))
}

/// The vendored hcl-edit (hostile-input protections) is a fork published under its own name,
/// and srm-lint depends on it by that name, exact version and path: not through a
/// `[patch.crates-io]`, which `cargo publish` drops, so the crates.io build has the protections
/// too. Its library keeps the name `hcl_edit`, and the release publishes it with srm-lint.
#[test]
fn the_crate_is_published_with_its_fork_of_hcl_edit() {
    let root = manifest("Cargo.toml");
    let fork = manifest("vendor/hcl-edit/Cargo.toml");
    assert!(
        root.get("patch").is_none(),
        "Cargo.toml has a [patch] table"
    );
    assert!(
        root["package"].get("publish").is_none(),
        "Cargo.toml sets `publish`"
    );
    let members = root["workspace"]["members"].as_array().expect("members");
    assert!(members
        .iter()
        .any(|m| m.as_str() == Some("vendor/hcl-edit")));

    let name = str_at(&fork, &["package", "name"]);
    let version = str_at(&fork, &["package", "version"]);
    assert_eq!(name, "srm-lint-hcl-edit");
    assert_eq!(str_at(&fork, &["lib", "name"]), "hcl_edit");
    assert_eq!(str_at(&fork, &["package", "license"]), "MIT OR Apache-2.0");
    assert!(fork["package"].get("publish").is_none());
    let dep = &root["dependencies"]["hcl-edit"];
    assert_eq!(dep.get("package").and_then(|v| v.as_str()), Some(name));
    assert_eq!(
        dep.get("version").and_then(|v| v.as_str()),
        Some(format!("={version}").as_str()),
        "srm-lint must pin the fork's exact version"
    );
    assert_eq!(
        dep.get("path").and_then(|v| v.as_str()),
        Some("vendor/hcl-edit")
    );
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    assert!(
        lock.contains(&format!("name = \"{name}\"\nversion = \"{version}\"\n")),
        "Cargo.lock does not lock {name} {version}"
    );
    assert!(
        !lock.contains("name = \"hcl-edit\""),
        "upstream hcl-edit is in the lock"
    );

    // The release publishes the whole workspace (Cargo orders the fork first), and only after
    // every build's smoke test.
    let release = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"),
    )
    .expect("release.yml");
    let job = release
        .split("\n  crates-io:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n  ").next())
        .expect("release.yml has a crates-io job");
    assert!(
        job.contains("needs: [binaries, wheels, sdist, wheel-smoke]"),
        "{job}"
    );
    assert!(job.contains("cargo publish --workspace --locked"), "{job}");
    assert!(job.contains("secrets.CARGO_REGISTRY_TOKEN"), "{job}");
}

/// The files `cargo package` puts in a workspace member's crate (offline: no registry needed).
fn packaged(package: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--offline",
            "--allow-dirty",
            "-p",
            package,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo package --list");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout.lines().map(str::to_string).collect()
}

fn assert_packaged(files: &[String], needed: &[&str], kept_out: &[&str]) {
    for file in needed {
        assert!(files.iter().any(|f| f == file), "{file} is not packaged");
    }
    for file in files {
        for dir in kept_out {
            assert!(!file.starts_with(dir), "{file} is packaged");
        }
        assert!(
            !file.starts_with('.') || file == ".cargo_vcs_info.json",
            "{file}"
        );
    }
}

/// What `cargo package` puts in each crate: srm-lint's has what `cargo install` builds from
/// (src/, build.rs and the policies it embeds) and none of the tests, fixtures, docs, benchmarks,
/// fuzzing material or the fork (a crate of its own); the fork's has its source, readme and both
/// licence texts.
#[test]
fn each_crate_packages_what_it_needs_and_no_more() {
    let srm = packaged("srm-lint");
    assert_packaged(
        &srm,
        &[
            "Cargo.toml",
            "Cargo.lock",
            "build.rs",
            "LICENSE",
            "README.md",
            "src/main.rs",
            "src/lib.rs",
            "src/guard/mapping.toml",
            "src/report/html/app.js",
            "policies/types.toml",
            "policies/peer-checks.csv",
            "policies/s3/service.toml",
        ],
        &[
            "testdata/",
            "tests/",
            "docs/",
            "bench/",
            "benches/",
            "fuzz/",
            "vendor/",
            "scripts/",
            "action/",
        ],
    );
    let fork = packaged("srm-lint-hcl-edit");
    assert_packaged(
        &fork,
        &[
            "Cargo.toml",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "README.md",
            "src/lib.rs",
            "src/parser/nesting.rs",
        ],
        &["tests/", "benches/", "examples/"],
    );
}
