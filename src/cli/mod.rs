//! The command line: flags ([`args`]), flags and configuration merged ([`settings`]), the scan
//! run ([`run`]), the catalog commands ([`catalog`]) and output ([`output`]). The library does
//! the work; this layer only wires it and prints.

pub mod args;
pub mod catalog;
pub mod output;
pub mod run;
pub mod settings;
