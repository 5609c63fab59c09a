//! Searches run here, on a few threads of their own, never on the threads that accept
//! connections and serve pages, files and `/healthz`: however much the searches cost, the rest
//! of the site keeps answering. At most `queue` searches wait; one more is refused at once
//! ([`Refused::Busy`], answered `503` with `Retry-After`) rather than queued behind work the
//! server cannot catch up with, so an overload ends the moment it stops.
//!
//! A search that waited longer than [`MAX_WAIT`] is refused too when its turn comes (the queue
//! has fallen behind: costly queries fill it), so a search is answered or refused within
//! about that time whatever is queued before it. A search whose client went away while it
//! waited is skipped. A search that panics (it should
//! never happen) answers its own request with an error; its thread is replaced by a fresh one,
//! so no per-thread cache it may have left half-updated is used again.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError};

type Job = Box<dyn FnOnce() -> Outcome + Send>;

/// The longest a search may wait for a thread before it is refused instead of run.
pub const MAX_WAIT: Duration = Duration::from_millis(100);

/// What running a job did to its thread.
enum Outcome {
    Done,
    /// The job panicked: the thread should make way for a fresh one.
    Panicked,
}

/// Why a search was not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The queue is full: the search is refused at once.
    #[error("the server is busy; try again in a second")]
    Busy,
    /// The search panicked (logged with its query).
    #[error("the search failed")]
    Panicked,
    /// The pool is shutting down.
    #[error("the server is shutting down")]
    Stopped,
}

/// The threads searches run on, behind a bounded queue. Dropping the pool lets its threads
/// finish the queued work and end. Clones share the threads and the queue.
#[derive(Clone)]
pub struct SearchPool {
    sender: Sender<Job>,
    counts: Arc<Counts>,
    max_wait: Duration,
}

/// What the pool did, for `/metrics`.
#[derive(Debug, Default)]
pub struct Counts {
    /// Searches refused because the queue was full or had fallen behind.
    pub shed: AtomicU64,
    /// Searches skipped because their client had gone.
    pub abandoned: AtomicU64,
    /// Searches that panicked.
    pub panicked: AtomicU64,
}

impl SearchPool {
    /// `threads` threads (at least 1) and room for `queue` searches waiting for one.
    pub fn new(threads: usize, queue: usize) -> std::io::Result<SearchPool> {
        let (sender, receiver) = crossbeam_channel::bounded::<Job>(queue);
        for n in 0..threads.max(1) {
            spawn_worker(n, receiver.clone())?;
        }
        Ok(SearchPool {
            sender,
            counts: Arc::default(),
            max_wait: MAX_WAIT,
        })
    }

    /// Threads as many as the machine has cores, and a queue of 64 searches per thread: at
    /// 0.15 ms a search, a full queue is answered within 10 ms.
    pub fn for_this_machine() -> std::io::Result<SearchPool> {
        let threads = default_threads();
        SearchPool::new(threads, threads * 64)
    }

    /// The pool, refusing searches that waited longer than `max_wait` for a thread.
    pub fn with_max_wait(self, max_wait: Duration) -> SearchPool {
        SearchPool { max_wait, ..self }
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Searches waiting for a thread now.
    pub fn waiting(&self) -> usize {
        self.sender.len()
    }

    /// Runs `work` on one of the pool's threads and returns what it gave; refused at once when
    /// the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Refused> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let counts = Arc::clone(&self.counts);
        let queued = Instant::now();
        let max_wait = self.max_wait;
        let job: Job = Box::new(move || {
            if reply.is_closed() {
                counts.abandoned.fetch_add(1, Ordering::Relaxed);
                return Outcome::Done;
            }
            if queued.elapsed() > max_wait {
                counts.shed.fetch_add(1, Ordering::Relaxed);
                let _ = reply.send(Err(Refused::Busy));
                return Outcome::Done;
            }
            match catch_unwind(AssertUnwindSafe(work)) {
                Ok(value) => {
                    let _ = reply.send(Ok(value));
                    Outcome::Done
                }
                Err(_) => {
                    counts.panicked.fetch_add(1, Ordering::Relaxed);
                    let _ = reply.send(Err(Refused::Panicked));
                    Outcome::Panicked
                }
            }
        });
        match self.sender.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.counts.shed.fetch_add(1, Ordering::Relaxed);
                return Err(Refused::Busy);
            }
            Err(TrySendError::Disconnected(_)) => return Err(Refused::Stopped),
        }
        answer.await.unwrap_or(Err(Refused::Stopped))
    }
}

