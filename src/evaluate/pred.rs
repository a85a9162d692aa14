//! Three-valued evaluation of catalog predicates over model values.
//!
//! Every outcome carries a span: for `True` the evidence, for `False` the attribute that is wrong
//! (or the nearest existing block / the resource header when something is missing), for
//! `Unknown` the value that could not be resolved. Unknown never becomes `True`.

use super::values::{json_value, lit_eq, number, one_of_text, show};
use super::Index;
use crate::catalog::Quant;
use crate::catalog::{Absent, Lit, Pred, Shape, Test};
use crate::model::{Resource, Val, ValKind};
use crate::source::Span;

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Cannot be decided from the code.
    Unknown,
}

/// The result of evaluating a predicate.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Truth value.
    pub tri: Tri,
    /// The primary location.
    pub span: Span,
    /// Whether `span` points at a specific attribute (not a fallback header).
    pub specific: bool,
    /// What was found.
    pub message: String,
    /// Evidence locations (for `True`).
    pub evidence: Vec<Span>,
    /// The verdict rests on AWS's default.
    pub by_default: bool,
}

impl Outcome {
    fn new(tri: Tri, span: Span, specific: bool, message: String) -> Self {
        let evidence = if tri == Tri::True && specific {
            vec![span]
        } else {
            Vec::new()
        };
        Outcome {
            tri,
            span,
            specific,
            message,
            evidence,
            by_default: false,
        }
    }
}

/// Evaluation context: the resource the value belongs to, and the scan-wide index.
pub(super) struct Ctx<'a> {
    pub index: &'a Index<'a>,
    pub resource: usize,
    /// Step budget against pathological policies or values.
    pub budget: std::cell::Cell<u32>,
}

impl Ctx<'_> {
    fn res(&self) -> Option<&Resource> {
        self.index.resources.get(self.resource)
    }
    fn spend(&self) -> bool {
        let left = self.budget.get();
        if left == 0 {
            return false;
        }
        self.budget.set(left - 1);
        true
    }
}

/// Evaluates `pred` on `val`; `anchor` is where a missing attribute is reported.
pub(super) fn eval(ctx: &Ctx<'_>, pred: &Pred, val: &Val, anchor: Span, specific: bool) -> Outcome {
    if !ctx.spend() {
        return Outcome::new(
            Tri::Unknown,
            anchor,
            specific,
            "evaluation budget exhausted".into(),
        );
    }
    let shape = match pred.shape() {
        Ok(s) => s,
        Err(e) => {
            return Outcome::new(
                Tri::Unknown,
                anchor,
                specific,
                format!("invalid policy: {e}"),
            )
        }
    };
    match shape {
        Shape::Test {
            path,
            test,
            absent,
            note,
        } => {
            let segs: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
            let t = TestCtx {
                path,
                test,
                absent,
                note,
            };
            eval_path(ctx, &t, val, &segs, anchor, specific)
        }
        Shape::Range { paths, port } => eval_range(val, paths, port, anchor, specific),
        Shape::Any(preds) => any(
            preds
                .iter()
                .map(|p| eval(ctx, p, val, anchor, specific))
                .collect(),
            anchor,
        ),
        Shape::All(preds) => all(
            preds
                .iter()
                .map(|p| eval(ctx, p, val, anchor, specific))
                .collect(),
            anchor,
        ),
        Shape::Not(p) => not(eval(ctx, p, val, anchor, specific)),
        Shape::Each(q, path, filter) => eval_each(ctx, q, path, filter, val, anchor, specific),
        Shape::Related(q, rel, filter) => eval_related(ctx, q, rel, filter, anchor),
    }
}

struct TestCtx<'a> {
    path: &'a str,
    test: Test<'a>,
    absent: Absent,
    note: Option<&'a str>,
}

