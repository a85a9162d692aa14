//! What the integration tests share: running the binary and reading what a user sees.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;

/// The repository root (fixtures are relative to it).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What one run printed.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The run's date every test run is pinned to unless it sets `SRM_LINT_TODAY` or `--date`
/// itself, so that no verdict judged against a dated lifecycle changes as time passes.
pub const TEST_TODAY: &str = "2026-12-07";

/// Runs srm-lint in `cwd` with colour off, the date pinned to [`TEST_TODAY`] (never inherited)
/// and the variables in `env` set. A run is killed after 10 minutes (a hang, not a slow debug build on a
/// loaded machine).
pub fn run_with<K, V>(cwd: &Path, env: impl IntoIterator<Item = (K, V)>, args: &[&str]) -> Run
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let out = Command::cargo_bin("srm-lint")
        .expect("binary")
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("SRM_LINT_TODAY", TEST_TODAY)
        .envs(env)
        .timeout(std::time::Duration::from_secs(600))
        .args(args)
        .output()
        .expect("run srm-lint");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs srm-lint in `cwd` with colour off and the date pinned to [`TEST_TODAY`].
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    run_with(cwd, NO_ENV, args)
}

/// [`run_in`] at the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(root(), args)
}

/// No extra environment, for [`run_with`].
pub const NO_ENV: [(&str, &str); 0] = [];

/// Parses a JSON report, saying what was printed when it is not JSON.
pub fn parse(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}\nstderr: {}", run.stdout, run.stderr))
}

/// [`run_with`] with `--format json`; returns the exit code and the report.
pub fn json_with<K, V>(
    cwd: &Path,
    env: impl IntoIterator<Item = (K, V)>,
    args: &[&str],
) -> (i32, Value)
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = run_with(cwd, env, &all);
    (run.code, parse(&run))
}

/// Runs srm-lint with `--format json` in `cwd`; returns the exit code and the report.
pub fn json_in(cwd: &Path, args: &[&str]) -> (i32, Value) {
    json_with(cwd, NO_ENV, args)
}

/// [`json_in`] at the repository root.
pub fn json(args: &[&str]) -> (i32, Value) {
    json_in(root(), args)
}

/// The report's errors as `path:line:col: code message`.
pub fn errors(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{}:{}:{}: {} {}",
                e["path"].as_str().unwrap_or("?"),
                e["line"],
                e["column"],
                e["code"].as_str().unwrap_or("?"),
                e["message"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// Asserts an error at `at` (`path:line:col`) with `code` whose message contains `fragment`.
#[track_caller]
pub fn assert_error(report: &Value, at: &str, code: &str, fragment: &str) {
    let all = errors(report);
    let prefix = format!("{at}: {code} ");
    assert!(
        all.iter()
            .any(|e| e.starts_with(&prefix) && e.contains(fragment)),
        "no error `{prefix}…{fragment}…` in {all:#?}"
    );
}

/// The reported resources' addresses.
pub fn addresses(report: &Value) -> Vec<String> {
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["address"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// Asserts the resource `address` is reported with an unaddressed finding at `at`
/// (`path:line:col`).
#[track_caller]
pub fn assert_finding(report: &Value, address: &str, at: &str) {
    let res = report["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .unwrap_or_else(|| panic!("no resource {address} in {:?}", addresses(report)));
    let found = res["checklist"].as_array().is_some_and(|c| {
        c.iter().any(|e| {
            e["verdict"] == "unaddressed"
                && format!(
                    "{}:{}:{}",
                    e["path"].as_str().unwrap_or("?"),
                    e["line"],
                    e["column"]
                ) == at
        })
    });
    assert!(found, "{address} has no unaddressed duty at {at}: {res:#}");
}

/// The checklist entry of `duty` on the resource `address`, as JSON (see [`entry`] for the
/// parts a test usually asserts).
#[track_caller]
pub fn entry_json<'a>(report: &'a Value, address: &str, duty: &str) -> &'a Value {
    let res = report["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .unwrap_or_else(|| panic!("no resource {address} in {:?}", addresses(report)));
    res["checklist"]
        .as_array()
        .and_then(|c| c.iter().find(|e| e["duty"] == duty))
        .unwrap_or_else(|| panic!("{address} has no {duty}: {res:#}"))
}

/// A Terraform file with one unaddressed bucket, the good file beside each bad one.
pub const GOOD_TF: &str = "resource \"aws_s3_bucket\" \"good\" {\n  bucket = \"good\"\n}\n";

/// Every output format srm-lint has, for "no format leaks X" checks.
pub const FORMATS: &[&str] = &[
    "pretty", "compact", "json", "sarif", "github", "markdown", "csv", "html",
];

/// `path:line:col` of a JSON object with `path`, `line` and `column`.
pub fn loc(v: &Value) -> String {
    format!(
        "{}:{}:{}",
        v["path"].as_str().unwrap_or("?"),
        v["line"],
        v["column"]
    )
}

/// One checklist entry as the JSON report gives it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The duty id.
    pub duty: String,
    /// `addressed`, `unaddressed`, …
    pub verdict: String,
    /// What the verdict rests on (`code`, `account`, …).
    pub basis: String,
    /// `path:line:col` of the entry.
    pub at: String,
    /// The message.
    pub message: String,
    /// `path:line:col` of each piece of evidence.
    pub evidence: Vec<String>,
}

impl Entry {
    /// Asserts the verdict, basis, place and a fragment of the message.
    #[track_caller]
    pub fn is(&self, verdict: &str, basis: &str, at: &str, fragment: &str) {
        assert_eq!(
            (self.verdict.as_str(), self.basis.as_str(), self.at.as_str()),
            (verdict, basis, at),
            "{self:#?}"
        );
        assert!(
            self.message.contains(fragment),
            "{fragment:?} not in {self:#?}"
        );
    }
}

/// The entry of duty `duty` for the resource `address` in a JSON report.
#[track_caller]
pub fn entry(report: &Value, address: &str, duty: &str) -> Entry {
    let res = report["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .unwrap_or_else(|| panic!("no resource {address} in {:?}", addresses(report)));
    let e = res["checklist"]
        .as_array()
        .and_then(|c| c.iter().find(|e| e["duty"] == duty))
        .unwrap_or_else(|| panic!("{address} has no {duty}: {res:#}"));
    Entry {
        duty: duty.to_string(),
        verdict: e["verdict"].as_str().unwrap_or("?").to_string(),
        basis: e["basis"].as_str().unwrap_or("?").to_string(),
        at: loc(e),
        message: e["message"].as_str().unwrap_or("?").to_string(),
        evidence: e["evidence"]
            .as_array()
            .map(|a| a.iter().map(loc).collect())
            .unwrap_or_default(),
    }
}

/// Writes `files` (relative path, content) into a fresh directory and scans it as JSON with
/// `args`; asserts there is no tool error.
pub fn scan_files(files: &[(&str, &str)], args: &[&str]) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, code) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(p, code).expect("write");
    }
    let mut all = vec!["."];
    all.extend(args);
    let (_, report) = json_in(dir.path(), &all);
    assert_eq!(report["errors"], Value::Array(vec![]), "tool errors");
    (dir, report)
}
