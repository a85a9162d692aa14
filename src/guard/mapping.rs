//! The Terraform → CloudFormation mapping (`src/guard/mapping.toml`, embedded at build time): which
//! Terraform types become which CloudFormation types, and how their attributes become properties.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The embedded mapping text.
const MAPPING: &str = include_str!("mapping.toml");

/// The whole mapping file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// One entry per Terraform type (or companion, or conditional variant).
    #[serde(rename = "resource")]
    pub resources: Vec<TypeMap>,
}

/// How one Terraform resource type is rendered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeMap {
    /// Terraform type.
    pub terraform: String,
    /// CloudFormation type (absent for companions).
    #[serde(default)]
    pub cloudformation: Option<String>,
    /// For a companion resource: the Terraform type of the subject it is folded into.
    #[serde(default)]
    pub companion_of: Option<String>,
    /// For a companion: the attribute that refers to the subject.
    #[serde(default)]
    pub via: Option<String>,
    /// For a companion: the subject's attribute that `via` may name as a literal.
    #[serde(default)]
    pub by_name: Option<String>,
    /// Only resources whose attribute equals a value.
    #[serde(default)]
    pub when: Option<When>,
    /// One CloudFormation resource per item of these list attributes.
    #[serde(default)]
    pub explode: Vec<String>,
    /// Attribute mappings.
    #[serde(default)]
    pub attributes: BTreeMap<String, AttrMap>,
}

/// A condition on a resource attribute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Attribute name.
    pub attribute: String,
    /// The value it must have.
    pub equals: String,
}

/// How one attribute is rendered: a property path, or a full description.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AttrMap {
    /// Copy the value to this property path.
    Path(String),
    /// The full form.
    Full(Box<FullMap>),
}

/// The full form of an attribute mapping (see the comment at the top of `mapping.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullMap {
    /// Property path; `X[]` appends list elements.
    pub to: String,
    /// Value transform.
    #[serde(default)]
    pub transform: Option<Transform>,
    /// Nested attribute mappings (for blocks and maps).
    #[serde(default)]
    pub attributes: Option<BTreeMap<String, AttrMap>>,
    /// Put the value under this key of a new object.
    #[serde(default)]
    pub wrap: Option<String>,
    /// Constant properties of the object made by `wrap` or `[]`.
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
    /// One list element per item of these list attributes.
    #[serde(default)]
    pub explode: Vec<String>,
}

/// Value transforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transform {
    /// `true` → `"Enabled"`, `false` → `"Suspended"`.
    EnabledStatus,
    /// `"public-read"` → `"PublicRead"`.
    PascalCase,
    /// `{k = v}` → `[{Key = k, Value = v}]`.
    Tags,
    /// A number or bool → its string.
    String,
    /// A JSON string → the document.
    Json,
    /// One value → a one-element list.
    List,
}

impl AttrMap {
    /// The property path.
    pub fn to(&self) -> &str {
        match self {
            AttrMap::Path(p) => p,
            AttrMap::Full(f) => &f.to,
        }
    }

    /// The full form, if any.
    pub fn full(&self) -> Option<&FullMap> {
        match self {
            AttrMap::Path(_) => None,
            AttrMap::Full(f) => Some(f),
        }
    }
}

impl Mapping {
    /// The embedded mapping.
    pub fn builtin() -> Result<Mapping, String> {
        toml::from_str(MAPPING).map_err(|e| format!("src/guard/mapping.toml: {e}"))
    }

    /// The mappings that render a Terraform type into its own CloudFormation resource.
    pub fn primary<'a>(&'a self, tf_type: &'a str) -> impl Iterator<Item = &'a TypeMap> + 'a {
        self.resources
            .iter()
            .filter(move |m| m.terraform == tf_type && m.companion_of.is_none())
    }

    /// The companion mappings of a Terraform type.
    pub fn companion(&self, tf_type: &str) -> Option<&TypeMap> {
        self.resources
            .iter()
            .find(|m| m.terraform == tf_type && m.companion_of.is_some())
    }

    /// Every Terraform type the mapping covers.
    pub fn terraform_types(&self) -> std::collections::BTreeSet<&str> {
        self.resources
            .iter()
            .map(|m| m.terraform.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_mapping_loads() {
        let m = Mapping::builtin().unwrap();
        for t in [
            "aws_s3_bucket",
            "aws_instance",
            "aws_security_group",
            "aws_db_instance",
            "aws_dynamodb_table",
            "aws_sqs_queue",
            "aws_sns_topic",
            "aws_kms_key",
            "aws_lambda_function",
            "aws_cloudwatch_log_group",
            "aws_ebs_volume",
            "aws_efs_file_system",
            "aws_rds_cluster",
        ] {
            assert!(m.primary(t).next().is_some(), "{t}");
        }
        for c in [
            "aws_s3_bucket_versioning",
            "aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_public_access_block",
            "aws_s3_bucket_logging",
        ] {
            assert!(m.companion(c).is_some(), "{c}");
        }
    }
}
