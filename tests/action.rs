//! The GitHub Action's script (`action/run.sh`, run by `action.yml`) with `GITHUB_STEP_SUMMARY`
//! and `GITHUB_OUTPUT` pointed at temp files: contents and exit code per `fail-on`.

use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    summary: String,
    outputs: String,
    dir: tempfile::TempDir,
}

fn action(path: &str, fail_on: &str, sarif: bool) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    let outputs = dir.path().join("outputs.txt");
    let sarif_path = dir.path().join("results.sarif");
    let out = Command::new("bash")
        .arg("action/run.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SRM_LINT", env!("CARGO_BIN_EXE_srm-lint"))
        .env("INPUT_PATH", path)
        .env("INPUT_FAIL_ON", fail_on)
        .env("INPUT_ARGS", "--select SRM-S3-004")
        .env(
            "INPUT_SARIF_FILE",
            if sarif {
                sarif_path.to_string_lossy().to_string()
            } else {
                String::new()
            },
        )
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("NO_COLOR", "1")
        .output()
        .expect("run action script");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
        dir,
    }
}

#[test]
fn unaddressed_findings_fail_by_default_and_write_summary_outputs_and_annotations() {
    let r = action("testdata/exit-codes/findings", "unaddressed", true);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.summary
            .contains("## srm-lint: AWS shared-responsibility checklist"),
        "{}",
        r.summary
    );
    assert!(
        r.summary.contains("| ❌ unaddressed | 1 |"),
        "{}",
        r.summary
    );
    assert!(r.outputs.contains("unaddressed=1\n"), "{}", r.outputs);
    assert!(r.outputs.contains("exit-code=1\n"), "{}", r.outputs);
    assert!(
        r.stdout.contains("::warning file=testdata/exit-codes/findings/template.yaml,line=3,col=3,title=SRM-S3-004"),
        "{}",
        r.stdout
    );
    let sarif = std::fs::read_to_string(r.dir.path().join("results.sarif")).expect("sarif written");
    assert!(sarif.contains("\"ruleId\": \"SRM-S3-004\""));
    assert!(r.outputs.contains("sarif-file="), "{}", r.outputs);
}

#[test]
fn fail_on_never_passes_with_findings() {
    let r = action("testdata/exit-codes/findings", "never", false);
    assert_eq!(r.code, 0);
    assert!(r.outputs.contains("unaddressed=1\n"));
    assert!(r.outputs.contains("exit-code=0\n"));
}

#[test]
fn unverified_fails_only_with_fail_on_unverified() {
    let r = action("testdata/action/unverified", "unaddressed", false);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.outputs.contains("unverified=1\n"), "{}", r.outputs);
    let r = action("testdata/action/unverified", "unverified", false);
    assert_eq!(r.code, 1);
    assert!(r.outputs.contains("exit-code=1\n"));
}

#[test]
fn tool_errors_exit_2_whatever_the_threshold() {
    let r = action("testdata/exit-codes/mixed", "never", false);
    assert_eq!(r.code, 2);
    assert!(r.outputs.contains("errors=1\n"), "{}", r.outputs);
    assert!(
        r.stdout
            .contains("::error file=testdata/exit-codes/mixed/broken.yaml,line=5,col=17"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_bad_threshold_is_rejected() {
    let r = action("testdata/exit-codes/findings", "sometimes", false);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("fail-on must be"), "{}", r.stdout);
}
