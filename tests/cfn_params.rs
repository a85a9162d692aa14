//! CloudFormation parameters are not facts (issue 20): a parameter given on the command line is
//! a fact; one with `AllowedValues` can take each of them; one with only a `Default` keeps it
//! unless a deployment overrides it. What a user sees (duty, verdict, line:col, message) for
//! each, in YAML, JSON and SAM templates (`testdata/cfn/params-scenarios/`).

mod common;
use common::*;
use serde_json::Value;

const DIR: &str = "testdata/cfn/params-scenarios";

/// The checklist entry of `duty` on resource `id`.
fn entry<'r>(report: &'r Value, id: &str, duty: &str) -> &'r Value {
    report["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == id))
        .and_then(|r| r["checklist"].as_array())
        .and_then(|c| c.iter().find(|e| e["duty"] == duty))
        .unwrap_or_else(|| panic!("no {duty} on {id}"))
}

/// One expectation: logical id, duty, verdict, YAML line:col, JSON line:col, message fragment.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    (u64, u64),
    (u64, u64),
    &'static str,
);

fn check(stem: &str, params: &[&str], cases: &[Case]) {
    for (ext, json) in [("yaml", false), ("json", true)] {
        let file = format!("{DIR}/{stem}.{ext}");
        let mut args = vec![file.as_str()];
        for p in params {
            args.extend(["--parameter", p]);
        }
        let (_, report) = json_in(root(), &args);
        assert!(errors(&report).is_empty(), "{file}: {:?}", errors(&report));
        for (id, duty, verdict, yaml_at, json_at, fragment) in cases {
            let e = entry(&report, id, duty);
            let at = if json { json_at } else { yaml_at };
            let message = e["message"].as_str().unwrap_or("");
            assert_eq!(
                (
                    e["verdict"].as_str(),
                    e["line"].as_u64(),
                    e["column"].as_u64()
                ),
                (Some(*verdict), Some(at.0), Some(at.1)),
                "{file} {params:?}: {id} {duty}: {message}"
            );
            assert!(
                message.contains(fragment),
                "{file} {params:?}: {id} {duty}: {message:?} lacks {fragment:?}"
            );
        }
    }
}

#[test]
fn an_allowed_value_that_fails_is_a_finding_that_names_it() {
    // `AllowedValues: ["true", "false"]` with `Default: "true"`: "false" is a deployment too.
    #[rustfmt::skip]
    let cases: &[Case] = &[(
        "TwoValues", "SRM-RDS-001", "unaddressed", (41, 7), (164, 9),
        "when parameter `Encrypt` is \"false\": `StorageEncrypted` is \"false\"",
    )];
    check("params", &[], cases);
}

#[test]
fn the_only_allowed_value_is_a_fact() {
    #[rustfmt::skip]
    let cases: &[Case] = &[("OneValue", "SRM-RDS-001", "addressed", (46, 7), (173, 9), "`StorageEncrypted` is \"true\"")];
    check("params", &[], cases);
}

#[test]
fn a_default_is_not_a_fact() {
    #[rustfmt::skip]
    let cases: &[Case] = &[(
        "FreeDefault", "SRM-RDS-001", "unverified", (51, 7), (182, 9),
        "rests on the default of parameter `EncryptFree` (\"true\"); a deployment may override it",
    )];
    check("params", &[], cases);
}

#[test]
fn a_given_value_is_a_fact() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("TwoValues", "SRM-RDS-001", "addressed", (41, 7), (164, 9), "`StorageEncrypted` is \"true\""),
        ("FreeDefault", "SRM-RDS-001", "addressed", (51, 7), (182, 9), "`StorageEncrypted` is \"true\""),
    ];
    check("params", &["Encrypt=true", "EncryptFree=true"], cases);
    #[rustfmt::skip]
    let off: &[Case] = &[("TwoValues", "SRM-RDS-001", "unaddressed", (41, 7), (164, 9), "`StorageEncrypted` is \"false\"")];
    check("params", &["Encrypt=false"], off);
}

#[test]
fn a_condition_is_decided_in_every_scenario() {
    // `IsProd: !Equals [!Ref Env, prod]`, `Env` allowed `dev` or `prod`, default `prod`.
    #[rustfmt::skip]
    let cases: &[Case] = &[(
        "ProdOnly", "SRM-RDS-001", "unaddressed", (56, 7), (191, 9),
        "when `IsProd` is false (`Env` is \"dev\"): `StorageEncrypted` is false",
    )];
    check("params", &[], cases);
    #[rustfmt::skip]
    let prod: &[Case] = &[("ProdOnly", "SRM-RDS-001", "addressed", (56, 7), (191, 9), "`StorageEncrypted` is true")];
    check("params", &["Env=prod"], prod);
}

