//! Insights: `helpbook serve` records searches and "Was this helpful?" votes in a real SQLite
//! file beside book.toml, over real HTTP, and keeps nothing that identifies the shopper.

use rusqlite::Connection;

use crate::harness::HelpCenter;
use crate::serve::Server;

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

fn rows(db: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut statement = db.prepare(sql).expect("prepares");
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    row.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                        rusqlite::types::Value::Null => "NULL".to_string(),
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        other => format!("{other:?}"),
                    })
                })
                .collect()
        })
        .expect("queries")
        .collect::<Result<_, _>>()
        .expect("reads")
}

#[test]
fn votes_and_searches_are_stored_and_nothing_about_the_shopper() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);

    let vote = server.post_as(
        "/api/feedback",
        JSON,
        r#"{"url": "/returns/refund-policy/", "helpful": false, "comment": "Too slow. Call me: +372 5123 4567, anna@example.ee"}"#,
    );
    assert_eq!(vote.status, 204, "{}", vote.body);
    let form = server.post_as(
        "/api/feedback",
        FORM,
        "url=%2Fdelivery%2Fdelivery-faq%2F&helpful=yes",
    );
    assert_eq!(form.status, 303, "{}", form.body);
    assert_eq!(
        form.header("location"),
        "/delivery/delivery-faq/#helpful-thanks"
    );

    // Each wrong vote is refused, naming what is wrong, and nothing is stored.
    for (content_type, body, status, says) in [
        (
            JSON,
            r#"{"url": "/no/such/page/", "helpful": true}"#,
            400,
            "url must be",
        ),
        (
            JSON,
            r#"{"url": "/../../etc/", "helpful": true}"#,
            400,
            "url must be",
        ),
        (
            JSON,
            r#"{"url": "/returns/refund-policy/", "helpful": "yes"}"#,
            400,
            "helpful must be true or false",
        ),
        (
            JSON,
            r#"{"url": "/returns/refund-policy/"}"#,
            400,
            "helpful is required",
        ),
        (JSON, "not json", 400, "the body must be a JSON object"),
        (
            "text/plain",
            "url=/returns/refund-policy/&helpful=yes",
            415,
            "Content-Type must be",
        ),
        (
            FORM,
            "url=%2Freturns%2Frefund-policy%2F&helpful=maybe",
            400,
            "helpful must be `yes` or `no`",
        ),
    ] {
        let reply = server.post_as("/api/feedback", content_type, body);
        assert_eq!(reply.status, status, "{body}: {}", reply.body);
        let error = reply.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(error.starts_with(says), "{body}: {error}");
    }
    let long = format!(
        r#"{{"url": "/returns/refund-policy/", "helpful": false, "comment": "{}"}}"#,
        "x".repeat(1001)
    );
    assert_eq!(server.post_as("/api/feedback", JSON, &long).status, 400);
    let huge = "x".repeat(17 * 1024);
    assert_eq!(server.post_as("/api/feedback", JSON, &huge).status, 413);
    let get = server.get("/api/feedback");
    assert_eq!((get.status, get.header("allow")), (405, "POST"));

    assert_eq!(server.get("/api/search?q=Refund%3F").status, 200);
    assert_eq!(server.get("/api/search?q=zzqx+wxyv").status, 200);
    assert_eq!(server.get("/api/search?q=refund&offset=10").status, 200);
    assert_eq!(
        server
            .get("/ru/search/?q=%D0%B2%D0%BE%D0%B7%D0%B2%D1%80%D0%B0%D1%82")
            .status,
        200
    );

    // SIGTERM: what was recorded is written before the process ends.
    assert!(server.terminate().success());
    let path = hc.root().join(".helpbook/insights.db");
    let db = Connection::open(&path).expect("the database is there");
    assert_eq!(
        rows(
            &db,
            "SELECT url, helpful, comment FROM feedback ORDER BY id"
        ),
        [
            vec![
                "/returns/refund-policy/",
                "0",
                "Too slow. Call me: [phone], [email]"
            ],
            vec!["/delivery/delivery-faq/", "1", "NULL"],
        ]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT query, lang, answered, hits > 0 FROM searches ORDER BY id"
        ),
        [
            vec!["refund", "en", "as-typed", "1"],
            vec!["zzqx wxyv", "en", "nothing", "0"],
            vec!["возврат", "ru", "as-typed", "1"],
        ],
        "the second page of a search is not another search"
    );
    let minutes = rows(
        &db,
        "SELECT at % 60 FROM searches UNION SELECT at % 60 FROM feedback",
    );
    assert_eq!(minutes, [vec!["0"]], "times are kept to the minute");
    drop(db);
    // No address, user agent or cookie anywhere in the file (WAL checkpointed on close).
    let mut bytes = std::fs::read(&path).expect("reads");
    if let Ok(wal) = std::fs::read(path.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    let text = String::from_utf8_lossy(&bytes);
    for identifying in ["127.0.0.1", "ureq", "5123", "anna@"] {
        assert!(
            !text.contains(identifying),
            "`{identifying}` is in the database"
        );
    }

    // The report: what was not found, and what shoppers said, in text and in JSON.
    let text = hc.run(&["report"]).success().stdout;
    for says in [
        "3 searches, 1 unanswered",
        "Unanswered queries",
        "zzqx wxyv [en]",
        "/returns/refund-policy/",
        "Too slow. Call me: [phone], [email]",
    ] {
        assert!(
            text.contains(says),
            "`{says}` is not in the report:\n{text}"
        );
    }
    let json = hc
        .run(&["report", "--format", "json", "--since", "7d"])
        .success()
        .stdout;
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(report["searches"], 3);
    assert_eq!(report["unanswered"][0]["query"], "zzqx wxyv");
    assert_eq!(report["articles"][0]["url"], "/returns/refund-policy/");
    assert_eq!(report["articles"][0]["votes"]["no"], 1);
    let html = hc.run(&["report", "--format", "html"]).success().stdout;
    assert!(html.starts_with("<!doctype html>") && html.contains("<svg"));
    assert!(html.contains("Too slow. Call me: [phone], [email]"));
    let russian = hc
        .run(&["report", "--format", "json", "--lang", "ru"])
        .success()
        .stdout;
    let russian: serde_json::Value = serde_json::from_str(&russian).expect("JSON");
    assert_eq!(russian["searches"], 1);
    assert_eq!(russian["top_queries"][0]["query"], "возврат");
}

