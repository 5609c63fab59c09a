//! The rebuild loop: after each save, the kept build is updated in place when the save allows
//! it (see [`plan`]), else the help center is built in full; the server switches to the new
//! build, the open pages are told, and the writer is told through a [`Terminal`].

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::decide::{Change, Plan, plan};
use super::overlay;
use super::update::{LiveBuild, Saved};
use super::watch::Saves;
use crate::build::{self, BuildOptions, LiveParts, Report, Silent};
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::insights::Insights;
use crate::server::{self, AppState, BuildStatus, Live, Switch};

/// What preview tells the writer; the command line prints it (this module never prints).
pub trait Terminal: Send {
    /// A full build succeeded; its warnings are in `report`.
    fn built(&self, report: &Report);
    /// `file` (absolute) was updated in place: `pages` were written; warnings in `report`.
    fn updated(&self, file: &Path, report: &Report, pages: &[String]);
    /// A build or update found problems (warnings only, sometimes; then a full build follows):
    /// the last good build stays served.
    fn problems(&self, problems: &[Diagnostic]);
    /// Something preview does without, such as updating in place.
    fn warning(&self, message: &str);
    /// How long a step after a build took (`-v` prints it).
    fn took(&self, step: &str, took: Duration);
}

/// What a save came to, for the open pages.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The errors, when the save has any: the last good build stays.
    pub problems: Option<Vec<Diagnostic>>,
    /// When only some pages were written (a saved article updated in place), their URLs.
    pub pages: Option<Vec<String>>,
}

/// What the rebuilding thread keeps between saves.
pub struct Rebuilder {
    /// The help center, an absolute path.
    root: PathBuf,
    /// The preview's private build folder.
    out: PathBuf,
    switch: Switch,
    live: Live,
    /// What the server serves, once a build was good.
    site: Option<AppState>,
    /// The last good build, kept to update after a save; `None`: the next save builds in full.
    build: Option<LiveBuild>,
    /// Where the served site records searches and feedback, when `[insights] enabled = true`.
    insights: Option<Insights>,
    terminal: Box<dyn Terminal>,
}

