//! Front ends: source text into span-carrying syntax trees.
//!
//! `json` and `yaml` build the shared [`crate::tree::Node`] tree; Terraform native syntax is
//! parsed with hcl-edit inside the Terraform adapter, which keeps hcl-edit's own spanned AST.

pub mod json;
pub mod yaml;