#[test]
fn too_many_scenarios_leave_the_value_unknown_with_the_reason() {
    // `Many` depends on seven two-valued parameters: 128 scenarios, more than 64.
    #[rustfmt::skip]
    let cases: &[Case] = &[(
        "TooMany", "SRM-RDS-001", "unverified", (61, 7), (204, 9),
        "whose values give 128 scenarios, more than the 64 srm-lint evaluates",
    )];
    check("params", &[], cases);
    // Given values leave fewer scenarios.
    #[rustfmt::skip]
    let fewer: &[Case] = &[(
        "TooMany", "SRM-RDS-001", "unaddressed", (61, 7), (204, 9),
        "when `Many` is false (`P7` is \"false\"): `StorageEncrypted` is false",
    )];
    check(
        "params",
        &[
            "P1=true", "P2=true", "P3=true", "P4=true", "P5=true", "P6=true",
        ],
        fewer,
    );
}

#[test]
fn sam_resources_and_globals_are_evaluated_per_scenario() {
    let (_, report) = json_in(root(), &[&format!("{DIR}/sam.yaml")]);
    assert!(errors(&report).is_empty(), "{:?}", errors(&report));
    for (duty, at, fragment) in [
        // The resource's own property.
        ("SRM-DDB-001", (23, 9), "when `IsProd` is false (`Env` is \"dev\"): `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled` is false"),
        // Merged in from `Globals.SimpleTable`.
        ("SRM-DDB-003", (14, 7), "when `IsProd` is false (`Env` is \"dev\"): `SSESpecification.SSEEnabled` is false"),
    ] {
        let e = entry(&report, "Sessions", duty);
        let message = e["message"].as_str().unwrap_or("");
        assert_eq!(
            (e["verdict"].as_str(), e["line"].as_u64(), e["column"].as_u64()),
            (Some("unaddressed"), Some(at.0), Some(at.1)),
            "{duty}: {message}"
        );
        assert!(message.contains(fragment), "{duty}: {message:?} lacks {fragment:?}");
    }
}

#[test]
fn a_negated_check_fails_in_the_deployment_that_opens_it() {
    // `none of the ingress rules is open to 0.0.0.0/0`: the default (10.0.0.0/8) passes, the
    // other allowed value does not.
    let (_, report) = json_in(root(), &[&format!("{DIR}/ingress.yaml")]);
    let e = entry(&report, "Ssh", "SRM-SG-001");
    let message = e["message"].as_str().unwrap_or("");
    assert_eq!(
        (
            e["verdict"].as_str(),
            e["line"].as_u64(),
            e["column"].as_u64()
        ),
        (Some("unaddressed"), Some(17), Some(11)),
        "{message}"
    );
    assert!(
        message
            .contains("when parameter `SshFrom` is \"0.0.0.0/0\": `CidrIp` contains \"0.0.0.0/0\""),
        "{message}"
    );
    // Given the closed value, it is addressed.
    let (_, report) = json_in(
        root(),
        &[
            &format!("{DIR}/ingress.yaml"),
            "--parameter",
            "SshFrom=10.0.0.0/8",
        ],
    );
    assert_eq!(entry(&report, "Ssh", "SRM-SG-001")["verdict"], "addressed");
}

/// `basis` of the entry of `duty` on `id` in `file` (with `params`).
fn basis_of(file: &str, params: &[&str], id: &str, duty: &str) -> (String, String, String) {
    let mut args = vec![file];
    for p in params {
        args.extend(["--parameter", p]);
    }
    let (_, report) = json_in(root(), &args);
    let e = entry(&report, id, duty);
    let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    (s("verdict"), s("basis"), s("message"))
}

#[test]
fn a_verdict_on_a_default_says_so_in_its_basis() {
    for ext in ["yaml", "json"] {
        let file = format!("{DIR}/params.{ext}");
        let (verdict, basis, _) = basis_of(&file, &[], "FreeDefault", "SRM-RDS-001");
        assert_eq!(
            (verdict.as_str(), basis.as_str()),
            ("unverified", "parameter-default")
        );
        // Given on the command line, the same value is a fact written in the code.
        let (verdict, basis, _) =
            basis_of(&file, &["EncryptFree=true"], "FreeDefault", "SRM-RDS-001");
        assert_eq!((verdict.as_str(), basis.as_str()), ("addressed", "code"));
    }
}

#[test]
fn a_companion_that_only_some_deployments_create_is_not_proof() {
    let file = format!("{DIR}/companion.yaml");
    let (verdict, basis, message) = basis_of(&file, &[], "Data", "SRM-S3-006");
    assert_eq!(
        (verdict.as_str(), basis.as_str()),
        ("unverified", "unknown")
    );
    assert_eq!(
        message,
        "AWS::S3::BucketPolicy DataTlsOnlyInProd exists only in the deployments where condition \
         `IsProd` is true, so it cannot prove this duty"
    );
    // The same policy without a condition proves it.
    let (verdict, basis, _) = basis_of(&file, &[], "Logs", "SRM-S3-006");
    assert_eq!(
        (verdict.as_str(), basis.as_str()),
        ("addressed", "companion")
    );
    // With the deployment given, the policy exists: proof.
    let (verdict, basis, _) = basis_of(&file, &["Env=prod"], "Data", "SRM-S3-006");
    assert_eq!(
        (verdict.as_str(), basis.as_str()),
        ("addressed", "companion")
    );
}
