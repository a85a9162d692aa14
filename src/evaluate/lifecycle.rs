//! `supported_on`: a value judged against a dated lifecycle table on the run's date, which the
//! engine passes in (the evaluator never reads the clock).

use super::pred::{Ctx, Outcome, Tri};
use super::values::show;
use crate::catalog::{Dates, Judged, Lifecycle};
use crate::date::format;
use crate::model::{Val, ValKind};

/// Judges `val` (a string, or a number written without quotes) by table `id`. A number literal
/// is judged by its text as written (`1.30`, not the number 1.3), which the message says.
pub(super) fn judge<'a>(ctx: &Ctx<'_>, path: &str, id: &str, val: &Val) -> Outcome<'a> {
    let span = val.span;
    let written = match &val.kind {
        ValKind::Number(_) => ctx
            .index
            .resources
            .get(ctx.resource)
            .and_then(|r| r.literal_at(span)),
        _ => None,
    };
    let shown = written.map_or_else(|| show(val), str::to_string);
    let Some(table) = ctx.index.lifecycles.get(id) else {
        let msg = format!("`{path}` is {shown}; srm-lint has no lifecycle data `{id}`");
        return Outcome::new(Tri::Unknown, span, true, msg);
    };
    let text = match &val.kind {
        ValKind::String(s) => s.trim().to_string(),
        ValKind::Number(n) => written.map_or_else(|| crate::model::number_text(*n), str::to_string),
        _ => {
            let msg = format!("`{path}` is {shown}, not a value {} can list", table.title);
            return Outcome::new(Tri::False, span, true, msg);
        }
    };
    let today = ctx.index.today;
    let (tri, message) = match table.judge(&text, today) {
        Judged::Ended(d) => (
            Tri::False,
            format!(
                "`{path}` is {shown}; {} {}",
                table.ended,
                d.end.map(format).unwrap_or_default()
            ),
        ),
        Judged::EndsSoon(d, left) => {
            let end = d.end.map(format).unwrap_or_default();
            let days = if left == 1 { "day" } else { "days" };
            (
                Tri::True,
                format!(
                    "`{path}` is {shown}, still supported, but {} {end}, in {left} {days}: plan \
                     the upgrade{}",
                    table.ends,
                    stage(table, d, today)
                ),
            )
        }
        Judged::Supported(d @ Dates { end: Some(end), .. }) => (
            Tri::True,
            format!(
                "`{path}` is {shown}; {} {}{}",
                table.ends,
                format(end),
                stage(table, d, today)
            ),
        ),
        Judged::Supported(_) => (
            Tri::True,
            format!(
                "`{path}` is {shown}; no end of support is announced in srm-lint's lifecycle data \
                 for {}, checked on {}",
                table.title,
                format(table.checked)
            ),
        ),
        Judged::Unlisted => (
            Tri::Unknown,
            format!(
                "`{path}` is {shown}, which srm-lint's lifecycle data for {}, checked on {}, does \
                 not list",
                table.title,
                format(table.checked)
            ),
        ),
    };
    let message = match (written, &val.kind) {
        (Some(w), ValKind::Number(n)) => format!(
            "{message}; unquoted, it is the number {n}, which may reach AWS as \"{n}\": quote it \
             (\"{w}\")",
            n = crate::model::number_text(*n)
        ),
        _ => message,
    };
    Outcome::new(tri, span, true, message)
}

/// The stage a value entered on its `since` date, once that has passed (`; in extended support
/// since …`), or nothing.
fn stage(table: &Lifecycle, d: Dates, today: i64) -> String {
    match (&table.since, d.since) {
        (Some(text), Some(since)) if since <= today => {
            format!("; {text} {}", format(since))
        }
        _ => String::new(),
    }
}
