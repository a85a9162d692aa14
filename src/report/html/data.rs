//! The per-resource checklists as one compact JSON blob for the page's script.
//!
//! Every string is escaped by the output rule and stored once in a string table (`s`); rows
//! refer to it by index, so a path or message shared by thousands of rows costs a few bytes
//! each. Written inside `<script type="application/json">`, with `<`, `>` and `&` as JSON
//! escapes so no string can close the element.
//!
//! ```text
//! { "verdicts": [...], "layers": [...], "s": [strings],
//!   "d": [[id, title, layer, control, severity]],            // duties (string indexes, layer index)
//!   "r": [[root, path, line, type, address, service|-1,     // resources, sorted by path and line
//!          [[duty, verdict, basis, path, line, message, [path, line, …], [by, reason, until, expired]?]]]] }
//! ```

use super::summary::{layer_index, verdict_index};
use crate::catalog::Layer;
use crate::evaluate::Verdict;
use crate::report::{escape_line, Report};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, Write};

/// Strings stored once, referred to by index.
#[derive(Default)]
struct Strings {
    index: HashMap<String, usize>,
    list: Vec<String>,
}

impl Strings {
    fn id(&mut self, s: &str) -> usize {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len();
        self.list.push(escape_line(s).into_owned());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// A writer that turns `<`, `>` and `&` into JSON escapes (they only occur inside strings).
struct ScriptSafe<'w>(&'w mut dyn Write);

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut done = 0;
        for (i, b) in buf.iter().enumerate() {
            let esc: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(buf.get(done..i).unwrap_or_default())?;
            self.0.write_all(esc)?;
            done = i + 1;
        }
        self.0.write_all(buf.get(done..).unwrap_or_default())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Writes the blob.
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut s = Strings::default();
    let mut duties: HashMap<&str, usize> = HashMap::new();
    let mut duty_rows: Vec<Value> = Vec::new();
    let resources = super::plain::sorted(report);
    let mut rows: Vec<Value> = Vec::with_capacity(resources.len());
    for r in resources {
        let mut checklist: Vec<&crate::report::ChecklistEntry> = r.checklist.iter().collect();
        checklist.sort_by(|a, b| a.duty.cmp(&b.duty));
        let mut entries = Vec::with_capacity(checklist.len());
        for c in checklist {
            let d = match duties.get(&*c.duty) {
                Some(&d) => d,
                None => {
                    let d = duty_rows.len();
                    duty_rows.push(json!([
                        s.id(&c.duty),
                        s.id(&c.title),
                        layer_index(c.layer),
                        s.id(c.control.as_str()),
                        s.id(c.severity.as_str()),
                    ]));
                    duties.insert(&c.duty, d);
                    d
                }
            };
            let evidence: Vec<usize> = c
                .evidence
                .iter()
                .flat_map(|e| [s.id(&e.path), e.line])
                .collect();
            let mut entry = vec![
                json!(d),
                json!(verdict_index(c.verdict)),
                json!(s.id(c.basis.as_str())),
                json!(s.id(&c.path)),
                json!(c.line),
                json!(s.id(&c.message)),
                json!(evidence),
            ];
            if let Some(a) = &c.attestation {
                entry.push(json!([
                    s.id(&a.by),
                    s.id(&a.reason),
                    s.id(&a.until),
                    a.expired
                ]));
            }
            entries.push(Value::Array(entry));
        }
        let service = r.service.as_deref().map_or(-1, |id| s.id(id) as i64);
        rows.push(json!([
            s.id(&r.root),
            s.id(&r.path),
            r.line,
            s.id(&r.rtype),
            s.id(&r.address),
            service,
            entries
        ]));
    }
    let blob = json!({
        "verdicts": Verdict::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
        "layers": Layer::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "s": s.list,
        "d": duty_rows,
        "r": rows,
    });
    serde_json::to_writer(ScriptSafe(out), &blob).map_err(io::Error::from)
}
