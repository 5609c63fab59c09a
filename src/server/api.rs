//! `GET /api/search`: parameters read from the raw query string and validated here (each bad
//! one is a 400 naming it and what is allowed), the search run off the async threads, the
//! engine's `Response` as JSON. [`ApiError`] is the one error type of the JSON API.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use std::sync::Arc;

use super::AppState;
use super::pool::Refused;
use super::query::QueryString;
use super::state::Searching;
use crate::insights::{self, Answered, Event};
use crate::search;

/// The longest query accepted, in characters (not bytes).
pub const MAX_QUERY_CHARS: usize = 256;
/// `limit` is 1..=MAX_LIMIT, 10 when not given.
pub const MAX_LIMIT: usize = 50;
pub const DEFAULT_LIMIT: usize = 10;
/// `offset` is 0..=MAX_OFFSET: deeper pages are not worth a shopper's time or our CPU.
pub const MAX_OFFSET: usize = 1000;
/// When a search refused for being one too many may be tried again.
pub const RETRY_AFTER_SECONDS: u32 = 1;

/// An answer of the JSON API that is not a result: `{"error": "..."}` with its status.
#[derive(Debug)]
pub enum ApiError {
    /// 400: a parameter is missing or wrong; the message names it and what is allowed.
    BadRequest(String),
    /// 404: no such endpoint.
    NotFound,
    /// 405: the endpoint answers only the methods given (the `Allow` header).
    MethodNotAllowed(&'static str),
    /// 413: the body is over the limit.
    TooLarge,
    /// 415: the body's type is not one the endpoint reads; the message says which are.
    Unsupported(String),
    /// 429: this client sent too many; the message says when to try again.
    TooMany(String),
    /// 503: the server cannot do it now; the message says why.
    Unavailable(String),
    /// 503 with `Retry-After`: more searches are waiting than the server takes on.
    Busy,
    /// 500: logged in full, answered generically.
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let allow = match &self {
            ApiError::MethodNotAllowed(allowed) => Some(*allowed),
            _ => None,
        };
        let busy = matches!(self, ApiError::Busy);
        let (status, message) = match self {
            ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, message),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "no such endpoint; the API has GET /api/search and POST /api/feedback".to_string(),
            ),
            ApiError::MethodNotAllowed(allowed) => (
                StatusCode::METHOD_NOT_ALLOWED,
                format!("method not allowed; use {allowed}"),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body must be at most {} KB", super::BODY_LIMIT / 1024),
            ),
            ApiError::Unsupported(message) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, message),
            ApiError::TooMany(message) => (StatusCode::TOO_MANY_REQUESTS, message),
            ApiError::Unavailable(message) => (StatusCode::SERVICE_UNAVAILABLE, message),
            ApiError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("the server is busy; try again in {RETRY_AFTER_SECONDS} second"),
            ),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "search failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the search failed; please try again".to_string(),
                )
            }
        };
        let mut response = (
            status,
            [(header::CACHE_CONTROL, "no-store")],
            Json(json!({ "error": message })),
        )
            .into_response();
        if busy {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(RETRY_AFTER_SECONDS),
            );
        }
        if let Some(allowed) = allow {
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static(allowed));
        }
        response
    }
}

/// The search parameters shared by the API and the `/search/` page, validated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Params {
    /// Trimmed; `None` when not given.
    pub q: Option<String>,
    pub lang: Option<String>,
    pub section: Option<String>,
    pub limit: Option<usize>,
    pub offset: usize,
    /// The search box's random id for this page load: searches with the same one are one
    /// shopper typing (see `insights`).
    pub page: Option<String>,
}

