//! Three-valued evaluation of catalog predicates over model values.
//!
//! Every outcome carries a span: for `True` the evidence, for `False` the attribute that is wrong
//! (or the nearest existing block / the resource header when something is missing), for
//! `Unknown` the value that could not be resolved. Unknown never becomes `True`.

use super::docs::{path_segments, Docs};
use super::logic::{all, any, choice_in, labelled, not, picked};
use super::msg::{lazy, Msg};
use super::quant::{eval_each, eval_related};
use super::values::{
    any_lit_eq, has, lit_eq, lit_text, not_one_of_text, number, one_of_text, show,
};
use super::Index;
use crate::catalog::{Absent, Lit, Pred, Shape, Test};
use crate::model::{Related, Val, ValKind};
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
pub struct Outcome<'a> {
    /// Truth value.
    pub tri: Tri,
    /// The primary location.
    pub span: Span,
    /// Whether `span` points at a specific attribute (not a fallback header).
    pub specific: bool,
    /// What was found (written when read).
    pub message: Msg<'a>,
    /// Evidence locations (for `True`).
    pub evidence: Vec<Span>,
    /// The outcome rests, at least in part, on AWS's default: an absent setting or companion.
    pub by_default: bool,
    /// The outcome rests, at least in part, on something written (not only on absence).
    pub explicit: bool,
    /// Companion resources took part in it.
    pub companion: bool,
    /// An account-level setting in the same configuration took part in it.
    pub account: bool,
    /// The credential a `no_secrets` test found (for `False`).
    pub secret: Option<Box<crate::model::result::Secret>>,
    /// Places an unknown value's reason names (rendered by the report).
    pub related: Vec<Related>,
}

impl<'a> Outcome<'a> {
    pub(super) fn new(tri: Tri, span: Span, specific: bool, message: impl Into<Msg<'a>>) -> Self {
        let evidence = if tri == Tri::True && specific {
            vec![span]
        } else {
            Vec::new()
        };
        Outcome {
            tri,
            span,
            specific,
            message: message.into(),
            evidence,
            by_default: false,
            explicit: true,
            companion: false,
            account: false,
            secret: None,
            related: Vec::new(),
        }
    }

    /// An outcome decided by absence: what AWS does when nothing is written.
    pub(super) fn by_default(mut self) -> Self {
        self.by_default = true;
        self.explicit = false;
        self
    }

    /// The same outcome, its message written now so that it borrows nothing.
    pub(super) fn detach<'b>(self) -> Outcome<'b> {
        Outcome {
            tri: self.tri,
            span: self.span,
            specific: self.specific,
            message: self.message.detach(),
            evidence: self.evidence,
            by_default: self.by_default,
            explicit: self.explicit,
            companion: self.companion,
            account: self.account,
            secret: self.secret,
            related: self.related,
        }
    }
}

/// Evaluation context: the resource the value belongs to, and the scan-wide index.
pub(super) struct Ctx<'a> {
    pub index: &'a Index<'a>,
    pub resource: usize,
    /// Step budget against pathological policies or values.
    pub budget: std::cell::Cell<u32>,
    /// The scenario evaluated (see [`ValKind::Choice`]): choices between deployments take the
    /// option of this scenario. `None`: every option is weighed.
    pub scenario: Option<u32>,
    /// JSON documents already parsed from the strings of this resource and its companions.
    pub docs: &'a Docs,
}

