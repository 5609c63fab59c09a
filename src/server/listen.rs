//! The accept loop: HTTP/1.1 connections with a header read timeout (axum's `serve` sets
//! none, so a client trickling a request line would hold a connection forever), a send
//! timeout (a client that stops reading is let go: `stalled`), a cap on open connections (past
//! it, new ones wait in the kernel's queue until one closes), a calm back-off when the process
//! is out of file descriptors, and a graceful shutdown that stops accepting and lets requests
//! in flight finish.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::stalled::SendDeadline;

/// How connections are served.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// A client must send a request's headers within this, counted from when the server
    /// starts waiting for them (so it also closes idle keep-alive connections).
    pub header_read_timeout: Duration,
    /// After the shutdown signal, how long requests in flight may take to finish.
    pub drain_timeout: Duration,
    /// A response the client takes no byte of for this long is abandoned and its connection
    /// closed.
    pub send_timeout: Duration,
    /// Connections open at once; past it, new ones wait to be accepted.
    pub max_connections: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_secs(15),
            send_timeout: Duration::from_secs(30),
            max_connections: default_max_connections(),
        }
    }
}

/// Connections the process can hold: half the file descriptors it may open (a connection
/// serving a file holds two), less some for the index and the database, and at most 10,000.
pub fn default_max_connections() -> usize {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX);
    let usable = limit.saturating_sub(128) / 2;
    usize::try_from(usable)
        .unwrap_or(usize::MAX)
        .clamp(16, 10_000)
}

/// Raises the soft limit on open files to the hard one (what systemd's `LimitNOFILE` or
/// `ulimit -Hn` allow): the soft limit's default of 1,024 is too few for a server. Returns the
/// limit now in force.
pub fn raise_open_files_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        limit.current = limit.maximum;
        if let Err(error) = setrlimit(Resource::Nofile, limit) {
            tracing::debug!(%error, "cannot raise the open files limit");
        }
    }
    getrlimit(Resource::Nofile).current
}

/// Serves `app` on `listener` until `shutdown` completes, then drains: no new connections,
/// idle ones closed, requests in flight answered (up to `drain_timeout`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        // What one connection may buffer (request head in, response out): hyper's default of
        // ~400 KB let 50 clients that stopped reading hold 30 MB; 64 KB is plenty for our
        // requests and keeps a socket's worth of a response ready.
        .max_buf_size(64 * 1024);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut backoff = Backoff::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (permit, (stream, peer)) = tokio::select! {
            accepted = accept(&listener, &open, &mut backoff) => accepted,
            () = &mut shutdown => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%peer, %error, "cannot set TCP_NODELAY");
        }
        // The client's address goes with each request, for limits kept in memory (never
        // written anywhere).
        let service = TowerToHyperService::new(tower::ServiceExt::map_request(
            app.clone(),
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(super::ClientAddr(peer));
                request
            },
        ));
        let stream = SendDeadline::new(stream, options.send_timeout);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing the requests in flight");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(options.drain_timeout) => {
            tracing::warn!(
                seconds = options.drain_timeout.as_secs(),
                "requests were still running when the drain time ran out"
            );
        }
    }
}

/// The next connection, once fewer than the maximum are open. Accepting fails when the
/// process is out of file descriptors (or the kernel of memory): then it waits, longer each
/// time up to a second, for connections to close, and says so once rather than every time.
async fn accept(
    listener: &TcpListener,
    open: &Arc<Semaphore>,
    backoff: &mut Backoff,
) -> (
    tokio::sync::OwnedSemaphorePermit,
    (tokio::net::TcpStream, std::net::SocketAddr),
) {
    loop {
        let Ok(permit) = Arc::clone(open).acquire_owned().await else {
            // Never closed; should it be, there is nothing to accept for.
            std::future::pending::<()>().await;
            continue;
        };
        match listener.accept().await {
            Ok(accepted) => {
                backoff.recovered();
                return (permit, accepted);
            }
            Err(error) => {
                drop(permit);
                tokio::time::sleep(backoff.failed(&error)).await;
            }
        }
    }
}

/// How long to wait after accepting failed: 10 ms, doubled each time in a row, at most 1 s.
#[derive(Debug, Default)]
struct Backoff {
    /// Failures in a row.
    failures: u32,
}

impl Backoff {
    fn failed(&mut self, error: &std::io::Error) -> Duration {
        if self.failures == 0 {
            tracing::warn!(%error, "cannot accept connections; waiting for some to close");
        }
        self.failures = self.failures.saturating_add(1);
        Duration::from_millis(10u64 << self.failures.min(7).saturating_sub(1))
            .min(Duration::from_secs(1))
    }

    fn recovered(&mut self) {
        if self.failures > 0 {
            tracing::warn!(failures = self.failures, "accepting connections again");
            self.failures = 0;
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (systemd, Kubernetes, `kill`).
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
