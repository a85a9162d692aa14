//! Partially known strings (issue 20): a string built from known and unknown parts keeps its
//! known start and end, and a test no such string can pass or fail is decided on them. An ARN
//! with the account id known only at deployment is not `*`; a wholly unknown principal is still
//! `unverified`. Terraform templates and CloudFormation `Fn::Sub` alike.

mod common;
use common::*;

/// (address, verdict, basis, line, column, message) of SRM-SQS-005 (a queue policy that grants
/// access to anyone) on every resource of `testdata/partial`.
fn sqs_005() -> Vec<(String, String, String, u64, u64, String)> {
    let (_, report) = json_in(root(), &["testdata/partial"]);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    let mut out = Vec::new();
    for r in report["resources"].as_array().into_iter().flatten() {
        for c in r["checklist"].as_array().into_iter().flatten() {
            if c["duty"] == "SRM-SQS-005" {
                let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
                out.push((
                    r["address"].as_str().unwrap_or_default().to_string(),
                    s("verdict"),
                    s("basis"),
                    c["line"].as_u64().unwrap_or(0),
                    c["column"].as_u64().unwrap_or(0),
                    s("message"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_arn_with_an_unknown_account_is_not_anyone() {
    let got = sqs_005();
    let row = |a: &str, v: &str, b: &str, l: u64, c: u64, m: &str| {
        (a.into(), v.into(), b.into(), l, c, m.to_string())
    };
    assert_eq!(
        got,
        vec![
            row(
                "Anyone",
                "unverified",
                "unknown",
                19,
                7,
                "`Principal.AWS` cannot be resolved: `Fn::Sub` uses ${Who}: parameter `Who` has no default and no value was given",
            ),
            row("OwnAccount", "addressed", "code", 8, 7, "no `Statement` matches"),
            row(
                "aws_sqs_queue_policy.given",
                "unverified",
                "unknown",
                24,
                3,
                "`Principal.AWS` cannot be resolved: var.principal has no default and no value in tfvars (variable declared at testdata/partial/main.tf:18)",
            ),
            row(
                "aws_sqs_queue_policy.own_account",
                "addressed",
                "code",
                6,
                3,
                "no `Statement` matches",
            ),
        ]
    );
}
