//! `helpbook build`: what a shopper sees in build/site/.

use serde_json::Value;

use crate::harness::HelpCenter;
use crate::html;

fn json_ld(page: &str) -> Value {
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("page has JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").expect("script closes");
    serde_json::from_str(&page[start..end]).expect("JSON-LD is JSON")
}

#[test]
fn demo_builds_and_every_page_is_well_formed() {
    let demo = HelpCenter::demo();
    let run = demo.build().success();
    assert!(
        run.stderr.contains("Built ") && run.stderr.contains(" pages in 3 languages in "),
        "{}",
        run.stderr
    );
    let pages: Vec<String> = demo
        .site_files()
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 100, "{} pages", pages.len());
    let mut broken = Vec::new();
    for page in &pages {
        let problems = html::problems(&demo.read(&format!("build/site/{page}")));
        if !problems.is_empty() {
            broken.push(format!("{page}: {}", problems.join("; ")));
        }
    }
    assert!(broken.is_empty(), "malformed pages:\n{}", broken.join("\n"));
}

#[test]
fn demo_has_every_kind_of_page_a_shopper_expects() {
    let demo = HelpCenter::demo();
    demo.build().success();
    for page in [
        "index.html",
        "ru/index.html",
        "et/index.html",
        "returns/index.html",
        "ru/returns/index.html",
        "returns/returns-faq/index.html",
        "returns/how-to-return-an-item/index.html",
        "ru/returns/refund-policy/index.html",
        "et/returns/refund-policy/index.html",
        "tags/index.html",
        "tags/refunds/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "favicon.svg",
        "images/size-chart.svg",
        "help/returns-policy/index.html",
    ] {
        assert!(demo.exists(&format!("build/site/{page}")), "missing {page}");
    }
    let files = demo.site_files();
    let css = files
        .iter()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .expect("fingerprinted CSS");
    assert_eq!(css.len(), "style.0123456789.css".len(), "{css}");
    assert!(
        demo.read("build/site/index.html")
            .contains(&format!("href=\"/{css}\"")),
        "pages link the fingerprinted CSS"
    );
    assert!(
        !demo.exists("build/site/account/two-factor-authentication/index.html"),
        "drafts are not built"
    );
}

/// What shoppers download before a page can do anything, compressed as `serve` sends it:
/// 10.4 KB before the "Was this helpful?" widget, and at most 4 KB more for what shoppers
/// tell the help center (the widget, clicks, hand-offs).
const THEME_GZIPPED_BUDGET: usize = 10_444 + 4 * 1024;

#[test]
fn theme_css_and_js_stay_small() {
    use std::io::Write;
    let demo = HelpCenter::demo();
    demo.build().success();
    let mut gzipped = 0;
    for file in demo.site_files().iter().filter(|f| {
        (f.starts_with("style.") && f.ends_with(".css"))
            || (f.starts_with("app.") && f.ends_with(".js"))
    }) {
        let bytes = std::fs::read(demo.path(&format!("build/site/{file}"))).expect("reads");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bytes).expect("compresses");
        gzipped += encoder.finish().expect("compresses").len();
    }
    assert!(
        gzipped > 1_000 && gzipped <= THEME_GZIPPED_BUDGET,
        "CSS + JS are {gzipped} bytes gzipped; the budget is {THEME_GZIPPED_BUDGET}"
    );
}

#[test]
fn faq_page_has_expandable_questions_and_faqpage_json_ld() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let page = demo.read("build/site/returns/returns-faq/index.html");
    let questions = page.matches("<details").count();
    assert!(questions >= 5, "{questions} questions");
    assert!(
        page.contains("id=\"how-long-does-a-refund-take\""),
        "stable anchor for the deep link"
    );
    let ld = json_ld(&page);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "FAQPage");
    let entities = ld["mainEntity"].as_array().expect("mainEntity");
    assert_eq!(entities.len(), questions);
    assert_eq!(entities[0]["@type"], "Question");
    assert_eq!(entities[0]["acceptedAnswer"]["@type"], "Answer");
    assert!(
        !entities[0]["acceptedAnswer"]["text"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
}

#[test]
fn howto_page_has_numbered_steps_and_howto_json_ld() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let page = demo.read("build/site/returns/how-to-return-an-item/index.html");
    assert!(
        page.contains("<ol class=\"howto-steps\">"),
        "steps are marked up"
    );
    let ld = json_ld(&page);
    assert_eq!(ld["@type"], "HowTo");
    assert_eq!(ld["name"], "How to return an item");
    assert!(ld.get("headline").is_none(), "{ld}");
    let steps = ld["step"].as_array().expect("steps");
    assert!(steps.len() >= 4);
    assert_eq!(steps[0]["@type"], "HowToStep");
    assert_eq!(steps[0]["position"], 1);
}

