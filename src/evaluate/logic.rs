//! Three-valued combinators: `any`, `all`, `not`, and a choice between the branches of an
//! unresolved conditional.

use super::msg::Msg;
use super::pred::{Outcome, Tri};
use crate::model::result::Basis;
use crate::source::Span;

/// A choice between the branches of an unresolved conditional (`scenarios` empty), or between
/// what different deployments get (one scenario per outcome, each a possible deployment): then
/// the duty is addressed only when every deployment addresses it, and a deployment that fails
/// it is a finding that names it.
pub(super) fn choice_in<'a>(
    outs: Vec<Outcome<'a>>,
    condition: &'a str,
    scenarios: &'a [String],
    span: Span,
) -> Outcome<'a> {
    if !scenarios.is_empty() {
        return scenario_choice(outs, condition, scenarios, span);
    }
    if outs.iter().all(|o| o.tri == Tri::True) {
        let mut o = outs
            .into_iter()
            .next()
            .unwrap_or_else(|| Outcome::new(Tri::True, span, true, Msg::empty()));
        o.message = o
            .message
            .map(move |m| format!("{m} (in every branch of `{condition}`)"));
        return o;
    }
    if outs.iter().all(|o| o.tri == Tri::False) {
        if let Some(mut o) = outs.into_iter().next() {
            o.message = o
                .message
                .map(move |m| format!("{m} (in every branch of `{condition}`)"));
            return o;
        }
        return Outcome::new(Tri::False, span, true, Msg::empty());
    }
    let mut outs = outs;
    let detail: Vec<Msg<'a>> = outs
        .iter_mut()
        .filter(|o| o.tri != Tri::True)
        .map(|o| o.message.take())
        .collect();
    let mut o = Outcome::new(
        Tri::Unknown,
        span,
        true,
        Msg::over(detail, move |detail| {
            format!("depends on `{condition}`, which srm-lint cannot resolve: one branch addresses the duty, another does not ({})", detail.join("; "))
        }),
    );
    o.related = related_of(outs.iter().filter(|o| o.tri != Tri::True));
    o
}

/// The evidence of every outcome in `outs`, sorted, each place once.
fn evidence_of(outs: &[Outcome<'_>]) -> Vec<Span> {
    let mut evidence: Vec<Span> = outs
        .iter()
        .flat_map(|o| o.evidence.iter().copied())
        .collect();
    evidence.sort();
    evidence.dedup();
    evidence
}

/// The places named by `outs`, each once, in order.
fn related_of<'o, 'a: 'o>(
    outs: impl Iterator<Item = &'o Outcome<'a>>,
) -> Vec<crate::model::Related> {
    let mut related: Vec<crate::model::Related> = Vec::new();
    for r in outs.flat_map(|o| o.related.iter()) {
        if !related.contains(r) {
            related.push(r.clone());
        }
    }
    related
}

/// The option scenario `scenario` gets, and its index.
pub(super) fn picked<'v>(
    scenario: Option<u32>,
    options: &'v [crate::model::Val],
    members: &[Vec<u32>],
) -> Option<(usize, &'v crate::model::Val)> {
    let s = scenario?;
    let i = members.iter().position(|m| m.contains(&s))?;
    Some((i, options.get(i)?))
}

/// An option's outcome, saying which deployments it is for.
pub(super) fn labelled<'a>(mut o: Outcome<'a>, scenarios: &'a [String], i: usize) -> Outcome<'a> {
    if let Some(l) = scenarios.get(i).filter(|l| !l.is_empty()) {
        o.message = o.message.map(move |m| format!("when {l}: {m}"));
    }
    o
}

fn scenario_choice<'a>(
    outs: Vec<Outcome<'a>>,
    condition: &'a str,
    scenarios: &'a [String],
    span: Span,
) -> Outcome<'a> {
    let when = |o: &mut Outcome<'a>, i: usize| {
        if let Some(s) = scenarios.get(i).filter(|s| !s.is_empty()) {
            o.message = o.message.take().map(move |m| format!("when {s}: {m}"));
        }
    };
    let failing = outs
        .iter()
        .position(|o| o.tri == Tri::False)
        .or_else(|| outs.iter().position(|o| o.tri == Tri::Unknown));
    if let Some(i) = failing {
        if let Some(mut o) = outs.get(i).cloned() {
            when(&mut o, i);
            o.evidence.clear();
            return o;
        }
    }
    let evidence = evidence_of(&outs);
    let by_default = outs.iter().all(|o| o.by_default);
    match outs.into_iter().next() {
        Some(mut o) => {
            if !condition.is_empty() {
                o.message = o
                    .message
                    .map(move |m| format!("{m} (whatever the value of {condition})"));
            }
            o.evidence = evidence;
            o.by_default = by_default;
            o
        }
        None => Outcome::new(Tri::True, span, true, Msg::empty()),
    }
}

