//! Output a hostile tree cannot forge or bend (issue 24): file names, resource names, values
//! and TOML keys with line breaks, escape sequences and bidi controls are escaped in every
//! format, and a minified template's long line prints a window around each finding, not the
//! whole line. Each case runs the binary and asserts what a user sees.

mod common;

use common::{run_in, Run, FORMATS};
use serde_json::Value;
use std::time::{Duration, Instant};

const FORGED: &str = "good.tf:1:1: critical SRM-FAKE-001 [unaddressed]";

/// Raw characters no output may hold: ESC, CSI (C1), RLO and LRI (bidi), a line separator.
const RAW: [char; 5] = ['\u{1b}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{2028}'];

#[track_caller]
fn assert_nothing_forged_or_raw(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with(FORGED),
            "{what}: forged line {line:?}"
        );
    }
    for c in RAW {
        assert!(!text.contains(c), "{what}: raw {c:?} in\n{text}");
    }
}

/// Markdown table cells: `|` not escaped by a backslash.
fn cell_bars(line: &str) -> usize {
    let mut bars = 0;
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            bars += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    bars
}

#[test]
fn hostile_names_and_values_forge_nothing_in_any_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    // A file name that starts a line looking like a finding, with a screen clear and an RLO;
    // a resource label and a value with bidi controls and a C1 CSI (shown in snippets).
    let name = format!("a\n{FORGED} x\u{1b}[2J\u{202e}.tf");
    let body =
        "resource \"aws_s3_bucket\" \"b\u{202e}x\" {\n  bucket = \"x\u{2066}\u{9b}\u{2028}\"\n}\n";
    std::fs::write(repo.join(&name), body).expect("write");
    // Markdown: a name with a table bar and a backtick (another label: one module declares
    // each address once).
    std::fs::write(
        repo.join("p|ipe`tick.tf"),
        body.replace("\"b\u{202e}x\"", "\"c\u{202e}x\""),
    )
    .expect("write");
    std::fs::write(
        repo.join("real.tf"),
        "resource \"aws_s3_bucket\" \"real\" {\n  bucket = \"r\"\n}\n",
    )
    .expect("write");
    for &format in FORMATS {
        let Run {
            code: exit,
            stdout,
            stderr,
        } = run_in(repo, &[".", "--format", format]);
        assert_eq!(exit, 1, "{format}: {stderr}");
        assert_nothing_forged_or_raw(&format!("{format} stdout"), &stdout);
        assert_nothing_forged_or_raw(&format!("{format} stderr"), &stderr);
        assert!(
            stdout.contains("real"),
            "{format}: the good file is reported"
        );
        match format {
            "pretty" | "compact" => {
                assert!(stdout.contains("a\\u{a}good.tf:1:1"), "{format}: {stdout}");
                assert!(stdout.contains("b\\u{202e}x"), "{format}: {stdout}");
            }
            "csv" => {
                let mut rows = csv::Reader::from_reader(stdout.as_bytes());
                let paths: Vec<String> = rows
                    .records()
                    .filter_map(|r| Some(r.ok()?.get(1)?.to_string()))
                    .collect();
                assert!(
                    paths
                        .iter()
                        .any(|p| p.starts_with("a\\u{a}good.tf:1:1: critical")),
                    "{paths:?}"
                );
                assert!(stdout.contains("aws_s3_bucket.b\\u{202e}x"), "{stdout}");
            }
            "html" => {
                // In the page's JSON blob: the escape's backslash as JSON writes it.
                assert!(stdout.contains("aws_s3_bucket.b\\\\u{202e}x"), "{stdout}");
                assert!(
                    stdout.contains("a\\\\u{a}good.tf:1:1: critical"),
                    "{stdout}"
                );
            }
            "github" => {
                assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
                assert!(stdout.contains("file=a\\u{a}good.tf%3A1%3A1%3A critical"));
            }
            "markdown" => {
                for row in stdout
                    .lines()
                    .filter(|l| l.starts_with("| ❌") && l.contains("`SRM-"))
                {
                    assert_eq!(cell_bars(row), 7, "{row}");
                }
                assert!(stdout.contains("`` p\\|ipe`tick.tf:1 ``"), "{stdout}");
            }
            "sarif" => {
                let v: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");
                let uris: Vec<&str> = v["runs"][0]["results"]
                    .as_array()
                    .expect("results")
                    .iter()
                    .filter_map(|r| {
                        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
                    })
                    .collect();
                assert!(uris.contains(&"a%0Agood.tf:1:1:%20critical%20SRM-FAKE-001%20%5Bunaddressed%5D%20x%1B%5B2J%E2%80%AE.tf"), "{uris:?}");
                assert!(stdout.contains("b\\\\u{202e}x"), "message text escaped");
            }
            _ => {
                // JSON keeps values exact (escaped as JSON, never raw).
                let v: Value = serde_json::from_str(&stdout).expect("JSON");
                let paths: Vec<&str> = v["files"]
                    .as_array()
                    .expect("files")
                    .iter()
                    .filter_map(|f| f["path"].as_str())
                    .collect();
                assert!(paths.contains(&name.as_str()), "{paths:?}");
                assert!(stdout.contains("\\u202e"), "{stdout}");
            }
        }
    }
}

