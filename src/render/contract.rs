//! The theme contract as types: what each template gets, one `Serialize` struct per template,
//! serialized as is into its Tera context. README.md ("Theming") lists the same variables, and
//! a test holds the two together; [`samples`] fills every field for that test and for the
//! theme check (`super::check`).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::Support;

/// `site`: the same on every page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SiteVars {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub assets: Assets,
    /// `[support]` of book.toml; `null` without one.
    pub support: Option<Support>,
}

/// The fingerprinted stylesheet and script: `/style.3f2a9c1e0b.css`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Assets {
    pub css: String,
    pub js: String,
}

/// The variables every page in one language gets alike: made once per language.
#[derive(Debug, Clone, Serialize, Default)]
pub struct LanguageVars {
    pub site: SiteVars,
    pub lang: String,
    /// `/` or `/ru/`.
    pub lang_home: String,
    pub search_url: String,
    /// Every language of the help center, for the language menu.
    pub languages: Vec<LanguageLink>,
    /// The theme's UI strings in this language, English filling gaps: its own keys.
    pub t: Map<String, Value>,
}

/// The variables every template gets (`page_*` and `canonical` are the page's own).
#[derive(Debug, Serialize)]
pub struct Common<'a> {
    #[serde(flatten)]
    pub language: &'a LanguageVars,
    /// This page in the other languages.
    pub translations: Vec<LanguageLink>,
    pub page_url: String,
    /// The page's absolute URL; empty without `base-url` (and on the not-found page).
    pub canonical: String,
    /// The page's title, or the help center's.
    pub page_title: String,
    /// The page's description, or the help center's.
    pub page_description: String,
    /// The sections above the page, the home page first.
    pub breadcrumbs: Vec<Link>,
    /// `build` (preview renders the same pages).
    pub build_mode: &'static str,
}

/// A language menu or translation entry.
#[derive(Debug, Clone, Serialize, Default)]
pub struct LanguageLink {
    pub code: String,
    pub name: String,
    pub url: String,
}

/// A breadcrumb, or the section an article is in.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// An article as lists show it (section, tag, home and related lists).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ArticleSummary {
    pub title: String,
    pub url: String,
    /// The front matter description, or the start of the text.
    pub description: String,
    pub kind: &'static str,
    pub updated: String,
    pub draft: bool,
    pub section_title: String,
}

/// `index.html`: a language's home page.
#[derive(Debug, Serialize)]
pub struct HomePage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub sections: Vec<SectionCard<'a>>,
    pub popular: Vec<&'a ArticleSummary>,
    /// The root `_index.md`'s text, as HTML.
    pub intro_html: &'a str,
}

/// A top-level section on the home page.
#[derive(Debug, Serialize, Default)]
pub struct SectionCard<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    /// Articles in it and below it.
    pub count: usize,
    /// Its first five articles.
    pub articles: Vec<&'a ArticleSummary>,
}

/// `section.html`.
#[derive(Debug, Serialize)]
pub struct SectionPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub section: SectionVars<'a>,
}

#[derive(Debug, Serialize, Default)]
pub struct SectionVars<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    /// The section's `_index.md` text, as HTML.
    pub html: &'a str,
    pub subsections: Vec<Subsection<'a>>,
    pub articles: Vec<&'a ArticleSummary>,
}

#[derive(Debug, Serialize, Default)]
pub struct Subsection<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    pub count: usize,
}

/// `article.html`.
#[derive(Debug, Serialize)]
pub struct ArticlePage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub article: ArticleVars<'a>,
}

#[derive(Debug, Serialize)]
pub struct ArticleVars<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// `article`, `faq` or `howto`.
    pub kind: &'static str,
    pub url: &'a str,
    pub draft: bool,
    pub html: &'a str,
    pub faq: Vec<FaqVars<'a>>,
    pub toc: Vec<TocVars<'a>>,
    pub tags: Vec<TagLink>,
    pub date: &'a str,
    pub updated: &'a str,
    /// The section it is in; `null` at the top level.
    pub section: Option<Link>,
    pub related: Vec<&'a ArticleSummary>,
    /// The schema.org JSON-LD `<script>` element(s).
    pub jsonld: String,
    /// The front matter's `[extra]` table: the writer's own keys.
    pub extra: &'a Map<String, Value>,
}

#[derive(Debug, Serialize, Default)]
pub struct FaqVars<'a> {
    pub id: &'a str,
    pub question: &'a str,
    pub answer_html: &'a str,
}

#[derive(Debug, Serialize, Default)]
pub struct TocVars<'a> {
    pub level: u8,
    pub id: &'a str,
    pub title: &'a str,
}

#[derive(Debug, Serialize, Default)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

/// `tag.html`: the articles with one tag.
#[derive(Debug, Serialize)]
pub struct TagPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub tag: TagVars<'a>,
}

#[derive(Debug, Serialize, Default)]
pub struct TagVars<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub articles: Vec<&'a ArticleSummary>,
}

/// `tags.html`: every tag of a language.
#[derive(Debug, Serialize)]
pub struct TagsPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub tags: Vec<TagCount<'a>>,
}

