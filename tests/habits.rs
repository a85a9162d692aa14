//! Habits of checkov and trivy users (issue 22): comma lists, and typos in `--select` /
//! `--ignore` / the config are errors with a suggestion instead of a run that checks nothing.

mod common;
use common::*;

#[test]
fn unknown_duty_patterns_are_errors_with_a_suggestion() {
    let dir = root().join("testdata/examples");
    for (args, expected) in [
        (
            vec![".", "--select", "SRM-XYZ-999"],
            "srm-lint: unknown duty `SRM-XYZ-999` in select (--select or `select` in .srm-lint.toml): it matches no duty; `srm-lint catalog` lists the duties",
        ),
        (
            vec![".", "--ignore", "SRM-S3-04"],
            "srm-lint: unknown duty `SRM-S3-04` in ignore (--ignore or `ignore` in .srm-lint.toml): it matches no duty; did you mean `SRM-S3-004`?",
        ),
        (
            vec![".", "--select", "s3-bucket-versioning-disabld"],
            "did you mean `s3-bucket-versioning-disabled`?",
        ),
    ] {
        let run = run_in(&dir, &args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}: nothing is reported");
    }
}

#[test]
fn comma_separated_patterns_work_like_repeated_flags() {
    let dir = root().join("testdata/examples");
    let (_, repeated) = json_in(
        &dir,
        &[".", "--ignore", "SRM-S3-*", "--ignore", "SRM-IAM-*"],
    );
    let (_, comma) = json_in(&dir, &[".", "--ignore", "SRM-S3-*,SRM-IAM-*"]);
    assert_eq!(repeated["summary"], comma["summary"]);
    let duties: Vec<String> = comma["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .flat_map(|r| r["checklist"].as_array().cloned().unwrap_or_default())
        .map(|e| e["duty"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(!duties.is_empty());
    assert!(
        !duties
            .iter()
            .any(|d| d.starts_with("SRM-S3-") || d.starts_with("SRM-IAM-")),
        "{duties:?}"
    );
}
