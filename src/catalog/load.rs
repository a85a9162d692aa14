//! Building the catalog: the policy files embedded at build time or read from directories,
//! parsed, checked (unknown kinds, duplicate ids, types declared twice) and indexed.

use super::*;

/// A policy file's content: TOML as written, or (built-in files) converted to JSON at build time.
pub(super) enum PolicyText {
    Toml(String),
    Json(&'static str),
    /// A built-in duty as JSON and its evidence apart, parsed when a scan first needs it.
    JsonLazy(&'static str, &'static str),
    /// A built-in duty as JSON with its evidence put back.
    JsonOwned(String),
}

impl PolicyText {
    /// The duty's JSON object `duty` with the members of the JSON object `evidence` added.
    fn joined(duty: &str, evidence: &str) -> PolicyText {
        match (duty.strip_suffix('}'), evidence.strip_prefix('{')) {
            (Some(head), Some(tail)) if head.trim_end() != "{" => {
                PolicyText::JsonOwned(format!("{head},{tail}"))
            }
            (Some(_), Some(tail)) => PolicyText::JsonOwned(format!("{{{tail}")),
            _ => PolicyText::JsonOwned(duty.to_string()),
        }
    }
}

impl Catalog {
    /// The catalog built into the binary, with every duty's examples and evidence read and
    /// checked.
    pub fn builtin() -> Result<Catalog, Vec<CatalogError>> {
        Catalog::builtin_full_with(Vec::new())
    }

    /// [`Catalog::builtin`] plus more policy files (`srm-lint catalog --policies`).
    pub fn builtin_full_with(extra: Vec<(String, String)>) -> Result<Catalog, Vec<CatalogError>> {
        let mut files = Catalog::embedded(false);
        files.extend(extra.into_iter().map(|(p, t)| (p, PolicyText::Toml(t))));
        let mut catalog = Catalog::build(files)?;
        catalog.attach_examples()?;
        Ok(catalog)
    }

    /// The catalog built into the binary as a scan needs it: without the duties' examples,
    /// which a scan never reads, and with each duty's evidence read only when a resource of
    /// its kind is evaluated (most of a one-file run's start-up was reading the evidence of
    /// hundreds of duties it never evaluates). The built-in evidence is checked by the
    /// catalog's tests ([`Catalog::builtin`] reads and checks all of it).
    pub fn builtin_for_scan() -> Result<Catalog, Vec<CatalogError>> {
        Catalog::build(Catalog::embedded(true))
    }

    /// The built-in catalog (as [`Catalog::builtin_for_scan`]) plus more policy files,
    /// `(path, TOML content)` (a configuration's policy directories), read and checked now.
    pub fn builtin_with(extra: Vec<(String, String)>) -> Result<Catalog, Vec<CatalogError>> {
        let mut files = Catalog::embedded(true);
        files.extend(extra.into_iter().map(|(p, t)| (p, PolicyText::Toml(t))));
        Catalog::build(files)
    }

