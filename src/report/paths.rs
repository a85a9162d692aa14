//! Each file's display path, shared by every report entry located in it, and an entry's
//! location from a span.

use super::Location;
use crate::source::{FileId, SourceMap, Span};
use std::sync::Arc;

/// Each file's display path, shared by every entry located in it.
pub(super) struct Paths(Vec<Arc<str>>);

impl Paths {
    pub(super) fn new(sources: &SourceMap) -> Paths {
        Paths(
            sources
                .files()
                .iter()
                .map(|f| Arc::from(f.display.as_str()))
                .collect(),
        )
    }

    pub(super) fn get(&self, id: FileId) -> Arc<str> {
        self.0
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| Arc::from("?"))
    }
}

pub(super) fn loc(paths: &Paths, sources: &SourceMap, span: Span) -> Location {
    let lc = sources.start(span);
    Location {
        path: paths.get(span.file),
        line: lc.line,
        column: lc.column,
    }
}
