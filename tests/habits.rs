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

/// One run writes the terminal report, SARIF and JUnit XML (checkov's habit of several outputs),
/// and each file holds the same findings.
#[test]
fn one_run_writes_several_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let (s, j) = (
        format!("sarif={}", sarif.display()),
        format!("junit={}", junit.display()),
    );
    let run = run_in(root(), &["testdata/examples", "-o", &s, "-o", &j]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("srm-lint: "),
        "the terminal report on stdout"
    );
    let (_, report) = json_in(root(), &["testdata/examples"]);
    let unaddressed = report["summary"]["verdicts"]["unaddressed"]
        .as_u64()
        .expect("count");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("json");
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"srm-lint\""
        ),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("failures=\"{unaddressed}\"")),
        "failures = unaddressed duties"
    );
    assert_eq!(xml.matches("<failure ").count() as u64, unaddressed);
    assert!(
        xml.contains("<testcase classname=\"aws_s3_bucket.logs\""),
        "a case per resource and duty"
    );
}

/// `--fail-on-severity` decides the exit code without removing anything from the report.
#[test]
fn fail_on_severity_keeps_the_report_whole() {
    let compact = |extra: &[&str]| {
        run_in(
            root(),
            &[&["testdata/examples", "-f", "compact"], extra].concat(),
        )
    };
    let all = compact(&[]);
    let high = compact(&["--fail-on-severity", "critical"]);
    assert_eq!(all.code, 1);
    assert_eq!(all.stdout, high.stdout, "the same findings are reported");
    // The examples have no critical finding: the threshold passes the run.
    assert!(!high.stdout.contains(" critical "), "{}", high.stdout);
    assert_eq!(high.code, 0, "no critical finding fails the run");
    // SRM-EC2-002 (medium) is the examples' unverified entry on aws_instance.web: under the
    // threshold `--fail-on unaddressed` (the default) does not count it, `--fail-on unverified`
    // does.
    let only = ["--select", "SRM-EC2-002", "--fail-on-severity", "medium"];
    let lenient = compact(&only);
    assert!(
        lenient.stdout.contains(" medium SRM-EC2-002 [unverified] "),
        "{}",
        lenient.stdout
    );
    assert_eq!(
        lenient.code, 0,
        "an unverified entry does not fail by default"
    );
    let strict = compact(&[&only[..], &["--fail-on", "unverified"]].concat());
    assert_eq!(strict.code, 1);
    let low = compact(&["--fail-on-severity", "low"]);
    assert_eq!(low.code, 1);
}

