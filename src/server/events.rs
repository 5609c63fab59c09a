//! What shoppers do with an answer: `POST /api/click` (a result chosen, sent by the search
//! box with `navigator.sendBeacon`), `GET /api/click` (the same from the no-JavaScript results
//! page: recorded, then a 303 to the article), and `POST /api/handoff` (the support contact
//! chosen). Each answers 204 (or the redirect) whether or not insights are on: a shopper's
//! click never fails because of them. Wrong fields are a 400 naming them.

use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};

use super::AppState;
use super::api::{ApiError, MAX_LIMIT, MAX_QUERY_CHARS, checked_page};
use super::feedback::{is_page, media_type};
use super::query::QueryString;
use crate::insights::{Click, Event, Handoff, normalize, this_minute};

/// `POST /api/click` `{q, url, rank, lang?, page?}`
pub(crate) async fn click_posted(State(state): State<AppState>, request: Request) -> Response {
    match read_json(request)
        .await
        .and_then(|fields| click_of(&state, &fields))
    {
        Ok(click) => {
            record(&state, Event::Click(click));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// `GET /api/click?q=&url=&rank=&lang=`: recorded, then on to `url`.
pub(crate) async fn click_followed(State(state): State<AppState>, uri: Uri) -> Response {
    let fields = match QueryString::parse(uri.query().unwrap_or("")) {
        Ok(query) => {
            let mut fields = Map::new();
            for name in ["q", "url", "rank", "lang", "page"] {
                match query.get(name) {
                    Ok(Some(value)) if name == "rank" => {
                        let rank = value
                            .parse::<u64>()
                            .map_or(Value::String(value), Value::from);
                        fields.insert(name.to_string(), rank);
                    }
                    Ok(Some(value)) => {
                        fields.insert(name.to_string(), Value::String(value));
                    }
                    Ok(None) => {}
                    Err(message) => return ApiError::BadRequest(message).into_response(),
                }
            }
            fields
        }
        Err(message) => return ApiError::BadRequest(message).into_response(),
    };
    match click_of(&state, &fields) {
        Ok(click) => {
            // The address as given, with its anchor: it was checked to be a page of the site.
            let to = string(&fields, "url")
                .unwrap_or_default()
                .unwrap_or_default();
            record(&state, Event::Click(click));
            ([(header::CACHE_CONTROL, "no-store")], Redirect::to(&to)).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// `POST /api/handoff` `{from, channel, q?, page?}`
pub(crate) async fn handoff_posted(State(state): State<AppState>, request: Request) -> Response {
    match read_json(request)
        .await
        .and_then(|fields| handoff_of(&state, &fields))
    {
        Ok(handoff) => {
            record(&state, Event::Handoff(handoff));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn post_only() -> ApiError {
    ApiError::MethodNotAllowed("POST")
}

pub(crate) async fn get_or_post() -> ApiError {
    ApiError::MethodNotAllowed("GET, HEAD, POST")
}

fn record(state: &AppState, event: Event) {
    if let Some(insights) = state.insights() {
        insights.record(event);
    }
}

async fn read_json(request: Request) -> Result<Map<String, Value>, ApiError> {
    let content_type = media_type(&request);
    // sendBeacon sends a Blob with the type it was given.
    if content_type != "application/json" {
        return Err(ApiError::Unsupported(format!(
            "Content-Type must be application/json, got `{content_type}`"
        )));
    }
    let body = axum::body::to_bytes(request.into_body(), super::BODY_LIMIT)
        .await
        .map_err(|_| ApiError::TooLarge)?;
    match serde_json::from_slice(&body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::BadRequest(
            "the body must be a JSON object".to_string(),
        )),
        Err(e) => Err(ApiError::BadRequest(format!(
            "the body must be a JSON object: {e}"
        ))),
    }
}

fn click_of(state: &AppState, fields: &Map<String, Value>) -> Result<Click, ApiError> {
    let query = required(fields, "q", "the query the result answered")?;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::BadRequest(format!(
            "q must be at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let url = required(fields, "url", "the address of the result chosen")?;
    let page_url = url.split('#').next().unwrap_or_default().to_string();
    if !is_page(state, &page_url) {
        return Err(ApiError::BadRequest(format!(
            "url must be the address of a page of this help center, got `{url}`"
        )));
    }
    let rank = match fields.get("rank") {
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|r| (1..=(MAX_LIMIT as u64 + 1000)).contains(r))
            .ok_or_else(|| bad("rank must be the result's place, from 1"))?,
        Some(_) => {
            return Err(bad(
                "rank must be a whole number, the result's place from 1",
            ));
        }
        None => return Err(bad("rank is required: the result's place, from 1")),
    };
    let search = state.search();
    let languages = search.engine.languages();
    let lang = match string(fields, "lang")? {
        Some(lang) if languages.contains(&lang) => lang,
        Some(lang) => {
            return Err(ApiError::BadRequest(format!(
                "lang must be one of the help center's languages, got `{lang}`"
            )));
        }
        None => search.engine.default_language().to_string(),
    };
    Ok(Click {
        at: this_minute(),
        query: normalize(&query),
        lang,
        url: page_url,
        rank: rank as usize,
        page: page_id(fields)?,
    })
}

fn handoff_of(state: &AppState, fields: &Map<String, Value>) -> Result<Handoff, ApiError> {
    let from = required(fields, "from", "the address of the page the shopper was on")?;
    let from = from
        .split(['#', '?'])
        .next()
        .unwrap_or_default()
        .to_string();
    let search = state.search();
    let is_search_page = search
        .engine
        .languages()
        .iter()
        .enumerate()
        .any(|(n, lang)| {
            from == if n == 0 {
                "/search/".to_string()
            } else {
                format!("/{lang}/search/")
            }
        });
    if !is_search_page && !is_page(state, &from) {
        return Err(ApiError::BadRequest(format!(
            "from must be the address of a page of this help center, got `{from}`"
        )));
    }
    let channel = required(fields, "channel", "`email`, `phone` or `chat`")?;
    if !["email", "phone", "chat"].contains(&channel.as_str()) {
        return Err(ApiError::BadRequest(format!(
            "channel must be `email`, `phone` or `chat`, got `{channel}`"
        )));
    }
    let query = string(fields, "q")?
        .map(|q| normalize(&q))
        .filter(|q| !q.is_empty() && q.chars().count() <= MAX_QUERY_CHARS);
    Ok(Handoff {
        at: this_minute(),
        from,
        query,
        channel,
        page: page_id(fields)?,
    })
}

fn string(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::BadRequest(format!("{name} must be a string"))),
    }
}

fn required(fields: &Map<String, Value>, name: &str, what: &str) -> Result<String, ApiError> {
    string(fields, name)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::BadRequest(format!("{name} is required: {what}")))
}

fn page_id(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    checked_page(string(fields, "page")?)
}

fn bad(message: &str) -> ApiError {
    ApiError::BadRequest(message.to_string())
}
