//! The list of pages to render and the Tera context of each (the theme contract in
//! README.md, "Theming", documents every variable).

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::{Map, Value, json};

use super::{Input, Listings, jsonld};
use crate::config::{Config, language_name};
use crate::content::{Article, Section, Site};
use crate::diag::Diagnostic;
use crate::markdown::Rendered;
use crate::theme::Theme;

/// One output page.
#[derive(Debug, Clone)]
pub enum Page {
    Article(usize),
    /// A section's listing; the root section of a language is its home page.
    Section(usize),
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
        article: usize,
    },
}

pub struct Model<'a> {
    config: &'a Config,
    site: &'a Site,
    theme: &'a Theme,
    rendered: &'a [Option<Rendered>],
    section_bodies: &'a [Option<Rendered>],
    listings: &'a Listings,
    strings: HashMap<String, Value>,
    /// Per language, the variables every page in it gets (`page_variables`), the page's own
    /// (URL, title, description) still to be set: built once, cloned per page.
    bases: HashMap<String, Map<String, Value>>,
    /// Each published article as the listings show it (`Null` for the others): made once,
    /// since an article appears on its section, tag, related-article and home lists.
    summaries: &'a [Value],
}

const RELATED: usize = 5;

impl<'a> Model<'a> {
    pub fn new(
        input: Input<'a>,
        rendered: &'a [Option<Rendered>],
        section_bodies: &'a [Option<Rendered>],
        summaries: &'a [Value],
        listings: &'a Listings,
    ) -> Model<'a> {
        let Input {
            config,
            site,
            theme,
        } = input;
        let strings: HashMap<String, Value> = config
            .languages
            .iter()
            .map(|lang| (lang.clone(), Value::Object(theme.strings(lang))))
            .collect();
        let bases = config
            .languages
            .iter()
            .map(|lang| {
                (
                    lang.clone(),
                    language_variables(config, theme, &strings, lang),
                )
            })
            .collect();
        Model {
            config,
            site,
            theme,
            rendered,
            section_bodies,
            listings,
            strings,
            bases,
            summaries,
        }
    }

    /// Renders one page to (output path, HTML).
    pub fn render(&self, page: &Page) -> Result<(String, Vec<u8>), Diagnostic> {
        let url = page_url(self.config, self.site, page);
        let (template, context) = match page {
            Page::Article(id) => self.article(*id),
            Page::Section(id) => self.section(*id),
            Page::Tag { lang, slug } => self.tag(lang, slug, &url),
            Page::Tags { lang } => self.tags(lang, &url),
            Page::Search { lang } => self.search(lang),
            Page::NotFound { lang } => self.not_found(lang, &url),
            Page::Redirect { from, article } => self.redirect(from, *article),
        };
        let context = tera::Context::from_value(context)
            .map_err(|e| Diagnostic::error(template, e.to_string()))?;
        // The theme's markup around the article's own HTML is some 10 to 20 KB.
        let body = match page {
            Page::Article(id) => self.rendered[*id].as_ref().map_or(0, |r| {
                r.html.len() + r.faq.iter().map(|f| f.answer_html.len()).sum::<usize>()
            }),
            _ => 0,
        };
        let html = self
            .theme
            .render_bytes(template, &context, body + 24 * 1024)?;
        Ok((output_path(&url), html))
    }

    /// A UI string of the theme in `lang`, or `fallback` when the theme has none.
    fn ui(&self, lang: &str, key: &str, fallback: &str) -> String {
        self.strings
            .get(lang)
            .and_then(|t| t.get(key))
            .and_then(Value::as_str)
            .unwrap_or(fallback)
            .to_string()
    }

    fn count(&self, dir: &str, lang: &str) -> usize {
        self.listings
            .counts
            .get(&(dir.to_string(), lang.to_string()))
            .copied()
            .unwrap_or(0)
    }

    fn home_url(&self, lang: &str) -> String {
        home_url(self.config, lang)
    }

    fn canonical(&self, url: &str) -> String {
        canonical(self.config, url)
    }

    /// Variables every template gets.
    fn base(&self, lang: &str, url: &str, title: &str, description: &str) -> Map<String, Value> {
        let mut map =
            self.bases.get(lang).cloned().unwrap_or_else(|| {
                language_variables(self.config, self.theme, &self.strings, lang)
            });
        set_page_fields(&mut map, self.config, url, title, description);
        map
    }

    fn breadcrumbs(&self, dir: Option<&str>, lang: &str) -> Value {
        let mut crumbs = Vec::new();
        let mut current = dir.map(str::to_string);
        while let Some(d) = current {
            if let Some(section) = self.site.section(&d, lang) {
                crumbs.push(object([
                    ("title", section.title.as_str().into()),
                    ("url", section.url.as_str().into()),
                ]));
            }
            current = if d.is_empty() {
                None
            } else {
                Some(
                    d.rsplit_once('/')
                        .map_or(String::new(), |(p, _)| p.to_string()),
                )
            };
        }
        if let Some(Value::Object(home)) = crumbs.last_mut() {
            home.insert("title".into(), self.ui(lang, "home", "Home").into());
        }
        crumbs.reverse();
        Value::Array(crumbs)
    }

    fn article_summary(&self, id: usize) -> Value {
        self.summaries[id].clone()
    }

    /// The front matter description, or the start of the article's text.
    fn description_of(&self, id: usize) -> &str {
        self.summaries[id]
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn article(&self, id: usize) -> (&'static str, Value) {
        let article = &self.site.articles[id];
        let rendered = self.rendered[id].as_ref();
        let mut map = self.base(
            &article.lang,
            &article.url,
            &article.title,
            self.description_of(id),
        );
        map.insert("translations".into(), self.translations_of(article));
        map.insert(
            "breadcrumbs".into(),
            self.breadcrumbs(Some(&article.dir), &article.lang),
        );
        let section = self
            .site
            .section(&article.dir, &article.lang)
            .filter(|s| !s.dir.is_empty());
        let canonical = self.canonical(&article.url);
        let tags: Vec<Value> = article
            .tags
            .iter()
            .map(|t| {
                let url = super::tag_url(&self.home_url(&article.lang), t);
                object([("name", t.as_str().into()), ("url", url.into())])
            })
            .collect();
        let faq: Vec<Value> = rendered
            .map(|r| {
                r.faq
                    .iter()
                    .map(|f| {
                        object([
                            ("id", f.id.as_str().into()),
                            ("question", f.question.as_str().into()),
                            ("answer_html", f.answer_html.as_str().into()),
                        ])
                    })
                    .collect()
            })
            .unwrap_or_default();
        let toc: Vec<Value> = rendered
            .map(|r| {
                r.toc
                    .iter()
                    .map(|t| {
                        object([
                            ("level", t.level.into()),
                            ("id", t.id.as_str().into()),
                            ("title", t.title.as_str().into()),
                        ])
                    })
                    .collect()
            })
            .unwrap_or_default();
        let related: Vec<Value> = self
            .related(id)
            .into_iter()
            .map(|r| self.article_summary(r))
            .collect();
        map.insert(
            "article".into(),
            object([
                ("title", article.title.as_str().into()),
                ("description", article.description.as_str().into()),
                ("kind", article.kind.as_str().into()),
                ("url", article.url.as_str().into()),
                ("draft", article.draft.into()),
                ("html", rendered.map_or("", |r| r.html.as_str()).into()),
                ("faq", faq.into()),
                ("toc", toc.into()),
                ("tags", tags.into()),
                ("date", article.date.as_deref().unwrap_or("").into()),
                ("updated", article.last_updated().unwrap_or("").into()),
                (
                    "section",
                    section.map_or(Value::Null, |s| {
                        object([
                            ("title", s.title.as_str().into()),
                            ("url", s.url.as_str().into()),
                        ])
                    }),
                ),
                ("related", related.into()),
                (
                    "jsonld",
                    rendered
                        .map(|r| jsonld::for_article(article, r, &canonical))
                        .unwrap_or_default()
                        .into(),
                ),
                ("extra", Value::Object(article.extra.clone())),
            ]),
        );
        ("article.html", Value::Object(map))
    }

    fn translations_of(&self, article: &Article) -> Value {
        let others: Vec<Value> = self
            .listings
            .by_key
            .get(&article.translation_key)
            .into_iter()
            .flatten()
            .map(|&id| &self.site.articles[id])
            .filter(|other| other.lang != article.lang)
            .map(|other| language_link(&other.lang, &other.url))
            .collect();
        Value::Array(others)
    }

    /// Up to five articles in the same language sharing tags (2 points each) or the folder (1).
    pub fn related(&self, id: usize) -> Vec<usize> {
        let article = &self.site.articles[id];
        let mut scores: FxHashMap<usize, usize> = FxHashMap::default();
        for tag in &article.tags {
            let key = (article.lang.clone(), crate::content::slugify(tag));
            if let Some((_, ids)) = self.listings.by_tag.get(&key) {
                for &other in ids.iter().take(200) {
                    *scores.entry(other).or_default() += 2;
                }
            }
        }
        if let Some(ids) = self
            .listings
            .by_dir
            .get(&(article.dir.clone(), article.lang.clone()))
        {
            for &other in ids.iter().take(200) {
                *scores.entry(other).or_default() += 1;
            }
        }
        scores.remove(&id);
        let mut ranked: Vec<(usize, usize)> = scores.into_iter().collect();
        // Only the first few are shown: pick them, then order just those (ranks are unique).
        let key = |&(other, score): &(usize, usize)| {
            (std::cmp::Reverse(score), self.listings.rank[other])
        };
        if ranked.len() > RELATED {
            ranked.select_nth_unstable_by_key(RELATED - 1, key);
            ranked.truncate(RELATED);
        }
        ranked.sort_unstable_by_key(key);
        ranked.into_iter().map(|(id, _)| id).collect()
    }

    fn section_articles(&self, dir: &str, lang: &str) -> &[usize] {
        self.listings
            .by_dir
            .get(&(dir.to_string(), lang.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    fn subsections(&self, section: &Section) -> Vec<&Section> {
        let mut subs: Vec<&Section> = self
            .site
            .sections
            .iter()
            .filter(|s| {
                s.lang == section.lang && s.parent_dir.as_deref() == Some(section.dir.as_str())
            })
            .filter(|s| self.count(&s.dir, &s.lang) > 0 || s.source.is_some())
            .collect();
        subs.sort_by(|a, b| {
            (a.weight, a.title.to_lowercase()).cmp(&(b.weight, b.title.to_lowercase()))
        });
        subs
    }

    /// The first articles of a section, looking into subsections when it has none of its own.
    fn first_articles(&self, section: &Section, n: usize) -> Vec<usize> {
        let own = self.section_articles(&section.dir, &section.lang);
        if !own.is_empty() {
            return own.iter().take(n).copied().collect();
        }
        self.subsections(section)
            .into_iter()
            .flat_map(|s| self.first_articles(s, n))
            .take(n)
            .collect()
    }

    fn section(&self, id: usize) -> (&'static str, Value) {
        let section = &self.site.sections[id];
        let body = self.section_bodies[id]
            .as_ref()
            .map_or("", |r| r.html.as_str());
        let title = if section.dir.is_empty() {
            ""
        } else {
            section.title.as_str()
        };
        let mut map = self.base(&section.lang, &section.url, title, &section.description);
        map.insert("translations".into(), self.section_translations(section));
        let subsections: Vec<&Section> = self.subsections(section);
        if section.dir.is_empty() {
            let cards: Vec<Value> = subsections
                .iter()
                .map(|s| {
                    let articles: Vec<Value> = self
                        .first_articles(s, 5)
                        .into_iter()
                        .map(|a| self.article_summary(a))
                        .collect();
                    object([
                        ("title", s.title.as_str().into()),
                        ("description", s.description.as_str().into()),
                        ("url", s.url.as_str().into()),
                        ("count", self.count(&s.dir, &s.lang).into()),
                        ("articles", articles.into()),
                    ])
                })
                .collect();
            let popular: Vec<Value> = subsections
                .iter()
                .filter_map(|s| self.first_articles(s, 1).first().copied())
                .chain(self.section_articles("", &section.lang).iter().copied())
                .take(6)
                .map(|a| self.article_summary(a))
                .collect();
            map.insert("sections".into(), Value::Array(cards));
            map.insert("popular".into(), Value::Array(popular));
            map.insert("intro_html".into(), json!(body));
            return ("index.html", Value::Object(map));
        }
        map.insert(
            "breadcrumbs".into(),
            self.breadcrumbs(section.parent_dir.as_deref(), &section.lang),
        );
        let subs: Vec<Value> = subsections
            .iter()
            .map(|s| json!({ "title": s.title, "description": s.description, "url": s.url, "count": self.count(&s.dir, &s.lang) }))
            .collect();
        let articles: Vec<Value> = self
            .section_articles(&section.dir, &section.lang)
            .iter()
            .map(|&a| self.article_summary(a))
            .collect();
        map.insert(
            "section".into(),
            object([
                ("title", section.title.as_str().into()),
                ("description", section.description.as_str().into()),
                ("url", section.url.as_str().into()),
                ("html", body.into()),
                ("subsections", subs.into()),
                ("articles", articles.into()),
            ]),
        );
        ("section.html", Value::Object(map))
    }

    fn section_translations(&self, section: &Section) -> Value {
        let others: Vec<Value> = self
            .config
            .languages
            .iter()
            .filter(|lang| **lang != section.lang)
            .filter_map(|lang| self.site.section(&section.dir, lang))
            .filter(|s| s.dir.is_empty() || self.count(&s.dir, &s.lang) > 0 || s.source.is_some())
            .map(|s| language_link(&s.lang, &s.url))
            .collect();
        Value::Array(others)
    }

    fn tag(&self, lang: &str, slug: &str, url: &str) -> (&'static str, Value) {
        let (name, ids) = self
            .listings
            .by_tag
            .get(&(lang.to_string(), slug.to_string()))
            .map_or(("", &[][..]), |(n, ids)| (n.as_str(), ids.as_slice()));
        let mut map = self.base(lang, url, name, "");
        let mut crumbs = self.breadcrumbs(Some(""), lang);
        if let Value::Array(items) = &mut crumbs {
            let all_tags = json!(self.ui(lang, "all_tags", "Tags"));
            items
                .push(json!({ "title": all_tags, "url": format!("{}tags/", self.home_url(lang)) }));
        }
        map.insert("breadcrumbs".into(), crumbs);
        let articles: Vec<Value> = ids.iter().map(|&a| self.article_summary(a)).collect();
        map.insert(
            "tag".into(),
            object([
                ("name", name.into()),
                ("url", url.into()),
                ("articles", articles.into()),
            ]),
        );
        ("tag.html", Value::Object(map))
    }

    fn tags(&self, lang: &str, url: &str) -> (&'static str, Value) {
        let title = self.ui(lang, "all_tags", "Tags");
        let mut map = self.base(lang, url, &title, "");
        map.insert("breadcrumbs".into(), self.breadcrumbs(Some(""), lang));
        let tags: Vec<Value> = self
            .listings
            .by_tag
            .iter()
            .filter(|((l, _), _)| l == lang)
            .map(|((_, slug), (name, ids))| json!({ "name": name, "url": format!("{url}{slug}/"), "count": ids.len() }))
            .collect();
        map.insert("tags".into(), Value::Array(tags));
        ("tags.html", Value::Object(map))
    }

    fn search(&self, lang: &str) -> (&'static str, Value) {
        let t = self.strings.get(lang).cloned().unwrap_or_else(|| json!({}));
        let map = search_page_variables(self.config, self.theme, t, lang);
        ("search.html", Value::Object(map))
    }

    fn not_found(&self, lang: &str, url: &str) -> (&'static str, Value) {
        let title = self.ui(lang, "not_found_title", "Page not found");
        let mut map = self.base(lang, url, &title, "");
        map.insert("canonical".into(), json!(""));
        ("404.html", Value::Object(map))
    }

    fn redirect(&self, from: &str, article: usize) -> (&'static str, Value) {
        let target = &self.site.articles[article];
        let mut map = self.base(&target.lang, from, &target.title, "");
        map.insert("canonical".into(), json!(self.canonical(&target.url)));
        map.insert("redirect_to".into(), json!(target.url));
        ("redirect.html", Value::Object(map))
    }
}

/// Every page of the site, in a stable order: each published article and its aliases' redirect
/// pages, the sections that have something to show (a language's root section is its home
/// page), then per language its tag pages, list of tags, search page and not-found page.
pub fn pages(config: &Config, site: &Site, published: &[bool], listings: &Listings) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    for (id, article) in site.articles.iter().enumerate() {
        if published[id] {
            pages.push(Page::Article(id));
            pages.extend(article.aliases.iter().map(|from| Page::Redirect {
                from: from.clone(),
                article: id,
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
            pages.push(Page::Section(id));
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

fn search_url(config: &Config, lang: &str) -> String {
    format!("{}search/", home_url(config, lang))
}

/// What [`page_variables`] needs to know about one page.
struct PageInfo<'a> {
    config: &'a Config,
    theme: &'a Theme,
    /// The page language's UI strings.
    t: Value,
    lang: &'a str,
    url: &'a str,
    title: &'a str,
    description: &'a str,
}

fn home_url(config: &Config, lang: &str) -> String {
    format!("{}/", config.lang_prefix(lang))
}

fn canonical(config: &Config, url: &str) -> String {
    if config.base_url.is_empty() {
        String::new()
    } else {
        format!("{}{}", config.base_url, super::encode(url))
    }
}

/// Each published article as the listings show it (`Null` for the others), for
/// [`Model::new`]: made while the renderings still have their plain text, for descriptions.
pub fn summaries(site: &Site, published: &[bool], rendered: &[Option<Rendered>]) -> Vec<Value> {
    (0..site.articles.len())
        .into_par_iter()
        .map(|id| match &rendered[id] {
            Some(rendered) if published[id] => summarize(site, id, rendered),
            _ => Value::Null,
        })
        .collect()
}

pub fn summarize(site: &Site, id: usize, rendered: &Rendered) -> Value {
    let article = &site.articles[id];
    let section_title = site
        .section(&article.dir, &article.lang)
        .map_or("", |s| s.title.as_str());
    let description = if article.description.is_empty() {
        excerpt(&rendered.text, 160)
    } else {
        article.description.clone()
    };
    object([
        ("title", article.title.as_str().into()),
        ("url", article.url.as_str().into()),
        ("description", description.into()),
        ("kind", article.kind.as_str().into()),
        ("updated", article.last_updated().unwrap_or("").into()),
        ("draft", article.draft.into()),
        ("section_title", section_title.into()),
    ])
}

/// A JSON object from (key, value) pairs, moving the values in (`json!` would copy each one
/// through serde, whole listings included).
fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A language switcher entry.
fn language_link(code: &str, url: &str) -> Value {
    object([
        ("code", code.into()),
        ("name", language_name(code).into()),
        ("url", url.into()),
    ])
}

/// `site`: the same on every page.
fn site_variables(config: &Config, theme: &Theme) -> Value {
    json!({
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "assets": { "css": theme.css_url, "js": theme.js_url },
        "support": config.support,
    })
}

/// The variables every page in `lang` gets, its own (URL, title, description) still to be set.
fn language_variables(
    config: &Config,
    theme: &Theme,
    strings: &HashMap<String, Value>,
    lang: &str,
) -> Map<String, Value> {
    let t = strings.get(lang).cloned().unwrap_or_else(|| json!({}));
    page_variables(PageInfo {
        config,
        theme,
        t,
        lang,
        url: "",
        title: "",
        description: "",
    })
}

/// The variables every template gets (README.md, "Theming").
fn page_variables(page: PageInfo<'_>) -> Map<String, Value> {
    let PageInfo {
        config,
        theme,
        t,
        lang,
        url,
        title,
        description,
    } = page;
    let languages: Vec<Value> = config
        .languages
        .iter()
        .map(|code| language_link(code, &home_url(config, code)))
        .collect();
    let mut map = Map::new();
    map.insert("site".into(), site_variables(config, theme));
    map.insert("lang".into(), json!(lang));
    map.insert("lang_home".into(), json!(home_url(config, lang)));
    map.insert("search_url".into(), json!(search_url(config, lang)));
    map.insert("languages".into(), Value::Array(languages));
    map.insert("translations".into(), json!([]));
    map.insert("t".into(), t);
    map.insert("breadcrumbs".into(), json!([]));
    map.insert("build_mode".into(), json!("build"));
    set_page_fields(&mut map, config, url, title, description);
    map
}

/// The variables of [`page_variables`] that are the page's own: its URL, canonical URL, title
/// and description (the help center's when the page has none).
fn set_page_fields(
    map: &mut Map<String, Value>,
    config: &Config,
    url: &str,
    title: &str,
    description: &str,
) {
    let page_title = if title.is_empty() {
        &config.title
    } else {
        title
    };
    let page_description = if description.is_empty() {
        &config.description
    } else {
        description
    };
    map.insert("page_url".into(), json!(url));
    map.insert("canonical".into(), json!(canonical(config, url)));
    map.insert("page_title".into(), json!(page_title));
    map.insert("page_description".into(), json!(page_description));
}

/// The search page's variables with no results yet: what the build writes to `/search/`, and
/// what `serve` adds its results to.
pub fn search_page_variables(
    config: &Config,
    theme: &Theme,
    t: Value,
    lang: &str,
) -> Map<String, Value> {
    let home = home_url(config, lang);
    let url = search_url(config, lang);
    let ui = |key: &str, fallback: &str| {
        t.get(key)
            .and_then(Value::as_str)
            .unwrap_or(fallback)
            .to_string()
    };
    let title = ui("search_results", "Search");
    let crumbs = json!([{ "title": ui("home", "Home"), "url": home }]);
    let mut map = page_variables(PageInfo {
        config,
        theme,
        t,
        lang,
        url: &url,
        title: &title,
        description: "",
    });
    map.insert("breadcrumbs".into(), crumbs);
    map.insert("query".into(), json!(""));
    map.insert("results".into(), json!([]));
    map.insert("total".into(), json!(0));
    map.insert("suggestion".into(), json!(""));
    map
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
