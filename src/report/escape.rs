//! The one escaping rule for output, applied at the edge (in every renderer and in the command
//! line's error messages): text that came from the scanned tree (file names, resource names and
//! addresses, values quoted in messages, TOML keys, policy text) can neither forge a line nor
//! reach a terminal, CI log or code-review page as a control sequence or a bidi override.
//!
//! - **Single-line fields** ([`escape_line`]): line breaks (`\n`, `\r`, U+0085, U+2028, U+2029),
//!   every other control character (C0 including tab, DEL, C1) and the bidi controls (U+061C,
//!   U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are written as visible escapes, `\u{202e}`.
//! - **Multi-line text** ([`escape_text`]: source snippet lines, help text): the same, except
//!   that newlines and tabs are kept (a carriage return only right before a newline), since
//!   there they are the text's structure.
//!
//! A backslash is not escaped, so a name that spells `\u{1b}` reads like an escaped ESC: the
//! rule makes output safe and visible, not reversible. `--format json` is exact instead (a
//! program's input: serde escapes every control character, bidi controls are kept as they are).

use std::borrow::Cow;

/// Whether `c` is a bidi control (Trojan Source, CVE-2021-42574).
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether a single-line field writes `c` as an escape.
pub(crate) fn escaped_in_line(c: char) -> bool {
    c.is_control() || is_bidi(c) || c == '\u{2028}' || c == '\u{2029}'
}

/// Whether multi-line text writes `c` as an escape (`next`: the character after it).
pub(crate) fn escaped_in_text(c: char, next: Option<char>) -> bool {
    match c {
        '\n' | '\t' => false,
        '\r' => next != Some('\n'),
        _ => escaped_in_line(c),
    }
}

/// Whether byte `x` may start a character that needs an escape: a C0 byte (all of them, or all
/// but tab and newline when `TEXT`), DEL, or the lead byte of a C1 control or NEL (0xC2), of
/// U+061C (0xD8) or of U+200E..U+206F (0xE2, which also leads common symbols such as `—`).
#[inline(always)]
fn suspect<const TEXT: bool>(x: u8) -> u8 {
    let c0 = if TEXT {
        u8::from(x < 0x20) & u8::from(x != b'\t') & u8::from(x != b'\n')
    } else {
        u8::from(x < 0x20)
    };
    c0 | u8::from(x == 0x7f) | u8::from(x == 0xc2) | u8::from(x == 0xd8) | u8::from(x == 0xe2)
}

/// Whether any byte of `b` is [`suspect`]: false is certain. Blocks of 64 bytes are tested
/// without branches, so they run on vector registers: it is asked of every message and of
/// every snippet shown.
fn may_hold<const TEXT: bool>(b: &[u8]) -> bool {
    let mut blocks = b.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(0u8, |acc, &x| acc | suspect::<TEXT>(x)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&x| suspect::<TEXT>(x) != 0)
}

/// Whether multi-line text `b` may need [`escape_text`]: false is certain.
pub(crate) fn may_need_text_escape(b: &[u8]) -> bool {
    may_hold::<true>(b)
}

/// Whether a single-line field `b` may need [`escape_line`]: false is certain.
pub(crate) fn may_need_line_escape(b: &[u8]) -> bool {
    may_hold::<false>(b)
}

