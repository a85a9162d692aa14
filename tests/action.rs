//! The GitHub Action's script (`action/run.sh`, run by `action.yml`) with `GITHUB_STEP_SUMMARY`
//! and `GITHUB_OUTPUT` pointed at temp files: contents and exit code per `fail-on`.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "action/install.rs"]
mod install;

struct Run {
    code: i32,
    stdout: String,
    summary: String,
    outputs: String,
    dir: tempfile::TempDir,
}

/// One run of `action/run.sh`: inputs as the action passes them, in `cwd`.
struct Action {
    cwd: PathBuf,
    env: Vec<(String, String)>,
}

impl Action {
    fn new(path: &str, fail_on: &str) -> Action {
        Action {
            cwd: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            env: vec![
                ("INPUT_PATH".into(), path.into()),
                ("INPUT_FAIL_ON".into(), fail_on.into()),
                ("INPUT_ARGS".into(), "--select SRM-S3-004".into()),
            ],
        }
    }

    fn set(mut self, key: &str, value: &str) -> Action {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    fn within(mut self, cwd: &Path) -> Action {
        self.cwd = cwd.to_path_buf();
        self
    }

    fn run(self) -> Run {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = dir.path().join("summary.md");
        let outputs = dir.path().join("outputs.txt");
        let mut cmd = Command::new("bash");
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh"))
            .current_dir(&self.cwd)
            .env("SRM_LINT", env!("CARGO_BIN_EXE_srm-lint"))
            .env("INPUT_SARIF_FILE", "")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs)
            .env("NO_COLOR", "1")
            // What a CI runner of these tests would set must not leak into the action's run.
            .env_remove("GITHUB_EVENT_PATH")
            .env_remove("GITHUB_BASE_REF")
            .env_remove("INPUT_BASE")
            .env_remove("INPUT_ANNOTATIONS")
            .env_remove("INPUT_FAIL_ON_ERROR");
        for (k, v) in &self.env {
            cmd.env(k, v.replace("{tmp}", &dir.path().to_string_lossy()));
        }
        let out = cmd.output().expect("run action script");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            summary: std::fs::read_to_string(&summary).unwrap_or_default(),
            outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
            dir,
        }
    }
}

fn action(path: &str, fail_on: &str, sarif: bool) -> Run {
    let a = Action::new(path, fail_on);
    if sarif {
        a.set("INPUT_SARIF_FILE", "{tmp}/results.sarif").run()
    } else {
        a.run()
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

/// Buckets in the many-findings repository: 8 findings each, more than one SARIF run's 25,000
/// results in all, and a Markdown checklist of over 10 MB.
const BUCKETS: usize = 3_300;

fn buckets(range: std::ops::Range<usize>) -> String {
    range
        .map(|i| format!("  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b{i}\n"))
        .collect()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A repository whose base commit has `BUCKETS` buckets and whose head adds two more: the base
/// commit's id and the number of lines in the base template.
fn many_findings_repo(dir: &Path) -> (String, usize) {
    let base_text = format!("Resources:\n{}", buckets(0..BUCKETS));
    std::fs::write(dir.join("template.yaml"), &base_text).expect("write");
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "base"]);
    let base = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["checkout", "-q", "-b", "pr"]);
    let head_text = format!("{base_text}{}", buckets(BUCKETS..BUCKETS + 2));
    std::fs::write(dir.join("template.yaml"), head_text).expect("write");
    git(dir, &["commit", "-q", "-am", "two more buckets"]);
    (base, base_text.lines().count())
}

/// The `line=` of every finding annotation (titled by its duty, not `srm-lint`).
fn finding_lines(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter(|l| l.starts_with("::") && !l.contains("title=srm-lint"))
        .filter_map(|l| {
            let at = l.split_once(",line=")?.1;
            at.split(',').next()?.parse().ok()
        })
        .collect()
}

fn output<'a>(outputs: &'a str, key: &str) -> Option<&'a str> {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
}

