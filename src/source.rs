//! Source files, byte spans and the one place where byte offsets become 1-based line:column.
//!
//! Every stage works with [`Span`]s (a file id plus a byte range). Reporters turn them into
//! line and column through [`SourceFile::line_col`]; nothing else in the crate does.

use std::path::PathBuf;

/// Index of a file in a [`SourceMap`].
pub type FileId = u32;

/// A byte range inside one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte (inclusive).
    pub start: u32,
    /// Last byte (exclusive).
    pub end: u32,
}

impl Span {
    /// A span over `start..end` in `file`, saturating offsets that do not fit in 32 bits.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    /// An empty span at the start of `file` (used when nothing better is known).
    pub fn file_start(file: FileId) -> Self {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }

    /// Byte length of the span.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values.
    pub column: usize,
}

/// What kind of source a file holds, as decided by discovery and parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileFormat {
    /// Terraform native syntax (`.tf`).
    Terraform,
    /// Terraform JSON syntax (`.tf.json`).
    TerraformJson,
    /// Terraform variable values (`.tfvars`, `.tfvars.json`).
    Tfvars,
    /// A CloudFormation (or SAM) template in YAML.
    CloudformationYaml,
    /// A CloudFormation (or SAM / CDK) template in JSON.
    CloudformationJson,
    /// A file that was named or found but is not a template we understand.
    Unknown,
}

/// One loaded source file with its line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Id of this file in the [`SourceMap`].
    pub id: FileId,
    /// Path as the user would type it (relative to the working directory when possible, `/`
    /// separators).
    pub display: String,
    /// Path used to read the file.
    pub path: PathBuf,
    /// The file's text (empty when it could not be read or decoded).
    pub text: String,
    /// Byte offsets of line starts, built on first use by whichever thread first needs a
    /// line:column: building them as files were added was a sequential pass over all the text.
    /// (`u32`: spans are `u32` offsets, and a million-line corpus keeps 4 bytes a line less.)
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// Characters before each block of [`BLOCK`] bytes (empty for ASCII text), built on first
    /// use for a column far from its line's start: a column is then counted from the nearest
    /// block instead of from the line's start, which on a minified template (one line of
    /// megabytes) made every finding's column a scan of the line.
    char_marks: std::sync::OnceLock<Vec<usize>>,
}

/// Bytes per block of [`SourceFile`]'s character index.
const BLOCK: usize = 4096;

/// Columns closer than this to their line's start are counted directly.
const NEAR: usize = 512;

/// Characters (UTF-8 lead bytes and ASCII bytes) in `b`.
fn chars_in(b: &[u8]) -> usize {
    b.iter().filter(|&&x| (x as i8) >= -0x40).count()
}

impl SourceFile {
    /// Builds a file (its line index is built on first use).
    pub fn new(id: FileId, display: String, path: PathBuf, text: String) -> Self {
        SourceFile {
            id,
            display,
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
            char_marks: std::sync::OnceLock::new(),
        }
    }

