//! YAML into the span tree (stub; see the CloudFormation front end).

use crate::source::FileId;
use crate::tree::{Node, TreeError};

/// Parses a YAML stream into its documents.
pub fn parse(_text: &str, file: FileId) -> Result<Vec<Node>, TreeError> {
    Err(TreeError {
        span: crate::source::Span::file_start(file),
        message: "YAML support is not built yet".to_string(),
    })
}
