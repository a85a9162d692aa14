//! The terminal renderer's tests.

use super::*;
use crate::source::{SourceFile, Span};
use proptest::prelude::*;

const THEMES: [fn() -> GraphicalTheme; 4] = [
    GraphicalTheme::none,
    GraphicalTheme::ascii,
    GraphicalTheme::unicode_nocolor,
    GraphicalTheme::unicode,
];

struct Case<'a> {
    text: &'a str,
    start: usize,
    len: usize,
    label: &'a str,
    message: &'a str,
    severity: miette::Severity,
    url: Option<&'a str>,
}

/// Draws `case` with the fast path (if it takes it) and with miette, in every theme.
/// Returns how many themes the fast path drew.
fn compare(case: &Case<'_>) -> usize {
    let file = SourceFile::new(
        0,
        "dir/main.tf".into(),
        "dir/main.tf".into(),
        case.text.into(),
    );
    let snippet = Snippet::new(&file);
    let (source, span) = excerpt::show(&snippet, Span::new(0, case.start, case.start + case.len));
    let d = Diag {
        code: "S3-001 s3-encryption".into(),
        message: case.message.into(),
        severity: case.severity,
        url: case.url,
        label: Some((span, case.label.into())),
        secondary: None,
        source: Some(source),
    };
    let mut drawn = 0;
    for theme in THEMES {
        let theme = theme();
        let pen = Pen::new(&theme).unwrap();
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(WIDTH);
        let mut fast = String::new();
        if draw_fast(&pen, &d, &mut fast) {
            let mut slow = String::new();
            handler.render_report(&mut slow, &d).unwrap();
            assert_eq!(
                fast, slow,
                "text {:?} span {}+{}",
                case.text, case.start, case.len
            );
            // Drawn again, a long message comes from the pen's cache: still the same.
            let mut again = String::new();
            assert!(draw_fast(&pen, &d, &mut again));
            assert_eq!(again, slow);
            drawn += 1;
        } else {
            assert!(
                fast.is_empty(),
                "a declined diagnostic leaves nothing behind"
            );
        }
    }
    drawn
}

#[test]
fn the_shapes_srm_lint_draws_are_drawn_directly_and_exactly_as_miette_draws_them() {
    let tf = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n\tacl = \"public-read\"\n}\n";
    let long = "unaddressed module.storage[\"logs/archive\"].aws_s3_bucket.this: the bucket \
                has no server-side encryption configuration of its own [high]";
    let cases = [
        // Resource header, first line (no line before it).
        (0, 8, "missing"),
        // An attribute in the middle.
        (34, 6, "here"),
        // After a tab.
        (49, 3, "public"),
        // Zero-length span.
        (36, 0, "here"),
        // The newline at a line end, and the end of the file.
        (47, 1, "newline"),
        (tf.len(), 0, "end"),
    ];
    for (start, len, label) in cases {
        for message in ["unaddressed aws_s3_bucket.b: no encryption [high]", long] {
            for severity in [
                miette::Severity::Error,
                miette::Severity::Warning,
                miette::Severity::Advice,
            ] {
                for url in [None, Some("https://example.com/docs/S3-001.md")] {
                    let case = Case {
                        text: tf,
                        start,
                        len,
                        label,
                        message,
                        severity,
                        url,
                    };
                    assert_eq!(compare(&case), 4, "drawn directly: {start}+{len}");
                }
            }
        }
    }
    // A file without a final newline, one of ten lines (a two-digit gutter), and one of 120
    // (a three-digit gutter: line 99 above line 100 is padded; a column past 9).
    let ten: String = (1..=10).map(|i| format!("line {i}\n")).collect();
    let many: String = (1..=120).map(|i| format!("line {i} = {i}\n")).collect();
    let at100 = many.find("line 100 ").unwrap_or(0);
    let at110 = many.find("line 110 ").unwrap_or(0) + 11;
    for (text, start) in [
        ("a = 1\nb = 2", 8),
        (ten.as_str(), 60),
        (many.as_str(), at100),
        (many.as_str(), at110),
    ] {
        let case = Case {
            text,
            start,
            len: 1,
            label: "here",
            message: "m",
            severity: miette::Severity::Error,
            url: None,
        };
        assert_eq!(compare(&case), 4);
    }
}

#[test]
fn a_long_line_is_cut_around_the_span_and_drawn_directly() {
    // One minified line of 30 KB; the span is a key deep inside it.
    let mut text: String = (0..1000)
        .map(|i| format!("{{\"Key{i}\":\"v{i}\"}},"))
        .collect();
    let start = text.find("\"Key700\"").unwrap_or(0);
    text.push('\n');
    for (len, label) in [(8, "here"), (0, "at"), (3000, "long")] {
        let case = Case {
            text: &text,
            start,
            len,
            label,
            message: "m",
            severity: miette::Severity::Error,
            url: None,
        };
        assert_eq!(compare(&case), 4);
    }
    let file = SourceFile::new(0, "t.json".into(), "t.json".into(), text.clone());
    let snippet = Snippet::new(&file);
    let (shown, span) = excerpt::show(&snippet, Span::new(0, start, start + 8));
    let shown = shown.get();
    // The cut line, and the empty line after the file's last newline.
    let line = shown.text.strip_suffix('\n').unwrap_or_default();
    assert!(line.len() <= excerpt::SHOWN + 2 * excerpt::ELLIPSIS.len());
    assert!(line.starts_with(excerpt::ELLIPSIS) && line.ends_with(excerpt::ELLIPSIS));
    assert_eq!(
        shown.text.get(span.start as usize..span.end as usize),
        Some("\"Key700\"")
    );
    // The header keeps the file's line and column.
    assert_eq!(shown.first_line(), 0);
    assert_eq!(shown.column_of(span.start as usize), start);
}

