//! helpbook's answers to queries, as article source paths: for scoring search quality beside
//! other tools (`bench/relevance/score.py`, run by `bench/compare.sh`). Reads queries from
//! stdin, one per line, searches the index that `helpbook build` wrote for the help center in
//! ROOT exactly as `/api/search` does (same engine, limit 10), and prints one JSON line per
//! query: `{"q": ..., "urls": [content paths of the hits, best first]}`.
//!
//! `cargo run --release --example answers -- ROOT LANG < queries.txt`; with LANG `-`, each
//! line is `lang<TAB>query`. With `FULL=1` in the environment, each line holds the hits as
//! `[url with anchor, snippet, score]` instead: two builds' outputs compared byte for byte
//! tell whether a change to search left every answer as it was.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use helpbook::search::{Engine, Request};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, lang] = args.as_slice() else {
        eprintln!("usage: answers ROOT LANG < queries.txt");
        return ExitCode::from(2);
    };
    match answer(Path::new(root), lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("answers: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn answer(root: &Path, lang: &str) -> anyhow::Result<()> {
    let (config, _) = helpbook::config::Config::load(root).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(lines.join("\n"))
    })?;
    let site = helpbook::content::load(&config, &helpbook::diag::Diagnostics::new());
    let source_of: HashMap<&str, &str> = site
        .articles
        .iter()
        .map(|a| (a.url.as_str(), a.content_path.as_str()))
        .collect();
    let engine = Engine::open(&root.join("build/index"))?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        // LANG `-`: each line is `lang<TAB>query`, for sets in several languages.
        let (lang, query) = match (lang, line.split_once('\t')) {
            ("-", Some((lang, query))) => (lang, query.to_owned()),
            _ => (lang, line),
        };
        if query.trim().is_empty() {
            continue;
        }
        let response = engine.search(&Request {
            query: query.clone(),
            lang: Some(lang.to_owned()),
            section: None,
            limit: 10,
            offset: 0,
            explain: false,
        })?;
        let paths: Vec<&str> = response
            .hits
            .iter()
            .map(|hit| {
                let page = hit.url.split('#').next().unwrap_or_default();
                source_of.get(page).copied().unwrap_or(page)
            })
            .collect();
        if std::env::var_os("FULL").is_some() {
            let full: Vec<(&str, &str, f32)> = response
                .hits
                .iter()
                .map(|h| (&h.url[..], &h.snippet[..], h.score))
                .collect();
            println!("{}", serde_json::json!({ "q": query, "hits": full }));
            continue;
        }
        println!("{}", serde_json::json!({ "q": query, "urls": paths }));
    }
    Ok(())
}
