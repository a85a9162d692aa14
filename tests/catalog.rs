//! The catalog harness: every duty in `policies/` is complete (docs, references, examples in each
//! language it covers) and every example gets exactly the verdict and location it declares when
//! run through the whole pipeline.

mod common;

use common::{run, Run};
use srm_lint::catalog::Catalog;

fn catalog() -> Catalog {
    match Catalog::builtin() {
        Ok(c) => c,
        Err(errors) => {
            let msg: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("policy errors:\n{}", msg.join("\n"));
        }
    }
}

/// `srm-lint catalog --check --policies DIR`.
fn check_policies(dir: &std::path::Path) -> Run {
    let dir = dir.to_str().expect("a UTF-8 temporary path");
    run(&["catalog", "--check", "--policies", dir])
}

#[test]
fn every_duty_is_complete_and_every_example_gets_its_declared_verdict_and_location() {
    let catalog = catalog();
    let outcome = srm_lint::harness::check(&catalog, |_| true);
    assert!(
        outcome.examples > 700,
        "only {} examples ran",
        outcome.examples
    );
    assert!(
        outcome.problems.is_empty(),
        "{} problems in {} examples:\n{}",
        outcome.problems.len(),
        outcome.examples,
        outcome.problems.join("\n")
    );
}

/// The built-in catalog is embedded as JSON converted from `policies/` at build time (start-up
/// speed); it must say exactly what the TOML files say, read the way a policy directory is read.
#[test]
fn the_embedded_catalog_is_the_toml_on_disk() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let from_toml = match Catalog::from_files(
        Catalog::load_dir(&dir, None)
            .expect("policies/ readable")
            .into_iter()
            .map(|(p, c)| {
                let rel = p.rsplit_once("/policies/").map(|(_, r)| r).unwrap_or(&p);
                (format!("policies/{rel}"), c)
            })
            .collect(),
    ) {
        Ok(c) => c,
        Err(errors) => panic!("policy errors: {errors:?}"),
    };
    let embedded = catalog();
    let json = |c: &Catalog| {
        (
            serde_json::to_value(&c.services).unwrap(),
            serde_json::to_value(&c.duties).unwrap(),
        )
    };
    assert!(embedded.duties.len() > 100, "{}", embedded.duties.len());
    assert_eq!(json(&embedded), json(&from_toml));
}

/// `srm-lint catalog --check --policies DIR` proves an author's own duties without building
/// srm-lint: a wrong location and a missing bad example are reported, with exit code 1.
#[test]
fn catalog_check_reports_a_wrong_example_of_a_policy_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svc = dir.path().join("demo");
    std::fs::create_dir(&svc).expect("mkdir");
    std::fs::write(
        svc.join("service.toml"),
        r#"id = "demo"
name = "Demo"
category = "abstracted"
aws_responsibilities = ["Running the demo service"]
[[resource]]
kind = "demo-parameter"
title = "Demo parameter"
terraform = ["aws_demo_widget"]
"#,
    )
    .expect("write");
    std::fs::write(
        svc.join("demo-parameter-plain.toml"),
        r#"id = "SRM-DEMO-001"
slug = "demo-parameter-plain"
title = "Store the parameter as a SecureString"
resources = ["demo-parameter"]
layer = "customer-data"
control = "customer"
severity = "low"
since = "0.2.0"
default = "A parameter is stored as plain text unless its type says otherwise."
summary = "The demo duty, for the harness test."
why = "Plain-text parameters are readable by anyone who can read the parameter."
fix = "Set `type = \"SecureString\"`."
[references]
checkov = ["CKV2_AWS_34"]
[terraform]
require = { attr = "type", equals = "SecureString" }
[[example]]
format = "terraform"
verdict = "addressed"
at = "1:1"
code = '''
resource "aws_demo_widget" "p" {
  type = "SecureString"
}
'''
"#,
    )
    .expect("write");
    let Run {
        code,
        stdout,
        stderr,
    } = check_policies(dir.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "SRM-DEMO-001: needs an addressed and a non-addressed terraform example\n\
         SRM-DEMO-001 example #1 (terraform addressed):  location 2:3 (expected 1:1): \
         `type` is \"SecureString\"\n"
    );
    assert!(stderr.contains("1 examples run, 2 problems"), "{stderr}");
}

/// `srm-lint catalog --next-id SERVICE` prints one past the highest id of the service's prefix.
#[test]
fn next_id_is_one_past_the_highest_id_of_the_service() {
    let catalog = catalog();
    let highest = catalog
        .duties
        .iter()
        .filter_map(|d| d.id.strip_prefix("SRM-SQS-"))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .expect("SQS duties");
    let Run { code, stdout, .. } = run(&["catalog", "--next-id", "sqs"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("SRM-SQS-{:03}\n", highest + 1));
    let Run { code, stderr, .. } = run(&["catalog", "--next-id", "no-such-service"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "srm-lint: no service `no-such-service` (see `srm-lint catalog`)\n"
    );
}

/// The cross-duty lints: a cited id that is no known peer check (and that `differences` does not
/// explain), and a second duty deciding a kind by exactly the first one's evidence.
#[test]
fn catalog_check_reports_unknown_peer_ids_and_the_same_concept_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let svc = dir.path().join("demo");
    std::fs::create_dir(&svc).expect("mkdir");
    std::fs::write(
        svc.join("service.toml"),
        "id = \"demo\"\nname = \"Demo\"\ncategory = \"abstracted\"\naws_responsibilities = [\"Running the demo\"]\n[[resource]]\nkind = \"demo-widget\"\ntitle = \"Demo widget\"\nterraform = [\"aws_demo_widget\"]\n",
    )
    .expect("write");
    let duty = |id: &str, slug: &str, checkov: &str| {
        format!(
            r#"id = "{id}"
slug = "{slug}"
title = "Lock the demo widget"
resources = ["demo-widget"]
layer = "customer-data"
control = "customer"
severity = "low"
since = "0.2.0"
default = "A widget is unlocked unless `locked` says otherwise."
summary = "The demo duty, for the harness test."
why = "An unlocked widget can be changed by anyone."
fix = "Set `locked = true`."
[references]
checkov = ["{checkov}"]
[terraform]
require = {{ attr = "locked", equals = true }}
[[example]]
format = "terraform"
verdict = "addressed"
at = "2:3"
code = '''
resource "aws_demo_widget" "w" {{
  locked = true
}}
'''
[[example]]
format = "terraform"
verdict = "unaddressed"
at = "1:1"
code = '''
resource "aws_demo_widget" "w" {{
}}
'''
"#
        )
    };
    std::fs::write(
        svc.join("a.toml"),
        duty("ACME-DEMO-001", "demo-widget-unlocked", "CKV_AWS_20"),
    )
    .expect("write");
    std::fs::write(
        svc.join("b.toml"),
        duty("ACME-DEMO-002", "demo-widget-open", "CKV_AWS_99999"),
    )
    .expect("write");
    let Run {
        code,
        stdout,
        stderr,
    } = check_policies(dir.path());
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "ACME-DEMO-002: checkov id `CKV_AWS_99999` is not a known peer check \
         (policies/peer-checks.csv), and `differences` does not say what it is\n\
         ACME-DEMO-002: decides `demo-widget` by exactly the evidence of ACME-DEMO-001 \
         (the same concept twice?)\n"
    );
}
