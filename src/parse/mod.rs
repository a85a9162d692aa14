//! Front ends: source text into span-carrying syntax trees.
//!
//! `json` and `yaml` build the shared [`crate::tree::Node`] tree; Terraform native syntax is
//! parsed with hcl-edit (through [`hcl`], which bounds its running time) inside the Terraform
//! adapter, which keeps hcl-edit's own spanned AST.

pub mod hcl;
pub(crate) mod hcl_dupkeys;
pub mod json;
pub mod yaml;
