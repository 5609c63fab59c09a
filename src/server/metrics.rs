//! What the server did, for Prometheus (`GET /metrics`, OpenMetrics text), and the one log
//! line per request. Requests are counted by route (a short fixed list, never the path a
//! client made up) and status; searches by what came of them.
//!
//! | metric | what |
//! |---|---|
//! | `helpbook_http_requests_total{route,status}` | requests answered |
//! | `helpbook_http_request_duration_seconds{route}` | time to the response's headers |
//! | `helpbook_searches_total` | searches asked (API and `/search/` pages) |
//! | `helpbook_searches_without_results_total` | searches that found no article |
//! | `helpbook_search_cache_hits_total` | searches answered from recent answers |
//! | `helpbook_searches_shed_total` | searches refused with 503 (queue full) |
//! | `helpbook_search_duration_seconds` | a computed search's time on its thread |
//! | `helpbook_searches_waiting` | searches waiting for a thread now |
//! | `helpbook_index_generation` | builds served since start (1 at start, +1 per new build) |
//! | `helpbook_index_built_timestamp_seconds` | when the served index was built (Unix time) |

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::AppState;

/// The server's counters; one per server, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<Answered, Counter>,
    latency: Family<Route, Histogram, fn() -> Histogram>,
    searches: Counter,
    without_results: Counter,
    cache_hits: Counter,
    shed: Counter,
    search_seconds: Histogram,
    waiting: Gauge,
    generation: Gauge,
    built_at: Gauge<f64, AtomicU64>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: &'static str,
}

/// 50 µs to about 3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_05, 2.0, 17))
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("helpbook");
        let requests = Family::<Answered, Counter>::default();
        registry.register("http_requests", "Requests answered", requests.clone());
        let latency =
            Family::<Route, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to the response's headers",
            latency.clone(),
        );
        let searches = Counter::default();
        registry.register("searches", "Searches asked", searches.clone());
        let without_results = Counter::default();
        registry.register(
            "searches_without_results",
            "Searches that found no article",
            without_results.clone(),
        );
        let cache_hits = Counter::default();
        registry.register(
            "search_cache_hits",
            "Searches answered from recent answers",
            cache_hits.clone(),
        );
        let shed = Counter::default();
        registry.register(
            "searches_shed",
            "Searches refused with 503 because the queue was full",
            shed.clone(),
        );
        let search_seconds = latency_histogram();
        registry.register(
            "search_duration_seconds",
            "A computed search's time on its thread",
            search_seconds.clone(),
        );
        let waiting = Gauge::default();
        registry.register(
            "searches_waiting",
            "Searches waiting for a thread",
            waiting.clone(),
        );
        let generation = Gauge::default();
        registry.register(
            "index_generation",
            "Builds served since start",
            generation.clone(),
        );
        let built_at = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "index_built_timestamp_seconds",
            "When the served index was built, in seconds since 1970",
            built_at.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            searches,
            without_results,
            cache_hits,
            shed,
            search_seconds,
            waiting,
            generation,
            built_at,
        }
    }
}

impl Metrics {
    /// A search asked: answered from recent answers (`cached`), and whether it found anything.
    pub fn searched(&self, cached: bool, found: bool) {
        self.searches.inc();
        if cached {
            self.cache_hits.inc();
        }
        if !found {
            self.without_results.inc();
        }
    }

    /// A computed search's time on its thread.
    pub fn search_took(&self, took: Duration) {
        self.search_seconds.observe(took.as_secs_f64());
    }

    /// A search refused because the queue was full.
    pub fn shed(&self) {
        self.searches.inc();
        self.shed.inc();
    }

    /// A new index is served, built at `built_at` (seconds since 1970).
    pub fn index_opened(&self, built_at: Option<f64>) {
        self.generation.inc();
        if let Some(built_at) = built_at {
            self.built_at.set(built_at);
        }
    }

    fn answered(&self, route: &'static str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&Answered { route, status })
            .inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(took.as_secs_f64());
    }

    /// Everything, in the OpenMetrics text format.
    fn encode(&self, waiting: usize) -> String {
        self.waiting.set(i64::try_from(waiting).unwrap_or(i64::MAX));
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            // Writing to a String cannot fail; should it, the scrape says so.
            let _ = writeln!(text, "# the metrics could not be written");
        }
        text
    }
}

/// The route a path belongs to: one of a few fixed names, so that made-up paths cannot
/// multiply the series.
pub fn route_of(path: &str) -> &'static str {
    match path {
        "/healthz" => "/healthz",
        "/metrics" => "/metrics",
        "/api/search" => "/api/search",
        "/api/feedback" => "/api/feedback",
        "/api/click" => "/api/click",
        "/api/handoff" => "/api/handoff",
        "/api/openapi.json" => "/api/openapi.json",
        "/search/" => "/search/",
        _ if path.starts_with("/api/") => "/api/other",
        // `/ru/search/`: a language's search page (or a static path of that shape).
        _ if path.ends_with("/search/") && path.matches('/').count() == 3 => "/{lang}/search/",
        _ => "static",
    }
}

/// `GET /metrics`.
pub(crate) async fn serve(State(state): State<AppState>) -> Response {
    let text = state.metrics().encode(state.search_pool().waiting());
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Counts every request and, at `info` level, logs it in one line: method, path (with the
/// query string only when `serve --log-queries` asked for it: queries are what shoppers
/// typed), status and milliseconds to the response's headers.
pub(crate) async fn observe(
    State(observer): State<Observer>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = route_of(request.uri().path());
    let target = if observer.log_queries {
        request.uri().to_string()
    } else {
        request.uri().path().to_string()
    };
    let response = next.run(request).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    observer.metrics.answered(route, status, took);
    tracing::info!(
        target: "helpbook::request",
        %method,
        path = %target,
        status,
        ms = took.as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// What [`observe`] needs.
#[derive(Clone)]
pub(crate) struct Observer {
    pub metrics: Arc<Metrics>,
    pub log_queries: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_paths_do_not_make_new_routes() {
        assert_eq!(route_of("/api/search"), "/api/search");
        assert_eq!(route_of("/api/nope/../x"), "/api/other");
        assert_eq!(route_of("/ru/search/"), "/{lang}/search/");
        assert_eq!(route_of("/orders/search/"), "/{lang}/search/");
        assert_eq!(route_of("/orders/where-is-my-parcel/"), "static");
        assert_eq!(route_of("/a/b/search/"), "static");
    }

    #[test]
    fn the_text_names_every_metric() {
        let metrics = Metrics::default();
        metrics.searched(false, false);
        metrics.searched(true, true);
        metrics.shed();
        metrics.search_took(Duration::from_micros(150));
        metrics.index_opened(Some(1_700_000_000.0));
        metrics.answered("/api/search", 200, Duration::from_micros(300));
        let text = metrics.encode(3);
        for line in [
            "helpbook_searches_total 3",
            "helpbook_searches_without_results_total 1",
            "helpbook_search_cache_hits_total 1",
            "helpbook_searches_shed_total 1",
            "helpbook_search_duration_seconds_count 1",
            "helpbook_searches_waiting 3",
            "helpbook_index_generation 1",
            "helpbook_index_built_timestamp_seconds 1700000000",
            "helpbook_http_requests_total{route=\"/api/search\",status=\"200\"} 1",
            "helpbook_http_request_duration_seconds_count{route=\"/api/search\"} 1",
            "# EOF",
        ] {
            assert!(text.contains(line), "no `{line}` in\n{text}");
        }
    }
}
