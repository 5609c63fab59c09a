//! `helpbook preview`: the writer's mode. Builds with drafts into a private folder (never
//! `build/`), serves it as `serve` does plus live reload, watches `content/`, `themes/`,
//! `static/` and `book.toml`, and builds again after every save. A save with problems is
//! printed here and shown over the open pages, while the last good build stays served;
//! content never stops the preview.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use anyhow::Context;
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::watch;

use helpbook::build::{self, BuildOptions, LiveParts, Report, Silent};
use helpbook::config::Config;
use helpbook::diag::{self, Diagnostic};
use helpbook::preview::{LiveBuild, Saved};
use helpbook::server::{self, AppState, BuildStatus, Live, ServeOptions, Switch};

use super::Global;
use super::build::{built, print_diagnostics};
use super::serve::run_server;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0: any free port)
    #[arg(long, default_value = "127.0.0.1:3000", value_name = "ADDR")]
    bind: String,
    /// Open the preview in the default browser
    #[arg(long)]
    open: bool,
}

/// How long a burst of file events (one save is often several) is waited out before building.
const SETTLE: Duration = Duration::from_millis(10);

/// The folders watched recursively, when the help center has them; `book.toml` is watched
/// through the root folder, so that editors that save by renaming are seen too.
const WATCHED: [&str; 3] = ["content", "themes", "static"];

pub fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    if !global.root.join("book.toml").is_file() {
        anyhow::bail!(
            "no book.toml in `{}`: run `helpbook preview` in a help center's folder, \
             or `helpbook init` to create one",
            global.root.display()
        );
    }
    // The watcher reports absolute paths.
    let root = global
        .root
        .canonicalize()
        .with_context(|| format!("cannot read `{}`", global.root.display()))?;
    let out = preview_folder().context("cannot create the preview's folder")?;
    // A writer's own searches and votes are not the shoppers': preview records them only
    // when book.toml says `[insights] enabled = true`.
    let (writer, insights) = match Config::load(&root) {
        Ok((config, _)) if config.insights_enabled == Some(true) => {
            let path = helpbook::insights::store::path_of(&config);
            match helpbook::insights::Writer::start(&path, config.insights_retention_days) {
                Ok((writer, insights)) => (Some(writer), Some(insights)),
                Err(error) => {
                    eprintln!("warning: searches and feedback are not recorded: {error}");
                    (None, None)
                }
            }
        }
        _ => (None, None),
    };
    let (saves, saved) = mpsc::channel::<DebounceEventResult>();
    let watcher = Arc::new(Mutex::new(
        new_debouncer(SETTLE, None, saves).context("cannot watch for changes")?,
    ));
    watch_folders(&watcher, &root).with_context(|| format!("cannot watch `{}`", root.display()))?;
    // The rebuilding thread starts watching a folder created after preview started; it must
    // not keep the watcher alive, since dropping the watcher is what ends that thread.
    let watching = Arc::downgrade(&watcher);

    let builder = Builder {
        global: Global {
            root: root.clone(),
            quiet: global.quiet,
            verbose: global.verbose,
        },
        out: out.path().to_path_buf(),
    };
    let (status, statuses) = watch::channel(BuildStatus::default());
    let (stop, stopping) = watch::channel(false);
    let live_pages = Live {
        status: statuses,
        stopping,
    };
    // Until the first good build, every page waits for it (and shows the problems).
    let switch = Switch::new(server::preview_waiting_router(live_pages.clone()));

    let rebuilding = {
        let mut preview = Preview {
            builder,
            switch: switch.clone(),
            live: live_pages,
            site: None,
            build: None,
            insights,
        };
        std::thread::spawn(move || {
            let mut generation = 0;
            // The first build is a full one.
            let mut change = Change::Unknown;
            loop {
                let (problems, pages) = preview.follow(&change);
                if problems.is_none() {
                    generation += 1;
                }
                status.send_replace(BuildStatus {
                    generation,
                    problems,
                    pages,
                });
                let root = &preview.builder.global.root;
                match wait_for_save(&saved, root) {
                    Some(next) => change = next,
                    None => break,
                }
                // A `content/`, `themes/` or `static/` folder made since: watch it too.
                if let Change::Files(files) = &change
                    && files
                        .iter()
                        .any(|f| f.parent() == Some(root.as_path()) && f.is_dir())
                    && let Some(watcher) = watching.upgrade()
                    && let Err(error) = watch_folders(&watcher, root)
                {
                    eprintln!("warning: {error}");
                }
            }
        })
    };

    run_server(&args.bind, |listener| async move {
        let address = format!("http://{}", listener.local_addr()?);
        eprintln!("Previewing {address} (drafts shown; Ctrl-C stops)");
        if args.open {
            open_browser(&address);
        }
        let shutdown = async move {
            server::shutdown_signal().await;
            // Ends the open pages' event streams, which would otherwise hold up the drain.
            stop.send_replace(true);
        };
        server::serve(listener, switch.router(), ServeOptions::default(), shutdown).await;
        anyhow::Ok(())
    })?;
    // Stops the watcher, which ends the rebuilding thread's wait.
    drop(watcher);
    let _ = rebuilding.join();
    if let Some(writer) = writer {
        writer.finish();
    }
    Ok(ExitCode::SUCCESS)
}

