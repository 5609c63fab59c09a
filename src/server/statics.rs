//! Static files from `build/site/`: pretty URLs (`/x/` is `x/index.html`, `/x` redirects to
//! `/x/`), cache headers (fingerprinted assets forever, pages revalidated), the site's own
//! `404.html` (the language's, under `/ru/`), GET and HEAD only. Nothing outside the site is
//! reachable: a path with `..`, a dot segment or dotfile, `//`, a backslash or NUL (encoded or
//! not) is a 404 before the disk is touched, and what is found must resolve inside the site.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::AppState;
use super::query::decode;

/// Fingerprinted assets (`style.3b13715c5a.css`): the name changes with the content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages: always revalidated (cheap with ETag / Last-Modified), so a new build shows at once.
const REVALIDATE: &str = "no-cache";
/// Other files (images, favicon): may change with a build, but rarely matter within minutes.
const SHORT: &str = "public, max-age=300";

/// The site-relative path a URL asks for, checked: every segment a plain name.
#[derive(Debug, PartialEq, Eq)]
struct Wanted {
    segments: Vec<String>,
    /// The URL ends with `/`: the folder's `index.html`.
    folder: bool,
}

impl Wanted {
    /// `None` for anything that could leave the site or name a hidden file.
    fn from_path(path: &str) -> Option<Wanted> {
        let rest = path.strip_prefix('/')?;
        let folder = rest.is_empty() || rest.ends_with('/');
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut segments = Vec::new();
        if !rest.is_empty() {
            for raw in rest.split('/') {
                let segment = decode(raw, false).ok()?;
                let plain = !segment.is_empty()
                    && !segment.starts_with('.')
                    && !segment.contains(['/', '\\', '\0']);
                if !plain {
                    return None;
                }
                segments.push(segment);
            }
        }
        Some(Wanted { segments, folder })
    }
}

/// What the site has for a [`Wanted`] path.
#[derive(Debug, PartialEq, Eq)]
enum Located {
    File(PathBuf),
    /// A folder with an `index.html`, asked for without the trailing slash.
    Folder,
    Missing,
}

fn locate(site: &Path, wanted: &Wanted) -> Located {
    let mut path = site.to_path_buf();
    path.extend(&wanted.segments);
    if wanted.folder {
        path.push("index.html");
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() && is_inside(site, &path) => Located::File(path),
        Ok(meta) if meta.is_dir() && !wanted.folder && path.join("index.html").is_file() => {
            Located::Folder
        }
        _ => Located::Missing,
    }
}

/// The build writes no symlinks, but a site copied around might have some: never follow one
/// out of the site.
fn is_inside(site: &Path, file: &Path) -> bool {
    match (site.canonicalize(), file.canonicalize()) {
        (Ok(site), Ok(file)) => file.starts_with(site),
        _ => false,
    }
}

/// The fallback route: a file of the site, a redirect to the folder's URL, or the 404 page.
pub(crate) async fn serve(State(state): State<AppState>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed: the site is read-only (GET and HEAD)\n",
        )
            .into_response();
    }
    let path = request.uri().path().to_string();
    let Some(wanted) = Wanted::from_path(&path) else {
        return not_found(&state, &path).await;
    };
    let site = state.site_dir().to_path_buf();
    let located = tokio::task::spawn_blocking(move || locate(&site, &wanted))
        .await
        .unwrap_or(Located::Missing);
    match located {
        Located::File(file) => {
            let policy = cache_policy(&file);
            let response = match ServeFile::new(&file).oneshot(request).await {
                Ok(response) => response.map(Body::new),
                Err(never) => match never {},
            };
            if response.status() == StatusCode::NOT_FOUND {
                // Gone between the look and the read: a build was swapped in meanwhile.
                return not_found(&state, &path).await;
            }
            finish(response, policy)
        }
        Located::Folder => {
            // `path` starts with `/` and has no empty segment, so this stays on our origin
            // (never `//host`).
            let location = match request.uri().query() {
                Some(query) => format!("{path}/?{query}"),
                None => format!("{path}/"),
            };
            match HeaderValue::from_str(&location) {
                Ok(location) => (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
                Err(_) => not_found(&state, &path).await,
            }
        }
        Located::Missing => not_found(&state, &path).await,
    }
}

/// Cache headers and a charset for text.
fn finish(mut response: Response, policy: &'static str) -> Response {
    let ok = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    if ok {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    let text = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.contains("charset"))
        .filter(|t| {
            t.starts_with("text/") || *t == "application/javascript" || *t == "application/json"
        })
        .map(|t| format!("{t}; charset=utf-8"));
    if let Some(value) = text.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    response
}

fn cache_policy(file: &Path) -> &'static str {
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if is_fingerprinted(name) {
        IMMUTABLE
    } else if name.ends_with(".html") {
        REVALIDATE
    } else {
        SHORT
    }
}

