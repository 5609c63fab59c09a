//! The query path, text -> answer, on the demo help center (and one article of awkward text)
//! built once into a temp folder: any text a shopper can send (1 to 256 characters: unicode,
//! control characters, very long words, operators, mixed scripts) with any language,
//! section, limit and offset the API lets through is answered, never an error; a page holds
//! at most `limit` articles, each once, in the answer's language and the section asked for;
//! the same request gets the same answer; pages follow on from one another; and snippets are
//! the article's own text, escaped, with `<mark>` around matches and nothing else.

use std::collections::{BTreeSet, HashMap};

use helpbook::build::{self, BuildOptions, Silent};
use helpbook::config::Config;
use helpbook::content;
use helpbook::diag::Diagnostics;
use helpbook::markdown::{self, Labels, RenderOptions, Resolution, Resolve};
use helpbook::search::{Engine, Request, Response};
use helpbook::theme::Theme;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::harness::HelpCenter;

/// An article whose text is everything a snippet must escape or cut well.
const AWKWARD: &str = r#"+++
title = "Awkward <script>alert(1)</script> & \"quotes\" — Заказ tellimus"
description = "Angle <b>brackets</b> & ampersands &amp; entities in an order"
tags = ["awkward"]
+++

A refund < 14 days & a parcel > 2 kg, <kbd>Ctrl</kbd>, `code <i>`, and &lt;script&gt; as text.

## Very long words

Order Supercalifragilisticexpialidocious_refund_parcel_delivery_tracking_number_that_never_ends_and_goes_on_and_on_well_past_any_sensible_length_for_a_word_in_a_help_center_article_about_orders_and_more_orders_and_even_more_orders_until_the_tokenizer_gives_up_0123456789 here.

## Mixed scripts

Заказ order tellimus 注文 طلب — ёлка Ёлка ÕUN õun straße STRASSE ﬁle İstanbul Ǆ ﬀ. Refund…
"#;

/// The demo help center, built, with each article's text as a snippet may quote it.
struct Demo {
    /// Holds the temp folder for as long as the index is open.
    _folder: HelpCenter,
    engine: Engine,
    languages: Vec<String>,
    /// Article URL -> its description and text, each run of spaces one space.
    texts: HashMap<String, String>,
}

/// Links are left as written: only the words of the text matter here.
struct AsWritten;

impl Resolve for AsWritten {
    fn resolve(&self, _dest: &str, _is_image: bool) -> Resolution {
        Resolution::Keep
    }
}

/// The theme's words for what Markdown writes itself, as the build takes them.
fn theme_labels(theme: &Theme, lang: &str) -> Labels {
    let strings = theme.strings(lang);
    Labels::from_strings(|key| strings.get(key).and_then(|v| v.as_str()))
}

fn one_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Demo {
    fn build() -> Demo {
        let folder = HelpCenter::demo();
        folder.write("content/orders/awkward-text.md", AWKWARD);
        let options = BuildOptions {
            out: None,
            include_drafts: false,
            dry_run: false,
        };
        let report = build::run(folder.root(), &options, &Silent).expect("the demo builds");
        assert!(!report.has_errors(), "{:?}", report.diagnostics);
        let engine = Engine::open(&folder.path("build/index")).expect("the index opens");
        let (config, _) = Config::load(folder.root()).expect("book.toml");
        let site = content::load(&config, &Diagnostics::new());
        let theme = Theme::load(&config).expect("the default theme loads");
        let texts = site
            .articles
            .iter()
            .map(|article| {
                let options = RenderOptions {
                    kind: article.kind,
                    title: &article.title,
                    labels: &theme_labels(&theme, &article.lang),
                    mdx: article.source.path.ends_with(".mdx"),
                };
                let rendered = markdown::render(article.source.body(), options, &AsWritten);
                let text = one_space(&format!("{} {}", article.description, rendered.text));
                (article.url.clone(), text)
            })
            .collect();
        Demo {
            languages: engine.languages().to_vec(),
            engine,
            texts,
            _folder: folder,
        }
    }

    fn search(&self, request: &Request) -> Result<Response, TestCaseError> {
        self.engine
            .search(request)
            .map_err(|e| TestCaseError::fail(format!("{request:?} failed: {e}")))
    }
}