#[test]
fn plain_article_has_article_json_ld_with_its_dates_and_address() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let page = demo.read("build/site/delivery/delivery-options-and-times/index.html");
    let ld = json_ld(&page);
    assert_eq!(ld["@type"], "Article");
    assert_eq!(ld["headline"], "Delivery options and times");
    assert_eq!(ld["inLanguage"], "en");
    assert_eq!(ld["datePublished"], "2024-01-15");
    assert_eq!(ld["dateModified"], "2025-10-01");
    assert!(
        ld["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/delivery/delivery-options-and-times/")),
        "canonical address: {ld}"
    );
    assert!(ld.get("step").is_none() && ld.get("name").is_none(), "{ld}");
}

#[test]
fn translations_link_to_each_other_and_to_translated_pages() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let ru = demo.read("build/site/ru/returns/how-to-return-an-item/index.html");
    assert!(ru.contains("<html lang=\"ru\""), "page language");
    assert!(ru.contains("hreflang=\"en\""), "alternate link to English");
    assert!(ru.contains("hreflang=\"et\""), "alternate link to Estonian");
    assert!(
        ru.contains("href=\"/ru/returns/refund-policy/"),
        "links go to the Russian refund policy:\n{ru}"
    );
    let sitemap = demo.read("build/site/sitemap.xml");
    assert!(sitemap.contains("<loc>https://help.kask.example/ru/returns/refund-policy/</loc>"));
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"et\" href=\"https://help.kask.example/et/returns/refund-policy/\"/>"));
    assert!(sitemap.contains("<lastmod>"));
    assert!(
        !sitemap.contains("two-factor-authentication"),
        "no drafts in the sitemap"
    );
}

#[test]
fn canonical_url_opengraph_and_alias_redirects() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let page = demo.read("build/site/returns/return-policy/index.html");
    assert!(
        page.contains(
            "<link rel=\"canonical\" href=\"https://help.kask.example/returns/return-policy/\""
        ),
        "canonical"
    );
    assert!(page.contains("property=\"og:title\""), "OpenGraph");
    let redirect = demo.read("build/site/help/returns-policy/index.html");
    assert!(redirect.contains("http-equiv=\"refresh\""), "{redirect}");
    assert!(redirect.contains("/returns/return-policy/"), "{redirect}");
}

#[test]
fn markdown_features_reach_the_page() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let pack = demo.read("build/site/returns/pack-a-parcel-for-return/index.html");
    assert!(pack.contains("class=\"video-link\""), "video embed");
    assert!(
        pack.contains("youtube-nocookie.com/embed/"),
        "privacy-friendly player"
    );
    assert!(
        !pack.contains("<iframe"),
        "nothing loads from YouTube before a click"
    );
    let refund = demo.read("build/site/returns/refund-policy/index.html");
    assert!(refund.contains("<table>"), "table");
    assert!(refund.contains("footnote-definition"), "footnote");
    assert!(refund.contains("class=\"callout callout-tip\""), "callout");
    let delivery = demo.read("build/site/delivery/delivery-options-and-times/index.html");
    assert!(
        delivery.contains("href=\"#delivery-prices-and-times-by-country\""),
        "table of contents on a long article"
    );
}

