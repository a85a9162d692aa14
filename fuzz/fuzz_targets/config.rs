//! The `.srm-lint.toml` loader (`srm_lint::config::parse`) and the duty filter it configures: any
//! text from a scanned tree.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use srm_lint::catalog::Severity;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match srm_lint::config::parse(text, ".srm-lint.toml") {
        Ok(c) => {
            for (id, slug) in [("SRM-S3-004", "s3-bucket-versioning-disabled"), ("", "")] {
                let _ = c.keeps(id, slug, Severity::High);
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            assert!(e.line <= common::lines(text), "{e}");
        }
    }
});
