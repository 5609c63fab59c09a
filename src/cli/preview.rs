//! `helpbook preview`: the writer's mode. Builds with drafts into a private folder (never
//! `build/`), serves it as `serve` does plus live reload, watches `content/`, `themes/`,
//! `static/` and `book.toml`, and builds again after every save. A save with problems is
//! printed here and shown over the open pages, while the last good build stays served;
//! content never stops the preview.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tokio::sync::watch;

use helpbook::build::{self, BuildOptions, Silent};
use helpbook::config::Config;
use helpbook::diag::{self, Diagnostic};
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
const SETTLE: Duration = Duration::from_millis(30);

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
    let out = tempfile::Builder::new()
        .prefix("helpbook-preview-")
        .tempdir()
        .context("cannot create the preview's folder")?;
    let (saves, saved) = mpsc::channel::<DebounceEventResult>();
    let mut watcher = new_debouncer(SETTLE, None, saves).context("cannot watch for changes")?;
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch `{}`", root.display()))?;
    for folder in WATCHED.map(|f| root.join(f)).iter().filter(|f| f.is_dir()) {
        watcher
            .watch(folder, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch `{}`", folder.display()))?;
    }

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
    let live = Live {
        status: statuses,
        stopping,
    };
    // Until the first good build, every page waits for it (and shows the problems).
    let switch = Switch::new(server::preview_waiting_router(live.clone()));

    let rebuilding = {
        let switch = switch.clone();
        std::thread::spawn(move || {
            let mut site: Option<AppState> = None;
            let mut generation = 0;
            loop {
                let problems = match builder.build() {
                    Ok(()) => builder.switch_to_new_build(&mut site, &switch, &live).err(),
                    Err(problems) => Some(problems),
                };
                if problems.is_none() {
                    generation += 1;
                }
                status.send_replace(BuildStatus {
                    generation,
                    problems,
                });
                if !wait_for_save(&saved, &builder.global.root) {
                    break;
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
    Ok(ExitCode::SUCCESS)
}

/// Builds the help center into the preview's folder.
struct Builder {
    /// With the root made absolute.
    global: Global,
    out: PathBuf,
}

impl Builder {
    /// One build, with drafts. Prints its problems and summary line as `helpbook build` does;
    /// the problems, as the open pages show them, when the content has errors (the previous
    /// build stays).
    fn build(&self) -> Result<(), String> {
        let options = BuildOptions {
            out: Some(self.out.clone()),
            include_drafts: true,
            dry_run: false,
        };
        let report = match build::run(&self.global.root, &options, &Silent) {
            Ok(report) => report,
            Err(error) => {
                let message = format!("error: cannot build: {error}");
                eprintln!("{message}");
                return Err(message);
            }
        };
        print_diagnostics(&self.global, &report);
        if report.has_errors() {
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
            return Err(errors.join("\n\n"));
        }
        if !self.global.quiet {
            eprintln!("{}", built(&report));
        }
        Ok(())
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
        let failed = |message: String| {
            eprintln!("{message}");
            message
        };
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

/// Waits for a save worth building for: a change to anything but editors' swap and backup
/// files. False once the watcher has stopped.
fn wait_for_save(saved: &mpsc::Receiver<DebounceEventResult>, root: &Path) -> bool {
    loop {
        let Ok(result) = saved.recv() else {
            return false;
        };
        let mut worth = matters(&result, root);
        // Whatever else arrived meanwhile is covered by the same build.
        while let Ok(more) = saved.try_recv() {
            worth |= matters(&more, root);
        }
        if worth {
            return true;
        }
    }
}

fn matters(result: &DebounceEventResult, root: &Path) -> bool {
    let Ok(events) = result else {
        // The watcher lost track (too many events at once): build to be sure.
        return true;
    };
    events.iter().flat_map(|e| e.paths.iter()).any(|path| {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let editor_file = name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name.ends_with(".swx")
            || name == "4913";
        // At the root, only book.toml (not build/ or anything else beside it).
        let at_root = path.parent() == Some(root);
        !editor_file && (!at_root || name == "book.toml")
    })
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
