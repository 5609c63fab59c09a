//! `helpbook preview`, the writer's mode: watch the help center (`watch`: [`Watcher`]), decide
//! what a save changes (`decide`: [`plan`]), update the kept build in place or build in full
//! (`update`: [`LiveBuild`]; `rebuild`: [`Rebuilder`]), and show a save's errors over the open
//! pages (`overlay`: [`overlay_html`]), layered on
//! [`server::preview_router`]. Never prints: the CLI does,
//! through a [`Terminal`].

mod decide;
mod overlay;
mod rebuild;
mod update;
mod watch;

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use axum::Router;
use notify_debouncer_full::notify;
use tokio::sync::watch as channel;

use crate::insights::Insights;
use crate::server::{self, BuildStatus, Live, Switch};

pub use decide::{Change, ChangeKind, Plan, WATCHED, classify, plan};
pub use overlay::html as overlay_html;
pub use rebuild::{Outcome, Rebuilder, Terminal};
pub use update::{LiveBuild, Saved};
pub use watch::{Saves, Watcher};

/// Why preview cannot start.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The system's file watching cannot be used.
    #[error("cannot watch for changes")]
    Watcher(#[source] notify::Error),
    /// A folder of the help center cannot be watched.
    #[error("cannot watch `{}`", .0.display())]
    Folder(PathBuf, #[source] notify::Error),
}

/// A running preview: its watcher and the thread that builds after each save.
pub struct Preview {
    switch: Switch,
    stop: channel::Sender<bool>,
    watcher: Watcher,
    rebuilding: JoinHandle<()>,
}

impl Preview {
    /// Watches the help center at `root` (an absolute path) and builds it with drafts into
    /// `out`, at once and after every save. Until the first good build, every page waits for
    /// it (and shows the problems).
    pub fn start(
        root: &Path,
        out: &Path,
        insights: Option<Insights>,
        terminal: Box<dyn Terminal>,
    ) -> Result<Preview, PreviewError> {
        let (watcher, saves) = Watcher::start(root).map_err(|error| match error {
            watch::StartError::Watcher(error) => PreviewError::Watcher(error),
            watch::StartError::Folder(error) => PreviewError::Folder(root.to_path_buf(), error),
        })?;
        let (status, statuses) = channel::channel(BuildStatus::default());
        let (stop, stopping) = channel::channel(false);
        let live = Live {
            status: statuses,
            stopping,
        };
        let switch = Switch::new(server::preview_waiting_router(live.clone()));
        let rebuilder = Rebuilder::new(root, out, switch.clone(), live, insights, terminal);
        let rebuilding = std::thread::spawn(move || rebuilder.run(&saves, &status));
        Ok(Preview {
            switch,
            stop,
            watcher,
            rebuilding,
        })
    }

    /// Every route of the preview: the waiting page, then the site of the last good build.
    pub fn router(&self) -> Router {
        self.switch.router()
    }

    /// Ends the open pages' event streams, which would otherwise hold up a shutdown.
    pub fn stop_pages(&self) {
        self.stop.send_replace(true);
    }

    /// Stops watching, which ends the rebuilding thread, and waits for it.
    pub fn finish(self) {
        drop(self.watcher);
        let _ = self.rebuilding.join();
    }
}

/// The preview's private folder, removed when dropped: in `$TMPDIR` when it is set;
/// otherwise in memory (`/dev/shm`) where the system has it, as Hugo's and Zola's servers
/// keep their sites in memory, since creating and replacing files there costs a fraction of
/// what it does on disk; otherwise in the system's temporary folder.
pub fn private_folder() -> std::io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("helpbook-preview-");
    let in_memory = Path::new("/dev/shm");
    if std::env::var_os("TMPDIR").is_none()
        && in_memory.is_dir()
        && let Ok(folder) = builder.tempdir_in(in_memory)
    {
        return Ok(folder);
    }
    builder.tempdir()
}