/// `style.3b13715c5a.css`, `app.cb2c78b0d0.js`: a name, ten lowercase hex digits, css or js
/// (as `theme` names them).
fn is_fingerprinted(name: &str) -> bool {
    let mut parts = name.rsplitn(3, '.');
    let (Some(ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    matches!(ext, "css" | "js")
        && !stem.is_empty()
        && hash.len() == 10
        && hash
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// 404 with the site's `404.html`: the language's own under `/ru/…`, else the default one.
async fn not_found(state: &AppState, path: &str) -> Response {
    let site = state.site_dir();
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let search = state.search();
    let mut candidates = Vec::new();
    if search.engine.languages().iter().skip(1).any(|l| l == first) {
        candidates.push(site.join(first).join("404.html"));
    }
    candidates.push(site.join("404.html"));
    for candidate in candidates {
        if let Ok(html) = tokio::fs::read(&candidate).await {
            return (
                StatusCode::NOT_FOUND,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, REVALIDATE),
                ],
                html,
            )
                .into_response();
        }
    }
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// A compressed body is another representation: its ETag must be weak (RFC 9110 8.8.1), or a
/// cache could answer a range request for the plain file with compressed bytes. Weak ETags
/// still match `If-None-Match`, so revalidation keeps working.
pub(crate) async fn weaken_etag(mut response: Response) -> Response {
    if !response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let weak = response
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with('"'))
        .and_then(|v| HeaderValue::from_str(&format!("W/{v}")).ok());
    if let Some(weak) = weak {
        response.headers_mut().insert(header::ETAG, weak);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Option<(Vec<String>, bool)> {
        Wanted::from_path(path).map(|w| (w.segments, w.folder))
    }

    #[test]
    fn pretty_urls_and_files() {
        assert_eq!(segments("/"), Some((vec![], true)));
        assert_eq!(
            segments("/returns/refund-policy/"),
            Some((vec!["returns".into(), "refund-policy".into()], true))
        );
        assert_eq!(
            segments("/returns/refund-policy"),
            Some((vec!["returns".into(), "refund-policy".into()], false))
        );
        assert_eq!(
            segments("/images/size%20chart.svg"),
            Some((vec!["images".into(), "size chart.svg".into()], false))
        );
    }

    #[test]
    fn nothing_that_leaves_the_site_or_is_hidden() {
        for path in [
            "",
            "//evil.example",
            "//evil.example/",
            "/returns//x",
            "/..",
            "/../etc/passwd",
            "/%2e%2e/",
            "/%2E%2E/book.toml",
            "/returns/%2e%2e/%2e%2e/book.toml",
            "/.",
            "/./index.html",
            "/.helpbook-files",
            "/returns/.hidden",
            "/..%2fbook.toml",
            "/a%2fb",
            "/..%5cbook.toml",
            "/a\\b",
            "/a%00.html",
            "/%FF",
            "/100%",
        ] {
            assert_eq!(segments(path), None, "{path}");
        }
    }

    #[test]
    fn only_fingerprinted_assets_are_immutable() {
        assert_eq!(cache_policy(Path::new("style.3b13715c5a.css")), IMMUTABLE);
        assert_eq!(cache_policy(Path::new("/s/app.cb2c78b0d0.js")), IMMUTABLE);
        assert_eq!(cache_policy(Path::new("style.css")), SHORT);
        assert_eq!(cache_policy(Path::new("style.3B13715C5A.css")), SHORT);
        assert_eq!(cache_policy(Path::new("a.3b13715c5.css")), SHORT);
        assert_eq!(cache_policy(Path::new(".3b13715c5a.css")), SHORT);
        assert_eq!(cache_policy(Path::new("returns/index.html")), REVALIDATE);
        assert_eq!(cache_policy(Path::new("favicon.svg")), SHORT);
    }

    #[test]
    fn locate_finds_pages_folders_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("returns/refund-policy")).unwrap();
        std::fs::create_dir_all(site.join("empty")).unwrap();
        std::fs::write(site.join("returns/refund-policy/index.html"), "x").unwrap();
        std::fs::write(site.join("robots.txt"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt")).unwrap();
        let at = |path: &str| locate(&site, &Wanted::from_path(path).unwrap());
        assert_eq!(
            at("/returns/refund-policy/"),
            Located::File(site.join("returns/refund-policy/index.html"))
        );
        assert_eq!(at("/returns/refund-policy"), Located::Folder);
        assert_eq!(at("/robots.txt"), Located::File(site.join("robots.txt")));
        assert_eq!(at("/robots.txt/"), Located::Missing);
        assert_eq!(at("/empty/"), Located::Missing);
        assert_eq!(at("/empty"), Located::Missing);
        assert_eq!(at("/returns/"), Located::Missing);
        assert_eq!(at("/link.txt"), Located::Missing);
    }
}
