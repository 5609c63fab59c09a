use super::*;
use crate::search::answer::bitset::for_each_set;
use crate::search::{Document, write_index};

/// 40 articles of 4 documents each (its own and three sections), words spread unevenly.
fn engine() -> Engine {
    let words = [
        "refund", "card", "parcel", "order", "return", "delivery", "invoice",
    ];
    let mut documents = Vec::new();
    for a in 0..40 {
        let url = format!("/a{a}/");
        for s in 0..4 {
            let text: Vec<&str> = (0..12)
                .map(|i| words[(a * 7 + s * 3 + i * i) % 7])
                .collect();
            documents.push(Document {
                url: if s == 0 {
                    url.clone()
                } else {
                    format!("{url}#s{s}")
                },
                article_url: url.as_str().into(),
                lang: "en".into(),
                title: format!("Article {a} about {}", words[a % 7]).into(),
                heading: if s == 0 {
                    String::new()
                } else {
                    words[(a + s) % 7].into()
                },
                text: text.join(" "),
                ..Document::default()
            });
        }
    }
    let settings = Settings {
        languages: vec!["en".into()],
        ..Settings::default()
    };
    let (index, stats) = write_index(None, &documents, &settings).expect("index");
    Engine::from_index(index, settings, stats).expect("engine")
}

fn built(engine: &Engine, query: &str) -> Built {
    let parsed = query::parse(&format!("{query} "));
    query::build(
        &parsed,
        &engine.building("en", &Analyzer::for_lang("en"), false),
        &engine.fields,
        &query::Expander::new(&engine.lexicon),
    )
    .expect("a query")
}

#[test]
fn the_best_articles_are_the_top_of_all_matching_articles_sorted() {
    let engine = engine();
    for (query, needed) in [
        ("refund card", 2),
        ("parcel", 1),
        ("invoice order delivery", 2),
    ] {
        let built = built(&engine, query);
        let lists = Lists::new(&engine.ranking);
        let matching = matching_articles(
            &engine.searcher,
            &engine.fields,
            &engine.articles,
            &lists,
            &Requirements {
                clauses: &built.clauses,
                needed,
                phrases: &[],
                excluded: &built.excluded,
                in_lang: &engine.in_lang["en"],
                section: None,
            },
        )
        .expect("matching")
        .most;
        let mut all = best_articles(&lists, &built.ranking, &matching, 1000);
        let mut count = 0;
        for_each_set(&matching, |_| count += 1);
        assert!(count > 10, "{query}: too few to compare");
        assert_eq!(all.len(), count, "{query}: every matching article, once");
        all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article)));
        for wanted in [1, 3, 10] {
            let best = best_articles(&lists, &built.ranking, &matching, wanted);
            assert_eq!(best, all[..wanted], "{query}, top {wanted}");
        }
    }
}

#[test]
fn a_found_article_links_to_the_section_whose_heading_answers() {
    let engine = engine();
    let response = engine
        .search(&Request {
            query: "invoice ".into(),
            limit: 50,
            ..Request::default()
        })
        .expect("search");
    // Article 3's sections are headed (3 + s) % 7: section 3 is "invoice" (word 6).
    let a3: Vec<&str> = response
        .hits
        .iter()
        .map(|hit| &*hit.url)
        .filter(|url| url.starts_with("/a3/"))
        .collect();
    assert_eq!(a3, ["/a3/#s3"]);
}

#[test]
fn with_no_heading_answering_a_hit_links_to_the_text_that_does() {
    let engine = engine();
    let built = built(&engine, "invoice");
    let anchors = best_sections(
        &engine.searcher,
        engine.ranking.id(),
        &engine.sections,
        &engine.hit_of,
        &built.anchors,
        &[3, 6],
        &Lists::new(&engine.ranking),
    )
    .expect("anchors");
    let urls: Vec<String> = anchors
        .into_iter()
        .map(|address| {
            let address = address.expect("an anchor");
            let n = engine.hit_of[address.segment_ord as usize][address.doc_id as usize];
            engine.hits.get(n as usize).expect("record").url.to_string()
        })
        .collect();
    // Article 6's title is about "invoice" (6 % 7) but no heading is; its own text never
    // says it, section 2 twice and section 3 three times (text word i is (3s + i²) % 7).
    assert_eq!(urls, ["/a3/#s3", "/a6/#s3"]);
}

