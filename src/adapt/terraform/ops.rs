//! Operators and traversal steps on evaluated values.

use super::eval::{as_bool, as_num, known_eq, not_known, num_text, respan, unknown, ERR};
use crate::model::{Val, ValKind};
use crate::source::Span;
use hcl_edit::expr::{BinaryOperator, Expression, TraversalOperator, UnaryOperator};

/// Replaces every span inside a value (JSON-syntax templates have only the string's span).
pub(crate) fn respan_deep(mut v: Val, span: Span) -> Val {
    v.respan_all(span);
    v
}

/// Applies a binary operator to two values.
pub(crate) fn binop(op: BinaryOperator, a: Val, b: Val, span: Span) -> Val {
    use BinaryOperator as B;
    let kind = match op {
        B::And | B::Or => {
            let (x, y) = (as_bool(&a), as_bool(&b));
            let short = op == B::Or;
            if x == Some(short) || y == Some(short) {
                ValKind::Bool(short)
            } else if let (Some(x), Some(y)) = (x, y) {
                ValKind::Bool(if short { x || y } else { x && y })
            } else {
                return unknown(
                    span,
                    not_known(&a).or_else(|| not_known(&b)).unwrap_or_else(|| {
                        format!("{ERR}operands of `{}` are not booleans", op.as_str()).into()
                    }),
                );
            }
        }
        B::Eq | B::NotEq => match known_eq(&a, &b) {
            Some(e) => ValKind::Bool(e == (op == B::Eq)),
            None => {
                return unknown(
                    span,
                    not_known(&a).or_else(|| not_known(&b)).unwrap_or_default(),
                )
            }
        },
        _ => {
            let (Some(x), Some(y)) = (as_num(&a), as_num(&b)) else {
                return unknown(
                    span,
                    not_known(&a).or_else(|| not_known(&b)).unwrap_or_else(|| {
                        format!("{ERR}operands of `{}` are not numbers", op.as_str()).into()
                    }),
                );
            };
            match op {
                B::Less => ValKind::Bool(x < y),
                B::LessEq => ValKind::Bool(x <= y),
                B::Greater => ValKind::Bool(x > y),
                B::GreaterEq => ValKind::Bool(x >= y),
                B::Plus => ValKind::Number(x + y),
                B::Minus => ValKind::Number(x - y),
                B::Mul => ValKind::Number(x * y),
                B::Div if y != 0.0 => ValKind::Number(x / y),
                B::Mod if y != 0.0 => ValKind::Number(x % y),
                _ => return unknown(span, format!("{ERR}division by zero")),
            }
        }
    };
    Val::new(span, kind)
}

/// Applies a unary operator.
pub(crate) fn unop(op: UnaryOperator, v: Val, span: Span) -> Val {
    match op {
        UnaryOperator::Not => match as_bool(&v) {
            Some(b) => Val::new(span, ValKind::Bool(!b)),
            None => unknown(
                span,
                not_known(&v).unwrap_or_else(|| format!("{ERR}`!` needs a boolean").into()),
            ),
        },
        UnaryOperator::Neg => match as_num(&v) {
            Some(n) => Val::new(span, ValKind::Number(-n)),
            None => unknown(
                span,
                not_known(&v).unwrap_or_else(|| format!("{ERR}`-` needs a number").into()),
            ),
        },
    }
}

/// Applies one traversal step (attribute or index) to a value.
pub(crate) fn step(v: Val, key: Result<&str, f64>, span: Span) -> Val {
    match &v.kind {
        ValKind::Map(attrs) => {
            let k = match key {
                Ok(k) => k.to_string(),
                Err(n) => num_text(n),
            };
            match attrs.iter().find(|a| a.key == k) {
                Some(a) => respan(a.value.clone(), span),
                None => unknown(span, format!("{ERR}no attribute or key `{k}`")),
            }
        }
        ValKind::List(items) => {
            let idx = match key {
                Err(n) => Some(n),
                Ok(s) => s.parse::<f64>().ok(),
            };
            match idx
                .filter(|i| *i >= 0.0 && i.fract() == 0.0)
                .and_then(|i| items.get(i as usize))
            {
                Some(x) => respan(x.clone(), span),
                None => unknown(span, format!("{ERR}index out of range")),
            }
        }
        ValKind::Ref(_) => respan(v, span),
        ValKind::Choice {
            condition, options, ..
        } => {
            // `(c ? a : b).x` and `each.value.x`: the step applies to every option.
            let outs = options.iter().map(|o| step(o.clone(), key, span)).collect();
            super::repeat::choice_of(condition, outs, span)
        }
        ValKind::Null => unknown(span, format!("{ERR}attribute access on null")),
        _ => unknown(
            span,
            not_known(&v).unwrap_or_else(|| format!("{ERR}cannot index a primitive value").into()),
        ),
    }
}

/// The key of a traversal operator that needs no evaluation.
pub(crate) fn static_key(op: &TraversalOperator) -> Option<&str> {
    match op {
        TraversalOperator::GetAttr(id) => Some(id.as_str()),
        TraversalOperator::Index(Expression::String(s)) => Some(s.value().as_str()),
        _ => None,
    }
}
