//! Model + Markdown + theme -> pages: Tera contexts, JSON-LD, related articles, tag pages,
//! sitemap, robots.txt, alias redirects; and the link and anchor checks that need every
//! page rendered. Pages go to a [`PageSink`]; this module never writes to disk itself.

mod bodies;
mod check;
mod context;
mod contract;
#[cfg(test)]
mod contract_doc;
mod ids;
mod jsonld;
mod kept;
mod links;
mod listings;
mod outputs;
mod pages;
mod problems;
mod sitemap;

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Site, slugify};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fs::PageWriteError;
use crate::markdown::{PlainText, Rendered};
use crate::theme::Theme;
use listings::Listings;
use outputs::Writer;

pub use check::check_theme;
pub use context::search_page_variables;
pub use kept::{LiveRender, Updated};
pub use links::encode;

/// Where rendered pages go: the staging folder for `build`, nowhere for `check`.
pub trait PageSink: Sync {
    /// `path` is relative to the site root: `returns/refund-policy/index.html`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), PageWriteError>;
}

/// Discards pages: `check` renders everything to find problems but writes nothing.
pub struct NoSink;

impl PageSink for NoSink {
    fn put(&self, _path: &str, _bytes: &[u8]) -> Result<(), PageWriteError> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Build drafts too (preview); they are marked as drafts on the page.
    pub include_drafts: bool,
    /// Keep what re-rendering one article needs (preview): see [`LiveRender`].
    pub keep: bool,
}

/// What was rendered.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub pages: usize,
    pub articles: usize,
    pub languages: usize,
}

/// What a site is rendered from.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub theme: &'a Theme,
}

/// Called once per page rendered, for progress bars.
pub type Tick<'a> = &'a (dyn Fn() + Sync);

/// Work that runs on a thread of its own while the pages are written (the build indexes the
/// articles for search meanwhile): `read` gets every article's Markdown rendering (`None` for
/// unpublished ones) as soon as they are ready, with their plain text taken out and given to
/// it to keep, and takes out what it needs; `then` carries on with that. The renderings are
/// let go as soon as both the pages and `read` are done with them, not kept until `then`
/// finishes.
pub struct Alongside<Read, Then> {
    pub read: Read,
    pub then: Then,
}

/// Renders the whole site into `sink`. Problems go to `diagnostics`; rendering continues past
/// them so that one run reports everything. Returns what was rendered, what `alongside`
/// gave and, with `options.keep`, what re-rendering one article needs.
pub fn render_site<Taken: Send, R: Send>(
    input: Input<'_>,
    options: Options,
    sink: &dyn PageSink,
    diagnostics: &Diagnostics,
    tick: Tick<'_>,
    alongside: Alongside<
        impl FnOnce(&[Option<Rendered>], Vec<Option<PlainText>>) -> Taken + Send,
        impl FnOnce(Taken) -> R + Send,
    >,
) -> (Summary, R, Option<LiveRender>) {
    let Input { config, site, .. } = input;
    let published: Vec<bool> = site
        .articles
        .iter()
        .map(|a| options.include_drafts || !a.draft)
        .collect();
    let known_urls = bodies::known_urls(site, input.theme, &published);
    let listings = Listings::new(site, &published);
    let pages = pages::pages(config, site, &published, &listings);
    let plan = outputs::plan(input, &pages, &published, &listings, diagnostics);
    let (mut rendered, section_bodies) =
        bodies::render_all(site, input.theme, &published, &known_urls);
    problems::report_problems(site, &rendered, &section_bodies, diagnostics);

    let summaries = pages::summaries(site, &published, &rendered);
    let plain: Vec<Option<PlainText>> = rendered
        .iter_mut()
        .map(|r| r.as_mut().map(Rendered::take_plain_text))
        .collect();
    let failures = Diagnostics::new();
    let made = Made {
        published: &published,
        section_bodies: &section_bodies,
        summaries: &summaries,
        listings: &listings,
    };
    let written = Written {
        pages: &pages,
        plan: &plan,
        sink,
        failures: &failures,
        tick,
    };
    let (count, beside, kept) = write_pages(
        input,
        made,
        written,
        Arc::new(rendered),
        options.keep,
        (plain, alongside),
    );
    write_files(input, &published, &plan, sink, &failures);
    diagnostics.extend(failures.into_sorted());
    let summary = Summary {
        pages: count,
        articles: published.iter().filter(|p| **p).count(),
        languages: config.languages.len(),
    };
    let kept = kept.map(|(rendered, related)| LiveRender {
        // The other thread is done with its share.
        rendered: Arc::try_unwrap(rendered).unwrap_or_else(|shared| (*shared).clone()),
        related,
        listings,
        published,
        known_urls,
        section_bodies,
        summaries,
    });
    (summary, beside, kept)
}

