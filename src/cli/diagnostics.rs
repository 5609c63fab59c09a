//! Printing diagnostics, for every command: each problem in [`diag`]'s text form, then one
//! summary line when some are errors.

use helpbook::diag::{self, Diagnostic};

/// Prints every problem; warnings left out when `errors_only` (as under `--quiet`).
pub(super) fn print(diagnostics: &[Diagnostic], errors_only: bool) {
    eprint!("{}", diag::to_text(diagnostics, errors_only));
}

/// Prints every problem as [`print`] does and, when some are errors in files, the summary
/// line `error: 4 problems in 3 files`, followed by `; ` and `consequence` when given (`the
/// previous build is unchanged`).
pub(super) fn print_with_summary(
    diagnostics: &[Diagnostic],
    errors_only: bool,
    consequence: Option<&str>,
) {
    print(diagnostics, errors_only);
    if !diagnostics.iter().any(|d| d.is_error() && d.has_path()) {
        return;
    }
    match consequence {
        Some(consequence) => eprintln!("error: {}; {consequence}", diag::summary(diagnostics)),
        None => eprintln!("error: {}", diag::summary(diagnostics)),
    }
}
