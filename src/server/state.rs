//! What every request shares: where the site is, the open search index and the `/search/` page
//! renderer, both behind `ArcSwap` so that a new build is picked up without a restart and
//! without failing a request (one in flight keeps the generation it started with).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;

use super::answers::AnswerCache;
use super::metrics::Metrics;
use super::pool::SearchPool;
use super::{SearchPage, ServerError};
use crate::config::Config;
use crate::insights::Insights;
use crate::search::Engine;

/// Shared state of the server; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    /// `<out>/site`: static files are looked up here on every request, so they follow the
    /// build's atomic swap by themselves.
    site_dir: PathBuf,
    /// `<out>/index`: re-opened when its `meta.json` changes.
    index_dir: PathBuf,
    /// The help center (book.toml, themes/), for the `/search/` page.
    root: PathBuf,
    search: ArcSwap<Searching>,
    page: ArcSwap<SearchPage>,
    /// The index generation that `search` was opened from.
    stamp: Mutex<Option<Stamp>>,
    /// Memory for each generation's answers, in bytes.
    cache: usize,
    /// Where searches run.
    pool: SearchPool,
    /// Where searches and feedback are recorded; unset when insights are off.
    insights: std::sync::OnceLock<Insights>,
    /// Feedback accepted per client address, in memory only.
    feedback_limit: super::feedback::RateLimit,
    /// What the server did, for `/metrics`.
    metrics: Arc<Metrics>,
    /// The request log shows query strings (`serve --log-queries`).
    log_queries: AtomicBool,
}

/// One generation of the index, with the answers it gave.
pub struct Searching {
    pub engine: Engine,
    pub answers: AnswerCache,
}

/// How a server is sized: `helpbook serve`'s options.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    /// Memory for recent answers, in bytes (0: search every time).
    pub cache_bytes: usize,
    /// Threads that run searches.
    pub search_threads: usize,
    /// Searches that may wait for a thread; one more is answered 503.
    pub search_queue: usize,
}

/// Memory for recent answers unless `serve --cache-mb` says otherwise, in MB.
pub const DEFAULT_CACHE_MB: usize = 32;

impl Default for Capacity {
    /// Default memory for answers, a search thread per core, 64 waiting searches per thread.
    fn default() -> Capacity {
        let threads = super::pool::default_threads();
        Capacity {
            cache_bytes: DEFAULT_CACHE_MB << 20,
            search_threads: threads,
            search_queue: threads * 64,
        }
    }
}

/// Identifies one generation of the index: the build swaps in a new `index/` folder, so its
/// `meta.json` is another file (inode) with another modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    mtime: i64,
    mtime_nsec: i64,
    len: u64,
}

impl Stamp {
    /// When the index was written, in seconds since 1970.
    fn built_at(&self) -> f64 {
        self.mtime as f64 + self.mtime_nsec as f64 / 1e9
    }

    fn of(index_dir: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(index_dir.join("meta.json")).ok()?;
        Some(Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
            len: meta.len(),
        })
    }
}

impl AppState {
    /// Opens the build in `out` (`site/` and `index/`, as `helpbook build` writes them) and
    /// the theme of the help center described by `config` for the `/search/` pages.
    pub fn open(out: &Path, config: Config) -> Result<AppState, ServerError> {
        AppState::open_with(out, config, Capacity::default())
    }

    /// [`AppState::open`], sized by `capacity`.
    pub fn open_with(
        out: &Path,
        config: Config,
        capacity: Capacity,
    ) -> Result<AppState, ServerError> {
        let cache = capacity.cache_bytes;
        let site_dir = out.join("site");
        let index_dir = out.join("index");
        for dir in [&site_dir, &index_dir] {
            if !dir.is_dir() {
                return Err(ServerError::NoBuild {
                    path: out.display().to_string(),
                    reason: format!("`{}` is not a folder", dir.display()),
                });
            }
        }
        // The stamp first: should a build land while the index opens, the next check sees a
        // newer stamp and opens again, rather than missing it.
        let stamp = Stamp::of(&index_dir);
        let engine = Engine::open(&index_dir)?;
        let root = config.root.clone();
        let page = SearchPage::load(config).map_err(ServerError::Theme)?;
        let pool = SearchPool::new(capacity.search_threads, capacity.search_queue)
            .map_err(ServerError::Threads)?;
        let metrics = Arc::new(Metrics::default());
        metrics.index_opened(stamp.as_ref().map(Stamp::built_at));
        Ok(AppState {
            inner: Arc::new(Inner {
                site_dir,
                index_dir,
                root,
                search: ArcSwap::from_pointee(Searching {
                    engine,
                    answers: AnswerCache::new(cache),
                }),
                cache,
                pool,
                page: ArcSwap::from_pointee(page),
                stamp: Mutex::new(stamp),
                insights: std::sync::OnceLock::new(),
                feedback_limit: super::feedback::RateLimit::default(),
                metrics,
                log_queries: AtomicBool::new(false),
            }),
        })
    }

