//! Writing what the command line prints: the report to a file or standard output, and tool
//! errors to standard error with exit code 2.
//!
//! Error messages quote input (paths, TOML keys, values), so they are escaped by the output rule
//! (`report::escape_line`): one line each, no control or bidi character reaches the terminal.

use srm_lint::report::escape_line;
use std::io::Write;
use std::process::ExitCode;

/// A tool error: the message on standard error, escaped as one line, exit code 2.
pub fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("srm-lint: {}", escape_line(&message.to_string()));
    ExitCode::from(2)
}

/// Every error of a catalog that does not load, each escaped as one line, exit code 2.
pub fn policy_errors(errors: Vec<srm_lint::catalog::CatalogError>) -> ExitCode {
    for e in errors {
        if e.path.is_empty() {
            eprintln!("srm-lint: {}", escape_line(&e.message));
        } else {
            eprintln!("srm-lint: policy error: {}", escape_line(&e.to_string()));
        }
    }
    ExitCode::from(2)
}

/// Writes the output; a closed pipe (`srm-lint … | head`) is a normal end.
pub fn emit(
    output: Option<&std::path::Path>,
    code: ExitCode,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> ExitCode {
    let result = match output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            write(&mut w)?;
            w.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            write(&mut lock).and_then(|_| lock.flush())
        }
    };
    match result {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => fail(format!("cannot write output: {e}")),
    }
}
