//! `no_secrets`: literal credentials in user data, environment variables and container
//! definitions. Small hand matchers (no regex dependency), each documented in
//! `policies/README.md`:
//!
//! * an AWS access key id: `AKIA` or `ASIA` and 16 upper-case letters or digits, not inside a
//!   longer word;
//! * an AWS secret access key: 40 characters of `A-Za-z0-9/+=` right after a name containing
//!   `secret_access_key` (also `secretaccesskey`, `secret-access-key`, any case) and `=`, `:`,
//!   quotes or spaces;
//! * a PEM private key header: `-----BEGIN ` … `PRIVATE KEY-----` on one line;
//! * GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and 36 letters or digits;
//!   `github_pat_` and at least 22 letters, digits or `_`) and Slack tokens (`xoxb-`, `xoxa-`,
//!   `xoxp-`, `xoxr-`, `xoxs-` and at least 10 letters, digits or `-`);
//! * an assignment (`NAME=value`, `NAME: value`, quoted or not) or an environment variable whose
//!   name ends with `password`, `passwd`, `secret`, `secret_key`, `api_key`, `apikey`, `token`
//!   or `private_key` (any case, `-` or `_`), with a literal value ([`literal_secret`]).
//!
//! A string that is JSON (an ECS `container_definitions`) is also read as a document, and a
//! string that is base64 (`user_data_base64`) is decoded first.

use crate::model::{Val, ValKind};
use crate::source::Span;

pub use crate::model::result::Secret as Found;

mod mask;
pub use mask::apply;

/// The secret with all but its first and last four characters replaced by `*` (all of it when
/// shorter than 20 characters). Same length in bytes, so it can blank the source in place.
pub(crate) fn mask(raw: &str) -> String {
    let n = raw.chars().count();
    let keep = if n >= 20 { 4 } else { 0 };
    raw.chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep || i + keep >= n {
                c.to_string()
            } else {
                "*".repeat(c.len_utf8())
            }
        })
        .collect()
}

/// The first credential in `val` (walking maps, lists and JSON held in strings), with every
/// other one found beside it in [`Found::also`].
pub(super) fn find(val: &Val) -> Option<Found> {
    let mut budget = 10_000u32;
    let mut all = Vec::new();
    walk(val, val.span, None, &mut budget, &mut all);
    let mut it = all.into_iter();
    let mut first = it.next()?;
    first.also = it.map(|f| f.raw).collect();
    Some(first)
}

/// At most this many credentials are collected from one value.
const MAX_FOUND: usize = 64;

fn walk(val: &Val, span: Span, name: Option<&str>, budget: &mut u32, out: &mut Vec<Found>) {
    let Some(left) = budget.checked_sub(1) else {
        return;
    };
    *budget = left;
    if out.len() >= MAX_FOUND {
        return;
    }
    match &val.kind {
        ValKind::String(s) => {
            out.extend(all_in_text(s, span));
            if let Some(n) = name {
                if secret_name(n) && literal_secret(s.trim()) {
                    let what = "a literal value of a secret-named variable";
                    out.push(found(what, s.trim(), span));
                }
            }
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                if let Some(doc) = super::values::json_value(val) {
                    // Inner spans are not places in the file: the string's span stands for all.
                    walk(&doc, span, None, budget, out);
                    return;
                }
            }
            if let Some(decoded) = base64_text(s) {
                out.extend(all_in_text(&decoded, span).map(|mut f| {
                    f.encoded = true;
                    f
                }));
            }
        }
        ValKind::List(items) => {
            for i in items {
                walk(i, pick(val, i, span), None, budget, out);
            }
        }
        // A value the deployment chooses (a parameter's default, a condition's branch): a
        // credential in any option is written in the code.
        ValKind::Choice { options, .. } => {
            for o in options {
                walk(o, pick(val, o, span), name, budget, out);
            }
        }
        ValKind::Map(attrs) => {
            // `{ name = "DB_PASSWORD", value = "…" }` (ECS environment entries).
            let pair_name = ["name", "Name"]
                .iter()
                .find_map(|k| val.get(k).and_then(Val::as_str));
            for a in attrs {
                let n = if matches!(a.key.as_str(), "value" | "Value") {
                    pair_name.or(Some(a.key.as_str()))
                } else {
                    Some(a.key.as_str())
                };
                walk(&a.value, pick(val, &a.value, span), n, budget, out);
            }
        }
        _ => {}
    }
}

/// The span to report for `inner`, inside `outer`: its own, unless `outer` stands for a string
/// that was parsed (then inner spans are not file positions).
fn pick(outer: &Val, inner: &Val, span: Span) -> Span {
    if outer.span == span {
        inner.span
    } else {
        span
    }
}

fn found(what: &'static str, raw: &str, span: Span) -> Found {
    Found {
        what,
        raw: raw.to_string(),
        span,
        encoded: false,
        also: Vec::new(),
        locate: true,
    }
}