impl Params {
    /// Reads the raw (still percent-encoded) query string. `languages` are the index's.
    /// An empty optional parameter (`lang=`) is the same as a missing one; unknown parameters
    /// are ignored; when a parameter is given twice, the first counts.
    pub(crate) fn parse(raw: &str, languages: &[String]) -> Result<Params, ApiError> {
        let query = QueryString::parse(raw).map_err(ApiError::BadRequest)?;
        let get = |name: &str| -> Result<Option<String>, ApiError> {
            query.get(name).map_err(ApiError::BadRequest)
        };
        let optional = |name: &str| -> Result<Option<String>, ApiError> {
            Ok(get(name)?.filter(|v| !v.trim().is_empty()))
        };
        let q = get("q")?.map(|q| q.trim().to_string());
        if let Some(q) = &q {
            let chars = q.chars().count();
            if chars > MAX_QUERY_CHARS {
                return Err(ApiError::BadRequest(format!(
                    "q must be at most {MAX_QUERY_CHARS} characters, got {chars}"
                )));
            }
        }
        let lang = optional("lang")?;
        if let Some(lang) = &lang
            && !languages.contains(lang)
        {
            return Err(ApiError::BadRequest(format!(
                "lang must be one of {}, got `{lang}`",
                languages
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let limit = optional("limit")?
            .map(|v| number("limit", &v, 1, MAX_LIMIT))
            .transpose()?;
        let offset = optional("offset")?
            .map(|v| number("offset", &v, 0, MAX_OFFSET))
            .transpose()?
            .unwrap_or(0);
        let page = checked_page(optional("page")?)?;
        Ok(Params {
            q,
            lang,
            section: optional("section")?,
            limit,
            offset,
            page,
        })
    }

    /// The query the API needs: given and not empty.
    pub(crate) fn required_query(&self) -> Result<&str, ApiError> {
        match self.q.as_deref() {
            None => Err(ApiError::BadRequest(format!(
                "q is required: the text to search for, 1 to {MAX_QUERY_CHARS} characters"
            ))),
            Some("") => Err(ApiError::BadRequest(format!(
                "q must not be empty: give 1 to {MAX_QUERY_CHARS} characters to search for"
            ))),
            Some(q) => Ok(q),
        }
    }

    pub(crate) fn request(&self, query: &str, default_limit: usize) -> search::Request {
        search::Request {
            query: query.to_string(),
            lang: self.lang.clone(),
            section: self.section.clone(),
            limit: self.limit.unwrap_or(default_limit),
            offset: self.offset,
            explain: false,
        }
    }
}

/// The search box's page id, when given: 4 to 32 letters and digits.
pub(crate) fn checked_page(page: Option<String>) -> Result<Option<String>, ApiError> {
    if let Some(page) = &page
        && (!(4..=32).contains(&page.len()) || !page.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(ApiError::BadRequest(format!(
            "page must be 4 to 32 letters and digits (the search box's id), got `{page}`"
        )));
    }
    Ok(page)
}

/// A whole number in `min..=max`; the message says which rule `value` broke.
fn number(name: &str, value: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    let trimmed = value.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::BadRequest(format!(
            "{name} must be a whole number {min}..={max}, got `{value}`"
        )));
    }
    match trimmed.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::BadRequest(format!(
            "{name} must be {min}..={max}, got {trimmed}"
        ))),
    }
}

/// Answers from the generation's recent answers, or runs the search on the search pool (see
/// `pool`): never on the threads that serve pages and `/healthz`, so that no query, however
/// costly, holds them up. A full pool's queue is a 503 with `Retry-After`.
pub(crate) async fn run(
    state: &AppState,
    search: &Arc<Searching>,
    request: search::Request,
) -> Result<search::Response, ApiError> {
    let metrics = state.metrics();
    if let Some(response) = search.answers.get(&request) {
        metrics.searched(true, !response.hits.is_empty());
        return Ok(response);
    }
    let searching = Arc::clone(search);
    let timed = Arc::clone(metrics);
    let query = request.query.clone();
    let response = state
        .search_pool()
        .run(move || {
            let started = std::time::Instant::now();
            let response = searching.engine.search(&request);
            timed.search_took(started.elapsed());
            if let Ok(response) = &response {
                searching.answers.put(request, || response.clone());
            }
            response
        })
        .await
        .map_err(|refused| match refused {
            Refused::Busy => {
                metrics.shed();
                ApiError::Busy
            }
            Refused::Panicked => ApiError::Internal(format!("the search for `{query}` panicked")),
            Refused::Stopped => ApiError::Unavailable("the server is shutting down".into()),
        })?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    metrics.searched(false, !response.hits.is_empty());
    Ok(response)
}

