//! Watching: `notify` on the root (for `book.toml`, and the watched folders appearing) and on
//! `content/`, `themes/` and `static/`; bursts of events settle into one [`Change`].

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak, mpsc};
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::decide::{self, Change, ChangeKind, WATCHED};

/// How long a burst of file events (one save is often several) is waited out before building.
const SETTLE: Duration = Duration::from_millis(10);

type Debounced = Mutex<Debouncer<RecommendedWatcher, RecommendedCache>>;

/// Watches a help center's files. Dropping it stops the watching, which ends [`Saves::next`].
pub struct Watcher {
    /// The one strong reference: [`Saves`] holds a weak one.
    _debouncer: Arc<Debounced>,
}

/// The saves a [`Watcher`] sees, for the rebuilding thread (which does not keep the watcher
/// alive: dropping the watcher is what ends that thread).
pub struct Saves {
    root: PathBuf,
    events: mpsc::Receiver<DebounceEventResult>,
    debouncer: Weak<Debounced>,
}

/// Why watching cannot start: the system's watching, or a folder.
#[derive(Debug)]
pub enum StartError {
    Watcher(notify::Error),
    Folder(notify::Error),
}

impl Watcher {
    /// Watches the help center at `root`, an absolute path (the watcher reports absolute
    /// paths, which are compared with it).
    pub fn start(root: &Path) -> Result<(Watcher, Saves), StartError> {
        let (sender, events) = mpsc::channel::<DebounceEventResult>();
        let debouncer = new_debouncer(SETTLE, None, sender).map_err(StartError::Watcher)?;
        let debouncer = Arc::new(Mutex::new(debouncer));
        watch_folders(&debouncer, root).map_err(StartError::Folder)?;
        let saves = Saves {
            root: root.to_path_buf(),
            events,
            debouncer: Arc::downgrade(&debouncer),
        };
        Ok((
            Watcher {
                _debouncer: debouncer,
            },
            saves,
        ))
    }
}

impl Saves {
    /// Waits for a save worth building for (anything but what [`classify`](super::classify)
    /// ignores). `None` once the watcher has stopped. A watched folder made since the last
    /// save is watched from now on; a folder that cannot be is a warning, given back beside
    /// the change.
    pub fn next(&self) -> Option<(Change, Option<notify::Error>)> {
        let change = self.wait()?;
        let mut warning = None;
        if let Change::Files(files) = &change
            && files
                .iter()
                .any(|f| decide::classify(&self.root, f) == ChangeKind::WatchedFolder && f.is_dir())
            && let Some(debouncer) = self.debouncer.upgrade()
        {
            warning = watch_folders(&debouncer, &self.root).err();
        }
        Some((change, warning))
    }

    fn wait(&self) -> Option<Change> {
        loop {
            let result = self.events.recv().ok()?;
            let mut files: Vec<PathBuf> = Vec::new();
            let mut unknown = false;
            // Whatever else arrived meanwhile is covered by the same build.
            for result in std::iter::once(result).chain(self.events.try_iter()) {
                match result {
                    Ok(events) => files.extend(
                        events
                            .into_iter()
                            .flat_map(|e| e.event.paths)
                            .filter(|path| decide::matters(&self.root, path)),
                    ),
                    Err(_) => unknown = true,
                }
            }
            files.sort_unstable();
            files.dedup();
            if unknown {
                return Some(Change::Unknown);
            }
            if !files.is_empty() {
                return Some(Change::Files(files));
            }
        }
    }
}

/// Watches the root (for `book.toml`, and for the watched folders appearing) and each of the
/// watched folders that exists. Watching a folder again is harmless.
fn watch_folders(debouncer: &Debounced, root: &Path) -> notify::Result<()> {
    let mut debouncer = debouncer.lock().unwrap_or_else(|e| e.into_inner());
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    for folder in WATCHED.map(|f| root.join(f)).iter().filter(|f| f.is_dir()) {
        debouncer.watch(folder, RecursiveMode::Recursive)?;
    }
    Ok(())
}
