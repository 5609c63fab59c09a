//! `helpbook serve`: the real binary on the demo, over real HTTP on 127.0.0.1.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::HelpCenter;

/// How long the server may take to build the demo and start listening (a debug build on a
/// busy CI machine).
const START: Duration = Duration::from_secs(120);

/// A running `helpbook serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// Everything the server printed before it said where it listens.
    pub startup: String,
    /// What it printed after that, line by line.
    later: std::sync::Mutex<mpsc::Receiver<String>>,
    agent: ureq::Agent,
}

/// A response, read whole.
pub struct Reply {
    pub status: u16,
    headers: HashMap<String, String>,
    pub body: String,
}

impl Reply {
    /// A header's value; "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map_or("", String::as_str)
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(&name.to_ascii_lowercase())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

impl Server {
    /// Starts `helpbook serve --bind 127.0.0.1:0 --root <hc>`, reads the port it prints and
    /// waits until `/healthz` answers.
    pub fn start(hc: &HelpCenter) -> Server {
        Server::start_command(hc, "serve", "Serving http://", &[])
    }

    /// [`Server::start`] for another command that serves (`preview`), which says where it
    /// listens in a line starting with `says`, with `env` added to its environment.
    pub fn start_command(
        hc: &HelpCenter,
        command: &str,
        says: &str,
        env: &[(&str, &std::path::Path)],
    ) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_helpbook"))
            .args([command, "--bind", "127.0.0.1:0", "--root"])
            .arg(hc.root())
            .envs(env.iter().copied())
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start helpbook serve");
        let stderr = child.stderr.take().expect("stderr");
        let (lines, received) = mpsc::channel();
        // Keeps reading after the address line so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    // Nobody listens any more; drain the rest.
                    continue;
                }
            }
        });
        let deadline = Instant::now() + START;
        let mut startup = String::new();
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match received.recv_timeout(left) {
                Ok(line) => {
                    startup.push_str(&line);
                    startup.push('\n');
                    if let Some(addr) = line.strip_prefix(says) {
                        break addr
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_string();
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!("helpbook {command} did not say where it listens:\n{startup}");
                }
            }
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let server = Server {
            child,
            addr,
            startup,
            later: std::sync::Mutex::new(received),
            agent,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if server
                .agent
                .get(server.url("/healthz"))
                .call()
                .is_ok_and(|r| r.status() == 200)
            {
                break;
            }
            assert!(Instant::now() < deadline, "/healthz never answered");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[])
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.call().unwrap_or_else(|e| panic!("GET {path}: {e}")))
    }

    pub fn head(&self, path: &str) -> Reply {
        reply(
            self.agent
                .head(self.url(path))
                .call()
                .unwrap_or_else(|e| panic!("HEAD {path}: {e}")),
        )
    }

    pub fn post(&self, path: &str, body: &str) -> Reply {
        reply(
            self.agent
                .post(self.url(path))
                .send(body)
                .unwrap_or_else(|e| panic!("POST {path}: {e}")),
        )
    }

    /// POSTs `body` with its `content_type`; redirects are not followed.
    pub fn post_as(&self, path: &str, content_type: &str, body: &str) -> Reply {
        reply(
            self.agent
                .post(self.url(path))
                .header("content-type", content_type)
                .send(body)
                .unwrap_or_else(|e| panic!("POST {path}: {e}")),
        )
    }

    /// Sends `target` exactly as written (no client normalizing it) and reads the response.
    pub fn raw(&self, method: &str, target: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .expect("send");
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{method} {target}: no status line in {text:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    /// Waits for the server to print a line holding `needle` and gives it back; fails after
    /// 30 seconds with what it printed meanwhile.
    pub fn log_line(&self, needle: &str) -> String {
        let later = self.later.lock().unwrap_or_else(|e| e.into_inner());
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut printed = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match later.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => {
                    printed.push_str(&line);
                    printed.push('\n');
                }
                Err(_) => panic!("the server never printed `{needle}`:\n{printed}"),
            }
        }
    }

    /// Sends SIGTERM and waits for the process to end; its exit status and what it printed
    /// after it started listening.
    pub fn terminate_with_log(mut self) -> (std::process::ExitStatus, String) {
        let (_, nothing) = mpsc::channel();
        let later = std::mem::replace(
            self.later.get_mut().unwrap_or_else(|e| e.into_inner()),
            nothing,
        );
        let status = self.terminate();
        // Ends when the reading thread does, at the end of the process's stderr.
        let log: Vec<String> = later.iter().collect();
        (status, log.join("\n"))
    }

    /// Sends SIGTERM and waits for the process to end; its exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