fn eval_path(
    ctx: &Ctx<'_>,
    t: &TestCtx<'_>,
    val: &Val,
    segs: &[&str],
    anchor: Span,
    specific: bool,
) -> Outcome {
    match &val.kind {
        ValKind::Choice { condition, options } => {
            let outs: Vec<Outcome> = options
                .iter()
                .map(|o| eval_path(ctx, t, o, segs, anchor, specific))
                .collect();
            choice(outs, condition, val.span)
        }
        ValKind::Unknown(reason) => {
            if matches!(t.test, Test::Present(true)) {
                let mut o = Outcome::new(
                    Tri::True,
                    val.span,
                    true,
                    format!("`{}` is set (value unknown: {reason})", t.path),
                );
                o.evidence = vec![val.span];
                o
            } else {
                Outcome::new(
                    Tri::Unknown,
                    val.span,
                    true,
                    format!("`{}` cannot be resolved: {reason}", t.path),
                )
            }
        }
        ValKind::Ref(r) => {
            let target = match &r.attribute {
                Some(a) => format!("{}.{a}", r.target),
                None => r.target.clone(),
            };
            if matches!(t.test, Test::Present(true)) {
                let mut o = Outcome::new(
                    Tri::True,
                    val.span,
                    true,
                    format!("`{}` refers to {target}", t.path),
                );
                o.evidence = vec![val.span];
                o
            } else {
                Outcome::new(
                    Tri::Unknown,
                    val.span,
                    true,
                    format!(
                        "`{}` refers to {target}, whose value is known only after deployment",
                        t.path
                    ),
                )
            }
        }
        ValKind::Null => absent(t, anchor, specific),
        _ if segs.is_empty() => leaf(ctx, t, val, anchor),
        ValKind::Map(_) => {
            let Some((first, rest)) = segs.split_first() else {
                return absent(t, anchor, specific);
            };
            match val.attr(first) {
                Some(a) => {
                    if rest.is_empty() {
                        leaf_attr(ctx, t, &a.value, a.key_span)
                    } else {
                        eval_path(ctx, t, &a.value, rest, a.key_span, true)
                    }
                }
                None => absent(t, anchor, specific),
            }
        }
        ValKind::List(items) => {
            if items.is_empty() {
                return absent(t, anchor, specific);
            }
            let outs = items
                .iter()
                .map(|i| eval_path(ctx, t, i, segs, i.span, true))
                .collect();
            all(outs, anchor)
        }
        _ => absent(t, anchor, specific),
    }
}

/// The attribute's value was found; apply the test, reporting at the attribute's key.
fn leaf_attr(ctx: &Ctx<'_>, t: &TestCtx<'_>, val: &Val, key_span: Span) -> Outcome {
    match &val.kind {
        ValKind::Null | ValKind::Unknown(_) | ValKind::Ref(_) | ValKind::Choice { .. } => {
            // Findings point at the attribute, whatever its value turned out to be.
            let mut o = eval_path(ctx, t, val, &[], key_span, true);
            if o.tri != Tri::True || o.evidence.is_empty() {
                o.span = key_span;
                o.specific = true;
            } else {
                o.evidence = vec![key_span];
                o.span = key_span;
            }
            o
        }
        _ => {
            // Findings and evidence point at the attribute's key, whatever the test found.
            let mut o = leaf(ctx, t, val, key_span);
            o.span = key_span;
            o.specific = true;
            if o.tri == Tri::True {
                o.evidence = vec![key_span];
            }
            o
        }
    }
}

fn absent(t: &TestCtx<'_>, anchor: Span, specific: bool) -> Outcome {
    if let Test::Present(false) = t.test {
        return Outcome::new(
            Tri::True,
            anchor,
            specific,
            format!("`{}` is not set", t.path),
        );
    }
    match t.absent {
        Absent::Fails => Outcome::new(
            Tri::False,
            anchor,
            specific,
            format!("`{}` is not set", t.path),
        ),
        Absent::Passes => {
            let mut o = Outcome::new(
                Tri::True,
                anchor,
                specific,
                match t.note {
                    Some(n) => format!("`{}` is not set; {n}", t.path),
                    None => format!("`{}` is not set; AWS's default applies", t.path),
                },
            );
            o.by_default = true;
            o.evidence.clear();
            o
        }
        Absent::Unknown => Outcome::new(
            Tri::Unknown,
            anchor,
            specific,
            match t.note {
                Some(n) => format!("`{}` is not set; {n}", t.path),
                None => format!(
                    "`{}` is not set and AWS's default cannot be known from the code",
                    t.path
                ),
            },
        ),
    }
}

