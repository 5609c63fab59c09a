//! Search: analyzers (stemming, folding), the Tantivy schema, index building, and shopper
//! text -> grouped hits with snippets and suggestions. Speaks no HTTP and renders no
//! templates; the shopper's text is never parsed as query syntax.
//!
//! Every article is indexed as one document for the article (title, tags, description and
//! intro) and one per `##` section or FAQ question, so a hit lands on the exact answer;
//! results are grouped by article, best anchor first.
//!
//! # From shopper text to answer
//!
//! ```text
//!  shopper text ("refnd polic", lang, section)
//!     │ answer/query     parse: words, "phrases", -exclusions (nothing else is syntax);
//!     │                  per word its stem, typo corrections and completions (text/lexicon),
//!     │                  synonyms and phrasings (text/vocabulary), all through text/analyze
//!     ▼
//!  Built: clauses, phrases, exclusions, ranking stems, anchor stems
//!     │ answer/matching  which articles match: bitsets of article ids (answer/bitset);
//!     │                  word clauses from OUR ranking file, phrases and language/section
//!     │                  filters from TANTIVY
//!     ▼
//!  matching articles (most words / some words)
//!     │ answer/scoring   BM25 sums from OUR ranking file (store/ranking), top-k by bounds
//!     ▼
//!  best articles, each with its best topic
//!     │ answer/engine/anchors  the anchor: the best topic's document (OUR ranking file),
//!     │ answer/anchor          else the section TANTIVY scores best on the article's own
//!     │                        documents
//!     │ store/hits       each hit's record (title, URL, heading, text) from OUR hits file
//!     │ answer/snippet   the snippet, with the query's words marked
//!     ▼
//!  Response: hits, total, suggestion (text/lexicon), popular articles, support contact
//! ```
//!
//! `answer/engine` drives the steps, and when the query as typed finds nothing tries its
//! other readings (`answer/engine/readings`, with text/variants: the other keyboard layout,
//! transliteration), the looser match (some words instead of most) and the other languages.
//! What a search is asked and answers is `answer/response`; `--explain`, `answer/explain`.
//!
//! Building runs the other way (`build/index`): each document is analysed once
//! (text/analyze) and written into Tantivy and into our own files; preview replaces one
//! article in a written index where it lies (`build/update`, [`LiveIndex`]).
//!
//! # What lives where
//!
//! | data | kept in | why |
//! |---|---|---|
//! | title, heading, text with positions; language, section, article id | Tantivy | phrases, filters, which section of a found article to link to, deleting and adding one article in place |
//! | each word's BM25 weight per article, per part (title, text, best topic) | `helpbook-ranking.bin` (store/ranking) | an article's score is a few list sums, weighed at build time, instead of BM25 posting by posting over ~9 documents per article |
//! | what a hit shows | `helpbook-hits.bin` (store/hits), `helpbook-hits-added.bin` after a preview update | one record decompressed per hit, where Tantivy's store decompresses a block |
//! | every indexed word with its document count | `helpbook-lexicon.tsv` (text/lexicon reads it) | typo corrections, completions and "did you mean" |
//! | languages, synonyms, popular articles, learned boosts, vocabulary switch, support | `helpbook-search.json` (the crate's [`Settings`]) | an index answers without `book.toml` |
//! | each file above: its format, length and CRC-32 | `helpbook-index.json` (store/folder) | an index of another version, or damaged, is refused at opening |
//! | the shopper vocabulary | in the binary (`text/vocabulary.toml`) | — |
//!
//! Why our own ranking files rather than Tantivy's scoring, measured (bench/README.md,
//! "Tantivy's own ranking against ours"; `examples/tantivy_native.rs`): over the same 40,000
//! distinct queries on 10,000 articles in one run, Tantivy doing our work (the same typo and
//! prefix terms, field boosts and block-max WAND over the section documents, no counts)
//! answered 1.24 times fewer queries per second than the ranking file (p50 0.171 against
//! 0.138 ms, ours making snippets too), and 3-4 times fewer when it had to require most words
//! as ours does; its answers scored MRR@10 0.59-0.61 against 0.78 on the judged sets. It is
//! the simpler design (about 270 lines against 1,950), but not the faster, and it cannot count
//! a word's typo variants as that one word, match most words per article rather than per
//! section, or give totals without a second pass. Bare `tantivy-cli serve` is faster because
//! it does none of that work (one document per article, no typos, prefixes or snippets).
//!
//! What searches keep between searches, per thread, for speed, is listed in one place with
//! each cache's bound and what makes it stale: `caches`.

mod answer;
mod build;
mod caches;
mod store;
mod text;

pub use answer::engine::Engine;
pub use answer::response::{Explanation, Hit, Quality, Request, Response, WordScore};
pub use build::index::{LiveIndexParts, write_index, write_live_index};
pub use build::update::LiveIndex;
pub use store::folder::INDEX_FORMAT;
pub use store::schema::IndexStats;
pub use text::lexicon::distance_within;

