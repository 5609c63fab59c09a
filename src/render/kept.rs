//! What a render keeps so that preview can render one article again, with the pages that list
//! it, without rendering the whole site.

use std::collections::HashSet;

use super::contract::ArticleSummary;
use super::ids::{ArticleId, SectionId};
use super::listings::Listings;
use super::{Input, PageSink, bodies, context, pages, problems, sitemap};
use crate::content::slugify;
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::{PlainText, Rendered};

/// What a render keeps for re-rendering one article and the pages that show it (preview).
pub struct LiveRender {
    pub(super) published: Vec<bool>,
    pub(super) known_urls: HashSet<String>,
    /// Each article's rendering (its plain text given to search), by article id.
    pub(super) rendered: Vec<Option<Rendered>>,
    pub(super) section_bodies: Vec<Option<Rendered>>,
    pub(super) summaries: Vec<Option<ArticleSummary>>,
    /// Each article's related articles, as its page lists them.
    pub(super) related: Vec<Vec<ArticleId>>,
    pub(super) listings: Listings,
}

/// An article rendered again with its pages: see [`LiveRender::update_article`].
pub struct Updated {
    /// The pages written, by output path (`returns/refund-policy/index.html`).
    pub pages: Vec<String>,
    /// The article's plain text, for search (the rest of its rendering: [`LiveRender::rendering`]).
    pub plain: PlainText,
}

impl LiveRender {
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
    /// error nothing is written and `None` comes back (this `LiveRender` no longer matches `site`:
    /// render the whole site next).
    pub fn update_article(
        &mut self,
        input: Input<'_>,
        id: usize,
        sink: &dyn PageSink,
        diagnostics: &Diagnostics,
    ) -> Option<Updated> {
        let Input {
            config,
            site,
            theme,
        } = input;
        if !self.is_published(id) {
            return None;
        }
        let mut rendered = bodies::render_article(
            site,
            &bodies::labels(theme, &site.articles[id].lang),
            id,
            &self.published,
            &self.known_urls,
        );
        let summary = pages::summarize(site, id, &rendered);
        let plain = rendered.take_plain_text();
        self.rendered[id] = Some(rendered);
        // Every article's links are checked again: another one may point at a heading of
        // this one that is gone.
        problems::report_problems(site, &self.rendered, &self.section_bodies, diagnostics);
        if diagnostics.has_errors() {
            return None;
        }
        let mut pages = vec![pages::Page::Article(ArticleId(id))];
        // What listings show of it (description, date): its lists and the sitemap change too.
        let listed_changed = self.summaries[id].as_ref() != Some(&summary);
        if listed_changed {
            self.summaries[id] = Some(summary);
            let article = &site.articles[id];
            pages.extend(
                [article.dir.as_str(), ""]
                    .iter()
                    .filter_map(|dir| site.section_id(dir, &article.lang))
                    .map(|section| pages::Page::Section(SectionId(section))),
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
                    .filter(|&other| self.related[other].contains(&ArticleId(id)))
                    .map(|other| pages::Page::Article(ArticleId(other))),
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
