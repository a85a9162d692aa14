//! The pre-commit hook, installed by the real `pre-commit` tool from this repository's
//! `.pre-commit-hooks.yaml` into a temporary git repository: a bad commit is refused, a good one
//! goes through, and a one-file run resolves the file's module (evidence in a sibling file).
//!
//! Needs `pre-commit` (PyPI) and git on PATH. `.ci/run` installs pre-commit and sets
//! `SRM_REQUIRE_PRE_COMMIT=1`, which makes a missing tool a failure instead of a skip. The hook
//! builds srm-lint with `cargo install` on first use (cached under `target/pre-commit-home`).

use std::path::Path;
use std::process::Command;

/// Where pre-commit keeps its clones and the hook's build: under `target/`, for `pre-commit install`
/// and for the hook that `git commit` runs alike (both read `PRE_COMMIT_HOME`), so nothing lands in
/// the user's `~/.cache` and the intermediate build can be removed afterwards.
fn precommit_home() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("pre-commit-home")
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .env("PRE_COMMIT_HOME", precommit_home())
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git")
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn hook_refuses_a_bad_commit_and_accepts_a_good_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !have("pre-commit") || !have("git") {
        assert!(
            std::env::var_os("SRM_REQUIRE_PRE_COMMIT").is_none(),
            "pre-commit is required but not installed"
        );
        eprintln!("skipped: pre-commit or git not installed");
        return;
    }
    // The hook repository is this checkout at its current commit.
    let head = git(root, &["rev-parse", "HEAD"]);
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert!(!rev.is_empty(), "not a git checkout");

    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    assert!(git(repo, &["init", "-q"]).status.success());
    std::fs::write(
        repo.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: srm-lint\n        args: [--format, compact, --select, SRM-S3-004]\n",
            root.display()
        ),
    )
    .expect("config");
    let home = precommit_home();
    let precommit = |args: &[&str]| {
        Command::new("pre-commit")
            .args(args)
            .current_dir(repo)
            .env("PRE_COMMIT_HOME", &home)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("pre-commit")
    };
    let installed = precommit(&["install"]);
    assert!(
        installed.status.success(),
        "{}",
        String::from_utf8_lossy(&installed.stderr)
    );

    // Bad: a bucket without versioning. Its versioning companion lives in a sibling file that is
    // not part of this commit's change set, so the hook must read the whole module.
    std::fs::create_dir_all(repo.join("infra")).expect("mkdir");
    std::fs::write(
        repo.join("infra/main.tf"),
        "resource \"aws_s3_bucket\" \"data\" {}\n",
    )
    .expect("write");
    git(repo, &["add", "infra/main.tf", ".pre-commit-config.yaml"]);
    let bad = git(repo, &["commit", "-q", "-m", "bucket"]);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&bad.stdout),
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(!bad.status.success(), "commit should be refused:\n{out}");
    assert!(
        out.contains("infra/main.tf:1:1: medium SRM-S3-004 [unaddressed] aws_s3_bucket.data"),
        "{out}"
    );

    // Good: the versioning companion in a sibling file fixes it.
    std::fs::write(
        repo.join("infra/versioning.tf"),
        "resource \"aws_s3_bucket_versioning\" \"data\" {\n  bucket = aws_s3_bucket.data.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n",
    )
    .expect("write");
    git(repo, &["add", "infra/versioning.tf"]);
    let good = git(repo, &["commit", "-q", "-m", "bucket with versioning"]);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&good.stdout),
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(good.status.success(), "commit should pass:\n{out}");

    // A later one-file change to main.tf alone still sees versioning.tf.
    std::fs::write(
        repo.join("infra/main.tf"),
        "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"acme-data\"\n}\n",
    )
    .expect("write");
    git(repo, &["add", "infra/main.tf"]);
    let one = git(repo, &["commit", "-q", "-m", "name the bucket"]);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&one.stderr)
    );
    assert!(
        one.status.success(),
        "one-file run must resolve the module:\n{out}"
    );
    drop_build_intermediates(&home);
}

/// The hook's `cargo install` leaves a full release build (over 1 GB) in pre-commit's clone of this
/// repository; the installed binary lives elsewhere in `home`, so the build can go.
fn drop_build_intermediates(home: &Path) {
    let Ok(entries) = std::fs::read_dir(home) else {
        return;
    };
    for entry in entries.flatten() {
        let build = entry.path().join("target");
        if build.is_dir() {
            let _ = std::fs::remove_dir_all(build);
        }
    }
}