/// Evaluates `pred` on `val`; `anchor` is where a missing attribute is reported.
pub(super) fn eval<'a>(
    ctx: &Ctx<'a>,
    pred: &'a Pred,
    val: &'a Val,
    anchor: Span,
    specific: bool,
) -> Outcome<'a> {
    if !ctx.spend() {
        return Outcome::new(
            Tri::Unknown,
            anchor,
            specific,
            "evaluation budget exhausted",
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
            let (mut one, mut many) = ([""], Vec::new());
            let segs = path_segments(path, &mut one, &mut many);
            let t = TestCtx {
                path,
                test,
                absent,
                note,
                expected: &pred.expected,
                absent_text: &pred.absent_text,
                strings: &pred.strings,
            };
            eval_path(ctx, &t, val, segs, anchor, specific)
        }
        Shape::Range { paths, port } => {
            eval_range(ctx.scenario, val, paths, port, (anchor, specific))
        }
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

#[derive(Clone, Copy)]
struct TestCtx<'a> {
    path: &'a str,
    test: Test<'a>,
    absent: Absent,
    note: Option<&'a str>,
    /// The test's expectation text, once written.
    expected: &'a crate::catalog::Memo,
    /// The test's literal strings as a set, once built.
    strings: &'a crate::catalog::Memo<crate::catalog::StrSet>,
    /// The text for the attribute not being set, once written.
    absent_text: &'a crate::catalog::Memo,
}

