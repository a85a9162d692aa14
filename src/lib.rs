//! srm-lint: the customer's side of the AWS Shared Responsibility Model, derived from Terraform
//! and CloudFormation.
//!
//! The engine is one pipeline with data flowing one way:
//! [`discover`] → parse ([`parse`], inside the adapters) → [`model`] (built by [`adapt`]) →
//! [`catalog`] → [`evaluate`] → [`report`]. The library never prints; the binary renders.
#![deny(missing_docs)]

pub mod adapt;
pub mod catalog;
pub mod model;
pub mod parse;
pub mod source;
pub mod tree;