#[derive(Debug, Serialize, Default)]
pub struct TagCount<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

/// `search.html`: what the build writes (no query yet) and what `serve` renders with results;
/// the optional fields are `serve`'s only.
#[derive(Debug, Serialize)]
pub struct SearchPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub query: String,
    pub results: Vec<SearchResult>,
    pub total: usize,
    pub suggestion: String,
    /// Articles to try when nothing was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub popular: Option<Vec<PopularLink>>,
    /// Another reading of the query the results are for (`ljcnfdrf` -> `доставка`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched_as: Option<String>,
    /// The results' language when it is not the page's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results_language: Option<String>,
    /// Show the `[support]` contact first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_first: Option<bool>,
    /// No article holds the query's distinctive words: the results are only related.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_exact_answer: Option<bool>,
    /// Too many searches at once: the page is a 503, say to try again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy: Option<bool>,
}

#[derive(Debug, Serialize, Default)]
pub struct SearchResult {
    pub title: String,
    pub url: String,
    pub section: String,
    /// HTML, the query's words marked.
    pub snippet: String,
    pub kind: String,
    /// The heading the hit is under.
    pub heading: String,
}

#[derive(Debug, Serialize, Default)]
pub struct PopularLink {
    pub title: String,
    pub url: String,
    pub section: String,
}

/// `404.html`: the variables every template gets.
#[derive(Debug, Serialize)]
pub struct NotFoundPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
}

/// `redirect.html`: an old URL (an alias) sending the reader to the article.
#[derive(Debug, Serialize)]
pub struct RedirectPage<'a> {
    #[serde(flatten)]
    pub common: Common<'a>,
    pub redirect_to: &'a str,
}

/// Variables whose keys are the theme's or the writer's own, not the contract's.
pub const OPEN: &[&str] = &["t", "article.extra"];

/// Every page template with a context of every field filled (lists of one, options set): the
/// shape of the contract, for the theme check and the README's test.
pub fn samples() -> Vec<(&'static str, Value)> {
    let language = LanguageVars {
        site: SiteVars {
            support: Some(Support::default()),
            ..SiteVars::default()
        },
        languages: vec![LanguageLink::default()],
        ..LanguageVars::default()
    };
    let common = || Common {
        language: &language,
        translations: vec![LanguageLink::default()],
        page_url: String::new(),
        canonical: String::new(),
        page_title: String::new(),
        page_description: String::new(),
        breadcrumbs: vec![Link::default()],
        build_mode: "build",
    };
    let summary = ArticleSummary::default();
    let listed = || vec![&summary];
    let extra = Map::new();
    let home = HomePage {
        common: common(),
        sections: vec![SectionCard {
            articles: listed(),
            ..SectionCard::default()
        }],
        popular: listed(),
        intro_html: "",
    };
    let section = SectionPage {
        common: common(),
        section: SectionVars {
            subsections: vec![Subsection::default()],
            articles: listed(),
            ..SectionVars::default()
        },
    };
    let article = ArticlePage {
        common: common(),
        article: ArticleVars {
            title: "",
            description: "",
            kind: "article",
            url: "",
            draft: false,
            html: "",
            faq: vec![FaqVars::default()],
            toc: vec![TocVars::default()],
            tags: vec![TagLink::default()],
            date: "",
            updated: "",
            section: Some(Link::default()),
            related: listed(),
            jsonld: String::new(),
            extra: &extra,
        },
    };
    let tag = TagPage {
        common: common(),
        tag: TagVars {
            articles: listed(),
            ..TagVars::default()
        },
    };
    let tags = TagsPage {
        common: common(),
        tags: vec![TagCount::default()],
    };
    let search = SearchPage {
        common: common(),
        query: String::new(),
        results: vec![SearchResult::default()],
        total: 0,
        suggestion: String::new(),
        popular: Some(vec![PopularLink::default()]),
        searched_as: Some(String::new()),
        results_language: Some(String::new()),
        support_first: Some(false),
        no_exact_answer: Some(false),
        busy: Some(false),
    };
    let redirect = RedirectPage {
        common: common(),
        redirect_to: "",
    };
    vec![
        ("index.html", value(&home)),
        ("section.html", value(&section)),
        ("article.html", value(&article)),
        ("tag.html", value(&tag)),
        ("tags.html", value(&tags)),
        ("search.html", value(&search)),
        ("404.html", value(&NotFoundPage { common: common() })),
        ("redirect.html", value(&redirect)),
    ]
}

/// A context as Tera gets it.
fn value<T: Serialize>(context: &T) -> Value {
    // Strings, numbers, bools and maps with string keys: nothing here can fail.
    serde_json::to_value(context).unwrap_or(Value::Null)
}

/// The names a context's value defines, as dotted paths (`article.faq.id`: a list's items'
/// fields are its own), without going into [`OPEN`] variables.
pub fn paths(context: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_paths(context, "", &mut out);
    out
}

fn collect_paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.push(path.clone());
                if !OPEN.contains(&path.as_str()) {
                    collect_paths(value, &path, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_paths(item, prefix, out);
            }
        }
        _ => {}
    }
}
