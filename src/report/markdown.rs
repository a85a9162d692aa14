//! `--format markdown`: a pull-request comment or job summary. Totals first, then one checklist
//! table per resource, resources with unaddressed duties first.
//!
//! A report longer than its limit ([`render_within`]: 65,536 by default, a pull-request
//! comment; the action's job summary takes 1,000,000 of GitHub's 1 MiB) is shortened instead:
//! the counts by verdict, severity and duty, the errors and notices, the most severe findings
//! in a table and the next ones folded in `<details>`, and a closing note of how many findings
//! were left out and how to get all of them.

use super::{escape_line, ChecklistEntry, Report, ResourceEntry};
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
    // Inside a code span a backslash cannot be escaped, so `\|` would leave the pipe escaped
    // for some renderers and not for others: such a field is written as escaped text instead.
    if s.contains("\\|") {
        return text(s);
    }
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
    errors(&mut s, report, usize::MAX);
    notices(&mut s, report, usize::MAX);
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

/// A `### TITLE (N)` list of `total` items (nothing when there are none), at most `most` of
/// them listed.
fn list(
    s: &mut String,
    title: &str,
    total: usize,
    most: usize,
    items: impl Iterator<Item = String>,
) {
    if total == 0 {
        return;
    }
    let _ = writeln!(s, "\n### {title} ({total})\n");
    for item in items.take(most) {
        let _ = writeln!(s, "- {item}");
    }
    if total > most {
        let _ = writeln!(s, "- … and {} more", total - most);
    }
}

/// The `### Errors` section, at most `most` of them listed.
fn errors(s: &mut String, report: &Report, most: usize) {
    let items = report.errors.iter().map(|e| {
        let at = code(&format!("{}:{}:{}", e.path, e.line, e.column));
        format!("{at} {}: {}", e.code, text(&e.message))
    });
    list(s, "Errors", report.errors.len(), most, items);
}

/// The `### Notices` section, at most `most` of them listed.
fn notices(s: &mut String, report: &Report, most: usize) {
    let items = report.notices.iter().map(|n| {
        let at = code(&format!("{}:{}:{}", n.path, n.line, n.column));
        format!("{at} {}", text(&n.message))
    });
    list(s, "Notices", report.notices.len(), most, items);
}

/// The size of a pull-request comment on GitHub (65,536 characters). The limits here count
/// bytes, which are never fewer than characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// Findings in the first table of a shortened report; the next ones are folded in `<details>`.
const TOP_FINDINGS: usize = 50;
/// Duties in the count by duty of a shortened report.
const TOP_DUTIES: usize = 30;
/// Errors, and notices, listed in a shortened report.
const TOP_ITEMS: usize = 20;
/// Bytes kept for the closing note of a shortened report.
const TAIL: usize = 1_024;

/// Renders the report as Markdown of at most `max` bytes (0: no limit): the whole report when
/// it fits, otherwise the shortened form (module documentation).
pub fn render_within(report: &Report, max: usize) -> String {
    // Every checklist row takes more than 40 bytes: a report with more rows than that cannot
    // fit and is not rendered whole first.
    let rows: usize = report.resources.iter().map(|r| r.checklist.len()).sum();
    if max == 0 || rows.saturating_mul(40) <= max {
        let full = render(report);
        if max == 0 || full.len() <= max {
            return full;
        }
    }
    let mut s = shortened(report, max);
    if s.len() > max {
        // Only a limit smaller than the counts themselves gets here: cut at a line end.
        let mut end = max;
        while end > 0 && !s.is_char_boundary(end) {
            end -= 1;
        }
        let line_end = s
            .get(..end)
            .and_then(|h| h.rfind('\n'))
            .map_or(0, |i| i + 1);
        s.truncate(line_end);
    }
    s
}

/// Appends `piece` when it leaves `reserve` bytes under `max`.
fn push_within(s: &mut String, piece: &str, max: usize, reserve: usize) -> bool {
    if s.len() + piece.len() + reserve <= max {
        s.push_str(piece);
        true
    } else {
        false
    }
}

/// A finding as a row of the findings table.
fn finding_row(r: &ResourceEntry, c: &ChecklistEntry) -> String {
    format!(
        "| {} {} | {} {} | {} | {} | {} | {} |\n",
        icon(c.verdict),
        c.verdict.as_str(),
        code(&c.duty),
        text(&c.title),
        c.severity.as_str(),
        code(&r.address),
        code(&format!("{}:{}", c.path, c.line)),
        text(&c.message)
    )
}

const FINDINGS_HEADER: &str =
    "| | duty | severity | resource | where | finding |\n|---|---|---|---|---|---|\n";