type Matcher = fn(&str) -> Option<(&'static str, usize, usize)>;

/// Every credential in free text, matcher by matcher (the most specific first).
fn all_in_text(s: &str, span: Span) -> impl Iterator<Item = Found> + '_ {
    const MATCHERS: [Matcher; 5] = [
        access_key_id,
        secret_access_key,
        private_key,
        token,
        assignment,
    ];
    MATCHERS.into_iter().flat_map(move |m| {
        let mut hits = Vec::new();
        let mut from = 0;
        while hits.len() < MAX_FOUND {
            let Some((what, a, b)) = s.get(from..).and_then(m) else {
                break;
            };
            if let Some(raw) = s.get(from + a..from + b) {
                hits.push(found(what, raw, span));
            }
            from += b.max(a + 1);
        }
        hits
    })
}

/// The first credential in free text.
#[cfg(test)]
fn in_text(s: &str, span: Span) -> Option<Found> {
    all_in_text(s, span).next()
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn access_key_id(s: &str) -> Option<(&'static str, usize, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(at) = find_from(s, i, &["AKIA", "ASIA"]) {
        let end = at + 20;
        let before_ok = at == 0 || b.get(at - 1).is_some_and(|c| !is_word(*c));
        let body_ok = b.get(at + 4..end).is_some_and(|r| {
            r.iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
        let after_ok = b.get(end).is_none_or(|c| !is_word(*c));
        if before_ok && body_ok && after_ok {
            return Some(("an AWS access key id", at, end));
        }
        i = at + 1;
    }
    None
}

/// The first position at or after `from` where one of `needles` starts.
fn find_from(s: &str, from: usize, needles: &[&str]) -> Option<usize> {
    let rest = s.get(from..)?;
    needles
        .iter()
        .filter_map(|n| rest.find(n))
        .min()
        .map(|p| p + from)
}

fn secret_access_key(s: &str) -> Option<(&'static str, usize, usize)> {
    let lower = s.to_ascii_lowercase();
    let b = s.as_bytes();
    for needle in ["secret_access_key", "secretaccesskey", "secret-access-key"] {
        let mut from = 0;
        while let Some(p) = lower.get(from..).and_then(|r| r.find(needle)) {
            let mut i = from + p + needle.len();
            while b
                .get(i)
                .is_some_and(|c| matches!(c, b'=' | b':' | b'"' | b'\'' | b' ' | b'\t'))
            {
                i += 1;
            }
            let key = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'+' | b'=');
            let n = b
                .get(i..)
                .map_or(0, |r| r.iter().take_while(|c| key(c)).count());
            if n == 40 {
                return Some(("an AWS secret access key", i, i + 40));
            }
            from += p + needle.len();
        }
    }
    None
}

fn private_key(s: &str) -> Option<(&'static str, usize, usize)> {
    let mut from = 0;
    while let Some(p) = s.get(from..).and_then(|r| r.find("-----BEGIN ")) {
        let at = from + p;
        let line_end = s
            .get(at..)
            .and_then(|r| r.find('\n'))
            .map_or(s.len(), |e| at + e);
        let line = s.get(at..line_end).unwrap_or("");
        if let Some(k) = line.find("PRIVATE KEY-----") {
            return Some(("a PEM private key", at, at + k + "PRIVATE KEY-----".len()));
        }
        from = at + 1;
    }
    None
}

fn token(s: &str) -> Option<(&'static str, usize, usize)> {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_alphanumeric();
    let run = |from: usize, ok: &dyn Fn(&u8) -> bool| {
        b.get(from..)
            .map_or(0, |r| r.iter().take_while(|c| ok(c)).count())
    };
    for (prefix, what) in [
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghu_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("ghr_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("xoxb-", "a Slack token"),
        ("xoxa-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("xoxr-", "a Slack token"),
        ("xoxs-", "a Slack token"),
    ] {
        let mut from = 0;
        while let Some(p) = s.get(from..).and_then(|r| r.find(prefix)) {
            let at = from + p;
            let start = at + prefix.len();
            let before_ok = at == 0 || b.get(at - 1).is_some_and(|c| !is_word(*c));
            let n = match prefix {
                "github_pat_" => run(start, &|c| c.is_ascii_alphanumeric() || *c == b'_'),
                p if p.starts_with("xox") => {
                    run(start, &|c| c.is_ascii_alphanumeric() || *c == b'-')
                }
                _ => run(start, &alnum),
            };
            let ok = match prefix {
                "github_pat_" => n >= 22,
                p if p.starts_with("xox") => n >= 10,
                _ => n == 36,
            };
            if before_ok && ok {
                return Some((what, at, start + n));
            }
            from = start;
        }
    }
    None
}

/// Whether a variable name says it holds a secret.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    [
        "password",
        "passwd",
        "secret",
        "secret_key",
        "api_key",
        "apikey",
        "token",
        "private_key",
    ]
    .iter()
    .any(|s| n.ends_with(s))
}

/// Whether a value is a literal that may be a secret: 8 to 200 characters without spaces or
/// brackets (`(`, `[`, `{`, `<`: code, not a value), not
/// a reference or placeholder (`$VAR`, `${…}`, `$(…)`, `{{resolve:…}}`, `%{…}`, `arn:…`, a
/// `/path`, a Secrets Manager or SSM name), not `true`/`false`/`null`/`none`, and with a digit
/// or punctuation unless it is at least 16 characters long.
fn literal_secret(v: &str) -> bool {
    let n = v.chars().count();
    // Code, not a value: `os.environ.get(…)`, `[…]`, `{…}`, `<…>`.
    let code = |c: char| c.is_whitespace() || "()[]{}<>`".contains(c);
    if !(8..=200).contains(&n) || v.chars().any(code) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    let reference = ["$", "{{", "%{", "arn:", "/", "<", "ssm:", "secretsmanager:"]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.contains("${")
        || lower.contains("$(");
    let word = ["true", "false", "null", "none", "required", "optional"].contains(&lower.as_str());
    let mixed = v
        .chars()
        .any(|c| c.is_ascii_digit() || c.is_ascii_punctuation());
    !reference && !word && (mixed || n >= 16)
}

/// `NAME=value` / `NAME: value` in text, NAME a secret name ([`secret_name`]).
fn assignment(s: &str) -> Option<(&'static str, usize, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let Some(&c) = b.get(i) else { break };
        if !(c == b'=' || c == b':') {
            i += 1;
            continue;
        }
        // The name before it (letters, digits, `_`, `-`), after optional quotes/spaces.
        let mut e = i;
        while e > 0
            && b.get(e - 1)
                .is_some_and(|c| matches!(c, b'"' | b'\'' | b' '))
        {
            e -= 1;
        }
        let mut st = e;
        while st > 0 && b.get(st - 1).is_some_and(|c| is_word(*c) || *c == b'-') {
            st -= 1;
        }
        let name = s.get(st..e).unwrap_or("");
        // The value after it, unquoted.
        let mut v = i + 1;
        while b.get(v).is_some_and(|c| *c == b' ') {
            v += 1;
        }
        let quote = b.get(v).copied().filter(|c| *c == b'"' || *c == b'\'');
        if quote.is_some() {
            v += 1;
        }
        let stop = |c: &u8| match quote {
            Some(q) => *c == q || *c == b'\n',
            None => {
                c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b'|' | b'"' | b'\'' | b',')
            }
        };
        let len = b
            .get(v..)
            .map_or(0, |r| r.iter().take_while(|c| !stop(c)).count());
        if !name.is_empty() && secret_name(name) {
            if let Some(value) = s.get(v..v + len) {
                if literal_secret(value) {
                    return Some(("a literal password or secret assignment", v, v + len));
                }
            }
        }
        i += 1;
    }
    None
}

