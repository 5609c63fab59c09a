use std::path::Path;

use super::*;
use crate::insights::{Answered, Event, Feedback, Search, store};

fn search(at: i64, query: &str, lang: &str, answered: Answered) -> Event {
    Event::Search(Search {
        at,
        query: query.into(),
        lang: lang.into(),
        section: None,
        hits: usize::from(answered != Answered::Nothing),
        answered,
        suggested: false,
        page: None,
    })
}

fn vote(at: i64, url: &str, helpful: bool, comment: Option<&str>) -> Event {
    Event::Feedback(Feedback {
        at,
        url: url.into(),
        helpful,
        comment: comment.map(Into::into),
    })
}

fn database(dir: &Path, name: &str, events: Vec<Event>) -> PathBuf {
    let path = dir.join(name);
    let (writer, insights) = store::Writer::start(&path, 3650).expect("starts");
    for event in events {
        assert!(insights.record(event));
    }
    writer.finish();
    path
}

#[test]
fn two_replicas_are_merged_and_typos_of_one_unanswered_query_grouped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let day = 86_400;
    let now = crate::insights::this_minute();
    let one = database(
        dir.path(),
        "a.db",
        vec![
            search(now, "gift wrapping", "en", Answered::Nothing),
            search(now - day, "gift wrapping", "en", Answered::Nothing),
            search(now - 5 * day, "gift wraping", "en", Answered::Nothing),
            search(now, "refund", "en", Answered::AsTyped),
            search(now, "kinkepakend", "et", Answered::OtherLanguage),
            vote(now, "/returns/refund-policy/", false, Some("Too slow")),
            vote(now, "/ru/returns/refund-policy/", true, None),
        ],
    );
    let two = database(
        dir.path(),
        "b.db",
        vec![
            search(now - 2 * day, "gift wrapping", "en", Answered::Related),
            search(now, "refund", "en", Answered::AsTyped),
            search(now - 400 * day, "old", "en", Answered::Nothing),
            vote(now, "/returns/refund-policy/", false, None),
            vote(now, "/delivery/parcel-lockers/", true, None),
        ],
    );
    let filter = Filter {
        since: now - 30 * day,
        other_languages: vec!["ru".into(), "et".into()],
        ..Filter::default()
    };
    let report = report(&[one, two], &filter).expect("reports");
    assert_eq!((report.searches, report.unanswered_searches), (7, 5));
    assert_eq!(report.votes, Votes { yes: 2, no: 2 });
    let wrap = &report.unanswered[0];
    assert_eq!(
        (
            wrap.query.as_str(),
            wrap.searches,
            wrap.days,
            wrap.variants.clone()
        ),
        ("gift wrapping", 4, 4, vec!["gift wraping".to_string()])
    );
    assert_eq!(wrap.answered.get("related"), Some(&1));
    assert_eq!(report.unanswered[1].query, "kinkepakend");
    assert_eq!(report.top_queries[0].query, "gift wrapping");
    assert_eq!(report.sections[0].section, "/returns/");
    assert_eq!(report.sections[0].votes, Votes { yes: 0, no: 2 });
    assert!(report.sections.iter().any(|s| s.section == "/ru/returns/"));
    let article = &report.articles[0];
    assert_eq!(article.url, "/returns/refund-policy/");
    assert_eq!(article.comments.len(), 1);
    assert_eq!(article.comments[0].text, "Too slow");

    let russian = Filter {
        lang: Some("ru".into()),
        ..filter
    };
    let only = report_of(dir.path(), &russian);
    assert_eq!(only.searches, 0);
    assert_eq!(only.articles.len(), 1);
    assert_eq!(only.articles[0].url, "/ru/returns/refund-policy/");
}

fn typed(at: i64, query: &str, answered: Answered, page: &str) -> Event {
    match search(at, query, "en", answered) {
        Event::Search(mut s) => {
            s.page = Some(page.into());
            Event::Search(s)
        }
        other => other,
    }
}

fn chose(at: i64, query: &str, url: &str, page: &str) -> Event {
    Event::Click(crate::insights::Click {
        at,
        query: query.into(),
        lang: "en".into(),
        url: url.into(),
        rank: 1,
        page: Some(page.into()),
    })
}

