//! `helpbook preview`: the real binary on a copy of the demo, its event stream read over real
//! HTTP on 127.0.0.1 while the test edits, creates, renames and deletes files as editors do.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::harness::HelpCenter;
use crate::serve::Server;

/// How long a rebuild of the demo may take to be announced on a busy machine.
const REBUILT: Duration = Duration::from_secs(90);

const ARTICLE: &str = "content/returns/refund-policy.md";
const PAGE: &str = "/returns/refund-policy/";

/// The preview's event stream, as an open page's script reads it.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(server: &Server) -> Events {
        let mut stream = TcpStream::connect(&server.addr).expect("connect to the preview");
        stream
            .set_read_timeout(Some(REBUILT))
            .expect("read timeout");
        write!(
            stream,
            "GET /__helpbook/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            server.addr
        )
        .expect("send the request");
        let mut reader = BufReader::new(stream);
        let mut status_line = String::new();
        reader.read_line(&mut status_line).expect("status line");
        assert!(status_line.contains(" 200 "), "{status_line}");
        Events { reader }
    }

    /// The next status the preview sends (`{generation, problems}`).
    fn next(&mut self, waiting_for: &str) -> Value {
        loop {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => panic!("the event stream ended while waiting for {waiting_for}"),
                Ok(_) => {}
                Err(e) => panic!("no event while waiting for {waiting_for}: {e}"),
            }
            if let Some(data) = line.strip_prefix("data: ") {
                return serde_json::from_str(data.trim()).expect("an event is JSON");
            }
        }
    }

    /// Reads statuses until one has `generation` and no problems.
    fn until_built(&mut self, generation: u64) -> Value {
        loop {
            let status = self.next(&format!("build {generation}"));
            if status["generation"] == generation && status["problems"].is_null() {
                return status;
            }
        }
    }

    /// Reads statuses until one has problems; those problems.
    fn until_problems(&mut self) -> String {
        loop {
            let status = self.next("the problems of a broken save");
            if let Some(problems) = status["problems"].as_str() {
                return problems.to_string();
            }
        }
    }
}

/// A preview of a copy of the demo, its event stream after the first build, and the folder
/// it keeps its build in (its TMPDIR).
fn preview() -> (HelpCenter, Server, Events, tempfile::TempDir) {
    let hc = HelpCenter::demo();
    let (server, scratch) = start(&hc);
    let mut events = Events::open(&server);
    events.until_built(1);
    (hc, server, events, scratch)
}

/// `helpbook preview` on `hc`, with a TMPDIR of its own.
fn start(hc: &HelpCenter) -> (Server, tempfile::TempDir) {
    let scratch = tempfile::tempdir().expect("temp folder");
    let server = Server::start_command(
        hc,
        "preview",
        "Previewing http://",
        &[("TMPDIR", scratch.path())],
    );
    (server, scratch)
}

#[test]
fn a_saved_article_reloads_its_pages_and_search_knows_the_new_text() {
    let (hc, server, mut events, scratch) = preview();
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/__helpbook/live.js"), "{}", page.body);
    assert_eq!(std::fs::read_dir(scratch.path()).expect("read").count(), 1);
    assert!(!page.body.contains("Zebracorn"));

    let text = hc.read(ARTICLE) + "\nZebracorn refunds arrive on Tuesdays.\n";
    hc.write(ARTICLE, &text);
    events.until_built(2);

    assert!(server.get(PAGE).body.contains("Zebracorn refunds arrive"));
    let found = server.get("/api/search?q=zebracorn").json();
    assert_eq!(found["total"], 1, "{found}");
    assert!(
        found["hits"][0]["url"]
            .as_str()
            .is_some_and(|url| url.starts_with(PAGE)),
        "{found}"
    );
    // Preview writes nothing into the help center's folder, and takes its own away when
    // stopped (SIGTERM, as Ctrl-C).
    assert!(!hc.exists("build"));
    assert!(server.terminate().success());
    assert_eq!(std::fs::read_dir(scratch.path()).expect("read").count(), 0);
    // The reload script is preview's alone: never in what `build` writes.
    hc.build().success();
    assert!(
        !hc.read("build/site/returns/refund-policy/index.html")
            .contains("__helpbook")
    );
}

