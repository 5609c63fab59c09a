//! `helpbook search`: the built index answers the way a shopper types.

use serde_json::Value;

use crate::harness::HelpCenter;

/// The demo, built, ready to search.
fn demo() -> HelpCenter {
    let hc = HelpCenter::demo();
    hc.build().success();
    hc
}

fn search(hc: &HelpCenter, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = hc.run(&all).success();
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn urls(response: &Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["url"].as_str().expect("url").to_string())
        .collect()
}

fn first_url(response: &Value) -> String {
    urls(response)
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no hits: {response}"))
}

#[test]
fn typos_and_unfinished_words_find_the_refund_articles() {
    let hc = demo();
    for query in ["refnd", "refudn", "refu", "refunded"] {
        let found = first_url(&search(&hc, &[query]));
        assert!(
            [
                "/returns/refund-policy/",
                "/returns/returns-faq/",
                "/returns/return-policy/"
            ]
            .iter()
            .any(|u| found.starts_with(u)),
            "{query} -> {found}"
        );
    }
}

#[test]
fn a_question_is_its_own_hit_with_a_deep_link() {
    let hc = demo();
    let response = search(&hc, &["how long does a refund take"]);
    assert_eq!(
        first_url(&response),
        "/returns/returns-faq/#how-long-does-a-refund-take"
    );
    assert_eq!(response["hits"][0]["kind"], "faq");
    assert_eq!(
        response["hits"][0]["title"],
        "Returns and refunds: frequently asked questions"
    );
    let hits = urls(&response);
    let articles: Vec<&str> = hits
        .iter()
        .map(|u| u.split('#').next().unwrap_or_default())
        .collect();
    let mut unique = articles.clone();
    unique.dedup();
    assert_eq!(
        articles.len(),
        unique.len(),
        "one hit per article: {hits:?}"
    );
}

#[test]
fn russian_stems_and_language_filter() {
    let hc = demo();
    let response = search(&hc, &["возвратом", "--lang", "ru"]);
    let hits = urls(&response);
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|u| u.starts_with("/ru/")), "{hits:?}");
    assert!(
        response["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["lang"] == "ru")
    );
}

#[test]
fn another_language_answers_when_the_shoppers_has_nothing() {
    let hc = demo();
    let response = search(&hc, &["возврат денег", "--lang", "en"]);
    assert_eq!(response["lang"], "ru", "{response}");
    assert!(
        first_url(&response).starts_with("/ru/returns/"),
        "{response}"
    );
}

#[test]
fn russian_on_the_english_layout_and_in_latin_letters() {
    let hc = demo();
    let layout = search(&hc, &["ljcnfdrf", "--lang", "ru"]);
    assert_eq!(layout["searched_as"], "доставка");
    assert!(first_url(&layout).starts_with("/ru/delivery/"), "{layout}");
    let translit = search(&hc, &["vozvrat deneg", "--lang", "ru"]);
    assert_eq!(translit["searched_as"], "возврат денег");
    assert!(
        first_url(&translit).starts_with("/ru/returns/"),
        "{translit}"
    );
}

#[test]
fn words_run_together_are_split() {
    let hc = demo();
    let response = search(&hc, &["giftcard"]);
    assert_eq!(response["searched_as"], "gift card");
    assert!(
        first_url(&response).starts_with("/payments/gift-cards/"),
        "{response}"
    );
}

#[test]
fn synonyms_from_book_toml() {
    let hc = demo();
    // The demo never says "reimbursement"; book.toml makes it a synonym of "refund".
    let found = first_url(&search(&hc, &["reimbursement"]));
    assert!(found.starts_with("/returns/"), "{found}");
}

#[test]
fn phrases_and_exclusions() {
    let hc = demo();
    assert!(first_url(&search(&hc, &["\"gift card\""])).starts_with("/payments/gift-cards/"));
    let all = urls(&search(&hc, &["refund", "--limit", "50"]));
    assert!(
        all.iter()
            .any(|u| u.starts_with("/payments/pay-with-klarna/")),
        "{all:?}"
    );
    let without = urls(&search(&hc, &["refund -klarna", "--limit", "50"]));
    assert!(!without.is_empty());
    assert!(
        without
            .iter()
            .all(|u| !u.starts_with("/payments/pay-with-klarna/")),
        "{without:?}"
    );
}

