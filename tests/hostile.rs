//! Hostile trees (issue 24): what a pull request from a stranger can and cannot make srm-lint
//! do. Each case builds its tree in a temporary directory (outside any git work tree, so the
//! scanned root is the boundary) with a secret file beside it, and asserts what a user sees: the
//! exit code, the located error, the good file still reported, and the secret in no output.
//! Time limits here are generous (a debug build on a loaded 2-core machine): they catch a hang
//! or a blow-up, not a slowdown; the real measurements are `bench/hostile.sh`'s.

mod common;
use common::*;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::symlink;

const SECRET: &str = "TOPSECRET_7f3a = \"AKIAIOSFODNN7EXAMPLE\"\n";

/// A tree `repo/` with `good.tf`, and `secret` beside it (outside the tree).
fn tree() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("repo")).expect("mkdir");
    std::fs::write(tmp.path().join("repo/good.tf"), GOOD_TF).expect("write");
    std::fs::write(tmp.path().join("secret"), SECRET).expect("write");
    std::fs::create_dir_all(tmp.path().join("outside")).expect("mkdir");
    std::fs::write(tmp.path().join("outside/x.toml"), SECRET).expect("write");
    tmp
}

/// Runs every format in `cwd` and asserts none prints the secret.
#[track_caller]
fn assert_no_secret(cwd: &Path, args: &[&str]) {
    for format in FORMATS {
        let mut all = args.to_vec();
        all.extend(["--format", format]);
        let run = run_in(cwd, &all);
        assert!(
            !run.stdout.contains("TOPSECRET") && !run.stderr.contains("TOPSECRET"),
            "{format} printed the secret:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// A scan of `repo` stops with exit code 2 and `expected` on standard error, and nothing
/// secret is printed.
#[track_caller]
fn assert_refused(repo: &Path, expected: &str) {
    let run = run_in(repo, &["."]);
    assert_eq!(run.code, 2, "{expected}: {}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(expected),
        "no `{expected}` in {}",
        run.stderr
    );
    assert_no_secret(repo, &["."]);
}

/// `srm-lint good.tf` (how pre-commit calls it) reads the file's Terraform siblings, but not a
/// sibling that is a link out of the tree.
#[cfg(unix)]
#[test]
fn a_named_file_does_not_bring_sibling_links_out_of_the_tree() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    symlink(tmp.path().join("secret"), repo.join("p.tf")).expect("symlink");
    symlink("/proc/self/environ", repo.join("zz.tf")).expect("symlink");
    let (code, r) = json_in(&repo, &["good.tf"]);
    assert_eq!(code, 2);
    assert_error(
        &r,
        "p.tf:1:1",
        "io-error",
        "symbolic link leads outside the scanned tree",
    );
    assert_error(
        &r,
        "zz.tf:1:1",
        "io-error",
        "symbolic link leads outside the scanned tree",
    );
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
    assert_no_secret(&repo, &["good.tf"]);
}

/// A `.srm-lint.toml` from the tree cannot make srm-lint read outside it: absolute paths and
/// `..` escapes in every path key are errors located at the value, exit 2, nothing read.
#[test]
fn a_config_in_the_tree_cannot_name_paths_outside_it() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    for (config, at, fragment) in [
        (
            "policy_dirs = [\"/\"]\n",
            ".srm-lint.toml:1:16",
            "`/` is not read: absolute path `/`",
        ),
        (
            "\npolicy_dirs = [\"../outside\"]\n",
            ".srm-lint.toml:2:16",
            "`../outside` is not read: leads outside the scanned tree",
        ),
        (
            "attestations = \"../secret\"\n",
            ".srm-lint.toml:1:16",
            "`../secret` is not read: leads outside the scanned tree",
        ),
        (
            "baseline = \"/etc/passwd\"\n",
            ".srm-lint.toml:1:12",
            "`/etc/passwd` is not read: absolute path `/etc/passwd`",
        ),
    ] {
        std::fs::write(repo.join(".srm-lint.toml"), config).expect("write");
        assert_refused(&repo, &format!("srm-lint: {at}: {fragment}"));
    }
}

/// Links inside the tree are refused the same way: a policy directory with a link to a TOML
/// file outside, a config file that is itself a link out, a default attestation file that is a
/// link out.
#[cfg(unix)]
#[test]
fn links_named_by_the_config_or_standing_in_for_it_are_refused() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("policies")).expect("mkdir");
    symlink(
        tmp.path().join("outside/x.toml"),
        repo.join("policies/x.toml"),
    )
    .expect("symlink");
    std::fs::write(
        repo.join(".srm-lint.toml"),
        "policy_dirs = [\"policies\"]\n",
    )
    .expect("write");
    assert_refused(
        &repo,
        "srm-lint: policies/x.toml: symbolic link leads outside the scanned tree",
    );

    std::fs::remove_file(repo.join(".srm-lint.toml")).expect("rm");
    symlink(tmp.path().join("secret"), repo.join(".srm-lint.toml")).expect("symlink");
    assert_refused(
        &repo,
        ".srm-lint.toml:1:1: symbolic link leads outside the scanned tree",
    );

    std::fs::remove_file(repo.join(".srm-lint.toml")).expect("rm");
    std::fs::create_dir_all(repo.join(".srm-lint")).expect("mkdir");
    symlink(
        tmp.path().join("secret"),
        repo.join(".srm-lint/attestations.toml"),
    )
    .expect("link");
    assert_refused(
        &repo,
        ".srm-lint/attestations.toml: symbolic link leads outside the scanned tree",
    );
}