fn leaf(ctx: &Ctx<'_>, t: &TestCtx<'_>, val: &Val, anchor: Span) -> Outcome {
    let span = val.span;
    let shown = show(val);
    let ok = |b: bool, expected: String| {
        let msg = if b {
            format!("`{}` is {shown}", t.path)
        } else {
            format!("`{}` is {shown}; expected {expected}", t.path)
        };
        Outcome::new(if b { Tri::True } else { Tri::False }, span, true, msg)
    };
    match t.test {
        Test::Present(p) => ok(p, "it not to be set".into()),
        Test::Json(inner) => match json_value(val) {
            Some(doc) => eval(ctx, inner, &doc, anchor, true),
            None => Outcome::new(
                Tri::Unknown,
                span,
                true,
                format!("`{}` is not a JSON document srm-lint can read", t.path),
            ),
        },
        Test::Has(l) => has(val, std::slice::from_ref(l), t.path),
        Test::HasAny(ls) => has(val, ls, t.path),
        _ => {
            if let ValKind::List(items) = &val.kind {
                let outs = items
                    .iter()
                    .map(|i| eval_path(ctx, t, i, &[], i.span, true))
                    .collect();
                return all(outs, anchor);
            }
            match t.test {
                Test::Equals(l) => ok(lit_eq(val, l), l.to_string()),
                Test::OneOf(ls) => ok(ls.iter().any(|l| lit_eq(val, l)), one_of_text(ls)),
                Test::NotOneOf(ls) => ok(
                    !ls.iter().any(|l| lit_eq(val, l)),
                    format!("none of {}", one_of_text(ls)),
                ),
                Test::Min(m) => match number(val) {
                    Some(n) => ok(n >= m, format!("at least {m}")),
                    None => ok(false, format!("a number ≥ {m}")),
                },
                Test::Max(m) => match number(val) {
                    Some(n) => ok(n <= m, format!("at most {m}")),
                    None => ok(false, format!("a number ≤ {m}")),
                },
                Test::StartsWith(p) => ok(
                    val.as_str().is_some_and(|s| s.starts_with(p)),
                    format!("a value starting with {p:?}"),
                ),
                _ => Outcome::new(Tri::Unknown, span, true, "unsupported test".into()),
            }
        }
    }
}

fn has(val: &Val, lits: &[Lit], path: &str) -> Outcome {
    let items: Vec<&Val> = match &val.kind {
        ValKind::List(items) => items.iter().collect(),
        _ => vec![val],
    };
    let mut unknown = None;
    for i in &items {
        match &i.kind {
            ValKind::Unknown(_) | ValKind::Ref(_) | ValKind::Choice { .. } => {
                unknown = unknown.or(Some(*i))
            }
            _ => {
                if lits.iter().any(|l| lit_eq(i, l)) {
                    return Outcome::new(
                        Tri::True,
                        i.span,
                        true,
                        format!("`{path}` contains {}", show(i)),
                    );
                }
            }
        }
    }
    match unknown {
        Some(u) => Outcome::new(
            Tri::Unknown,
            u.span,
            true,
            format!("`{path}` has an element srm-lint cannot resolve"),
        ),
        None => Outcome::new(
            Tri::False,
            val.span,
            true,
            format!("`{path}` does not contain {}", one_of_text(lits)),
        ),
    }
}

fn eval_range(val: &Val, paths: &[String; 2], port: f64, anchor: Span, specific: bool) -> Outcome {
    let from = val.get(&paths[0]);
    let to = val.get(&paths[1]);
    match (from.and_then(number), to.and_then(number)) {
        (Some(f), Some(t)) => {
            let span = from.map(|v| v.span).unwrap_or(anchor);
            let inside = f <= port && port <= t;
            Outcome::new(
                if inside { Tri::True } else { Tri::False },
                span,
                true,
                format!(
                    "ports {f}-{t} {} {port}",
                    if inside { "include" } else { "exclude" }
                ),
            )
        }
        _ => {
            let unresolved = [from, to].into_iter().flatten().find(|v| {
                !matches!(
                    v.kind,
                    ValKind::Number(_) | ValKind::String(_) | ValKind::Null
                )
            });
            match unresolved {
                Some(v) => Outcome::new(
                    Tri::Unknown,
                    v.span,
                    true,
                    "the port range cannot be resolved".into(),
                ),
                None => Outcome::new(Tri::False, anchor, specific, "no port range is set".into()),
            }
        }
    }
}

