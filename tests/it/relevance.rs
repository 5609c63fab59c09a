//! Search quality on judged queries (`bench/relevance/`): recall@1, recall@5 and MRR@10,
//! printed and held above the floors measured when the set was written.

use std::collections::HashMap;
use std::path::Path;

use helpbook::search::{Engine, Request};
use serde::Deserialize;

use crate::harness::{HelpCenter, corpus, repo};

#[derive(Deserialize)]
struct Set {
    query: Vec<Judged>,
}

#[derive(Deserialize)]
struct Judged {
    q: String,
    lang: String,
    expect: Vec<String>,
    note: String,
}

#[derive(Debug, Default)]
struct Scores {
    queries: usize,
    at1: usize,
    at5: usize,
    reciprocal: f64,
}

impl Scores {
    /// Adds one query answered first at `rank` (0-based), or not in the first ten.
    fn count(&mut self, rank: Option<usize>) {
        self.queries += 1;
        if let Some(r) = rank {
            self.at1 += usize::from(r == 0);
            self.at5 += usize::from(r < 5);
            self.reciprocal += 1.0 / (r as f64 + 1.0);
        }
    }

    fn recall1(&self) -> f64 {
        self.at1 as f64 / self.queries as f64
    }
    fn recall5(&self) -> f64 {
        self.at5 as f64 / self.queries as f64
    }
    fn mrr(&self) -> f64 {
        self.reciprocal / self.queries as f64
    }

    /// Fails when any measure falls below its floor (recall@1, recall@5, MRR@10).
    #[track_caller]
    fn assert_at_least(&self, floor: (f64, f64, f64)) {
        let measured = (self.recall1(), self.recall5(), self.mrr());
        assert!(
            measured.0 >= floor.0 && measured.1 >= floor.1 && measured.2 >= floor.2,
            "relevance fell below its floor: measured {measured:.3?}, floor {floor:?}"
        );
    }
}

/// Builds `hc`, runs every judged query of `set` against its index and scores the ranks.
fn score(hc: &HelpCenter, set_name: &str) -> Scores {
    let set = set_name;
    hc.build().success();
    let text = std::fs::read_to_string(repo().join("bench/relevance").join(set)).expect("read set");
    let set: Set = toml::from_str(&text).expect("set parses");
    let urls = article_urls(hc.root());
    let engine = Engine::open(&hc.path("build/index")).expect("open index");
    let mut scores = Scores::default();
    let mut by_note: std::collections::BTreeMap<&str, Scores> = Default::default();
    let mut misses = Vec::new();
    for judged in &set.query {
        let expected: Vec<&str> = judged
            .expect
            .iter()
            .map(|path| {
                urls.get(path)
                    .unwrap_or_else(|| panic!("{path} is not an article"))
                    .as_str()
            })
            .collect();
        let response = engine
            .search(&Request {
                query: judged.q.clone(),
                lang: Some(judged.lang.clone()),
                section: None,
                limit: 10,
                offset: 0,
                explain: false,
            })
            .expect("search");
        let rank = response
            .hits
            .iter()
            .position(|hit| expected.contains(&hit.url.split('#').next().unwrap_or_default()));
        for scores in [&mut scores, by_note.entry(&judged.note).or_default()] {
            scores.count(rank);
        }
        match rank {
            Some(r) => {
                if r > 0 {
                    misses.push(format!("  #{} {:>12} {:?}", r + 1, judged.note, judged.q));
                }
            }
            None => misses.push(format!("  -- {:>12} {:?}", judged.note, judged.q)),
        }
    }
    let notes: Vec<String> = by_note
        .iter()
        .map(|(note, s)| {
            format!(
                "  {note:>12}: {:>3} queries, recall@1 {:.2}, recall@5 {:.2}, MRR@10 {:.3}",
                s.queries,
                s.recall1(),
                s.recall5(),
                s.mrr()
            )
        })
        .collect();
    eprintln!(
        "relevance {set_name}: {} queries, recall@1 {:.2}, recall@5 {:.2}, MRR@10 {:.3}\n{}\nnot first:\n{}",
        scores.queries,
        scores.recall1(),
        scores.recall5(),
        scores.mrr(),
        notes.join("\n"),
        misses.join("\n"),
    );
    scores
}

/// Content path -> URL for every article, from the library's own content model.
fn article_urls(root: &Path) -> HashMap<String, String> {
    let (config, _) = helpbook::config::Config::load(root).expect("book.toml");
    let diagnostics = helpbook::diag::Diagnostics::new();
    let site = helpbook::content::load(&config, &diagnostics);
    site.articles
        .iter()
        .map(|a| (a.content_path.clone(), a.url.clone()))
        .collect()
}

#[test]
fn relevance_on_the_demo_help_center() {
    let scores = score(&HelpCenter::demo(), "demo.toml");
    assert!(scores.queries >= 30);
    scores.assert_at_least(FLOOR_DEMO);
}

