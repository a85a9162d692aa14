//! Suppressions written for checkov and trivy are honoured through the duties' references
//! (issue 22), so a team can switch tools without rewriting them; they count only in real
//! comments (Terraform) or in `Metadata` (CloudFormation), and a peer marker for a check with no
//! srm-lint duty is not reported as unused.

mod common;
use common::*;
use serde_json::Value;

/// (address, duty) → (verdict, message).
fn entry(r: &Value, address: &str, duty: &str) -> (String, String) {
    let res = r["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|x| x["address"] == address))
        .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(r)));
    let e = res["checklist"]
        .as_array()
        .and_then(|c| c.iter().find(|e| e["duty"] == duty))
        .unwrap_or_else(|| panic!("no {duty} on {address}"));
    (
        e["verdict"].as_str().unwrap_or("?").to_string(),
        e["message"].as_str().unwrap_or("?").to_string(),
    )
}

#[test]
fn checkov_and_trivy_markers_silence_the_duties_that_reference_their_checks() {
    let dir = root().join("testdata/suppress/peer");
    let (code, r) = json_in(&dir, &["."]);
    assert_eq!(errors(&r), Vec::<String>::new());
    assert_eq!(code, 1, "other duties are still unaddressed");
    // SRM-S3-009 references CKV_AWS_18 and trivy AWS-0089.
    let (verdict, message) = entry(&r, "aws_s3_bucket.b", "SRM-S3-009");
    assert_eq!(verdict, "suppressed");
    assert!(
        message.starts_with("suppressed (logs go to the central account): "),
        "{message}"
    );
    let (verdict, message) = entry(&r, "aws_s3_bucket.c", "SRM-S3-009");
    assert_eq!(verdict, "suppressed");
    assert!(
        message.starts_with("suppressed (trivy:ignore marker): "),
        "{message}"
    );
    let (verdict, message) = entry(&r, "Logs", "SRM-S3-009");
    assert_eq!(verdict, "suppressed");
    assert!(
        message.starts_with("suppressed (access logs are written by the central trail): "),
        "{message}"
    );
    // A marker inside a string is text: versioning (CKV_AWS_21) is still unaddressed.
    assert_eq!(entry(&r, "aws_s3_bucket.c", "SRM-S3-004").0, "unaddressed");
    // Markers for checks srm-lint has no duty for are not reported as unused.
    assert_eq!(r["unused_suppressions"], serde_json::json!([]));
}
