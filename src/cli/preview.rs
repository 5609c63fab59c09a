//! `helpbook preview`: the writer's mode (see [`helpbook::preview`]). Parses its arguments,
//! starts the preview and the server, and prints what the preview tells the writer: each
//! build's and update's line, its problems, and the steps' times under `--verbose`.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use helpbook::build::Report;
use helpbook::config::Config;
use helpbook::diag::Diagnostic;
use helpbook::preview::{self, Preview, Terminal};
use helpbook::server::{self, ServeOptions};

use super::build::built;
use super::serve::run_server;
use super::{Global, diagnostics};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0: any free port)
    #[arg(long, default_value = "127.0.0.1:3000", value_name = "ADDR")]
    bind: String,
    /// Open the preview in the default browser
    #[arg(long)]
    open: bool,
}

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
    let out = preview::private_folder().context("cannot create the preview's folder")?;
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
    let printer = Printer {
        global: Global {
            root: root.clone(),
            quiet: global.quiet,
            verbose: global.verbose,
        },
    };
    let preview = Preview::start(&root, out.path(), insights, Box::new(printer))?;

    let previewing = &preview;
    run_server(&args.bind, |listener| async move {
        let address = format!("http://{}", listener.local_addr()?);
        eprintln!("Previewing {address} (drafts shown; Ctrl-C stops)");
        if args.open {
            open_browser(&address);
        }
        let shutdown = async move {
            server::shutdown_signal().await;
            previewing.stop_pages();
        };
        server::serve(
            listener,
            previewing.router(),
            ServeOptions::default(),
            shutdown,
        )
        .await;
        anyhow::Ok(())
    })?;
    preview.finish();
    if let Some(writer) = writer {
        writer.finish();
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what the preview tells the writer, as `helpbook build` prints a build.
struct Printer {
    /// With the root made absolute.
    global: Global,
}

impl Terminal for Printer {
    fn built(&self, report: &Report) {
        diagnostics::print(&report.diagnostics, self.global.quiet);
        if !self.global.quiet {
            eprintln!("{}", built(report));
        }
    }

    fn updated(&self, file: &Path, report: &Report, pages: &[String]) {
        if !self.global.quiet {
            eprintln!(
                "Updated {} in {:.3} s ({} {})",
                file.strip_prefix(&self.global.root)
                    .unwrap_or(file)
                    .display(),
                report.elapsed.as_secs_f64(),
                pages.len(),
                if pages.len() == 1 { "page" } else { "pages" },
            );
        }
        for (step, took) in &report.timings {
            self.took(step, *took);
        }
        diagnostics::print(&report.diagnostics, self.global.quiet);
    }

    fn problems(&self, problems: &[Diagnostic]) {
        diagnostics::print_with_summary(
            problems,
            self.global.quiet,
            Some("the preview keeps showing the last good build"),
        );
    }

    fn warning(&self, message: &str) {
        eprintln!("warning: {message}");
    }

    fn took(&self, step: &str, took: Duration) {
        if self.global.verbose {
            eprintln!("  {step}: {:.1} ms", took.as_secs_f64() * 1000.0);
        }
    }
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
