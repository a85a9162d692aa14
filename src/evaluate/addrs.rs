//! Finding the resources a reference names (and the module callers behind a value): an instance (`aws_s3_bucket.this["a"]`), or a block
//! as a whole (`aws_s3_bucket.this`), whether or not the adapter expanded it into instances.

use crate::model::Resource;
use foldhash::HashMap;

/// The address without its last instance key (`aws_x.this["a"]` → `aws_x.this`), if it has one.
pub(crate) fn without_key(address: &str) -> Option<&str> {
    let body = address.strip_suffix(']')?;
    let at = if body.ends_with('"') {
        body.rfind("[\"")?
    } else {
        body.rfind('[')?
    };
    address.get(..at)
}

/// The resources of one unit by address.
#[derive(Default)]
pub(crate) struct Addrs<'a> {
    exact: HashMap<(&'a str, &'a str), usize>,
    /// Instances of an expanded block, by the block's address.
    blocks: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> Addrs<'a> {
    pub(crate) fn new(resources: &'a [Resource]) -> Self {
        let mut a = Addrs::default();
        for (i, r) in resources.iter().enumerate() {
            a.exact.insert((r.scope.as_str(), r.address.as_str()), i);
            if let Some(base) = without_key(&r.address) {
                a.blocks
                    .entry((r.scope.as_str(), base))
                    .or_default()
                    .push(i);
            }
        }
        a
    }

    /// The resources `target` names in `scope`: the instance itself; the block when it was not
    /// expanded (its instances are not known); every instance for a reference to the block as a
    /// whole (or to an instance whose key is not known).
    pub(crate) fn find(&self, scope: &str, target: &str) -> Vec<usize> {
        if let Some(&i) = self.exact.get(&(scope, target)) {
            return vec![i];
        }
        if let Some(base) = without_key(target) {
            return self
                .exact
                .get(&(scope, base))
                .copied()
                .into_iter()
                .collect();
        }
        self.blocks
            .get(&(scope, target))
            .cloned()
            .unwrap_or_default()
    }
}

/// Adds to a result's evidence the callers' arguments behind its location and evidence, when
/// they are uses of module inputs (`storage_encrypted = var.storage_encrypted` in a module: the
/// `storage_encrypted = false` of the call that set it).
pub(crate) fn add_origins(res: &Resource, result: &mut super::DutyResult) {
    let mut added = Vec::new();
    for at in std::iter::once(&result.span).chain(result.evidence.iter()) {
        for (span, chain) in &res.origins {
            if span == at {
                added.extend(chain.iter().copied());
            }
        }
    }
    for s in added {
        if !result.evidence.contains(&s) {
            result.evidence.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_key;

    #[test]
    fn instance_keys_come_off_the_end_only() {
        assert_eq!(without_key("aws_x.this[\"a.b[0]\"]"), Some("aws_x.this"));
        assert_eq!(
            without_key("module.m[1].aws_x.this[0]"),
            Some("module.m[1].aws_x.this")
        );
        assert_eq!(without_key("module.m[1].aws_x.this"), None);
        assert_eq!(without_key("]"), None);
    }
}