/// The demo, not built: `serve` builds it first.
fn demo_server() -> (HelpCenter, Server) {
    let hc = HelpCenter::demo();
    let server = Server::start(&hc);
    (hc, server)
}

/// The fingerprinted stylesheet's URL, from the home page.
fn stylesheet(server: &Server) -> String {
    let home = server.get("/").body;
    let start = home.find("/style.").expect("a stylesheet link");
    let end = start + home[start..].find('"').expect("end of the link");
    home[start..end].to_string()
}

#[test]
fn serve_builds_first_when_there_is_no_build() {
    let (hc, server) = demo_server();
    assert!(
        server.startup.contains("building first"),
        "{}",
        server.startup
    );
    assert!(hc.exists("build/site/index.html"));
    assert!(hc.exists("build/index/meta.json"));
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Kask &amp; Co"), "{}", home.body);
}

#[test]
fn static_files_have_their_types_and_cache_headers() {
    let (_hc, server) = demo_server();
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(home.header("cache-control"), "no-cache");
    assert!(home.has_header("etag") && home.has_header("last-modified"));

    let css = server.get(&stylesheet(&server));
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert_eq!(
        css.header("cache-control"),
        "public, max-age=31536000, immutable"
    );

    let home_page = server.get("/");
    let script_at = home_page.body.find("/app.").expect("a script link");
    let script_end = script_at + home_page.body[script_at..].find('"').expect("end");
    let js = server.get(&home_page.body[script_at..script_end]);
    assert!(
        js.header("content-type").contains("javascript"),
        "{}",
        js.header("content-type")
    );
    assert_eq!(
        js.header("cache-control"),
        "public, max-age=31536000, immutable"
    );

    let favicon = server.get("/favicon.svg");
    assert_eq!(favicon.header("content-type"), "image/svg+xml");
    assert_eq!(favicon.header("cache-control"), "public, max-age=300");
    assert!(
        server
            .get("/robots.txt")
            .header("content-type")
            .starts_with("text/plain")
    );
    assert!(
        server
            .get("/sitemap.xml")
            .header("content-type")
            .contains("xml")
    );

    // Revalidation: the page has not changed, so 304 and no body.
    let again = server.get_with("/", &[("If-None-Match", home.header("etag"))]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
}

#[test]
fn text_is_compressed_when_the_client_accepts_it() {
    let (_hc, server) = demo_server();
    let gzip = server.get_with("/", &[("Accept-Encoding", "gzip")]);
    assert_eq!(gzip.header("content-encoding"), "gzip");
    assert!(
        gzip.header("vary")
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert!(
        gzip.header("etag").starts_with("W/"),
        "a compressed body has a weak ETag: {}",
        gzip.header("etag")
    );
    let br = server.get_with("/api/search?q=refund", &[("Accept-Encoding", "br")]);
    assert_eq!(br.header("content-encoding"), "br");
    let plain = server.get("/");
    assert!(!plain.has_header("content-encoding"));
}

#[test]
fn every_response_carries_the_security_headers() {
    let (_hc, server) = demo_server();
    let replies = [
        server.get("/"),
        server.get("/healthz"),
        server.get("/api/search?q=refund"),
        server.get("/api/search"),
        server.get("/search/?q=refund"),
        server.get("/no-such-page/"),
        server.get("/returns"),
        server.post("/", "x"),
    ];
    for reply in replies {
        assert_eq!(
            reply.header("content-security-policy"),
            "default-src 'self'; img-src 'self' data:; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; object-src 'none'; base-uri 'self'; form-action 'self'",
            "status {}",
            reply.status
        );
        assert_eq!(reply.header("x-content-type-options"), "nosniff");
        assert_eq!(
            reply.header("referrer-policy"),
            "strict-origin-when-cross-origin"
        );
    }
}

#[test]
fn missing_pages_get_the_404_page_in_their_language() {
    let (_hc, server) = demo_server();
    let missing = server.get("/no-such-page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), "text/html; charset=utf-8");
    assert!(
        missing.body.contains("<html lang=\"en\""),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("404"));

    let russian = server.get("/ru/no-such-page/");
    assert_eq!(russian.status, 404);
    assert!(
        russian.body.contains("<html lang=\"ru\""),
        "{}",
        russian.body
    );

    let folder_without_page = server.get("/images/");
    assert_eq!(folder_without_page.status, 404, "no directory listing");
    assert!(folder_without_page.body.contains("<html lang=\"en\""));
}

#[test]
fn a_page_url_without_its_slash_redirects_to_it() {
    let (_hc, server) = demo_server();
    let redirect = server.get("/returns/refund-policy");
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), "/returns/refund-policy/");
    let with_query = server.get("/search?q=refund");
    assert_eq!(with_query.status, 308);
    assert_eq!(with_query.header("location"), "/search/?q=refund");
    let page = server.get("/returns/refund-policy/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Refund policy"), "{}", page.body);
}

