//! `--format markdown`: a pull-request comment or job summary. Totals first, then one checklist
//! table per resource, resources with unaddressed duties first.

use super::{escape_line, Report, ResourceEntry};
use crate::evaluate::Verdict;
use std::fmt::Write as _;

/// A single-line field as Markdown text: escaped by the output rule, `|` escaped for the table,
/// and outside code spans every character that could start markup (a link, an image, HTML, an
/// entity such as `&#x202e;`) backslash-escaped, so it renders as the text it is. Messages quote
/// names in single backticks: when every backtick pairs up that way (an even count, no longer
/// run, none escaped), the spans are kept as code; otherwise every backtick is escaped too.
fn text(s: &str) -> String {
    let s = escape_line(s);
    let paired = !s.contains("``") && !s.contains("\\`") && s.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(s.len() + 8);
    let mut code = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' if paired => code = !code,
            '|' => out.push('\\'),
            // A backslash escapes only ASCII punctuation (`\n` is two characters as it is).
            '\\' if !code && chars.peek().is_some_and(char::is_ascii_punctuation) => out.push('\\'),
            '`' | '[' | ']' | '<' | '>' | '&' if !code => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A single-line field as a Markdown code span (literal text): escaped by the output rule, `|`
/// escaped for the table, and fenced by one backtick more than the longest run in it.
fn code(s: &str) -> String {
    let s = escape_line(s).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Unaddressed => "❌",
        Verdict::Unverified => "❔",
        Verdict::Attestation => "📝",
        Verdict::Attested => "🖊️",
        Verdict::Suppressed => "🔕",
        Verdict::Addressed => "✅",
    }
}

fn rank(r: &ResourceEntry) -> (usize, usize) {
    let worst = r
        .checklist
        .iter()
        .map(|c| c.verdict)
        .min()
        .unwrap_or(Verdict::Addressed);
    (worst as usize, 0)
}

/// Renders the report as Markdown.
pub fn render(report: &Report) -> String {
    let mut s = String::from("## srm-lint: AWS shared-responsibility checklist\n\n");
    let sm = &report.summary;
    let _ = writeln!(
        s,
        "{} files, {} resources, {} duties checked.\n",
        sm.files, sm.resources, sm.duties
    );
    let _ = writeln!(s, "| verdict | count |\n|---|---:|");
    for v in Verdict::ALL {
        let _ = writeln!(s, "| {} {} | {} |", icon(v), v.as_str(), report.count(v));
    }
    if !report.errors.is_empty() {
        let _ = writeln!(s, "\n### Errors ({})\n", report.errors.len());
        for e in &report.errors {
            let _ = writeln!(
                s,
                "- {} {}: {}",
                code(&format!("{}:{}:{}", e.path, e.line, e.column)),
                e.code,
                text(&e.message)
            );
        }
    }
    let mut resources: Vec<&ResourceEntry> = report
        .resources
        .iter()
        .filter(|r| !r.checklist.is_empty())
        .collect();
    resources.sort_by_key(|r| rank(r));
    for r in resources {
        let _ = writeln!(
            s,
            "\n### {} ({}) — {}\n",
            code(&r.address),
            text(&r.rtype),
            code(&format!("{}:{}", r.path, r.line))
        );
        let _ = writeln!(
            s,
            "| | duty | severity | layer | where | finding |\n|---|---|---|---|---|---|"
        );
        let mut items: Vec<_> = r.checklist.iter().collect();
        items.sort_by_key(|c| (c.verdict, std::cmp::Reverse(c.severity), c.duty.clone()));
        for c in items {
            let layer = serde_json::to_value(c.layer)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} {} | {} {} | {} | {} | {} | {} |",
                icon(c.verdict),
                c.verdict.as_str(),
                code(&c.duty),
                text(&c.title),
                c.severity.as_str(),
                layer,
                code(&format!("{}:{}", c.path, c.line)),
                text(&c.message)
            );
        }
    }
    let unknown: Vec<&ResourceEntry> = report.resources.iter().filter(|r| !r.known).collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            s,
            "\n### Resources the catalog does not cover ({})\n",
            unknown.len()
        );
        for r in unknown {
            let _ = writeln!(
                s,
                "- {} ({}) at {}",
                code(&r.address),
                text(&r.rtype),
                code(&format!("{}:{}", r.path, r.line))
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{code, text};

    #[test]
    fn names_quoted_in_backticks_stay_code_and_nothing_else_is_markup() {
        assert_eq!(
            text("`VersioningConfiguration.Status` is not set"),
            "`VersioningConfiguration.Status` is not set"
        );
        // Outside code spans: links, images, HTML and entities are text; inside, literal.
        assert_eq!(
            text("see [x](https://e.invalid) <img> &#x202e; `a[0]<b>`"),
            "see \\[x\\](https://e.invalid) \\<img\\> \\&#x202e; `a[0]<b>`"
        );
        // A backtick from the input unbalances the spans: every backtick is then escaped.
        assert_eq!(
            text("condition `a` [x](u) `b` is not defined"),
            "condition `a` \\[x\\](u) `b` is not defined"
        );
        assert_eq!(
            text("condition `a`[x](u)` is not defined"),
            "condition \\`a\\`\\[x\\](u)\\` is not defined"
        );
        assert_eq!(text("``a``"), "\\`\\`a\\`\\`");
        // Table bars everywhere, line breaks and bidi controls by the output rule.
        assert_eq!(text("a|b `c|d`"), "a\\|b `c\\|d`");
        assert_eq!(text("a\nb\u{202e}"), "a\\u{a}b\\u{202e}");
        // A backslash before punctuation is escaped; before a letter it is text already.
        assert_eq!(text("a\\[b\\n"), "a\\\\\\[b\\n");
    }

    #[test]
    fn a_code_span_is_fenced_longer_than_any_backtick_run_in_it() {
        assert_eq!(code("main.tf:3"), "`main.tf:3`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("a``b|c"), "``` a``b\\|c ```");
        assert_eq!(code("a\nb"), "`a\\u{a}b`");
    }
}
