//! `/api/openapi.json`: the document an API client generates its code from is served, is
//! OpenAPI 3.1, and leaves no route of the server out. (Whether the server's answers match it
//! is `tests/api/schemathesis.sh`'s, run by `.ci/run`.)

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use helpbook::config::Config;
use helpbook::server::{AppState, router};
use serde_json::Value;
use tower::ServiceExt;

use crate::harness::HelpCenter;

fn app() -> (HelpCenter, Router) {
    let hc = HelpCenter::demo();
    hc.build().success();
    let (config, _) = Config::load(hc.root()).expect("book.toml");
    let state = AppState::open(&hc.path("build"), config).expect("open the build");
    (hc, router(state))
}

/// The paths the router has routes for, read from its `Debug` output (axum lists each
/// route's path there; it has no other way to list them). Catch-alls (`/api/{*rest}`, the
/// API's JSON 404) are not endpoints and are left out.
fn routed_paths(app: &Router) -> BTreeSet<String> {
    let debug = format!("{app:?}");
    let routes = debug
        .split("fallback_router")
        .next()
        .expect("split gives at least one part");
    let paths: BTreeSet<String> = routes
        .split("RouteId(")
        .skip(1)
        .filter_map(|entry| {
            let (_, rest) = entry.split_once("): \"")?;
            Some(rest.split('"').next()?.to_string())
        })
        .filter(|path| !path.contains("{*"))
        .collect();
    assert!(
        paths.contains("/healthz") && paths.contains("/api/search"),
        "the router's paths could not be read from its Debug output (has axum changed it?): {paths:?}\n{debug}"
    );
    paths
}

#[tokio::test]
async fn the_served_document_is_openapi_3_1_and_documents_every_route() {
    let (_hc, app) = app();
    let request = Request::get("/api/openapi.json")
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let document: Value = serde_json::from_slice(&bytes).expect("the document is JSON");
    let version = document["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3.1."), "OpenAPI {version}, not 3.1.x");
    let documented: BTreeSet<String> = document["paths"]
        .as_object()
        .expect("a `paths` object")
        .keys()
        .cloned()
        .collect();
    let routed = routed_paths(&app);
    let undocumented: Vec<&String> = routed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from src/server/openapi.json: {undocumented:?}"
    );
}

#[tokio::test]
async fn the_document_answers_get_only() {
    let (_hc, app) = app();
    let request = Request::post("/api/openapi.json")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()[header::ALLOW], "GET, HEAD");
}
