//! The `helpbook` binary: parse arguments, run the command, map the result to an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