fn elements(val: &Val) -> Vec<&Val> {
    match &val.kind {
        ValKind::List(items) => items.iter().collect(),
        ValKind::Null => Vec::new(),
        _ => vec![val],
    }
}

fn eval_each(
    ctx: &Ctx<'_>,
    q: Quant,
    path: &str,
    filter: &Pred,
    val: &Val,
    anchor: Span,
    specific: bool,
) -> Outcome {
    // Walk to the list, failing soft on unknowns.
    let mut cur = val;
    let mut at = anchor;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        match &cur.kind {
            ValKind::Map(_) => match cur.attr(seg) {
                Some(a) => {
                    at = a.key_span;
                    cur = &a.value;
                }
                None => return quant_empty(q, path, anchor, specific),
            },
            ValKind::Unknown(r) => {
                return Outcome::new(
                    Tri::Unknown,
                    cur.span,
                    true,
                    format!("`{path}` cannot be resolved: {r}"),
                )
            }
            ValKind::Choice { condition, .. } => {
                return Outcome::new(
                    Tri::Unknown,
                    cur.span,
                    true,
                    format!("`{path}` depends on `{condition}`"),
                )
            }
            _ => return quant_empty(q, path, anchor, specific),
        }
    }
    match &cur.kind {
        ValKind::Unknown(r) => {
            return Outcome::new(
                Tri::Unknown,
                cur.span,
                true,
                format!("`{path}` cannot be resolved: {r}"),
            )
        }
        ValKind::Ref(_) => {
            return Outcome::new(
                Tri::Unknown,
                cur.span,
                true,
                format!("`{path}` is known only after deployment"),
            )
        }
        ValKind::Choice { condition, .. } => {
            return Outcome::new(
                Tri::Unknown,
                cur.span,
                true,
                format!("`{path}` depends on `{condition}`"),
            )
        }
        _ => {}
    }
    let items = elements(cur);
    if items.is_empty() {
        return quant_empty(q, path, at, true);
    }
    let outs: Vec<Outcome> = items
        .iter()
        .map(|i| eval(ctx, filter, i, i.span, true))
        .collect();
    quantify(q, outs, path, at)
}

fn quant_empty(q: Quant, what: &str, anchor: Span, specific: bool) -> Outcome {
    match q {
        Quant::Some => Outcome::new(Tri::False, anchor, specific, format!("no `{what}` is set")),
        Quant::Every | Quant::None => {
            Outcome::new(Tri::True, anchor, false, format!("no `{what}` is set"))
        }
    }
}

fn quantify(q: Quant, outs: Vec<Outcome>, what: &str, anchor: Span) -> Outcome {
    match q {
        Quant::Some => any(outs, anchor),
        Quant::Every => all(outs, anchor),
        Quant::None => {
            if let Some(hit) = outs.iter().find(|o| o.tri == Tri::True) {
                let mut o = Outcome::new(
                    Tri::False,
                    hit.span,
                    true,
                    format!("{what}: {}", hit.message),
                );
                o.evidence.clear();
                return o;
            }
            if let Some(u) = outs.iter().find(|o| o.tri == Tri::Unknown) {
                return u.clone();
            }
            Outcome::new(Tri::True, anchor, false, format!("no `{what}` matches"))
        }
    }
}

fn eval_related(
    ctx: &Ctx<'_>,
    q: Quant,
    rel: &str,
    filter: Option<&Pred>,
    anchor: Span,
) -> Outcome {
    let Some(res) = ctx.res() else {
        return Outcome::new(
            Tri::Unknown,
            anchor,
            false,
            "internal: resource missing".into(),
        );
    };
    let companions = ctx.index.companions(ctx.resource, rel);
    let types = ctx.index.relation_types(ctx.resource, rel);
    if companions.is_empty() {
        return match q {
            Quant::Some => Outcome::new(
                Tri::False,
                res.header,
                false,
                format!("no {types} refers to {}", res.address),
            ),
            _ => Outcome::new(
                Tri::True,
                res.header,
                false,
                format!("no {types} refers to {}", res.address),
            ),
        };
    }
    let outs: Vec<Outcome> = companions
        .iter()
        .filter_map(|&c| {
            let comp = ctx.index.resources.get(c)?;
            let sub = Ctx {
                index: ctx.index,
                resource: c,
                budget: std::cell::Cell::new(ctx.budget.get()),
            };
            let mut o = match filter {
                Some(f) => eval(&sub, f, &comp.body, comp.header, true),
                None => {
                    let mut o = Outcome::new(Tri::True, comp.header, true, "exists".into());
                    o.evidence = vec![comp.header];
                    o
                }
            };
            ctx.budget.set(sub.budget.get());
            o.message = format!("{}: {}", comp.address, o.message);
            if o.evidence.is_empty() && o.tri == Tri::True {
                o.evidence = vec![comp.header];
            }
            Some(o)
        })
        .collect();
    quantify(q, outs, rel, res.header)
}