#[test]
fn what_shoppers_asked_before_they_found_an_article_becomes_its_keywords() {
    let dir = tempfile::tempdir().expect("temp dir");
    let day = 86_400;
    let now = crate::insights::this_minute();
    let url = "/orders/gift-packaging/";
    let mut events = Vec::new();
    for (n, page) in ["pageone1", "pagetwo2"].iter().enumerate() {
        let at = now - n as i64 * day;
        events.push(typed(at, "gift wrap", Answered::Nothing, page));
        events.push(typed(at, "packaging", Answered::AsTyped, page));
        events.push(chose(at, "packaging", url, page));
    }
    // One shopper asks without an answer, another asks otherwise and chooses: two pages,
    // no rephrasing.
    events.push(typed(now, "gift wrap", Answered::Nothing, "pagethr3"));
    events.push(typed(now, "packaging", Answered::AsTyped, "pagefou4"));
    events.push(chose(now, "packaging", url, "pagefou4"));
    // Found, but nobody chose anything; and a turn to support from an article.
    events.push(search(now, "warranty", "en", Answered::AsTyped));
    events.push(Event::Handoff(crate::insights::Handoff {
        at: now,
        from: "/returns/refund-policy/".into(),
        query: None,
        channel: "chat".into(),
        page: None,
    }));
    let path = database(dir.path(), "a.db", events);
    let filter = Filter {
        since: now - 30 * day,
        ..Filter::default()
    };
    let report = report(&[path], &filter).expect("reports");
    assert_eq!(
        report.rephrased,
        [Rephrased {
            from: "gift wrap".into(),
            to: "packaging".into(),
            url: url.into(),
            lang: "en".into(),
            times: 2,
        }]
    );
    assert_eq!(report.suggestions.len(), 1);
    let suggestion = &report.suggestions[0];
    assert_eq!(suggestion.keywords, r#"keywords = ["gift wrap"]"#);
    assert_eq!(
        (
            suggestion.url.as_str(),
            suggestion.searches,
            suggestion.days,
            suggestion.then_chose
        ),
        (url, 3, 2, 2),
        "three unanswered searches, two of them rephrased into a choice"
    );
    let unclicked: Vec<&str> = report.unclicked.iter().map(|q| q.query.as_str()).collect();
    assert_eq!(unclicked, ["warranty"]);
    assert_eq!((report.clicks, report.handoffs), (3, 1));
    assert_eq!(
        report.sections[0].section, "/returns/",
        "hand-offs rank first"
    );
    assert_eq!(report.sections[0].handoffs, 1);
    assert_eq!(report.articles[0].url, "/returns/refund-policy/");
    let packaging = report
        .articles
        .iter()
        .find(|a| a.url == url)
        .expect("reached");
    assert_eq!(packaging.clicks, 3);
}

#[test]
fn articles_rated_unhelpful_or_reached_and_old_are_to_be_reviewed_first() {
    let now = 20_429 * 86_400;
    let article = |url: &str, no: usize, yes: usize, clicks: usize| ArticleFigures {
        url: url.into(),
        votes: Votes { yes, no },
        clicks,
        ..ArticleFigures::default()
    };
    let articles = [
        article("/old-and-read/", 0, 1, 9),
        article("/unhelpful/", 3, 1, 0),
        article("/new-and-read/", 0, 0, 40),
        article("/old-and-quiet/", 0, 0, 2),
        article("/undated/", 0, 0, 50),
    ];
    let info = |updated: Option<&str>| ArticleInfo {
        title: "T".into(),
        updated: updated.map(Into::into),
    };
    let filter = Filter {
        now,
        review_after_days: 180,
        articles: [
            ("/old-and-read/".to_string(), info(Some("2025-01-01"))),
            ("/unhelpful/".to_string(), info(Some("2025-12-01"))),
            ("/new-and-read/".to_string(), info(Some("2025-11-01"))),
            ("/old-and-quiet/".to_string(), info(Some("2024-01-01"))),
            ("/undated/".to_string(), info(None)),
        ]
        .into_iter()
        .collect(),
        ..Filter::default()
    };
    let due = review(&articles, &filter);
    let urls: Vec<&str> = due.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(urls, ["/unhelpful/", "/old-and-read/"]);
    assert_eq!(due[0].why, "rated unhelpful 3 times of 4");
    assert_eq!(due[1].why, "reached 10 times, not updated for 340 days");
    assert_eq!(due[1].days_old, Some(340));
}

fn report_of(dir: &Path, filter: &Filter) -> Report {
    report(&[dir.join("a.db"), dir.join("b.db")], filter).expect("reports")
}

#[test]
fn a_missing_database_is_named() {
    let error = report(
        &[PathBuf::from("/nonexistent/insights.db")],
        &Filter::default(),
    )
    .expect_err("refused")
    .to_string();
    assert!(error.contains("/nonexistent/insights.db") && error.contains("helpbook serve"));
}

#[test]
fn since_reads_days_weeks_and_dates() {
    let now = 20_429 * 86_400 + 3_600;
    assert_eq!(since("30d", now), Ok(now - 30 * 86_400));
    assert_eq!(since("2w", now), Ok(now - 14 * 86_400));
    assert_eq!(since("2025-12-07", now), Ok(20_429 * 86_400));
    assert_eq!(
        since("2024-02-29", now).map(|t| date_of(t / 86_400)),
        Ok("2024-02-29".into())
    );
    for bad in [
        "",
        "30",
        "0d",
        "-3d",
        "2025-13-01",
        "2025-02-30",
        "2025-1-01",
        "yesterday",
    ] {
        let error = since(bad, now).expect_err(bad).to_string();
        assert!(error.starts_with("--since must be"), "{bad}: {error}");
    }
}

#[test]
fn dates_and_weeks_are_calendar_ones() {
    assert_eq!(date_of(0), "1970-01-01");
    assert_eq!(date_of(20_429), "2025-12-07");
    assert_eq!(date_of(week_of(20_429)), "2025-12-01", "a Monday");
    assert_eq!(date_of(week_of(20_424)), "2025-12-01");
}
