//! Search: analyzers (stemming, folding), the Tantivy schema, index building, and shopper
//! text -> grouped hits with snippets and suggestions. Speaks no HTTP and renders no
//! templates; the shopper's text is never parsed as query syntax.
//!
//! Every article is indexed as one document for the article (title, tags, description and
//! intro) and one per `##` section or FAQ question, so a hit lands on the exact answer;
//! results are grouped by article, best anchor first.

mod analyze;
mod engine;
mod folder;
mod hits;
mod index;
mod lexicon;
mod matching;
mod query;
mod ranking;
mod scoring;
mod snippet;
mod unsynced;
mod update;
mod variants;
mod vocabulary;

pub use engine::{Engine, Explanation, Hit, Quality, Request, Response, WordScore};
pub use folder::INDEX_FORMAT;
pub use index::{IndexKept, IndexStats, write_index, write_live_index};
pub use lexicon::distance_within;
pub use update::LiveIndex;

/// The pieces a search is made of, for `examples/tantivy_native.rs`, which answers the same
/// queries with Tantivy's own ranking to measure against [`Engine`]: the analyzers, the
/// lexicon's typo and prefix look-ups, and the hit records. Not for the product's use.
#[doc(hidden)]
pub mod parts {
    pub use super::analyze::{Analyzer, fold, is_stop_word, words};
    pub use super::hits::{HITS_FILE, HitStore, open_file};
    pub use super::index::LEXICON_FILE;
    pub use super::lexicon::{Lexicon, typos_allowed};
}

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A number no other opening of an index file in this process has had. What searches keep per
/// thread (decoded lists, hit records) is keyed by it, so a new build never reads what an old
/// one left.
fn next_opening() -> u64 {
    static OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

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
    IndexOpen { path: String, reason: String },
    /// A file of the index is missing or is not as the build wrote it (a disk error, a copy
    /// cut short, an edit): searching it could crash or answer wrongly, so it is rebuilt.
    #[error("the search index in `{}` is damaged: `{file}` {problem}; rebuild it with `helpbook build`", dir.display())]
    IndexDamaged {
        dir: PathBuf,
        file: String,
        problem: String,
    },
    /// Another version of helpbook, with another index format, wrote the index.
    #[error("the search index in `{}` was written by another version of helpbook ({found}, where this one reads index format {}); rebuild it with `helpbook build`", dir.display(), folder::INDEX_FORMAT)]
    IndexFormat { dir: PathBuf, found: String },
    /// Writing the index failed: the disk is full or read-only. Names the file and the cause.
    #[error(transparent)]
    IndexWrite(#[from] crate::fs::FsError),
    /// A query failed inside Tantivy.
    #[error("search failed: {0}")]
    Query(String),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Query(e.to_string())
    }
}
