//! An outcome's message, written only when it is read. A duty's predicate weighs many
//! alternatives (`any`, `all`, companions, scenarios) and keeps one outcome: most messages are
//! never shown, so each is kept as what to write (a closure over the catalog's and the model's
//! text) until the verdict needs it.

use std::borrow::Cow;
use std::rc::Rc;

/// A message: text, or how to write it.
#[derive(Clone)]
pub(crate) struct Msg<'a>(Kind<'a>);

#[derive(Clone)]
enum Kind<'a> {
    Text(Cow<'a, str>),
    Lazy(Rc<dyn Fn() -> String + 'a>),
}

impl std::fmt::Debug for Msg<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Kind::Text(t) => write!(f, "{t:?}"),
            Kind::Lazy(_) => f.write_str("<unwritten>"),
        }
    }
}

impl<'a> Msg<'a> {
    /// A message written when read.
    pub(crate) fn lazy(f: impl Fn() -> String + 'a) -> Self {
        Msg(Kind::Lazy(Rc::new(f)))
    }

    /// A text borrowed for the evaluation (a predicate's memo, a catalog string).
    pub(crate) fn borrowed(t: &'a str) -> Self {
        Msg(Kind::Text(Cow::Borrowed(t)))
    }

    /// The empty message.
    pub(crate) fn empty() -> Self {
        Msg(Kind::Text(Cow::Borrowed("")))
    }

    /// This message, leaving the empty one in its place.
    pub(crate) fn take(&mut self) -> Self {
        std::mem::replace(self, Msg::empty())
    }

    /// This message changed by `f` (a prefix, a suffix), written when read.
    pub(crate) fn map(self, f: impl Fn(&str) -> String + 'a) -> Self {
        match self.0 {
            Kind::Text(t) => Msg::lazy(move || f(&t)),
            Kind::Lazy(g) => Msg::lazy(move || f(&g())),
        }
    }

    /// The text, owned.
    pub(crate) fn into_string(self) -> String {
        match self.0 {
            Kind::Text(t) => t.into_owned(),
            Kind::Lazy(f) => f(),
        }
    }

    /// The same message, no longer borrowing anything (written now).
    pub(crate) fn detach<'b>(self) -> Msg<'b> {
        Msg(Kind::Text(Cow::Owned(self.into_string())))
    }

    /// The text, written now (a copy when it was already written).
    pub(crate) fn render(&self) -> Cow<'_, str> {
        match &self.0 {
            Kind::Text(t) => Cow::Borrowed(t),
            Kind::Lazy(f) => Cow::Owned(f()),
        }
    }

    /// `msgs` joined by `sep`, empty ones left out, written when read.
    pub(crate) fn join(msgs: Vec<Msg<'a>>, sep: &'static str) -> Self {
        let mut msgs = msgs;
        if msgs.len() == 1 {
            if let Some(one) = msgs.pop() {
                return one;
            }
        }
        Msg::lazy(move || {
            let mut out = String::new();
            for m in &msgs {
                let t = m.render();
                if t.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push_str(sep);
                }
                out.push_str(&t);
            }
            out
        })
    }

    /// Written when read by `f` from the texts of `msgs`.
    pub(crate) fn over(msgs: Vec<Msg<'a>>, f: impl Fn(Vec<Cow<'_, str>>) -> String + 'a) -> Self {
        Msg::lazy(move || f(msgs.iter().map(Msg::render).collect()))
    }
}

impl From<String> for Msg<'_> {
    fn from(s: String) -> Self {
        Msg(Kind::Text(Cow::Owned(s)))
    }
}

impl From<&'static str> for Msg<'_> {
    fn from(s: &'static str) -> Self {
        Msg(Kind::Text(Cow::Borrowed(s)))
    }
}

/// A message written when read, from `format!` arguments (captured by move: bind fields to
/// locals first).
macro_rules! lazy {
    ($($arg:tt)*) => {
        $crate::evaluate::msg::Msg::lazy(move || format!($($arg)*))
    };
}
pub(crate) use lazy;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_text_is_written_once_read_and_joins_skip_empty_parts() {
        let name = String::from("encrypted");
        let m = Msg::lazy(|| format!("`{name}` is true"));
        assert_eq!(m.render(), "`encrypted` is true");
        assert_eq!(m.detach().into_string(), "`encrypted` is true");
        let joined = Msg::join(
            vec![
                Msg::from("a"),
                Msg::empty(),
                Msg::borrowed("b").map(|t| format!("{t}!")),
            ],
            "; ",
        );
        assert_eq!(joined.into_string(), "a; b!");
        assert_eq!(Msg::join(vec![Msg::from("x")], "; ").into_string(), "x");
    }
}
