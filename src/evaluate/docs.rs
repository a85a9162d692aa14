//! Per-resource memory of the evaluator (JSON documents parsed once), the segments of
//! attribute paths, and the evaluation context's small helpers.

use super::pred::Ctx;
use super::values::json_value;
use crate::model::{Resource, Val, ValKind};
use foldhash::HashMap;
use std::rc::Rc;

/// JSON documents parsed from string values, by the string's address: a policy document is
/// read by a dozen duties, and parsed once. Lives while one resource is evaluated (its body and
/// its companions' do not change meanwhile, so an address names one string).
#[derive(Default)]
pub(super) struct Docs(std::cell::RefCell<HashMap<StrAddress, Option<Rc<Val>>>>);

/// A string's address and length.
type StrAddress = (usize, usize);

impl Docs {
    /// The JSON document `v` holds: the value itself when structured, else parsed (once).
    pub(super) fn get<'v>(&self, v: &'v Val) -> Option<Doc<'v>> {
        let s = match &v.kind {
            ValKind::Map(_) | ValKind::List(_) => return Some(Doc::Value(v)),
            ValKind::String(s) => s,
            _ => return None,
        };
        let key = (s.as_ptr() as usize, s.len());
        if let Some(hit) = self.0.borrow().get(&key) {
            return hit.clone().map(Doc::Parsed);
        }
        let parsed = json_value(v).map(Rc::new);
        self.0.borrow_mut().insert(key, parsed.clone());
        parsed.map(Doc::Parsed)
    }
}

/// A JSON document: a structured value of the resource, or one parsed from a string.
pub(super) enum Doc<'v> {
    Value(&'v Val),
    Parsed(Rc<Val>),
}

impl std::ops::Deref for Doc<'_> {
    type Target = Val;
    fn deref(&self) -> &Val {
        match self {
            Doc::Value(v) => v,
            Doc::Parsed(v) => v,
        }
    }
}

/// The segments of a `.`-separated path, without allocating for a plain name (most are).
pub(super) fn path_segments<'p>(
    path: &'p str,
    one: &'p mut [&'p str; 1],
    many: &'p mut Vec<&'p str>,
) -> &'p [&'p str] {
    if path.is_empty() {
        &[]
    } else if path.contains('.') {
        *many = path.split('.').filter(|s| !s.is_empty()).collect();
        many
    } else {
        *one = [path];
        one
    }
}

impl<'a> Ctx<'a> {
    pub(super) fn res(&self) -> Option<&'a Resource> {
        self.index.resources.get(self.resource)
    }
    pub(super) fn spend(&self) -> bool {
        let left = self.budget.get();
        if left == 0 {
            return false;
        }
        self.budget.set(left - 1);
        true
    }
}
