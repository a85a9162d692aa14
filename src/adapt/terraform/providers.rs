//! Which AWS provider configuration creates a resource, as the root module names it: the
//! resource's `provider` argument (default `aws`), followed up through the `providers` maps of
//! the module calls above it; and that configuration's `region` when the code fixes it. Account
//! settings apply per account and Region, so they are evidence only under the same one.

use super::eval::{Evaluator, Scope};
use super::hcl::{Bd, Ex};
use super::module::type_text;
use crate::model::{ProviderConf, ValKind};

impl Evaluator<'_> {
    /// The provider configuration of a resource with body `body` in instance `inst`.
    pub fn provider_of(&self, inst: usize, body: Bd<'_>) -> ProviderConf {
        let local = body
            .attr("provider")
            .and_then(type_text)
            .map(|t| t.split_whitespace().collect::<String>())
            .unwrap_or_else(|| "aws".to_string());
        let Some(key) = self.root_key(inst, local.clone()) else {
            // A configuration the module's callers do not name: the module's own, of unknown
            // region and account.
            let prefix = self
                .insts
                .get(inst)
                .map(|m| m.prefix.as_str())
                .unwrap_or("");
            return ProviderConf {
                key: format!("{prefix}{local}"),
                ..ProviderConf::default()
            };
        };
        let decl = self
            .insts
            .first()
            .and_then(|root| root.def.providers.get(key.as_str()));
        let region = decl.and_then(|d| d.region).and_then(|ex| {
            match self.eval(0, &Scope::default(), ex).kind {
                ValKind::String(s) if !s.is_empty() => Some(s),
                _ => None,
            }
        });
        let credentials = decl.map(|d| d.credentials.clone()).unwrap_or_default();
        ProviderConf {
            key,
            region,
            credentials,
        }
    }

    /// The root's name for configuration `key` of instance `inst`: through each call's
    /// `providers` map, or inherited when the call does not map a default (unaliased)
    /// configuration. `None` when an aliased configuration is not passed down.
    fn root_key(&self, mut inst: usize, mut key: String) -> Option<String> {
        for _ in 0..=super::MAX_MODULE_DEPTH {
            let me = self.insts.get(inst)?;
            let Some((parent, call)) = me.parent else {
                return Some(key);
            };
            let mapped = call
                .body
                .attr("providers")
                .and_then(|m| providers_map(m).into_iter().find(|(k, _)| *k == key));
            match mapped {
                Some((_, to)) => key = to,
                None if !key.contains('.') => {}
                None => return None,
            }
            inst = parent;
        }
        None
    }
}

/// The pairs of a `providers = { aws = aws.west }` map, as written (`aws.x` keys included).
fn providers_map(e: Ex<'_>) -> Vec<(String, String)> {
    let text = match e {
        Ex::Hcl(expr, _) => expr.to_string(),
        Ex::Json(n) => {
            return n
                .entries()
                .iter()
                .filter_map(|en| Some((en.key.clone(), en.value.as_str()?.to_string())))
                .collect()
        }
    };
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    inner
        .split([',', '\n'])
        .filter_map(|pair| {
            let (k, v) = pair.split_once(['=', ':'])?;
            let clean = |s: &str| s.trim().trim_matches('"').to_string();
            Some((clean(k), clean(v))).filter(|(k, v)| !k.is_empty() && !v.is_empty())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_providers_map_reads_as_pairs() {
        let e = hcl_edit::parser::parse_expr("{\n  aws = aws.west\n  aws.dr = aws.east\n}")
            .unwrap_or_else(|e| panic!("{e}"));
        let loc = super::super::hcl::Loc { file: 0, base: 0 };
        assert_eq!(
            super::providers_map(super::Ex::Hcl(&e, loc)),
            [
                ("aws".to_string(), "aws.west".to_string()),
                ("aws.dr".to_string(), "aws.east".to_string())
            ]
        );
    }
}