#[test]
fn query_syntax_is_plain_text() {
    let hc = demo();
    let plain = first_url(&search(&hc, &["refund policy"]));
    for query in [
        "title:refund policy*",
        "(refund) policy~",
        "\"refund policy",
        "refund* policy",
    ] {
        assert_eq!(first_url(&search(&hc, &[query])), plain, "{query}");
    }
}

#[test]
fn snippets_mark_matches_and_escape_everything_else() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/markup.md",
        "+++\ntitle = \"Pasted markup\"\n+++\n\nIf the page shows `<script>alert(1)</script>` text, the refund form broke.\n",
    );
    hc.build().success();
    let response = search(&hc, &["<script> refund"]);
    assert_eq!(response["query"], "<script> refund");
    let snippet = response["hits"][0]["snippet"].as_str().expect("snippet");
    assert!(snippet.contains("&lt;<mark>script</mark>&gt;"), "{snippet}");
    assert!(snippet.contains("<mark>refund</mark>"), "{snippet}");
    assert!(!snippet.contains("<script"), "{snippet}");
}

#[test]
fn nothing_found_suggests_a_known_word() {
    let hc = demo();
    let response = search(&hc, &["refnudd"]);
    assert_eq!(response["total"], 0);
    assert_eq!(response["suggestion"], "refund");
    let text = hc.run(&["search", "refnudd"]).success().stdout;
    assert!(text.contains("did you mean `refund`?"), "{text}");
}

#[test]
fn section_filter_and_limit() {
    let hc = demo();
    let response = search(&hc, &["parcel", "--section", "/returns/", "--limit", "2"]);
    let hits = urls(&response);
    assert_eq!(hits.len(), 2, "{response}");
    assert!(hits.iter().all(|u| u.starts_with("/returns/")), "{hits:?}");
    assert!(response["total"].as_u64().unwrap_or_default() >= 2);
}

#[test]
fn unknown_language_and_missing_index_say_what_to_do() {
    let hc = HelpCenter::minimal();
    let run = hc.run(&["search", "refund"]).failure();
    assert!(
        run.stderr.contains("run `helpbook build` first"),
        "{}",
        run.stderr
    );
    hc.build().success();
    let run = hc.run(&["search", "refund", "--lang", "de"]).failure();
    assert!(
        run.stderr
            .contains("unknown language `de`; this help center has en, ru"),
        "{}",
        run.stderr
    );
    // A damaged ranking file: refused with what to do, not misread.
    let ranking = hc.path("build/index/helpbook-ranking.bin");
    let bytes = std::fs::read(&ranking).expect("ranking file");
    std::fs::write(&ranking, &bytes[..bytes.len() - 1]).expect("cut short");
    let run = hc.run(&["search", "refund"]).failure();
    assert!(
        run.stderr.contains("helpbook-ranking.bin")
            && run.stderr.contains("run `helpbook build` again"),
        "{}",
        run.stderr
    );
    // An index written by an older helpbook (no hits or ranking file): say which file and
    // what to do.
    for file in ["helpbook-ranking.bin", "helpbook-hits.bin"] {
        std::fs::remove_file(hc.path(&format!("build/index/{file}"))).expect("remove");
        let run = hc.run(&["search", "refund"]).failure();
        assert!(
            run.stderr.contains(&format!("`{file}` is missing"))
                && run.stderr.contains("run `helpbook build` again")
                && !run.stderr.contains("cannot open the search index: cannot"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn pinned_answers_are_checked_by_check_and_build() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/exchange.md",
        "+++\ntitle = \"Exchanges\"\n+++\n\nSwap a size.\n",
    );
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\nlanguages = [\"ru\"]\n\n[[search.expect]]\nquery = \"refund\"\nurl = \"/returns/refund-policy/\"\n\n[[search.expect]]\nquery = \"refund\"\nurl = \"/returns/exchange/\"\ntop = 1\n",
    );
    let run = hc.check().failure();
    assert!(
        run.stderr.contains("book.toml:9:1: error: search for `refund` should find `/returns/exchange/` in the top 1, but does not find it (first result: `/returns/refund-policy/"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches(": error: ").count(),
        1,
        "the first expectation holds: {}",
        run.stderr
    );
    hc.build().failure();
}