#[test]
fn control_and_bidi_characters_in_a_snippet_are_escaped_and_the_span_follows() {
    let text = "a = \"\u{1b}[2J\"\nif user\u{202e} \u{2066}// admin\u{2069}\u{2066} {\n}\n";
    let start = text.find("admin").unwrap_or(0);
    let file = SourceFile::new(0, "t.tf".into(), "t.tf".into(), text.into());
    let snippet = Snippet::new(&file);
    let (shown, span) = excerpt::show(&snippet, Span::new(0, start, start + 5));
    let shown = shown.get();
    assert_eq!(
        shown.text,
        "a = \"\\u{1b}[2J\"\nif user\\u{202e} \\u{2066}// admin\\u{2069}\\u{2066} {\n}"
    );
    assert_eq!(
        shown.text.get(span.start as usize..span.end as usize),
        Some("admin")
    );
    assert_eq!(shown.column_of(span.start as usize), 13);
    for start in [0, 9, start] {
        let case = Case {
            text,
            start,
            len: 5,
            label: "here",
            message: "m",
            severity: miette::Severity::Error,
            url: None,
        };
        compare(&case);
    }
}

#[test]
fn other_shapes_are_left_to_miette() {
    let base = Case {
        text: "a = 1\nb = \"é\"\nc = 3\n",
        start: 0,
        len: 3,
        label: "here",
        message: "m",
        severity: miette::Severity::Error,
        url: None,
    };
    // Non-ASCII text in the window, a span over two lines, a label of two lines.
    assert_eq!(compare(&base), 0);
    assert_eq!(
        compare(&Case {
            text: "a = 1\nb = 2\nc = 3\n\nd\n",
            len: 9,
            ..base
        }),
        0
    );
    assert_eq!(
        compare(&Case {
            text: "a = 1\n\n\nd\n",
            label: "two\nlines",
            ..base
        }),
        0
    );
    assert_eq!(
        compare(&Case {
            text: "a = 1\r\nb = 2\r\n",
            ..base
        }),
        0
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_diagnostic_drawn_directly_is_what_miette_draws(
        text in prop_oneof![
            4 => "[ab =\"\\-/\\[\\]{}\t\n]{0,120}",
            1 => "[ab =\t\n\r\u{e9}]{0,120}",
            // Lines long enough to be cut, with characters to escape and ellipses of their own.
            2 => "([ab ={}\"\t\r\u{1b}\u{202e}\u{2026}\u{e9}]{0,400}\n){0,3}[ab ]{0,300}",
        ],
        start in 0usize..1500,
        len in 0usize..20,
        label in prop_oneof![4 => "[a-z ]{0,12}", 1 => "[a-z \n\u{e9}]{0,12}"],
        message in prop_oneof![4 => "[a-z0-9 ./:\\-\\[\\]\"(){}]{0,160}", 1 => "[a-z \u{e9}\n]{0,160}"],
        severity in 0usize..3,
        url in proptest::option::of("[a-z:/.]{1,30}"),
    ) {
        let start = start.min(text.len());
        let len = len.min(text.len() - start);
        prop_assume!(text.is_char_boundary(start) && text.is_char_boundary(start + len));
        let severity = [miette::Severity::Error, miette::Severity::Warning, miette::Severity::Advice][severity];
        compare(&Case { text: &text, start, len, label: &label, message: &message, severity, url: url.as_deref() });
    }

    #[test]
    fn the_quick_test_finds_one_control_or_bidi_character_anywhere_in_long_text(
        text in "[ -~\t\n]{0,300}",
        at in 0usize..300,
        c in prop_oneof![0u32..9, 11u32..13, 14u32..32, Just(0x7f), 0x80u32..0xa0, Just(0x61c),
            0x200eu32..0x2010, 0x2028u32..0x202f, 0x2066u32..0x206a],
    ) {
        prop_assert!(!super::super::may_need_text_escape(text.as_bytes()));
        let at = at.min(text.len());
        let mut with = text.clone();
        with.insert(at, char::from_u32(c).unwrap_or('\0'));
        prop_assert!(super::super::may_need_text_escape(with.as_bytes()));
        let visible = format!("\\u{{{c:x}}}");
        let escaped = escape_text(&with).contains(&visible);
        prop_assert!(escaped);
    }

    #[test]
    fn the_quick_test_never_misses_one(text in "\\PC{0,200}|[\u{0}-\u{ff}]{0,200}|[a \u{2000}-\u{2070}\u{600}-\u{620}]{0,50}") {
        let chars: Vec<char> = text.chars().collect();
        let text_escapes = chars.iter().enumerate().any(|(i, &c)| {
            super::super::escaped_in_text(c, chars.get(i + 1).copied())
        });
        if !super::super::may_need_text_escape(text.as_bytes()) {
            prop_assert!(!text_escapes);
        }
        prop_assert_eq!(matches!(escape_text(&text), std::borrow::Cow::Owned(_)), text_escapes);
    }
}