/// The demo with what sits next to the build's own pages without taking one: home page texts,
/// articles and aliases named like generated pages, tags, files beside articles and in `static/`.
fn demo_near_generated_pages() -> HelpCenter {
    let demo = HelpCenter::demo();
    demo.write(
        "content/orders/search.md",
        "+++
title = \"Searching your orders\"\ntags = [\"search\", \"tags\"]\naliases = [\"/old/search/\", \"/old/index.html\", \"/old/robots.txt\"]\n+++\nUse the search box.\n",
    );
    demo.write(
        "content/orders/tags.md",
        "+++\ntitle = \"Order tags\"\n+++\nLabels on orders.\n",
    );
    demo.write(
        "content/orders/404.ru.md",
        "+++\ntitle = \"Заказ не найден\"\ntranslation_key = \"orders/search\"\n+++\nПроверьте номер.\n",
    );
    demo.write("content/orders/index.txt", "not the section page\n");
    demo.write("static/search.txt", "not the search page\n");
    demo
}

#[test]
fn building_twice_gives_identical_bytes() {
    let demo = demo_near_generated_pages();
    demo.build().success();
    let first: Vec<(String, Vec<u8>)> = demo.site_bytes();
    demo.build().success();
    let second: Vec<(String, Vec<u8>)> = demo.site_bytes();
    let elsewhere = demo_near_generated_pages();
    elsewhere.build().success();
    let third: Vec<(String, Vec<u8>)> = elsewhere.site_bytes();
    assert!(first.len() > 100, "{} files", first.len());
    for other in [&second, &third] {
        assert_eq!(first.len(), other.len());
        for (a, b) in first.iter().zip(other) {
            assert!(a == b, "{} differs between builds", a.0);
        }
    }
    let search = demo.read("build/site/search/index.html");
    assert!(
        !search.contains("Searching your orders"),
        "the search page is the search page"
    );
}

#[test]
fn a_page_that_clashes_fails_every_build_and_the_site_stays() {
    let demo = HelpCenter::demo();
    demo.build().success();
    let before: Vec<(String, Vec<u8>)> = demo.site_bytes();
    demo.write(
        "content/search.md",
        "+++\ntitle = \"Search tips\"\n+++\nType a word.\n",
    );
    // Pages are written in parallel: the clash once decided which of the two a build kept.
    for _ in 0..5 {
        let run = demo.build().failure();
        assert!(
            run.stderr.contains(
                "content/search.md:1:1: error: URL `/search/` is also the URL of the search page"
            ),
            "{}",
            run.stderr
        );
        assert!(demo.site_bytes() == before, "build/site changed");
    }
}

#[test]
fn files_with_percent_and_hash_in_their_names_are_linked() {
    let hc = HelpCenter::minimal();
    hc.write("content/returns/100% wool #2.png", "png");
    hc.write(
        "content/returns/care.md",
        "+++\ntitle = \"Care\"\n+++\n\n![Label](100%25%20wool%20%232.png)\n",
    );
    hc.build().success();
    let page = hc.read("build/site/returns/care/index.html");
    assert!(
        page.contains("src=\"/returns/100%25%20wool%20%232.png\""),
        "{page}"
    );
    assert!(hc.exists("build/site/returns/100% wool #2.png"));
}

#[test]
fn a_theme_template_overrides_just_that_template() {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\n\n[theme]\nname = \"shop\"\n",
    );
    hc.write(
        "themes/shop/templates/article.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ article.title }}</h1><p class=\"shop-marker\">Our own article template</p>{% endblock content %}",
    );
    hc.build().success();
    let article = hc.read("build/site/returns/refund-policy/index.html");
    assert!(article.contains("shop-marker"), "{article}");
    assert!(
        article.contains("<header"),
        "base.html still comes from the default theme"
    );
    let section = hc.read("build/site/returns/index.html");
    assert!(!section.contains("shop-marker"));
}

#[test]
fn a_themes_strings_name_its_callouts_and_videos() {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\n\n[theme]\nname = \"shop\"\n",
    );
    let strings = include_str!("../../themes/default/strings/en.toml")
        .replace("callout_tip = \"Tip\"", "callout_tip = \"Good to know\"")
        .replace(
            "video_play = \"Play video\"",
            "video_play = \"Watch the film\"",
        );
    hc.write("themes/shop/strings/en.toml", &strings);
    hc.write(
        "content/returns/parcel.md",
        "+++\ntitle = \"Parcel\"\n+++\n\n> [!TIP]\n> Keep the box.\n\nhttps://youtu.be/dQw4w9WgXcQ\n",
    );
    hc.build().success();
    let page = hc.read("build/site/returns/parcel/index.html");
    assert!(
        page.contains("<p class=\"callout-title\">Good to know</p>"),
        "{page}"
    );
    assert!(page.contains(">Watch the film</a>"), "{page}");
}

