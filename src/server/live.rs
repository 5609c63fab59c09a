//! Live reload for `helpbook preview` only (never in `serve` or in built pages): every HTML
//! page gets a script that listens to `/__helpbook/events` (server-sent events) and reloads
//! the page after each successful rebuild, or shows the build's problems over the page until
//! they are fixed.

use std::convert::Infallible;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::watch;
use tower::ServiceExt;

/// What the open pages are told: which build they may show, and what is wrong with the
/// content right now (the last good build keeps being served meanwhile).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BuildStatus {
    /// Counts successful builds (0: none yet): a page reloads when it changes.
    pub generation: u64,
    /// The errors of the last build in HTML, escaped, one block each (`path:line:col: error:
    /// message`, the source line, the help), for the page's overlay; `None` when it succeeded.
    pub problems: Option<String>,
    /// When only some pages changed since the generation before (a saved article updated in
    /// place), their URLs (`/returns/refund-policy/`); `None`: every page may have changed.
    pub pages: Option<Vec<String>>,
}

/// The script every preview page loads.
const LIVE_JS: &str = include_str!("live.js");

/// What the event stream follows: the builds, and whether the preview is stopping (then every
/// stream ends, so that open pages do not hold up the shutdown).
#[derive(Clone)]
pub struct Live {
    pub status: watch::Receiver<BuildStatus>,
    pub stopping: watch::Receiver<bool>,
}

/// The event stream and the script, for the preview's router.
pub fn routes(live: Live) -> Router {
    Router::new()
        .route("/__helpbook/events", get(events))
        .route("/__helpbook/live.js", get(script))
        .with_state(live)
}

/// Before the first good build there is no site: every page is this one, which shows the
/// problems (through the script) and reloads once the help center is built.
pub fn waiting_routes(live: Live) -> Router {
    routes(live).fallback(waiting_page)
}

const WAITING_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>helpbook preview</title></head><body>\
<p>helpbook preview is building the help center. This page shows it by itself once it is \
built.</p><script src=\"/__helpbook/live.js\" data-generation=\"0\" defer></script>\
</body></html>\n";

async fn waiting_page() -> impl IntoResponse {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        WAITING_PAGE,
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
}

/// The current status at once, then each new one, until the preview stops.
async fn events(State(live): State<Live>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold((live, true), |(mut live, first)| async move {
        if !first {
            tokio::select! {
                changed = live.status.changed() => changed.ok()?,
                _ = live.stopping.wait_for(|stopping| *stopping) => return None,
            }
        }
        let current = live.status.borrow_and_update().clone();
        let data = serde_json::to_string(&current).unwrap_or_default();
        Some((Ok(Event::default().data(data)), (live, false)))
    });
    Sse::new(stream)
}

/// Adds the live-reload script to HTML pages (before `</body>`, or at the end), telling it
/// which build the page comes from.
pub async fn inject(
    State(status): State<watch::Receiver<BuildStatus>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let generation = status.borrow().generation;
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut html = String::from_utf8_lossy(&bytes).into_owned();
    let tag = format!(
        "<script src=\"/__helpbook/live.js\" data-generation=\"{generation}\" defer></script>"
    );
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &tag),
        None => html.push_str(&tag),
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::LAST_MODIFIED);
    // A page is always fetched anew: it changes with every save.
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(html))
}

/// A router that can be replaced while serving (preview: its waiting page, then the site).
#[derive(Clone)]
pub struct Switch(Arc<ArcSwap<Router>>);

impl Switch {
    pub fn new(first: Router) -> Switch {
        Switch(Arc::new(ArcSwap::from_pointee(first)))
    }

    /// Requests from now on go to `router`.
    pub fn set(&self, router: Router) {
        self.0.store(Arc::new(router));
    }

    /// A router that hands each request to the current one.
    pub fn router(&self) -> Router {
        let switch = self.clone();
        Router::new().fallback(move |request: axum::extract::Request| {
            let current = switch.0.load_full();
            async move {
                match Router::clone(&current).oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_reads_as_the_script_expects() {
        let status = BuildStatus {
            generation: 3,
            problems: Some("<div><strong>content/a.md:2:1</strong>: error: bad</div>".to_string()),
            pages: None,
        };
        assert_eq!(
            serde_json::to_string(&status).expect("serializes"),
            r#"{"generation":3,"problems":"<div><strong>content/a.md:2:1</strong>: error: bad</div>","pages":null}"#
        );
        let updated = BuildStatus {
            generation: 4,
            problems: None,
            pages: Some(vec!["/returns/".to_string()]),
        };
        assert_eq!(
            serde_json::to_string(&updated).expect("serializes"),
            r#"{"generation":4,"problems":null,"pages":["/returns/"]}"#
        );
        assert!(LIVE_JS.contains("/__helpbook/events"));
        assert!(
            LIVE_JS.contains("generation")
                && LIVE_JS.contains("problems")
                && LIVE_JS.contains("status.pages")
        );
    }
}