/// `--quiet` keeps the findings and errors of the terminal formats and drops the rest (notices,
/// unused-suppression warnings, the summary); the exit code and the other formats are unchanged.
#[test]
fn quiet_prints_only_findings_and_errors() {
    // Findings only (exit 1); a remote module's notice and nothing else (exit 0, nothing
    // printed); an unused suppression beside an error (exit 2).
    for (dir, code) in [
        ("testdata/examples", 1),
        ("testdata/tf/remote-module", 0),
        ("testdata/tf/suppression", 2),
    ] {
        let scan = |extra: &[&str]| run_in(root(), &[&[dir], extra].concat());
        let pretty = scan(&[]);
        let quiet = scan(&["-q"]);
        assert_eq!(
            (pretty.code, quiet.code),
            (code, code),
            "{dir}: exit code unchanged"
        );
        assert!(pretty.stdout.contains("\nsrm-lint: "), "{}", pretty.stdout);
        assert!(
            !quiet.stdout.contains("srm-lint: "),
            "{dir}: no summary: {}",
            quiet.stdout
        );
        assert!(
            !quiet.stdout.contains("\nnote: "),
            "{dir}: no notices: {}",
            quiet.stdout
        );
        assert!(
            !quiet.stdout.contains("\nwarning: "),
            "{dir}: {}",
            quiet.stdout
        );
        if code == 0 {
            assert_eq!(quiet.stdout, "", "{dir}: nothing to report");
        } else {
            assert!(
                quiet.stdout.contains("unaddressed "),
                "{dir}: findings stay"
            );
            assert!(
                quiet
                    .stdout
                    .starts_with(pretty.stdout.lines().next().unwrap_or("?")),
                "{dir}: the same first diagnostic"
            );
        }
        let compact = scan(&["-f", "compact"]);
        let quiet = scan(&["-f", "compact", "--quiet"]);
        assert_eq!(quiet.code, compact.code);
        let kept: String = compact
            .stdout
            .lines()
            .filter(|l| !l.contains(": notice ") && !l.contains(": warning unused-suppression "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(kept.len() < compact.stdout.len() || dir == "testdata/examples");
        assert_eq!(quiet.stdout, kept, "{dir}");
        let json = scan(&["-f", "json"]);
        let quiet = scan(&["-f", "json", "-q"]);
        assert_eq!(
            (quiet.code, quiet.stdout),
            (json.code, json.stdout),
            "{dir}: json whole"
        );
    }
}

/// The terminal report closes with a table: findings by severity and verdict, the duties with
/// the most findings (at most 10, by count then id) and the resources with the most (at most 10,
/// by count then file and line), before the summary line. `--quiet` and a scan without findings
/// have none.
#[test]
fn terminal_report_closes_with_a_summary_table() {
    let run = run_in(root(), &["testdata/examples"]);
    assert_eq!(run.code, 1);
    let table = run
        .stdout
        .split_once("\nseverity ")
        .map(|(_, t)| format!("severity {t}"))
        .unwrap_or_default();
    let expected = "\
severity   unaddressed  unverified   total
critical             0           0       0
high                 4           0       4
medium              22           2      24
low                 37           1      38
total               63           3      66
top duties (10 of 43):
      3  SRM-S3-009 s3-bucket-access-logging-disabled
      3  SRM-S3-010 s3-bucket-lifecycle-missing
      3  SRM-S3-021 s3-bucket-event-notifications-missing
      3  SRM-S3-022 s3-bucket-object-lock-disabled
      3  SRM-S3-023 s3-bucket-replication-missing
      2  SRM-DDB-002 dynamodb-table-deletion-protection-disabled
      2  SRM-DDB-003 dynamodb-table-not-encrypted-with-cmk
      2  SRM-LOGS-001 log-group-retention-unset
      2  SRM-LOGS-002 log-group-not-encrypted-with-cmk
      2  SRM-S3-004 s3-bucket-versioning-disabled
top resources (10 of 17):
     10  aws_db_instance.main (testdata/examples/terraform/main.tf:35:1)
      8  aws_s3_bucket.logs (testdata/examples/terraform/main.tf:11:1)
      7  OrdersBucket (testdata/examples/cloudformation/app.yaml:16:3)
      6  aws_s3_bucket.uploads (testdata/examples/terraform/main.tf:4:1)
      4  OrdersTopic (testdata/examples/cloudformation/app.yaml:45:3)
      4  OrdersQueue (testdata/examples/cloudformation/app.yaml:50:3)
      4  ProcessOrder (testdata/examples/cloudformation/app.yaml:84:3)
      3  OrdersTable (testdata/examples/cloudformation/app.yaml:68:3)
      3  aws_instance.web (testdata/examples/terraform/main.tf:20:1)
      3  aws_sqs_queue.jobs (testdata/examples/terraform/main.tf:47:1)
srm-lint: 5 files, 22 resources, 139 duties: 63 unaddressed, 3 unverified, 11 attestation, 0 attested, 0 suppressed, 62 addressed
";
    assert_eq!(table, expected);
    // The counts agree with the JSON report: per severity, and per resource.
    let (_, report) = json_in(root(), &["testdata/examples"]);
    assert_eq!(report["summary"]["verdicts"]["unaddressed"], 63);
    assert_eq!(report["summary"]["verdicts"]["unverified"], 3);
    let findings_of = |address: &str| {
        report["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["address"] == address))
            .and_then(|r| r["checklist"].as_array())
            .map(|c| {
                c.iter()
                    .filter(|e| e["verdict"] == "unaddressed" || e["verdict"] == "unverified")
                    .count()
            })
    };
    assert_eq!(findings_of("aws_db_instance.main"), Some(10));
    assert_eq!(findings_of("OrdersBucket"), Some(7));
    let quiet = run_in(root(), &["testdata/examples", "-q"]);
    assert!(!quiet.stdout.contains("\nseverity "), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("top duties"), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("top resources"), "{}", quiet.stdout);
    let none = run_in(root(), &["testdata/tf/remote-module"]);
    assert_eq!(none.code, 0);
    assert!(!none.stdout.contains("top duties"), "{}", none.stdout);
    assert!(!none.stdout.contains("top resources"), "{}", none.stdout);
    assert!(
        none.stdout.contains("\nsrm-lint: 1 files"),
        "{}",
        none.stdout
    );
}

/// `--help` ends with the legend of the terminal report's glyphs, verdicts and exit codes, and
/// the glyphs it names are the ones a finding starts with.
#[test]
fn help_explains_the_glyphs() {
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    for line in [
        "  × (x)  error    an unaddressed duty of critical or high severity; a tool error",
        "  ⚠ (!)  warning  an unaddressed medium duty, or any unverified duty",
        "  ☞ (>)  note     an unaddressed low or info duty",
        "  unverified   a value the duty depends on is unknown (a finding; never counted as proof)",
        "Exit codes: 0 nothing fails (see --fail-on, --fail-on-severity), 1 findings fail, 2 tool error",
    ] {
        assert!(help.stdout.contains(line), "{line}\n{}", help.stdout);
    }
    assert!(help.stdout.contains("  -q, --quiet"), "{}", help.stdout);
    // Not a terminal: the ASCII glyphs, by severity and verdict.
    let report = run(&["testdata/examples"]).stdout;
    for start in [
        "  x unaddressed aws_db_instance.main: ",
        "  > unaddressed aws_sqs_queue.jobs: ",
        "  ! unverified ",
    ] {
        assert!(report.contains(start), "{start}");
    }
}

/// `--fail-on unverified` counts what was not checked (a module srm-lint does not fetch) as
/// unverified: the run fails, whatever `--fail-on-severity` says; the report is the same.
#[test]
fn fail_on_unverified_counts_what_was_not_checked() {
    let scan = |extra: &[&str]| {
        run_in(
            root(),
            &[&["testdata/tf/remote-module", "-f", "compact"], extra].concat(),
        )
    };
    let default = scan(&[]);
    assert_eq!(default.code, 0, "{}", default.stdout);
    assert_eq!(
        default.stdout,
        "testdata/tf/remote-module/main.tf:1:1: notice module.logs_bucket source \"terraform-aws-modules/s3-bucket/aws\" is not fetched; its resources are not checked\n"
    );
    let strict = scan(&["--fail-on", "unverified"]);
    assert_eq!((strict.code, &strict.stdout), (1, &default.stdout));
    let critical = scan(&["--fail-on", "unverified", "--fail-on-severity", "critical"]);
    assert_eq!(critical.code, 1);
    assert_eq!(scan(&["--fail-on", "never"]).code, 0);
    // A notice that is not about skipped resources does not fail the run.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env:\n    Type: String\n\
         Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n\
         Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Condition: IsProd\n",
    )
    .expect("write");
    let args = ["t.yaml", "-f", "compact", "--parameter", "Env=dev"];
    let off = run_in(
        dir.path(),
        &[&args[..], &["--fail-on", "unverified"]].concat(),
    );
    assert_eq!(
        (off.code, off.stdout.as_str()),
        (0, "t.yaml:8:3: notice resource `Bucket` is not created: its condition `IsProd` is false with the given parameters\n")
    );
    // The JSON report says which is which: the notice's `kind`, the fact the threshold reads.
    let kinds = |report: &serde_json::Value| -> Vec<(String, String)> {
        report["notices"]
            .as_array()
            .map(|ns| {
                ns.iter()
                    .map(|n| (n["kind"].to_string(), n["message"].to_string()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (_, remote) = json_in(root(), &["testdata/tf/remote-module"]);
    let remote = kinds(&remote);
    assert_eq!(remote.len(), 1, "{remote:?}");
    assert_eq!(remote[0].0, "\"not-checked\"", "{remote:?}");
    let (_, skipped) = json_in(dir.path(), &["t.yaml", "--parameter", "Env=dev"]);
    let skipped = kinds(&skipped);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].0, "\"info\"", "{skipped:?}");
}

/// Every notice that says resources are not checked has the kind `not-checked`, and no other
/// notice has it: the kind is set where the notice is made, not read from its words.
#[test]
fn notices_saying_not_checked_have_that_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("t.yaml"),
        "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::LanguageExtensions\n\
         Resources:\n  Fn::ForEach::Buckets:\n    - Name\n    - [a, b]\n    - B${Name}:\n        Type: AWS::S3::Bucket\n\
         \x20 Mod:\n    Type: !Rain::Module ./m.yaml\n",
    )
    .expect("write");
    let rain_json = r#"{"AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"M": {"Type": {"Rain::Module": "./m.yaml"}}}}"#;
    std::fs::write(dir.path().join("r.json"), rain_json).expect("write");
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (cwd, path) in [
        (dir.path(), "."),
        (root(), "testdata/tf/remote-module"),
        (root(), "testdata/cfn/nested"),
        (root(), "testdata/bad/outside-root/root"),
    ] {
        let (_, report) = json_in(cwd, &[path]);
        for n in report["notices"].as_array().cloned().unwrap_or_default() {
            let (kind, message) = (n["kind"].as_str().unwrap_or("?"), &n["message"]);
            let says = message.as_str().is_some_and(|m| m.contains("not checked"));
            assert_eq!(kind == "not-checked", says, "{path}: {n}");
            assert!(kind == "not-checked" || kind == "info", "{n}");
            *seen.entry(kind.to_string()).or_default() += 1;
        }
    }
    // The ForEach, both Rain forms, three modules and three nested stacks; one child template.
    assert!(seen.get("not-checked").is_some_and(|n| *n >= 9), "{seen:?}");
    assert!(seen.get("info").is_some_and(|n| *n >= 1), "{seen:?}");
}