/// `s` with each character that `escaped(c, next)` picks written as `\u{…}`, borrowed when
/// none is.
fn escape_with(s: &str, escaped: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let mut chars = s.char_indices().peekable();
    let first = loop {
        let Some((i, c)) = chars.next() else {
            return Cow::Borrowed(s);
        };
        if escaped(c, chars.peek().map(|&(_, n)| n)) {
            break i;
        }
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(s.get(..first).unwrap_or_default());
    let mut chars = s.get(first..).unwrap_or_default().chars().peekable();
    while let Some(c) = chars.next() {
        if escaped(c, chars.peek().copied()) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A single-line field made safe to print: line breaks, control characters and bidi controls
/// written as visible escapes (`\u{a}`, `\u{1b}`, `\u{202e}`). Borrows `s` when nothing needs
/// escaping (nearly always).
pub fn escape_line(s: &str) -> Cow<'_, str> {
    if !may_need_line_escape(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    escape_with(s, |c, _| escaped_in_line(c))
}

/// [`escape_line`] of an owned string, without a copy when nothing needs escaping.
pub(crate) fn escape_line_owned(s: String) -> String {
    match escape_line(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(escaped) => escaped,
    }
}

/// Multi-line text made safe to print: as [`escape_line`], keeping newlines, tabs and the
/// carriage return of a CRLF line end.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !may_need_text_escape(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    escape_with(s, escaped_in_text)
}

/// [`escape_text`], owned (the name this module had before it knew single-line fields).
pub fn escape_control(s: &str) -> String {
    escape_text(s).into_owned()
}

/// Text for HTML or XML content or a quoted attribute: the output rule ([`escape_line`]), then
/// `&`, `<`, `>`, `"` and `'` as character references (`&#39;`, which both HTML and XML read).
/// The HTML report and JUnit XML use it.
pub fn escape_markup(s: &str) -> Cow<'_, str> {
    let line = escape_line(s);
    if !line.contains(['&', '<', '>', '"', '\'']) {
        return line;
    }
    let mut out = String::with_capacity(line.len() + 16);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_escaped_in_a_field_and_kept_in_text() {
        let forged = "a\ngood.tf:1:1: critical SRM-FAKE-001";
        assert_eq!(
            escape_line(forged),
            "a\\u{a}good.tf:1:1: critical SRM-FAKE-001"
        );
        assert_eq!(escape_text(forged), forged);
        for (c, e) in [
            ('\r', "\\u{d}"),
            ('\u{85}', "\\u{85}"),
            ('\u{2028}', "\\u{2028}"),
            ('\u{2029}', "\\u{2029}"),
            ('\u{b}', "\\u{b}"),
            ('\u{c}', "\\u{c}"),
        ] {
            assert_eq!(escape_line(&format!("x{c}y")), format!("x{e}y"));
            assert_eq!(escape_text(&format!("x{c}y")), format!("x{e}y"));
        }
        // A CRLF line end is text structure; a lone carriage return (which lets a line overwrite
        // itself on a terminal) is not.
        assert_eq!(escape_text("a\r\nb\rc"), "a\r\nb\\u{d}c");
        assert_eq!(escape_line("a\r\n"), "a\\u{d}\\u{a}");
    }

    #[test]
    fn control_characters_are_escaped_everywhere() {
        assert_eq!(escape_line("\u{1b}[2Jx"), "\\u{1b}[2Jx");
        assert_eq!(escape_text("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(
            escape_line("a\u{0}b\u{7f}c\u{9b}d"),
            "a\\u{0}b\\u{7f}c\\u{9b}d"
        );
        // A tab is kept in text (snippets expand it), escaped in a field.
        assert_eq!(escape_text("a\tb"), "a\tb");
        assert_eq!(escape_line("a\tb"), "a\\u{9}b");
    }

    #[test]
    fn bidi_controls_are_escaped_everywhere() {
        let bidi = [
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}',
            '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        for c in bidi {
            let s = format!("access = \"user{c} \"");
            let want = format!("access = \"user\\u{{{:x}}} \"", c as u32);
            assert_eq!(escape_line(&s), want);
            assert_eq!(escape_text(&s), want);
        }
    }

    #[test]
    fn ordinary_text_is_borrowed_even_when_the_quick_test_suspects_it() {
        for s in [
            "plain",
            "em — dash, € and … and é",
            "ع",
            "multi\nline\ttext",
        ] {
            assert!(matches!(escape_text(s), Cow::Borrowed(_)), "{s}");
        }
        assert!(matches!(escape_line("em — dash"), Cow::Borrowed(_)));
        assert_eq!(escape_line("é—€→…ü"), "é—€→…ü");
    }

    #[test]
    fn the_quick_test_suspects_every_escaped_character() {
        let long = "x".repeat(200);
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            for at in [0, 63, 64, 130, 200] {
                let mut s = long.clone();
                s.insert(at, c);
                if escaped_in_line(c) {
                    assert!(may_need_line_escape(s.as_bytes()), "{:x} at {at}", c as u32);
                }
                if escaped_in_text(c, None) {
                    assert!(may_need_text_escape(s.as_bytes()), "{:x} at {at}", c as u32);
                }
            }
        }
    }
}
