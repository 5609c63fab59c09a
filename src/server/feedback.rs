//! `POST /api/feedback`: a "Was this helpful?" vote, `{url, helpful, comment?}` as JSON (204)
//! or as the widget's plain form when JavaScript is off (303 back to the article, at its
//! thank-you). Every field is checked and named when wrong; nothing is stored then. Votes are
//! limited per client address, counted in memory only: the address is never written.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::AppState;
use super::api::ApiError;
use super::query::QueryString;
use crate::insights::{Event, Feedback, mask, this_minute};

/// The longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;
/// Votes one client address may send per minute.
pub const VOTES_PER_MINUTE: u32 = 10;
/// The longest article URL accepted.
const MAX_URL_BYTES: usize = 2048;

/// The client's address, set on every request by the accept loop.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

/// Votes per client address in the current minute.
#[derive(Default)]
pub struct RateLimit {
    counts: Mutex<(i64, HashMap<IpAddr, u32>)>,
}

impl RateLimit {
    /// Counts a vote from `address`; `false` when it is over the limit for this minute.
    fn allow(&self, address: IpAddr, minute: i64) -> bool {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let (current, by_address) = &mut *counts;
        if *current != minute {
            *current = minute;
            by_address.clear();
        }
        let count = by_address.entry(address).or_insert(0);
        *count += 1;
        *count <= VOTES_PER_MINUTE
    }
}

/// What a vote says, checked.
#[derive(Debug, PartialEq)]
struct Vote {
    url: String,
    helpful: bool,
    comment: Option<String>,
}

/// How the vote came: JSON from the widget's script, or the plain form.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sent {
    Json,
    Form,
}

pub(crate) async fn post(State(state): State<AppState>, request: Request) -> Response {
    match receive(&state, request).await {
        Ok((Sent::Json, _)) => StatusCode::NO_CONTENT.into_response(),
        Ok((Sent::Form, url)) => Redirect::to(&format!("{url}#helpful-thanks")).into_response(),
        Err(error) => error.into_response(),
    }
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed("POST")
}

async fn receive(state: &AppState, request: Request) -> Result<(Sent, String), ApiError> {
    let client = request
        .extensions()
        .get::<ClientAddr>()
        .map(|c| client_of(c.0.ip(), request.headers()));
    let sent = match media_type(&request).as_str() {
        "application/json" => Sent::Json,
        "application/x-www-form-urlencoded" => Sent::Form,
        other => {
            return Err(ApiError::Unsupported(format!(
                "Content-Type must be application/json or application/x-www-form-urlencoded, got `{other}`"
            )));
        }
    };
    // The body limit layer has already refused anything over 16 KB.
    let body = axum::body::to_bytes(request.into_body(), super::BODY_LIMIT)
        .await
        .map_err(|_| ApiError::TooLarge)?;
    let vote = match sent {
        Sent::Json => from_json(&body)?,
        Sent::Form => from_form(&body)?,
    };
    if !is_page(state, &vote.url) {
        return Err(ApiError::BadRequest(format!(
            "url must be the address of a page of this help center (`/returns/refund-policy/`), got `{}`",
            vote.url
        )));
    }
    let minute = this_minute();
    if let Some(client) = client
        && !state.feedback_limit().allow(client, minute)
    {
        return Err(ApiError::TooMany(format!(
            "at most {VOTES_PER_MINUTE} votes a minute from one address; try again in a minute"
        )));
    }
    let Some(insights) = state.insights() else {
        return Err(ApiError::Unavailable(
            "feedback is not recorded on this server ([insights] enabled = false)".to_string(),
        ));
    };
    let recorded = insights.record(Event::Feedback(Feedback {
        at: minute,
        url: vote.url.clone(),
        helpful: vote.helpful,
        comment: vote.comment.as_deref().map(mask::personal_data),
    }));
    if !recorded {
        return Err(ApiError::Unavailable(
            "the vote could not be recorded just now; please try again later".to_string(),
        ));
    }
    Ok((sent, vote.url))
}

fn from_json(body: &[u8]) -> Result<Vote, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::BadRequest(format!(
            "the body must be a JSON object {{\"url\": ..., \"helpful\": true or false, \"comment\": ...}}: {e}"
        ))
    })?;
    let Some(object) = value.as_object() else {
        return Err(ApiError::BadRequest(
            "the body must be a JSON object {\"url\": ..., \"helpful\": true or false, \"comment\": ...}"
                .to_string(),
        ));
    };
    let url = match object.get("url") {
        Some(serde_json::Value::String(url)) => url.clone(),
        Some(_) => return Err(bad("url must be a string: the article's address")),
        None => return Err(bad("url is required: the article's address")),
    };
    let helpful = match object.get("helpful") {
        Some(serde_json::Value::Bool(helpful)) => *helpful,
        Some(_) => return Err(bad("helpful must be true or false")),
        None => return Err(bad("helpful is required: true or false")),
    };
    let comment = match object.get("comment") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(comment)) => Some(comment.clone()),
        Some(_) => return Err(bad("comment must be a string")),
    };
    checked(url, helpful, comment)
}