    /// `<out>/site`.
    pub fn site_dir(&self) -> &Path {
        &self.inner.site_dir
    }

    /// Records searches and feedback through `insights` from now on (once; later calls
    /// change nothing).
    pub fn record_insights(&self, insights: Insights) {
        let _ = self.inner.insights.set(insights);
    }

    /// Where searches and feedback are recorded, when insights are on.
    pub fn insights(&self) -> Option<&Insights> {
        self.inner.insights.get()
    }

    pub(super) fn feedback_limit(&self) -> &super::feedback::RateLimit {
        &self.inner.feedback_limit
    }

    /// The search index of the current build, with its recent answers.
    pub fn search(&self) -> Arc<Searching> {
        self.inner.search.load_full()
    }

    /// What the server did, for `/metrics`.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.inner.metrics
    }

    /// Shows query strings in the request log from now on (`serve --log-queries`).
    pub fn log_queries(&self, yes: bool) {
        self.inner.log_queries.store(yes, Ordering::Relaxed);
    }

    pub(super) fn logs_queries(&self) -> bool {
        self.inner.log_queries.load(Ordering::Relaxed)
    }

    /// The threads searches run on.
    pub fn search_pool(&self) -> &SearchPool {
        &self.inner.pool
    }

    pub(crate) fn page(&self) -> Arc<SearchPage> {
        self.inner.page.load_full()
    }

    /// When a new build has been swapped in since the index was opened, opens the new index
    /// (and reloads book.toml and the theme for the `/search/` page) and switches to it.
    /// Returns whether it switched. Blocking: call it from a blocking thread.
    ///
    /// A new index that cannot be opened leaves the current one serving until the next build
    /// (the error says why);
    /// a help center whose book.toml or theme no longer loads keeps the current search page.
    pub fn reload_if_changed(&self) -> Result<bool, ServerError> {
        self.reload(true)
    }

    /// [`AppState::reload_if_changed`] for the index alone, when book.toml and the theme are
    /// known not to have changed (preview's update of one article).
    pub fn reload_index_if_changed(&self) -> Result<bool, ServerError> {
        self.reload(false)
    }

    fn reload(&self, with_page: bool) -> Result<bool, ServerError> {
        let inner = &self.inner;
        let mut current = inner.stamp.lock().unwrap_or_else(|e| e.into_inner());
        let stamp = Stamp::of(&inner.index_dir);
        // No meta.json for a moment (a file system without atomic exchange): wait for it.
        if stamp.is_none() || stamp == *current {
            return Ok(false);
        }
        // Tried once per generation: a broken index is reported once, not every second.
        *current = stamp;
        let engine = Engine::open(&inner.index_dir)?;
        inner.search.store(Arc::new(Searching {
            engine,
            answers: AnswerCache::new(inner.cache),
        }));
        inner
            .metrics
            .index_opened(stamp.as_ref().map(Stamp::built_at));
        if !with_page {
            return Ok(true);
        }
        match Config::load(&inner.root) {
            Ok((config, _)) => match SearchPage::load(config) {
                Ok(page) => inner.page.store(Arc::new(page)),
                Err(problems) => tracing::warn!(
                    problems = %problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
                    "the theme has problems; the search page keeps the previous one"
                ),
            },
            Err(problems) => tracing::warn!(
                problems = %problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
                "book.toml has problems; the search page keeps the previous settings"
            ),
        }
        Ok(true)
    }
}

/// Checks every `every` for a new build in the output folder and switches to it. Runs until
/// the task is dropped (the server shutting down).
pub async fn follow_builds(state: AppState, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let state = state.clone();
        match tokio::task::spawn_blocking(move || state.reload_if_changed()).await {
            Ok(Ok(true)) => tracing::info!("switched to the new build"),
            Ok(Ok(false)) => {}
            Ok(Err(error)) => {
                tracing::warn!(%error, "a new build could not be opened; still serving the previous one");
            }
            Err(error) => tracing::error!(%error, "checking for a new build failed"),
        }
    }
}
