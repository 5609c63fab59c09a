//! Tantivy's own ranking against ours: answers the same queries over the same built index
//! two ways, in one process, rounds alternating, and prints queries per second (one thread,
//! two threads) and p50/p99 per query for each, then how often the two agree.
//!
//! - **ours**: [`helpbook::search::Engine`], as `serve` answers (`examples/query_cost.rs`):
//!   m-of-n matching, the ranking file, vocabulary and synonyms, snippets, anchors, totals.
//! - **tantivy**: the query analysed with helpbook's analyzers; each word plus its typo
//!   variants (the lexicon's words within helpbook's edit distances, at its weights) and,
//!   for the last word, its completions; one flat `BooleanQuery` of should-clauses, a
//!   `TermQuery` per word and field boosted by helpbook's field weights (title 4, heading
//!   2.5, text 1) times the variant's weight; Tantivy's BM25 and block-max WAND
//!   (`Weight::for_each_pruning`) over the section documents, the best document per article
//!   kept and the threshold raised to the tenth-best article's score, documents of other
//!   languages skipped. No totals, no snippets, no "did you mean", no other readings.
//!
//! `cargo run --release --example tantivy_native -- INDEX_DIR QUERIES [ROUNDS]`
//!
//! QUERIES holds `lang<TAB>query` lines (`bench/search/long_tail.py` writes them); ROUNDS
//! (default 5) rounds of: each engine over every query on one thread, then on two threads
//! (two long-lived workers, every other query each), the order of the engines swapped each
//! round. The table (stdout) holds the medians over rounds, then how often the two answers
//! agree (same first article, articles in common); each round goes to stderr.
//!
//! `ANSWERS=ours` or `ANSWERS=tantivy`, with a help center's ROOT (built) instead of
//! INDEX_DIR, times nothing and prints that engine's answer to each query as
//! `examples/answers.rs` does (`{"q", "urls": [content paths, best first]}`), for
//! `bench/relevance/score.py`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line tool

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::Instant;

use helpbook::search::parts::{
    Analyzer, HITS_FILE, HitStore, LEXICON_FILE, Lexicon, fold, is_stop_word, open_file,
    typos_allowed, words,
};
use helpbook::search::{Engine, Request, Settings};
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Index, ReloadPolicy, Score, Searcher, TERMINATED, Term};

/// helpbook's weights (`search/query.rs`): per field, and per kind of variant.
const TITLE: f32 = 4.0;
const HEADING: f32 = 2.5;
const TEXT: f32 = 1.0;
const ONE_TYPO: f32 = 0.6;
const TWO_TYPOS: f32 = 0.35;
const COMPLETION: f32 = 0.7;
/// helpbook's bounds: variants per word, words per query, the longest word corrected, how
/// many words of a query are looked up with two typos.
const EXPANSIONS: usize = 6;
const MAX_WORDS: usize = 10;
const LONGEST_CORRECTED: usize = 24;
const TWO_TYPO_WORDS: usize = 4;
/// Articles per answer.
const LIMIT: usize = 10;

/// The index searched with Tantivy's own machinery.
struct Native {
    searcher: Searcher,
    title: Field,
    heading: Field,
    body: Field,
    /// Per segment, each document's article id.
    articles: Vec<Vec<u32>>,
    /// Per article id, its language's place in `languages` (`u8::MAX`: none).
    lang_of: Vec<u8>,
    languages: Vec<String>,
    lexicon: Lexicon,
}

/// One article found: its best document and that document's score.
#[derive(Clone, Copy)]
struct Found {
    article: u32,
    score: Score,
    doc: DocAddress,
}