#[test]
fn a_themes_strings_file_with_few_keys_keeps_the_built_in_words() {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\nlanguages = [\"ru\"]\n\n[theme]\nname = \"shop\"\n",
    );
    // A theme written before callouts had words of their own: one key of its own per language.
    hc.write(
        "themes/shop/strings/en.toml",
        "search_placeholder = \"Ask us\"\n",
    );
    hc.write(
        "themes/shop/strings/ru.toml",
        "search_placeholder = \"Спросите нас\"\n",
    );
    let callout = "\n\n> [!TIP]\n> Keep the box.\n";
    hc.write(
        "content/returns/parcel.md",
        &format!("+++\ntitle = \"Parcel\"\n+++{callout}"),
    );
    hc.write(
        "content/returns/parcel.ru.md",
        &format!("+++\ntitle = \"Посылка\"\n+++{callout}"),
    );
    hc.build().success();
    let english = hc.read("build/site/returns/parcel/index.html");
    assert!(english.contains("Ask us"), "the theme's own word");
    assert!(
        english.contains("<p class=\"callout-title\">Tip</p>"),
        "{english}"
    );
    let russian = hc.read("build/site/ru/returns/parcel/index.html");
    assert!(russian.contains("Спросите нас"), "the theme's own word");
    assert!(
        russian.contains("<p class=\"callout-title\">Совет</p>"),
        "{russian}"
    );
}

#[test]
fn unknown_theme_says_which_folder_is_missing() {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\n\n[theme]\nname = \"nope\"\n",
    );
    let run = hc.build().failure();
    assert!(
        run.stderr
            .contains("book.toml: error: theme `nope` not found: there is no folder `themes/nope`"),
        "{}",
        run.stderr
    );
}

fn snapshot_center() -> HelpCenter {
    let hc = HelpCenter::empty();
    hc.write("book.toml", "[book]\ntitle = \"Snapshot Help\"\nbase-url = \"https://help.example.com\"\n\n[support]\nemail = \"help@example.com\"\n");
    hc.write("content/returns/_index.md", "+++\ntitle = \"Returns\"\ndescription = \"Sending items back\"\n+++\n\nEverything about returns.\n");
    hc.write(
        "content/returns/returns-faq.md",
        "+++\ntitle = \"Returns FAQ\"\ndescription = \"Deadlines and refunds.\"\nkind = \"faq\"\ntags = [\"returns\"]\ndate = 2025-01-10\nupdated = 2025-02-01\n+++\n\nThe short answers.\n\n## How long do I have?\n\n**30 days** from delivery.\n\n## When do I get my money back?\n\nWithin 14 days, see [how to return](return-an-item.md).\n",
    );
    hc.write(
        "content/returns/return-an-item.md",
        "+++\ntitle = \"How to return an item\"\ndescription = \"Three steps.\"\nkind = \"howto\"\ntags = [\"returns\"]\ndate = 2025-01-12\n+++\n\nYou need your order number.\n\n1. Open **My orders**.\n2. Choose the item and the reason.\n3. Drop the parcel at a locker.\n\n> [!TIP]\n> Keep the receipt.\n",
    );
    hc.build().success();
    hc
}

#[test]
fn snapshot_faq_page() {
    let hc = snapshot_center();
    insta::assert_snapshot!("faq_main", hc.main_of("returns/returns-faq/index.html"));
}

#[test]
fn snapshot_howto_page() {
    let hc = snapshot_center();
    insta::assert_snapshot!(
        "howto_main",
        hc.main_of("returns/return-an-item/index.html")
    );
}

#[test]
fn snapshot_section_page() {
    let hc = snapshot_center();
    insta::assert_snapshot!("section_main", hc.main_of("returns/index.html"));
}

/// The text of the page's JSON-LD `<script>` element, as a browser would delimit it.
fn json_ld_text(page: &str) -> &str {
    let open = "<script type=\"application/ld+json\">";
    let start = page.find(open).expect("page has JSON-LD") + open.len();
    let end = start + page[start..].find("</script>").expect("script closes");
    &page[start..end]
}