// ---- requests ----------------------------------------------------------------------------

fn query() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        6 => prop::sample::select(vec![
            "refund", "refnd", "where is my order", "где мой заказ", "tellimus", "ljcnfdrf",
            "dostavka", "talk to a human", "money back", "parcel", "Refund?", "return item",
            "заказ", "возврат", "tagastus", "kohaletoimetamine", "the", "a", "и", "ja",
            "ß", "İ", "ﬁ", "ё", "Ǆ", "注文", "طلب", "😀", "awkward", "Supercalifragilistic",
        ]).prop_map(str::to_string),
        3 => prop::sample::select(vec![
            "\"", "\"money back\"", "-refund", "+refund", "refund*", "title:refund",
            "tags:awkward", "AND", "OR", "NOT", "(", ")", "[", "]", "{", "}", "~", "^2", "\\",
            "'", "*", "?", ":", "/", "<script>", "&amp;", "%20", "--", "-", "||", "&&",
            "\"\"", "\"unclosed", "refund~2", "*:*",
        ]).prop_map(str::to_string),
        3 => "[a-zа-яõäöü]{1,12}",
        1 => "[A-Za-zА-я]{30,260}",
        1 => vec(any::<char>(), 1..20).prop_map(|chars| chars.into_iter().collect()),
        1 => "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{200b}-\\u{200f}\\u{feff}]{1,4}",
    ];
    (
        vec(part, 1..10),
        prop::sample::select(vec![" ", " ", " ", "", "  ", "\t", "-", "\n"]),
    )
        .prop_map(|(parts, separator)| {
            let query: String = parts.join(separator).chars().take(256).collect();
            if query.is_empty() {
                "?".to_string()
            } else {
                query
            }
        })
}

fn lang() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec!["en", "ru", "et"]).prop_map(str::to_string))
}

fn section() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        3 => prop::sample::select(vec!["/returns/", "/orders/", "/ru/delivery/", "/nope/", "returns"])
            .prop_map(str::to_string),
        1 => "[^\\s]{1,20}",
    ])
}

/// A request as the API lets it through: `limit` 1..=50, `offset` 0..=1000.
fn request() -> impl Strategy<Value = Request> {
    (
        query(),
        lang(),
        section(),
        1..=50usize,
        prop_oneof![3 => Just(0usize), 1 => 0..=1000usize],
    )
        .prop_map(|(query, lang, section, limit, offset)| Request {
            query,
            lang,
            section,
            limit,
            offset,
            explain: false,
        })
}

// ---- what an answer must be --------------------------------------------------------------

/// A snippet is escaped text with `<mark>` around matches: marks closed and never nested,
/// no other tag, every `&` an entity; unescaped, each stretch between `…` is the article's.
fn check_snippet(snippet: &str, text: &str) -> Result<(), TestCaseError> {
    let mut escaped = String::new();
    let mut open = false;
    let mut rest = snippet;
    while let Some(at) = rest.find('<') {
        escaped.push_str(&rest[..at]);
        rest = &rest[at..];
        if let (false, Some(after)) = (open, rest.strip_prefix("<mark>")) {
            open = true;
            rest = after;
        } else if let (true, Some(after)) = (open, rest.strip_prefix("</mark>")) {
            open = false;
            rest = after;
        } else {
            return Err(TestCaseError::fail(format!(
                "a stray `<` in snippet {snippet:?}"
            )));
        }
    }
    escaped.push_str(rest);
    prop_assert!(!open, "an unclosed <mark> in snippet {:?}", snippet);
    prop_assert!(
        !escaped.contains('>'),
        "an unescaped `>` in snippet {:?}",
        snippet
    );
    let mut plain = String::new();
    let mut rest = escaped.as_str();
    while let Some(at) = rest.find('&') {
        plain.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
            .into_iter()
            .find(|e| rest.starts_with(e));
        let Some(entity) = entity else {
            return Err(TestCaseError::fail(format!(
                "a bare `&` in snippet {snippet:?}"
            )));
        };
        plain.push(match entity {
            "&amp;" => '&',
            "&lt;" => '<',
            "&gt;" => '>',
            "&quot;" => '"',
            _ => '\'',
        });
        rest = &rest[entity.len()..];
    }
    plain.push_str(rest);
    for stretch in plain.split('…').map(one_space).filter(|s| !s.is_empty()) {
        prop_assert!(
            text.contains(&stretch),
            "snippet {:?} quotes {:?}, which is not in the article's text",
            snippet,
            stretch
        );
    }
    Ok(())
}