impl Native {
    fn open(dir: &Path) -> Result<Native, String> {
        let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
        let schema = index.schema();
        let field = |name: &str| schema.get_field(name).map_err(|e| e.to_string());
        let (title, heading, body) = (field("title")?, field("heading")?, field("body")?);
        let filter_lang = field("filter_lang")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| e.to_string())?;
        let searcher = reader.searcher();
        let settings: Settings = serde_json::from_slice(
            &std::fs::read(dir.join("helpbook-search.json")).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        let mut articles = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment
                .fast_fields()
                .u64("article")
                .map_err(|e| e.to_string())?;
            articles.push(
                (0..segment.max_doc())
                    .map(|doc| column.first(doc).unwrap_or(0) as u32)
                    .collect::<Vec<u32>>(),
            );
        }
        let most = articles.iter().flatten().copied().max().unwrap_or(0) as usize;
        let mut lang_of = vec![u8::MAX; most + 1];
        for (segment, articles) in searcher.segment_readers().iter().zip(&articles) {
            let inverted = segment
                .inverted_index(filter_lang)
                .map_err(|e| e.to_string())?;
            for (n, lang) in settings.languages.iter().enumerate() {
                let term = Term::from_field_text(filter_lang, lang);
                let Some(mut postings) = inverted
                    .read_postings(&term, IndexRecordOption::Basic)
                    .map_err(|e| e.to_string())?
                else {
                    continue;
                };
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    lang_of[articles[doc as usize] as usize] = n as u8;
                    doc = postings.advance();
                }
            }
        }
        let lexicon_text =
            std::fs::read_to_string(dir.join(LEXICON_FILE)).map_err(|e| e.to_string())?;
        let lexicon = Lexicon::new(
            lexicon_text
                .lines()
                .filter_map(|line| line.split_once('\t'))
                .map(|(word, count)| (word.to_string(), count.parse().unwrap_or(1)))
                .collect(),
        );
        Ok(Native {
            searcher,
            title,
            heading,
            body,
            articles,
            lang_of,
            languages: settings.languages,
            lexicon,
        })
    }

    /// Per word typed (at most `MAX_WORDS`, repeats merged): whether it is a stop word, and
    /// its stem and its variants' stems, each with its weight (the highest, when two stem
    /// alike).
    fn words(&self, lang: &str, text: &str) -> Vec<(bool, Vec<(String, f32)>)> {
        let analyzer = Analyzer::for_lang(lang);
        let mut typed: Vec<String> = Vec::new();
        for word in words(text) {
            if !typed.contains(&word.lower) && typed.len() < MAX_WORDS {
                typed.push(word.lower);
            }
        }
        let last_is_prefix = !text.ends_with(char::is_whitespace);
        let mut two_typo_words = 0;
        let mut out = Vec::with_capacity(typed.len());
        for (n, word) in typed.iter().enumerate() {
            let mut stems: Vec<(String, f32)> = Vec::new();
            let mut add = |word: &str, weight: f32| {
                let stem = analyzer.stem(word);
                match stems.iter_mut().find(|(s, _)| *s == stem) {
                    Some((_, w)) => *w = w.max(weight),
                    None => stems.push((stem, weight)),
                }
            };
            add(word, 1.0);
            let folded = fold(word);
            let letters = folded.chars().count();
            if !self.lexicon.contains(&folded) && letters <= LONGEST_CORRECTED {
                let most = if two_typo_words < TWO_TYPO_WORDS {
                    2
                } else {
                    1
                };
                if most == 2 && typos_allowed(letters) == 2 {
                    two_typo_words += 1;
                }
                for (similar, typos) in self.lexicon.similar_within(&folded, EXPANSIONS, most) {
                    add(similar, if typos == 1 { ONE_TYPO } else { TWO_TYPOS });
                }
            }
            if n + 1 == typed.len() && last_is_prefix && letters >= 2 {
                for completion in self.lexicon.completions(&folded, EXPANSIONS) {
                    add(completion, COMPLETION);
                }
            }
            out.push((is_stop_word(word), stems));
        }
        out
    }

    /// A stem's clauses: one `TermQuery` per field, boosted by the field's weight times the
    /// variant's.
    fn clauses(&self, stem: &str, weight: f32) -> [(Occur, Box<dyn Query>); 3] {
        [
            (self.title, TITLE),
            (self.heading, HEADING),
            (self.body, TEXT),
        ]
        .map(|(field, boost)| {
            let term = TermQuery::new(
                Term::from_field_text(field, stem),
                IndexRecordOption::WithFreqs,
            );
            let query: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), boost * weight));
            (Occur::Should, query)
        })
    }

    /// Any word: one flat union of every stem's clauses (the highest weight kept when two
    /// words share a stem), which Tantivy runs with block-max WAND.
    fn any_word(&self, words: &[(bool, Vec<(String, f32)>)]) -> Option<BooleanQuery> {
        let mut stems: Vec<(&str, f32)> = Vec::new();
        for (stem, weight) in words.iter().flat_map(|(_, stems)| stems) {
            match stems.iter_mut().find(|(s, _)| s == stem) {
                Some((_, w)) => *w = w.max(*weight),
                None => stems.push((stem, *weight)),
            }
        }
        let clauses: Vec<_> = stems
            .into_iter()
            .flat_map(|(stem, weight)| self.clauses(stem, weight))
            .collect();
        (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
    }

    /// Most words, helpbook's rule within one document (all of one or two, all but one of
    /// three or four…; stop words never have to, and only rank): a union per word, at least
    /// `needed` of them, plus the stop words' clauses. Not a flat union of terms, so Tantivy
    /// prunes with each scorer's bound but without block-max WAND.
    fn most_words(&self, words: &[(bool, Vec<(String, f32)>)]) -> Option<BooleanQuery> {
        let required: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .filter(|(stop, _)| !stop)
            .map(|(_, stems)| {
                let clauses: Vec<_> = stems
                    .iter()
                    .flat_map(|(stem, weight)| self.clauses(stem, *weight))
                    .collect();
                let word: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
                (Occur::Should, word)
            })
            .collect();
        let needed = match required.len() {
            0 => return None,
            n @ 1..=2 => n,
            n => n - n / 3,
        };
        let most: Box<dyn Query> = Box::new(BooleanQuery::with_minimum_required_clauses(
            required, needed,
        ));
        let mut clauses = vec![(Occur::Must, most)];
        for (_, stems) in words.iter().filter(|(stop, _)| *stop) {
            for (stem, weight) in stems {
                clauses.extend(self.clauses(stem, *weight));
            }
        }
        Some(BooleanQuery::new(clauses))
    }

    /// The best `LIMIT` articles in `lang`, best first: with `strict`, those holding most
    /// words in one document, or any word when none do.
    fn search(&self, lang: &str, text: &str, strict: bool) -> tantivy::Result<Vec<Found>> {
        let words = self.words(lang, text);
        if strict && let Some(query) = self.most_words(&words) {
            let found = self.top(&query, lang)?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
        match self.any_word(&words) {
            Some(query) => self.top(&query, lang),
            None => Ok(Vec::new()),
        }
    }

    /// The best `LIMIT` articles in `lang` for `query`: the best document per article kept,
    /// the threshold Tantivy prunes with raised to the tenth-best article's score.
    fn top(&self, query: &BooleanQuery, lang: &str) -> tantivy::Result<Vec<Found>> {
        let weight = query.weight(EnableScoring::enabled_from_searcher(&self.searcher))?;
        let wanted = self
            .languages
            .iter()
            .position(|l| l == lang)
            .map_or(0, |n| n as u8);
        let mut top: Vec<Found> = Vec::with_capacity(LIMIT + 1);
        let mut threshold = Score::MIN;
        for (ord, segment) in self.searcher.segment_readers().iter().enumerate() {
            let articles = &self.articles[ord];
            let start = threshold;
            let mut offer = |doc: DocId, score: Score| -> Score {
                let article = articles[doc as usize];
                if self.lang_of[article as usize] != wanted {
                    return threshold;
                }
                let found = Found {
                    article,
                    score,
                    doc: DocAddress::new(ord as u32, doc),
                };
                match top.iter_mut().find(|f| f.article == article) {
                    Some(f) if f.score < score => *f = found,
                    Some(_) => {}
                    None => top.push(found),
                }
                top.sort_by(|a, b| b.score.total_cmp(&a.score));
                top.truncate(LIMIT);
                if top.len() == LIMIT {
                    threshold = top[LIMIT - 1].score;
                }
                threshold
            };
            weight.for_each_pruning(start, segment, &mut offer)?;
        }
        Ok(top)
    }
}

/// Which engine a worker runs.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Ours,
    /// Any word, block-max WAND.
    Tantivy,
    /// Most words in one document, else any.
    TantivyMost,
}