#[test]
fn faq_answer_quoting_a_script_tag_keeps_the_page_intact() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/tracking.md",
        "+++\ntitle = \"Removing the old tracker\"\nkind = \"faq\"\n+++\n\n## How do I remove the tracking snippet?\n\nDelete the line starting with `<!--` and the `<script>` tag below it, then the `</script>` & `-->` lines.\n\n## Anything else?\n\nNo.\n",
    );
    hc.build().success();
    let page = hc.read("build/site/returns/tracking/index.html");
    let script = json_ld_text(&page);
    assert!(
        !script.contains(['<', '>', '&']),
        "no markup characters inside the script element: {script}"
    );
    let ld: Value = serde_json::from_str(script).expect("JSON-LD is JSON");
    assert_eq!(
        ld["mainEntity"][0]["acceptedAnswer"]["text"],
        "Delete the line starting with <!-- and the <script> tag below it, then the </script> & --> lines."
    );
    assert!(
        page.contains("id=\"anything-else\""),
        "the rest of the page follows the script"
    );
}

#[test]
fn theme_json_encode_is_safe_inside_a_script() {
    let hc = HelpCenter::minimal();
    hc.write(
        "book.toml",
        "[book]\ntitle = \"Test Help\"\n\n[theme]\nname = \"shop\"\n",
    );
    hc.write(
        "themes/shop/templates/article.html",
        "{% extends \"base.html\" %}{% block content %}<script>var page = {{ article.extra | json_encode | safe }};</script><h1>{{ article.title }}</h1>{% endblock content %}",
    );
    hc.write(
        "content/returns/widget.md",
        "+++\ntitle = \"Widget\"\nwidget_label = \"</script><script>alert(1)</script>\"\n+++\n\nText.\n",
    );
    hc.build().success();
    let page = hc.read("build/site/returns/widget/index.html");
    assert!(
        page.contains(
            r#"<script>var page = {"widget_label":"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"};</script>"#
        ),
        "{page}"
    );
}

#[test]
fn html_in_articles_is_cleaned_and_each_removal_is_a_warning() {
    let hc = HelpCenter::minimal();
    hc.write(
        "content/returns/shortcuts.md",
        "+++\ntitle = \"Shortcuts\"\n+++\n\nPress <kbd>Ctrl</kbd>+<kbd>P</kbd> or [print](javascript:print()).\n\n<details>\n<summary>Older browsers</summary>\n\nUse the **File** menu.<img src=\"x\" onerror=\"alert(1)\">\n\n</details>\n\n<script>alert(2)</script>\n\nhttps://cdn.example/howto.mp4\n",
    );
    let run = hc.build().success();
    for warning in [
        "content/returns/shortcuts.md:5:39: warning: link to `javascript:print()` removed (its text is kept): `javascript:` addresses are not allowed\n  help: use web addresses (https://…), mailto: and tel: links, or the paths of this help center's own pages and files",
        "content/returns/shortcuts.md:10:23: warning: attribute `onerror` removed from `<img>`: event handler attributes are not allowed",
        "content/returns/shortcuts.md:14:1: warning: HTML tag `<script>` removed with its content\n  help: pages run only the theme's own script",
        "content/returns/shortcuts.md:16:1: warning: video `https://cdn.example/howto.mp4` is not embedded: videos play only from this help center's own files, YouTube or Vimeo",
    ] {
        assert!(
            run.stderr.contains(warning),
            "{warning}\nin\n{}",
            run.stderr
        );
    }
    let main = hc.main_of("returns/shortcuts/index.html");
    assert!(
        main.contains("<p>Press <kbd>Ctrl</kbd>+<kbd>P</kbd> or print.</p>"),
        "{main}"
    );
    assert!(
        main.contains("<details>\n<summary>Older browsers</summary>\n<p>Use the <strong>File</strong> menu.<img src=\"x\"></p>\n</details>"),
        "{main}"
    );
    for gone in ["<script", "onerror", "javascript:", "<video"] {
        assert!(!main.contains(gone), "{gone} in {main}");
    }
    // `check` reports the same warnings without building.
    let check = hc.check().success();
    assert_eq!(
        check.stderr.matches(": warning: ").count(),
        run.stderr.matches(": warning: ").count()
    );
}