/// Paths the user gives are trusted: `--config` may name a policy directory anywhere.
#[test]
fn a_config_given_on_the_command_line_is_trusted() {
    let tmp = tree();
    let policies = tmp.path().join("mine");
    std::fs::create_dir_all(&policies).expect("mkdir");
    let cfg = tmp.path().join("mine.toml");
    std::fs::write(
        &cfg,
        format!("policy_dirs = [{:?}]\n", policies.display().to_string()),
    )
    .expect("write");
    let repo = tmp.path().join("repo");
    let cfg_arg = cfg.display().to_string();
    let (code, r) = json_in(&repo, &[".", "--config", &cfg_arg]);
    assert_eq!(code, 1, "{:#?}", errors(&r));
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
}

/// FIFOs (and other special files) with template names are located errors and are never
/// opened: a scan of the directory and a run naming the FIFO both finish.
#[cfg(unix)]
#[test]
fn special_files_are_errors_and_never_opened() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    let made = std::process::Command::new("mkfifo")
        .arg(repo.join("main.tf"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    for args in [&["."][..], &["main.tf"], &["good.tf"]] {
        let (code, r) = json_in(&repo, args);
        assert_eq!(code, 2, "{args:?}");
        assert_error(
            &r,
            "main.tf:1:1",
            "io-error",
            "is a named pipe (FIFO); special files are never opened",
        );
        if args != ["main.tf"] {
            assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
        }
    }
}

/// A directory scan that finds nothing to check says why and fails (exit 2) unless
/// `--allow-empty`; a named file that is not IaC (pre-commit passes any changed YAML) is a note.
#[test]
fn a_scan_that_checks_nothing_does_not_pass() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    std::fs::write(repo.join(".gitignore"), "*\n").expect("write");
    let (code, r) = json_in(&repo, &["."]);
    assert_eq!(code, 2);
    assert_error(
        &r,
        ".:1:1",
        "no-files",
        "nothing to scan: 1 file(s) with Terraform, YAML or JSON names excluded by ignore rules",
    );
    let run = run_in(&repo, &[".", "--allow-empty"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("srm-lint: 0 files"), "{}", run.stdout);

    std::fs::remove_file(repo.join(".gitignore")).expect("rm");
    std::fs::remove_file(repo.join("good.tf")).expect("rm");
    std::fs::write(repo.join("workflow.yml"), "on: push\njobs: {}\n").expect("write");
    let (code, r) = json_in(&repo, &["."]);
    assert_eq!(code, 2);
    assert_error(
        &r,
        ".:1:1",
        "no-files",
        "1 YAML or JSON file(s) read, none of them a CloudFormation template",
    );
    let (code, r) = json_in(&repo, &["workflow.yml"]);
    assert_eq!(code, 0, "{:#?}", errors(&r));
}

/// Input on which hcl-edit's parser backtracked exponentially (fixed in vendor/hcl-edit): twelve
/// such files are each a located `too-complex` error within seconds, not 10 s apiece.
#[test]
fn backtracking_parses_fail_fast() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    let patterns = ["{a -b - ", "(a -b - ", "{a -b - \"${"];
    for i in 0..12 {
        let p = patterns[i % patterns.len()];
        std::fs::write(
            repo.join(format!("f{i:02}.tf")),
            format!("a = {}\"\n", p.repeat(40)),
        )
        .expect("write");
    }
    let started = std::time::Instant::now();
    let (code, r) = json_in(&repo, &["."]);
    let took = started.elapsed();
    assert_eq!(code, 2);
    let all = errors(&r);
    assert_eq!(all.len(), 12, "{all:#?}");
    for i in 0..12 {
        let at = format!("f{i:02}.tf:1:");
        assert!(
            all.iter().any(|e| e.starts_with(&at)
                && (e.contains(": too-complex ") || e.contains(": parse-error "))),
            "{at}: {all:#?}"
        );
    }
    assert!(
        all.iter().any(|e| e.contains("parse-step budget")),
        "the budget is named: {all:#?}"
    );
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
    assert!(took.as_secs() < 120, "took {took:?}");
}