/// Saves `text` as editors that write a temporary file and rename it over the article do: the
/// watcher never sees the file half-written, so one save is one update (the tests that count
/// which pages an update announces need that).
fn save(hc: &HelpCenter, relative: &str, text: &str) {
    let (folder, name) = relative.rsplit_once('/').expect("a file in a folder");
    let temporary = format!("{folder}/.{name}.tmp");
    hc.write(&temporary, text);
    std::fs::rename(hc.path(&temporary), hc.path(relative)).expect("rename");
}

/// The URLs a status says changed (`None`: every page may have).
fn changed_pages(status: &Value) -> Option<Vec<String>> {
    status["pages"].as_array().map(|pages| {
        pages
            .iter()
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect()
    })
}

#[test]
fn a_save_updates_the_article_and_the_pages_listing_it_and_says_which_changed() {
    let (hc, server, mut events, _scratch) = preview();
    let good = hc.read(ARTICLE);

    // The text only: the article's own page, nothing else (its listings show its description).
    save(
        &hc,
        ARTICLE,
        &(good.clone() + "\nZebracorn refunds arrive on Tuesdays.\n"),
    );
    let status = events.until_built(2);
    assert_eq!(
        changed_pages(&status),
        Some(vec![PAGE.to_string()]),
        "{status}"
    );

    // The description: also every page that lists the article.
    let described = good.replacen(
        "description = \"How and when",
        "description = \"Quokka facts: how and when",
        1,
    );
    assert_ne!(described, good);
    save(&hc, ARTICLE, &described);
    let status = events.until_built(3);
    let pages = changed_pages(&status).expect("an update of some pages");
    for listing in [PAGE, "/returns/", "/", "/tags/refunds/"] {
        assert!(pages.iter().any(|p| p == listing), "{listing} in {pages:?}");
    }
    assert!(
        !pages.iter().any(|p| p.starts_with("/delivery/")),
        "{pages:?}"
    );
    assert!(server.get("/returns/").body.contains("Quokka facts"));
    assert!(server.get("/tags/refunds/").body.contains("Quokka facts"));
    assert!(!server.get("/delivery/").body.contains("Quokka facts"));

    // A new title moves the article in its lists: everything is built again.
    save(
        &hc,
        ARTICLE,
        &described.replacen("title = \"Refund policy", "title = \"Our refund policy", 1),
    );
    let status = events.until_built(4);
    assert_eq!(changed_pages(&status), None, "{status}");
    assert!(server.get("/returns/").body.contains("Our refund policy"));
    let found = server.get("/api/search?q=quokka").json();
    assert_eq!(
        found["hits"][0]["title"],
        "Our refund policy: when you get your money back"
    );
}

#[test]
fn a_heading_removed_under_a_link_from_another_article_is_an_error_there() {
    let (hc, server, mut events, _scratch) = preview();
    let target = "content/delivery/delivery-options-and-times.md";
    let good = hc.read(target);
    let heading = "## Delivery prices and times by country";
    assert!(good.contains(heading));
    hc.write(target, &good.replacen(heading, "## Prices", 1));

    let problems = events.until_problems();
    assert!(
        problems.contains("content/delivery/delivery-faq.md:15:"),
        "the article with the link is named: {problems}"
    );
    assert!(
        problems.contains("#delivery-prices-and-times-by-country"),
        "{problems}"
    );
    // The last good page stays.
    let page = server.get("/delivery/delivery-options-and-times/");
    assert!(page.body.contains("Delivery prices and times by country"));

    hc.write(target, &good);
    events.until_built(2);
}