/// As many threads as cores (what the process may use), at least 1.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn spawn_worker(n: usize, jobs: Receiver<Job>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(format!("search-{n}"))
        .spawn(move || {
            while let Ok(job) = jobs.recv() {
                if let Outcome::Panicked = job() {
                    // The panic hook has printed where; this thread's caches may be half
                    // updated: a fresh thread takes its place.
                    if let Err(error) = spawn_worker(n, jobs.clone()) {
                        tracing::error!(%error, "cannot start a search thread in place of one that failed");
                        continue;
                    }
                    return;
                }
            }
        })
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::atomic::AtomicBool;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
    }

    #[test]
    fn answers_come_back_from_the_pool_threads() {
        let pool = SearchPool::new(2, 4).expect("pool");
        let name = runtime().block_on(pool.run(|| {
            std::thread::current()
                .name()
                .map(str::to_string)
                .unwrap_or_default()
        }));
        assert!(name.expect("ran").starts_with("search-"));
    }

    #[test]
    fn a_full_queue_refuses_at_once_and_recovers_when_it_drains() {
        // However long the queued search waits on a busy machine, it is not refused for that.
        let pool = SearchPool::new(1, 1)
            .expect("pool")
            .with_max_wait(Duration::from_secs(3600));
        let rt = runtime();
        // The one thread is held until the barrier opens; one job waits in the queue.
        let release = Arc::new(Barrier::new(2));
        let started = Arc::new(Barrier::new(2));
        let (hold, go) = (Arc::clone(&release), Arc::clone(&started));
        let holder = pool.clone();
        let first = async move {
            holder
                .run(move || {
                    go.wait();
                    hold.wait();
                    1
                })
                .await
        };
        rt.block_on(async {
            let first = tokio::spawn(first);
            let queued = pool.clone();
            tokio::task::spawn_blocking(move || started.wait())
                .await
                .expect("started");
            let waiting = tokio::spawn(async move { queued.run(|| 2).await });
            // Give the queued job time to be queued: the queue's length says so.
            while pool.waiting() == 0 {
                tokio::task::yield_now().await;
            }
            assert_eq!(pool.run(|| 3).await, Err(Refused::Busy));
            assert_eq!(pool.counts().shed.load(Ordering::Relaxed), 1);
            release.wait();
            assert_eq!(first.await.expect("joined"), Ok(1));
            assert_eq!(waiting.await.expect("joined"), Ok(2));
            assert_eq!(pool.run(|| 4).await, Ok(4));
        });
    }

    #[test]
    fn a_search_that_waited_too_long_is_refused_when_its_turn_comes() {
        // The limit applies to the first search too: on a busy machine its thread may take it
        // later than that, and then the scene is played again with a new pool.
        let max_wait = Duration::from_millis(50);
        let rt = runtime();
        for _ in 0..5 {
            let pool = SearchPool::new(1, 8).expect("pool").with_max_wait(max_wait);
            let (release, hold) = std::sync::mpsc::channel::<()>();
            let started = Arc::new(AtomicBool::new(false));
            let running = Arc::clone(&started);
            let played = rt.block_on(async {
                let holder = pool.clone();
                let first = tokio::spawn(async move {
                    holder
                        .run(move || {
                            running.store(true, Ordering::SeqCst);
                            hold.recv_timeout(Duration::from_secs(60)).is_ok()
                        })
                        .await
                });
                // The one thread holds the first search before the second is queued.
                while !started.load(Ordering::SeqCst) && !first.is_finished() {
                    tokio::task::yield_now().await;
                }
                if !started.load(Ordering::SeqCst) {
                    assert_eq!(first.await.expect("joined"), Err(Refused::Busy));
                    return false;
                }
                let queued = pool.clone();
                let late = tokio::spawn(async move { queued.run(|| 2).await });
                while pool.waiting() == 0 {
                    tokio::task::yield_now().await;
                }
                // The queued search now waits past its limit behind the held one.
                tokio::time::sleep(max_wait * 2).await;
                release.send(()).expect("the first search waits for this");
                assert_eq!(first.await.expect("joined"), Ok(true));
                assert_eq!(late.await.expect("joined"), Err(Refused::Busy));
                true
            });
            if played {
                return;
            }
        }
        panic!("the pool's one thread never took a search within {max_wait:?} of its queueing");
    }

    #[test]
    fn a_panic_answers_its_own_request_and_the_pool_keeps_working() {
        let pool = SearchPool::new(1, 4).expect("pool");
        let rt = runtime();
        let failed: Result<(), Refused> = rt.block_on(pool.run(|| panic!("a bug in a search")));
        assert_eq!(failed, Err(Refused::Panicked));
        for n in 0..3 {
            assert_eq!(rt.block_on(pool.run(move || n)), Ok(n));
        }
        assert_eq!(pool.counts().panicked.load(Ordering::Relaxed), 1);
    }
}