/// The preview's private folder, removed when preview ends: in `$TMPDIR` when it is set;
/// otherwise in memory (`/dev/shm`) where the system has it, as Hugo's and Zola's servers
/// keep their sites in memory, since creating and replacing files there costs a fraction of
/// what it does on disk; otherwise in the system's temporary folder.
fn preview_folder() -> std::io::Result<tempfile::TempDir> {
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

/// Builds the help center into the preview's folder.
struct Builder {
    /// With the root made absolute.
    global: Global,
    out: PathBuf,
}

/// What the rebuilding thread keeps between saves.
struct Preview {
    builder: Builder,
    switch: Switch,
    live: Live,
    /// What the server serves, once a build was good.
    site: Option<AppState>,
    /// The last good build, kept to update after a save; `None`: the next save builds in full.
    build: Option<LiveBuild>,
    /// Where the served site records searches and feedback, when `[insights] enabled = true`.
    insights: Option<helpbook::insights::Insights>,
}

impl Preview {
    /// Brings the served site up to date with `change`: the problems, as the open pages show
    /// them, when there are any; else the URLs of the pages changed when only some were.
    fn follow(&mut self, change: &Change) -> (Option<String>, Option<Vec<String>>) {
        let updated = match (&mut self.build, change) {
            (Some(build), Change::Files(files)) => self.builder.update(build, files),
            _ => Update::NeedsFullBuild,
        };
        match updated {
            Update::Done(pages) => {
                let Some(state) = &self.site else {
                    return (None, None);
                };
                match timed(&self.builder.global, "open the new index", || {
                    state.reload_index_if_changed()
                }) {
                    Ok(_) => (None, Some(pages)),
                    Err(error) => {
                        self.build = None;
                        (Some(failed(format!("error: {error}"))), None)
                    }
                }
            }
            Update::Failed(problems) => {
                self.build = None;
                (Some(problems), None)
            }
            Update::NeedsFullBuild => {
                // Its index writer goes before the build replaces the index.
                self.build = None;
                let problems = match self.builder.build() {
                    Ok(kept) => {
                        let switched = self.builder.switch_to_new_build(
                            &mut self.site,
                            &self.switch,
                            &self.live,
                        );
                        if switched.is_ok() {
                            self.build = kept.and_then(|kept| self.builder.keep(kept));
                        }
                        // Once per server: later calls change nothing.
                        if let (Some(state), Some(insights)) = (&self.site, &self.insights) {
                            state.record_insights(insights.clone());
                        }
                        switched.err()
                    }
                    Err(problems) => Some(problems),
                };
                (problems, None)
            }
        }
    }
}

/// What an update of the live build came to.
enum Update {
    /// Done in place: the URLs of the pages written.
    Done(Vec<String>),
    /// The save has errors: the problems, as the open pages show them.
    Failed(String),
    NeedsFullBuild,
}

/// Prints `message` in the terminal and gives it back for the open pages.
fn failed(message: String) -> String {
    eprintln!("{message}");
    message
}

impl Builder {
    /// One full build, with drafts. Prints its problems and summary line as `helpbook build`
    /// does; the problems, as the open pages show them, when the content has errors (the
    /// previous build stays). A good build gives back what updating it needs.
    fn build(&self) -> Result<Option<LiveParts>, String> {
        let options = BuildOptions {
            out: Some(self.out.clone()),
            include_drafts: true,
            dry_run: false,
        };
        let (report, kept) = build::run_keeping(&self.global.root, &options, &Silent)
            .map_err(|error| failed(format!("error: cannot build: {error}")))?;
        self.check(&report)?;
        if !self.global.quiet {
            eprintln!("{}", built(&report));
        }
        Ok(kept)
    }

    /// Prints a build's or update's problems; `Err` with its errors, as the open pages show
    /// them, when it has any.
    fn check(&self, report: &Report) -> Result<(), String> {
        print_diagnostics(&self.global, report);
        if !report.has_errors() {
            return Ok(());
        }
        eprintln!(
            "error: {}; the preview keeps showing the last good build",
            diag::summary(&report.diagnostics)
        );
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| with_source_line(&self.global.root, d))
            .collect();
        Err(errors.join("\n\n"))
    }

    /// The live build for what a full build kept; `None` (so that the next save builds in
    /// full again) when its index cannot be opened for updates.
    fn keep(&self, kept: LiveParts) -> Option<LiveBuild> {
        LiveBuild::new(kept, &self.out)
            .map_err(|error| {
                eprintln!("warning: the next save builds everything again: {error}");
            })
            .ok()
    }

    /// Updates the live build for the saved files, when an update can.
    fn update(&self, build: &mut LiveBuild, files: &[PathBuf]) -> Update {
        let report = match build.saved(files) {
            Ok(Saved::Updated { report, pages }) => {
                if !self.global.quiet {
                    eprintln!(
                        "Updated {} in {:.3} s ({} {})",
                        files
                            .iter()
                            .map(|f| f
                                .strip_prefix(&self.global.root)
                                .unwrap_or(f)
                                .display()
                                .to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        report.elapsed.as_secs_f64(),
                        pages.len(),
                        if pages.len() == 1 { "page" } else { "pages" },
                    );
                }
                if self.global.verbose {
                    for (step, took) in &report.timings {
                        eprintln!("  {step}: {:.1} ms", took.as_secs_f64() * 1000.0);
                    }
                }
                print_diagnostics(&self.global, &report);
                return Update::Done(pages);
            }
            Ok(Saved::Failed(report)) => report,
            Ok(Saved::NeedsFullBuild) => return Update::NeedsFullBuild,
            Err(error) => return Update::Failed(failed(format!("error: cannot update: {error}"))),
        };
        match self.check(&report) {
            Err(problems) => Update::Failed(problems),
            // Failed without an error to show: build in full, which finds it.
            Ok(()) => Update::NeedsFullBuild,
        }
    }

    /// Serves the build just made: the first one by opening it and switching the server from
    /// its waiting page to the site, the next ones by reloading. The problem, as the open pages
    /// show it, when it cannot be opened.
    fn switch_to_new_build(
        &self,
        site: &mut Option<AppState>,
        switch: &Switch,
        live: &Live,
    ) -> Result<(), String> {
        match site {
            Some(state) => state
                .reload_if_changed()
                .map(|_| ())
                .map_err(|error| failed(format!("error: {error}"))),
            None => {
                let config = Config::load(&self.global.root).map_err(|problems| {
                    failed(
                        problems
                            .iter()
                            .map(|p| with_source_line(&self.global.root, p))
                            .collect::<Vec<_>>()
                            .join("\n\n"),
                    )
                })?;
                let state = AppState::open(&self.out, config.0)
                    .map_err(|error| failed(format!("error: {error}")))?;

                switch.set(server::preview_router(state.clone(), live.clone()));
                *site = Some(state);
                Ok(())
            }
        }
    }
}

/// Runs `step`, printing how long it took with `--verbose`.
fn timed<T>(global: &Global, name: &str, step: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let result = step();
    if global.verbose {
        eprintln!(
            "  {name}: {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    result
}

/// A problem as `path:line:col: error: message`, then the line it is about.
fn with_source_line(root: &Path, problem: &Diagnostic) -> String {
    let mut text = problem.to_string();
    if problem.line > 0
        && let Ok(source) = std::fs::read_to_string(root.join(&problem.path))
        && let Some(line) = source.lines().nth(problem.line - 1)
    {
        text.push_str(&format!("\n{:>5} | {line}", problem.line));
    }
    text
}

type Watcher = Mutex<Debouncer<RecommendedWatcher, RecommendedCache>>;

/// Watches the root (for `book.toml`, and for the watched folders appearing) and each of the
/// watched folders that exists. Watching a folder again is harmless.
fn watch_folders(watcher: &Watcher, root: &Path) -> notify_debouncer_full::notify::Result<()> {
    let mut watcher = watcher.lock().unwrap_or_else(|e| e.into_inner());
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for folder in WATCHED.map(|f| root.join(f)).iter().filter(|f| f.is_dir()) {
        watcher.watch(folder, RecursiveMode::Recursive)?;
    }
    Ok(())
}

/// What changed on disk since the last build.
enum Change {
    /// These files (absolute paths) were saved, created, renamed or deleted.
    Files(Vec<PathBuf>),
    /// The watcher lost track (too many events at once): anything may have.
    Unknown,
}

/// Waits for a save worth building for: a change to anything but editors' swap and backup
/// files. `None` once the watcher has stopped.
fn wait_for_save(saved: &mpsc::Receiver<DebounceEventResult>, root: &Path) -> Option<Change> {
    loop {
        let result = saved.recv().ok()?;
        let mut files: Vec<PathBuf> = Vec::new();
        let mut unknown = false;
        // Whatever else arrived meanwhile is covered by the same build.
        for result in std::iter::once(result).chain(saved.try_iter()) {
            match result {
                Ok(events) => files.extend(
                    events
                        .into_iter()
                        .flat_map(|e| e.event.paths)
                        .filter(|path| matters(path, root)),
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

/// Whether a change to `path` is worth building for.
fn matters(path: &Path, root: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let editor_file = name.starts_with('.') || helpbook::content::is_editor_file(name);
    // At the root, only book.toml and the watched folders (not build/ or anything else).
    let at_root = path.parent() == Some(root);
    !editor_file && (!at_root || name == "book.toml" || WATCHED.contains(&name))
}

/// Opens `address` in the default browser, if there is one to open.
fn open_browser(address: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let launched = std::process::Command::new(opener)
        .arg(address)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if launched.is_err() && std::io::stderr().is_terminal() {
        eprintln!("(could not open a browser: open {address} yourself)");
    }
}