fn choice(outs: Vec<Outcome>, condition: &str, span: Span) -> Outcome {
    if outs.iter().all(|o| o.tri == Tri::True) {
        let mut o = outs
            .into_iter()
            .next()
            .unwrap_or_else(|| Outcome::new(Tri::True, span, true, String::new()));
        o.message = format!("{} (in every branch of `{condition}`)", o.message);
        return o;
    }
    if outs.iter().all(|o| o.tri == Tri::False) {
        if let Some(mut o) = outs.into_iter().next() {
            o.message = format!("{} (in every branch of `{condition}`)", o.message);
            return o;
        }
        return Outcome::new(Tri::False, span, true, String::new());
    }
    let detail: Vec<&str> = outs
        .iter()
        .filter(|o| o.tri != Tri::True)
        .map(|o| o.message.as_str())
        .collect();
    Outcome::new(
        Tri::Unknown,
        span,
        true,
        format!("depends on `{condition}`, which srm-lint cannot resolve: one branch addresses the duty, another does not ({})", detail.join("; ")),
    )
}

/// Any holds: `True` if one is; else `Unknown` if one is; else `False` at the most specific span.
pub(super) fn any(outs: Vec<Outcome>, anchor: Span) -> Outcome {
    if let Some(t) = outs.iter().find(|o| o.tri == Tri::True && !o.by_default) {
        return t.clone();
    }
    if let Some(t) = outs.iter().find(|o| o.tri == Tri::True) {
        return t.clone();
    }
    if let Some(u) = outs.iter().find(|o| o.tri == Tri::Unknown) {
        return u.clone();
    }
    let msg = outs
        .iter()
        .map(|o| o.message.as_str())
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match outs.iter().find(|o| o.specific) {
        Some(s) => Outcome {
            message: msg,
            ..s.clone()
        },
        None => Outcome::new(
            Tri::False,
            outs.first().map(|o| o.span).unwrap_or(anchor),
            false,
            msg,
        ),
    }
}

/// All hold: `False` if one is not; else `Unknown` if one is; else `True` with all evidence.
pub(super) fn all(outs: Vec<Outcome>, anchor: Span) -> Outcome {
    if let Some(f) = outs.iter().find(|o| o.tri == Tri::False && o.specific) {
        return f.clone();
    }
    if let Some(f) = outs.iter().find(|o| o.tri == Tri::False) {
        return f.clone();
    }
    if let Some(u) = outs.iter().find(|o| o.tri == Tri::Unknown) {
        return u.clone();
    }
    let mut evidence: Vec<Span> = outs
        .iter()
        .flat_map(|o| o.evidence.iter().copied())
        .collect();
    evidence.sort();
    evidence.dedup();
    // "By default" only when nothing explicit contributed.
    let by_default = !outs.is_empty() && outs.iter().all(|o| o.by_default);
    let msg = outs
        .iter()
        .map(|o| o.message.as_str())
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let span = evidence.first().copied().unwrap_or(anchor);
    Outcome {
        tri: Tri::True,
        span,
        specific: !evidence.is_empty(),
        message: msg,
        evidence,
        by_default,
    }
}

fn not(o: Outcome) -> Outcome {
    match o.tri {
        Tri::True => Outcome {
            tri: Tri::False,
            evidence: Vec::new(),
            ..o
        },
        Tri::False => Outcome {
            tri: Tri::True,
            evidence: Vec::new(),
            ..o
        },
        Tri::Unknown => o,
    }
}
