//! Adapters: syntax trees of one language into the format-neutral [`crate::model`].

pub mod cloudformation;
pub mod terraform;