fn check_answer(demo: &Demo, request: &Request, response: &Response) -> Result<(), TestCaseError> {
    let hits = &response.hits;
    prop_assert!(
        hits.len() <= request.limit,
        "{} hits over limit {}",
        hits.len(),
        request.limit
    );
    prop_assert!(
        hits.is_empty() || request.offset + hits.len() <= response.total,
        "hits {}..{} of a total of {}",
        request.offset,
        request.offset + hits.len(),
        response.total
    );
    prop_assert!(
        demo.languages.contains(&response.lang),
        "answered in {}",
        response.lang
    );
    let mut articles = BTreeSet::new();
    for hit in hits {
        let article = hit.url.split('#').next().unwrap_or_default();
        prop_assert!(
            articles.insert(article.to_string()),
            "{} is on the page twice",
            article
        );
        prop_assert_eq!(&*hit.lang, response.lang.as_str(), "{:?}", hit);
        prop_assert!(hit.score.is_finite(), "{:?}", hit);
        if let Some(section) = &request.section {
            prop_assert!(
                hit.url.starts_with(section.as_str()),
                "{} is not in {}",
                hit.url,
                section
            );
        }
        let text = demo.texts.get(article);
        prop_assert!(text.is_some(), "{} is not an article", article);
        check_snippet(&hit.snippet, text.map_or("", String::as_str))?;
    }
    Ok(())
}

/// The properties share one index: it is built once, and its folder removed after them.
#[test]
fn any_search_is_answered() {
    let demo = Demo::build();

    // Any request is answered, the same way every time, within its limits.
    proptest!(super::cases(256), |(request in request())| {
        let response = demo.search(&request)?;
        check_answer(&demo, &request, &response)?;
        let again = demo.search(&request)?;
        prop_assert_eq!(&again, &response, "the same request answered differently");
    });

    // Pages follow on from one another: page two starts where page one ended.
    proptest!(super::cases(64), |(
        request in request(),
        offset in 0..20usize,
        limit in 1..=20usize,
    )| {
        let first = Request { offset: 0, limit: offset + limit, ..request.clone() };
        let page = Request { offset, limit, ..request };
        let (all, page_answer) = (demo.search(&first)?, demo.search(&page)?);
        let expected: Vec<&str> = all.hits.iter().skip(offset).map(|h| &*h.url).collect();
        let found: Vec<&str> = page_answer.hits.iter().map(|h| &*h.url).collect();
        prop_assert_eq!(found, expected, "page {}..{}", offset, offset + limit);
        prop_assert_eq!(page_answer.total, all.total);
    });

    // Explaining the hits (`helpbook search --explain`) does not change them.
    proptest!(super::cases(64), |(request in request())| {
        let plain = demo.search(&request)?;
        let explained = demo.search(&Request { explain: true, ..request })?;
        let urls = |r: &Response| r.hits.iter().map(|h| h.url.to_string()).collect::<Vec<_>>();
        prop_assert_eq!(urls(&explained), urls(&plain));
        prop_assert_eq!(explained.total, plain.total);
    });
}
