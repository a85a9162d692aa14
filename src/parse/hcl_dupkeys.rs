//! Duplicate keys in object constructors (`{ a = 1, a = 2 }`).
//!
//! Terraform accepts them (HCL's object constructor keeps the last value for a key) but
//! hcl-edit rejects them with "found redefined object key". When that is the only problem, the
//! later key is renamed in a copy of the text to a placeholder of the same byte length (so every
//! span stays exact), the copy is parsed, and the tree is fixed up: the later value replaces the
//! earlier one under the original key. Duplicate *attributes* of a body stay an error, as in
//! Terraform.

use hcl_edit::expr::{Expression, Object, ObjectKey};
use hcl_edit::structure::Body;
use hcl_edit::visit_mut::{visit_object_mut, VisitMut};
use hcl_edit::Ident;

/// Most duplicate keys renamed in one file.
const MAX_RENAMES: usize = 64;
/// The part of hcl-edit's message that identifies a duplicate object key.
const DUPLICATE: &str = "redefined object key";

/// A renamed key: its placeholder and its original text.
struct Renamed {
    placeholder: String,
    original: String,
}

/// Parses a body, accepting duplicate object keys as Terraform does.
pub(crate) fn parse_body(text: &str) -> Result<Body, hcl_edit::parser::Error> {
    let first = match hcl_edit::parser::parse_body(text) {
        Ok(b) => return Ok(b),
        Err(e) => e,
    };
    if !first.message().contains(DUPLICATE) {
        return Err(first);
    }
    let mut copy = text.to_string();
    let mut renamed = Vec::new();
    let mut err = first;
    while renamed.len() < MAX_RENAMES && err.message().contains(DUPLICATE) {
        let Some(r) = rename_at(&mut copy, err.location().offset()) else {
            return Err(err);
        };
        renamed.push(r);
        match hcl_edit::parser::parse_body(&copy) {
            Ok(mut body) => {
                Fixer { renamed: &renamed }.visit_body_mut(&mut body);
                return Ok(body);
            }
            Err(e) => err = e,
        }
    }
    // Another syntax error: report the one in the original text.
    hcl_edit::parser::parse_body(text)
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Whether `word` occurs in `text` as a whole identifier.
fn occurs(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text.get(..i).and_then(|s| s.chars().next_back());
        let after = text.get(i + word.len()..).and_then(|s| s.chars().next());
        !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
    })
}

/// An identifier of `len` bytes that does not occur in `text`.
fn placeholder(text: &str, len: usize) -> Option<String> {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    for mut i in 0..4096usize {
        let mut s = vec![b'_'; len];
        let mut pos = len;
        while i > 0 {
            pos = pos.checked_sub(1)?;
            let slot = s.get_mut(pos)?;
            *slot = *LETTERS.get((i - 1) % LETTERS.len())?;
            i = (i - 1) / LETTERS.len();
        }
        let cand = String::from_utf8(s).ok()?;
        if !occurs(text, &cand) {
            return Some(cand);
        }
    }
    None
}

/// Renames the object key starting at byte `off` of `text` (an identifier, or a quoted string
/// without escapes or interpolations) to a placeholder of the same length.
fn rename_at(text: &mut String, off: usize) -> Option<Renamed> {
    let rest = text.get(off..)?;
    let (start, end) = if let Some(inner) = rest.strip_prefix('"') {
        let close = inner.find('"')?;
        let body = inner.get(..close)?;
        if body.is_empty() || body.contains('\\') || body.contains("${") || body.contains("%{") {
            return None;
        }
        (off + 1, off + 1 + close)
    } else {
        let first = rest.chars().next()?;
        if !(first.is_alphabetic() || first == '_') {
            return None;
        }
        let len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        (off, off + len)
    };
    let original = text.get(start..end)?.to_string();
    let placeholder = placeholder(text, end - start)?;
    text.replace_range(start..end, &placeholder);
    Some(Renamed {
        placeholder,
        original,
    })
}

/// Gives renamed keys their original names back (the later value wins).
struct Fixer<'r> {
    renamed: &'r [Renamed],
}

/// The text of a literal object key.
fn key_text(k: &ObjectKey) -> Option<&str> {
    match k {
        ObjectKey::Ident(id) => Some(id.as_str()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().as_str()),
        ObjectKey::Expression(_) => None,
    }
}

impl VisitMut for Fixer<'_> {
    fn visit_object_mut(&mut self, node: &mut Object) {
        visit_object_mut(self, node);
        let found: Vec<(ObjectKey, &Renamed)> = node
            .iter()
            .filter_map(|(k, _)| {
                let t = key_text(k)?;
                let r = self.renamed.iter().find(|r| r.placeholder == t)?;
                Some((k.clone(), r))
            })
            .collect();
        for (key, r) in found {
            let Some((mut k, v)) = node.remove_entry(&key) else {
                continue;
            };
            match &mut k {
                ObjectKey::Ident(id) => *id.value_mut() = Ident::new_unchecked(&r.original),
                ObjectKey::Expression(Expression::String(s)) => *s.value_mut() = r.original.clone(),
                ObjectKey::Expression(_) => continue,
            }
            node.remove(&k);
            node.insert(k, v);
        }
    }
}