const SIDES: [Side; 3] = [Side::Ours, Side::Tantivy, Side::TantivyMost];

struct Shared {
    engine: Engine,
    native: Native,
    queries: Vec<(String, String)>,
    requests: Vec<Request>,
}

impl Shared {
    /// Answers query `n` with `side`; how many articles it found.
    fn answer(&self, side: Side, n: usize) -> Result<usize, String> {
        match side {
            Side::Ours => self
                .engine
                .search(&self.requests[n])
                .map(|r| r.hits.len())
                .map_err(|e| e.to_string()),
            Side::Tantivy | Side::TantivyMost => {
                let (lang, query) = &self.queries[n];
                self.native
                    .search(lang, query, side == Side::TantivyMost)
                    .map(|found| found.len())
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Answers the queries `first, first + step, …` with `side`, each one's time in ms.
    fn run(&self, side: Side, first: usize, step: usize) -> Result<Vec<f64>, String> {
        let mut times = Vec::with_capacity(self.queries.len() / step + 1);
        for n in (first..self.queries.len()).step_by(step) {
            let t = Instant::now();
            self.answer(side, n)?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        Ok(times)
    }
}

/// One pass's figures: queries per second, p50 and p99 in ms.
#[derive(Clone, Copy, Default)]
struct Pass {
    per_second: f64,
    p50: f64,
    p99: f64,
}

fn pass(mut times: Vec<f64>, wall: f64) -> Pass {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Pass {
        per_second: times.len() as f64 / wall,
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index), Some(queries)) = (args.first(), args.get(1)) else {
        eprintln!("usage: tantivy_native INDEX_DIR QUERIES [ROUNDS]");
        return ExitCode::FAILURE;
    };
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let result = match std::env::var("ANSWERS") {
        Ok(side) => print_answers(Path::new(index), Path::new(queries), &side),
        Err(_) => measure(Path::new(index), Path::new(queries), rounds.max(1)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tantivy_native: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open(index: &Path, queries: &Path) -> Result<Shared, String> {
    let engine = Engine::open(index).map_err(|e| e.to_string())?;
    let native = Native::open(index)?;
    let text =
        std::fs::read_to_string(queries).map_err(|e| format!("{}: {e}", queries.display()))?;
    let queries: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(lang, query)| (lang.to_string(), query.to_string()))
        .collect();
    if queries.is_empty() {
        return Err("no `lang<TAB>query` lines in the queries file".to_string());
    }
    let requests = queries
        .iter()
        .map(|(lang, query)| Request {
            query: query.clone(),
            lang: Some(lang.clone()),
            section: None,
            limit: LIMIT,
            offset: 0,
            explain: false,
        })
        .collect();
    Ok(Shared {
        engine,
        native,
        queries,
        requests,
    })
}

fn measure(index: &Path, queries: &Path, rounds: usize) -> Result<(), String> {
    let shared = Arc::new(open(index, queries)?);
    let n = shared.queries.len();

    // Two long-lived workers, so that what each engine keeps per thread stays warm between
    // rounds, as on a server's threads.
    let (done_tx, done_rx) = mpsc::channel::<Result<Vec<f64>, String>>();
    let workers: Vec<mpsc::Sender<Side>> = (0..2)
        .map(|first| {
            let (tx, rx) = mpsc::channel::<Side>();
            let (shared, done) = (Arc::clone(&shared), done_tx.clone());
            std::thread::spawn(move || {
                for side in rx {
                    if done.send(shared.run(side, first, 2)).is_err() {
                        return;
                    }
                }
            });
            tx
        })
        .collect();
    let two_threads = |side: Side| -> Result<Pass, String> {
        let t = Instant::now();
        for worker in &workers {
            worker.send(side).map_err(|e| e.to_string())?;
        }
        let mut times = Vec::with_capacity(n);
        for _ in 0..workers.len() {
            times.extend(done_rx.recv().map_err(|e| e.to_string())??);
        }
        Ok(pass(times, t.elapsed().as_secs_f64()))
    };

    // A first pass each, untimed: the index's pages read in, the per-thread caches filled.
    for side in SIDES {
        shared.run(side, 0, 1)?;
        two_threads(side)?;
    }
    let mut one: [Vec<Pass>; 3] = Default::default();
    let mut two: [Vec<Pass>; 3] = Default::default();
    for round in 0..rounds {
        let mut order = SIDES;
        order.rotate_left(round % SIDES.len());
        for side in order {
            let t = Instant::now();
            let times = shared.run(side, 0, 1)?;
            one[side as usize].push(pass(times, t.elapsed().as_secs_f64()));
        }
        for side in order {
            two[side as usize].push(two_threads(side)?);
        }
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        for side in SIDES {
            let (a, b) = (one[side as usize][round], two[side as usize][round]);
            eprintln!(
                "round {}: {:<7} 1 thread {:>8.0}/s p50 {:.3} p99 {:.3} ms | 2 threads {:>8.0}/s p50 {:.3} p99 {:.3} ms | load {}",
                round + 1,
                name(side),
                a.per_second,
                a.p50,
                a.p99,
                b.per_second,
                b.p50,
                b.p99,
                load.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    println!(
        "| engine | 1 thread: queries/s | p50 ms | p99 ms | 2 threads: queries/s | p50 ms | p99 ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for side in SIDES {
        let (a, b) = (&one[side as usize], &two[side as usize]);
        let m = |passes: &[Pass], f: fn(&Pass) -> f64| median(passes.iter().map(f).collect());
        println!(
            "| {} | {:.0} | {:.3} | {:.3} | {:.0} | {:.3} | {:.3} |",
            name(side),
            m(a, |p| p.per_second),
            m(a, |p| p.p50),
            m(a, |p| p.p99),
            m(b, |p| p.per_second),
            m(b, |p| p.p50),
            m(b, |p| p.p99),
        );
    }
    println!(
        "\n{n} queries, medians of {rounds} rounds (one thread, then two; the engines' order swapped each round)."
    );
    agreement(index, &shared)
}

fn name(side: Side) -> &'static str {
    match side {
        Side::Ours => "ours",
        Side::Tantivy => "tantivy, any word",
        Side::TantivyMost => "tantivy, most words",
    }
}

/// Each engine's answer to query `n` (in the order of `SIDES`), as article URLs (anchors
/// cut), best first.
fn answers(shared: &Shared, hits: &HitStore, n: usize) -> Result<[Vec<String>; 3], String> {
    let article = |url: &str| url.split('#').next().unwrap_or(url).to_string();
    let ours = shared
        .engine
        .search(&shared.requests[n])
        .map_err(|e| e.to_string())?
        .hits
        .iter()
        .map(|hit| article(&hit.url))
        .collect();
    let (lang, query) = &shared.queries[n];
    let theirs = |strict: bool| -> Result<Vec<String>, String> {
        let found = shared
            .native
            .search(lang, query, strict)
            .map_err(|e| e.to_string())?;
        let mut urls = Vec::with_capacity(found.len());
        for f in found {
            let segment = shared.native.searcher.segment_reader(f.doc.segment_ord);
            let record = segment
                .fast_fields()
                .u64("hit")
                .map_err(|e| e.to_string())?
                .first(f.doc.doc_id)
                .unwrap_or(0);
            let hit = hits
                .get(record as usize)
                .ok_or_else(|| format!("no hit record {record}"))?;
            urls.push(article(&hit.url));
        }
        Ok(urls)
    };
    Ok([ours, theirs(false)?, theirs(true)?])
}

fn open_hits(index: &Path) -> Result<HitStore, String> {
    HitStore::open(open_file(index, HITS_FILE).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())
}

/// How often each Tantivy answer agrees with ours.
fn agreement(index: &Path, shared: &Shared) -> Result<(), String> {
    let hits = open_hits(index)?;
    let n = shared.queries.len();
    // Per Tantivy side: both answered, same top, our top in their ten, articles in common,
    // only ours answered, only theirs.
    let mut counts = [[0usize; 6]; 2];
    for q in 0..n {
        let [ours, any, most] = answers(shared, &hits, q)?;
        for (c, theirs) in counts.iter_mut().zip([any, most]) {
            match (ours.first(), theirs.first()) {
                (Some(a), Some(b)) => {
                    c[0] += 1;
                    c[1] += usize::from(a == b);
                    c[2] += usize::from(theirs.contains(a));
                    c[3] += ours.iter().filter(|u| theirs.contains(u)).count();
                }
                (Some(_), None) => c[4] += 1,
                (None, Some(_)) => c[5] += 1,
                (None, None) => {}
            }
        }
    }
    let pct = |k: usize, of: usize| 100.0 * k as f64 / of.max(1) as f64;
    println!("\nAgreement with ours over {n} queries:\n");
    println!(
        "| engine | both answered | same top article | our top article in its ten | articles in common per answer | only ours answered | only it answered |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (side, c) in [Side::Tantivy, Side::TantivyMost].into_iter().zip(counts) {
        println!(
            "| {} | {} | {} ({:.1}%) | {} ({:.1}%) | {:.2} of 10 | {} | {} |",
            name(side),
            c[0],
            c[1],
            pct(c[1], c[0]),
            c[2],
            pct(c[2], c[0]),
            c[3] as f64 / c[0].max(1) as f64,
            c[4],
            c[5],
        );
    }
    Ok(())
}

/// `ANSWERS=ours|tantivy|tantivy-most`: one engine's answers, as content paths, one JSON
/// line per query.
fn print_answers(root: &Path, queries: &Path, side: &str) -> Result<(), String> {
    let side = match side {
        "ours" => 0,
        "tantivy" => 1,
        "tantivy-most" => 2,
        other => {
            return Err(format!(
                "ANSWERS must be `ours`, `tantivy` or `tantivy-most`, got `{other}`"
            ));
        }
    };
    let index = root.join("build/index");
    let shared = open(&index, queries)?;
    let hits = open_hits(&index)?;
    let (config, _) = helpbook::config::Config::load(root).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        lines.join("\n")
    })?;
    let site = helpbook::content::load(&config, &helpbook::diag::Diagnostics::new());
    let source_of: std::collections::HashMap<&str, &str> = site
        .articles
        .iter()
        .map(|a| (a.url.as_str(), a.content_path.as_str()))
        .collect();
    for q in 0..shared.queries.len() {
        let answer = &answers(&shared, &hits, q)?[side];
        let paths: Vec<&str> = answer
            .iter()
            .map(|page| source_of.get(page.as_str()).copied().unwrap_or(page))
            .collect();
        let line = serde_json::json!({"q": shared.queries[q].1, "urls": paths});
        println!("{line}");
    }
    Ok(())
}
