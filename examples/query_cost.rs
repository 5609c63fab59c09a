//! What each query costs: runs every `lang<TAB>query` line of QUERIES against an index built
//! by `helpbook build`, ROUNDS times on one thread, and prints one line per query: its median
//! time in milliseconds, whether the search stopped at its work budget (`partial`), and the
//! query. Used by `bench/costly.sh` to hold the most expensive queries one can craft to a
//! small multiple of an ordinary one's cost.
//!
//! `cargo run --release --example query_cost -- INDEX_DIR QUERIES [ROUNDS]`

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool

use std::process::ExitCode;
use std::time::Instant;

use helpbook::search::{Engine, Request};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index), Some(queries)) = (args.first(), args.get(1)) else {
        eprintln!("usage: query_cost INDEX_DIR QUERIES [ROUNDS]");
        return ExitCode::FAILURE;
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(7);
    let engine = match Engine::open(std::path::Path::new(index)) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(text) = std::fs::read_to_string(queries) else {
        eprintln!("cannot read {queries}");
        return ExitCode::FAILURE;
    };
    let requests: Vec<Request> = text
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(lang, query)| Request {
            query: query.to_string(),
            lang: Some(lang.to_string()),
            section: None,
            limit: 10,
            offset: 0,
            explain: false,
        })
        .collect();
    // Rounds outside, queries inside: each round meets the caches as the one before left them.
    let mut times = vec![Vec::with_capacity(rounds); requests.len()];
    let mut partial = vec![false; requests.len()];
    for _ in 0..rounds {
        for (n, request) in requests.iter().enumerate() {
            let t = Instant::now();
            match engine.search(request) {
                Ok(response) => partial[n] = response.partial,
                Err(e) => {
                    eprintln!("{:?}: {e}", request.query);
                    return ExitCode::FAILURE;
                }
            }
            times[n].push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    for ((mut t, request), partial) in times.into_iter().zip(&requests).zip(partial) {
        t.sort_by(f64::total_cmp);
        println!(
            "{:.4}\t{}\t{}",
            t[t.len() / 2],
            if partial { "partial" } else { "-" },
            request.query
        );
    }
    ExitCode::SUCCESS
}
