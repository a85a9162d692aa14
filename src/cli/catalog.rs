//! The catalog commands: `srm-lint explain ID` and `srm-lint catalog [--check]`.

use super::args::{CatalogFormat, Command};
use super::output::{emit, fail, policy_errors};
use srm_lint::catalog::Catalog;
use std::process::ExitCode;

/// Runs `explain` or `catalog`.
pub fn run(command: Command) -> ExitCode {
    let (extra, base) = match &command {
        Command::Catalog {
            policies,
            catalog_dir,
            ..
        } => (policies.clone(), catalog_dir.clone()),
        Command::Explain { .. } => (Vec::new(), None),
    };
    let mut policy_files = Vec::new();
    for dir in &extra {
        if !dir.is_dir() {
            return fail(format!("{}: not a policy directory", dir.display()));
        }
        match Catalog::load_dir(dir, None) {
            Ok(files) => policy_files.extend(files),
            Err(e) => return fail(e),
        }
    }
    let built = match &base {
        Some(dir) if !dir.is_dir() => {
            return fail(format!("{}: not a policy directory", dir.display()))
        }
        Some(dir) => {
            let mut files = match Catalog::load_dir(dir, None) {
                Ok(files) => files,
                Err(e) => return fail(e),
            };
            files.extend(policy_files);
            Catalog::from_files(files)
        }
        None if policy_files.is_empty() => Catalog::builtin(),
        None => Catalog::builtin_full_with(policy_files),
    };
    let catalog = match built {
        Ok(c) => c,
        Err(errors) => return policy_errors(errors),
    };
    match command {
        Command::Explain { duty } => match catalog.duty(&duty) {
            Some(d) => {
                let text = srm_lint::docs::explain(d, &catalog);
                emit(None, ExitCode::SUCCESS, |w| w.write_all(text.as_bytes()))
            }
            None => fail(format!("no duty `{duty}` (see `srm-lint catalog`)")),
        },
        Command::Catalog {
            next_id: Some(service),
            ..
        } => match srm_lint::docs::next_id(&catalog, &service) {
            Some(id) => emit(None, ExitCode::SUCCESS, |w| writeln!(w, "{id}")),
            None => fail(format!("no service `{service}` (see `srm-lint catalog`)")),
        },
        Command::Catalog { check: true, .. } => check_catalog(&catalog, !extra.is_empty()),
        Command::Catalog { format, .. } => {
            let text = match format {
                CatalogFormat::Text => srm_lint::docs::catalog_text(&catalog),
                CatalogFormat::Json => srm_lint::docs::catalog_json(&catalog),
                CatalogFormat::Markdown => srm_lint::docs::catalog_markdown(&catalog),
            };
            emit(None, ExitCode::SUCCESS, |w| w.write_all(text.as_bytes()))
        }
    }
}

/// `srm-lint catalog --check`: problems on standard output, a count on standard error.
fn check_catalog(catalog: &Catalog, only_extra: bool) -> ExitCode {
    let builtin: std::collections::HashSet<String> = match (only_extra, Catalog::builtin()) {
        (true, Ok(b)) => b.duties.into_iter().map(|d| d.id).collect(),
        _ => Default::default(),
    };
    let outcome = srm_lint::harness::check(catalog, |d| !builtin.contains(&d.id));
    let mut text = String::new();
    for p in &outcome.problems {
        text.push_str(&srm_lint::report::escape_line(p));
        text.push('\n');
    }
    eprintln!(
        "srm-lint: {} examples run, {} problems",
        outcome.examples,
        outcome.problems.len()
    );
    let code = if outcome.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    emit(None, code, |w| w.write_all(text.as_bytes()))
}
