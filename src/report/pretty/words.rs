//! Where a diagnostic's message may break, found as textwrap's Unicode line breaking finds it
//! (miette wraps with it, and the terminal output must match miette's byte for byte) but
//! without running the Unicode line breaker over every message: a message is mostly plain
//! words, and a word made only of letters, digits and `_` holds no break opportunity. Only the
//! other words go through the line breaker, each on its own; a message this cannot settle
//! (not printable ASCII, a space after `(`, a word starting with punctuation, …) goes to
//! textwrap whole. Tests compare the two on generated text.

use textwrap::core::Word;
use textwrap::WordSeparator;

/// The word separator for messages.
pub(super) fn separator() -> WordSeparator {
    WordSeparator::Custom(find_words)
}

fn find_words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    match cuts(line) {
        Some(cuts) => {
            let mut start = 0;
            let mut ends = cuts.into_iter().chain(std::iter::once(line.len()));
            Box::new(std::iter::from_fn(move || {
                let end = ends.next()?;
                let word = Word::from(line.get(start..end)?);
                start = end;
                Some(word)
            }))
        }
        None => WordSeparator::UnicodeBreakProperties.find_words(line),
    }
}

/// A letter, digit or `_` (line break class AL or NU): no break opportunity between two.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

thread_local! {
    /// The cuts inside words already seen on this thread (an address or a title's word recurs
    /// in many messages); emptied when it grows large.
    static SEEN: std::cell::RefCell<foldhash::HashMap<Box<str>, Box<[usize]>>> =
        Default::default();
}

/// Words kept in [`SEEN`] at most.
const SEEN_MAX: usize = 1 << 14;

/// Calls `cut` with each offset textwrap would split the space-free `word` at (before its last
/// part).
fn inner_cuts(word: &str, mut cut: impl FnMut(usize)) {
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(cuts) = seen.get(word) {
            cuts.iter().for_each(|&c| cut(c));
            return;
        }
        let parts: Vec<Word<'_>> = WordSeparator::UnicodeBreakProperties
            .find_words(word)
            .collect();
        let last = parts.len().saturating_sub(1);
        let mut at = 0;
        let mut cuts = Vec::with_capacity(last);
        for w in parts.iter().take(last) {
            at += w.word.len() + w.whitespace.len();
            cuts.push(at);
            cut(at);
        }
        if seen.len() >= SEEN_MAX {
            seen.clear();
        }
        seen.insert(word.into(), cuts.into_boxed_slice());
    });
}

/// The byte offsets textwrap would split `line` at (before the last word), or `None` where
/// this cannot say.
fn cuts(line: &str) -> Option<Vec<usize>> {
    let b = line.as_bytes();
    if b.is_empty()
        || b.first() == Some(&b' ')
        || b.last() == Some(&b'-')
        || !b.iter().all(|&c| (0x20..0x7f).contains(&c))
    {
        return None;
    }
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // A word: `i..end`, then its spaces: `end..next`.
        let end = b
            .get(i..)?
            .iter()
            .position(|&c| c == b' ')
            .map_or(b.len(), |p| i + p);
        let word = b.get(i..end)?;
        if !word.iter().all(|&c| plain(c)) {
            if word.last() == Some(&b'-') {
                return None;
            }
            inner_cuts(line.get(i..end)?, |c| cuts.push(i + c));
        }
        let spaces = b.get(end..)?;
        let next = spaces
            .iter()
            .position(|&c| c != b' ')
            .map_or(b.len(), |p| end + p);
        if let Some(&first) = b.get(next) {
            // After spaces, a break before a plain word or an opening bracket, unless the
            // spaces follow an opening bracket or (before a bracket) a quote; other punctuation
            // may not be broken before.
            let after = word.last().copied().unwrap_or(b' ');
            let settled = match first {
                b'(' | b'[' | b'{' => plain(after) || b")]}:,;.".contains(&after),
                _ => plain(first) && !b"([{".contains(&after),
            };
            if !settled {
                return None;
            }
            cuts.push(next);
        }
        i = next;
    }
    Some(cuts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(sep: &WordSeparator, s: &str) -> Vec<(String, String)> {
        sep.find_words(s)
            .map(|w| (w.word.to_string(), w.whitespace.to_string()))
            .collect()
    }

    fn same(s: &str) {
        assert_eq!(
            words(&separator(), s),
            words(&WordSeparator::UnicodeBreakProperties, s),
            "{s:?}"
        );
    }

    #[test]
    fn messages_split_as_textwrap_splits_them() {
        for s in [
            "unaddressed aws_s3_bucket.this: S3 bucket blocks public access [high]",
            "unverified module.rds[\"db-1\"].aws_db_instance.this[0]: RDS encryption at rest (KMS) [high]",
            "unaddressed MyBucket: bucket policy denies non-TLS (aws:SecureTransport) requests [medium]",
            "a-b c/d e.f g:h i,j k;l m!n o?p q'r s\"t u(v) w[x] y{z} 10.0.0.0/16 $5 50% a+b a|b a\\b",
            "x ( y",
            "x (y",
            "ends with a hyphen-",
            " leading space",
            "tab\there",
            "émoji ✓",
            "",
            "word",
            "a  b   c",
        ] {
            same(s);
        }
    }

    #[test]
    fn generated_text_splits_as_textwrap_splits_it() {
        // Words of letters, digits and the punctuation addresses and titles use.
        const ALPHABET: &[u8] = b"abcdeXYZ_0123456789    .-/:,;'\"()[]{}!?%$+=*@#`|<>~&^\\";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut settled = 0;
        for _ in 0..60_000 {
            let len = (next() % 24) as usize;
            let s: String = (0..len)
                .map(|_| {
                    let i = (next() % ALPHABET.len() as u64) as usize;
                    char::from(ALPHABET[i])
                })
                .collect();
            let message = format!("unaddressed {s}: title [high]");
            settled += usize::from(cuts(&s).is_some()) + usize::from(cuts(&message).is_some());
            same(&s);
            same(&message);
        }
        // Most of them take the short way (else this would test only the fallback).
        assert!(settled > 25_000, "{settled}");
    }
}