fn eval_path<'a>(
    ctx: &Ctx<'a>,
    t: &TestCtx<'a>,
    val: &'a Val,
    segs: &[&str],
    anchor: Span,
    specific: bool,
) -> Outcome<'a> {
    match &val.kind {
        ValKind::Choice {
            condition,
            options,
            scenarios,
            members,
        } => {
            if let Some((i, o)) = picked(ctx.scenario, options, members) {
                let out = eval_path(ctx, t, o, segs, anchor, specific);
                return labelled(out, scenarios, i);
            }
            let outs: Vec<Outcome<'a>> = options
                .iter()
                .map(|o| eval_path(ctx, t, o, segs, anchor, specific))
                .collect();
            choice_in(outs, condition, scenarios, val.span)
        }
        ValKind::Unknown(reason) => {
            if let Some(o) = reason
                .known
                .as_deref()
                .and_then(|k| partly_known(t, k, val.span))
            {
                return o;
            }
            let path = t.path;
            if matches!(t.test, Test::Present(true)) {
                let mut o = Outcome::new(
                    Tri::True,
                    val.span,
                    true,
                    lazy!("`{path}` is set (value unknown: {reason})"),
                );
                o.evidence = vec![val.span];
                o.related.clone_from(&reason.related);
                o
            } else {
                let mut o = Outcome::new(
                    Tri::Unknown,
                    val.span,
                    true,
                    lazy!("`{path}` cannot be resolved: {reason}"),
                );
                o.related.clone_from(&reason.related);
                o
            }
        }
        ValKind::Ref(r) => {
            let path = t.path;
            let target = move || match &r.attribute {
                Some(a) => format!("{}.{a}", r.target),
                None => r.target.clone(),
            };
            if matches!(t.test, Test::Present(true)) {
                let mut o = Outcome::new(
                    Tri::True,
                    val.span,
                    true,
                    lazy!("`{path}` refers to {}", target()),
                );
                o.evidence = vec![val.span];
                o
            } else {
                Outcome::new(
                    Tri::Unknown,
                    val.span,
                    true,
                    lazy!(
                        "`{path}` refers to {}, whose value is known only after deployment",
                        target()
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
fn leaf_attr<'a>(ctx: &Ctx<'a>, t: &TestCtx<'a>, val: &'a Val, key_span: Span) -> Outcome<'a> {
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

fn absent<'a>(t: &TestCtx<'a>, anchor: Span, specific: bool) -> Outcome<'a> {
    absent_as(t, anchor, specific, NOT_SET)
}

const NOT_SET: &str = "is not set";

/// An empty string or list (or null): not a setting, whatever a `present` test asks.
fn is_empty_value(val: &Val) -> bool {
    match &val.kind {
        ValKind::String(s) => s.trim().is_empty(),
        ValKind::List(items) => items.is_empty(),
        ValKind::Null => true,
        _ => false,
    }
}

/// What a missing attribute means for the test; `how` says how it is missing (`is not set`,
/// `is empty, which sets nothing`).
fn absent_as<'a>(t: &TestCtx<'a>, anchor: Span, specific: bool, how: &'static str) -> Outcome<'a> {
    let path = t.path;
    let (test, absent, note) = (t.test, t.absent, t.note);
    let text = move || match (test, absent, note) {
        (Test::Present(false), ..) | (_, Absent::Fails, _) => format!("`{path}` {how}"),
        (_, _, Some(n)) => format!("`{path}` {how}; {n}"),
        (_, Absent::Passes, None) => format!("`{path}` {how}; AWS's default applies"),
        (_, Absent::Unknown, None) => {
            format!("`{path}` {how} and AWS's default cannot be known from the code")
        }
    };
    // The common case's text is the same every time for this predicate: written once.
    let message = if how == NOT_SET {
        Msg::borrowed(t.absent_text.get_or(text))
    } else {
        Msg::lazy(text)
    };
    if let Test::Present(false) = t.test {
        return Outcome::new(Tri::True, anchor, specific, message).by_default();
    }
    match t.absent {
        Absent::Fails => Outcome::new(Tri::False, anchor, specific, message).by_default(),
        Absent::Passes => {
            let mut o = Outcome::new(Tri::True, anchor, specific, message).by_default();
            o.evidence.clear();
            o
        }
        Absent::Unknown => Outcome::new(Tri::Unknown, anchor, specific, message),
    }
}

fn leaf<'a>(ctx: &Ctx<'a>, t: &TestCtx<'a>, val: &'a Val, anchor: Span) -> Outcome<'a> {
    let span = val.span;
    let path = t.path;
    let expected_memo = t.expected;
    // Messages are written only when read (most outcomes are weighed and dropped).
    fn ok<'a>(
        b: bool,
        (path, val): (&'a str, &'a Val),
        expected: impl Fn() -> String + 'a,
    ) -> Outcome<'a> {
        let msg = if b {
            lazy!("`{path}` is {}", show(val))
        } else {
            lazy!("`{path}` is {}; expected {}", show(val), expected())
        };
        Outcome::new(if b { Tri::True } else { Tri::False }, val.span, true, msg)
    }
    let pv = (path, val);
    match t.test {
        // An empty value sets nothing, whatever the test (`KmsMasterKeyId: ""` is no key).
        Test::Json(_) => {}
        _ if is_empty_value(val) => {
            return absent_as(t, span, true, "is empty, which sets nothing");
        }
        _ => {}
    }
    match t.test {
        Test::NoSecrets => match super::secrets::find(val) {
            Some(f) => {
                let msg = format!(
                    "`{path}` holds {} ({}) written in the code",
                    f.what,
                    super::secrets::mask(&f.raw)
                );
                let mut o = Outcome::new(Tri::False, f.span, true, msg);
                o.secret = Some(Box::new(f));
                o
            }
            None => Outcome::new(
                Tri::True,
                span,
                true,
                lazy!("`{path}` holds no credential srm-lint recognises"),
            ),
        },
        Test::Present(p) => ok(p, pv, || "it not to be set".into()),
        Test::Json(inner) => match ctx.docs.get(val) {
            Some(super::docs::Doc::Value(v)) => eval(ctx, inner, v, anchor, true),
            Some(super::docs::Doc::Parsed(doc)) => eval(ctx, inner, &doc, anchor, true).detach(),
            None => Outcome::new(
                Tri::Unknown,
                span,
                true,
                lazy!("`{path}` is not a JSON document srm-lint can read"),
            ),
        },
        Test::SupportedOn(id) => super::lifecycle::judge(ctx, t.path, id, val),
        Test::Has(l) => has(
            val,
            std::slice::from_ref(l),
            t.path,
            (t.expected, t.strings),
        ),
        Test::HasAny(ls) => has(val, ls, t.path, (t.expected, t.strings)),
        _ => {
            if let ValKind::List(items) = &val.kind {
                let outs = items
                    .iter()
                    .map(|i| eval_path(ctx, t, i, &[], i.span, true))
                    .collect();
                return all(outs, anchor);
            }
            match t.test {
                Test::Equals(l) => ok(lit_eq(val, l), pv, move || l.to_string()),
                Test::OneOf(ls) => ok(any_lit_eq(val, ls, t.strings), pv, move || {
                    expected_memo.get_or(|| one_of_text(ls)).to_string()
                }),
                Test::NotOneOf(ls) => ok(!any_lit_eq(val, ls, t.strings), pv, move || {
                    expected_memo.get_or(|| not_one_of_text(ls)).to_string()
                }),
                Test::Min(m) => match number(val) {
                    Some(n) => ok(n >= m, pv, move || format!("at least {m}")),
                    None => ok(false, pv, move || format!("a number ≥ {m}")),
                },
                Test::Max(m) => match number(val) {
                    Some(n) => ok(n <= m, pv, move || format!("at most {m}")),
                    None => ok(false, pv, move || format!("a number ≤ {m}")),
                },
                Test::StartsWith(p) => ok(
                    val.as_str().is_some_and(|s| s.starts_with(p)),
                    pv,
                    move || format!("a value starting with {p:?}"),
                ),
                _ => Outcome::new(Tri::Unknown, span, true, "unsupported test"),
            }
        }
    }
}