/// Any holds: `True` if one is; else `Unknown` if one is; else `False` at the most specific span.
pub(super) fn any(mut outs: Vec<Outcome<'_>>, anchor: Span) -> Outcome<'_> {
    let holds = outs
        .iter()
        .position(|o| o.tri == Tri::True && !o.by_default)
        .or_else(|| outs.iter().position(|o| o.tri == Tri::True));
    if let Some(i) = holds {
        return outs.swap_remove(i);
    }
    // Undecided: every alternative that could still address the duty is said.
    if let Some(first) = outs.iter().position(|o| o.tri == Tri::Unknown) {
        let parts: Vec<Msg<'_>> = outs
            .iter_mut()
            .filter(|o| o.tri == Tri::Unknown)
            .map(|o| o.message.take())
            .collect();
        let message = Msg::over(parts, |mut parts| {
            parts.dedup();
            parts.join("; ")
        });
        let related = related_of(outs.iter().filter(|o| o.tri == Tri::Unknown));
        let mut o = outs.swap_remove(first);
        o.message = message;
        o.related = related;
        return o;
    }
    // Each distinct reason once, in the order the alternatives give them; a reason another one
    // already says (`x` is "optional" beside `x` is "optional"; expected …) is not repeated.
    let parts: Vec<Msg<'_>> = outs.iter_mut().map(|o| o.message.take()).collect();
    let msg = Msg::over(parts, |parts| {
        let mut said: Vec<&str> = Vec::new();
        for m in parts.iter().map(|m| m.as_ref()) {
            if !m.is_empty() && !said.iter().any(|s| s.contains(m)) {
                said.push(m);
            }
        }
        said.join("; ")
    });
    // Every alternative failed: the finding rests on all of them.
    let by_default = outs.iter().any(|o| o.by_default);
    let explicit = outs.is_empty() || outs.iter().any(|o| o.explicit);
    let companion = outs.iter().any(|o| o.companion);
    // An account setting decides the finding when the place it points at is in one.
    let specific = outs.iter().position(|o| o.specific);
    let account = match specific.and_then(|i| outs.get(i)) {
        Some(s) => s.account,
        None => outs.iter().any(|o| o.account),
    };
    let o = match specific {
        Some(i) => Outcome {
            message: msg,
            ..outs.swap_remove(i)
        },
        None => Outcome::new(
            Tri::False,
            outs.first().map(|o| o.span).unwrap_or(anchor),
            false,
            msg,
        ),
    };
    Outcome {
        by_default,
        explicit,
        companion,
        account,
        ..o
    }
}

/// All hold: `False` if one is not; else `Unknown` if one is; else `True` with all evidence.
pub(super) fn all(mut outs: Vec<Outcome<'_>>, anchor: Span) -> Outcome<'_> {
    let failed = outs
        .iter()
        .position(|o| o.tri == Tri::False && o.specific)
        .or_else(|| outs.iter().position(|o| o.tri == Tri::False));
    if let Some(i) = failed {
        // A credential found beside the finding is still masked in every output.
        let beside = outs.iter().find_map(|o| o.secret.clone());
        let mut f = outs.swap_remove(i);
        if f.secret.is_none() {
            f.secret = beside.map(|mut s| {
                s.locate = false;
                s
            });
        }
        return f;
    }
    if let Some(i) = outs.iter().position(|o| o.tri == Tri::Unknown) {
        return outs.swap_remove(i);
    }
    let evidence = evidence_of(&outs);
    // A default that took part is said, even beside explicit evidence.
    let by_default = outs.iter().any(|o| o.by_default);
    let explicit = outs.is_empty() || outs.iter().any(|o| o.explicit);
    let companion = outs.iter().any(|o| o.companion);
    let account = outs.iter().any(|o| o.account);
    let msg = Msg::join(outs.iter_mut().map(|o| o.message.take()).collect(), "; ");
    let span = evidence.first().copied().unwrap_or(anchor);
    Outcome {
        tri: Tri::True,
        span,
        specific: !evidence.is_empty(),
        message: msg,
        related: related_of(outs.iter()),
        evidence,
        by_default,
        explicit,
        companion,
        account,
        secret: None,
    }
}

pub(super) fn not(o: Outcome<'_>) -> Outcome<'_> {
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

/// What decided a finding: a companion; an account-level setting that is off (the finding
/// points at it, and it is the evidence); an absent setting whose default does not address the
/// duty; or a written value.
pub(super) fn failure_basis(o: &Outcome<'_>) -> (Basis, Vec<Span>) {
    if o.companion {
        (Basis::Companion, Vec::new())
    } else if o.account && o.specific {
        (Basis::Account, vec![o.span])
    } else if o.by_default && !o.explicit {
        (Basis::Default, Vec::new())
    } else {
        (Basis::Code, Vec::new())
    }
}
