//! A connection that gives up on a client who stops reading. hyper has no write timeout: a
//! client that opens a big file with a tiny receive window and never reads would hold the
//! connection, its socket and the response's buffers for as long as it likes. Wrapped in
//! [`SendDeadline`], a write that makes no progress for the send timeout fails with
//! `TimedOut`, hyper drops the connection and everything it held is freed. Progress (any byte
//! sent) starts the clock again, so a slow but living client is never cut off.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// `io`, whose writes and flushes fail once stalled for `timeout`.
pub struct SendDeadline<T> {
    io: T,
    timeout: Duration,
    /// Armed when a write could not go through; cleared by progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> SendDeadline<T> {
    pub fn new(io: T, timeout: Duration) -> SendDeadline<T> {
        SendDeadline {
            io,
            timeout,
            stalled: None,
        }
    }

    /// Called when the socket would not take more: errs once it has refused for `timeout`.
    fn poll_stalled(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let timeout = self.timeout;
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + timeout)));
        ready!(sleep.as_mut().poll(cx));
        Poll::Ready(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "the client read nothing for {} s; the connection is closed",
                timeout.as_secs()
            ),
        ))
    }

    fn progress<R>(
        &mut self,
        result: Poll<io::Result<R>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<R>> {
        match result {
            Poll::Ready(result) => {
                self.stalled = None;
                Poll::Ready(result)
            }
            Poll::Pending => match self.poll_stalled(cx) {
                Poll::Ready(error) => Poll::Ready(Err(error)),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for SendDeadline<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // Reading is timed by hyper (the header read timeout) and the request timeout.
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for SendDeadline<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write(cx, buf);
        this.progress(result, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.progress(result, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_flush(cx);
        this.progress(result, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_shutdown(cx);
        this.progress(result, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A peer that never reads: writes fill the pipe, then stall, then time out.
    #[tokio::test(start_paused = true)]
    async fn a_peer_that_never_reads_times_out() {
        let (ours, _theirs) = tokio::io::duplex(1024);
        let mut conn = SendDeadline::new(ours, Duration::from_secs(5));
        let chunk = vec![b'x'; 4096];
        let error = loop {
            if let Err(error) = conn.write(&chunk).await {
                break error;
            }
        };
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }

    /// A peer that reads slowly, but reads, is never cut off.
    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_that_keeps_reading_is_served() {
        use tokio::io::AsyncReadExt;
        let (ours, mut theirs) = tokio::io::duplex(1024);
        let mut conn = SendDeadline::new(ours, Duration::from_secs(5));
        let reader = tokio::spawn(async move {
            let mut got = 0;
            let mut buf = [0u8; 256];
            loop {
                tokio::time::sleep(Duration::from_secs(3)).await;
                match theirs.read(&mut buf).await {
                    Ok(0) | Err(_) => return got,
                    Ok(n) => got += n,
                }
            }
        });
        conn.write_all(&[b'y'; 8192])
            .await
            .expect("a reading peer is served");
        conn.shutdown().await.expect("shut down");
        drop(conn);
        assert_eq!(reader.await.expect("joined"), 8192);
    }
}
