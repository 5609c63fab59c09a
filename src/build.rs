//! Runs the pipeline: book.toml -> content -> theme -> render -> search index -> output. Full
//! builds write the next generation beside the live one and swap it in; dry runs (`check`)
//! render everything into nowhere and index in memory. Returns a report; printing is the
//! CLI's job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::{PlainText, Rendered};
use crate::output::{OutputError, Staging};
use crate::render::{self, NoSink, PageSink, Summary};
use crate::search::{self, Document, Engine, SearchError};
use crate::theme::Theme;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The output folder; `None` means `build/` under the root.
    pub out: Option<PathBuf>,
    pub include_drafts: bool,
    /// Check only: render and index everything, write nothing.
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

/// Operational failures: the output cannot be written. Content problems are diagnostics.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// What a build did: every problem found, sorted, and what was written.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Search documents indexed (articles plus their sections and questions).
    pub indexed: usize,
    pub elapsed: Duration,
    /// How long each step took, in order (`-v` prints them).
    pub timings: Vec<(&'static str, Duration)>,
    /// Where the build was written; `None` for dry runs and failed builds.
    pub written_to: Option<PathBuf>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Builds (or checks) the help center at `root`.
pub fn run(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Report, BuildError> {
    build(root, options, progress, false).map(|(report, _)| report)
}

/// [`run`] for preview: a build written without errors also gives back what updating it
/// one article at a time needs (see [`crate::preview`]).
pub fn run_keeping(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(Report, Option<LiveParts>), BuildError> {
    build(root, options, progress, true)
}

/// What a build keeps in memory for preview: the help center as read, and what its pages
/// and index were made from.
pub struct LiveParts {
    pub config: Config,
    pub site: Site,
    pub theme: Theme,
    pub render: render::LiveRender,
    pub index: search::LiveIndexParts,
}

fn build(
    root: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
    keep: bool,
) -> Result<(Report, Option<LiveParts>), BuildError> {
    let keep = keep && !options.dry_run;
    let started = Instant::now();
    let diagnostics = Diagnostics::new();
    let config = match Config::load(root) {
        Ok((config, problems)) => {
            diagnostics.extend(problems);
            config
        }
        Err(diagnostics) => {
            let report = Report {
                diagnostics,
                elapsed: started.elapsed(),
                ..Report::default()
            };
            return Ok((report, None));
        }
    };
    let site = content::load(&config, &diagnostics);
    // A template using a variable its pages do not get stops the build before any page is
    // rendered, with the template's line.
    let theme = match Theme::load(&config).and_then(|theme| {
        let problems = render::check_theme(&theme);
        if problems.iter().any(Diagnostic::is_error) {
            Err(problems)
        } else {
            diagnostics.extend(problems);
            Ok(theme)
        }
    }) {
        Ok(theme) => theme,
        Err(problems) => {
            diagnostics.extend(problems);
            let report = Report {
                diagnostics: diagnostics.into_sorted(),
                elapsed: started.elapsed(),
                ..Report::default()
            };
            return Ok((report, None));
        }
    };
    let staging = if options.dry_run {
        None
    } else {
        let out = options.out.clone().unwrap_or_else(|| root.join("build"));
        Some((Staging::create(&out)?, out))
    };
    let sink: &dyn PageSink = match &staging {
        Some((staging, _)) => staging,
        None => &NoSink,
    };
    let mut timings = vec![("read content and theme", started.elapsed())];
    let step = Instant::now();
    progress.start(site.articles.len());
    let tick = || progress.tick();
    let mut settings = search_settings(&config);
    if config.learn_from_clicks {
        let path = crate::insights::store::path_of(&config);
        match crate::insights::learn::boosts(&path, crate::insights::this_minute()) {
            Ok(learned) => settings.learned = learned,
            Err(error) => diagnostics.push(
                Diagnostic::warning(
                    "book.toml",
                    format!("nothing is learned from clicks: {error}"),
                )
                .with_help("the build goes on without; see `[insights] database`"),
            ),
        }
    }
    let index_dir = staging.as_ref().map(|(s, _)| s.index_dir());
    let index_settings = settings.clone();
    let (summary, indexed, render_kept) = render::render_site(
        render::Input {
            config: &config,
            site: &site,
            theme: &theme,
        },
        render::Options {
            include_drafts: options.include_drafts,
            keep,
        },
        sink,
        &diagnostics,
        &tick,
        render::Alongside {
            read: |rendered: &[Option<Rendered>], plain| {
                let documents = search_documents(&config, &site, rendered, plain);
                (documents, popular_articles(&site, rendered))
            },
            then: |(documents, popular): (Vec<Document>, _)| {
                let index_settings = search::Settings {
                    popular,
                    ..index_settings
                };
                let indexed = documents.len();
                match index_dir.as_deref() {
                    Some(dir) if keep => search::write_live_index(dir, documents, &index_settings)
                        .map(|(index, stats, kept)| (index, stats, indexed, Some(kept))),
                    dir => search::write_index(dir, &documents, &index_settings)
                        .map(|(index, stats)| (index, stats, indexed, None)),
                }
            },
        },
    );
    progress.finish();
    // A disk that is full or read-only fails the build once, with its cause and the file,
    // rather than as a problem on every page after the first that could not be written.
    let indexed = match staging.as_ref().and_then(|(staging, _)| staging.failure()) {
        Some(failure) => Err(BuildError::from(OutputError::from(failure))),
        None => indexed.map_err(BuildError::from),
    };
    let (index, stats, indexed, index_kept) = match indexed {
        Ok(indexed) => indexed,
        Err(error) => {
            if let Some((staging, _)) = staging {
                staging.abandon();
            }
            return Err(error);
        }
    };
    timings.push(("render pages and index them for search", step.elapsed()));
    let step = Instant::now();
    if !config.expect.is_empty() {
        let engine = Engine::from_index(index, settings, stats)?;
        check_expectations(&config, &engine, &diagnostics)?;
    }

    let failed = diagnostics.has_errors();
    let diagnostics = diagnostics.into_sorted();
    let written_to = match staging {
        Some((staging, out)) if !failed => {
            staging.commit()?;
            Some(out)
        }
        _ => None,
    };
    timings.push(("checks and swap", step.elapsed()));
    let kept = match (render_kept, index_kept) {
        (Some(render), Some(index)) if written_to.is_some() => Some(LiveParts {
            config,
            site,
            theme,
            render,
            index,
        }),
        _ => None,
    };
    let report = Report {
        diagnostics,
        summary,
        indexed,
        elapsed: started.elapsed(),
        timings,
        written_to,
    };
    Ok((report, kept))
}

/// Articles to offer when a search finds nothing, per language and top-level section URL:
/// the first five of the section in the writers' order (weight, then title); for the whole
/// help center (`""`), the first article of each top-level section, in section order.
fn popular_articles(
    site: &Site,
    rendered: &[Option<Rendered>],
) -> BTreeMap<String, BTreeMap<String, Vec<search::Popular>>> {
    const SHOWN: usize = 5;
    // (lang, top-level dir) -> published articles, in display order.
    let mut by_section: BTreeMap<(String, String), Vec<&crate::content::Article>> = BTreeMap::new();
    for (article, rendered) in site.articles.iter().zip(rendered) {
        let top_dir = article.dir.split('/').next().unwrap_or_default();
        if rendered.is_some() && !top_dir.is_empty() {
            by_section
                .entry((article.lang.clone(), top_dir.to_string()))
                .or_default()
                .push(article);
        }
    }
    let mut popular: BTreeMap<String, BTreeMap<String, Vec<search::Popular>>> = BTreeMap::new();
    // (lang) -> (section weight, title, first article) for the whole help center.
    let mut firsts: BTreeMap<String, Vec<(i64, String, search::Popular)>> = BTreeMap::new();
    for ((lang, dir), articles) in &mut by_section {
        let Some(section) = site.section(dir, lang) else {
            continue;
        };
        articles.sort_by_cached_key(|a| (a.weight, a.title.to_lowercase(), a.url.clone()));
        let shown: Vec<search::Popular> = articles
            .iter()
            .take(SHOWN)
            .map(|a| search::Popular {
                title: a.title.clone(),
                url: a.url.clone(),
                section: section.title.clone(),
            })
            .collect();
        if let Some(first) = shown.first() {
            firsts.entry(lang.clone()).or_default().push((
                section.weight,
                section.title.to_lowercase(),
                first.clone(),
            ));
        }
        popular
            .entry(lang.clone())
            .or_default()
            .insert(section.url.clone(), shown);
    }
    for (lang, mut firsts) in firsts {
        firsts.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let whole = firsts.into_iter().take(SHOWN).map(|(_, _, p)| p).collect();
        popular
            .entry(lang)
            .or_default()
            .insert(String::new(), whole);
    }
    popular
}

/// What the index keeps of book.toml to answer searches.
pub(crate) fn search_settings(config: &Config) -> search::Settings {
    search::Settings {
        languages: config.languages.clone(),
        synonyms: config.synonyms.clone(),
        popular: Default::default(),
        vocabulary: config.vocabulary,
        phrasings: config.phrasings.clone(),
        support: config.support.as_ref().map(|s| search::Support {
            email: s.email.clone(),
            phone: s.phone.clone(),
            chat: s.chat.clone(),
        }),
        learned: Vec::new(),
    }
}

/// One search document per published article (title, tags, description, intro) and one per
/// FAQ question or `##` section. The documents keep the articles' plain text.
pub(crate) fn search_documents(
    config: &Config,
    site: &Site,
    rendered: &[Option<Rendered>],
    plain: Vec<Option<PlainText>>,
) -> Vec<Document> {
    // Sized exactly: all of them are held while the index is written.
    let count = rendered
        .iter()
        .zip(&plain)
        .map(|pair| match pair {
            (Some(rendered), Some(plain)) => rendered.faq.len() + plain.passages.len() + 1,
            _ => 0,
        })
        .sum();
    let mut documents = Vec::with_capacity(count);
    for ((article, rendered), plain) in site.articles.iter().zip(rendered).zip(plain) {
        if let (Some(rendered), Some(plain)) = (rendered, plain) {
            documents.extend(article_documents(config, site, article, rendered, plain));
        }
    }
    documents
}

/// One article's search documents: one per FAQ question or `##` section, then the article's
/// own.
pub(crate) fn article_documents(
    config: &Config,
    site: &Site,
    article: &crate::content::Article,
    rendered: &Rendered,
    plain: PlainText,
) -> Vec<Document> {
    let mut documents = Vec::new();
    let top_dir = article.dir.split('/').next().unwrap_or_default();
    let section = if top_dir.is_empty() {
        String::new()
    } else {
        site.section(top_dir, &article.lang)
            .map_or_else(String::new, |s| s.url.clone())
    };
    let section_title = site
        .section(&article.dir, &article.lang)
        .filter(|s| !s.dir.is_empty())
        .map_or_else(|| config.title.clone(), |s| s.title.clone());
    let head_text = if rendered.faq.is_empty() && plain.passages.is_empty() {
        plain.text
    } else {
        plain.intro
    };
    let base = Document {
        url: article.url.clone(),
        article_url: article.url.as_str().into(),
        lang: article.lang.as_str().into(),
        section: section.into(),
        section_title: section_title.into(),
        kind: article.kind.as_str().into(),
        title: article.title.as_str().into(),
        heading: String::new(),
        tags: article.tags.clone(),
        description: article.description.clone(),
        keywords: article.keywords.clone(),
        text: match (article.description.is_empty(), head_text.is_empty()) {
            (true, _) => head_text,
            (false, true) => article.description.clone(),
            (false, false) => format!("{}\n{head_text}", article.description),
        },
    };
    // A question's or section's document: the article's, with its own anchor and text.
    let part = |url: String, heading: String, text: String| Document {
        url,
        heading,
        text,
        article_url: base.article_url.clone(),
        lang: base.lang.clone(),
        section: base.section.clone(),
        section_title: base.section_title.clone(),
        kind: base.kind.clone(),
        title: base.title.clone(),
        tags: Vec::new(),
        description: String::new(),
        keywords: Vec::new(),
    };
    for item in &rendered.faq {
        documents.push(Document {
            keywords: item.keywords.clone(),
            ..part(
                format!("{}#{}", article.url, item.id),
                item.question.clone(),
                item.answer_text.clone(),
            )
        });
    }
    for passage in plain.passages {
        documents.push(part(
            format!("{}#{}", article.url, passage.anchor),
            passage.heading,
            passage.text,
        ));
    }
    documents.push(base);
    documents
}

/// `[[search.expect]]`: each pinned query must find its article within `top` results.
pub(crate) fn check_expectations(
    config: &Config,
    engine: &Engine,
    diagnostics: &Diagnostics,
) -> Result<(), SearchError> {
    for expectation in &config.expect {
        let lang = config
            .languages
            .iter()
            .find(|l| expectation.url.starts_with(&format!("/{l}/")))
            .unwrap_or(&config.language)
            .clone();
        let response = engine.search(&search::Request {
            query: expectation.query.clone(),
            lang: Some(lang),
            section: None,
            limit: 50,
            offset: 0,
            explain: false,
        })?;
        let position = response
            .hits
            .iter()
            .position(|hit| hit.url.split('#').next() == Some(expectation.url.as_str()));
        let problem = match position {
            Some(p) if p < expectation.top => continue,
            Some(p) => format!(
                "search for `{}` should find `{}` in the top {}, but it is number {}",
                expectation.query,
                expectation.url,
                expectation.top,
                p + 1
            ),
            None => format!(
                "search for `{}` should find `{}` in the top {}, but does not find it{}",
                expectation.query,
                expectation.url,
                expectation.top,
                response
                    .hits
                    .first()
                    .map_or_else(String::new, |h| format!(" (first result: `{}`)", h.url))
            ),
        };
        diagnostics.push(
            Diagnostic::error(crate::config::FILE_NAME, problem)
                .at_line(expectation.line, 1)
                .with_help("use the shopper's words in the article's title, description or tags, or add a synonym group under [search]"),
        );
    }
    Ok(())
}