#[test]
fn report_names_what_it_cannot_read() {
    let hc = HelpCenter::demo();
    let missing = hc.run(&["report"]).failure().stderr;
    assert!(
        missing.contains(".helpbook/insights.db") && missing.contains("helpbook serve"),
        "{missing}"
    );
    let since = hc.run(&["report", "--since", "last week"]).failure().stderr;
    assert!(since.contains("--since must be"), "{since}");
}

#[test]
fn votes_are_limited_per_address() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    let vote = r#"{"url": "/returns/refund-policy/", "helpful": true}"#;
    for n in 0..10 {
        assert_eq!(
            server.post_as("/api/feedback", JSON, vote).status,
            204,
            "vote {n}"
        );
    }
    let refused = server.post_as("/api/feedback", JSON, vote);
    assert_eq!(refused.status, 429);
    assert!(
        refused.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("a minute")
    );
}

#[test]
fn without_insights_votes_are_refused_and_search_still_answers() {
    let hc = HelpCenter::demo();
    let book = std::fs::read_to_string(hc.root().join("book.toml")).expect("reads");
    std::fs::write(
        hc.root().join("book.toml"),
        format!("{book}\n[insights]\nenabled = false\n"),
    )
    .expect("writes");
    let server = Server::start(&hc);
    let vote = server.post_as(
        "/api/feedback",
        JSON,
        r#"{"url": "/returns/refund-policy/", "helpful": true}"#,
    );
    assert_eq!(vote.status, 503);
    assert_eq!(server.get("/api/search?q=refund").status, 200);
    assert!(!hc.root().join(".helpbook").exists());
}

#[test]
fn a_database_that_cannot_be_opened_is_said_at_start_and_the_site_is_served() {
    let hc = HelpCenter::demo();
    // A file where the database's folder should be.
    std::fs::write(hc.root().join(".helpbook"), "").expect("writes");
    let server = Server::start(&hc);
    assert!(
        server.startup.contains("not recorded") && server.startup.contains(".helpbook"),
        "{}",
        server.startup
    );
    assert_eq!(server.get("/api/search?q=refund").status, 200);
    assert_eq!(server.get("/returns/refund-policy/").status, 200);
}

