//! `helpbook report`: what shoppers searched for and did not find, and how they rated the
//! articles, from the insights database(s) `serve` writes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use helpbook::config::Config;
use helpbook::insights::report::{self, ArticleInfo, Filter};

use super::Global;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Html,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How far back: days (`30d`), weeks (`12w`) or a date (`2026-11-01`)
    #[arg(long, value_name = "WHEN", default_value = "30d")]
    since: String,
    /// Only searches in this language, and votes on its articles
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Only this top-level section (`/returns/`, `/ru/returns/`)
    #[arg(long, value_name = "URL")]
    section: Option<String>,
    /// `text` to read, `html` for one self-contained page (`> report.html`), `json` for other
    /// tools (its shape is in the README)
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// An insights database; give several (one per server) to merge them
    /// (default: [insights] database in book.toml)
    #[arg(long = "db", value_name = "FILE")]
    databases: Vec<PathBuf>,
}

pub fn run(global: &Global, args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(&global.root).ok().map(|(config, _)| config);
    let databases = if args.databases.is_empty() {
        let Some(config) = &config else {
            bail!(
                "no book.toml in `{}` to find the insights database in; run in the help center's folder, or give --db FILE",
                global.root.display()
            );
        };
        vec![helpbook::insights::store::path_of(config)]
    } else {
        args.databases
    };
    let now = helpbook::insights::this_minute();
    let since = report::since(&args.since, now).map_err(anyhow::Error::msg)?;
    // The articles as they are now, for which are due for a review (their problems are
    // `check`'s to report, not this command's).
    let articles = config
        .as_ref()
        .map(|config| {
            let site = helpbook::content::load(config, &helpbook::diag::Diagnostics::new());
            site.articles
                .iter()
                .map(|a| {
                    let info = ArticleInfo {
                        title: a.title.clone(),
                        updated: a.last_updated().map(str::to_string),
                    };
                    (a.url.clone(), info)
                })
                .collect()
        })
        .unwrap_or_default();
    let filter = Filter {
        since,
        lang: args.lang,
        section: args.section,
        review_after_days: config
            .as_ref()
            .map_or(180, |c| c.insights_review_after_days),
        other_languages: config
            .map(|c| c.languages.into_iter().skip(1).collect())
            .unwrap_or_default(),
        articles,
        now,
    };
    let report = report::report(&databases, &filter)?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print!("{}", helpbook::insights::text::page(&report)),
        Format::Html => print!("{}", helpbook::insights::html::page(&report)),
    }
    Ok(ExitCode::SUCCESS)
}