fn from_form(body: &[u8]) -> Result<Vote, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| bad("the form cannot be read: it is not UTF-8 text"))?;
    let form = QueryString::parse(text).map_err(ApiError::BadRequest)?;
    let field = |name: &str| form.get(name).map_err(ApiError::BadRequest);
    let url = field("url")?.ok_or_else(|| bad("url is required: the article's address"))?;
    let helpful = match field("helpful")?.as_deref() {
        Some("yes" | "true") => true,
        Some("no" | "false") => false,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "helpful must be `yes` or `no`, got `{other}`"
            )));
        }
        None => return Err(bad("helpful is required: `yes` or `no`")),
    };
    checked(url, helpful, field("comment")?)
}

fn checked(url: String, helpful: bool, comment: Option<String>) -> Result<Vote, ApiError> {
    let comment = comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if let Some(comment) = &comment {
        let chars = comment.chars().count();
        if chars > MAX_COMMENT_CHARS {
            return Err(ApiError::BadRequest(format!(
                "comment must be at most {MAX_COMMENT_CHARS} characters, got {chars}"
            )));
        }
    }
    Ok(Vote {
        url,
        helpful,
        comment,
    })
}

fn bad(message: &str) -> ApiError {
    ApiError::BadRequest(message.to_string())
}

/// The shopper's address: the peer's, or, when the peer is a proxy on this machine, the one it
/// says it forwards for (the last address of `X-Forwarded-For`, which that proxy appended).
fn client_of(peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
    if !peer.is_loopback() {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|a| a.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

/// The request's `Content-Type` without its parameters, lowercased (`""` when none).
pub(super) fn media_type(request: &Request) -> String {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether `url` is the address of a page of the current build: `/a/b/` with its
/// `index.html` in the site folder, and nothing that could leave the folder.
pub(super) fn is_page(state: &AppState, url: &str) -> bool {
    let Some(path) = url.strip_prefix('/') else {
        return false;
    };
    let safe = url.len() <= MAX_URL_BYTES
        && url.ends_with('/')
        && !url.contains(['\\', '?', '#', '\0'])
        && path
            .split('/')
            .all(|segment| segment != ".." && segment != "." && !segment.starts_with('.'));
    safe && state.site_dir().join(path).join("index.html").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wrong_field_is_named() {
        for (body, expected) in [
            (r#"[1]"#, "the body must be a JSON object"),
            (r#"{"helpful": true}"#, "url is required"),
            (r#"{"url": 5, "helpful": true}"#, "url must be a string"),
            (r#"{"url": "/a/"}"#, "helpful is required"),
            (
                r#"{"url": "/a/", "helpful": "yes"}"#,
                "helpful must be true or false",
            ),
            (
                r#"{"url": "/a/", "helpful": false, "comment": 3}"#,
                "comment must be a string",
            ),
            ("{", "the body must be a JSON object"),
        ] {
            match from_json(body.as_bytes()) {
                Err(ApiError::BadRequest(message)) => {
                    assert!(message.starts_with(expected), "{body}: {message}");
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        let body = serde_json::json!({"url": "/a/", "helpful": false, "comment": long});
        match from_json(body.to_string().as_bytes()) {
            Err(ApiError::BadRequest(message)) => {
                assert_eq!(message, "comment must be at most 1000 characters, got 1001");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_plain_form_reads_like_the_json() {
        let vote = from_form(b"url=%2Freturns%2Frefund-policy%2F&helpful=no&comment=Too+slow%21")
            .expect("reads");
        assert_eq!(
            vote,
            Vote {
                url: "/returns/refund-policy/".into(),
                helpful: false,
                comment: Some("Too slow!".into()),
            }
        );
        let vote = from_form(b"url=%2Fa%2F&helpful=yes&comment=+++").expect("reads");
        assert_eq!(vote.comment, None);
        assert!(
            matches!(from_form(b"url=%2Fa%2F&helpful=maybe"), Err(ApiError::BadRequest(m)) if m.contains("`maybe`"))
        );
    }

    #[test]
    fn behind_a_proxy_on_this_machine_the_forwarded_address_counts() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("value"),
        );
        let loopback: IpAddr = "127.0.0.1".parse().expect("address");
        let remote: IpAddr = "192.0.2.1".parse().expect("address");
        assert_eq!(
            client_of(loopback, &headers),
            "198.51.100.7".parse::<IpAddr>().expect("address")
        );
        assert_eq!(
            client_of(remote, &headers),
            remote,
            "only a local proxy is believed"
        );
        assert_eq!(client_of(loopback, &axum::http::HeaderMap::new()), loopback);
    }

    #[test]
    fn each_address_has_its_own_votes_per_minute() {
        let limit = RateLimit::default();
        let one: IpAddr = "192.0.2.1".parse().expect("address");
        let other: IpAddr = "192.0.2.2".parse().expect("address");
        for _ in 0..VOTES_PER_MINUTE {
            assert!(limit.allow(one, 60));
        }
        assert!(!limit.allow(one, 60));
        assert!(limit.allow(other, 60));
        assert!(limit.allow(one, 120), "a new minute starts afresh");
    }
}