#[test]
fn what_the_search_box_asks_while_a_shopper_types_counts_as_one_search() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    for q in [
        "ref",
        "refu",
        "refun",
        "refund",
        "refund+polic",
        "refund+policy",
    ] {
        let reply = server.get(&format!("/api/search?q={q}&limit=8&page=k3j9x0aa"));
        assert_eq!(reply.status, 200, "{q}");
    }
    // Enter: the full results page, from the same page load.
    assert_eq!(
        server.get("/search/?q=refund+policy&page=k3j9x0aa").status,
        200
    );
    // Another shopper, and a search without a page id.
    assert_eq!(server.get("/api/search?q=parcel&page=zz99zz99").status, 200);
    assert_eq!(server.get("/api/search?q=invoice").status, 200);
    let bad = server.get("/api/search?q=x&page=%3Cscript%3E");
    assert_eq!(bad.status, 400);
    assert!(server.terminate().success());
    let db = Connection::open(hc.root().join(".helpbook/insights.db")).expect("opens");
    let mut queries: Vec<String> = rows(&db, "SELECT query FROM searches")
        .into_iter()
        .flatten()
        .collect();
    queries.sort();
    assert_eq!(queries, ["invoice", "parcel", "refund policy"]);
}

#[test]
fn a_locked_database_loses_only_counted_events_and_fails_no_search() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    // Another process holds the database: the writer waits, gives up, and counts.
    let lock = Connection::open(hc.root().join(".helpbook/insights.db")).expect("opens");
    lock.execute_batch("BEGIN EXCLUSIVE").expect("locks");
    let locked = std::time::Instant::now();
    let sent = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (server, sent) = (&server, &sent);
            scope.spawn(move || {
                for n in 0..2500 {
                    let reply = server.get(&format!(
                        "/api/search?q=refund+{}",
                        (thread * 2500 + n) % 40
                    ));
                    assert_eq!(
                        reply.status, 200,
                        "a search failed while the database was locked"
                    );
                    sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    // Longer than the writer waits for a lock (2 s), however fast the searches were.
    std::thread::sleep(std::time::Duration::from_secs(3).saturating_sub(locked.elapsed()));
    lock.execute_batch("ROLLBACK").expect("unlocks");
    drop(lock);
    for q in ["parcel", "invoice", "voucher"] {
        assert_eq!(server.get(&format!("/api/search?q={q}")).status, 200);
    }
    let (status, log) = server.terminate_with_log();
    assert!(status.success());
    let dropped: usize = log
        .lines()
        .filter(|l| l.contains("events were not recorded"))
        .filter_map(|l| {
            l.split("dropped=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .next_back()
        .unwrap_or(0);
    let db = Connection::open(hc.root().join(".helpbook/insights.db")).expect("opens");
    let written: usize = rows(&db, "SELECT count(*) FROM searches")[0][0]
        .parse()
        .expect("a count");
    let sent = sent.into_inner() + 3;
    assert_eq!(sent, 10_003);
    assert!(dropped > 0, "the lock lost nothing?\n{log}");
    assert_eq!(
        written + dropped,
        sent,
        "every search is written or counted\n{log}"
    );
    let after: Vec<String> = rows(
        &db,
        "SELECT query FROM searches WHERE query IN ('parcel', 'invoice', 'voucher')",
    )
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(after.len(), 3, "recording goes on once the lock is gone");
}

#[test]
fn choices_and_turns_to_support_are_counted() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    // The search box: typing, then a result chosen (the click ends the typing).
    for q in ["mon", "money", "money+back"] {
        assert_eq!(
            server
                .get(&format!("/api/search?q={q}&page=pg000001"))
                .status,
            200
        );
    }
    let click = server.post_as(
        "/api/click",
        JSON,
        r#"{"q": "money back", "url": "/returns/refund-policy/#when-we-issue-the-refund", "rank": 1, "lang": "en", "page": "pg000001"}"#,
    );
    assert_eq!(click.status, 204, "{}", click.body);
    // The results page without JavaScript: the link counts, then goes on.
    let followed =
        server.get("/api/click?q=parcel&url=/delivery/delivery-faq/%23where&rank=2&lang=en");
    assert_eq!(followed.status, 303);
    assert_eq!(followed.header("location"), "/delivery/delivery-faq/#where");
    for (target, says) in [
        (
            "/api/click?q=x&url=https://evil.example/&rank=1",
            "url must be",
        ),
        ("/api/click?q=x&url=//evil.example/&rank=1", "url must be"),
        (
            "/api/click?q=x&url=/returns/refund-policy/&rank=0",
            "rank must be",
        ),
        (
            "/api/click?url=/returns/refund-policy/&rank=1",
            "q is required",
        ),
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, 400, "{target}");
        assert!(
            reply.json()["error"]
                .as_str()
                .unwrap_or_default()
                .starts_with(says),
            "{target}: {}",
            reply.body
        );
    }
    let handoff = server.post_as(
        "/api/handoff",
        JSON,
        r#"{"from": "/search/", "q": "Talk to a human", "channel": "email", "page": "pg000002"}"#,
    );
    assert_eq!(handoff.status, 204, "{}", handoff.body);
    let from_article = server.post_as(
        "/api/handoff",
        JSON,
        r#"{"from": "/returns/refund-policy/", "channel": "chat"}"#,
    );
    assert_eq!(from_article.status, 204);
    let bad = server.post_as(
        "/api/handoff",
        JSON,
        r#"{"from": "/returns/refund-policy/", "channel": "pigeon"}"#,
    );
    assert_eq!(bad.status, 400);
    assert!(server.terminate().success());

    let db = Connection::open(hc.root().join(".helpbook/insights.db")).expect("opens");
    assert_eq!(
        rows(
            &db,
            "SELECT 'search', query, page FROM searches UNION ALL SELECT 'click', query || ' ' || url || ' ' || rank, page FROM clicks ORDER BY 1 DESC, 2"
        ),
        [
            vec!["search", "money back", "pg000001"],
            vec!["click", "money back /returns/refund-policy/ 1", "pg000001"],
            vec!["click", "parcel /delivery/delivery-faq/ 2", "NULL"],
        ]
    );
    assert_eq!(
        rows(
            &db,
            "SELECT from_url, query, channel FROM handoffs ORDER BY id"
        ),
        [
            vec!["/search/", "talk to a human", "email"],
            vec!["/returns/refund-policy/", "NULL", "chat"],
        ]
    );
}

#[test]
fn the_support_contact_is_written_to_with_what_the_shopper_was_doing() {
    let hc = HelpCenter::demo();
    let book = hc.read("book.toml").replace(
        "chat = \"https://kask.example/chat\"",
        "chat = \"https://kask.example/chat?topic={query}&from={url}\"",
    );
    assert!(book.contains("{query}"), "the demo's chat line changed");
    hc.write("book.toml", &book);
    let server = Server::start(&hc);
    let article = server.get("/returns/refund-policy/").body;
    assert!(
        article.contains("href=\"mailto:help@kask.example?subject=Refund%20policy:%20when%20you%20get%20your%20money%20back&amp;body=https://help.kask.example/returns/refund-policy/\""),
        "the e-mail names the article"
    );
    assert!(
        article.contains("href=\"https://kask.example/chat?topic=&amp;from=https://help.kask.example/returns/refund-policy/\""),
        "the chat is opened from the article"
    );
    let search = server.get("/search/?q=talk+to+a+human").body;
    assert!(
        search.contains("href=\"https://kask.example/chat?topic=talk%20to%20a%20human&amp;from="),
        "the chat is opened with the question"
    );
    assert!(search.contains("mailto:help@kask.example?subject=talk%20to%20a%20human"));
}

/// The hits' URLs (without anchors) of `query` on the built help center.
fn answers(hc: &HelpCenter, query: &str) -> Vec<String> {
    let json = hc.run(&["search", "--json", query]).success().stdout;
    let response: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    response["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            let url = h["url"].as_str().unwrap_or_default();
            url.split('#').next().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn what_shoppers_choose_on_several_days_is_learned_and_a_burst_is_not() {
    use helpbook::insights::{Click, Event, store::Writer};
    let hc = HelpCenter::demo();
    hc.build().success();
    let parcel = answers(&hc, "where is my parcel");
    let refund = answers(&hc, "refund");
    assert!(parcel.len() >= 4 && refund.len() >= 4);
    let chosen = parcel[3].clone();
    let burst = refund[3].clone();

    let now = helpbook::insights::this_minute();
    let (writer, insights) =
        Writer::start(&hc.root().join(".helpbook/insights.db"), 180).expect("starts");
    let click = |at: i64, query: &str, url: &str| {
        Event::Click(Click {
            at,
            query: query.into(),
            lang: "en".into(),
            url: url.into(),
            rank: 4,
            page: None,
        })
    };
    // Shoppers who asked "where is my parcel" chose the 4th answer, on ten days.
    for day in 0..10 {
        assert!(insights.record(click(now - day * 86_400, "where is my parcel", &chosen)));
    }
    // Two hundred clicks on the 4th answer for "refund", all in one afternoon.
    for _ in 0..200 {
        assert!(insights.record(click(now, "refund", &burst)));
    }
    writer.finish();

    let book = hc
        .read("book.toml")
        .replace("[search]\n", "[search]\nlearn-from-clicks = true\n");
    hc.write("book.toml", &book);
    hc.build().success();
    let learned = answers(&hc, "where is my parcel");
    assert_eq!(
        learned[0], chosen,
        "the 4th answer, chosen on ten days, is first now"
    );
    assert_eq!(
        answers(&hc, "refund"),
        refund,
        "a one-day burst moves nothing"
    );
    let explained = hc
        .run(&["search", "--explain", "where is my parcel"])
        .success()
        .stdout;
    assert!(
        explained.contains("learned from shoppers' choices 24"),
        "{explained}"
    );
    // Other queries are left as they were.
    assert_eq!(answers(&hc, "where is my package")[0], parcel[0]);
    // The report says what was learned, and not the burst.
    let json = hc.run(&["report", "--format", "json"]).success().stdout;
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let learned = report["learned"].as_array().expect("learned");
    assert_eq!(learned.len(), 1, "{learned:?}");
    assert_eq!(learned[0]["query"], "where is my parcel");
    assert_eq!(learned[0]["url"], chosen.as_str());
    assert_eq!(learned[0]["days"], 10);
}

/// Searches `refund` once preview's first build is served.
fn search_once_built(preview: &Server) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while preview.get("/api/search?q=refund").status != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "preview never served its build"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn preview_records_only_when_book_toml_says_so() {
    let hc = HelpCenter::demo();
    let preview = Server::start_command(&hc, "preview", "Previewing http://", &[]);
    search_once_built(&preview);
    assert!(preview.terminate().success());
    assert!(
        !hc.root().join(".helpbook").exists(),
        "a writer's own searches are not the shoppers'"
    );

    let book = hc.read("book.toml");
    hc.write(
        "book.toml",
        &format!("{book}\n[insights]\nenabled = true\n"),
    );
    let preview = Server::start_command(&hc, "preview", "Previewing http://", &[]);
    search_once_built(&preview);
    assert!(preview.terminate().success());
    let db = Connection::open(hc.root().join(".helpbook/insights.db")).expect("opens");
    assert_eq!(rows(&db, "SELECT query FROM searches"), [vec!["refund"]]);
}

#[test]
fn another_keyboard_layout_and_latin_letters_are_told_apart() {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    let layout = server.get("/api/search?q=ljcnfdrf&lang=ru");
    assert_eq!(layout.json()["read_as"], "layout", "{}", layout.body);
    let translit = server.get("/api/search?q=dostavka&lang=ru");
    assert_eq!(translit.json()["read_as"], "translit", "{}", translit.body);
    assert!(server.terminate().success());
    let db = Connection::open(hc.root().join(".helpbook/insights.db")).expect("opens");
    assert_eq!(
        rows(&db, "SELECT query, answered FROM searches ORDER BY id"),
        [vec!["ljcnfdrf", "layout"], vec!["dostavka", "translit"]]
    );
}
