//! The Tera context of each page, built as the types of [`super::contract`] (README.md,
//! "Theming", lists the same variables).

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::{Map, Value};

use super::contract::{
    ArticlePage, ArticleSummary, ArticleVars, Assets, Common, FaqVars, HomePage, LanguageLink,
    LanguageVars, Link, NotFoundPage, RedirectPage, SearchPage, SectionCard, SectionPage,
    SectionVars, SiteVars, Subsection, TagCount, TagLink, TagPage, TagVars, TagsPage, TocVars,
};
use super::ids::{ArticleId, PerArticle, PerSection, SectionId};
use super::pages::{Page, canonical, home_url, output_path, page_url, search_url};
use super::{Input, Listings, jsonld};
use crate::config::{Config, language_name};
use crate::content::{Article, Section, Site};
use crate::diag::Diagnostic;
use crate::markdown::Rendered;
use crate::theme::Theme;

pub struct Model<'a> {
    config: &'a Config,
    site: &'a Site,
    theme: &'a Theme,
    rendered: PerArticle<'a, Option<Rendered>>,
    section_bodies: PerSection<'a, Option<Rendered>>,
    listings: &'a Listings,
    /// Per language, the variables every page in it gets alike: built once.
    languages: HashMap<String, LanguageVars>,
    /// Each published article as the listings show it (`None` for the others): made once,
    /// since an article appears on its section, tag, related-article and home lists.
    summaries: PerArticle<'a, Option<ArticleSummary>>,
}

const RELATED: usize = 5;