impl Rebuilder {
    /// Builds the help center at `root` (absolute) into `out` with drafts, and serves each good
    /// build through `switch` (from its waiting page to the site).
    pub fn new(
        root: &Path,
        out: &Path,
        switch: Switch,
        live: Live,
        insights: Option<Insights>,
        terminal: Box<dyn Terminal>,
    ) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            switch,
            live,
            site: None,
            build: None,
            insights,
            terminal,
        }
    }

    /// Builds, then builds again after every save until the watcher stops, telling the open
    /// pages through `status`.
    pub fn run(mut self, saves: &Saves, status: &watch::Sender<BuildStatus>) {
        let mut generation = 0;
        // The first build is a full one.
        let mut change = Change::Unknown;
        loop {
            if let Some(outcome) = self.follow(&change) {
                if outcome.problems.is_none() {
                    generation += 1;
                }
                status.send_replace(BuildStatus {
                    generation,
                    problems: outcome
                        .problems
                        .map(|problems| overlay::html(&self.root, &problems)),
                    pages: outcome.pages,
                });
            }
            let Some((next, warning)) = saves.next() else {
                break;
            };
            if let Some(error) = warning {
                self.terminal.warning(&error.to_string());
            }
            change = next;
        }
    }

    /// Brings the served site up to date with `change`; `None` when nothing the site is
    /// made of changed (the open pages are not told).
    pub fn follow(&mut self, change: &Change) -> Option<Outcome> {
        Some(match plan(&self.root, change, self.build.is_some()) {
            Plan::Nothing => return None,
            Plan::Update(file) => match self.update(&file) {
                Updated::Done(pages) => self.reload_index(pages),
                Updated::Failed(problems) => {
                    self.build = None;
                    Outcome {
                        problems: Some(problems),
                        pages: None,
                    }
                }
                Updated::NeedsFullBuild => self.full_build(),
            },
            Plan::FullBuild => self.full_build(),
        })
    }

    /// After an update in place: the server opens the index again.
    fn reload_index(&mut self, pages: Vec<String>) -> Outcome {
        let Some(state) = &self.site else {
            return Outcome::default();
        };
        let started = Instant::now();
        let reloaded = state.reload_index_if_changed();
        self.terminal.took("open the new index", started.elapsed());
        match reloaded {
            Ok(_) => Outcome {
                problems: None,
                pages: Some(pages),
            },
            Err(error) => {
                self.build = None;
                self.failed(Diagnostic::general(error.to_string()))
            }
        }
    }

    fn full_build(&mut self) -> Outcome {
        // Its index writer goes before the build replaces the index.
        self.build = None;
        let kept = match self.build_in_full() {
            Ok(kept) => kept,
            Err(problems) => {
                return Outcome {
                    problems: Some(problems),
                    pages: None,
                };
            }
        };
        let switched = self.switch_to_new_build();
        if switched.is_ok() {
            self.build = kept.and_then(|kept| self.keep(kept));
        }
        Outcome {
            problems: switched.err(),
            pages: None,
        }
    }

    /// One full build, with drafts; its errors when the content has any (the previous build
    /// stays). A good build gives back what updating it needs.
    fn build_in_full(&self) -> Result<Option<LiveParts>, Vec<Diagnostic>> {
        let options = BuildOptions {
            out: Some(self.out.clone()),
            include_drafts: true,
            dry_run: false,
        };
        let (report, kept) =
            build::run_keeping(&self.root, &options, &Silent).map_err(|error| {
                self.failed_with(Diagnostic::general(format!("cannot build: {error}")))
            })?;
        self.check(&report)?;
        self.terminal.built(&report);
        Ok(kept)
    }

    /// A report's errors, told, when it has any.
    fn check(&self, report: &Report) -> Result<(), Vec<Diagnostic>> {
        if !report.has_errors() {
            return Ok(());
        }
        self.terminal.problems(&report.diagnostics);
        Err(errors(&report.diagnostics))
    }

    /// The live build for what a full build kept; `None` (so that the next save builds in
    /// full again) when its index cannot be opened for updates.
    fn keep(&self, kept: LiveParts) -> Option<LiveBuild> {
        LiveBuild::new(kept, &self.out)
            .map_err(|error| {
                self.terminal
                    .warning(&format!("the next save builds everything again: {error}"));
            })
            .ok()
    }

    /// Updates the live build for the saved file, when an update can.
    fn update(&mut self, file: &Path) -> Updated {
        let Some(build) = &mut self.build else {
            return Updated::NeedsFullBuild;
        };
        let report = match build.saved(file) {
            Ok(Saved::Updated { report, pages }) => {
                self.terminal.updated(file, &report, &pages);
                return Updated::Done(pages);
            }
            Ok(Saved::Failed(report)) => report,
            Ok(Saved::NeedsFullBuild) => return Updated::NeedsFullBuild,
            Err(error) => {
                return Updated::Failed(
                    self.failed_with(Diagnostic::general(format!("cannot update: {error}"))),
                );
            }
        };
        self.terminal.problems(&report.diagnostics);
        if report.has_errors() {
            Updated::Failed(errors(&report.diagnostics))
        } else {
            // Failed without an error to show: a full build finds it.
            Updated::NeedsFullBuild
        }
    }

    /// Serves the build just made: the first one by opening it and switching the server from
    /// its waiting page to the site, the next ones by reloading. The problems when it cannot
    /// be opened.
    fn switch_to_new_build(&mut self) -> Result<(), Vec<Diagnostic>> {
        if let Some(state) = &self.site {
            return state
                .reload_if_changed()
                .map(|_| ())
                .map_err(|error| self.failed_with(Diagnostic::general(error.to_string())));
        }
        let (config, _) = Config::load(&self.root).map_err(|problems| {
            self.terminal.problems(&problems);
            errors(&problems)
        })?;
        let state = AppState::open(&self.out, config)
            .map_err(|error| self.failed_with(Diagnostic::general(error.to_string())))?;
        // Before the site is served, so that its first search is recorded too.
        if let Some(insights) = &self.insights {
            state.record_insights(insights.clone());
        }
        self.switch
            .set(server::preview_router(state.clone(), self.live.clone()));
        self.site = Some(state);
        Ok(())
    }

    /// A failure that is no file's, told; as the open pages show it.
    fn failed_with(&self, failure: Diagnostic) -> Vec<Diagnostic> {
        let problems = vec![failure];
        self.terminal.problems(&problems);
        problems
    }

    fn failed(&self, failure: Diagnostic) -> Outcome {
        Outcome {
            problems: Some(self.failed_with(failure)),
            pages: None,
        }
    }
}

/// What an update of the live build came to.
enum Updated {
    /// Done in place: the URLs of the pages written.
    Done(Vec<String>),
    /// The save has errors (or the update failed): the last good build stays.
    Failed(Vec<Diagnostic>),
    NeedsFullBuild,
}

fn errors(problems: &[Diagnostic]) -> Vec<Diagnostic> {
    problems.iter().filter(|d| d.is_error()).cloned().collect()
}
