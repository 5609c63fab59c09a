//! Every article's and section's Markdown, rendered, with the URLs a link may point at.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use super::{links, tag_url};
use crate::content::{Kind, Site};
use crate::markdown::{self, PageRef, RenderOptions, Rendered};
use crate::theme::Theme;

/// The published articles' renderings (`None` for the others), by article id, and the
/// sections' with a text of their own, by section id.
pub fn render_all(
    site: &Site,
    theme: &Theme,
    published: &[bool],
    known_urls: &HashSet<String>,
) -> (Vec<Option<Rendered>>, Vec<Option<Rendered>>) {
    // The theme's words once per language, not once per page: its string tables are merged
    // maps that every look-up would otherwise build again.
    let mut words: HashMap<&str, markdown::Labels> = HashMap::new();
    for lang in site
        .articles
        .iter()
        .map(|a| &a.lang)
        .chain(site.sections.iter().map(|s| &s.lang))
    {
        words
            .entry(lang.as_str())
            .or_insert_with(|| labels(theme, lang));
    }
    let rendered = (0..site.articles.len())
        .into_par_iter()
        .map(|id| {
            let labels = &words[site.articles[id].lang.as_str()];
            published[id].then(|| render_article(site, labels, id, published, known_urls))
        })
        .collect();
    let section_bodies = site
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
                published,
                known_urls,
            };
            let options = RenderOptions {
                kind: Kind::Article,
                title: &section.title,
                labels: &words[section.lang.as_str()],
                mdx: from.ends_with(".mdx"),
            };
            Some(markdown::render(source.body(), options, &resolver))
        })
        .collect();
    (rendered, section_bodies)
}

/// Article `id`'s Markdown, rendered, with `labels` in its language.
pub fn render_article(
    site: &Site,
    labels: &markdown::Labels,
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
        labels,
        mdx: article.content_path.ends_with(".mdx"),
    };
    markdown::render(article.source.body(), options, &resolver)
}

/// The theme's words for what Markdown writes itself, in `lang`.
pub fn labels(theme: &Theme, lang: &str) -> markdown::Labels {
    let strings = theme.strings(lang);
    markdown::Labels::from_strings(|key| strings.get(key).and_then(|v| v.as_str()))
}

/// Every URL a site-absolute link may point at.
pub fn known_urls(site: &Site, theme: &Theme, published: &[bool]) -> HashSet<String> {
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
