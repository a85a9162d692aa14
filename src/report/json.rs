//! `--format json`: the documented contract (see README), pretty-printed, keys in a fixed order.

use super::Report;

/// Renders the report as JSON.
pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