#[test]
fn of_two_sections_that_answer_alike_the_hit_links_to_the_first() {
    // Forty articles of two sections with the same heading and text: which section the
    // index holds first depends on the writer's threads, the answer must not.
    let mut documents = Vec::new();
    for a in 0..40 {
        let url = format!("/a{a}/");
        for section in ["first", "second"] {
            documents.push(Document {
                url: format!("{url}#{section}"),
                article_url: url.as_str().into(),
                lang: "en".into(),
                title: format!("Article {a}").into(),
                heading: "Details".into(),
                text: "Refunds reach your card within five days.".into(),
                ..Document::default()
            });
        }
        documents.push(Document {
            url: url.clone(),
            article_url: url.as_str().into(),
            lang: "en".into(),
            title: format!("Article {a}").into(),
            text: "About this article.".into(),
            ..Document::default()
        });
    }
    let settings = Settings {
        languages: vec!["en".into()],
        ..Settings::default()
    };
    let (index, stats) = write_index(None, &documents, &settings).expect("index");
    let engine = Engine::from_index(index, settings, stats).expect("engine");
    let response = engine
        .search(&Request {
            query: "card within five days".into(),
            limit: 40,
            ..Request::default()
        })
        .expect("search");
    assert_eq!(response.hits.len(), 40);
    for hit in &response.hits {
        assert!(hit.url.ends_with("#first"), "{}", hit.url);
    }
    assert!(Ranked::new(1.5, 3) > Ranked::new(1.5, 4));
    assert!(Ranked::new(1.6, 4) > Ranked::new(1.5, 3));
}

/// An engine over one-document articles, `(url, title, text)`.
fn engine_of(articles: &[(&str, &str, &str)]) -> Engine {
    let documents: Vec<Document> = articles
        .iter()
        .map(|(url, title, text)| Document {
            url: (*url).into(),
            article_url: (*url).into(),
            lang: "en".into(),
            title: (*title).into(),
            text: (*text).into(),
            ..Document::default()
        })
        .collect();
    let settings = Settings {
        languages: vec!["en".into()],
        ..Settings::default()
    };
    let (index, stats) = write_index(None, &documents, &settings).expect("index");
    Engine::from_index(index, settings, stats).expect("engine")
}

#[test]
fn a_phrase_of_words_too_many_articles_hold_is_searched_as_its_words() {
    // 600 articles say "card" and "order", ten of them as the phrase "card order".
    let articles: Vec<(String, String, String)> = (0..600)
        .map(|n| {
            let text = match n % 60 {
                0 => "pay the card order now",
                _ => "the order was paid by card",
            };
            (format!("/a{n}/"), format!("Article {n}"), text.to_string())
        })
        .collect();
    let borrowed: Vec<(&str, &str, &str)> = articles
        .iter()
        .map(|(u, t, x)| (u.as_str(), t.as_str(), x.as_str()))
        .collect();
    let engine = engine_of(&borrowed);
    let search = |query: &str| {
        engine
            .search(&Request {
                query: query.into(),
                limit: 10,
                ..Request::default()
            })
            .expect("search")
    };
    // Beyond the budget: every article with both words, and the answer says it is partial.
    let loose = search("\"card order\"");
    assert!(loose.partial);
    assert_eq!(loose.total, 600);
    // A phrase with a rarer word is checked as a phrase.
    let rare = search("\"pay the card\"");
    assert!(!rare.partial);
    assert_eq!(rare.total, 10);
}

#[test]
fn articles_with_some_of_the_words_follow_the_few_with_all_of_them() {
    let engine = engine_of(&[
        (
            "/checkout/",
            "Checkout",
            "Vendors who move from Shopify keep their checkout.",
        ),
        (
            "/migrate/",
            "Migrate from Shopify",
            "Bring your Shopify products and customers.",
        ),
        ("/stock/", "Stock levels", "Move stock between warehouses."),
        ("/tax/", "Taxes", "Set up tax rates for your zones."),
    ]);
    let search = |query: &str, limit: usize, offset: usize| {
        engine
            .search(&Request {
                query: query.into(),
                limit,
                offset,
                ..Request::default()
            })
            .expect("search")
    };
    let urls = |response: &Response| -> Vec<String> {
        response.hits.iter().map(|h| h.url.to_string()).collect()
    };
    // The one article with both words first; then those with one, best first; never one
    // with neither. The total counts them all, and the next page goes on where this ends.
    let found = search("move shopify", 10, 0);
    assert_eq!(urls(&found), ["/checkout/", "/migrate/", "/stock/"]);
    assert_eq!(found.total, 3);
    assert_eq!(urls(&search("move shopify", 1, 1)), ["/migrate/"]);
    assert_eq!(
        urls(&search("move shopify", 2, 1)),
        ["/migrate/", "/stock/"]
    );
    // A page filled by articles with every word takes no others.
    assert_eq!(urls(&search("shopify", 10, 0)), ["/migrate/", "/checkout/"]);
}
