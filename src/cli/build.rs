//! `helpbook build` and `helpbook check`: run the pipeline, print every problem and one
//! summary line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use helpbook::build::{self, BuildOptions, Progress, Report, Silent};
use indicatif::{ProgressBar, ProgressStyle};

use super::{Global, diagnostics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output folder (default: build/ in the help center)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Build drafts too (they are marked as drafts on the page)
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Check drafts too
    #[arg(long)]
    drafts: bool,
}

/// Builds with more articles than this show a progress bar (on a terminal).
const PROGRESS_THRESHOLD: usize = 2_000;

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, articles: usize) {
        if articles >= PROGRESS_THRESHOLD {
            self.0.set_length(articles as u64);
            self.0.set_style(
                ProgressStyle::with_template(
                    "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }
    fn tick(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

pub fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let out = args.out.unwrap_or_else(|| global.root.join("build"));
    Ok(if build_into(global, out, args.drafts)? {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Builds into `out` and prints every problem and the summary line, as `helpbook build` does
/// (`serve` builds this way when there is no build yet). False when the content has errors.
pub fn build_into(global: &Global, out: PathBuf, include_drafts: bool) -> anyhow::Result<bool> {
    let had_build = out.join("site").is_dir();
    let options = BuildOptions {
        out: Some(out),
        include_drafts,
        dry_run: false,
    };
    let bar = Bar(if global.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    });
    let report = build::run(&global.root, &options, &bar)
        .with_context(|| format!("cannot build in `{}`", global.root.display()))?;
    let kept = if had_build {
        "the previous build is unchanged"
    } else {
        "nothing was written"
    };
    diagnostics::print_with_summary(&report.diagnostics, global.quiet, Some(kept));
    if report.has_errors() {
        return Ok(false);
    }
    if global.verbose {
        let s = &report.summary;
        eprintln!(
            "{} articles, {} pages, {} languages, {} search documents",
            thousands(s.articles),
            thousands(s.pages),
            s.languages,
            thousands(report.indexed)
        );
        for (step, took) in &report.timings {
            eprintln!("  {step}: {:.2} s", took.as_secs_f64());
        }
    }
    if !global.quiet {
        let where_ = report
            .written_to
            .as_ref()
            .map(|p| p.join("site").display().to_string())
            .unwrap_or_default();
        eprintln!("{} -> {where_}", built(&report));
    }
    Ok(true)
}

pub fn check(global: &Global, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let options = BuildOptions {
        out: None,
        include_drafts: args.drafts,
        dry_run: true,
    };
    let report = build::run(&global.root, &options, &Silent)?;
    diagnostics::print_with_summary(&report.diagnostics, global.quiet, None);
    if report.has_errors() {
        return Ok(ExitCode::FAILURE);
    }
    if !global.quiet {
        eprintln!(
            "No problems in {} articles{}",
            thousands(report.summary.articles),
            warnings_note(&report)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `Built 117 pages in 3 languages in 0.21 s (2 warnings)`: a good build's summary line.
pub(super) fn built(report: &Report) -> String {
    let s = &report.summary;
    format!(
        "Built {} pages in {} {} in {:.2} s{}",
        thousands(s.pages),
        s.languages,
        if s.languages == 1 {
            "language"
        } else {
            "languages"
        },
        report.elapsed.as_secs_f64(),
        warnings_note(report),
    )
}

fn warnings_note(report: &Report) -> String {
    match report.diagnostics.iter().filter(|d| !d.is_error()).count() {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    }
}

/// 1234 -> "1,234"
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
