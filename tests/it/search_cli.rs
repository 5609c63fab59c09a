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
fn a_phrasing_typed_beside_its_meaning_is_marked_once() {
    // Both book.toml's synonyms and the built-in vocabulary read `money back` as refund:
    // the phrase came twice, and marking it twice cut the snippet mid-text (a panic).
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\n\n[search]\nsynonyms = [[\"refund\", \"money back\"]]\n",
    );
    hc.write(
        "content/returns/refunds.md",
        "+++\ntitle = \"Refunds\"\n+++\n\nAsk for a refund and get your money back within 14 days.\n",
    );
    hc.build().success();
    let response = search(&hc, &["refund money back"]);
    let hits = response["hits"].as_array().expect("hits");
    let hit = hits
        .iter()
        .find(|hit| hit["url"] == "/returns/refunds/")
        .unwrap_or_else(|| panic!("no hit for the article: {response}"));
    let snippet = hit["snippet"].as_str().expect("snippet");
    assert!(snippet.contains("<mark>money back</mark>"), "{snippet}");
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
            && run.stderr.contains("rebuild it with `helpbook build`"),
        "{}",
        run.stderr
    );
    // A file gone: say which file and what to do.
    for file in ["helpbook-ranking.bin", "helpbook-hits.bin"] {
        std::fs::remove_file(hc.path(&format!("build/index/{file}"))).expect("remove");
        let run = hc.run(&["search", "refund"]).failure();
        assert!(
            run.stderr.contains(&format!("`{file}` is missing"))
                && run.stderr.contains("rebuild it with `helpbook build`")
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

/// The hits' languages, each once, in order.
fn languages(response: &Value) -> Vec<String> {
    let mut langs: Vec<String> = Vec::new();
    for hit in response["hits"].as_array().expect("hits") {
        let lang = hit["lang"].as_str().expect("lang").to_string();
        if !langs.contains(&lang) {
            langs.push(lang);
        }
    }
    langs
}

#[test]
fn an_english_question_is_never_read_as_russian_issue_15() {
    let hc = demo();
    // Read as Russian in Latin letters these were `вхере ис мы стуфф` (which found "мы") and
    // on the other keyboard layout `ефдл ещ ф ргьфт` (which found "ещё").
    for query in [
        "where is my stuff",
        "talk to a human",
        "what is this",
        "hello there",
    ] {
        let response = search(&hc, &[query]);
        assert_eq!(response["searched_as"], Value::Null, "{query}: {response}");
        assert!(
            languages(&response).iter().all(|l| l == "en"),
            "{query}: {response}"
        );
    }
}

#[test]
fn only_stop_words_get_the_zero_result_answer() {
    let hc = demo();
    for (query, lang) in [("where is my", "en"), ("how do i", "en"), ("где мой", "ru")] {
        let response = search(&hc, &[query, "--lang", lang]);
        assert_eq!(response["total"], 0, "{query}: {response}");
        assert!(
            !response["popular"].as_array().expect("popular").is_empty(),
            "{query}: popular articles offered: {response}"
        );
        assert_eq!(response["support"]["email"], "help@kask.example", "{query}");
    }
}

#[test]
fn shoppers_questions_reach_the_article_that_answers_them() {
    let hc = demo();
    for (query, lang, answer) in [
        ("where is my parcel", "en", "/orders/track-your-order/"),
        ("where is my order", "en", "/orders/track-your-order/"),
        ("wheres my pakage", "en", "/orders/track-your-order/"),
        (
            "my parcel has not arrived",
            "en",
            "/orders/track-your-order/",
        ),
        ("где моя посылка", "ru", "/ru/orders/track-your-order/"),
        ("kus on minu pakk", "et", "/et/orders/track-your-order/"),
    ] {
        let response = search(&hc, &[query, "--lang", lang]);
        assert_eq!(first_url(&response), answer, "{query}: {response}");
    }
}

#[test]
fn a_question_no_article_in_the_shoppers_language_is_about_is_answered_in_another() {
    let hc = demo();
    // Only English says how to delete an account, reset a password from Estonian or report a
    // damaged item: the vocabulary's intent, in English words, finds it there.
    for (query, lang, answer, meaning) in [
        (
            "как удалить аккаунт",
            "ru",
            "/account/delete-your-account/",
            "delete account",
        ),
        (
            "kuidas uut parooli saada",
            "et",
            "/account/reset-your-password/",
            "reset password",
        ),
        (
            "toode saabus katkisena",
            "et",
            "/orders/damaged-item/",
            "damaged item",
        ),
    ] {
        let response = search(&hc, &[query, "--lang", lang]);
        assert_eq!(response["lang"], "en", "{query}: {response}");
        assert_eq!(response["searched_as"], meaning, "{query}: {response}");
        assert_eq!(first_url(&response), answer, "{query}: {response}");
    }
    let text = hc
        .run(&["search", "--lang", "ru", "как удалить аккаунт"])
        .success()
        .stdout;
    assert!(
        text.starts_with("No article in `ru` answers this; answers in `en`, for `delete account`"),
        "{text}"
    );
    // --explain says how the question was read.
    let response = search(&hc, &["как удалить аккаунт", "--lang", "ru", "--explain"]);
    let reading = response["hits"][0]["explain"]["reading"]
        .as_str()
        .unwrap_or_default();
    assert!(reading.contains("`delete account`"), "{response}");
    assert!(reading.contains("in en"), "{response}");
    // Where the shopper's language has an article about it, that article answers.
    let response = search(&hc, &["где моя посылка", "--lang", "ru"]);
    assert_eq!(response["lang"], "ru", "{response}");
    assert_eq!(first_url(&response), "/ru/orders/track-your-order/");
}

#[test]
fn the_vocabulary_answers_ways_of_asking_no_judged_set_has() {
    let hc = demo();
    // None of these is in bench/relevance/: each is another wording of a phrasing.
    for (query, lang, answer) in [
        (
            "how many weeks until my package arrives",
            "en",
            "/delivery/delivery-options-and-times/",
        ),
        (
            "can i send them back",
            "en",
            "/returns/how-to-return-an-item/",
        ),
        (
            "сколько времени едет заказ",
            "ru",
            "/ru/delivery/delivery-faq/",
        ),
        (
            "tellimus pole kohale jõudnud",
            "et",
            "/et/orders/track-your-order/",
        ),
        (
            "хочу удалить профиль",
            "ru",
            "/account/delete-your-account/",
        ),
        (
            "kuidas kontot kustutada",
            "et",
            "/account/delete-your-account/",
        ),
        ("оплата не проходит", "ru", "/payments/failed-payment/"),
        ("unustasin parooli", "et", "/account/reset-your-password/"),
    ] {
        let response = search(&hc, &[query, "--lang", lang]);
        let first = first_url(&response);
        assert_eq!(first.split('#').next(), Some(answer), "{query}: {response}");
    }
}

#[test]
fn asking_for_a_person_puts_the_support_contact_first() {
    let hc = demo();
    for (query, lang) in [
        ("talk to a human", "en"),
        ("оператор", "ru"),
        ("klienditeenindus", "et"),
    ] {
        let response = search(&hc, &[query, "--lang", lang]);
        assert_eq!(response["support_first"], true, "{query}: {response}");
        assert_eq!(response["support"]["phone"], "+372 600 0000", "{query}");
    }
    let text = hc.run(&["search", "talk to a human"]).success().stdout;
    assert!(
        text.starts_with("Contact support: help@kask.example, +372 600 0000"),
        "{text}"
    );
    // Asking for a person names no topic: the hits under the contact are the pages that
    // say how to reach the shop, not the question about "someone else" collecting a parcel.
    let response = search(&hc, &["speak to someone"]);
    assert_eq!(response["support_first"], true, "{response}");
    assert!(
        first_url(&response).starts_with("/orders/orders-faq/"),
        "{response}"
    );
    // Words of another question do not ask for a person.
    let response = search(&hc, &["can someone else collect my parcel"]);
    assert_eq!(response.get("support_first"), None, "{response}");
}

/// A help center of three short articles about packaging, lockers and tracking.
fn shop(book_extra: &str) -> HelpCenter {
    let hc = HelpCenter::empty();
    hc.write(
        "book.toml",
        &format!("[book]\ntitle = \"Shop\"\n\n[search]\n{book_extra}\n"),
    );
    hc.write(
        "content/orders/packaging.md",
        "+++\ntitle = \"Our packaging\"\n+++\n\nWe pack every order in recycled paper.\n",
    );
    hc.write(
        "content/orders/lockers.md",
        "+++\ntitle = \"Omniva lockers\"\nkeywords = [\"parcel machine\"]\n+++\n\nCollect your order with the code from the SMS.\n",
    );
    hc.write(
        "content/orders/track.md",
        "+++\ntitle = \"Track your parcel\"\n+++\n\nEvery parcel leaves the warehouse the same day.\n",
    );
    hc
}

#[test]
fn the_vocabulary_can_be_switched_off_and_added_to() {
    let on = shop("");
    on.build().success();
    assert_eq!(
        first_url(&search(&on, &["where is my stuff"])),
        "/orders/track/",
        "the built-in vocabulary reads it as a question about tracking"
    );
    let off = shop(
        "vocabulary = false\n\n[[search.phrasing]]\nasks = [\"gift wrap|wrapping\"]\nmeans = [\"packaging\"]\nintent = \"gift-wrap\"\n",
    );
    off.build().success();
    assert_eq!(search(&off, &["where is my stuff"])["total"], 0);
    assert_eq!(
        first_url(&search(&off, &["gift wrapping"])),
        "/orders/packaging/"
    );
}

#[test]
fn a_writers_keyword_answers_in_the_shoppers_words() {
    let hc = shop("");
    hc.build().success();
    // "parcel" is in another article's title; "machine" is nowhere but the keyword.
    assert_eq!(
        first_url(&search(&hc, &["parcel machine"])),
        "/orders/lockers/"
    );
}

#[test]
fn a_faq_question_declares_its_own_keywords_in_a_comment() {
    let hc = shop("");
    hc.write(
        "content/orders/faq.md",
        "+++\ntitle = \"Orders FAQ\"\nkind = \"faq\"\n+++\n\n## Can I pay on delivery?\n\nNo, every order is paid online.\n\n## What if nobody is home?\n\n<!-- keywords: missed the courier, not at home -->\n\nThe courier leaves a note and tries again the next day.\n",
    );
    hc.build().success();
    // "missed" and "courier" are together only in the second question's keywords.
    let response = search(&hc, &["missed the courier"]);
    assert_eq!(
        first_url(&response),
        "/orders/faq/#what-if-nobody-is-home",
        "{response}"
    );
    // The comment is not part of the answer shoppers read.
    let page = hc.read("build/site/orders/faq/index.html");
    assert!(!page.contains("keywords:"), "{page}");
    assert!(page.contains("The courier leaves a note"), "{page}");
}

#[test]
fn a_keyword_claimed_by_two_articles_is_reported() {
    let hc = shop("");
    hc.write(
        "content/orders/track.md",
        "+++\ntitle = \"Track your parcel\"\nkeywords = [\"parcel tracking\", \"Parcel machine\"]\n+++\n\nEvery parcel leaves the warehouse the same day.\n",
    );
    let run = hc.check();
    assert!(
        run.stderr.contains(
            "content/orders/track.md:3:1: warning: keyword `Parcel machine` is also a keyword of `content/orders/lockers.md`"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_phrasing_without_meaning_is_an_error_naming_its_line() {
    let hc = shop("\n[[search.phrasing]]\nasks = [\"gift wrap\"]\n");
    let run = hc.check().failure();
    assert!(
        run.stderr
            .contains("book.toml:6:1: error: a phrasing needs"),
        "{}",
        run.stderr
    );
    // The second table's problem is named at the second table.
    let hc = shop(
        "\n[[search.phrasing]]\nasks = [\"gift wrap\"]\nmeans = [\"packaging\"]\n\n[[search.phrasing]]\nasks = [\"where is my {order}\"]\nmeans = [\"tracking\"]\n",
    );
    let run = hc.check().failure();
    assert!(
        run.stderr.contains(
            "book.toml:10:1: error: `{…}` in `where is my {order}`: slots belong to the built-in vocabulary"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_link_and_snippet_go_to_the_passage_with_the_rarest_word() {
    let hc = demo();
    // "pay" is in the heading "Card, Apple Pay and Google Pay"; only the table of accepted
    // methods says PayPal is not one of them.
    let response = search(&hc, &["can i pay with paypal"]);
    let first = &response["hits"][0];
    assert_eq!(
        first["url"],
        "/payments/payment-methods/#accepted-payment-methods"
    );
    assert!(
        first["snippet"]
            .as_str()
            .expect("snippet")
            .contains("<mark>PayPal</mark>"),
        "{first}"
    );
}

#[test]
fn words_of_a_phrasing_are_marked_only_together() {
    let hc = demo();
    let mut whole = 0;
    for query in ["money back", "refund"] {
        let response = search(&hc, &[query]);
        for hit in response["hits"].as_array().expect("hits") {
            let snippet = hit["snippet"].as_str().expect("snippet");
            assert!(
                !snippet.contains("<mark>back</mark>"),
                "{query}: `back` alone marked in {snippet}"
            );
            whole += snippet.matches("<mark>money back</mark>").count();
        }
    }
    // "Want a different size or colour instead of your money back?" in the return policy.
    assert!(whole >= 2, "the phrase itself is marked for both queries");
}

#[test]
fn a_question_no_article_answers_exactly_says_so() {
    let hc = demo();
    // The demo has no gift wrapping: "service" and "wrapped" are in the returns articles.
    let response = search(&hc, &["gift wrapping service"]);
    assert_eq!(response["no_exact_answer"], true, "{response}");
    assert_eq!(response["support_first"], true, "{response}");
    let hits = response["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "the related articles still follow");
    assert!(hits.iter().all(|h| h["match"] == "related"), "{response}");
    let text = hc
        .run(&["search", "gift wrapping service"])
        .success()
        .stdout;
    assert!(
        text.starts_with("No article answers `gift wrapping service` exactly.\nContact support:"),
        "{text}"
    );
    // One that is answered says nothing of the kind, and its answer is exact.
    let answered = search(&hc, &["can i pay with paypal"]);
    assert_eq!(answered.get("no_exact_answer"), None, "{answered}");
    assert_eq!(answered["hits"][0]["match"], "exact");
}

#[test]
fn explain_says_which_words_matched_how_and_what_each_part_scored() {
    let hc = demo();
    let response = search(&hc, &["--explain", "refnd polcy"]);
    let first = &response["hits"][0];
    let why = &first["explain"];
    let parts = ["title", "topic", "text"].map(|p| why[p].as_f64().expect("a part's score"));
    let score = first["score"].as_f64().expect("score");
    assert!(
        (parts.iter().sum::<f64>() - score).abs() < 0.01,
        "the parts add up to the score: {why}"
    );
    let words = why["words"].as_array().expect("words");
    assert!(
        words
            .iter()
            .any(|w| w["typed"] == "refnd" && w["how"] == "typo" && w["word"] == "refund"),
        "{why}"
    );
    assert_eq!(why["reading"], "as typed");
    // A phrasing of the vocabulary is named as written, with what it means.
    let response = search(&hc, &["--explain", "wheres my pakage"]);
    let why = &response["hits"][0]["explain"];
    assert_eq!(
        why["vocabulary"][0], "wheres my|the {order} → track order, tracking",
        "{why}"
    );
    assert!(
        why["words"]
            .as_array()
            .expect("words")
            .iter()
            .any(|w| w["how"] == "vocabulary")
    );
    // The link's reason, and the text form.
    let response = search(&hc, &["--explain", "can i pay with paypal"]);
    assert_eq!(
        response["hits"][0]["explain"]["anchor"],
        "the passage that holds the rarest word typed"
    );
    let text = hc
        .run(&["search", "--explain", "--limit", "1", "refnd"])
        .success()
        .stdout;
    assert!(text.contains("   why: score "), "{text}");
    assert!(text.contains("`refnd`: typo → refund"), "{text}");
    // Without --explain, no explanation.
    assert_eq!(search(&hc, &["refnd"])["hits"][0].get("explain"), None);
}
