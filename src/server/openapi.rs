//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every endpoint of `helpbook serve`
//! (parameters, bodies, each status and its schema), written by hand beside this file and
//! compiled in. `tests/api/schemathesis.sh` checks the running server against it.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get};

use super::AppState;
use super::api::method_not_allowed;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// The route: GET and HEAD, a JSON 405 otherwise.
pub(crate) fn route() -> MethodRouter<AppState> {
    get(document).fallback(method_not_allowed)
}

async fn document() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            // The same for the life of the binary; revalidated so that an upgrade shows.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        DOCUMENT,
    )
}