impl<'a> Model<'a> {
    pub fn new(
        input: Input<'a>,
        rendered: &'a [Option<Rendered>],
        section_bodies: &'a [Option<Rendered>],
        summaries: &'a [Option<ArticleSummary>],
        listings: &'a Listings,
    ) -> Model<'a> {
        let Input {
            config,
            site,
            theme,
        } = input;
        // Every language a page may be in: the configured ones, and any content has.
        let langs = (config.languages.iter())
            .chain(site.articles.iter().map(|a| &a.lang))
            .chain(site.sections.iter().map(|s| &s.lang));
        let mut languages = HashMap::new();
        for lang in langs {
            if !languages.contains_key(lang) {
                let t = theme.strings(lang);
                languages.insert(lang.clone(), language_vars(config, theme, t, lang));
            }
        }
        Model {
            config,
            site,
            theme,
            rendered: PerArticle(rendered),
            section_bodies: PerSection(section_bodies),
            listings,
            languages,
            summaries: PerArticle(summaries),
        }
    }

    /// Renders one page to (output path, HTML).
    pub fn render(&self, page: &Page) -> Result<(String, Vec<u8>), Diagnostic> {
        let url = page_url(self.config, self.site, page);
        let (template, context) = match page {
            Page::Article(id) => ("article.html", self.article(*id)),
            Page::Section(id) => self.section(*id),
            Page::Tag { lang, slug } => ("tag.html", self.tag(lang, slug, &url)),
            Page::Tags { lang } => ("tags.html", self.tags(lang, &url)),
            Page::Search { lang } => ("search.html", self.search(lang)),
            Page::NotFound { lang } => ("404.html", self.not_found(lang, &url)),
            Page::Redirect { from, article } => ("redirect.html", self.redirect(from, *article)),
        };
        let context = context
            .map_err(|e| Diagnostic::error(format!("templates/{template}"), e.to_string()))?;
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

    fn language(&self, lang: &str) -> &LanguageVars {
        // `new` made one for every language a page can be in.
        self.languages
            .get(lang)
            .or_else(|| self.languages.values().next())
            .expect("a site has at least one language")
    }

    /// A UI string of the theme in `lang`, or `fallback` when the theme has none.
    fn ui(&self, lang: &str, key: &str, fallback: &str) -> String {
        ui(&self.language(lang).t, key, fallback)
    }

    fn count(&self, dir: &str, lang: &str) -> usize {
        self.listings
            .counts
            .get(&(dir.to_string(), lang.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// The variables every template gets, for the page at `url`.
    fn common(&self, lang: &str, url: &str, title: &str, description: &str) -> Common<'_> {
        common(self.config, self.language(lang), url, title, description)
    }

    fn breadcrumbs(&self, dir: Option<&str>, lang: &str) -> Vec<Link> {
        let mut crumbs = Vec::new();
        let mut current = dir.map(str::to_string);
        while let Some(d) = current {
            if let Some(section) = self.site.section(&d, lang) {
                crumbs.push(Link {
                    title: section.title.clone(),
                    url: section.url.clone(),
                });
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
        if let Some(home) = crumbs.last_mut() {
            home.title = self.ui(lang, "home", "Home");
        }
        crumbs.reverse();
        crumbs
    }

    /// How lists show the articles `ids` (all published: lists hold no others).
    fn listed(&self, ids: impl IntoIterator<Item = ArticleId>) -> Vec<&ArticleSummary> {
        ids.into_iter()
            .filter_map(|id| self.summaries[id].as_ref())
            .collect()
    }

    /// The front matter description, or the start of the article's text.
    fn description_of(&self, id: ArticleId) -> &str {
        self.summaries[id]
            .as_ref()
            .map_or("", |s| s.description.as_str())
    }

    fn article(&self, id: ArticleId) -> serde_json::Result<tera::Context> {
        let article = &self.site.articles[id];
        let rendered = self.rendered[id].as_ref();
        let mut common = self.common(
            &article.lang,
            &article.url,
            &article.title,
            self.description_of(id),
        );
        common.translations = self.translations_of(article);
        common.breadcrumbs = self.breadcrumbs(Some(&article.dir), &article.lang);
        let section = self
            .site
            .section(&article.dir, &article.lang)
            .filter(|s| !s.dir.is_empty())
            .map(|s| Link {
                title: s.title.clone(),
                url: s.url.clone(),
            });
        let home = home_url(self.config, &article.lang);
        let tags = (article.tags.iter())
            .map(|t| TagLink {
                name: t.clone(),
                url: super::tag_url(&home, t),
            })
            .collect();
        let faq = (rendered.map_or(&[][..], |r| &r.faq).iter())
            .map(|f| FaqVars {
                id: &f.id,
                question: &f.question,
                answer_html: &f.answer_html,
            })
            .collect();
        let toc = (rendered.map_or(&[][..], |r| &r.toc).iter())
            .map(|t| TocVars {
                level: t.level,
                id: &t.id,
                title: &t.title,
            })
            .collect();
        let jsonld = rendered
            .map(|r| jsonld::for_article(article, r, &self.canonical_of(&article.url)))
            .unwrap_or_default();
        context(&ArticlePage {
            common,
            article: ArticleVars {
                title: &article.title,
                description: &article.description,
                kind: article.kind.as_str(),
                url: &article.url,
                draft: article.draft,
                html: rendered.map_or("", |r| r.html.as_str()),
                faq,
                toc,
                tags,
                date: article.date.as_deref().unwrap_or(""),
                updated: article.last_updated().unwrap_or(""),
                section,
                related: self.listed(self.related(id)),
                jsonld,
                extra: &article.extra,
            },
        })
    }

    fn canonical_of(&self, url: &str) -> String {
        canonical(self.config, url)
    }

    fn translations_of(&self, article: &Article) -> Vec<LanguageLink> {
        self.listings
            .by_key
            .get(&article.translation_key)
            .into_iter()
            .flatten()
            .map(|&id| &self.site.articles[id])
            .filter(|other| other.lang != article.lang)
            .map(|other| language_link(&other.lang, &other.url))
            .collect()
    }

    /// Up to five articles in the same language sharing tags (2 points each) or the folder (1).
    pub fn related(&self, id: ArticleId) -> Vec<ArticleId> {
        let article = &self.site.articles[id];
        let mut scores: FxHashMap<ArticleId, usize> = FxHashMap::default();
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
        let mut ranked: Vec<(ArticleId, usize)> = scores.into_iter().collect();
        // Only the first few are shown: pick them, then order just those (ranks are unique).
        let key = |&(other, score): &(ArticleId, usize)| {
            (std::cmp::Reverse(score), self.listings.rank(other))
        };
        if ranked.len() > RELATED {
            ranked.select_nth_unstable_by_key(RELATED - 1, key);
            ranked.truncate(RELATED);
        }
        ranked.sort_unstable_by_key(key);
        ranked.into_iter().map(|(id, _)| id).collect()
    }

    fn section_articles(&self, dir: &str, lang: &str) -> &[ArticleId] {
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
    fn first_articles(&self, section: &Section, n: usize) -> Vec<ArticleId> {
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

    fn section(&self, id: SectionId) -> (&'static str, serde_json::Result<tera::Context>) {
        let section = &self.site.sections[id];
        let body = self.section_bodies[id]
            .as_ref()
            .map_or("", |r| r.html.as_str());
        let title = if section.dir.is_empty() {
            ""
        } else {
            section.title.as_str()
        };
        let mut common = self.common(&section.lang, &section.url, title, &section.description);
        common.translations = self.section_translations(section);
        let subsections: Vec<&Section> = self.subsections(section);
        if section.dir.is_empty() {
            let sections = (subsections.iter())
                .map(|s| SectionCard {
                    title: &s.title,
                    description: &s.description,
                    url: &s.url,
                    count: self.count(&s.dir, &s.lang),
                    articles: self.listed(self.first_articles(s, 5)),
                })
                .collect();
            let popular = (subsections.iter())
                .filter_map(|s| self.first_articles(s, 1).first().copied())
                .chain(self.section_articles("", &section.lang).iter().copied())
                .take(6);
            let home = HomePage {
                common,
                sections,
                popular: self.listed(popular),
                intro_html: body,
            };
            return ("index.html", context(&home));
        }
        common.breadcrumbs = self.breadcrumbs(section.parent_dir.as_deref(), &section.lang);
        let subsections = (subsections.iter())
            .map(|s| Subsection {
                title: &s.title,
                description: &s.description,
                url: &s.url,
                count: self.count(&s.dir, &s.lang),
            })
            .collect();
        let articles = (self.section_articles(&section.dir, &section.lang).iter()).copied();
        let page = SectionPage {
            common,
            section: SectionVars {
                title: &section.title,
                description: &section.description,
                url: &section.url,
                html: body,
                subsections,
                articles: self.listed(articles),
            },
        };
        ("section.html", context(&page))
    }

    fn section_translations(&self, section: &Section) -> Vec<LanguageLink> {
        self.config
            .languages
            .iter()
            .filter(|lang| **lang != section.lang)
            .filter_map(|lang| self.site.section(&section.dir, lang))
            .filter(|s| s.dir.is_empty() || self.count(&s.dir, &s.lang) > 0 || s.source.is_some())
            .map(|s| language_link(&s.lang, &s.url))
            .collect()
    }

    fn tag(&self, lang: &str, slug: &str, url: &str) -> serde_json::Result<tera::Context> {
        let (name, ids) = self
            .listings
            .by_tag
            .get(&(lang.to_string(), slug.to_string()))
            .map_or(("", &[][..]), |(n, ids)| (n.as_str(), ids.as_slice()));
        let mut common = self.common(lang, url, name, "");
        common.breadcrumbs = self.breadcrumbs(Some(""), lang);
        common.breadcrumbs.push(Link {
            title: self.ui(lang, "all_tags", "Tags"),
            url: format!("{}tags/", home_url(self.config, lang)),
        });
        context(&TagPage {
            common,
            tag: TagVars {
                name,
                url,
                articles: self.listed(ids.iter().copied()),
            },
        })
    }

    fn tags(&self, lang: &str, url: &str) -> serde_json::Result<tera::Context> {
        let title = self.ui(lang, "all_tags", "Tags");
        let mut common = self.common(lang, url, &title, "");
        common.breadcrumbs = self.breadcrumbs(Some(""), lang);
        let tags = (self.listings.by_tag.iter())
            .filter(|((l, _), _)| l == lang)
            .map(|((_, slug), (name, ids))| TagCount {
                name,
                url: format!("{url}{slug}/"),
                count: ids.len(),
            })
            .collect();
        context(&TagsPage { common, tags })
    }

    fn search(&self, lang: &str) -> serde_json::Result<tera::Context> {
        context(&search_page(self.config, self.language(lang)))
    }

    fn not_found(&self, lang: &str, url: &str) -> serde_json::Result<tera::Context> {
        let title = self.ui(lang, "not_found_title", "Page not found");
        let mut common = self.common(lang, url, &title, "");
        common.canonical = String::new();
        context(&NotFoundPage { common })
    }

    fn redirect(&self, from: &str, article: ArticleId) -> serde_json::Result<tera::Context> {
        let target = &self.site.articles[article];
        let mut common = self.common(&target.lang, from, &target.title, "");
        common.canonical = self.canonical_of(&target.url);
        context(&RedirectPage {
            common,
            redirect_to: &target.url,
        })
    }
}

/// A page's context as Tera takes it.
fn context(page: &impl Serialize) -> serde_json::Result<tera::Context> {
    tera::Context::from_value(serde_json::to_value(page)?).map_err(serde_error)
}

/// Tera says a context that is not an object is an error; ours are structs.
fn serde_error(error: tera::Error) -> serde_json::Error {
    serde::ser::Error::custom(error)
}

fn ui(t: &Map<String, Value>, key: &str, fallback: &str) -> String {
    t.get(key)
        .and_then(Value::as_str)
        .unwrap_or(fallback)
        .to_string()
}

/// A language switcher entry.
fn language_link(code: &str, url: &str) -> LanguageLink {
    LanguageLink {
        code: code.to_string(),
        name: language_name(code).to_string(),
        url: url.to_string(),
    }
}

/// The variables every page in `lang` gets alike; `t` is its UI strings.
fn language_vars(
    config: &Config,
    theme: &Theme,
    t: Map<String, Value>,
    lang: &str,
) -> LanguageVars {
    LanguageVars {
        site: SiteVars {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            assets: Assets {
                css: theme.css_url.clone(),
                js: theme.js_url.clone(),
            },
            support: config.support.clone(),
        },
        lang: lang.to_string(),
        lang_home: home_url(config, lang),
        search_url: search_url(config, lang),
        languages: (config.languages.iter())
            .map(|code| language_link(code, &home_url(config, code)))
            .collect(),
        t,
    }
}

/// The variables every template gets (README.md, "Theming"): the page's own are its URL,
/// canonical URL, title and description (the help center's when the page has none).
fn common<'a>(
    config: &Config,
    language: &'a LanguageVars,
    url: &str,
    title: &str,
    description: &str,
) -> Common<'a> {
    let or =
        |own: &str, help_center: &str| if own.is_empty() { help_center } else { own }.to_string();
    Common {
        language,
        translations: Vec::new(),
        page_url: url.to_string(),
        canonical: canonical(config, url),
        page_title: or(title, &config.title),
        page_description: or(description, &config.description),
        breadcrumbs: Vec::new(),
        build_mode: "build",
    }
}

/// The search page with no results yet: what the build writes to `/search/`.
fn search_page<'a>(config: &Config, language: &'a LanguageVars) -> SearchPage<'a> {
    let title = ui(&language.t, "search_results", "Search");
    let mut common = common(config, language, &language.search_url, &title, "");
    common.breadcrumbs = vec![Link {
        title: ui(&language.t, "home", "Home"),
        url: language.lang_home.clone(),
    }];
    SearchPage {
        common,
        query: String::new(),
        results: Vec::new(),
        total: 0,
        suggestion: String::new(),
        popular: None,
        searched_as: None,
        results_language: None,
        support_first: None,
        no_exact_answer: None,
        busy: None,
    }
}

/// The search page's variables with no results yet, as a map: what `serve` adds its results
/// to (`t` is the page language's UI strings).
pub fn search_page_variables(
    config: &Config,
    theme: &Theme,
    t: Value,
    lang: &str,
) -> Map<String, Value> {
    let t = match t {
        Value::Object(t) => t,
        _ => Map::new(),
    };
    let language = language_vars(config, theme, t, lang);
    match serde_json::to_value(search_page(config, &language)) {
        Ok(Value::Object(map)) => map,
        // A struct of strings, numbers and string-keyed maps always serializes to an object.
        _ => Map::new(),
    }
}
