//! `--format json`: the documented contract (see README), pretty-printed, keys in a fixed order.
//!
//! Values are exact (a program reads the real file name back), but no character the output rule
//! escapes (`escape.rs`) is written raw: serde escapes C0 controls, [`Safe`] the rest (DEL, C1,
//! bidi controls, U+2028, U+2029) as JSON `\uXXXX` escapes. SARIF is written the same way.

use super::{escaped_in_line, Report};
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io;

/// serde_json's pretty formatter, with the characters [`escaped_in_line`] picks written as JSON
/// escapes.
struct Safe(PrettyFormatter<'static>);

impl Formatter for Safe {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !super::may_need_line_escape(fragment.as_bytes()) {
            return w.write_all(fragment.as_bytes());
        }
        let mut done = 0;
        for (i, c) in fragment.char_indices() {
            if escaped_in_line(c) {
                w.write_all(fragment.get(done..i).unwrap_or_default().as_bytes())?;
                // Every such character is in the Basic Multilingual Plane: one `\uXXXX`.
                write!(w, "\\u{:04x}", u32::from(c))?;
                done = i + c.len_utf8();
            }
        }
        w.write_all(fragment.get(done..).unwrap_or_default().as_bytes())
    }
}

/// Writes `value` as pretty-printed JSON with [`Safe`] strings.
pub(crate) fn write_safe<T: Serialize + ?Sized>(
    out: &mut dyn io::Write,
    value: &T,
) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Safe(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Writes the report as JSON (streamed: a large report is never held as one string).
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    write_safe(&mut *out, report)?;
    out.write_all(b"\n")
}

/// Renders the report as JSON.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    if let Err(e) = write(report, &mut out) {
        return format!("{{\"error\": \"{e}\"}}\n");
    }
    String::from_utf8(out).unwrap_or_default()
}