/// A test decided on the known start and end of a string whose middle is unknown, when no
/// value it can take could change the outcome (`arn:aws:iam::${AWS::AccountId}:root` is not
/// `*`); `None` otherwise.
fn partly_known<'a>(
    t: &TestCtx<'a>,
    k: &crate::model::KnownParts,
    span: Span,
) -> Option<Outcome<'a>> {
    let may = |l: &Lit| k.may_be(&lit_text(l));
    let tri = match t.test {
        Test::Equals(l) | Test::Has(l) if !may(l) => Tri::False,
        Test::OneOf(ls) | Test::HasAny(ls) if !ls.iter().any(may) => Tri::False,
        Test::NotOneOf(ls) if !ls.iter().any(may) => Tri::True,
        Test::StartsWith(p) if k.prefix.starts_with(p) => Tri::True,
        Test::StartsWith(p) if !p.starts_with(k.prefix.as_str()) => Tri::False,
        _ => return None,
    };
    let shown = format!("{} (the rest is known only at deployment)", k.describe());
    let message = match (tri, t.test) {
        (Tri::True, _) => format!("`{}` is {shown}", t.path),
        (_, Test::Equals(l) | Test::Has(l)) => {
            format!("`{}` is {shown}, so it is not {l}", t.path)
        }
        (_, Test::OneOf(ls) | Test::HasAny(ls)) => {
            format!("`{}` is {shown}, so it is not {}", t.path, one_of_text(ls))
        }
        (_, Test::StartsWith(p)) => {
            format!(
                "`{}` is {shown}; expected a value starting with {p:?}",
                t.path
            )
        }
        _ => format!("`{}` is {shown}", t.path),
    };
    let mut o = Outcome::new(tri, span, true, message);
    if tri == Tri::True {
        o.evidence = vec![span];
    }
    Some(o)
}

/// `v`, or in scenario `scenario` the option its choices between deployments give.
fn in_scenario(scenario: Option<u32>, v: &Val) -> &Val {
    let mut cur = v;
    while let ValKind::Choice {
        options, members, ..
    } = &cur.kind
    {
        match picked(scenario, options, members) {
            Some((_, o)) => cur = o,
            None => break,
        }
    }
    cur
}

fn eval_range<'a>(
    scenario: Option<u32>,
    val: &Val,
    paths: &[String; 2],
    port: f64,
    (anchor, specific): (Span, bool),
) -> Outcome<'a> {
    let val = in_scenario(scenario, val);
    let from = val.get(&paths[0]).map(|v| in_scenario(scenario, v));
    let to = val.get(&paths[1]).map(|v| in_scenario(scenario, v));
    match (from.and_then(number), to.and_then(number)) {
        (Some(f), Some(t)) => {
            let span = from.map(|v| v.span).unwrap_or(anchor);
            let inside = f <= port && port <= t;
            Outcome::new(
                if inside { Tri::True } else { Tri::False },
                span,
                true,
                lazy!(
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
                    "the port range cannot be resolved",
                ),
                None => Outcome::new(Tri::False, anchor, specific, "no port range is set"),
            }
        }
    }
}