    /// Byte offsets where lines start (the first is 0), computed on first use.
    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                memchr::memchr_iter(b'\n', self.text.as_bytes())
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let key = u32::try_from(offset).unwrap_or(u32::MAX);
        let line_idx = match self.line_starts().binary_search(&key) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts().get(line_idx).map_or(0, |&s| s as usize);
        LineCol {
            line: line_idx + 1,
            column: self.chars_between(line_start, offset) + 1,
        }
    }

    /// Characters in `from..to` (`from` a line start); the byte count if `to` is not on a
    /// character boundary. Bounded work however long the line: far from `from`, both ends are
    /// counted from the character index's nearest block.
    fn chars_between(&self, from: usize, to: usize) -> usize {
        let bytes = to.saturating_sub(from);
        if !self.text.is_char_boundary(to) {
            return bytes;
        }
        let b = self.text.as_bytes();
        if bytes <= NEAR {
            return b.get(from..to).map_or(bytes, chars_in);
        }
        let marks = self.char_marks.get_or_init(|| {
            if self.text.is_ascii() {
                return Vec::new();
            }
            let mut total = 0;
            b.chunks(BLOCK)
                .map(|block| {
                    let before = total;
                    total += chars_in(block);
                    before
                })
                .collect()
        });
        if marks.is_empty() {
            return bytes;
        }
        let upto = |at: usize| {
            let block = at / BLOCK;
            let mark = marks.get(block).copied().unwrap_or(0);
            mark + b.get(block * BLOCK..at).map_or(0, chars_in)
        };
        upto(to).saturating_sub(upto(from))
    }

    /// Byte offset of the start of a 1-based line (clamped).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line.saturating_sub(1))
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// Byte offset of a 1-based line and 1-based character column (clamped to the text).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line);
        let rest = self.text.get(start..).unwrap_or("");
        rest.char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }

    /// The text of a span, if it lies inside this file on character boundaries.
    pub fn slice(&self, span: Span) -> Option<&str> {
        self.text.get(span.start as usize..span.end as usize)
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// All files of one scan, indexed by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, display: String, path: PathBuf, text: String) -> FileId {
        let id = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(SourceFile::new(id, display, path, text));
        id
    }

    /// Replaces the text of a file (after it was read), rebuilding its line index.
    pub fn set_text(&mut self, id: FileId, text: String) {
        if let Some(f) = self.files.get_mut(id as usize) {
            *f = SourceFile::new(id, f.display.clone(), f.path.clone(), text);
        }
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    /// All files.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Each file's place in display-path order (by file id; files with equal display paths
    /// share a place), so sorting by file compares integers instead of paths.
    pub fn display_ranks(&self) -> Vec<u32> {
        let mut ids: Vec<usize> = (0..self.files.len()).collect();
        ids.sort_by(|&a, &b| {
            let name = |i: usize| self.files.get(i).map(|f| f.display.as_str());
            name(a).cmp(&name(b))
        });
        let mut ranks = vec![0u32; self.files.len()];
        let mut rank = 0u32;
        let mut prev: Option<&str> = None;
        for i in ids {
            let name = self.files.get(i).map(|f| f.display.as_str());
            if prev.is_some() && name != prev {
                rank += 1;
            }
            prev = name;
            if let Some(r) = ranks.get_mut(i) {
                *r = rank;
            }
        }
        ranks
    }

    /// Display path of a file, or `?` for an unknown id.
    pub fn display(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.display.as_str()).unwrap_or("?")
    }

    /// 1-based line:column of the start of a span.
    pub fn start(&self, span: Span) -> LineCol {
        self.get(span.file)
            .map(|f| f.line_col(span.start as usize))
            .unwrap_or(LineCol { line: 1, column: 1 })
    }

    /// 1-based line:column of the end of a span.
    pub fn end(&self, span: Span) -> LineCol {
        self.get(span.file)
            .map(|f| f.line_col(span.end as usize))
            .unwrap_or(LineCol { line: 1, column: 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new(0, "a".into(), "a".into(), "ab\néx = 1\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'é' is two bytes; 'x' is the second character of line 2.
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.offset_of(2, 2), 5);
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn columns_far_along_a_long_line_are_counted_in_characters() {
        // One line of 40 KB mixing one-, two- and three-byte characters, then a short line.
        let line: String = (0..6000).map(|i| ["ab", "é", "€x"][i % 3]).collect();
        let text = format!("{line}\nz = 1\n");
        let f = SourceFile::new(0, "a".into(), "a".into(), text.clone());
        for (offset, _) in text.char_indices().step_by(97) {
            let line_start = text
                .get(..offset)
                .and_then(|t| t.rfind('\n'))
                .map_or(0, |i| i + 1);
            let naive = text
                .get(line_start..offset)
                .map_or(0, |t| t.chars().count())
                + 1;
            assert_eq!(f.line_col(offset).column, naive, "offset {offset}");
        }
        let ascii = SourceFile::new(0, "a".into(), "a".into(), "x".repeat(9000));
        assert_eq!(
            ascii.line_col(8000),
            LineCol {
                line: 1,
                column: 8001
            }
        );
    }
}
