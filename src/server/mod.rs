//! The production server: [`router`] answers static files from `build/site/`, the no-JavaScript
//! `/search/` pages, `/api/search` and `/healthz`, with limits and security headers on every
//! response; [`AppState`] follows new builds swapped into the output folder. Never runs the
//! pipeline or reads `content/`. `helpbook preview` serves the same routes behind a [`Switch`],
//! plus live reload (`live`).
//!
//! ```text
//! request ─► count + log ─► security headers ─► weak ETag ─► compression ─► timeout ─► body limit
//!         ─► /healthz | /metrics | /api/search | /api/feedback | /search/, /ru/search/ | static files
//!            (+ 404.html)
//! ```

mod answers;
mod api;
mod events;
mod feedback;
mod listen;
mod live;
mod metrics;
mod openapi;
mod pool;
mod query;
mod search_page;
mod stalled;
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

pub use api::ApiError;
pub use feedback::ClientAddr;
pub use listen::{
    ServeOptions, default_max_connections, raise_open_files_limit, serve, shutdown_signal,
};
pub use live::{BuildStatus, Live, Switch};
pub use metrics::Metrics;
pub use pool::{Refused, SearchPool};
pub use search_page::SearchPage;
pub use state::{AppState, Capacity, DEFAULT_CACHE_MB, Searching, follow_builds};

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
    /// The threads that run searches cannot be started.
    #[error("cannot start the search threads")]
    Threads(#[source] std::io::Error),
    /// The theme (for the `/search/` page) has problems; each names its file.
    #[error("the theme has {} problem(s)", .0.len())]
    Theme(Vec<Diagnostic>),
}

/// Every route of `helpbook serve`, with its limits and headers.
pub fn router(state: AppState) -> Router {
    let observer = metrics::Observer {
        metrics: std::sync::Arc::clone(state.metrics()),
        log_queries: state.logs_queries(),
    };
    with_limits_and_headers(routes(state), observer)
}

/// `helpbook preview`'s router: [`router`]'s, plus the live-reload event stream and script,
/// with the script added to every page.
pub fn preview_router(state: AppState, live: Live) -> Router {
    let status = live.status.clone();
    // Preview runs on the writer's own machine: the log may show what they search for.
    let observer = metrics::Observer {
        metrics: std::sync::Arc::clone(state.metrics()),
        log_queries: true,
    };
    let routes = routes(state)
        .merge(live::routes(live))
        .layer(axum::middleware::from_fn_with_state(status, live::inject));
    with_limits_and_headers(routes, observer)
}

/// `helpbook preview`'s router before its first good build: the live-reload event stream and
/// script, and a page that waits for the build.
pub fn preview_waiting_router(live: Live) -> Router {
    let observer = metrics::Observer {
        metrics: std::sync::Arc::default(),
        log_queries: true,
    };
    with_limits_and_headers(
        live::waiting_routes(live).route("/healthz", get(healthz)),
        observer,
    )
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
        .route("/metrics", get(metrics::serve))
        .merge(api)
        .route("/search/", get(search_page::default_language))
        .route("/{lang}/search/", get(search_page::other_language))
        .fallback(statics::serve)
        .with_state(state)
}

fn with_limits_and_headers(routes: Router, observer: metrics::Observer) -> Router {
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
        .layer(axum::middleware::from_fn_with_state(
            observer,
            metrics::observe,
        ))
}

async fn healthz() -> ([(header::HeaderName, &'static str); 1], &'static str) {
    ([(header::CACHE_CONTROL, "no-store")], "ok")
}

/// Responses larger than this are sent as they are: compressing a big file for every request
/// costs each connection megabytes of compressor state and the server its CPU (a few clients
/// asking for a large text file in `static/` and never reading it held hundreds of MB). Pages,
/// scripts, styles and search answers are far smaller.
pub const COMPRESS_AT_MOST: u64 = 1 << 20;

/// Text, scripts, JSON, XML and SVG are worth compressing; images, fonts and videos already
/// are; files over [`COMPRESS_AT_MOST`] are not compressed on the fly.
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
        let too_big = response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
            .is_some_and(|length| length > COMPRESS_AT_MOST);
        if too_big {
            return false;
        }
        content_type.starts_with("text/")
            || ["javascript", "json", "xml", "svg"]
                .iter()
                .any(|kind| content_type.contains(kind))
    }
}
