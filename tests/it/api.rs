//! `/api/search` in process: `server::router(state).oneshot(request)` on the built demo.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use helpbook::config::Config;
use helpbook::server::{AppState, router};
use serde_json::Value;
use tower::ServiceExt;

use crate::harness::HelpCenter;

/// The demo, built, and the server's routes on it. Keep the `HelpCenter`: its folder goes
/// when it is dropped.
fn app() -> (HelpCenter, Router) {
    let hc = HelpCenter::demo();
    hc.build().success();
    let (config, _) = Config::load(hc.root()).expect("book.toml");
    let state = AppState::open(&hc.path("build"), config).expect("open the build");
    (hc, router(state))
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

async fn call(app: &Router, method: &str, uri: &str) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{method} {uri}: {e}: {}", String::from_utf8_lossy(&bytes)));
    Answer {
        status,
        headers,
        json,
    }
}

async fn get(app: &Router, uri: &str) -> Answer {
    call(app, "GET", uri).await
}

fn urls(answer: &Answer) -> Vec<String> {
    answer.json["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits in {}", answer.json))
        .iter()
        .map(|h| h["url"].as_str().expect("url").to_string())
        .collect()
}

#[tokio::test]
async fn every_bad_parameter_is_a_json_400_naming_it() {
    let (_hc, app) = app();
    let long = "a".repeat(257);
    let cases = [
        ("/api/search", "q is required"),
        ("/api/search?lang=en", "q is required"),
        ("/api/search?q=", "q must not be empty"),
        ("/api/search?q=%20%20", "q must not be empty"),
        (
            &format!("/api/search?q={long}")[..],
            "q must be at most 256 characters, got 257",
        ),
        ("/api/search?q=%FF", "q cannot be read"),
        ("/api/search?q=%D0", "q cannot be read"),
        ("/api/search?q=%zz", "q cannot be read"),
        (
            "/api/search?q=refund&limit=0",
            "limit must be 1..=50, got 0",
        ),
        (
            "/api/search?q=refund&limit=51",
            "limit must be 1..=50, got 51",
        ),
        (
            "/api/search?q=refund&limit=abc",
            "limit must be a whole number 1..=50, got `abc`",
        ),
        (
            "/api/search?q=refund&offset=-1",
            "offset must be 0..=1000, got -1",
        ),
        (
            "/api/search?q=refund&offset=1001",
            "offset must be 0..=1000, got 1001",
        ),
        (
            "/api/search?q=refund&offset=x",
            "offset must be a whole number 0..=1000, got `x`",
        ),
        (
            "/api/search?q=refund&lang=xx",
            "lang must be one of `en`, `ru`, `et`, got `xx`",
        ),
        (
            "/api/search?q=refund&%FF=1",
            "the query string has a parameter name that cannot be read",
        ),
    ];
    for (uri, expected) in cases {
        let answer = get(&app, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(
            answer.headers[header::CONTENT_TYPE],
            "application/json",
            "{uri}"
        );
        let error = answer.json["error"].as_str().expect("error");
        assert!(
            error.starts_with(expected),
            "{uri}: `{error}` should start with `{expected}`"
        );
    }
}

#[tokio::test]
async fn a_query_of_256_characters_is_accepted_and_counts_characters_not_bytes() {
    let (_hc, app) = app();
    // 256 Cyrillic letters are 512 bytes.
    let q = "%D0%B4".repeat(256);
    let answer = get(&app, &format!("/api/search?q={q}")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
}

#[tokio::test]
async fn unknown_parameters_are_ignored_and_defaults_apply() {
    let (_hc, app) = app();
    let answer = get(&app, "/api/search?q=refund&utm_source=mail&fbclid=%FF").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["query"], "refund");
    assert_eq!(answer.json["lang"], "en");
    let hits = urls(&answer);
    assert!(!hits.is_empty() && hits.len() <= 10, "{hits:?}");
    assert!(answer.json["suggestion"].is_null());
}

#[tokio::test]
async fn a_typo_still_finds_the_refund_articles() {
    let (_hc, app) = app();
    let answer = get(&app, "/api/search?q=refnd").await;
    assert_eq!(answer.status, StatusCode::OK);
    let first = urls(&answer).into_iter().next().expect("a hit");
    assert!(first.starts_with("/returns/"), "{first}");
}

#[tokio::test]
async fn a_faq_question_deep_links_to_its_answer() {
    let (_hc, app) = app();
    let answer = get(&app, "/api/search?q=how+long+does+a+refund+take").await;
    assert_eq!(
        urls(&answer)[0],
        "/returns/returns-faq/#how-long-does-a-refund-take"
    );
    assert_eq!(answer.json["hits"][0]["kind"], "faq");
}

#[tokio::test]
async fn limit_offset_lang_and_section_shape_the_results() {
    let (_hc, app) = app();
    let all = urls(&get(&app, "/api/search?q=order&limit=4").await);
    assert_eq!(all.len(), 4);
    let second_page = urls(&get(&app, "/api/search?q=order&limit=2&offset=2").await);
    assert_eq!(second_page, all[2..4].to_vec());

    let russian = get(
        &app,
        "/api/search?q=%D0%B2%D0%BE%D0%B7%D0%B2%D1%80%D0%B0%D1%82&lang=ru",
    )
    .await;
    assert_eq!(russian.json["lang"], "ru");
    assert!(
        urls(&russian).iter().all(|u| u.starts_with("/ru/")),
        "{}",
        russian.json
    );

    let returns = urls(&get(&app, "/api/search?q=order&section=%2Freturns%2F").await);
    assert!(!returns.is_empty());
    assert!(
        returns.iter().all(|u| u.starts_with("/returns/")),
        "{returns:?}"
    );
}

#[tokio::test]
async fn a_repeated_search_gives_the_same_answer() {
    let (_hc, app) = app();
    let first = get(&app, "/api/search?q=refnd+card&lang=en").await;
    let again = get(&app, "/api/search?q=refnd+card&lang=en").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(!urls(&first).is_empty());
    assert_eq!(first.json, again.json);
    // Another page of the same query is its own answer.
    let next = get(&app, "/api/search?q=refnd+card&lang=en&offset=1").await;
    assert_eq!(urls(&next).first(), urls(&first).get(1));
}

#[tokio::test]
async fn nothing_found_is_an_empty_answer_not_an_error() {
    let (_hc, app) = app();
    let answer = get(&app, "/api/search?q=xqzxqzxqz").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["total"], 0);
    assert!(urls(&answer).is_empty());
    // No dead end: the first article of each section, in the writers' order.
    let popular: Vec<&str> = answer.json["popular"]
        .as_array()
        .expect("popular articles")
        .iter()
        .filter_map(|a| a["url"].as_str())
        .collect();
    assert_eq!(
        popular,
        [
            "/orders/track-your-order/",
            "/delivery/delivery-options-and-times/",
            "/returns/return-policy/",
            "/payments/payment-methods/",
            "/account/create-an-account/"
        ]
    );
    // Within a section, that section's first articles; in Russian, Russian ones.
    let returns = get(&app, "/api/search?q=xqzxqzxqz&section=%2Freturns%2F").await;
    let in_returns = returns.json["popular"].as_array().expect("popular");
    assert!(!in_returns.is_empty());
    assert!(
        in_returns.iter().all(|a| a["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("/returns/"))
            && a["section"] == "Returns and refunds"),
        "{in_returns:?}"
    );
    let russian = get(&app, "/api/search?q=xqzxqzxqz&lang=ru").await;
    let in_russian = russian.json["popular"].as_array().expect("popular");
    assert!(
        in_russian
            .iter()
            .all(|a| a["url"].as_str().is_some_and(|u| u.starts_with("/ru/"))),
        "{in_russian:?}"
    );
    // Found something: no list.
    let found = get(&app, "/api/search?q=refund").await;
    assert!(found.json.get("popular").is_none());
}

#[tokio::test]
async fn the_api_answers_only_get_and_unknown_endpoints_are_json_404s() {
    let (_hc, app) = app();
    for method in ["POST", "PUT", "DELETE"] {
        let answer = call(&app, method, "/api/search?q=refund").await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(answer.headers[header::ALLOW], "GET, HEAD");
        assert!(answer.json["error"].as_str().is_some());
    }
    let unknown = get(&app, "/api/nothing-here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.json["error"].as_str().is_some());
}