#[test]
fn a_heading_and_the_links_to_it_renamed_together_are_not_an_error() {
    let (hc, server, mut events, _scratch) = preview();
    let target = "content/delivery/delivery-options-and-times.md";
    let heading = "## Delivery prices and times by country";
    let link = "#delivery-prices-and-times-by-country";
    let target_text = hc.read(target);
    assert!(target_text.contains(heading));
    let linking: Vec<(String, String)> = crate::harness::walk(&hc.path("content"))
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(&file).ok()?;
            let relative = file.strip_prefix(hc.root()).ok()?.to_str()?.to_string();
            text.contains(link).then_some((relative, text))
        })
        .collect();
    assert!(linking.len() > 1, "several articles link to the heading");

    // Saved together, as "Save All" or a checkout does: the files agree with each other.
    save(
        &hc,
        target,
        &target_text.replacen(heading, "## Prices by country", 1),
    );
    for (file, text) in &linking {
        save(&hc, file, &text.replace(link, "#prices-by-country"));
    }
    // However the saves fall into builds, one comes without problems and has them all.
    loop {
        let status = events.next("a build with every save");
        let faq = server.get("/delivery/delivery-faq/");
        if status["problems"].is_null() && faq.body.contains("#prices-by-country") {
            break;
        }
    }
    let page = server.get("/delivery/delivery-options-and-times/");
    assert!(
        page.body.contains("id=\"prices-by-country\""),
        "{}",
        page.body
    );
}

/// The live build itself, without the watcher's timing: one save of several files goes to
/// a full build, which checks them together; one file alone is checked against the others.
#[test]
fn files_saved_together_are_checked_together() {
    use helpbook::build::{self, BuildOptions, Silent};
    use helpbook::preview::{Change, LiveBuild, Plan, Saved, plan};

    let hc = HelpCenter::demo();
    let out = hc.path("build");
    let options = BuildOptions {
        out: Some(out.clone()),
        include_drafts: true,
        dry_run: false,
    };
    let (_, kept) = build::run_keeping(hc.root(), &options, &Silent).expect("build");
    let mut live = LiveBuild::new(kept.expect("a good build keeps"), &out).expect("live");
    let target = "content/delivery/delivery-options-and-times.md";
    let linking = "content/delivery/delivery-faq.md";
    let renamed =
        hc.read(target)
            .replacen("## Delivery prices and times by country", "## Prices", 1);
    hc.write(target, &renamed);
    hc.write(
        linking,
        &hc.read(linking)
            .replace("#delivery-prices-and-times-by-country", "#prices"),
    );

    let together = Change::Files(vec![hc.path(target), hc.path(linking)]);
    assert_eq!(plan(hc.root(), &together, true), Plan::FullBuild);
    // The other articles that link to the old heading were not saved: one file alone is an
    // error, naming one of them.
    match live.saved(&hc.path(target)).expect("saved") {
        Saved::Failed(report) => assert!(
            report.diagnostics.iter().any(
                |d| d.is_error() && d.message.contains("#delivery-prices-and-times-by-country")
            ),
            "{:?}",
            report.diagnostics
        ),
        _ => panic!("a heading renamed under other articles' links is an error"),
    }
}

#[test]
fn a_broken_save_shows_its_problems_keeps_the_last_good_page_and_the_fix_clears_them() {
    let (hc, server, mut events, _scratch) = preview();
    let good = hc.read(ARTICLE);
    let broken = good
        .replacen("title = \"", "title = \"unclosed", 1)
        .replacen("\"\n", "\n", 1);
    assert_ne!(broken, good);
    hc.write(ARTICLE, &broken);

    let problems = events.until_problems();
    assert!(problems.contains(&format!("{ARTICLE}:2:")), "{problems}");
    // The offending line, as the writer wrote it.
    assert!(problems.contains("title = \"unclosed"), "{problems}");
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Refund policy"), "{}", page.body);

    hc.write(ARTICLE, &good);
    events.until_built(2);
}

#[test]
fn new_renamed_and_deleted_articles_and_saves_by_rename_are_all_seen() {
    let (hc, server, mut events, _scratch) = preview();
    let article = "+++\ntitle = \"Gift wrapping\"\n+++\n\nWe wrap gifts in recycled paper.\n";
    hc.write("content/returns/gift-wrapping.md", article);
    events.until_built(2);
    assert_eq!(server.get("/returns/gift-wrapping/").status, 200);

    // Editors that save to a temporary file and rename it over the article (vim, VS Code,
    // JetBrains).
    let temporary = hc.path("content/returns/.gift-wrapping.md.tmp");
    std::fs::write(&temporary, article.replace("recycled", "brown")).expect("write");
    std::fs::rename(&temporary, hc.path("content/returns/gift-wrapping.md")).expect("rename");
    events.until_built(3);
    assert!(
        server
            .get("/returns/gift-wrapping/")
            .body
            .contains("brown paper")
    );

    std::fs::rename(
        hc.path("content/returns/gift-wrapping.md"),
        hc.path("content/returns/wrapping-gifts.md"),
    )
    .expect("rename");
    events.until_built(4);
    assert_eq!(server.get("/returns/wrapping-gifts/").status, 200);
    assert_eq!(server.get("/returns/gift-wrapping/").status, 404);

    std::fs::remove_file(hc.path("content/returns/wrapping-gifts.md")).expect("delete");
    events.until_built(5);
    assert_eq!(server.get("/returns/wrapping-gifts/").status, 404);
}