#[test]
fn relevance_on_the_arduino_help_center() {
    let Some(dir) = corpus("arduino-help-center") else {
        return;
    };
    let hc = HelpCenter::with_content(
        &dir.join("content"),
        "[book]\ntitle = \"Arduino Help Center\"\n",
    );
    // The broken anchors in its source would fail the build; they are dropped from those
    // links (the index, not the links, is what is measured here).
    replace_in_content(
        &hc,
        &[
            ("#use-the-partition-scheme-for-arduino-plc-ide-(legacy)", ""),
            (
                "#if-the-on-line--set-up-communications-and-on-line--connect-options-are-disabled",
                "",
            ),
        ],
    );
    let scores = score(&hc, "arduino.toml");
    scores.assert_at_least(FLOOR_ARDUINO);
}

#[test]
fn relevance_on_the_russian_billing_help_center() {
    let Some(dir) = corpus("ms-alchemy-insights-ru") else {
        return;
    };
    let hc = HelpCenter::with_content(
        &dir.join("AlchemyInsights"),
        "[book]\ntitle = \"Справка\"\nlanguage = \"ru\"\n",
    );
    let scores = score(&hc, "ms-alchemy-ru.toml");
    scores.assert_at_least(FLOOR_MS);
}

#[test]
fn relevance_on_the_spree_merchant_guide() {
    let Some(dir) = corpus("spree-user-docs") else {
        return;
    };
    let hc = HelpCenter::with_content(
        &dir.join("docs/user"),
        "[book]\ntitle = \"Spree Commerce user guide\"\n",
    );
    // Its links into the parts of Spree's docs not in the corpus go to the live site instead,
    // and its one anchor off by one in the source is dropped: the build must succeed.
    replace_in_content(
        &hc,
        &[
            ("](/", "](https://spreecommerce.org/"),
            ("#2-create-a-wholesale-price-list", ""),
        ],
    );
    let scores = score(&hc, "spree.toml");
    assert!(scores.queries >= 20);
    scores.assert_at_least(FLOOR_SPREE);
}

/// Replaces text in every file of the help center's content (the same fixes as
/// `bench/relevance/prepare.py` makes for the comparison with other tools).
fn replace_in_content(hc: &HelpCenter, fixes: &[(&str, &str)]) {
    for file in crate::harness::walk(&hc.path("content")) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let fixed = fixes
            .iter()
            .fold(text.clone(), |text, (old, new)| text.replace(old, new));
        if fixed != text {
            std::fs::write(&file, fixed).expect("write");
        }
    }
}

// (recall@1, recall@5, MRR@10) floors: a little under what was measured, so that a ranking
// change that loses answers fails here. Raise them when search gets better.
// Measured 2026-11-23 (articles ranked from the ranking file): demo 0.86 / 0.98 / 0.918,
// Arduino 0.67 / 0.83 / 0.749, Russian billing 0.38 / 0.69 / 0.529 (many near-duplicate cards;
// see bench/relevance/README.md). Measured 2026-12-06: Spree merchant guide 0.65 / 0.80 / 0.725
// (every miss is a query in the merchant's own words); then, with the articles holding some of
// the words after those holding most, Arduino 0.67 / 0.87 / 0.758 and Spree 0.65 / 0.85 / 0.750.
// 2026-12-07 the sets grew to 255 queries, 164 of them questions or in the shopper's own words:
// the search before this date scored demo 0.65 / 0.84 / 0.733, Arduino 0.53 / 0.82 / 0.645,
// Russian billing 0.35 / 0.57 / 0.473, Spree 0.55 / 0.80 / 0.663 on them; with the shopper
// vocabulary, keywords and plausible fallbacks, demo 0.77 / 0.92 / 0.836, Arduino
// 0.55 / 0.85 / 0.672, Russian billing 0.37 / 0.63 / 0.494, Spree 0.62 / 0.85 / 0.726; then,
// with synonyms ranking in titles and headings, phrasings passing over stop words and requests
// for a person searching the contact pages only, demo 0.82 / 0.92 / 0.865, Arduino
// 0.55 / 0.85 / 0.667, Russian billing 0.39 / 0.63 / 0.507, Spree 0.60 / 0.85 / 0.713; then,
// with intents answered in another language when the shopper's has no article about them,
// demo 0.88 / 0.97 / 0.917 and Russian billing 0.41 / 0.65 / 0.526; with compounds of авто-
// and само-, Russian billing 0.43 / 0.65 / 0.540; with more ways of asking about delivery
// times, returns and sizes, demo 0.94 / 0.97 / 0.951 and Arduino 0.56 / 0.85 / 0.676; with a
// request for a person also answered in another language, demo 0.96 / 0.98 / 0.972.
const FLOOR_DEMO: (f64, f64, f64) = (0.92, 0.95, 0.94);
const FLOOR_ARDUINO: (f64, f64, f64) = (0.52, 0.82, 0.65);
const FLOOR_MS: (f64, f64, f64) = (0.40, 0.61, 0.51);
const FLOOR_SPREE: (f64, f64, f64) = (0.58, 0.80, 0.69);
