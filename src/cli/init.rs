//! `helpbook init [DIR]`

use std::path::PathBuf;
use std::process::ExitCode;

use super::Global;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the new help center (created if missing; default: --root)
    dir: Option<PathBuf>,
}

pub fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let dir = args.dir.unwrap_or_else(|| global.root.clone());
    let written = helpbook::init::scaffold(&dir)?;
    if !global.quiet {
        for path in &written {
            eprintln!("  created {}", path.display());
        }
        let cd = if dir == std::path::Path::new(".") {
            String::new()
        } else {
            format!("cd {} && ", dir.display())
        };
        eprintln!(
            "New help center in {}. Next: {cd}helpbook build",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