    /// Reads what a scan leaves out of the built-in duties, kept apart at build time: their
    /// examples, summaries and default texts (SARIF's rule descriptions and every command that
    /// shows duties need them). Reading them twice changes nothing.
    pub fn attach_examples(&mut self) -> Result<(), Vec<CatalogError>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Extras {
            #[serde(default)]
            example: Vec<Example>,
            summary: Option<String>,
            default: Option<String>,
        }
        let by_path: foldhash::HashMap<String, &str> = embedded::EMBEDDED
            .iter()
            .filter(|e| !e.3.is_empty())
            .map(|&(p, _, _, extras, _)| (format!("policies/{p}"), extras))
            .collect();
        let mut errors = Vec::new();
        for d in &mut self.duties {
            let Some(json) = by_path.get(&d.source) else {
                continue;
            };
            match serde_json::from_str::<Extras>(json) {
                Ok(extras) => {
                    d.examples = extras.example;
                    if let Some(s) = extras.summary {
                        d.summary = s;
                    }
                    if let Some(s) = extras.default {
                        d.default = s;
                    }
                }
                Err(e) => errors.push(CatalogError {
                    path: d.source.clone(),
                    message: e.to_string(),
                }),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The policy files built into the binary (converted to JSON at build time where they
    /// parsed; see `build.rs`).
    /// `lazy`: a duty's evidence stays apart, read when first needed; otherwise it is put back
    /// into the duty's JSON and read with it.
    fn embedded(lazy: bool) -> Vec<(String, PolicyText)> {
        embedded::EMBEDDED
            .iter()
            .map(|&(p, c, json, _, evidence)| {
                let text = match (json, evidence.is_empty(), lazy) {
                    (false, ..) => PolicyText::Toml(c.to_string()),
                    (true, true, _) => PolicyText::Json(c),
                    (true, false, true) => PolicyText::JsonLazy(c, evidence),
                    (true, false, false) => PolicyText::joined(c, evidence),
                };
                (format!("policies/{p}"), text)
            })
            .collect()
    }

    /// Keeps only the duties for which `keep` holds (configuration `select`/`ignore`).
    pub fn retain_duties(&mut self, keep: impl Fn(&Duty) -> bool) {
        self.duties.retain(|d| keep(d));
    }

    /// Builds a catalog from `(path, TOML content)` pairs; `service.toml` files declare services,
    /// every other file is a duty.
    pub fn from_files(files: Vec<(String, String)>) -> Result<Catalog, Vec<CatalogError>> {
        Catalog::build(
            files
                .into_iter()
                .map(|(p, t)| (p, PolicyText::Toml(t)))
                .collect(),
        )
    }

    fn build(files: Vec<(String, PolicyText)>) -> Result<Catalog, Vec<CatalogError>> {
        let mut cat = Catalog::default();
        let mut errors = Vec::new();
        enum Parsed {
            Service(Result<Service, String>),
            Duty(Result<Box<Duty>, String>),
            Types(Result<TypeTable, String>),
            Lifecycle(Result<Lifecycle, String>),
            BuiltinTypes(&'static str),
            Other,
        }
        let one = |(path, text): (String, PolicyText)| {
            let types = path.ends_with("/types.toml") || path == "types.toml";
            let p = if let (true, PolicyText::Json(json)) = (types, &text) {
                Parsed::BuiltinTypes(json)
            } else if types {
                Parsed::Types(parse::<TypeTable>(&text))
            } else if path.starts_with("lifecycles/") || path.contains("/lifecycles/") {
                Parsed::Lifecycle(Lifecycle::from_text(&text))
            } else if path.ends_with("/service.toml") || path == "service.toml" {
                Parsed::Service(parse::<Service>(&text))
            } else if path.ends_with(".toml") {
                Parsed::Duty(parse::<Duty>(&text).map(|mut d| {
                    if let PolicyText::JsonLazy(_, evidence) = text {
                        d.lazy = Some(LazyEvidence::new(evidence));
                    }
                    Box::new(d)
                }))
            } else {
                Parsed::Other
            };
            (path, p)
        };
        // In a small run the scan waits for the catalog, so half the files are parsed on a
        // second thread of its own. Not on the rayon pool: its workers may be the ones blocked
        // waiting for this catalog (a pool job here would never be run).
        let mut files = files;
        let second = files.split_off(files.len() / 2);
        let parsed: Vec<(String, Parsed)> = std::thread::scope(|s| {
            let other = s.spawn(|| second.into_iter().map(one).collect::<Vec<_>>());
            let mut first: Vec<(String, Parsed)> = files.into_iter().map(one).collect();
            match other.join() {
                Ok(rest) => first.extend(rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            first
        });
        for (path, p) in parsed {
            match p {
                Parsed::Service(Ok(s)) => {
                    if cat.services.contains_key(&s.id) {
                        errors.push(CatalogError {
                            path: path.clone(),
                            message: format!("service `{}` is declared twice", s.id),
                        });
                    }
                    cat.services.insert(s.id.clone(), s);
                }
                Parsed::Duty(Ok(mut d)) => {
                    d.source = path;
                    cat.duties.push(*d);
                }
                Parsed::Types(Ok(t)) => cat.types.read.add(t),
                Parsed::Lifecycle(Ok(l)) => {
                    if cat.lifecycles.contains_key(&l.id) {
                        errors.push(CatalogError {
                            path: path.clone(),
                            message: format!("lifecycle `{}` is declared twice", l.id),
                        });
                    }
                    cat.lifecycles.insert(l.id.clone(), l);
                }
                Parsed::BuiltinTypes(json) => cat.types.pending.push(json),
                Parsed::Service(Err(message))
                | Parsed::Duty(Err(message))
                | Parsed::Types(Err(message))
                | Parsed::Lifecycle(Err(message)) => errors.push(CatalogError { path, message }),
                Parsed::Other => {}
            }
        }
        cat.duties.sort_by(|a, b| a.id.cmp(&b.id));
        errors.extend(cat.index());
        if errors.is_empty() {
            Ok(cat)
        } else {
            Err(errors)
        }
    }

    /// The policy files of a directory (for extra policy directories): `(display, text)`, or
    /// the first file that cannot be read and why. `gate`: the directory came from the scanned
    /// tree, so each file must pass it.
    pub fn load_dir(
        dir: &std::path::Path,
        gate: Option<&crate::gate::Gate>,
    ) -> Result<Vec<(String, String)>, String> {
        let (files, refused) = crate::gate::Gate::files_under(gate, dir, &["toml"]);
        if let Some((p, why)) = refused.first() {
            return Err(format!("{}: {why}", crate::discover::display_path(p)));
        }
        let mut out = Vec::new();
        for p in files {
            let c = std::fs::read_to_string(&p)
                .map_err(|e| format!("{}: cannot read: {e}", crate::discover::display_path(&p)))?;
            out.push((p.to_string_lossy().replace('\\', "/"), c));
        }
        Ok(out)
    }

    fn index(&mut self) -> Vec<CatalogError> {
        let mut errors = Vec::new();
        self.type_index.clear();
        self.companion_of.clear();
        for s in self.services.values() {
            for r in &s.relations {
                for t in &r.companion {
                    let of = self.companion_of.entry(t.clone()).or_default();
                    if !of.contains(&r.subject) {
                        of.push(r.subject.clone());
                    }
                }
            }
        }
        for of in self.companion_of.values_mut() {
            of.sort();
        }
        let mut kinds = BTreeMap::new();
        for (sid, s) in &self.services {
            for (i, k) in s.resources.iter().enumerate() {
                kinds.insert(k.kind.clone(), sid.clone());
                for t in k.terraform.iter().chain(&k.cloudformation) {
                    if self
                        .type_index
                        .insert(t.clone(), (sid.clone(), i))
                        .is_some()
                    {
                        errors.push(CatalogError {
                            path: format!("policies/{sid}/service.toml"),
                            message: format!("resource type `{t}` is declared twice"),
                        });
                    }
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            for r in &s.relations {
                if !seen.insert((r.subject.as_str(), r.name.as_str())) {
                    errors.push(CatalogError {
                        path: format!("policies/{sid}/service.toml"),
                        message: format!(
                            "relation `{}` of `{}` is declared twice",
                            r.name, r.subject
                        ),
                    });
                }
                let joins = [r.via.is_some(), r.from_subject.is_some(), r.account];
                if joins.iter().filter(|j| **j).count() != 1 {
                    errors.push(CatalogError {
                        path: format!("policies/{sid}/service.toml"),
                        message: format!(
                            "relation `{}` needs exactly one of `via`, `from_subject` or `account = true`",
                            r.name
                        ),
                    });
                }
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        let mut slugs = std::collections::BTreeSet::new();
        // (subject kind, relation name) of every relation, for the duties' predicates.
        let relations: foldhash::HashSet<(&str, &str)> = self
            .services
            .values()
            .flat_map(|s| s.relations.iter())
            .map(|r| (r.subject.as_str(), r.name.as_str()))
            .collect();
        for d in &self.duties {
            if !ids.insert(d.id.clone()) {
                errors.push(CatalogError {
                    path: d.source.clone(),
                    message: format!("duty id `{}` is used twice", d.id),
                });
            }
            if !slugs.insert(d.slug.clone()) {
                errors.push(CatalogError {
                    path: d.source.clone(),
                    message: format!("duty slug `{}` is used twice", d.slug),
                });
            }
            let rel_ok = |name: &str| {
                d.resources
                    .iter()
                    .any(|k| relations.contains(&(k.as_str(), name)))
            };
            for (lang, ev) in [
                ("terraform", &d.terraform),
                ("cloudformation", &d.cloudformation),
            ] {
                let Some(ev) = ev else { continue };
                for (part, p) in [
                    ("when", &ev.when),
                    ("require", &ev.require),
                    ("support", &ev.support),
                ] {
                    if let Some(p) = p {
                        for problem in p.validate(&rel_ok, &|id| self.lifecycles.contains_key(id)) {
                            errors.push(CatalogError {
                                path: d.source.clone(),
                                message: format!("[{lang}.{part}]: {problem}"),
                            });
                        }
                    }
                }
            }
            for ex in &d.examples {
                if !matches!(ex.format.as_str(), "terraform" | "cloudformation") {
                    errors.push(CatalogError {
                        path: d.source.clone(),
                        message: format!(
                            "example format `{}` is not terraform or cloudformation",
                            ex.format
                        ),
                    });
                }
                if !matches!(
                    ex.verdict.as_str(),
                    "addressed" | "unaddressed" | "unverified" | "attestation"
                ) {
                    errors.push(CatalogError { path: d.source.clone(), message: format!("example verdict `{}` is not addressed, unaddressed, unverified or attestation", ex.verdict) });
                }
            }
            for k in &d.resources {
                if !kinds.contains_key(k) {
                    errors.push(CatalogError {
                        path: d.source.clone(),
                        message: format!("unknown resource kind `{k}`"),
                    });
                }
            }
        }
        errors
    }
}

/// A policy file's content, deserialised.
pub(super) fn parse<T: serde::de::DeserializeOwned>(text: &PolicyText) -> Result<T, String> {
    match text {
        PolicyText::Toml(t) => toml::from_str(t).map_err(|e| toml_error(t, &e)),
        PolicyText::Json(j) | PolicyText::JsonLazy(j, _) => {
            serde_json::from_str(j).map_err(|e| e.to_string())
        }
        PolicyText::JsonOwned(j) => serde_json::from_str(j).map_err(|e| e.to_string()),
    }
}

/// A TOML error as one located line, `TOML parse error at line L, column C: message` (toml's
/// own text draws the line under it): the command line prints errors escaped as single-line
/// fields, so a key holding a line break cannot start a line of its own.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else {
        return format!("TOML parse error: {}", e.message());
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!(
        "TOML parse error at line {line}, column {column}: {}",
        e.message()
    )
}

/// Evidence kept as the JSON written at build time until a scan first needs it.
#[derive(Debug, Clone)]
pub struct LazyEvidence {
    json: &'static str,
    read: std::sync::OnceLock<LangEvidence>,
}

/// A duty's evidence per language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LangEvidence {
    #[serde(default)]
    pub(super) terraform: Option<Evidence>,
    #[serde(default)]
    pub(super) cloudformation: Option<Evidence>,
}

impl LazyEvidence {
    pub(crate) fn new(json: &'static str) -> Self {
        LazyEvidence {
            json,
            read: std::sync::OnceLock::new(),
        }
    }

    /// The evidence, read the first time. The built-in JSON was written from a policy file
    /// that parsed (and the catalog's tests read all of it); should it not read, the duty has
    /// no evidence rather than a wrong one.
    pub(super) fn get(&self) -> &LangEvidence {
        self.read
            .get_or_init(|| serde_json::from_str(self.json).unwrap_or_default())
    }
}
