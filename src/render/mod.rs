//! Model + Markdown + theme -> pages: Tera contexts, JSON-LD, related articles, tag pages,
//! sitemap, robots.txt, alias redirects; and the link and anchor checks that need every
//! page rendered. Pages go to a [`PageSink`]; this module never writes to disk itself.

mod check;
mod context;
mod contract;
#[cfg(test)]
mod contract_doc;
mod jsonld;
mod links;
mod outputs;
mod pages;
mod sitemap;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Kind, Site, slugify};
use crate::diag::{Diagnostic, Diagnostics, Severity, did_you_mean};
use crate::markdown::{self, PageRef, PlainText, RenderOptions, Rendered};
use crate::theme::Theme;
use outputs::Writer;

pub use check::check_theme;
pub use context::search_page_variables;
pub use links::encode;

/// Where rendered pages go: the staging folder for `build`, nowhere for `check`.
pub trait PageSink: Sync {
    /// `path` is relative to the site root: `returns/refund-policy/index.html`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String>;
}

/// Discards pages: `check` renders everything to find problems but writes nothing.
pub struct NoSink;

impl PageSink for NoSink {
    fn put(&self, _path: &str, _bytes: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Build drafts too (preview); they are marked as drafts on the page.
    pub include_drafts: bool,
    /// Keep what re-rendering one article needs (preview): see [`Kept`].
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
) -> (Summary, R, Option<Kept>) {
    let Input {
        config,
        site,
        theme,
    } = input;
    let published: Vec<bool> = site
        .articles
        .iter()
        .map(|a| options.include_drafts || !a.draft)
        .collect();
    let known_urls = known_urls(site, theme, &published);
    let listings = Listings::new(site, &published);
    let pages = pages::pages(config, site, &published, &listings);
    let plan = outputs::plan(input, &pages, &published, &listings, diagnostics);

    let mut rendered: Vec<Option<Rendered>> = (0..site.articles.len())
        .into_par_iter()
        .map(|id| published[id].then(|| render_article(site, id, &published, &known_urls)))
        .collect();
    let section_bodies: Vec<Option<Rendered>> = site
        .sections
        .par_iter()
        .enumerate()
        .map(|(id, section)| {
            let source = section.source.as_ref()?;
            let from = source.path.strip_prefix("content/").unwrap_or(&source.path);
            let resolver = links::LinkResolver {
                site,
                from,
                lang: &section.lang,
                this: PageRef::Section(id),
                published: &published,
                known_urls: &known_urls,
            };
            let options = RenderOptions {
                kind: Kind::Article,
                title: &section.title,
                lang: &section.lang,
                mdx: from.ends_with(".mdx"),
            };
            Some(markdown::render(source.body(), options, &resolver))
        })
        .collect();

    report_problems(site, &rendered, &section_bodies, diagnostics);

    let summaries = pages::summaries(site, &published, &rendered);
    let plain: Vec<Option<PlainText>> = rendered
        .iter_mut()
        .map(|r| r.as_mut().map(Rendered::take_plain_text))
        .collect();
    let rendered = Arc::new(rendered);
    let failures = Diagnostics::new();
    let (pages, beside, kept) = std::thread::scope(|scope| {
        let for_alongside = Arc::clone(&rendered);
        let Alongside { read, then } = alongside;
        let beside = scope.spawn(move || {
            let taken = read(&for_alongside, plain);
            drop(for_alongside);
            then(taken)
        });
        let model = context::Model::new(input, &rendered, &section_bodies, &summaries, &listings);
        let written: Vec<&pages::Page> = (pages.iter().enumerate())
            .filter(|(i, _)| plan.writes(Writer::Page(*i)))
            .map(|(_, page)| page)
            .collect();
        written.par_iter().for_each(|page| {
            match model.render(page) {
                Ok((path, html)) => {
                    if let Err(e) = sink.put(&path, &html) {
                        failures.push(Diagnostic::error(path, format!("cannot write: {e}")));
                    }
                }
                Err(diagnostic) => failures.push(diagnostic),
            }
            tick();
        });
        let related = options.keep.then(|| {
            (0..site.articles.len())
                .into_par_iter()
                .map(|id| {
                    if published[id] {
                        model.related(id)
                    } else {
                        Vec::new()
                    }
                })
                .collect::<Vec<_>>()
        });
        drop(model);
        // The pages are written: what is left of the renderings goes before `then` ends,
        // unless it is kept.
        let kept = related.map(|related| (rendered, related, listings));
        (written.len(), beside.join(), kept)
    });
    // A panic on the other thread is a bug; carry it on here rather than lose it.
    let beside = beside.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    for (path, bytes) in theme.static_files.iter() {
        if !plan.writes(Writer::Static(path)) {
            continue;
        }
        if let Err(e) = sink.put(path, bytes) {
            failures.push(Diagnostic::error(
                path.clone(),
                format!("cannot write: {e}"),
            ));
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
    for (path, text) in sitemap::files(config, site, &published) {
        if !plan.writes(Writer::Generated(path)) {
            continue;
        }
        if let Err(e) = sink.put(path, text.as_bytes()) {
            failures.push(Diagnostic::error(path, format!("cannot write: {e}")));
        }
    }
    diagnostics.extend(failures.into_sorted());
    let summary = Summary {
        pages,
        articles: published.iter().filter(|p| **p).count(),
        languages: config.languages.len(),
    };
    let kept = kept.map(|(rendered, related, listings)| Kept {
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

/// Article `id`'s Markdown, rendered.
fn render_article(
    site: &Site,
    id: usize,
    published: &[bool],
    known_urls: &HashSet<String>,
) -> Rendered {
    let article = &site.articles[id];
    let resolver = links::LinkResolver {
        site,
        from: &article.content_path,
        lang: &article.lang,
        this: PageRef::Article(id),
        published,
        known_urls,
    };
    let options = RenderOptions {
        kind: article.kind,
        title: &article.title,
        lang: &article.lang,
        mdx: article.content_path.ends_with(".mdx"),
    };
    markdown::render(article.source.body(), options, &resolver)
}

/// What a render keeps for re-rendering one article and the pages that show it (preview).
pub struct Kept {
    published: Vec<bool>,
    known_urls: HashSet<String>,
    /// Each article's rendering (its plain text given to search), by article id.
    rendered: Vec<Option<Rendered>>,
    section_bodies: Vec<Option<Rendered>>,
    summaries: Vec<Option<contract::ArticleSummary>>,
    /// Each article's related articles, as its page lists them.
    related: Vec<Vec<usize>>,
    listings: Listings,
}

/// An article rendered again with its pages: see [`Kept::update_article`].
pub struct Updated {
    /// The pages written, by output path (`returns/refund-policy/index.html`).
    pub pages: Vec<String>,
    /// The article's plain text, for search (the rest of its rendering: [`Kept::rendering`]).
    pub plain: PlainText,
}

impl Kept {
    /// Article `id`'s rendering as kept (its plain text given to search).
    pub fn rendering(&self, id: usize) -> Option<&Rendered> {
        self.rendered.get(id)?.as_ref()
    }

    /// Whether article `id` has pages (drafts have them only in preview).
    pub fn is_published(&self, id: usize) -> bool {
        self.published.get(id).copied().unwrap_or(false)
    }

    /// Renders article `id` again, after `site` took its new version: its page and, when
    /// what listings show of it changed, every page listing it (its section, its language's
    /// home page, its tags' pages, the articles that show it as related), then the sitemap.
    ///
    /// Only for a version that keeps the article's place in every listing (URL, folder,
    /// language, title, weight, tags, aliases, translation, draft): anything else changes
    /// other pages' lists and needs a whole render. Problems go to `diagnostics`; with an
    /// error nothing is written and `None` comes back (this `Kept` no longer matches `site`:
    /// render the whole site next).
    pub fn update_article(
        &mut self,
        input: Input<'_>,
        id: usize,
        sink: &dyn PageSink,
        diagnostics: &Diagnostics,
    ) -> Option<Updated> {
        let Input { config, site, .. } = input;
        if !self.is_published(id) {
            return None;
        }
        let mut rendered = render_article(site, id, &self.published, &self.known_urls);
        let summary = pages::summarize(site, id, &rendered);
        let plain = rendered.take_plain_text();
        self.rendered[id] = Some(rendered);
        // Every article's links are checked again: another one may point at a heading of
        // this one that is gone.
        report_problems(site, &self.rendered, &self.section_bodies, diagnostics);
        if diagnostics.has_errors() {
            return None;
        }
        let mut pages = vec![pages::Page::Article(id)];
        // What listings show of it (description, date): its lists and the sitemap change too.
        let listed_changed = self.summaries[id].as_ref() != Some(&summary);
        if listed_changed {
            self.summaries[id] = Some(summary);
            let article = &site.articles[id];
            pages.extend(
                [article.dir.as_str(), ""]
                    .iter()
                    .filter_map(|dir| site.section_id(dir, &article.lang))
                    .map(pages::Page::Section),
            );
            pages.extend(
                article
                    .tags
                    .iter()
                    .map(|tag| slugify(tag))
                    .filter(|slug| !slug.is_empty())
                    .map(|slug| pages::Page::Tag {
                        lang: article.lang.clone(),
                        slug,
                    }),
            );
            pages.extend(
                (0..self.related.len())
                    .filter(|&other| self.related[other].contains(&id))
                    .map(pages::Page::Article),
            );
        }
        let model = context::Model::new(
            input,
            &self.rendered,
            &self.section_bodies,
            &self.summaries,
            &self.listings,
        );
        // Every page is rendered before any is written: a template error leaves the site as
        // it was.
        let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(pages.len() + 2);
        for page in &pages {
            match model.render(page) {
                Ok(file) => files.push(file),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        if diagnostics.has_errors() {
            return None;
        }
        let mut written = Vec::with_capacity(pages.len());
        for (path, html) in &files {
            match sink.put(path, html) {
                Ok(()) => written.push(path.clone()),
                Err(e) => diagnostics.push(Diagnostic::error(path, format!("cannot write: {e}"))),
            }
        }
        if listed_changed {
            for (path, text) in sitemap::files(config, site, &self.published) {
                if let Err(e) = sink.put(path, text.as_bytes()) {
                    diagnostics.push(Diagnostic::error(path, format!("cannot write: {e}")));
                }
            }
        }
        written.sort_unstable();
        written.dedup();
        (!diagnostics.has_errors()).then_some(Updated {
            pages: written,
            plain,
        })
    }
}

/// Every URL a site-absolute link may point at.
fn known_urls(site: &Site, theme: &Theme, published: &[bool]) -> HashSet<String> {
    let mut urls = HashSet::new();
    for (id, article) in site.articles.iter().enumerate() {
        if published[id] {
            urls.insert(article.url.clone());
            urls.extend(article.aliases.iter().cloned());
            let home = site
                .section("", &article.lang)
                .map_or("/", |s| s.url.as_str());
            urls.extend(article.tags.iter().map(|tag| tag_url(home, tag)));
        }
    }
    for section in &site.sections {
        urls.insert(section.url.clone());
        if section.dir.is_empty() {
            // Each language's home has its own search, tag list and 404 pages.
            for page in ["search/", "tags/", "404.html"] {
                urls.insert(format!("{}{page}", section.url));
            }
        }
    }
    for asset in &site.assets {
        urls.insert(asset.url.clone());
    }
    for path in theme.static_files.keys() {
        urls.insert(format!("/{path}"));
    }
    for file in ["/sitemap.xml", "/robots.txt"] {
        urls.insert(file.to_string());
    }
    urls
}

/// A tag's page under a language's home (`/` or `/ru/`): `/ru/tags/returns/`.
pub(crate) fn tag_url(home: &str, tag: &str) -> String {
    format!("{home}tags/{}/", slugify(tag))
}

fn report_problems(
    site: &Site,
    articles: &[Option<Rendered>],
    sections: &[Option<Rendered>],
    diagnostics: &Diagnostics,
) {
    let empty = HashSet::new();
    let sources = site
        .articles
        .iter()
        .map(|a| Some(&a.source))
        .zip(articles)
        .chain(
            site.sections
                .iter()
                .map(|s| s.source.as_ref())
                .zip(sections),
        );
    for (source, rendered) in sources {
        let (Some(source), Some(rendered)) = (source, rendered) else {
            continue;
        };
        for problem in &rendered.problems {
            let diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(&source.path, &problem.message),
                Severity::Warning => Diagnostic::warning(&source.path, &problem.message),
            };
            diagnostics.push(
                diagnostic
                    .at(&source.text, source.body_offset + problem.offset)
                    .with_help(&problem.help),
            );
        }
        for link in &rendered.anchor_refs {
            let (anchors, target_path) = match link.target {
                PageRef::Article(id) => (
                    articles[id].as_ref().map_or(&empty, |r| &r.anchors),
                    site.articles[id].source.path.clone(),
                ),
                PageRef::Section(id) => (
                    sections[id].as_ref().map_or(&empty, |r| &r.anchors),
                    site.sections[id]
                        .source
                        .as_ref()
                        .map_or_else(|| site.sections[id].url.clone(), |s| s.path.clone()),
                ),
            };
            if anchors.contains(&link.anchor)
                || link.anchor.starts_with("fn")
                || link.anchor.starts_with(':')
            {
                continue;
            }
            let candidates: Vec<&str> = anchors.iter().map(String::as_str).collect();
            let help = match did_you_mean(&link.anchor, &candidates) {
                Some(near) => format!("did you mean `#{near}`?"),
                None if candidates.is_empty() => {
                    format!("`{target_path}` has no headings to link to")
                }
                None => {
                    let mut list: Vec<&str> = candidates.clone();
                    list.sort_unstable();
                    list.truncate(8);
                    format!(
                        "headings there: {}",
                        list.iter()
                            .map(|a| format!("`#{a}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            diagnostics.push(
                Diagnostic::error(
                    &source.path,
                    format!(
                        "link to `{}`: no heading `#{}` in `{target_path}`",
                        link.dest, link.anchor
                    ),
                )
                .at(&source.text, source.body_offset + link.offset)
                .with_help(help),
            );
        }
    }
}

/// Articles grouped for listings; built once, shared by every page (and kept by preview,
/// whose updates never change an article's place in them).
pub(crate) struct Listings {
    /// (dir, lang) -> article ids directly in that folder, in display order.
    pub by_dir: HashMap<(String, String), Vec<usize>>,
    /// (lang, tag slug) -> (tag name, article ids).
    pub by_tag: BTreeMap<(String, String), (String, Vec<usize>)>,
    /// translation_key -> article ids in every language.
    pub by_key: HashMap<String, Vec<usize>>,
    /// Each article's place in display order (weight, then title): a cheap sort key.
    pub rank: Vec<usize>,
    /// (dir, lang) -> published articles in the folder and below it.
    pub counts: HashMap<(String, String), usize>,
}

impl Listings {
    pub fn new(site: &Site, published: &[bool]) -> Listings {
        let mut by_dir: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut by_tag: BTreeMap<(String, String), (String, Vec<usize>)> = BTreeMap::new();
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (id, article) in site.articles.iter().enumerate() {
            if !published[id] {
                continue;
            }
            by_dir
                .entry((article.dir.clone(), article.lang.clone()))
                .or_default()
                .push(id);
            by_key
                .entry(article.translation_key.clone())
                .or_default()
                .push(id);
            for tag in &article.tags {
                let slug = slugify(tag);
                if slug.is_empty() {
                    continue;
                }
                by_tag
                    .entry((article.lang.clone(), slug))
                    .or_insert_with(|| (tag.clone(), Vec::new()))
                    .1
                    .push(id);
            }
        }
        // Lowercased once per article, not once per comparison.
        let keys: Vec<(i64, String)> = site
            .articles
            .iter()
            .map(|a| (a.weight, a.title.to_lowercase()))
            .collect();
        let mut by_order: Vec<usize> = (0..site.articles.len()).collect();
        by_order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
        let mut rank = vec![0; site.articles.len()];
        for (position, &id) in by_order.iter().enumerate() {
            rank[id] = position;
        }
        let order = |ids: &mut Vec<usize>| ids.sort_unstable_by_key(|&id| rank[id]);
        by_dir.values_mut().for_each(order);
        by_tag.values_mut().for_each(|(_, ids)| order(ids));
        let mut counts: HashMap<(String, String), usize> = HashMap::new();
        for (id, article) in site.articles.iter().enumerate() {
            if !published[id] {
                continue;
            }
            let mut dir = Some(article.dir.as_str());
            while let Some(d) = dir {
                *counts
                    .entry((d.to_string(), article.lang.clone()))
                    .or_default() += 1;
                dir = if d.is_empty() {
                    None
                } else {
                    Some(d.rsplit_once('/').map_or("", |(p, _)| p))
                };
            }
        }
        Listings {
            by_dir,
            by_tag,
            by_key,
            rank,
            counts,
        }
    }
}
