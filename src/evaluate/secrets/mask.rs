//! After evaluation: each finding on a secret points at the place the secret is written, which
//! may be another file than the value that holds it (a tfvars value, a variable default, a local,
//! a module caller's argument), and every place any found secret is written is masked in every
//! source file and message, so no renderer (a snippet included) shows it.

use super::mask;
use crate::model::result::{DutyResult, ResourceResult, Secret};
use crate::source::{SourceMap, Span};

/// Points each finding on a secret at it and masks every secret found; the raw secrets are
/// dropped from the results.
pub fn apply(sources: &mut SourceMap, results: &mut [ResourceResult]) {
    let mut raws: Vec<String> = Vec::new();
    for d in results.iter_mut().flat_map(|r| r.checklist.iter_mut()) {
        let Some(s) = d.secret.take() else { continue };
        let s = *s;
        if s.locate {
            locate(sources, d, &s);
        }
        raws.push(s.raw);
        raws.extend(s.also);
    }
    raws.retain(|r| !r.is_empty());
    if raws.is_empty() {
        return;
    }
    raws.sort();
    raws.dedup();
    // Longest first, so a secret inside another is masked as part of the longer one.
    raws.sort_by_key(|r| std::cmp::Reverse(r.len()));
    // Which texts hold a secret at all, with each secret's searcher built once (the masking
    // below, secret by secret, runs only on those few texts).
    let finders: Vec<memchr::memmem::Finder<'_>> = raws
        .iter()
        .map(|r| memchr::memmem::Finder::new(r.as_bytes()))
        .collect();
    let holds = |text: &str| finders.iter().any(|f| f.find(text.as_bytes()).is_some());
    let ids: Vec<u32> = sources
        .files()
        .iter()
        .filter(|f| holds(f.text.as_str()))
        .map(|f| f.id)
        .collect();
    for id in ids {
        if let Some(f) = sources.get(id) {
            let text = masked(&f.text, &raws);
            sources.set_text(id, text);
        }
    }
    for d in results.iter_mut().flat_map(|r| r.checklist.iter_mut()) {
        if holds(d.message.as_str()) {
            d.message = masked(&d.message, &raws);
        }
    }
}

/// `text` with every occurrence of each secret replaced by its masked form (same length).
fn masked(text: &str, raws: &[String]) -> String {
    let mut text = text.to_string();
    for raw in raws {
        let m = mask(raw);
        let mut from = 0;
        while let Some(p) = text.get(from..).and_then(|t| t.find(raw.as_str())) {
            let at = from + p;
            text.replace_range(at..at + raw.len(), &m);
            from = at + m.len();
        }
    }
    text
}

/// Points finding `d` at the secret `s` as written: inside the value's span, else inside the
/// callers' arguments in its evidence, else elsewhere in the value's file (a local), else in
/// another scanned file (a tfvars value, a variable default). Found outside the value, the
/// value's own place joins the evidence; found nowhere, the finding points at the whole value
/// and its message says so.
fn locate(sources: &SourceMap, d: &mut DutyResult, s: &Secret) {
    let within = |span: Span| -> Option<Span> {
        let v = sources.get(span.file)?.slice(span)?;
        let at = span.start as usize + v.find(&s.raw)?;
        Some(Span::new(span.file, at, at + s.raw.len()))
    };
    if let Some(at) = within(s.span) {
        d.span = at;
        return;
    }
    let whole_file = |id: u32| sources.get(id).map(|f| Span::new(id, 0, f.text.len()));
    // Decoded data is looked for only where the value came from: the same text written as is
    // elsewhere in the file may well be another resource's.
    let origin = d.evidence.iter().find_map(|&e| within(e));
    let elsewhere = if s.encoded {
        origin
    } else {
        origin
            .or_else(|| whole_file(s.span.file).and_then(within))
            .or_else(|| {
                sources
                    .files()
                    .iter()
                    .filter(|f| f.id != s.span.file)
                    .find_map(|f| whole_file(f.id).and_then(within))
            })
    };
    match elsewhere {
        Some(at) => {
            d.span = at;
            if !d.evidence.contains(&s.span) {
                d.evidence.insert(0, s.span);
            }
        }
        None => {
            d.span = s.span;
            d.message.push_str(if s.encoded {
                " (in base64-encoded data: the finding points at the whole value)"
            } else {
                " (not written as is in the source: the finding points at the whole value)"
            });
        }
    }
}
