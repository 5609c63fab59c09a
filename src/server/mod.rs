//! The production server: [`router`] answers static files from `build/site/`, the no-JavaScript
//! `/search/` pages, `/api/search` and `/healthz`, with limits and security headers on every
//! response; [`AppState`] follows new builds swapped into the output folder. Never runs the
//! pipeline or reads `content/`. `helpbook preview` serves the same routes behind a [`Switch`],
//! plus live reload (`live`).
//!
//! ```text
//! request ─► trace ─► security headers ─► weak ETag ─► compression ─► timeout ─► body limit
//!         ─► /healthz | /api/search | /api/feedback | /search/, /ru/search/ | static files
//!            (+ 404.html)
//! ```

mod answers;
mod api;
mod events;
mod feedback;
mod listen;
mod live;
mod openapi;
mod query;
mod search_page;
mod state;
mod statics;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::get;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use api::ApiError;
pub use feedback::ClientAddr;
pub use listen::{ServeOptions, serve, shutdown_signal};
pub use live::{BuildStatus, Live, Switch};
pub use search_page::SearchPage;
pub use state::{AppState, DEFAULT_CACHE, Searching, follow_builds};

use crate::diag::Diagnostic;
use crate::search::SearchError;

/// Only our own scripts and styles; videos only from the two privacy-friendly embed hosts.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    frame-src https://www.youtube-nocookie.com https://player.vimeo.com; object-src 'none'; \
    base-uri 'self'; form-action 'self'";

/// Request bodies above this are refused with 413 (the feedback widget sends far less).
pub const BODY_LIMIT: usize = 16 * 1024;

/// A request that takes longer than this is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Operational failures of the server: the build cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// `build/site` or `build/index` is missing or unreadable.
    #[error("there is no build in `{path}`: {reason}; run `helpbook build` first")]
    NoBuild { path: String, reason: String },
    /// The search index could not be opened.
    #[error(transparent)]
    Index(#[from] SearchError),
    /// The theme (for the `/search/` page) has problems; each names its file.
    #[error("the theme has {} problem(s)", .0.len())]
    Theme(Vec<Diagnostic>),
}

/// Every route of `helpbook serve`, with its limits and headers.
pub fn router(state: AppState) -> Router {
    with_limits_and_headers(routes(state))
}

/// `helpbook preview`'s router: [`router`]'s, plus the live-reload event stream and script,
/// with the script added to every page.
pub fn preview_router(state: AppState, live: Live) -> Router {
    let status = live.status.clone();
    let routes = routes(state)
        .merge(live::routes(live))
        .layer(axum::middleware::from_fn_with_state(status, live::inject));
    with_limits_and_headers(routes)
}

/// `helpbook preview`'s router before its first good build: the live-reload event stream and
/// script, and a page that waits for the build.
pub fn preview_waiting_router(live: Live) -> Router {
    with_limits_and_headers(live::waiting_routes(live).route("/healthz", get(healthz)))
}

fn routes(state: AppState) -> Router {
    let api = Router::new()
        .route(
            "/api/search",
            get(api::search).fallback(api::method_not_allowed),
        )
        .route(
            "/api/feedback",
            axum::routing::post(feedback::post).fallback(feedback::method_not_allowed),
        )
        .route(
            "/api/click",
            get(events::click_followed)
                .post(events::click_posted)
                .fallback(events::get_or_post),
        )
        .route(
            "/api/handoff",
            axum::routing::post(events::handoff_posted).fallback(events::post_only),
        )
        .route("/api/openapi.json", openapi::route())
        .route("/api/{*rest}", axum::routing::any(api::not_found));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api)
        .route("/search/", get(search_page::default_language))
        .route("/{lang}/search/", get(search_page::other_language))
        .fallback(statics::serve)
        .with_state(state)
}

fn with_limits_and_headers(routes: Router) -> Router {
    routes
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                // Level 4 brotli/gzip: nearly the best ratio for HTML at a fraction of the CPU.
                .quality(CompressionLevel::Precise(4))
                .compress_when(DefaultPredicate::new().and(Compressible)),
        )
        .layer(axum::middleware::map_response(statics::weaken_etag))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(TraceLayer::new_for_http())
}

async fn healthz() -> ([(header::HeaderName, &'static str); 1], &'static str) {
    ([(header::CACHE_CONTROL, "no-store")], "ok")
}

/// Text, scripts, JSON, XML and SVG are worth compressing; images, fonts and videos already are.
#[derive(Debug, Clone, Copy)]
struct Compressible;

impl Predicate for Compressible {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        let Some(content_type) = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        content_type.starts_with("text/")
            || ["javascript", "json", "xml", "svg"]
                .iter()
                .any(|kind| content_type.contains(kind))
    }
}
