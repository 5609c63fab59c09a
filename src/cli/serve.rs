//! `helpbook serve`: build first when there is no build yet, then serve the site, the search
//! API and the no-JavaScript search pages until SIGINT or SIGTERM, following new builds.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use helpbook::config::Config;
use helpbook::server::{self, AppState, Capacity, ServeOptions, ServerError};

use super::{Global, diagnostics};

/// How often the output folder is checked for a new build.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; 0.0.0.0:3000 accepts connections from other machines
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:3000")]
    bind: String,
    /// The build folder with site/ and index/ (default: build/ in the help center)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Memory for recent search answers, given again without searching (0: search every time)
    #[arg(long, value_name = "MB", default_value_t = server::DEFAULT_CACHE_MB)]
    cache_mb: usize,
    /// Threads that run searches, apart from those serving pages (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    search_threads: Option<u16>,
    /// Searches that may wait for a thread; one more is answered 503 with Retry-After
    /// (default: 64 per search thread)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    search_queue: Option<u32>,
    /// Connections open at once; more wait to be accepted (default: what the open files
    /// limit allows, at most 10,000)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
    /// Seconds a client may take no byte of a response before its connection is closed
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    send_timeout: u64,
    /// How log lines are written: `text` for people, `json` (one object a line) for log
    /// collectors
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Show the query string (what shoppers searched for) in the request log lines of `-v`
    #[arg(long)]
    log_queries: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

impl Args {
    fn serve_options(&self) -> ServeOptions {
        ServeOptions {
            send_timeout: Duration::from_secs(self.send_timeout),
            max_connections: self
                .max_connections
                .map_or_else(server::default_max_connections, |n| n as usize),
            ..ServeOptions::default()
        }
    }

    fn capacity(&self) -> Capacity {
        let defaults = Capacity::default();
        let threads = self
            .search_threads
            .map_or(defaults.search_threads, usize::from);
        Capacity {
            cache_bytes: self.cache_mb.saturating_mul(1 << 20),
            search_threads: threads,
            search_queue: self.search_queue.map_or(threads * 64, |n| n as usize),
        }
    }
}

pub fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    init_logging(global, args.log_format);
    server::raise_open_files_limit();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| global.root.join("build"));
    if !out.join("site").is_dir() || !out.join("index").is_dir() {
        if !global.quiet {
            eprintln!("No build in `{}` yet: building first", out.display());
        }
        if !super::build::build_into(global, out.clone(), false)? {
            return Ok(ExitCode::FAILURE);
        }
    }
    let config = match Config::load(&global.root) {
        // Unknown keys do not stop serving the build that exists; the next build fails on them.
        Ok((config, problems)) => {
            diagnostics::print(&problems, false);
            config
        }
        Err(problems) => {
            diagnostics::print_with_summary(&problems, false, None);
            return Ok(ExitCode::FAILURE);
        }
    };
    let insights_wanted = config.insights_enabled.unwrap_or(true);
    let insights_path = helpbook::insights::store::path_of(&config);
    let retention_days = config.insights_retention_days;
    let state = match AppState::open_with(&out, config, args.capacity()) {
        Ok(state) => state,
        Err(ServerError::Theme(problems)) => {
            diagnostics::print_with_summary(&problems, false, None);
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return Err(error.into()),
    };
    state.log_queries(args.log_queries);
    // Insights that cannot be recorded do not stop the help center from being served.
    let writer = if insights_wanted {
        match helpbook::insights::Writer::start(&insights_path, retention_days) {
            Ok((writer, insights)) => {
                state.record_insights(insights);
                Some(writer)
            }
            Err(error) => {
                eprintln!("warning: searches and feedback are not recorded: {error}");
                None
            }
        }
    } else {
        None
    };
    let options = args.serve_options();
    run_server(&args.bind, |listener| async move {
        let address = listener.local_addr()?;
        if !global.quiet {
            eprintln!("Serving http://{address}");
        }
        let follower = tokio::spawn(server::follow_builds(state.clone(), FOLLOW_EVERY));
        server::serve(
            listener,
            server::router(state),
            options,
            server::shutdown_signal(),
        )
        .await;
        follower.abort();
        anyhow::Ok(())
    })?;
    // What was recorded before the shutdown is written before the process ends.
    if let Some(writer) = writer {
        writer.finish();
    }
    Ok(ExitCode::SUCCESS)
}

/// Listens on `bind` and runs `serving` on a multi-threaded runtime until it returns (the
/// server's shutdown), then gives the runtime's tasks a second to finish.
pub(super) fn run_server<F>(
    bind: &str,
    serving: impl FnOnce(tokio::net::TcpListener) -> F,
) -> anyhow::Result<()>
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on `{bind}`"))?;
        serving(listener).await
    })?;
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

/// Logs to stderr: warnings and errors by default, `-v` adds a line per request (method, path,
/// status, milliseconds), `--quiet` keeps errors only; `RUST_LOG` overrides all of it.
fn init_logging(global: &Global, format: LogFormat) {
    let default = if global.quiet {
        "error"
    } else if global.verbose {
        "info"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // Fails only when a subscriber is already set, and then that one logs.
    let _ = match format {
        LogFormat::Json => logs.json().flatten_event(true).try_init(),
        LogFormat::Text => logs
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .try_init(),
    };
}