#[test]
fn many_findings_annotate_changed_lines_only_bound_the_summary_and_split_sarif() {
    let repo = tempfile::tempdir().expect("tempdir");
    let (base, base_lines) = many_findings_repo(repo.path());
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let event = elsewhere.path().join("event.json");
    std::fs::write(
        &event,
        format!(r#"{{"pull_request": {{"base": {{"sha": "{base}"}}}}}}"#),
    )
    .expect("write event");
    let r = Action::new(".", "never")
        .within(repo.path())
        .set("INPUT_ARGS", "")
        .set("GITHUB_EVENT_PATH", &event.to_string_lossy())
        .set("INPUT_SARIF_FILE", "{tmp}/results.sarif")
        .set("INPUT_SARIF_CATEGORY", "prod")
        .run();
    assert_eq!(r.code, 0, "{}", r.stdout.get(..2000).unwrap_or(&r.stdout));
    // Annotations: only the two new buckets' findings, all on lines the head commit added.
    let lines = finding_lines(&r.stdout);
    assert_eq!(lines.len(), 16, "{:?}", lines);
    assert!(lines.iter().all(|&l| l > base_lines), "{lines:?}");
    assert_eq!(
        output(&r.outputs, "annotations"),
        Some("16"),
        "{}",
        r.outputs
    );
    let unaddressed: usize = output(&r.outputs, "unaddressed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(unaddressed > 25_000, "{}", r.outputs);
    // The job summary: under GitHub's 1 MiB, with the counts, the rest folded and a note.
    assert!(r.summary.len() < 1 << 20, "{} bytes", r.summary.len());
    assert!(r.summary.len() > 500_000, "{} bytes", r.summary.len());
    for part in [
        "### Findings by severity",
        "### Findings by duty",
        "<details><summary>More findings</summary>",
        "findings are left out**",
        "--format sarif",
        "Annotations: 16 findings on the lines changed since",
    ] {
        assert!(r.summary.contains(part), "no {part:?} in the summary");
    }
    // SARIF: runs of at most 25,000 results, each its own category, valid against 2.1.0.
    let sarif_text =
        std::fs::read_to_string(r.dir.path().join("results.sarif")).expect("sarif written");
    let sarif: serde_json::Value = serde_json::from_str(&sarif_text).expect("sarif json");
    let runs = sarif["runs"].as_array().expect("runs");
    let sizes: Vec<usize> = runs
        .iter()
        .map(|run| run["results"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [25_000, (BUCKETS + 2) * 8 - 25_000]);
    let ids: Vec<&str> = runs
        .iter()
        .filter_map(|run| run["automationDetails"]["id"].as_str())
        .collect();
    assert_eq!(ids, ["srm-lint/prod/part-1/", "srm-lint/prod/part-2/"]);
    let schema_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif-schema-2.1.0.json"),
    )
    .expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The base named by GITHUB_BASE_REF (a branch) does as well as the event's commit.
    let r = Action::new(".", "never")
        .within(repo.path())
        .set("INPUT_ARGS", "--select\nSRM-S3-004\n")
        .set("GITHUB_BASE_REF", "main")
        .run();
    let lines = finding_lines(&r.stdout);
    assert_eq!(
        lines.len(),
        2,
        "{}",
        r.stdout.get(..2000).unwrap_or(&r.stdout)
    );
    assert!(lines.iter().all(|&l| l > base_lines), "{lines:?}");
}

#[test]
fn all_and_none_choose_the_annotations_and_an_unknown_base_annotates_everything() {
    let r = action("testdata/exit-codes/findings", "never", false);
    assert!(
        r.stdout
            .contains("::notice title=srm-lint::no pull-request base is known"),
        "{}",
        r.stdout
    );
    assert_eq!(finding_lines(&r.stdout).len(), 1, "{}", r.stdout);
    let r = Action::new("testdata/exit-codes/findings", "never")
        .set("INPUT_ANNOTATIONS", "none")
        .run();
    assert!(finding_lines(&r.stdout).is_empty(), "{}", r.stdout);
    assert_eq!(
        output(&r.outputs, "annotations"),
        Some("0"),
        "{}",
        r.outputs
    );
    let r = Action::new("testdata/exit-codes/findings", "never")
        .set("INPUT_ANNOTATIONS", "all")
        .run();
    assert_eq!(finding_lines(&r.stdout).len(), 1, "{}", r.stdout);
    assert!(!r.stdout.contains("::notice"), "{}", r.stdout);
    let r = Action::new("testdata/exit-codes/findings", "never")
        .set("INPUT_ANNOTATIONS", "some")
        .run();
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("annotations must be"), "{}", r.stdout);
}

#[test]
fn multi_line_args_keep_one_argument_per_line_with_its_spaces() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "variable \"name\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("prod vars.tfvars"), "name = \"logs\"\n").expect("write");
    /// An `args` input and what it gives: the exit code, and for a clean run no error and the
    /// one unaddressed bucket.
    struct Case {
        what: &'static str,
        args: &'static str,
        code: i32,
    }
    for c in [
        Case {
            what: "one argument per line; a line may be quoted",
            args: "--var-file\nprod vars.tfvars\n\n--select\n\"SRM-S3-004\"\n",
            code: 0,
        },
        Case {
            what: "a single line is split like a shell, quotes respected",
            args: "--var-file 'prod vars.tfvars' --select SRM-S3-004",
            code: 0,
        },
        Case {
            what: "the space is what matters: split on it, the file is not found (a tool error)",
            args: "--var-file prod vars.tfvars",
            code: 2,
        },
    ] {
        let r = Action::new(".", "never")
            .within(dir.path())
            .set("INPUT_ARGS", c.args)
            .run();
        assert_eq!(r.code, c.code, "{}: {}", c.what, r.stdout);
        if c.code == 0 {
            let counts = (
                output(&r.outputs, "errors"),
                output(&r.outputs, "unaddressed"),
            );
            assert_eq!(counts, (Some("0"), Some("1")), "{}: {}", c.what, r.outputs);
        }
    }
}

