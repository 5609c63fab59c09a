//! Runs the pipeline: book.toml -> content -> theme -> render -> output. Full builds write a
//! staging folder and swap it in; dry runs (`check`) render everything into nowhere. Returns a
//! report; printing is the CLI's job.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content;
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::{OutputError, Staging};
use crate::render::{self, NoSink, PageSink, Summary};
use crate::theme::Theme;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The output folder; `None` means `build/` under the root.
    pub out: Option<PathBuf>,
    pub include_drafts: bool,
    /// Check only: render everything, write nothing.
    pub dry_run: bool,
}

/// Progress of the page rendering, for a progress bar on big builds.
pub trait Progress: Sync {
    fn start(&self, _articles: usize) {}
    fn tick(&self) {}
    fn finish(&self) {}
}

/// No progress display (tests, small builds, `--quiet`).
pub struct Silent;

impl Progress for Silent {}

/// What a build did: every problem found, sorted, and what was written.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    pub elapsed: Duration,
    /// Where the site was written; `None` for dry runs and failed builds.
    pub written_to: Option<PathBuf>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Builds (or checks) the help center at `root`. `Err` is an operational failure (the output
/// folder cannot be written); problems in the content are in the report.
pub fn run(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Report, OutputError> {
    let started = Instant::now();
    let diagnostics = Diagnostics::new();
    let config = match Config::load(root) {
        Ok((config, problems)) => {
            diagnostics.extend(problems);
            config
        }
        Err(diagnostics) => {
            return Ok(Report {
                diagnostics,
                elapsed: started.elapsed(),
                ..Report::default()
            });
        }
    };
    let site = content::load(&config, &diagnostics);
    let theme = match Theme::load(&config) {
        Ok(theme) => theme,
        Err(problems) => {
            diagnostics.extend(problems);
            return Ok(Report {
                diagnostics: diagnostics.into_sorted(),
                elapsed: started.elapsed(),
                ..Report::default()
            });
        }
    };
    let staging = if options.dry_run {
        None
    } else {
        let out = options.out.clone().unwrap_or_else(|| root.join("build"));
        Some(Staging::create(&out).map(|s| (s, out))?)
    };
    let sink: &dyn PageSink = match &staging {
        Some((staging, _)) => staging,
        None => &NoSink,
    };
    progress.start(site.articles.len());
    let tick = || progress.tick();
    let summary = render::render_site(
        &config,
        &site,
        &theme,
        render::Options {
            include_drafts: options.include_drafts,
        },
        sink,
        &diagnostics,
        &tick,
    );
    progress.finish();
    let failed = diagnostics.has_errors();
    let diagnostics = diagnostics.into_sorted();
    let written_to = match staging {
        Some((staging, out)) if !failed => {
            staging.commit()?;
            Some(out)
        }
        _ => None,
    };
    Ok(Report {
        diagnostics,
        summary,
        elapsed: started.elapsed(),
        written_to,
    })
}
