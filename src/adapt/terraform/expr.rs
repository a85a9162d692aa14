//! The HCL native-syntax expression walk: literals, templates, references, operators,
//! conditionals, `for` expressions and function calls.

use super::eval::{as_bool, not_known, respan, to_text, unknown, Evaluator, Scope, ERR};
use super::hcl::Loc;
use super::ops::{binop, static_key, step, unop};
use crate::model::{Attr, Reason, Val, ValKind};
use crate::source::Span;
use hcl_edit::expr::{Expression, ForExpr, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

/// Most elements a `for` expression or splat may produce.
const MAX_ITEMS: usize = 10_000;

/// Evaluates an HCL expression in instance `inst`.
pub(crate) fn eval_expr(
    ev: &Evaluator<'_>,
    inst: usize,
    scope: &Scope,
    e: &Expression,
    loc: Loc,
) -> Val {
    let span = loc.span_of(e.span());
    if !ev.tick() {
        return unknown(span, "evaluation budget exhausted");
    }
    let Some(_level) = ev.enter() else {
        return unknown(span, "expression nested too deeply to evaluate");
    };
    let kind = match e {
        Expression::Null(_) => ValKind::Null,
        Expression::Bool(b) => ValKind::Bool(*b.value()),
        Expression::Number(n) => match n.value().as_f64() {
            Some(f) => {
                let range = span.start as usize..span.end as usize;
                let text = ev.sources.get(span.file).and_then(|s| s.text.get(range));
                ev.note_literal(span, text.unwrap_or_default());
                ValKind::Number(f)
            }
            None => return unknown(span, format!("{ERR}number out of range")),
        },
        Expression::String(s) => ValKind::String(s.value().to_string()),
        Expression::Array(a) => ValKind::List(
            a.iter()
                .map(|x| eval_expr(ev, inst, scope, x, loc))
                .collect(),
        ),
        Expression::Object(o) => {
            let mut attrs = Vec::with_capacity(o.len());
            for (k, v) in o.iter() {
                let key_span = loc.span(k.span(), span);
                let key = match k {
                    ObjectKey::Ident(id) => id.as_str().to_string(),
                    ObjectKey::Expression(ke) => {
                        let kv = eval_expr(ev, inst, scope, ke, loc);
                        match to_text(&kv) {
                            Ok(s) => s,
                            Err(r) => return unknown(span, r),
                        }
                    }
                };
                attrs.push(Attr {
                    key,
                    key_span,
                    value: eval_expr(ev, inst, scope, v.expr(), loc),
                });
            }
            ValKind::Map(attrs)
        }
        Expression::StringTemplate(t) => return template(ev, inst, scope, t, loc, span),
        Expression::HeredocTemplate(h) => return template(ev, inst, scope, &h.template, loc, span),
        Expression::Parenthesis(p) => {
            return respan(eval_expr(ev, inst, scope, p.inner(), loc), span)
        }
        Expression::Variable(v) => match scope_get(scope, v.as_str()) {
            Some(x) if ev.charge(&x) => return respan(x, span),
            Some(_) => return unknown(span, "evaluation budget exhausted (value too large)"),
            None => return unknown(span, format!("{ERR}`{}` is not a value", v.as_str())),
        },
        Expression::Conditional(c) => {
            let cond = eval_expr(ev, inst, scope, &c.cond_expr, loc);
            return match as_bool(&cond) {
                Some(true) => eval_expr(ev, inst, scope, &c.true_expr, loc),
                Some(false) => eval_expr(ev, inst, scope, &c.false_expr, loc),
                None => {
                    let t = eval_expr(ev, inst, scope, &c.true_expr, loc);
                    let f = eval_expr(ev, inst, scope, &c.false_expr, loc);
                    let condition = ev.text(loc.span_of(c.cond_expr.span()));
                    Val::new(
                        span,
                        ValKind::Choice {
                            condition,
                            options: vec![t, f],
                            scenarios: Vec::new(),
                            members: Vec::new(),
                        },
                    )
                }
            };
        }
        Expression::FuncCall(f) => {
            let mut args: Vec<Val> = f
                .args
                .iter()
                .map(|a| eval_expr(ev, inst, scope, a, loc))
                .collect();
            if f.args.expand_final() {
                if let Some(last) = args.pop() {
                    match last.kind {
                        ValKind::List(items) => args.extend(items),
                        _ => {
                            return unknown(
                                span,
                                not_known(&last)
                                    .unwrap_or_else(|| format!("{ERR}`...` needs a list").into()),
                            )
                        }
                    }
                }
            }
            let name = f.name.name.as_str();
            if f.name.is_namespaced() {
                return unknown(span, {
                    let ns: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
                    format!("function `{}::{name}` is not evaluated", ns.join("::"))
                });
            }
            return super::funcs::call(name, args, span);
        }
        Expression::Traversal(t) => return traversal(ev, inst, scope, t, loc, span),
        Expression::UnaryOp(u) => {
            let v = eval_expr(ev, inst, scope, &u.expr, loc);
            return unop(*u.operator.value(), v, span);
        }
        Expression::BinaryOp(b) => {
            let l = eval_expr(ev, inst, scope, &b.lhs_expr, loc);
            let r = eval_expr(ev, inst, scope, &b.rhs_expr, loc);
            return binop(*b.operator.value(), l, r, span);
        }
        Expression::ForExpr(f) => return for_expr(ev, inst, scope, f, loc, span),
    };
    Val::new(span, kind)
}

fn scope_get(scope: &Scope, name: &str) -> Option<Val> {
    scope.lookup(name)
}

/// A string template: known parts concatenated; a lone interpolation keeps its value's type.
fn template(
    ev: &Evaluator<'_>,
    inst: usize,
    scope: &Scope,
    t: &Template,
    loc: Loc,
    span: Span,
) -> Val {
    let elems: Vec<&Element> = t.iter().collect();
    if let [Element::Interpolation(i)] = elems.as_slice() {
        return respan(eval_expr(ev, inst, scope, &i.expr, loc), span);
    }
    let mut out = String::new();
    let mut reason: Option<Reason> = None;
    // Where the unknown pieces start and end in `out` (for the known start and end).
    let (mut first_gap, mut last_gap_end) = (None, 0);
    for el in elems {
        match el {
            Element::Literal(s) => out.push_str(s.value()),
            Element::Interpolation(i) => {
                let v = eval_expr(ev, inst, scope, &i.expr, loc);
                match to_text(&v) {
                    Ok(s) => out.push_str(&s),
                    Err(r) => {
                        first_gap.get_or_insert(out.len());
                        last_gap_end = out.len();
                        reason.get_or_insert(r);
                    }
                }
            }
            Element::Directive(_) => {
                first_gap.get_or_insert(out.len());
                last_gap_end = out.len();
                reason
                    .get_or_insert_with(|| "template directives (%{...}) are not evaluated".into());
            }
        }
    }
    match reason {
        Some(r) => unknown(span, Reason::partly(r, &out, first_gap, last_gap_end)),
        None => Val::new(span, ValKind::String(out)),
    }
}

/// The instance key an index operator names (`["a"]`, `[0]`), when it is known.
fn instance_key(
    ev: &Evaluator<'_>,
    inst: usize,
    scope: &Scope,
    op: &TraversalOperator,
    loc: Loc,
) -> Option<String> {
    match op {
        TraversalOperator::Index(ke) => {
            let k = eval_expr(ev, inst, scope, ke, loc);
            match &k.kind {
                ValKind::String(s) => Some(super::repeat::key_text(s)),
                ValKind::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
                    Some(format!("[{}]", *n as u64))
                }
                _ => None,
            }
        }
        TraversalOperator::LegacyIndex(n) => Some(format!("[{}]", n.value())),
        _ => None,
    }
}