/// A valid object literal with 40,000 entries parses in linear time (it was quadratic: 100,000
/// entries took over 10 s in a release build and were refused; 40,000 take about 1 s of CPU in
/// this debug build, and would take over the deadline here if insertion were quadratic again).
#[test]
fn a_large_object_literal_is_parsed() {
    let tmp = tree();
    let repo = tmp.path().join("repo");
    let mut text = String::from("locals {\n  m = {\n");
    for i in 0..40_000 {
        text.push_str(&format!("    k{i} = \"v{i}\"\n"));
    }
    text.push_str("  }\n}\n");
    std::fs::write(repo.join("big.tf"), text).expect("write");
    let started = std::time::Instant::now();
    let (code, r) = json_in(&repo, &["."]);
    let took = started.elapsed();
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(code, 1);
    assert_finding(&r, "aws_s3_bucket.good", "good.tf:1:1");
    assert!(took.as_secs() < 120, "took {took:?}");
}

/// The committed cases in `testdata/bad/` (one per kind of hostile tree that can be committed;
/// links, FIFOs and file names with line breaks are generated above).
#[test]
fn committed_hostile_trees() {
    // A config in the tree naming `/`: refused at the value, exit 2, nothing read.
    let run = run_in(root(), &["testdata/bad/config-outside"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "srm-lint: testdata/bad/config-outside/.srm-lint.toml:2:16: `/` is not read: absolute path `/`"
        ),
        "{}",
        run.stderr
    );
    // A .gitignore of `*`: nothing to scan is an error that says why.
    let (code, r) = json_in(root(), &["testdata/bad/nothing-to-scan"]);
    assert_eq!(code, 2);
    assert_error(
        &r,
        "testdata/bad/nothing-to-scan:1:1",
        "no-files",
        "1 file(s) with Terraform, YAML or JSON names excluded by ignore rules",
    );
    // Modules each calling the next three times would make 3^15 instances (9.8 GB before the
    // run's budget): one located error at the call where it ran out, the good file reported.
    let started = std::time::Instant::now();
    let (code, r) = json_in(root(), &["testdata/bad/module-fan-out"]);
    assert_eq!(code, 2);
    assert_eq!(
        errors(&r),
        vec![
            "testdata/bad/module-fan-out/m14/main.tf:4:1: too-complex the run's budget of 20000 module instances is spent here; this call and later ones are not instantiated"
                .to_string()
        ]
    );
    assert_finding(
        &r,
        "aws_s3_bucket.good",
        "testdata/bad/module-fan-out/good.tf:1:1",
    );
    assert!(
        started.elapsed().as_secs() < 240,
        "took {:?}",
        started.elapsed()
    );
}
