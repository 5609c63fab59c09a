//! Preview's build, kept in memory after a full build so that a saved article is read,
//! rendered and indexed again on its own: its page and the pages that list it are written
//! over the live site, and its documents replaced in the live index. Anything an update
//! cannot do by itself (a new, deleted or renamed file, a section, the theme, book.toml, an
//! article that changes its place in a listing) asks for a full build instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{self, BuildError, Kept, Report};
use crate::config::Config;
use crate::content::{self, Article, Site};
use crate::diag::Diagnostics;
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
    render: render::Kept,
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
    pub fn new(kept: Kept, out: &Path) -> Result<LiveBuild, SearchError> {
        let index = LiveIndex::open(kept.index, &out.join("index"))?;
        Ok(LiveBuild {
            out: out.to_path_buf(),
            config: kept.config,
            site: kept.site,
            theme: kept.theme,
            render: kept.render,
            index,
        })
    }

    /// Updates the build for the files saved (absolute paths).
    pub fn saved(&mut self, files: &[PathBuf]) -> Result<Saved, BuildError> {
        let started = Instant::now();
        let content_dir = self.config.content_dir();
        let mut articles = Vec::with_capacity(files.len());
        for file in files {
            let Some(id) = self.article_of(&content_dir, file) else {
                return Ok(Saved::NeedsFullBuild);
            };
            articles.push((id, file));
        }
        let diagnostics = Diagnostics::new();
        let mut pages: Vec<String> = Vec::new();
        let mut indexed = 0;
        let mut timings = vec![
            ("read the saved files", Duration::ZERO),
            ("render their pages", Duration::ZERO),
            ("update the search index", Duration::ZERO),
        ];
        let mut step = Instant::now();
        let mut took = |n: usize, step: &mut Instant| {
            timings[n].1 += step.elapsed();
            *step = Instant::now();
        };
        for &(id, file) in &articles {
            let Some(article) = content::load_article(&self.config, file, &diagnostics) else {
                return Ok(Saved::Failed(report(
                    diagnostics,
                    started,
                    Summary::default(),
                )));
            };
            if diagnostics.has_errors() {
                return Ok(Saved::Failed(report(
                    diagnostics,
                    started,
                    Summary::default(),
                )));
            }
            if placement(&article) != placement(&self.site.articles[id]) {
                return Ok(Saved::NeedsFullBuild);
            }
            self.site.articles[id] = article;
            took(0, &mut step);
            let input = render::Input {
                config: &self.config,
                site: &self.site,
                theme: &self.theme,
            };
            let sink = InPlace::new(&self.out);
            let Some(updated) = self.render.update_article(input, id, &sink, &diagnostics) else {
                return Ok(Saved::Failed(report(
                    diagnostics,
                    started,
                    Summary::default(),
                )));
            };
            took(1, &mut step);
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
            indexed += documents.len();
            if !self.index.replace(documents)? {
                return Ok(Saved::NeedsFullBuild);
            }
            pages.extend(updated.pages.iter().map(|path| page_url(path)));
            took(2, &mut step);
        }
        if !self.config.expect.is_empty() {
            let engine = Engine::open(&self.out.join("index"))?;
            build::check_expectations(&self.config, &engine, &diagnostics)?;
        }
        pages.sort_unstable();
        pages.dedup();
        let summary = Summary {
            pages: pages.len(),
            articles: files.len(),
            languages: self.config.languages.len(),
        };
        // Every article's links were checked again, and with them its warnings: only the
        // saved files' are news.
        let saved: Vec<&str> = articles
            .iter()
            .map(|&(id, _)| self.site.articles[id].source.path.as_str())
            .collect();
        let mut report = report(diagnostics, started, summary);
        report.timings = timings;
        report
            .diagnostics
            .retain(|d| d.is_error() || saved.contains(&d.path.as_str()));
        report.indexed = indexed;
        if report.has_errors() {
            return Ok(Saved::Failed(report));
        }
        report.written_to = Some(self.out.join("site"));
        Ok(Saved::Updated { report, pages })
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