/// `root.a.b[0]…`: variables, locals, module outputs, data sources, resource references and
/// plain values.
fn traversal(
    ev: &Evaluator<'_>,
    inst: usize,
    scope: &Scope,
    t: &Traversal,
    loc: Loc,
    span: Span,
) -> Val {
    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
    let key = |i: usize| ops.get(i).and_then(|o| static_key(o));
    let (base, rest) = match &t.expr {
        Expression::Variable(root) if scope_get(scope, root.as_str()).is_none() => {
            let root = root.as_str();
            match root {
                "var" => match key(0) {
                    Some(n) => (ev.var(inst, n, span), 1),
                    None => return unknown(span, format!("{ERR}bad variable reference")),
                },
                "local" => match key(0) {
                    Some(n) => (ev.local(inst, n, span), 1),
                    None => return unknown(span, format!("{ERR}bad local reference")),
                },
                "module" => match (key(0), ops.get(1)) {
                    // `module.x[0].out`, `module.x["k"].out`: that instance's output.
                    (
                        Some(n),
                        Some(
                            op @ (TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)),
                        ),
                    ) => match instance_key(ev, inst, scope, op, loc) {
                        Some(k) => (ev.module_output(inst, &format!("{n}{k}"), key(2), span), 3),
                        None => {
                            return unknown(
                                span,
                                format!("the instance key of module.{n} is not known"),
                            )
                        }
                    },
                    (Some(n), _) => (ev.module_output(inst, n, key(1), span), 2),
                    (None, _) => return unknown(span, format!("{ERR}bad module reference")),
                },
                "data" => match (key(0), key(1)) {
                    (Some(ty), Some(n)) => {
                        // `data.T.N[0].json`: skip instance keys.
                        let mut i = 2;
                        while matches!(
                            ops.get(i),
                            Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                        ) {
                            i += 1;
                        }
                        (ev.data(inst, ty, n, key(i), span), i + 1)
                    }
                    _ => return unknown(span, format!("{ERR}bad data reference")),
                },
                "path" => match key(0) {
                    Some(w) => (ev.path(inst, w, span), 1),
                    None => return unknown(span, format!("{ERR}bad path reference")),
                },
                "each" => {
                    return unknown(
                        span,
                        format!(
                            "each.{} depends on the for_each instance",
                            key(0).unwrap_or("?")
                        ),
                    )
                }
                "count" => return unknown(span, "count.index depends on the count instance"),
                "self" => return unknown(span, "self is known only after apply"),
                "terraform" => {
                    return unknown(
                        span,
                        format!(
                            "terraform.{} is known only at plan time",
                            key(0).unwrap_or("?")
                        ),
                    )
                }
                rtype => {
                    let Some(name) = key(0) else {
                        return unknown(span, format!("{ERR}`{rtype}` is not a value"));
                    };
                    // `aws_x.this[each.key]`, `aws_x.this[0]`: the instance, when its key is
                    // known (otherwise the block as a whole).
                    let instance = ops
                        .get(1)
                        .and_then(|op| instance_key(ev, inst, scope, op, loc));
                    let mut i = 1;
                    while matches!(
                        ops.get(i),
                        Some(
                            TraversalOperator::Index(_)
                                | TraversalOperator::LegacyIndex(_)
                                | TraversalOperator::AttrSplat(_)
                                | TraversalOperator::FullSplat(_)
                        )
                    ) {
                        i += 1;
                    }
                    let mut v = ev.resource_ref(inst, rtype, name, key(i), span);
                    if let (ValKind::Ref(r), Some(k)) = (&mut v.kind, instance) {
                        r.target.push_str(&k);
                    }
                    return v;
                }
            }
        }
        Expression::Variable(root) => match scope_get(scope, root.as_str()) {
            Some(x) if ev.charge(&x) => (x, 0),
            _ => return unknown(span, "evaluation budget exhausted (value too large)"),
        },
        other => (eval_expr(ev, inst, scope, other, loc), 0),
    };
    apply_ops(
        ev,
        inst,
        scope,
        base,
        ops.get(rest..).unwrap_or(&[]),
        loc,
        span,
    )
}

