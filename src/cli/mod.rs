//! The command line: clap types, one file per command, all printing, exit codes. The only
//! module that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod build;
mod diagnostics;
mod init;
mod preview;
mod report;
mod search;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Markdown FAQ and how-to articles in, a fast searchable help center out.
#[derive(Debug, Parser)]
#[command(name = "helpbook", version, about, long_about = None)]
struct Cli {
    /// The help center's folder (where book.toml is)
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Print only errors
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print more about what is happening
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new help center: book.toml and content/ with a FAQ and a how-to
    Init(init::Args),
    /// Build the site into build/site/ (the previous build stays if anything is wrong)
    Build(build::Args),
    /// Check everything without writing: front matter, links, anchors, URLs, translations
    Check(build::CheckArgs),
    /// Search the built index from the terminal
    Search(search::Args),
    /// Serve the site, its search API and search pages (builds first if there is no build)
    Serve(serve::Args),
    /// Writer mode: build with drafts, rebuild on every save and reload the open pages
    Preview(preview::Args),
    /// What shoppers searched for and did not find, and how they rated the articles
    Report(report::Args),
}

/// Flags every command shares.
pub struct Global {
    pub root: PathBuf,
    pub quiet: bool,
    pub verbose: bool,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let global = Global {
        root: cli.root,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let result = match cli.command {
        Command::Init(args) => init::run(&global, args),
        Command::Build(args) => build::run(&global, args),
        Command::Check(args) => build::check(&global, args),
        Command::Search(args) => search::run(&global, args),
        Command::Serve(args) => serve::run(&global, args),
        Command::Preview(args) => preview::run(&global, args),
        Command::Report(args) => report::run(&global, args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", said_once(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined by `: `, each said once: a cause its error already names
/// (a file error says what the system answered) is not repeated.
fn said_once(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let words = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => helpbook::fs::reason(io),
            None => cause.to_string(),
        };
        if !text.contains(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
    }
    text
}