#[test]
fn fail_on_error_false_passes_on_a_tool_error_and_says_so() {
    let r = Action::new("testdata/exit-codes/mixed", "never")
        .set("INPUT_FAIL_ON_ERROR", "false")
        .run();
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(output(&r.outputs, "errors"), Some("1"), "{}", r.outputs);
    assert_eq!(output(&r.outputs, "exit-code"), Some("2"), "{}", r.outputs);
    assert!(r.stdout.contains("fail-on-error is false"), "{}", r.stdout);
    // Findings past the threshold still fail the step.
    let r = Action::new("testdata/exit-codes/mixed", "unaddressed")
        .set("INPUT_FAIL_ON_ERROR", "false")
        .set("INPUT_ARGS", "")
        .run();
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = Action::new("testdata/exit-codes/mixed", "never")
        .set("INPUT_FAIL_ON_ERROR", "maybe")
        .run();
    assert_eq!(r.code, 2);
}

/// The outputs `action.yml` declares (the keys under `outputs:`).
fn declared_outputs() -> Vec<String> {
    let yml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml");
    yml.lines()
        .skip_while(|l| *l != "outputs:")
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter_map(|l| {
            let key = l.strip_prefix("  ")?.strip_suffix(':')?;
            (!key.starts_with(' ')).then(|| key.to_string())
        })
        .collect()
}

#[test]
fn every_output_written_is_declared_and_every_declared_one_written() {
    let r = action("testdata/exit-codes/findings", "unaddressed", true);
    let written: Vec<&str> = r
        .outputs
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect();
    let declared = declared_outputs();
    assert!(declared.len() >= 6, "{declared:?}");
    let mut w: Vec<String> = written.iter().map(|s| s.to_string()).collect();
    w.sort();
    // The artifact's URL comes from actions/upload-artifact (a runner's step), not the script.
    let mut d: Vec<String> = declared
        .iter()
        .filter(|k| *k != "html-report-url")
        .cloned()
        .collect();
    d.sort();
    assert_eq!(w, d, "{}", r.outputs);
    assert!(declared.contains(&"exit-code".to_string()));
}

/// The acceptance measure on the CloudFormation templates repository (skipped without it).
#[test]
fn markdown_of_the_cloudformation_templates_fits_a_pr_comment() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/aws-cloudformation__aws-cloudformation-templates");
    if !corpus.is_dir() {
        eprintln!("note: {} does not exist; skipped", corpus.display());
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_srm-lint"))
        .arg(&corpus)
        .args(["--format", "markdown", "--fail-on", "never"])
        .output()
        .expect("run srm-lint");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.chars().count() <= 65_536,
        "{} characters",
        md.chars().count()
    );
    for part in [
        "| ❌ unaddressed |",
        "### Findings by duty",
        "findings are left out**",
    ] {
        assert!(md.contains(part), "no {part:?}");
    }
}