#[test]
fn escape_bytes_in_toml_keys_reach_no_terminal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    std::fs::write(
        repo.join("main.tf"),
        "resource \"aws_s3_bucket\" \"b\" {}\n",
    )
    .expect("write");
    std::fs::write(repo.join(".srm-lint.toml"), "\"\\u001b[2Jx\\u202e\" = 1\n").expect("write");
    let Run {
        code: exit,
        stdout,
        stderr,
    } = run_in(repo, &["."]);
    assert_eq!(exit, 2);
    assert_nothing_forged_or_raw("config stderr", &stderr);
    assert_nothing_forged_or_raw("config stdout", &stdout);
    assert!(
        stderr.contains(".srm-lint.toml:1:1: unknown field `\\u{1b}[2Jx\\u{202e}`"),
        "{stderr}"
    );
    // A policy file the configuration names: a TOML key holding a line break and a forged
    // line, quoted back by the TOML error under its own line.
    std::fs::create_dir_all(repo.join("pol")).expect("mkdir");
    std::fs::write(
        repo.join("pol/service.toml"),
        format!("id = \"x\"\n\"\\u001b]0;t\\u0007\\u202e\\n{FORGED}\" = 2\n"),
    )
    .expect("write");
    std::fs::write(repo.join(".srm-lint.toml"), "policy_dirs = [\"pol\"]\n").expect("write");
    let Run {
        code: exit, stderr, ..
    } = run_in(repo, &["."]);
    assert_eq!(exit, 2);
    assert_nothing_forged_or_raw("policy stderr", &stderr);
    assert!(!stderr.contains('\u{7}'), "{stderr}");
    assert!(stderr.contains("policy error"), "{stderr}");
    assert!(
        stderr.contains("TOML parse error at line 2, column 1: unknown field `\\u{1b}]0;t\\u{7}\\u{202e}\\u{a}good.tf:1:1"),
        "{stderr}"
    );
}

/// A one-line template of `n` buckets, and the byte offset of each bucket's logical id.
fn minified(n: usize) -> (String, Vec<usize>) {
    let mut text = String::from("{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Resources\":{");
    let mut at = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        at.push(text.len());
        text.push_str(&format!(
            "\"Bucket{i}\":{{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{{\"BucketName\":\"b-{i}\",\"Tags\":[{{\"Key\":\"owner\",\"Value\":\"team-{i}\"}}]}}}}"
        ));
    }
    text.push_str("}}");
    (text, at)
}

#[test]
fn a_minified_template_prints_a_window_per_finding() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    // About 34 KB on one line.
    let (text, at) = minified(260);
    assert!(text.len() > 30_000);
    std::fs::write(repo.join("template.json"), &text).expect("write");
    let Run {
        code: exit,
        stdout: compact,
        ..
    } = run_in(repo, &[".", "--format", "compact"]);
    assert_eq!(exit, 1);
    let findings = compact.lines().count();
    assert!(findings >= 260, "{findings}");
    let Run {
        code: exit,
        stdout: pretty,
        ..
    } = run_in(repo, &["."]);
    assert_eq!(exit, 1);
    assert!(
        pretty.len() < 2048 * findings,
        "{} bytes for {findings} findings",
        pretty.len()
    );
    // Snippet lines (` 1 | …`) show a window of the line.
    let shown = pretty.lines().filter(|l| {
        l.trim_start()
            .split_once(" | ")
            .is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
    });
    for line in shown {
        assert!(line.chars().count() < 300, "{line}");
    }
    // The last bucket: the header has its real column, the window holds its logical id, and
    // the underline starts under it.
    let i = at.len() - 1;
    let column = at.last().copied().unwrap_or(0) + 1;
    let header = format!("[template.json:1:{column}]");
    let lines: Vec<&str> = pretty.lines().collect();
    let h = lines
        .iter()
        .position(|l| l.ends_with(&header))
        .unwrap_or_else(|| panic!("no {header} in\n{pretty}"));
    let (snippet, underline) = (lines[h + 1], lines[h + 2]);
    let id = format!("\"Bucket{i}\"");
    let under = snippet
        .get(..snippet.find(&id).expect("the logical id in the window"))
        .map_or(0, |t| t.chars().count());
    assert!(snippet.contains('…'), "{snippet}");
    assert_eq!(underline.find('^'), Some(under), "{snippet}\n{underline}");
    assert_eq!(
        underline.trim_start_matches([' ', ':']).len(),
        id.len(),
        "{underline}"
    );
}

