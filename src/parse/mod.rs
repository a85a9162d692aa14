//! Front ends: source text into span-carrying syntax trees.
//!
//! `json` and `yaml` build the shared [`crate::tree::Node`] tree; Terraform native syntax is
//! parsed with hcl-edit (through [`hcl`], which bounds its running time) inside the Terraform
//! adapter, which keeps hcl-edit's own spanned AST.

pub mod hcl;
pub(crate) mod hcl_dupkeys;
pub mod json;
pub mod yaml;

/// The documents of a CloudFormation file: JSON when its name says so (`json_name`) or its text
/// starts with `{`, YAML (possibly several documents) otherwise.
pub fn template_docs(
    text: &str,
    file: crate::source::FileId,
    json_name: bool,
) -> Result<Vec<crate::tree::Node>, crate::tree::TreeError> {
    if json_name || text.trim_start().starts_with('{') {
        json::parse(text, file).map(|n| vec![n])
    } else {
        yaml::parse(text, file)
    }
}