/// Applies traversal operators to a value.
fn apply_ops(
    ev: &Evaluator<'_>,
    inst: usize,
    scope: &Scope,
    mut v: Val,
    ops: &[&TraversalOperator],
    loc: Loc,
    span: Span,
) -> Val {
    for (i, op) in ops.iter().enumerate() {
        if !ev.tick() {
            return unknown(span, "evaluation budget exhausted");
        }
        if let ValKind::Ref(r) = &mut v.kind {
            // `each.value.id` over `for_each = aws_x.this`: the attribute of the instance.
            if let (None, TraversalOperator::GetAttr(id)) = (&r.attribute, op) {
                r.attribute = Some(id.to_string());
            }
            return respan(v, span);
        }
        if let ValKind::Unknown(_) = v.kind {
            return respan(v, span);
        }
        v = match op {
            TraversalOperator::GetAttr(id) => step(v, Ok(id.as_str()), span),
            TraversalOperator::LegacyIndex(n) => step(v, Err(*n.value() as f64), span),
            TraversalOperator::Index(ke) => {
                let k = eval_expr(ev, inst, scope, ke, loc);
                match &k.kind {
                    ValKind::Number(n) => step(v, Err(*n), span),
                    ValKind::String(s) => step(v, Ok(s), span),
                    ValKind::Choice {
                        condition, options, ..
                    } => {
                        // `m[each.key]`: one lookup per possible key.
                        let mut outs = Vec::with_capacity(options.len());
                        for o in options {
                            if !ev.charge(&v) {
                                return unknown(span, "evaluation budget exhausted");
                            }
                            outs.push(match &o.kind {
                                ValKind::Number(n) => step(v.clone(), Err(*n), span),
                                ValKind::String(s) => step(v.clone(), Ok(s), span),
                                _ => unknown(
                                    span,
                                    not_known(o)
                                        .unwrap_or_else(|| format!("{ERR}bad index").into()),
                                ),
                            });
                        }
                        super::repeat::choice_of(condition, outs, span)
                    }
                    _ => {
                        return unknown(
                            span,
                            not_known(&k).unwrap_or_else(|| format!("{ERR}bad index").into()),
                        )
                    }
                }
            }
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                let items = match v.kind {
                    ValKind::List(items) => items,
                    ValKind::Null => Vec::new(),
                    _ => vec![v],
                };
                let rest = ops.get(i + 1..).unwrap_or(&[]);
                let out = items
                    .into_iter()
                    .take(MAX_ITEMS)
                    .map(|x| apply_ops(ev, inst, scope, x, rest, loc, span))
                    .collect();
                return Val::new(span, ValKind::List(out));
            }
        };
    }
    v
}

