//! `GET /search/?q=` (and `/ru/search/?q=`…): the theme's `search.html` rendered with the
//! results, so that search works with JavaScript off. The template gets the variables the
//! build gives that page (README.md, "Theming") plus `query`, `results`, `total`,
//! `suggestion` and, when nothing was found, `popular` (title, url, section); Tera escapes everything but the snippets, which the search module escaped.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::AppState;
use super::api::{self, ApiError, Params};
use crate::config::{Config, language_name};
use crate::diag::Diagnostic;
use crate::search;
use crate::theme::Theme;

/// Results shown on the page when the URL does not say `limit`.
const PAGE_LIMIT: usize = 20;

/// The help center's settings and theme, ready to render search pages.
pub struct SearchPage {
    config: Config,
    theme: Theme,
}

impl SearchPage {
    /// Loads the theme named in `config` (the embedded default, overlaid by `themes/<name>/`).
    pub fn load(config: Config) -> Result<SearchPage, Vec<Diagnostic>> {
        let theme = Theme::load(&config)?;
        Ok(SearchPage { config, theme })
    }

    /// The default language first.
    pub fn languages(&self) -> &[String] {
        &self.config.languages
    }

    /// Renders the search page of `lang` for `query` and what the search found; an empty
    /// `query` (and no response) is the page the build writes: a search box and a hint.
    pub fn render(
        &self,
        lang: &str,
        query: &str,
        response: Option<&search::Response>,
    ) -> Result<String, Diagnostic> {
        let mut map = self.base(lang);
        map.insert("query".into(), json!(query));
        let results: Vec<Value> = response
            .map(|r| {
                r.hits
                    .iter()
                    .map(|hit| {
                        json!({
                            "title": hit.title,
                            "url": hit.url,
                            "section": hit.section,
                            "snippet": hit.snippet,
                            "kind": hit.kind,
                            "heading": hit.heading,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        map.insert("results".into(), Value::Array(results));
        map.insert("total".into(), json!(response.map_or(0, |r| r.total)));
        map.insert(
            "popular".into(),
            json!(response.map(|r| r.popular.as_slice()).unwrap_or_default()),
        );
        map.insert(
            "suggestion".into(),
            json!(response.and_then(|r| r.suggestion.as_deref()).unwrap_or("")),
        );
        // Another reading of the query (`ljcnfdrf` -> `доставка`) and answers in another
        // language are said out loud, so the shopper knows why the results look different.
        map.insert(
            "searched_as".into(),
            json!(
                response
                    .and_then(|r| r.searched_as.as_deref())
                    .unwrap_or("")
            ),
        );
        let other_language = response
            .filter(|r| r.total > 0 && r.lang != lang)
            .map(|r| language_name(&r.lang))
            .unwrap_or_default();
        map.insert("results_language".into(), json!(other_language));
        // The support contact first: the shopper asked for a person, or no article answers
        // exactly.
        map.insert(
            "support_first".into(),
            json!(response.is_some_and(|r| r.support_first)),
        );
        // No article holds the query's distinctive words: said first, the hits are related.
        map.insert(
            "no_exact_answer".into(),
            json!(response.is_some_and(|r| r.no_exact_answer)),
        );
        self.render_variables(map)
    }

    /// The search page of `lang` saying that the search for `query` is busy: try again.
    pub fn render_busy(&self, lang: &str, query: &str) -> Result<String, Diagnostic> {
        let mut map = self.base(lang);
        map.insert("query".into(), json!(query));
        map.insert("busy".into(), json!(true));
        self.render_variables(map)
    }

    fn render_variables(&self, map: Map<String, Value>) -> Result<String, Diagnostic> {
        let context = tera::Context::from_value(Value::Object(map))
            .map_err(|e| Diagnostic::error("templates/search.html", e.to_string()))?;
        self.theme.render("search.html", &context)
    }

    /// The variables of the build's search page in `lang`.
    fn base(&self, lang: &str) -> Map<String, Value> {
        let t = Value::Object(self.theme.strings(lang));
        crate::render::search_page_variables(&self.config, &self.theme, t, lang)
    }
}

/// `/search/`: the default language.
pub(crate) async fn default_language(State(state): State<AppState>, request: Request) -> Response {
    let page = state.page();
    let lang = page
        .languages()
        .first()
        .cloned()
        .unwrap_or_else(|| "en".to_string());
    render(state, lang, request).await
}

/// `/{lang}/search/`: another language's page; any other folder's `search/` is a static path.
pub(crate) async fn other_language(State(state): State<AppState>, request: Request) -> Response {
    let page = state.page();
    let first = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    match page.languages().iter().skip(1).find(|l| *l == first) {
        Some(lang) => render(state.clone(), lang.clone(), request).await,
        None => super::statics::serve(State(state), request).await,
    }
}

async fn render(state: AppState, lang: String, request: Request) -> Response {
    let page = state.page();
    let search = state.search();
    let raw = request.uri().query().unwrap_or("");
    let (status, query, response) = match Params::parse(raw, search.engine.languages()) {
        // A bad parameter on the page: the page with its search box, and a 400.
        Err(_) => (StatusCode::BAD_REQUEST, String::new(), None),
        Ok(params) => match params.q.as_deref() {
            None | Some("") => (StatusCode::OK, String::new(), None),
            Some(q) => {
                let mut wanted = params.request(q, PAGE_LIMIT);
                wanted.lang = Some(lang.clone());
                match api::run_recorded(&state, &search, wanted, params.page.as_deref()).await {
                    Ok(response) => (StatusCode::OK, q.to_string(), Some(response)),
                    // Too many searches at once: the page says so, and when to try again.
                    Err(ApiError::Busy) => return busy(&page, &lang, q),
                    Err(error) => return error.into_response(),
                }
            }
        },
    };
    html(page.render(&lang, &query, response.as_ref()), status)
}

/// The page for `query` that says the search is busy: 503 with `Retry-After`.
fn busy(page: &SearchPage, lang: &str, query: &str) -> Response {
    let mut response = html(
        page.render_busy(lang, query),
        StatusCode::SERVICE_UNAVAILABLE,
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(api::RETRY_AFTER_SECONDS),
    );
    response
}

fn html(rendered: Result<String, Diagnostic>, status: StatusCode) -> Response {
    match rendered {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response(),
        Err(problem) => {
            tracing::error!(%problem, "the search page cannot be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the search page cannot be shown; please try again",
            )
                .into_response()
        }
    }
}
