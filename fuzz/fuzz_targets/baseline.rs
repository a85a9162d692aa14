//! The baseline loader (`srm_lint::baseline::parse`): what parses is written back the same, and
//! applies to a report.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use srm_lint::baseline;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(b) = baseline::parse(text) else {
        return;
    };
    let again = baseline::parse(&baseline::to_json(&b)).expect("a written baseline parses");
    assert_eq!((again.version, &again.findings), (b.version, &b.findings));
    let mut report = common::report().clone();
    baseline::apply(&mut report, &b, "baseline.json");
});
