//! The pages a site has, their URLs and the files they go to; what lists show of an article.

use rayon::prelude::*;

use super::Listings;
use super::contract::ArticleSummary;
use super::ids::{ArticleId, SectionId};
use crate::config::Config;
use crate::content::Site;
use crate::markdown::Rendered;

/// One output page.
#[derive(Debug, Clone)]
pub enum Page {
    Article(ArticleId),
    /// A section's listing; the root section of a language is its home page.
    Section(SectionId),
    Tag {
        lang: String,
        slug: String,
    },
    Tags {
        lang: String,
    },
    Search {
        lang: String,
    },
    NotFound {
        lang: String,
    },
    /// An alias: an old URL that sends the reader to the article.
    Redirect {
        from: String,
        article: ArticleId,
    },
}

/// Every page of the site, in a stable order: each published article and its aliases' redirect
/// pages, the sections that have something to show (a language's root section is its home
/// page), then per language its tag pages, list of tags, search page and not-found page.
pub fn pages(config: &Config, site: &Site, published: &[bool], listings: &Listings) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    for (id, article) in site.articles.iter().enumerate() {
        if published[id] {
            pages.push(Page::Article(ArticleId(id)));
            pages.extend(article.aliases.iter().map(|from| Page::Redirect {
                from: from.clone(),
                article: ArticleId(id),
            }));
        }
    }
    let count = |dir: &str, lang: &str| {
        listings
            .counts
            .get(&(dir.to_string(), lang.to_string()))
            .copied()
            .unwrap_or(0)
    };
    for (id, section) in site.sections.iter().enumerate() {
        if section.dir.is_empty()
            || count(&section.dir, &section.lang) > 0
            || section.source.is_some()
        {
            pages.push(Page::Section(SectionId(id)));
        }
    }
    for (lang, slug) in listings.by_tag.keys() {
        pages.push(Page::Tag {
            lang: lang.clone(),
            slug: slug.clone(),
        });
    }
    for lang in &config.languages {
        pages.push(Page::Tags { lang: lang.clone() });
        pages.push(Page::Search { lang: lang.clone() });
        pages.push(Page::NotFound { lang: lang.clone() });
    }
    pages
}

/// A page's URL, which decides the file it is written to (see [`output_path`]).
pub fn page_url(config: &Config, site: &Site, page: &Page) -> String {
    match page {
        Page::Article(id) => site.articles[*id].url.clone(),
        Page::Section(id) => site.sections[*id].url.clone(),
        Page::Tag { lang, slug } => format!("{}tags/{slug}/", home_url(config, lang)),
        Page::Tags { lang } => format!("{}tags/", home_url(config, lang)),
        Page::Search { lang } => search_url(config, lang),
        Page::NotFound { lang } => format!("{}404.html", home_url(config, lang)),
        Page::Redirect { from, .. } => from.clone(),
    }
}

pub fn search_url(config: &Config, lang: &str) -> String {
    format!("{}search/", home_url(config, lang))
}

/// A language's home page: `/` or `/ru/`.
pub fn home_url(config: &Config, lang: &str) -> String {
    format!("{}/", config.lang_prefix(lang))
}

/// The absolute URL of `url`; empty without `base-url`.
pub fn canonical(config: &Config, url: &str) -> String {
    if config.base_url.is_empty() {
        String::new()
    } else {
        format!("{}{}", config.base_url, super::encode(url))
    }
}

/// Each published article as the listings show it (`None` for the others), for
/// [`super::context::Model::new`]: made while the renderings still have their plain text,
/// for descriptions.
pub fn summaries(
    site: &Site,
    published: &[bool],
    rendered: &[Option<Rendered>],
) -> Vec<Option<ArticleSummary>> {
    (0..site.articles.len())
        .into_par_iter()
        .map(|id| match &rendered[id] {
            Some(rendered) if published[id] => Some(summarize(site, id, rendered)),
            _ => None,
        })
        .collect()
}

pub fn summarize(site: &Site, id: usize, rendered: &Rendered) -> ArticleSummary {
    let article = &site.articles[id];
    let section_title = site
        .section(&article.dir, &article.lang)
        .map_or("", |s| s.title.as_str());
    let description = if article.description.is_empty() {
        excerpt(&rendered.text, 160)
    } else {
        article.description.clone()
    };
    ArticleSummary {
        title: article.title.clone(),
        url: article.url.clone(),
        description,
        kind: article.kind.as_str(),
        updated: article.last_updated().unwrap_or("").to_string(),
        draft: article.draft,
        section_title: section_title.to_string(),
    }
}

/// `/returns/refund-policy/` -> `returns/refund-policy/index.html`; `/404.html` stays a file.
pub fn output_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() {
        "index.html".to_string()
    } else if trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else if trimmed.ends_with(".html") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/index.html")
    }
}

/// The first `max` characters of `text` cut at a word, with an ellipsis when cut.
fn excerpt(text: &str, max: usize) -> String {
    // Only the start of the text matters: stop joining words once past `max` characters.
    let mut flat = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > 0 {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
        if chars > max {
            break;
        }
    }
    if chars <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/ru/"), "ru/index.html");
        assert_eq!(
            output_path("/returns/refund-policy/"),
            "returns/refund-policy/index.html"
        );
        assert_eq!(output_path("/404.html"), "404.html");
        assert_eq!(output_path("/help/old-page.html"), "help/old-page.html");
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("short text", 160), "short text");
        assert_eq!(excerpt("one two three four", 10), "one two…");
        assert_eq!(excerpt("  one\n two   three ", 13), "one two three");
        assert_eq!(excerpt("one two three", 12), "one two…");
        assert_eq!(excerpt("один, два три", 9), "один…");
    }
}
