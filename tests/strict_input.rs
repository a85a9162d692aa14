//! Strict inputs (issue 24): attestation dates are calendar dates within a bounded horizon,
//! `SRM_LINT_TODAY` is validated, and suppression markers count only in real comments.
//! Fixtures: `testdata/bad/attest-dates/` and `testdata/bad/suppress-in-string/`, each with a good
//! file beside the bad one.

mod common;

use common::{errors, root, Run};
use serde_json::Value;
use std::ffi::OsStr;
use std::path::Path;

const TODAY: &str = "2026-12-07";

/// Runs srm-lint in `cwd` with `SRM_LINT_TODAY` set to `today`.
fn run(cwd: &Path, today: &OsStr, args: &[&str]) -> Run {
    common::run_with(cwd, [("SRM_LINT_TODAY", today)], args)
}

fn json_in(cwd: &Path, path: &str) -> (i32, Value) {
    common::json_with(cwd, [("SRM_LINT_TODAY", TODAY)], &[path])
}

/// (address, verdict) of every checklist entry of `duty`.
fn verdicts(report: &Value, duty: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in report["resources"].as_array().into_iter().flatten() {
        for c in r["checklist"].as_array().into_iter().flatten() {
            if c["duty"] == duty {
                out.push((
                    r["address"].as_str().unwrap_or("?").to_string(),
                    c["verdict"].as_str().unwrap_or("?").to_string(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn attestation_dates_are_calendar_dates_within_the_horizon_located_at_until() {
    let (code, report) = json_in(root(), "testdata/bad/attest-dates");
    assert_eq!(code, 2, "invalid attestations are tool errors");
    let file = "testdata/bad/attest-dates/.srm-lint/attestations.toml";
    assert_eq!(
        errors(&report),
        [
            format!("{file}:14:9: invalid-attestation attestation of SRM-EC2-006: 2027-02-30 is not a calendar date"),
            format!("{file}:21:9: invalid-attestation attestation of SRM-EC2-006: 2027-13-01 is not a calendar date"),
            format!("{file}:28:9: invalid-attestation attestation of SRM-EC2-006: until 99999-12-31 is more than 3 years after today (2026-12-07); attestations must be renewed (the limit is `max_attestation_years` in .srm-lint.toml)"),
        ]
    );
    assert_eq!(report["summary"]["errors"], 3);
    // The good file is still reported, and the valid record still applies.
    assert_eq!(
        verdicts(&report, "SRM-EC2-006"),
        pairs(&[
            ("aws_instance.batch", "attestation"),
            ("aws_instance.legacy", "attestation"),
            ("aws_instance.reports", "attestation"),
            ("aws_instance.web", "attested"),
        ])
    );
    // The same located errors in the line formats.
    let Run {
        code,
        stdout: compact,
        ..
    } = run(
        root(),
        OsStr::new(TODAY),
        &["testdata/bad/attest-dates", "-f", "compact"],
    );
    assert_eq!(code, 2);
    assert!(
        compact.contains(&format!(
            "{file}:14:9: error invalid-attestation attestation of SRM-EC2-006: 2027-02-30 is not a calendar date"
        )),
        "{compact}"
    );
}

#[test]
fn the_attestation_horizon_is_configurable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join(".srm-lint")).expect("mkdir");
    std::fs::write(
        d.join("main.tf"),
        "resource \"aws_instance\" \"a\" {}\nresource \"aws_instance\" \"b\" {}\n",
    )
    .expect("write");
    std::fs::write(d.join(".srm-lint.toml"), "max_attestation_years = 1\n").expect("write");
    let record = |address: &str, until: &str| {
        format!(
            "[[attestation]]\nduty = \"SRM-EC2-006\"\nresources = [\"{address}\"]\nby = \"ops\"\nreason = \"r\"\nuntil = \"{until}\"\n"
        )
    };
    std::fs::write(
        d.join(".srm-lint/attestations.toml"),
        record("aws_instance.a", "2027-12-07") + &record("aws_instance.b", "2027-12-08"),
    )
    .expect("write");
    let (code, report) = json_in(d, ".");
    assert_eq!(code, 2);
    let all = errors(&report);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0].ends_with(":12:9: invalid-attestation attestation of SRM-EC2-006: until 2027-12-08 is more than 1 year after today (2026-12-07); attestations must be renewed (the limit is `max_attestation_years` in .srm-lint.toml)"),
        "{all:#?}"
    );
    assert_eq!(
        verdicts(&report, "SRM-EC2-006"),
        pairs(&[
            ("aws_instance.a", "attested"),
            ("aws_instance.b", "attestation"),
        ])
    );
    // A value that is not a number of years is a located configuration error.
    std::fs::write(d.join(".srm-lint.toml"), "max_attestation_years = -1\n").expect("write");
    let Run { code, stderr, .. } = run(d, OsStr::new(TODAY), &["."]);
    assert_eq!(code, 2);
    assert!(stderr.contains(".srm-lint.toml:1:25"), "{stderr}");
}

#[test]
fn a_pinned_today_that_is_not_a_date_is_a_tool_error_naming_it() {
    for (value, shown) in [
        ("2026-02-30", "\"2026-02-30\""),
        ("", "\"\""),
        (
            "tomorrow\u{1b}]0;pwned\u{7}\u{202e}",
            "\"tomorrow\\u{1b}]0;pwned\\u{7}\\u{202e}\"",
        ),
    ] {
        let Run {
            code,
            stdout,
            stderr,
        } = run(root(), OsStr::new(value), &["testdata/attest"]);
        assert_eq!(code, 2, "{value:?}");
        assert!(stdout.is_empty(), "{stdout}");
        assert_eq!(
            stderr,
            format!("srm-lint: SRM_LINT_TODAY must be a calendar date YYYY-MM-DD, not {shown}\n")
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Run { code, stderr, .. } =
            run(root(), OsStr::from_bytes(b"2026\xff"), &["testdata/attest"]);
        assert_eq!(code, 2);
        assert!(stderr.contains("not \"2026\\xFF\""), "{stderr}");
    }
}

#[test]
fn suppression_markers_count_only_in_real_comments() {
    let (code, report) = json_in(root(), "testdata/bad/suppress-in-string");
    assert_eq!(code, 1, "the markers in strings silence nothing");
    assert_eq!(errors(&report), Vec::<String>::new());
    assert_eq!(
        report["unused_suppressions"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        verdicts(&report, "SRM-S3-004"),
        pairs(&[
            // Terraform: a string, an interpolation, heredocs; JSON syntax has no comments.
            ("aws_s3_bucket.quoted", "unaddressed"),
            ("aws_s3_bucket.interpolated", "unaddressed"),
            ("aws_s3_bucket.heredoc", "unaddressed"),
            ("aws_s3_bucket.indented_heredoc", "unaddressed"),
            ("aws_s3_bucket.json", "unaddressed"),
            // CloudFormation: a block scalar, a quoted string, a comment (only Metadata counts).
            ("BlockScalar", "unaddressed"),
            ("Quoted", "unaddressed"),
            ("Commented", "unaddressed"),
            // The good files: real comments (one after a string holding `#`), and Metadata.
            ("aws_s3_bucket.commented", "suppressed"),
            ("aws_s3_bucket.same_line", "suppressed"),
            ("Suppressed", "suppressed"),
        ])
    );
}