#[test]
fn no_open_redirect_and_nothing_outside_the_site() {
    let (hc, server) = demo_server();
    let book_toml = hc.read("book.toml");
    let first_line = book_toml
        .lines()
        .find(|l| l.contains("title"))
        .expect("title");
    for target in [
        "//evil.example",
        "//evil.example/",
        "//returns",
        "//returns/",
        "/%2e%2e/",
        "/%2e%2e/book.toml",
        "/%2E%2E/%2E%2E/book.toml",
        "/../book.toml",
        "/returns/../../book.toml",
        "/..%2fbook.toml",
        "/%2e%2e%2fbook.toml",
        "/..%5cbook.toml",
        "/..\\book.toml",
        "/%5c%5cevil.example",
        "/index.html%00",
        "/%00",
        "/../index/meta.json",
        "/%2e%2e/index/meta.json",
    ] {
        let reply = server.raw("GET", target);
        assert!(
            reply.status == 404 || reply.status == 400,
            "{target}: status {}",
            reply.status
        );
        assert!(!reply.has_header("location"), "{target} redirects");
        assert!(!reply.body.contains(first_line), "{target} leaks book.toml");
        assert!(
            !reply.body.contains("\"segments\""),
            "{target} leaks the index"
        );
    }
}

#[test]
fn dotfiles_are_never_served() {
    let (hc, server) = demo_server();
    assert!(
        hc.exists("build/site/.helpbook-files"),
        "the build writes one"
    );
    hc.write("build/site/.env", "SECRET=1\n");
    hc.write("build/site/returns/.secret", "SECRET=1\n");
    for path in [
        "/.helpbook-files",
        "/%2ehelpbook-files",
        "/.env",
        "/returns/.secret",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.body.contains("SECRET"), "{path}");
    }
}

#[test]
fn static_files_answer_only_get_and_head() {
    let (_hc, server) = demo_server();
    for (method, path) in [
        ("POST", "/"),
        ("PUT", "/returns/refund-policy/"),
        ("DELETE", "/favicon.svg"),
        ("PATCH", "/no-such-page/"),
        ("OPTIONS", "/"),
    ] {
        let reply = server.raw(method, path);
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(reply.header("allow"), "GET, HEAD", "{method} {path}");
    }
    let head = server.head("/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-type"), "text/html; charset=utf-8");
}

