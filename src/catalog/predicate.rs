//! The evidence language of the catalog: a predicate over a resource's attributes and its
//! companion resources, written as TOML inline tables. See `policies/README.md`.
//!
//! A predicate is one table; which keys it has decides its shape ([`Pred::shape`]). The loader
//! checks every predicate's shape, so a typo in a policy fails the catalog test, not a scan.

use serde::{Deserialize, Serialize};

/// A literal in a predicate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Lit {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
}

impl std::fmt::Display for Lit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lit::Bool(b) => write!(f, "{b}"),
            Lit::Int(i) => write!(f, "{i}"),
            Lit::Float(x) => write!(f, "{x}"),
            Lit::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// By the value's own type (what `#[serde(untagged)]` would do, without buffering the value and
/// building an error for every variant that does not match: the catalog holds thousands).
impl<'de> Deserialize<'de> for Lit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lit, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Lit;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean, number or string")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Lit, E> {
                Ok(Lit::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Lit, E> {
                Ok(Lit::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Lit, E> {
                i64::try_from(v)
                    .map(Lit::Int)
                    .map_err(|_| E::custom(format!("integer {v} is too large")))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Lit, E> {
                Ok(Lit::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Lit, E> {
                Ok(Lit::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Lit, E> {
                Ok(Lit::Str(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// What an absent attribute means for a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Absent {
    /// Absent fails the test (the default).
    #[default]
    Fails,
    /// Absent passes: AWS's default already does the right thing (give a `note`).
    Passes,
    /// Absent cannot be judged from the code (e.g. the default depends on the AMI).
    Unknown,
}

/// A predicate. Exactly one shape per table:
///
/// * test: `attr` plus one of `equals`, `one_of`, `not_one_of`, `present`, `min`, `max`,
///   `has`, `has_any`, `starts_with`, `json`, `no_secrets`, `supported_on`; optional `absent`
///   and `note`;
/// * range: `range = [from, to]` plus `includes`;
/// * combinators: `any`, `all`, `not`;
/// * quantifiers over a list or repeated block: `some`, `every`, `none` plus `where`;
/// * companions: `some_related`, `every_related`, `none_related` plus optional `where`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pred {
    /// Attribute path, `.`-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attr: Option<String>,
    /// The value equals this literal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Lit>,
    /// The value is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Lit>>,
    /// The value is set and none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_one_of: Option<Vec<Lit>>,
    /// The value is set (`true`) or not set (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    /// The value is a number ≥ this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The value is a number ≤ this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The value equals this, or is a list containing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has: Option<Lit>,
    /// The value equals one of these, or is a list containing one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_any: Option<Vec<Lit>>,
    /// The value is a string starting with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_with: Option<String>,
    /// The value (a string, map or list: user data, environment variables, container
    /// definitions) holds no literal credential (`no_secrets = true`; see `policies/README.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_secrets: Option<bool>,
    /// The value is supported, on the run's date, by this lifecycle table
    /// (`policies/lifecycles/<id>.toml`): listed, and its end date not yet reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supported_on: Option<String>,
    /// The value is a JSON document (a string, or an already structured value such as
    /// `jsonencode({...})`); the inner predicate is evaluated on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Box<Pred>>,
    /// What an absent attribute means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<Absent>,
    /// Message shown when the verdict rests on AWS's default (with `absent = "passes"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Port-range test: attribute paths of the range's first and last port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[String; 2]>,
    /// The range includes this port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<f64>,
    /// Any of these holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Pred>>,
    /// All of these hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Pred>>,
    /// This does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Pred>>,
    /// Some element of the list at this path satisfies `where`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub some: Option<String>,
    /// Every element of the list at this path satisfies `where` (an absent list passes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// No element of the list at this path satisfies `where`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub none: Option<String>,
    /// Some companion of this relation satisfies `where`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub some_related: Option<String>,
    /// Every companion of this relation satisfies `where` (none at all passes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_related: Option<String>,
    /// No companion of this relation satisfies `where`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub none_related: Option<String>,
    /// The condition for quantifiers.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub filter: Option<Box<Pred>>,
    /// The expectation text of a `one_of`/`not_one_of` test, written once when first needed
    /// (a list of IAM actions is rendered for every statement that fails it otherwise).
    #[serde(skip)]
    pub expected: Memo,
    /// The message for the attribute not being set, written once when first needed.
    #[serde(skip)]
    pub absent_text: Memo,
    /// Whether the predicate is well formed (one shape, the fields it needs), decided once.
    #[serde(skip)]
    pub well_formed: Memo<bool>,
    /// The string literals of a long `one_of`/`not_one_of`/`has_any` list as a set, and whether
    /// the list has other literals too, built once when first needed.
    #[serde(skip)]
    pub strings: Memo<StrSet>,
}

/// A literal list's strings as a set, and whether it holds other literals too.
pub type StrSet = (foldhash::HashSet<String>, bool);

/// A text computed once from the predicate it belongs to; not part of the predicate's value
/// (equal, and skipped by serde, whatever it holds).
#[derive(Debug, Clone, Default)]
pub struct Memo<T = String>(std::sync::OnceLock<T>);

impl Memo<String> {
    /// The text, computing it with `make` the first time.
    pub fn get_or(&self, make: impl FnOnce() -> String) -> &str {
        self.0.get_or_init(make)
    }
}

impl<T> Memo<T> {
    /// The value, computing it with `make` the first time.
    pub fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(make)
    }
}

impl<T> PartialEq for Memo<T> {
    fn eq(&self, _: &Memo<T>) -> bool {
        true
    }
}

/// The test applied by a `attr` predicate.
#[derive(Debug, Clone, Copy)]
pub enum Test<'a> {
    /// `equals`
    Equals(&'a Lit),
    /// `one_of`
    OneOf(&'a [Lit]),
    /// `not_one_of`
    NotOneOf(&'a [Lit]),
    /// `present`
    Present(bool),
    /// `min`
    Min(f64),
    /// `max`
    Max(f64),
    /// `has`
    Has(&'a Lit),
    /// `has_any`
    HasAny(&'a [Lit]),
    /// `starts_with`
    StartsWith(&'a str),
    /// `json`
    Json(&'a Pred),
    /// `no_secrets`
    NoSecrets,
    /// `supported_on`
    SupportedOn(&'a str),
}

/// Quantifier of `some` / `every` / `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    /// At least one.
    Some,
    /// All.
    Every,
    /// None.
    None,
}

/// The decoded shape of a predicate.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// Attribute test.
    Test {
        /// Path.
        path: &'a str,
        /// Test.
        test: Test<'a>,
        /// Absent handling.
        absent: Absent,
        /// Default note.
        note: Option<&'a str>,
    },
    /// Port range test.
    Range {
        /// From and to paths.
        paths: &'a [String; 2],
        /// Port.
        port: f64,
    },
    /// Any.
    Any(&'a [Pred]),
    /// All.
    All(&'a [Pred]),
    /// Not.
    Not(&'a Pred),
    /// Quantifier over a list.
    Each(Quant, &'a str, &'a Pred),
    /// Quantifier over companions.
    Related(Quant, &'a str, Option<&'a Pred>),
}

/// None, exactly one, or more than one of something.
#[derive(Default)]
enum Count<T> {
    #[default]
    Zero,
    One(T),
    Many,
}

impl<T> Count<T> {
    fn push(&mut self, t: T) {
        *self = match self {
            Count::Zero => Count::One(t),
            _ => Count::Many,
        };
    }
}

impl Pred {
    /// Decodes which shape this predicate has, or says what is wrong with it.
    pub fn shape(&self) -> Result<Shape<'_>, String> {
        // Asked once per evaluation (millions of times in a large run): a well-formed predicate
        // is decoded from which fields are set; anything else takes the checking path below.
        if *self.well_formed.0.get_or_init(|| self.counts_right()) {
            if let Some(s) = self.quick_shape() {
                return Ok(s);
            }
        }
        self.checked_shape()
    }

    /// Exactly one shape field, and one test with `attr` (none without).
    fn counts_right(&self) -> bool {
        let tests = [
            self.equals.is_some(),
            self.one_of.is_some(),
            self.not_one_of.is_some(),
            self.present.is_some(),
            self.min.is_some(),
            self.max.is_some(),
            self.has.is_some(),
            self.has_any.is_some(),
            self.starts_with.is_some(),
            self.json.is_some(),
            self.no_secrets == Some(true),
        ]
        .into_iter()
        .filter(|b| *b)
        .count();
        let shapes = [
            self.attr.is_some(),
            self.range.is_some(),
            self.any.is_some(),
            self.all.is_some(),
            self.not.is_some(),
            self.some.is_some(),
            self.every.is_some(),
            self.none.is_some(),
            self.some_related.is_some(),
            self.every_related.is_some(),
            self.none_related.is_some(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count();
        shapes == 1 && tests == usize::from(self.attr.is_some())
    }

    /// The shape of a predicate with exactly one shape field (and one test with `attr`, none
    /// without); `None` where a field the shape needs is missing.
    fn quick_shape(&self) -> Option<Shape<'_>> {
        if let Some(path) = &self.attr {
            let test = if let Some(l) = &self.equals {
                Test::Equals(l)
            } else if let Some(ls) = &self.one_of {
                Test::OneOf(ls)
            } else if let Some(ls) = &self.not_one_of {
                Test::NotOneOf(ls)
            } else if let Some(p) = self.present {
                Test::Present(p)
            } else if let Some(m) = self.min {
                Test::Min(m)
            } else if let Some(m) = self.max {
                Test::Max(m)
            } else if let Some(l) = &self.has {
                Test::Has(l)
            } else if let Some(ls) = &self.has_any {
                Test::HasAny(ls)
            } else if let Some(p) = &self.starts_with {
                Test::StartsWith(p)
            } else if let Some(j) = &self.json {
                Test::Json(j)
            } else {
                Test::NoSecrets
            };
            return Some(Shape::Test {
                path,
                test,
                absent: self.absent.unwrap_or_default(),
                note: self.note.as_deref(),
            });
        }
        let filter = self.filter.as_deref();
        match self {
            Pred {
                range: Some(paths), ..
            } => Some(Shape::Range {
                paths,
                port: self.includes?,
            }),
            Pred { any: Some(v), .. } => Some(Shape::Any(v)),
            Pred { all: Some(v), .. } => Some(Shape::All(v)),
            Pred { not: Some(v), .. } => Some(Shape::Not(v)),
            Pred { some: Some(p), .. } => Some(Shape::Each(Quant::Some, p, filter?)),
            Pred { every: Some(p), .. } => Some(Shape::Each(Quant::Every, p, filter?)),
            Pred { none: Some(p), .. } => Some(Shape::Each(Quant::None, p, filter?)),
            Pred {
                some_related: Some(r),
                ..
            } => Some(Shape::Related(Quant::Some, r, filter)),
            Pred {
                every_related: Some(r),
                ..
            } => Some(Shape::Related(Quant::Every, r, filter)),
            Pred {
                none_related: Some(r),
                ..
            } => Some(Shape::Related(Quant::None, r, filter)),
            _ => None,
        }
    }

    /// [`Pred::shape`] with every rule checked, saying what is wrong.
    fn checked_shape(&self) -> Result<Shape<'_>, String> {
        let mut tests = Count::default();
        for t in [
            self.equals.as_ref().map(Test::Equals),
            self.one_of.as_deref().map(Test::OneOf),
            self.not_one_of.as_deref().map(Test::NotOneOf),
            self.present.map(Test::Present),
            self.min.map(Test::Min),
            self.max.map(Test::Max),
            self.has.as_ref().map(Test::Has),
            self.has_any.as_deref().map(Test::HasAny),
            self.starts_with.as_deref().map(Test::StartsWith),
            self.json.as_deref().map(Test::Json),
            self.no_secrets.filter(|b| *b).map(|_| Test::NoSecrets),
            self.supported_on.as_deref().map(Test::SupportedOn),
        ]
        .into_iter()
        .flatten()
        {
            tests.push(t);
        }
        let mut shapes = Count::default();
        if let Some(path) = &self.attr {
            match tests {
                Count::One(t) => shapes.push(Shape::Test {
                    path,
                    test: t,
                    absent: self.absent.unwrap_or_default(),
                    note: self.note.as_deref(),
                }),
                Count::Zero => {
                    return Err(format!(
                        "`attr = {path:?}` needs a test (equals, one_of, present, …)"
                    ))
                }
                Count::Many => return Err(format!("`attr = {path:?}` has more than one test")),
            }
        } else if !matches!(tests, Count::Zero) {
            return Err("a test (equals, one_of, …) needs `attr`".to_string());
        }
        if let Some(paths) = &self.range {
            match self.includes {
                Some(port) => shapes.push(Shape::Range { paths, port }),
                None => return Err("`range` needs `includes`".to_string()),
            }
        }
        if let Some(v) = &self.any {
            shapes.push(Shape::Any(v));
        }
        if let Some(v) = &self.all {
            shapes.push(Shape::All(v));
        }
        if let Some(v) = &self.not {
            shapes.push(Shape::Not(v));
        }
        for (q, p) in [
            (Quant::Some, &self.some),
            (Quant::Every, &self.every),
            (Quant::None, &self.none),
        ] {
            if let Some(path) = p {
                match &self.filter {
                    Some(w) => shapes.push(Shape::Each(q, path, w)),
                    None => return Err(format!("`{path}` quantifier needs `where`")),
                }
            }
        }
        for (q, p) in [
            (Quant::Some, &self.some_related),
            (Quant::Every, &self.every_related),
            (Quant::None, &self.none_related),
        ] {
            if let Some(rel) = p {
                shapes.push(Shape::Related(q, rel, self.filter.as_deref()));
            }
        }
        match shapes {
            Count::One(s) => Ok(s),
            Count::Zero => Err("empty predicate".to_string()),
            Count::Many => Err(
                "a predicate table must have exactly one shape (split it with `all`)".to_string(),
            ),
        }
    }

    /// Checks this predicate and every nested one (relation names by `relations`, lifecycle
    /// ids by `lifecycles`); returns the problems found.
    pub fn validate(
        &self,
        relations: &dyn Fn(&str) -> bool,
        lifecycles: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(p) = stack.pop() {
            match p.shape() {
                Err(e) => out.push(e),
                Ok(Shape::Test {
                    test: Test::Json(inner),
                    ..
                }) => stack.push(inner),
                Ok(Shape::Test {
                    test: Test::SupportedOn(id),
                    ..
                }) => {
                    if !lifecycles(id) {
                        out.push(format!("unknown lifecycle `{id}` (policies/lifecycles/)"));
                    }
                }
                Ok(Shape::Test { .. }) | Ok(Shape::Range { .. }) => {}
                Ok(Shape::Any(v)) | Ok(Shape::All(v)) => stack.extend(v.iter()),
                Ok(Shape::Not(inner)) | Ok(Shape::Each(_, _, inner)) => stack.push(inner),
                Ok(Shape::Related(_, rel, inner)) => {
                    if !relations(rel) {
                        out.push(format!("unknown relation `{rel}`"));
                    }
                    stack.extend(inner);
                }
            }
        }
        out
    }
}