/// `[for k, v in coll : …]` and `{for k, v in coll : k => …}` over known collections.
fn for_expr(
    ev: &Evaluator<'_>,
    inst: usize,
    scope: &Scope,
    f: &ForExpr,
    loc: Loc,
    span: Span,
) -> Val {
    let coll = eval_expr(ev, inst, scope, &f.intro.collection_expr, loc);
    let pairs: Vec<(Val, Val)> = match coll.kind {
        ValKind::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, x)| (Val::new(x.span, ValKind::Number(i as f64)), x))
            .collect(),
        ValKind::Map(attrs) => attrs
            .into_iter()
            .map(|a| (Val::new(a.key_span, ValKind::String(a.key)), a.value))
            .collect(),
        ValKind::Null => return unknown(span, format!("{ERR}`for` over null")),
        _ => {
            return unknown(
                span,
                format!(
                    "the `for` expression iterates over a value that is not known: {}",
                    not_known(&coll).unwrap_or_default()
                ),
            )
        }
    };
    if pairs.len() > MAX_ITEMS {
        return unknown(
            span,
            "the `for` expression has too many elements to evaluate",
        );
    }
    let kvar = f.intro.key_var.as_ref().map(|k| k.as_str());
    let vvar = f.intro.value_var.as_str();
    let mut list = Vec::new();
    let mut map: Vec<Attr> = Vec::new();
    let mut pos: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    for (k, v) in pairs {
        if !ev.tick() {
            return unknown(span, "evaluation budget exhausted");
        }
        let mut s = scope.with(vvar, v);
        if let Some(kv) = kvar {
            s = s.with(kv, k);
        }
        if let Some(c) = &f.cond {
            let cv = eval_expr(ev, inst, &s, &c.expr, loc);
            match as_bool(&cv) {
                Some(true) => {}
                Some(false) => continue,
                None => {
                    return unknown(
                        span,
                        not_known(&cv)
                            .unwrap_or_else(|| format!("{ERR}`if` needs a boolean").into()),
                    )
                }
            }
        }
        let val = eval_expr(ev, inst, &s, &f.value_expr, loc);
        match &f.key_expr {
            None => list.push(val),
            Some(ke) => {
                let kv = eval_expr(ev, inst, &s, ke, loc);
                let key = match to_text(&kv) {
                    Ok(k) => k,
                    Err(r) => return unknown(span, r),
                };
                match (pos.get(&key).and_then(|&i| map.get_mut(i)), f.grouping) {
                    (Some(a), true) => {
                        if let ValKind::List(items) = &mut a.value.kind {
                            items.push(val);
                        }
                    }
                    (Some(a), false) => a.value = val,
                    (None, grouping) => {
                        let value = if grouping {
                            Val::new(val.span, ValKind::List(vec![val]))
                        } else {
                            val
                        };
                        pos.insert(key.clone(), map.len());
                        map.push(Attr {
                            key,
                            key_span: kv.span,
                            value,
                        });
                    }
                }
            }
        }
    }
    if f.key_expr.is_some() {
        Val::new(span, ValKind::Map(map))
    } else {
        Val::new(span, ValKind::List(list))
    }
}