#[test]
fn request_bodies_over_16_kb_are_refused() {
    let (_hc, server) = demo_server();
    let reply = server.post("/api/search?q=refund", &"x".repeat(17 * 1024));
    assert_eq!(reply.status, 413);
}

#[test]
fn healthz_says_ok() {
    let (_hc, server) = demo_server();
    let reply = server.get("/healthz");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, "ok");
}

#[test]
fn the_api_answers_json() {
    let (_hc, server) = demo_server();
    let reply = server.get("/api/search?q=refnd");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "application/json");
    let body = reply.json();
    assert_eq!(body["query"], "refnd");
    let first = body["hits"][0]["url"].as_str().expect("a hit");
    assert!(first.starts_with("/returns/"), "{body}");
    for field in [
        "title", "url", "section", "lang", "kind", "snippet", "score",
    ] {
        assert!(!body["hits"][0][field].is_null(), "{field} in {body}");
    }
    assert!(body["total"].as_u64().expect("total") >= 1);

    let bad = server.get("/api/search?q=x&limit=500");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.header("content-type"), "application/json");
    assert_eq!(bad.json()["error"], "limit must be 1..=50, got 500");
    let invalid = server.raw("GET", "/api/search?q=%FF");
    assert_eq!(invalid.status, 400);
    assert!(invalid.body.contains("\"error\":\"q "), "{}", invalid.body);
}

#[test]
fn the_search_page_lists_results_without_javascript() {
    let (_hc, server) = demo_server();
    let page = server.get("/search/?q=refund");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert!(
        page.body.contains(
            "class=\"result-link\" href=\"/api/click?q=refund&amp;url=/returns/refund-policy/"
        ),
        "{}",
        page.body
    );
    assert!(page.body.contains("<q>refund</q>"));
    assert!(page.body.contains("<mark>refund</mark>"));
    assert!(
        page.body.contains("value=\"refund\""),
        "the box keeps the query"
    );
    let stylesheet = stylesheet(&server);
    assert!(
        page.body.contains(&stylesheet),
        "the page uses the built stylesheet {stylesheet}"
    );

    let russian = server.get("/ru/search/?q=%D0%B2%D0%BE%D0%B7%D0%B2%D1%80%D0%B0%D1%82");
    assert_eq!(russian.status, 200);
    assert!(russian.body.contains("<html lang=\"ru\""));
    assert!(
        russian.body.contains("&amp;url=/ru/returns/"),
        "{}",
        russian.body
    );

    let empty = server.get("/search/");
    assert_eq!(empty.status, 200);
    assert!(!empty.body.contains("class=\"results\""));
    assert!(empty.body.contains("id=\"search-input\""));

    let nothing = server.get("/search/?q=xqzxqzxqz");
    assert_eq!(nothing.status, 200);
    assert!(nothing.body.contains("class=\"empty-state\""));
    assert!(
        nothing.body.contains("Popular articles"),
        "{}",
        nothing.body
    );
    assert!(
        nothing.body.contains("href=\"/orders/track-your-order/\""),
        "{}",
        nothing.body
    );
    assert!(
        nothing.body.contains("mailto:"),
        "the support contact is on the page"
    );

    let not_a_language = server.get("/returns/search/?q=refund");
    assert_eq!(not_a_language.status, 404);

    // Another reading of the query and answers in another language are said out loud.
    let layout = server.get("/ru/search/?q=ljcnfdrf");
    assert!(layout.body.contains("<q>доставка</q>"), "{}", layout.body);
    let other = server.get("/search/?q=%D0%B2%D0%BE%D0%B7%D0%B2%D1%80%D0%B0%D1%82");
    assert!(other.body.contains("answers in: Русский"), "{}", other.body);
    assert!(
        other.body.contains("&amp;url=/ru/returns/"),
        "{}",
        other.body
    );
}