/// The counts of findings by severity and by duty (the `TOP_DUTIES` with the most).
fn counts(s: &mut String, findings: &[(&ResourceEntry, &ChecklistEntry)]) {
    use crate::catalog::Severity;
    let _ = writeln!(
        s,
        "\n### Findings by severity\n\n| severity | ❌ unaddressed | ❔ unverified |\n|---|---:|---:|"
    );
    let tally = |keep: &dyn Fn(&ChecklistEntry) -> bool| {
        let mut n = [0usize; 2];
        for (_, c) in findings.iter().filter(|(_, c)| keep(c)) {
            if let Some(k) = n.get_mut(usize::from(c.verdict != Verdict::Unaddressed)) {
                *k += 1;
            }
        }
        n
    };
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let [u, v] = tally(&|c| c.severity == sev);
        let _ = writeln!(s, "| {} | {u} | {v} |", sev.as_str());
    }
    let mut by_duty: std::collections::BTreeMap<&str, (&ChecklistEntry, [usize; 2])> =
        std::collections::BTreeMap::new();
    for (_, c) in findings {
        let e = by_duty.entry(&c.duty).or_insert((c, [0, 0]));
        if let Some(k) = e.1.get_mut(usize::from(c.verdict != Verdict::Unaddressed)) {
            *k += 1;
        }
    }
    let mut duties: Vec<_> = by_duty.into_iter().collect();
    duties.sort_by_key(|(id, (_, [u, v]))| (std::cmp::Reverse(u + v), *id));
    let _ = writeln!(
        s,
        "\n### Findings by duty ({})\n\n| duty | severity | ❌ unaddressed | ❔ unverified |\n|---|---|---:|---:|",
        duties.len()
    );
    for (id, (c, [u, v])) in duties.iter().take(TOP_DUTIES) {
        let _ = writeln!(
            s,
            "| {} {} | {} | {u} | {v} |",
            code(id),
            text(&c.title),
            c.severity.as_str()
        );
    }
    if duties.len() > TOP_DUTIES {
        let _ = writeln!(s, "| … {} more duties | | | |", duties.len() - TOP_DUTIES);
    }
}

/// The shortened report (module documentation), `max` bytes at most when the counts fit.
fn shortened(report: &Report, max: usize) -> String {
    let mut findings = report.findings();
    findings.sort_by(|a, b| {
        (std::cmp::Reverse(a.1.severity), a.1.verdict)
            .cmp(&(std::cmp::Reverse(b.1.severity), b.1.verdict))
    });
    let mut s = String::from("## srm-lint: AWS shared-responsibility checklist\n\n");
    let sm = &report.summary;
    let _ = writeln!(
        s,
        "{} files, {} resources, {} duties checked. Shortened to fit {max} characters: the \
         note at the end says what was left out.\n",
        sm.files, sm.resources, sm.duties
    );
    let _ = writeln!(s, "| verdict | count |\n|---|---:|");
    for v in Verdict::ALL {
        let _ = writeln!(s, "| {} {} | {} |", icon(v), v.as_str(), report.count(v));
    }
    // The counts, errors and notices, line by line while they leave room for the closing note.
    let mut sections = String::new();
    if !findings.is_empty() {
        counts(&mut sections, &findings);
    }
    errors(&mut sections, report, TOP_ITEMS);
    notices(&mut sections, report, TOP_ITEMS);
    let unknown = report.resources.iter().filter(|r| !r.known).count();
    if unknown > 0 {
        let _ = writeln!(
            sections,
            "\n{unknown} resources are of types the catalog does not cover (listed in the full \
             report)."
        );
    }
    let room = sections
        .split_inclusive('\n')
        .all(|line| push_within(&mut s, line, max, TAIL));
    let mut shown = 0;
    let header = format!(
        "\n### Findings, most severe first ({})\n\n{FINDINGS_HEADER}",
        findings.len()
    );
    if room && !findings.is_empty() && push_within(&mut s, &header, max, TAIL) {
        for (r, c) in findings.iter().take(TOP_FINDINGS) {
            if !push_within(&mut s, &finding_row(r, c), max, TAIL) {
                break;
            }
            shown += 1;
        }
    }
    if shown == TOP_FINDINGS && findings.len() > shown {
        let folded = format!("\n<details><summary>More findings</summary>\n\n{FINDINGS_HEADER}");
        if push_within(&mut s, &folded, max, TAIL) {
            for (r, c) in findings.iter().skip(shown) {
                if !push_within(&mut s, &finding_row(r, c), max, TAIL) {
                    break;
                }
                shown += 1;
            }
            s.push_str("\n</details>\n");
        }
    }
    let _ = writeln!(
        s,
        "\n**{} of {} findings are left out**, and the checklist of every resource (its \
         addressed, attested and suppressed duties). For the whole report run srm-lint with \
         `--format sarif` (code scanning), `--format json`, or `--format markdown \
         --max-markdown 0`.",
        findings.len() - shown,
        findings.len()
    );
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
        assert_eq!(code("\\|.json"), "\\\\\\|.json");
        assert_eq!(code("a\nb"), "`a\\u{a}b`");
    }
}
