//! Updating in place: preview's build, kept in memory after a full build so that a saved
//! article is read, rendered and indexed again on its own: its page and the pages that list
//! it are written over the live site, and its documents replaced in the live index. Anything
//! an update cannot do by itself (a new, deleted or renamed file, a section, the theme,
//! book.toml, an article that changes its place in a listing) asks for a full build instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, BuildError, LiveParts, Report};
use crate::config::Config;
use crate::content::{self, Article, Site};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::output::InPlace;
use crate::render::{self, Summary};
use crate::search::{Engine, LiveIndex, SearchError};
use crate::theme::Theme;

/// The last good build, in memory and on disk (`<out>/site`, `<out>/index`).
pub struct LiveBuild {
    out: PathBuf,
    config: Config,
    site: Site,
    theme: Theme,
    render: render::LiveRender,
    index: LiveIndex,
}

/// What a save did to the live build.
pub enum Saved {
    /// The articles were updated in place; `pages` are the URLs of the pages written.
    Updated { report: Report, pages: Vec<String> },
    /// The save has errors. Nothing of the article was written, and this live build no
    /// longer matches the files: drop it and build in full after the next save.
    Failed(Report),
    /// Not something an update does by itself: build in full (drop this live build, which
    /// may no longer match the files when several were saved at once).
    NeedsFullBuild,
}

impl LiveBuild {
    /// The live build for what a full build into `out` kept.
    pub fn new(parts: LiveParts, out: &Path) -> Result<LiveBuild, SearchError> {
        let index = LiveIndex::open(parts.index, &out.join("index"))?;
        Ok(LiveBuild {
            out: out.to_path_buf(),
            config: parts.config,
            site: parts.site,
            theme: parts.theme,
            render: parts.render,
            index,
        })
    }

    /// Updates the build for the saved file (an absolute path), when it is a published
    /// article (see [`plan`](super::plan) for why one file at a time).
    pub fn saved(&mut self, file: &Path) -> Result<Saved, BuildError> {
        let started = Instant::now();
        let Some(id) = self.article_of(&self.config.content_dir(), file) else {
            return Ok(Saved::NeedsFullBuild);
        };
        let diagnostics = Diagnostics::new();
        let failed = |diagnostics| {
            Ok(Saved::Failed(report(
                diagnostics,
                started,
                Summary::default(),
            )))
        };
        let mut step = Instant::now();
        let article = match content::load_article(&self.config, file, &diagnostics) {
            Some(article) if !diagnostics.has_errors() => article,
            _ => return failed(diagnostics),
        };
        if placement(&article) != placement(&self.site.articles[id]) {
            return Ok(Saved::NeedsFullBuild);
        }
        if article.source.text == self.site.articles[id].source.text {
            // Saved as it was (an editor's autosave, `:w`): nothing to write.
            return Ok(Saved::Updated {
                report: report(diagnostics, started, Summary::default()),
                pages: Vec::new(),
            });
        }
        self.site.articles[id] = article;
        let read = lap(&mut step);
        let input = render::Input {
            config: &self.config,
            site: &self.site,
            theme: &self.theme,
        };
        let sink = InPlace::new(&self.out);
        let Some(updated) = self.render.update_article(input, id, &sink, &diagnostics) else {
            return failed(diagnostics);
        };
        let rendered_in = lap(&mut step);
        let Some(rendered) = self.render.rendering(id) else {
            return Ok(Saved::NeedsFullBuild);
        };
        let documents = build::article_documents(
            &self.config,
            &self.site,
            &self.site.articles[id],
            rendered,
            updated.plain,
        );
        let indexed = documents.len();
        if !self.index.replace(documents)? {
            return Ok(Saved::NeedsFullBuild);
        }
        let indexed_in = lap(&mut step);
        let pages: Vec<String> = updated.pages.iter().map(|path| page_url(path)).collect();
        let summary = Summary {
            pages: pages.len(),
            articles: 1,
            languages: self.config.languages.len(),
        };
        // Every article's links were checked again, and with them its warnings: only the
        // saved file's are news.
        let saved = self.site.articles[id].source.path.as_str();
        let mut report = report(diagnostics, started, summary);
        report
            .diagnostics
            .retain(|d| d.is_error() || d.path == saved);
        if report.has_errors() {
            return Ok(Saved::Failed(report));
        }
        report.diagnostics.extend(self.missed_expectations()?);
        report.timings = vec![
            ("read the saved file", read),
            ("render its pages", rendered_in),
            ("update the search index", indexed_in),
        ];
        report.indexed = indexed;
        report.written_to = Some(self.out.join("site"));
        Ok(Saved::Updated { report, pages })
    }

    /// The search expectations of book.toml that no longer hold, as warnings. The pages and
    /// the index are updated by now, and the index keeps the last full build's statistics:
    /// here a miss is a warning; `helpbook build` still fails on it.
    fn missed_expectations(&self) -> Result<Vec<Diagnostic>, BuildError> {
        if self.config.expect.is_empty() {
            return Ok(Vec::new());
        }
        let engine = Engine::open(&self.out.join("index"))?;
        let misses = Diagnostics::new();
        build::check_expectations(&self.config, &engine, &misses)?;
        let mut misses = misses.into_sorted();
        for miss in &mut misses {
            miss.severity = Severity::Warning;
        }
        Ok(misses)
    }

    /// The id of the published article whose file `file` is, if it is one.
    fn article_of(&self, content_dir: &Path, file: &Path) -> Option<usize> {
        let relative = file.strip_prefix(content_dir).ok()?;
        let content_path = relative.to_str()?.replace('\\', "/");
        let id = self.site.article_by_path(&content_path)?;
        (file.is_file() && self.render.is_published(id)).then_some(id)
    }
}

/// What decides an article's place in every listing, URL and page other than its own: an
/// update keeps it, or needs a full build.
fn placement(article: &Article) -> impl PartialEq + '_ {
    (
        (
            &article.url,
            &article.content_path,
            &article.dir,
            &article.lang,
        ),
        (&article.title, article.weight, &article.tags, article.draft),
        (&article.aliases, &article.translation_key),
    )
}

/// The time since `step`, which starts again.
fn lap(step: &mut Instant) -> Duration {
    let took = step.elapsed();
    *step = Instant::now();
    took
}

/// A page's URL from its output path: `returns/refund/index.html` -> `/returns/refund/`.
fn page_url(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

fn report(diagnostics: Diagnostics, started: Instant, summary: Summary) -> Report {
    Report {
        diagnostics: diagnostics.into_sorted(),
        summary,
        elapsed: started.elapsed(),
        ..Report::default()
    }
}
