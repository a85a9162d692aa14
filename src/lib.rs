//! srm-lint: the customer's side of the AWS Shared Responsibility Model, derived from Terraform
//! and CloudFormation.
//!
//! The engine is one pipeline with data flowing one way:
//! [`discover`] → parse ([`parse`], inside the adapters) → [`model`] (built by [`adapt`]) →
//! [`catalog`] → [`evaluate`] → [`report`]. The library never prints; the binary renders.
#![deny(missing_docs)]
// Input-derived data must never panic the scanner (tests may unwrap freely).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod adapt;
pub mod budget;
pub mod catalog;
pub mod date;
pub mod discover;
pub mod engine;
pub mod evaluate;
pub mod gate;
#[cfg(feature = "guard")]
pub mod guard;
pub mod model;
pub mod outcome;
pub mod par;
pub mod parse;
pub mod source;
pub mod tree;
pub use engine::{collect, collect_with, scan, scan_text, ScanOptions};
pub use outcome::Scan;
pub mod attest;
pub mod baseline;
pub mod config;
pub mod docs;
pub mod harness;
pub mod params;
pub mod report;
