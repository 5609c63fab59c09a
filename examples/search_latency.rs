//! In-process search latency over an index built by `helpbook build`, without HTTP: runs
//! every query of `queries.{en,ru,et}.txt` (as written by `../shared/bench/gen_corpus.py`,
//! each with its language) `ROUNDS` times on one thread and prints searches per second and
//! latency percentiles. Used by `bench/serve.sh`; handy under `perf record`.
//!
//! `cargo run --release --example search_latency -- INDEX_DIR QUERIES_DIR [ROUNDS]`; with
//! `SLOWEST=1` in the environment it also lists the 15 slowest queries (mean per search).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool

use std::process::ExitCode;
use std::time::Instant;

use helpbook::search::{Engine, Request};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index), Some(queries)) = (args.first(), args.get(1)) else {
        eprintln!("usage: search_latency INDEX_DIR QUERIES_DIR [ROUNDS]");
        return ExitCode::FAILURE;
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);
    let engine = match Engine::open(std::path::Path::new(index)) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut requests = Vec::new();
    for lang in ["en", "ru", "et"] {
        let path = format!("{queries}/queries.{lang}.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            requests.push(Request {
                query: line.to_string(),
                lang: Some(lang.to_string()),
                section: None,
                limit: 10,
                offset: 0,
                explain: false,
            });
        }
    }
    if requests.is_empty() {
        eprintln!("no queries.{{en,ru,et}}.txt in {queries}");
        return ExitCode::FAILURE;
    }
    let mut millis = Vec::with_capacity(requests.len() * rounds);
    let mut per_query = vec![0.0; requests.len()];
    let start = Instant::now();
    for _ in 0..rounds {
        for (n, request) in requests.iter().enumerate() {
            let t = Instant::now();
            if let Err(e) = engine.search(request) {
                eprintln!("{:?}: {e}", request.query);
                return ExitCode::FAILURE;
            }
            let took = t.elapsed().as_secs_f64() * 1e3;
            per_query[n] += took;
            millis.push(took);
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((millis.len() as f64 * q) as usize).min(millis.len() - 1)];
    println!(
        "{} searches ({} queries x {rounds}) on one thread: {:.0} searches/s, p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        millis.len(),
        requests.len(),
        millis.len() as f64 / seconds,
        at(0.50),
        at(0.90),
        at(0.99),
        millis[millis.len() - 1],
    );
    if std::env::var_os("SLOWEST").is_some() {
        let mut order: Vec<usize> = (0..requests.len()).collect();
        order.sort_by(|a, b| per_query[*b].total_cmp(&per_query[*a]));
        for n in order.into_iter().take(15) {
            let request = &requests[n];
            let lang = request.lang.as_deref().unwrap_or("");
            println!(
                "{:8.3} ms  {lang}  {}",
                per_query[n] / rounds as f64,
                request.query
            );
        }
    }
    ExitCode::SUCCESS
}