#[test]
fn the_report_stage_is_not_quadratic_on_a_long_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path();
    // 3000 buckets on one line (about 400 KB): quadratic line:column work took minutes here.
    let (text, _) = minified(3000);
    std::fs::write(repo.join("template.json"), &text).expect("write");
    for format in ["compact", "json", "sarif", "pretty"] {
        let started = Instant::now();
        let Run {
            code: exit, stdout, ..
        } = run_in(repo, &[".", "--format", format]);
        assert_eq!(exit, 1, "{format}");
        assert!(stdout.contains("Bucket2999"), "{format}");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(60), "{format}: {took:?}");
    }
}

mod property {
    use proptest::prelude::*;
    use srm_lint::catalog::Catalog;
    use srm_lint::report::{self, Report};
    use std::sync::OnceLock;

    fn catalog() -> &'static Catalog {
        static C: OnceLock<Catalog> = OnceLock::new();
        C.get_or_init(|| Catalog::builtin().expect("the built-in catalog loads"))
    }

    /// Characters that break lines, drive terminals or reorder text, and ones that mean
    /// something to the formats (Markdown cells and code spans, workflow commands).
    const HOSTILE: &[char] = &[
        '\n', '\r', '\t', '\u{0}', '\u{1b}', '\u{7}', '\u{7f}', '\u{85}', '\u{9b}', '\u{2028}',
        '\u{2029}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{61c}', '|', '`', '%', ':', ',', '\\',
        '[', '<', '&', 'a', ' ',
    ];

    /// What no output may hold raw.
    fn raw(c: char) -> bool {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}')
            || matches!(
                c,
                '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any file name and resource label: one line per record in compact, one workflow
        /// command per line in github, seven cell bars per Markdown row, nothing raw anywhere.
        #[test]
        fn hostile_names_keep_every_format_in_shape(
            name in prop::collection::vec(prop::sample::select(HOSTILE), 0..12),
            label in prop::collection::vec(prop::sample::select(HOSTILE), 1..12),
        ) {
            let name: String = name.into_iter().collect();
            let label: String = label.into_iter().collect();
            // The label as a JSON string (any character is allowed in a logical id).
            let text = format!(
                "{{\"Resources\": {{{}: {{\"Type\": \"AWS::S3::Bucket\"}}}}}}",
                serde_json::to_string(&label).unwrap_or_default()
            );
            let cat = catalog();
            let scan = srm_lint::scan_text(&format!("{name}.json"), &text, cat);
            let r = Report::build(&scan, cat);
            let findings = r.findings().len();
            prop_assert!(findings > 0);
            let compact = report::compact::render(&r);
            prop_assert_eq!(
                compact.lines().count(),
                r.errors.len() + findings + r.unused_suppressions.len()
            );
            let github = report::github::render(&r);
            prop_assert!(github.lines().all(|l| l.starts_with("::")));
            let markdown = report::markdown::render(&r);
            for row in markdown.lines().filter(|l| l.contains("| `SRM-")) {
                prop_assert_eq!(super::cell_bars(row), 7, "{}", row);
            }
            let plain = report::pretty::Style { color: false, unicode: true };
            for (format, out) in [
                ("compact", compact),
                ("github", github),
                ("markdown", markdown),
                ("json", report::json::render(&r)),
                ("sarif", report::sarif::render(&r, cat)),
                ("pretty", report::pretty::render(&r, &scan.sources, cat, plain)),
            ] {
                prop_assert!(!out.chars().any(raw), "{}: {:?}", format, out);
            }
        }
    }
}