/// srm-lint's standard output for `args`.
fn srm_lint(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_srm-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("run srm-lint");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn notices_reach_every_ci_format() {
    let dir = "testdata/tf/remote-module";
    let said = "is not fetched; its resources are not checked";
    let compact = srm_lint(&[dir, "--format", "compact"]);
    assert!(
        compact
            .lines()
            .any(|l| l.starts_with("testdata/tf/remote-module/main.tf:")
                && l.contains(": notice ")
                && l.contains(said)),
        "{compact}"
    );
    let github = srm_lint(&[dir, "--format", "github"]);
    assert!(
        github.lines().any(|l| l
            .starts_with("::notice file=testdata/tf/remote-module/main.tf,line=")
            && l.contains("title=srm-lint notice::")
            && l.contains(said)),
        "{github}"
    );
    let markdown = srm_lint(&[dir, "--format", "markdown"]);
    assert!(markdown.contains("### Notices (1)"), "{markdown}");
    assert!(markdown.contains(said), "{markdown}");
    let sarif: serde_json::Value =
        serde_json::from_str(&srm_lint(&[dir, "--format", "sarif"])).expect("sarif json");
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notes
            .as_array()
            .is_some_and(|n| n.iter().any(|x| x["level"] == "note"
                && x["message"]["text"]
                    .as_str()
                    .is_some_and(|t| t.contains(said)))),
        "{notes}"
    );
}

#[test]
fn a_markdown_limit_keeps_the_counts_and_the_closing_note() {
    let whole = srm_lint(&["testdata/examples", "-f", "markdown", "--max-markdown", "0"]);
    assert!(whole.len() > 20_000, "{}", whole.len());
    for max in [2_500usize, 8_000, 20_000] {
        let md = srm_lint(&[
            "testdata/examples",
            "-f",
            "markdown",
            "--max-markdown",
            &max.to_string(),
        ]);
        assert!(md.len() <= max, "{max}: {} bytes", md.len());
        assert!(md.contains("| ❌ unaddressed |"), "{md}");
        assert!(md.trim_end().ends_with("--max-markdown 0`."), "{md}");
    }
    // A report that fits is the whole report.
    let fits = srm_lint(&["testdata/examples", "-f", "markdown"]);
    assert_eq!(fits, whole);
}

#[test]
fn the_html_report_is_written_for_the_artifact_and_linked_from_the_summary() {
    let r = Action::new("testdata/exit-codes/findings", "never")
        .set("INPUT_HTML_REPORT", "true")
        .set("RUNNER_TEMP", "{tmp}")
        .run();
    assert_eq!(r.code, 0, "{}", r.stdout);
    let html = r.dir.path().join("srm-lint-report/srm-lint-report.html");
    let text = std::fs::read_to_string(&html).expect("the HTML report");
    assert!(text.contains("Content-Security-Policy"), "{text}");
    assert!(text.contains("SRM-S3-004"));
    assert!(
        r.outputs
            .contains(&format!("html-file={}\n", html.display())),
        "{}",
        r.outputs
    );
    // Off: no file, an empty output; anything but true or false is refused.
    let off = Action::new("testdata/exit-codes/findings", "never")
        .set("INPUT_HTML_REPORT", "false")
        .set("RUNNER_TEMP", "{tmp}")
        .run();
    assert!(off.outputs.contains("html-file=\n"), "{}", off.outputs);
    assert!(!off.dir.path().join("srm-lint-report").exists());
    let bad = Action::new("testdata/exit-codes/findings", "never")
        .set("INPUT_HTML_REPORT", "yes")
        .run();
    assert_eq!(bad.code, 2);
    assert!(
        bad.stdout.contains("html-report must be true or false"),
        "{}",
        bad.stdout
    );
    // The summary's link: an https URL only, as Markdown.
    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/helpers.py");
    let link = |url: &str| {
        Command::new("python3")
            .arg(&helper)
            .args(["summary-link", url])
            .output()
            .expect("python3")
    };
    let ok = link("https://github.com/o/r/actions/runs/1/artifacts/2");
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains(
        "[Responsibility report (HTML)](https://github.com/o/r/actions/runs/1/artifacts/2)"
    ));
    for bad in [
        "javascript:alert(1)",
        "https://x.example/a)(b",
        "https://x.example/\n# forged",
    ] {
        let out = link(bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(out.stdout.is_empty(), "{bad:?}");
    }
}