/// The pieces a search is made of, for `examples/tantivy_native.rs`, which answers the same
/// queries with Tantivy's own ranking to measure against [`Engine`]: the analyzers, the
/// lexicon's typo and prefix look-ups, and the hit records. Not for the product's use.
#[doc(hidden)]
pub mod parts {
    pub use super::store::folder::open_file;
    pub use super::store::hits::{HITS_FILE, HitStore};
    pub use super::store::schema::LEXICON_FILE;
    pub use super::text::analyze::{Analyzer, fold, words};
    pub use super::text::lexicon::{Lexicon, typos_allowed};
    pub use super::text::stop_words::is_stop_word;
}

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// One searchable unit: an article's head or one of its sections / questions. What all of an
/// article's documents share is counted, not copied: a 10,000-article help center has about
/// 93,000 documents, all held while it is indexed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The article's URL; sections add their `#anchor`.
    pub url: String,
    pub article_url: Arc<str>,
    pub lang: Arc<str>,
    /// The top-level section's URL (`/returns/`), for `section=` filters; "" at the root.
    pub section: Arc<str>,
    pub section_title: Arc<str>,
    pub kind: Arc<str>,
    pub title: Arc<str>,
    /// The `##` heading or FAQ question; "" for the article's own document.
    pub heading: String,
    pub tags: Vec<String>,
    /// The article's summary from its front matter, on the article's own document (also at
    /// the start of its `text`): with the tags, what the article says it is about.
    pub description: String,
    /// The shoppers' phrasings the writer says the article answers, on the article's own
    /// document: each one is a topic of the article, like a question.
    pub keywords: Vec<String>,
    pub text: String,
}

/// A boost learned from shoppers' choices: searching `query` (as [`normalize_query`] gives
/// it) in `lang` adds `boost` to the article at `url`, which shoppers chose for it on `days`
/// distinct days.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Learned {
    pub query: String,
    pub lang: String,
    pub url: String,
    pub boost: f32,
    pub days: usize,
}

/// A query as it is counted and learned from: lowercased, with runs of spaces and
/// punctuation at either end gone, so that "Refund?" and "  refund " are one query.
pub fn normalize_query(query: &str) -> String {
    let lower = query.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// What the index needs to know about the help center to answer queries, stored beside it so
/// that `serve` and `helpbook search` need only `build/index/`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    /// The default language first.
    pub languages: Vec<String>,
    pub synonyms: Vec<Vec<String>>,
    /// Articles offered when a search finds nothing: language -> top-level section URL
    /// (`""` for the whole help center) -> articles, first first.
    #[serde(default)]
    pub popular: BTreeMap<String, BTreeMap<String, Vec<Popular>>>,
    /// What shoppers chose, learned from the insights database when `[search]
    /// learn-from-clicks` is on: a boost for an article when its query is searched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub learned: Vec<Learned>,
    /// Whether the built-in shopper vocabulary is used (book.toml `[search] vocabulary`).
    #[serde(default = "yes")]
    pub vocabulary: bool,
    /// The help center's own phrasings (`[[search.phrasing]]`).
    #[serde(default)]
    pub phrasings: Vec<crate::config::Phrasing>,
    /// How shoppers reach a person: the first answer when they ask for one, and part of
    /// every answer that found nothing.
    #[serde(default)]
    pub support: Option<Support>,
}

fn yes() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            languages: Vec::new(),
            synonyms: Vec::new(),
            popular: BTreeMap::new(),
            vocabulary: true,
            phrasings: Vec::new(),
            support: None,
            learned: Vec::new(),
        }
    }
}

/// The help center's support contact (book.toml `[support]`), as search answers give it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Support {
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub email: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub phone: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub chat: String,
}

/// An article offered when a search finds nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Popular {
    pub title: String,
    pub url: String,
    /// The section's title.
    pub section: String,
}

/// Operational failures of the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index folder is missing or unreadable: build first.
    #[error("cannot open the search index in `{path}`: {reason}")]
    IndexOpen {
        path: String,
        #[source]
        reason: OpenProblem,
    },
    /// A file of the index is missing or is not as the build wrote it (a disk error, a copy
    /// cut short, an edit): searching it could crash or answer wrongly, so it is rebuilt.
    #[error("the search index in `{}` is damaged: `{file}` {problem}; rebuild it with `helpbook build`", dir.display())]
    IndexDamaged {
        dir: PathBuf,
        file: String,
        #[source]
        problem: Damage,
    },
    /// Another version of helpbook, with another index format, wrote the index.
    #[error("the search index in `{}` was written by another version of helpbook ({found}, where this one reads index format {}); rebuild it with `helpbook build`", dir.display(), store::folder::INDEX_FORMAT)]
    IndexFormat { dir: PathBuf, found: FoundFormat },
    /// Writing the index failed: the disk is full or read-only. Names the file and the cause.
    #[error(transparent)]
    IndexWrite(#[from] crate::fs::FsError),
    /// A query failed inside Tantivy.
    #[error("search failed: {0}")]
    Query(#[from] tantivy::TantivyError),
    /// A found document's record is not in the hits file: the index and the hits file are
    /// of two builds.
    #[error(
        "search failed: the record of a hit (article {article}) is missing from `{}`; run `helpbook build` again",
        store::hits::HITS_FILE
    )]
    MissingRecord { article: u32 },
}

/// Why an index cannot be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenProblem {
    /// Nothing was built there.
    #[error("there is no index there; run `helpbook build` first")]
    NoIndex,
    /// The schema lacks a field this version searches: another version wrote it.
    #[error("the index has no `{0}` field; rebuild it with this version of helpbook")]
    NoField(&'static str),
    /// One of our binary files is not laid out as this version reads it.
    #[error("`{file}`: {problem}; run `helpbook build` again")]
    File {
        file: &'static str,
        #[source]
        problem: store::LayoutError,
    },
    /// What a build kept for updates does not agree with itself.
    #[error("{documents} articles' documents but {counted} articles counted: a bug in the build")]
    Miscounted { documents: usize, counted: usize },
}

pub use store::folder::{Damage, FoundFormat};