#[test]
fn a_theme_made_while_previewing_is_watched_and_a_template_error_shows_until_fixed() {
    let (hc, server, mut events, _scratch) = preview();
    let template = "themes/shop/templates/article.html";
    let good = "{% extends \"base.html\" %}{% block content %}<h1>{{ article.title }}</h1>\
                <p>Shop article template</p>{% endblock content %}";
    // The folder did not exist when preview started.
    hc.write(template, good);
    events.until_built(2);
    let book = hc.read("book.toml");
    hc.write("book.toml", &format!("{book}\n[theme]\nname = \"shop\"\n"));
    events.until_built(3);
    assert!(server.get(PAGE).body.contains("Shop article template"));

    hc.write(
        template,
        &good.replace("{% endblock content %}", "{% endblock content"),
    );
    let problems = events.until_problems();
    assert!(problems.contains(template), "{problems}");
    assert!(server.get(PAGE).body.contains("Shop article template"));

    hc.write(
        template,
        &good.replace("Shop article", "Shop's own article"),
    );
    events.until_built(4);
    assert!(
        server
            .get(PAGE)
            .body
            .contains("Shop's own article template")
    );
}

#[test]
fn a_new_section_appears_and_goes_when_its_folder_is_deleted() {
    let (hc, server, mut events, _scratch) = preview();
    hc.write(
        "content/gift-cards/_index.md",
        "+++\ntitle = \"Gift cards\"\ndescription = \"Buying and using gift cards.\"\n+++\n",
    );
    hc.write(
        "content/gift-cards/check-the-balance.md",
        "+++\ntitle = \"Check a gift card's balance\"\n+++\n\nEnter the code on the balance page.\n",
    );
    // However the two saves fall into builds, the last one has both.
    let mut generation = 2;
    loop {
        events.until_built(generation);
        if server.get("/gift-cards/check-the-balance/").status == 200 {
            break;
        }
        generation += 1;
    }
    let section = server.get("/gift-cards/");
    assert_eq!(section.status, 200);
    assert!(
        section.body.contains("Check a gift card"),
        "{}",
        section.body
    );
    assert!(server.get("/").body.contains("href=\"/gift-cards/\""));

    // The files and the folder go one by one: the build after the last is the one to check.
    std::fs::remove_dir_all(hc.path("content/gift-cards")).expect("delete");
    let deleted = generation;
    loop {
        generation += 1;
        events.until_built(generation);
        if server.get("/gift-cards/").status == 404 {
            break;
        }
        assert!(
            generation < deleted + 4,
            "the section is still served after the deletion's builds"
        );
    }
    assert!(!server.get("/").body.contains("href=\"/gift-cards/\""));
}

#[test]
fn started_on_broken_content_it_waits_shows_the_problems_and_serves_the_site_once_fixed() {
    let hc = HelpCenter::demo();
    let good = hc.read(ARTICLE);
    hc.write(ARTICLE, &good.replacen("+++", "+++\ntitle = 1 2", 1));
    let (server, _scratch) = start(&hc);
    let mut events = Events::open(&server);
    let problems = events.until_problems();
    assert!(problems.contains(&format!("{ARTICLE}:2:")), "{problems}");
    let waiting = server.get(PAGE);
    assert_eq!(waiting.status, 503);
    assert!(
        waiting.body.contains("/__helpbook/live.js"),
        "{}",
        waiting.body
    );

    hc.write(ARTICLE, &good);
    events.until_built(1);
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Refund policy"));
}