/// [`run`], recording the search when insights are on (a first page only: a shopper paging
/// on is still the same search).
pub(crate) async fn run_recorded(
    state: &AppState,
    search: &Arc<Searching>,
    request: search::Request,
    page: Option<&str>,
) -> Result<search::Response, ApiError> {
    let Some(insights) = state.insights().filter(|_| request.offset == 0) else {
        return run(state, search, request).await;
    };
    let lang = search.engine.language_of(&request).to_string();
    let (query, section) = (insights::normalize(&request.query), request.section.clone());
    let response = run(state, search, request).await?;
    let answered = if response.hits.is_empty() {
        Answered::Nothing
    } else if response.lang != lang {
        Answered::OtherLanguage
    } else if response.no_exact_answer {
        Answered::Related
    } else if response.searched_as.is_some() {
        match response.read_as {
            Some("layout") => Answered::Layout,
            Some("translit") => Answered::Translit,
            _ => Answered::OtherReading,
        }
    } else {
        Answered::AsTyped
    };
    insights.record(Event::Search(insights::Search {
        at: insights::this_minute(),
        query,
        lang,
        section,
        hits: response.total,
        answered,
        suggested: response.suggestion.is_some(),
        page: page.map(str::to_string),
    }));
    Ok(response)
}

/// `GET /api/search?q=&lang=&section=&limit=&offset=`
pub(crate) async fn search(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let search = state.search();
    let params = Params::parse(uri.query().unwrap_or(""), search.engine.languages())?;
    let request = params.request(params.required_query()?, DEFAULT_LIMIT);
    let response = run_recorded(&state, &search, request, params.page.as_deref()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(response)))
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed("GET, HEAD")
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages() -> Vec<String> {
        vec!["en".into(), "ru".into(), "et".into()]
    }

    fn error(raw: &str) -> String {
        match Params::parse(raw, &languages()).and_then(|p| p.required_query().map(|_| ())) {
            Err(ApiError::BadRequest(message)) => message,
            other => panic!("{raw}: expected a 400, got {other:?}"),
        }
    }

    #[test]
    fn defaults_and_values() {
        let params = Params::parse(
            "q=+money+back+&lang=ru&section=%2Freturns%2F&limit=5&offset=10&utm_source=x",
            &languages(),
        )
        .unwrap();
        assert_eq!(params.required_query().unwrap(), "money back");
        let request = params.request("money back", DEFAULT_LIMIT);
        assert_eq!(request.lang.as_deref(), Some("ru"));
        assert_eq!(request.section.as_deref(), Some("/returns/"));
        assert_eq!((request.limit, request.offset), (5, 10));

        let params = Params::parse("q=x&lang=&limit=", &languages()).unwrap();
        let request = params.request("x", DEFAULT_LIMIT);
        assert_eq!(request.lang, None);
        assert_eq!((request.limit, request.offset), (DEFAULT_LIMIT, 0));
    }

    #[test]
    fn every_bad_parameter_is_named_with_what_is_allowed() {
        let long = "a".repeat(257);
        let cyrillic_ok = "д".repeat(256);
        assert!(Params::parse(&format!("q={cyrillic_ok}"), &languages()).is_ok());
        for (raw, expected) in [
            ("", "q is required"),
            ("lang=en", "q is required"),
            ("q=", "q must not be empty"),
            ("q=+++", "q must not be empty"),
            (
                &format!("q={long}")[..],
                "q must be at most 256 characters, got 257",
            ),
            ("q=%FF", "q cannot be read: it is not UTF-8"),
            (
                "q=100%",
                "q cannot be read: `%` is not a percent-encoded byte",
            ),
            ("q=x&limit=0", "limit must be 1..=50, got 0"),
            ("q=x&limit=51", "limit must be 1..=50, got 51"),
            (
                "q=x&limit=abc",
                "limit must be a whole number 1..=50, got `abc`",
            ),
            (
                "q=x&limit=1.5",
                "limit must be a whole number 1..=50, got `1.5`",
            ),
            ("q=x&offset=-1", "offset must be 0..=1000, got -1"),
            ("q=x&offset=1001", "offset must be 0..=1000, got 1001"),
            (
                "q=x&offset=x",
                "offset must be a whole number 0..=1000, got `x`",
            ),
            (
                "q=x&offset=99999999999999999999999",
                "offset must be 0..=1000, got 99999999999999999999999",
            ),
            (
                "q=x&lang=de",
                "lang must be one of `en`, `ru`, `et`, got `de`",
            ),
            ("q=x&page=ab", "page must be 4 to 32 letters and digits"),
            (
                "q=x&page=a%3Cb%3Ecd",
                "page must be 4 to 32 letters and digits",
            ),
        ] {
            let message = error(raw);
            assert!(
                message.starts_with(expected),
                "{raw}: `{message}` should start with `{expected}`"
            );
        }
    }
}
