//! What the loader targets share: a small report (a few resources with findings and
//! `attestation` duties) to apply attestations and baselines to.
// Not every target uses every helper.
#![allow(dead_code)]

use srm_lint::catalog::Catalog;
use srm_lint::report::Report;
use std::sync::OnceLock;

const TF: &str = r#"
resource "aws_instance" "web" {
  ami = "ami-0123456789abcdef0"
}
module "m" {
  source = "./m"
}
resource "aws_s3_bucket" "legacy_exports" {
  bucket = "x"
}
"#;

/// The report of [`TF`] under the built-in catalog, built once.
pub fn report() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| {
        let catalog = Catalog::builtin().expect("the built-in catalog loads");
        let scan = srm_lint::scan_text("/nonexistent-srm-lint-fuzz/main.tf", TF, &catalog);
        Report::build(&scan, &catalog)
    })
}

/// The number of lines `text` has for a 1-based line number (a span may point past the last
/// newline).
pub fn lines(text: &str) -> usize {
    text.split('\n').count()
}