/// `s` decoded when it is base64 text (at least 16 characters, nothing else) of UTF-8.
fn base64_text(s: &str) -> Option<String> {
    let t: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    if t.len() < 16 || t.len() % 4 != 0 {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(t.len() / 4 * 3);
    for chunk in t.chunks(4) {
        let pad = chunk.iter().rev().take_while(|c| **c == b'=').count();
        let mut n = 0u32;
        for (k, c) in chunk.iter().enumerate() {
            let v = if k >= 4 - pad { 0 } else { val(*c)? };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend(bytes.iter().take(3 - pad));
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(s: &str) -> Option<(&'static str, String)> {
        let span = Span::new(0, 0, s.len());
        in_text(s, span).map(|f| (f.what, f.raw))
    }

    #[test]
    fn matchers_find_credentials_and_leave_configuration_alone() {
        let key = "AKIAIOSFODNN7EXAMPLE";
        assert_eq!(
            hit(&format!("export AWS_ACCESS_KEY_ID={key}\n")).unwrap().1,
            key
        );
        assert_eq!(hit("xAKIAIOSFODNN7EXAMPLE"), None);
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert_eq!(
            hit(&format!("aws_secret_access_key = {secret}")).unwrap().1,
            secret
        );
        assert_eq!(
            hit("-----BEGIN RSA PRIVATE KEY-----\nMIIE").unwrap().0,
            "a PEM private key"
        );
        assert_eq!(hit("-----BEGIN CERTIFICATE-----"), None);
        let gh = format!("ghp_{}", "a1".repeat(18));
        assert_eq!(hit(&format!("TOKEN {gh}")).unwrap().1, gh);
        assert_eq!(hit("xoxb-123456789012-abcdef").unwrap().0, "a Slack token");
        assert_eq!(hit("DB_PASSWORD='hunter2-prod'").unwrap().1, "hunter2-prod");
        assert_eq!(hit("password: S3cr3tPass").unwrap().1, "S3cr3tPass");
        for fine in [
            "DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id app/db)",
            "PASSWORD=${var.password}",
            "password = required",
            "TOKEN=/app/token",
            "callback_token = os.environ.get('CALLBACK_TOKEN')",
            "password=short",
            "yum -y update",
        ] {
            assert_eq!(hit(fine), None, "{fine}");
        }
        assert_eq!(mask(key), "AKIA************MPLE");
        assert_eq!(mask("hunter2-prod"), "************");
        assert_eq!(
            base64_text("ZXhwb3J0IEE9QUtJQQ==").as_deref(),
            Some("export A=AKIA")
        );
    }
}