/// What the pages are made from besides the renderings.
#[derive(Clone, Copy)]
struct Made<'a> {
    published: &'a [bool],
    section_bodies: &'a [Option<Rendered>],
    summaries: &'a [Option<contract::ArticleSummary>],
    listings: &'a Listings,
}

/// Where the pages go, and which of them.
#[derive(Clone, Copy)]
struct Written<'a> {
    pages: &'a [pages::Page],
    plan: &'a outputs::Plan<'a>,
    sink: &'a dyn PageSink,
    failures: &'a Diagnostics,
    tick: Tick<'a>,
}

/// The renderings and, with `keep`, each article's related articles: what [`LiveRender`] needs.
type KeptRenderings = (Arc<Vec<Option<Rendered>>>, Vec<Vec<ids::ArticleId>>);

/// Renders and writes the pages while `alongside` runs on a thread of its own; returns how
/// many pages were written, what `alongside` gave and, with `keep`, what [`LiveRender`] needs.
fn write_pages<Taken: Send, R: Send>(
    input: Input<'_>,
    made: Made<'_>,
    to: Written<'_>,
    rendered: Arc<Vec<Option<Rendered>>>,
    keep: bool,
    (plain, alongside): (
        Vec<Option<PlainText>>,
        Alongside<
            impl FnOnce(&[Option<Rendered>], Vec<Option<PlainText>>) -> Taken + Send,
            impl FnOnce(Taken) -> R + Send,
        >,
    ),
) -> (usize, R, Option<KeptRenderings>) {
    let (count, beside, kept) = std::thread::scope(|scope| {
        let for_alongside = Arc::clone(&rendered);
        let Alongside { read, then } = alongside;
        let beside = scope.spawn(move || {
            let taken = read(&for_alongside, plain);
            drop(for_alongside);
            then(taken)
        });
        let model = context::Model::new(
            input,
            &rendered,
            made.section_bodies,
            made.summaries,
            made.listings,
        );
        let written: Vec<&pages::Page> = (to.pages.iter().enumerate())
            .filter(|(i, _)| to.plan.writes(Writer::Page(*i)))
            .map(|(_, page)| page)
            .collect();
        written.par_iter().for_each(|page| {
            match model.render(page) {
                Ok((path, html)) => put(to.sink, &path, &html, to.failures),
                Err(diagnostic) => to.failures.push(diagnostic),
            }
            (to.tick)();
        });
        let related = keep.then(|| {
            (0..input.site.articles.len())
                .into_par_iter()
                .map(|id| {
                    if made.published[id] {
                        model.related(ids::ArticleId(id))
                    } else {
                        Vec::new()
                    }
                })
                .collect::<Vec<_>>()
        });
        drop(model);
        // The pages are written: what is left of the renderings goes before `then` ends,
        // unless it is kept.
        let kept = related.map(|related| (rendered, related));
        (written.len(), beside.join(), kept)
    });
    // A panic on the other thread is a bug; carry it on here rather than lose it.
    let beside = beside.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    (count, beside, kept)
}

/// Writes the files that are not pages: the theme's and the help center's static files, the
/// content's own files (images), the sitemap and robots.txt.
fn write_files<'a>(
    input: Input<'a>,
    published: &[bool],
    plan: &outputs::Plan<'a>,
    sink: &dyn PageSink,
    failures: &Diagnostics,
) {
    let Input {
        config,
        site,
        theme,
    } = input;
    for (path, bytes) in theme.static_files.iter() {
        if plan.writes(Writer::Static(path)) {
            put(sink, path, bytes, failures);
        }
    }
    for (id, asset) in site.assets.iter().enumerate() {
        if !plan.writes(Writer::Asset(id)) {
            continue;
        }
        match crate::fs::read(&asset.abs) {
            Ok(bytes) => {
                if let Err(e) = sink.put(asset.url.trim_start_matches('/'), &bytes) {
                    failures.push(Diagnostic::error(
                        asset.url.clone(),
                        format!("cannot write: {e}"),
                    ));
                }
            }
            Err(e) => failures.push(Diagnostic::error(
                format!("content/{}", asset.content_path),
                e.to_string(),
            )),
        }
    }
    for (path, text) in sitemap::files(config, site, published) {
        if plan.writes(Writer::Generated(path)) {
            put(sink, path, text.as_bytes(), failures);
        }
    }
}

/// Puts one file into `sink`; a failure is a problem named by the file's path.
fn put(sink: &dyn PageSink, path: &str, bytes: &[u8], failures: &Diagnostics) {
    if let Err(e) = sink.put(path, bytes) {
        failures.push(Diagnostic::error(path, format!("cannot write: {e}")));
    }
}

/// A tag's page under a language's home (`/` or `/ru/`): `/ru/tags/returns/`.
pub(crate) fn tag_url(home: &str, tag: &str) -> String {
    format!("{home}tags/{}/", slugify(tag))
}
