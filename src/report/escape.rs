//! Escaping at the edge: control characters from the input made visible in every output.

/// Whether `b` may hold a control character other than tab and newline: false is certain (no C0
/// byte but tab and newline, no DEL, no 0xC2, the lead byte of every C1 character). Blocks of
/// 64 bytes are tested without branches, so they run on vector registers: it is asked of every
/// message and of every file shown.
pub(crate) fn may_hold_control(b: &[u8]) -> bool {
    let suspect = |x: u8| {
        u8::from(x < 0x20) & u8::from(x != b'\t') & u8::from(x != b'\n')
            | u8::from(x == 0x7f)
            | u8::from(x == 0xc2)
    };
    let mut blocks = b.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(0u8, |acc, &x| acc | suspect(x)) != 0 {
            return true;
        }
    }
    blocks.remainder().iter().any(|&x| suspect(x) != 0)
}

/// Replaces terminal control characters from the input with visible escapes, so a resource name
/// or comment cannot inject escape sequences into a terminal or a CI log.
pub fn escape_control(s: &str) -> String {
    escape_control_cow(s).into_owned()
}

/// [`escape_control`], borrowing `s` when there is nothing to escape (nearly always).
pub(crate) fn escape_control_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_control(s.as_bytes()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