#[test]
fn script_in_the_query_is_escaped_in_json_and_html() {
    let (_hc, server) = demo_server();
    let query = "refund%20%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let api = server.get(&format!("/api/search?q={query}"));
    assert_eq!(api.status, 200);
    let body = api.json();
    assert_eq!(body["query"], "refund <script>alert(1)</script>");
    let hits = body["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "{body}");
    for hit in hits {
        let snippet = hit["snippet"].as_str().expect("snippet");
        assert!(!snippet.contains("<script"), "{snippet}");
        let markup_free = snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !markup_free.contains('<'),
            "only <mark> is markup: {snippet}"
        );
    }

    let page = server.get(&format!("/search/?q={query}"));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn a_rebuild_while_serving_switches_to_the_new_content() {
    let (hc, server) = demo_server();
    let before = server.get("/api/search?q=refund+policy").json();
    assert_eq!(
        before["hits"][0]["title"],
        "Refund policy: when you get your money back"
    );
    let article = "content/returns/refund-policy.md";
    let text = hc.read(article).replace(
        "title = \"Refund policy: when you get your money back\"",
        "title = \"Refund policy: money back within fourteen days\"",
    );
    assert!(text.contains("fourteen days"), "the demo's title changed");
    hc.write(article, &text);
    hc.build().success();

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = server.get("/api/search?q=refund+policy");
        assert_eq!(reply.status, 200, "no request fails during the switch");
        if reply.json()["hits"][0]["title"] == "Refund policy: money back within fourteen days" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server still answers from the old build: {}",
            reply.body
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let page = server.get("/returns/refund-policy/");
    assert!(page.body.contains("money back within fourteen days"));
    let search_page = server.get("/search/?q=refund+policy");
    assert!(search_page.body.contains("money back within fourteen days"));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let (_hc, server) = demo_server();
    assert_eq!(server.get("/healthz").status, 200);
    let status = server.terminate();
    assert!(status.success(), "{status}");
}

/// A client that sends half a request line and stalls is disconnected once the header read
/// timeout passes (here a short one, in process; `serve` uses 10 s).
#[tokio::test]
async fn a_client_that_stalls_is_disconnected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let hc = HelpCenter::demo();
    hc.build().success();
    let (config, _) = helpbook::config::Config::load(hc.root()).expect("book.toml");
    let state = helpbook::server::AppState::open(&hc.path("build"), config).expect("open");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let options = helpbook::server::ServeOptions {
        header_read_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(helpbook::server::serve(
        listener,
        helpbook::server::router(state),
        options,
        async {
            let _ = stopped.await;
        },
    ));

    for half in ["GET / HT", ""] {
        let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
        slow.write_all(half.as_bytes()).await.expect("send");
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("`{half}` still connected after 10 s"));
        assert!(
            read.is_err()
                || buf.is_empty()
                || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"),
            "{:?}",
            String::from_utf8_lossy(&buf)
        );
    }

    // A prompt client is still served.
    let mut prompt = tokio::net::TcpStream::connect(addr).await.expect("connect");
    prompt
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut buf = Vec::new();
    prompt.read_to_end(&mut buf).await.expect("read");
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the server drains and stops")
        .expect("no panic");
}

/// On the shutdown signal the server stops accepting but answers the request it is working on.
#[tokio::test]
async fn shutdown_finishes_the_requests_in_flight() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (entered, mut handler_running) = tokio::sync::mpsc::channel::<()>(1);
    let app = axum::Router::new().route(
        "/slow",
        axum::routing::get(move || {
            let entered = entered.clone();
            async move {
                let _ = entered.send(()).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
                "done"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(helpbook::server::serve(
        listener,
        app,
        helpbook::server::ServeOptions::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect");
    client
        .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("send");
    handler_running.recv().await.expect("the handler started");
    let _ = stop.send(());
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut buf))
        .await
        .expect("answered, then closed")
        .expect("read");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.ends_with("done"), "{text}");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once it is done")
        .expect("no panic");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections after the signal"
    );
}
