//! The attestation loader (`srm_lint::attest::parse`): located problems, calendar dates within
//! the horizon, and the records applied to a report.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use srm_lint::attest::{self, date, Horizon};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let today = attest::parse_date("2026-12-07").expect("a date");
    let horizon = Horizon {
        today,
        max_years: attest::DEFAULT_MAX_YEARS,
    };
    let (a, problems) = attest::parse(text, "attestations.toml", horizon);
    for p in &problems {
        // Each problem points at text in the file (a snippet can show it) and at its line.
        assert!(text.get(p.range.clone()).is_some(), "{:?}", p.range);
        assert!(p.error.line >= 1 && p.error.line <= common::lines(text));
    }
    for r in &a.records {
        let day = attest::parse_date(&r.until).expect("a kept record has a calendar date");
        assert!(
            day <= date::add_years(today, horizon.max_years),
            "{}",
            r.until
        );
        if r.until.len() == 10 {
            assert_eq!(date::format(day), r.until, "dates round-trip");
        }
        for p in &r.resources {
            let _ = attest::glob(p, "module.m.aws_instance.web");
        }
    }
    let mut report = common::report().clone();
    attest::apply(&mut report, &a, today);
});
