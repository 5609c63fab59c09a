//! `helpbook serve` when clients misbehave: more searches than it can take, clients that stop
//! reading, more connections than it should hold, no file descriptors left. Over real HTTP on
//! 127.0.0.1, the real binary where the setting is a command-line option.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use crate::harness::HelpCenter;
use crate::serve::Server;

/// With one search thread and room for one waiting search, a crowd of shoppers searching at
/// once gets some answers and, for the rest, a 503 that says when to try again; nothing else
/// fails, and the server answers the next search as soon as the crowd is gone.
#[test]
fn searches_past_the_queue_are_refused_with_retry_after() {
    let hc = HelpCenter::demo();
    let server = Arc::new(Server::start_with(
        &hc,
        &[
            "--search-threads",
            "1",
            "--search-queue",
            "1",
            "--cache-mb",
            "0",
        ],
    ));
    let words = [
        "refund", "parcel", "delivery", "payment", "return", "order", "card", "invoice",
        "tracking", "warranty", "exchange", "address", "courier", "voucher", "cancel",
    ];
    // Shed answers of the API and of the no-JavaScript search page.
    let (mut shed, mut shed_page) = (None, None);
    for round in 0..20 {
        let clients: Vec<_> = (0..32)
            .map(|client| {
                let server = Arc::clone(&server);
                std::thread::spawn(move || {
                    (0..10)
                        .map(|n| {
                            // Every query another one: no answer is kept to give again.
                            let query: Vec<&str> = (0..6)
                                .map(|w| words[(round * 7 + client * 3 + n * 5 + w) % words.len()])
                                .collect();
                            let query = format!("{}+{round}x{client}x{n}", query.join("+"));
                            let page = n % 2 == 1;
                            let path = if page { "/search/" } else { "/api/search" };
                            (page, server.get(&format!("{path}?q={query}")))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for client in clients {
            for (page, reply) in client.join().expect("client") {
                match reply.status {
                    200 => {}
                    503 => {
                        assert_eq!(reply.header("retry-after"), "1", "{}", reply.body);
                        if page {
                            assert!(reply.header("content-type").starts_with("text/html"));
                            assert!(
                                reply.body.contains("Search is very busy right now"),
                                "{}",
                                reply.body
                            );
                            assert!(!reply.body.contains("empty-state"), "{}", reply.body);
                            shed_page = Some(reply);
                        } else {
                            assert!(
                                reply.json()["error"]
                                    .as_str()
                                    .is_some_and(|e| e.contains("busy")),
                                "{}",
                                reply.body
                            );
                            shed = Some(reply);
                        }
                    }
                    other => panic!("a search was answered {other}: {}", reply.body),
                }
            }
        }
        if shed.is_some() && shed_page.is_some() {
            break;
        }
    }
    assert!(
        shed.is_some() && shed_page.is_some(),
        "searches were never refused: the queue is not bounded"
    );
    // The crowd is gone: the next search is answered at once.
    let after = server.get("/api/search?q=refund");
    assert_eq!(after.status, 200, "{}", after.body);
    assert!(after.json()["total"].as_u64().unwrap_or(0) > 0);
}

/// `app` served in process with `options`; stopped when `stop` is sent.
async fn serve_app(
    options: helpbook::server::ServeOptions,
    app: axum::Router,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(helpbook::server::serve(listener, app, options, async {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

/// A response body of `chunks` × 64 KB that says when it is dropped (the connection let go).
fn big_body(chunks: usize, dropped: tokio::sync::oneshot::Sender<()>) -> axum::body::Body {
    struct Signal(Option<tokio::sync::oneshot::Sender<()>>);
    impl Drop for Signal {
        fn drop(&mut self) {
            if let Some(dropped) = self.0.take() {
                let _ = dropped.send(());
            }
        }
    }
    let signal = Signal(Some(dropped));
    let stream = futures_util::stream::iter((0..chunks).map(move |_| {
        let _keep = &signal;
        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; 64 * 1024]))
    }));
    axum::body::Body::from_stream(stream)
}

/// A client that asks for a big file and never reads it is let go after the send timeout:
/// the response (and all it holds) is dropped, and the client gets less than the whole file.
#[tokio::test]
async fn a_client_that_stops_reading_is_let_go() {
    use axum::response::IntoResponse;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const CHUNKS: usize = 1024; // 64 MB: more than the kernel's buffers hold
    let (dropped, let_go) = tokio::sync::oneshot::channel::<()>();
    let dropped = Arc::new(std::sync::Mutex::new(Some(dropped)));
    let app = axum::Router::new().route(
        "/big",
        axum::routing::get(move || {
            let dropped = dropped.lock().ok().and_then(|mut d| d.take());
            async move {
                match dropped {
                    Some(dropped) => big_body(CHUNKS, dropped).into_response(),
                    None => axum::http::StatusCode::GONE.into_response(),
                }
            }
        }),
    );
    let options = helpbook::server::ServeOptions {
        send_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let (addr, stop, server) = serve_app(options, app).await;
    let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect");
    client
        .write_all(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("send");
    // The client reads nothing; the server must give up on it by itself.
    tokio::time::timeout(Duration::from_secs(30), let_go)
        .await
        .expect("the response was still held 30 s after the client stopped reading")
        .expect("dropped");
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), client.read_to_end(&mut got)).await;
    assert!(
        got.len() < CHUNKS * 64 * 1024,
        "the whole body was sent: {} bytes",
        got.len()
    );
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("stops")
        .expect("no panic");
}

/// Past the cap on open connections, a new one waits until another closes, then is served.
#[tokio::test]
async fn open_connections_are_capped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = axum::Router::new().route("/healthz", axum::routing::get(|| async { "ok" }));
    let options = helpbook::server::ServeOptions {
        max_connections: 2,
        header_read_timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let (addr, stop, server) = serve_app(options, app).await;
    let ask = |mut stream: tokio::net::TcpStream| async move {
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("send");
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).await.map(|_| buf)
    };
    // Two idle connections take the two places; each has been accepted once it is answered.
    let mut idle = Vec::new();
    for _ in 0..2 {
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        idle.push(stream);
    }
    let third = tokio::spawn(ask(tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect")));
    assert!(
        tokio::time::timeout(Duration::from_millis(500), async {
            while !third.is_finished() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .is_err(),
        "a third connection was served while two were open"
    );
    drop(idle.pop());
    let answer = tokio::time::timeout(Duration::from_secs(30), third)
        .await
        .expect("served once a place was free")
        .expect("joined")
        .expect("read");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    drop(idle);
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("stops")
        .expect("no panic");
}

/// Out of file descriptors (a process limit of 64, and more connections allowed than that),
/// the server says so once, not once per try, keeps its open connections working, and
/// accepts again as soon as some close.
#[test]
fn out_of_file_descriptors_is_said_once_and_recovers() {
    let hc = HelpCenter::demo();
    hc.build().success();
    let mut shell = Command::new("sh");
    shell.args([
        "-c",
        "ulimit -n 64 && exec \"$0\" \"$@\"",
        env!("CARGO_BIN_EXE_helpbook"),
    ]);
    let server = Server::launch(
        &hc,
        shell,
        "serve",
        &["--max-connections", "1000"],
        "Serving http://",
    );
    let idle: Vec<std::net::TcpStream> = (0..80)
        .filter_map(|_| std::net::TcpStream::connect(&server.addr).ok())
        .collect();
    let log = server.log_until("cannot accept connections", Duration::from_secs(30));
    assert!(log.contains("cannot accept connections"), "{log}");
    drop(idle);
    let healthz = server.get("/healthz");
    assert_eq!(healthz.status, 200);
    let log = server.log_until("accepting connections again", Duration::from_secs(30));
    assert!(log.contains("accepting connections again"), "{log}");
    assert_eq!(
        log.matches("cannot accept connections").count(),
        0,
        "said more than once: {log}"
    );
}

/// A big text file is sent as it is, never compressed for each request (a compressor per
/// connection held megabytes each for clients that never read); pages still are.
#[test]
fn big_files_are_not_compressed_on_the_fly() {
    let hc = HelpCenter::demo();
    let line = "Tracking number, parcel, courier, delivery day and return label.\n";
    hc.write("static/all-tracking-numbers.txt", &line.repeat(40_000));
    let server = Server::start(&hc);
    let big = server.get_with(
        "/all-tracking-numbers.txt",
        &[("accept-encoding", "br, gzip")],
    );
    assert_eq!(big.status, 200);
    assert!(
        !big.has_header("content-encoding"),
        "compressed: {}",
        big.header("content-encoding")
    );
    assert_eq!(
        big.header("content-length"),
        (line.len() * 40_000).to_string()
    );
    let page = server.get_with("/returns/", &[("accept-encoding", "br, gzip")]);
    assert_eq!(page.header("content-encoding"), "br");
}
