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

/// The vendored hcl-edit (hostile-input protections) reaches the build through
/// `[patch.crates-io]`, which `cargo publish` drops: while the patch is there, the crate is not
/// publishable and the release workflow does not publish it.
#[test]
fn a_patched_dependency_keeps_the_crate_off_crates_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let release =
        std::fs::read_to_string(root.join(".github/workflows/release.yml")).expect("release.yml");
    assert!(manifest.contains("\n[patch.crates-io]\nhcl-edit = { path = \"vendor/hcl-edit\" }"));
    let package = manifest.split("\n[").next().unwrap_or_default();
    assert!(
        package.lines().any(|l| l.trim() == "publish = false"),
        "{package}"
    );
    assert!(
        !release.contains("cargo publish"),
        "release.yml publishes the crate"
    );
}
