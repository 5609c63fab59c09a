//! What a search is asked and what it answers: the types `helpbook search --json` and the
//! `/api/search` endpoint serialize. Plain data, no searching.

use std::sync::Arc;

use serde::Serialize;

use crate::search::{Popular, Support};

/// A search as the shopper asked for it (already validated by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Request {
    pub query: String,
    /// The shopper's language; the default language when `None`.
    pub lang: Option<String>,
    /// A top-level section URL (`/returns/`) to search within.
    pub section: Option<String>,
    pub limit: usize,
    pub offset: usize,
    /// Explain each hit (`helpbook search --explain`): slower, never asked by the API.
    pub explain: bool,
}

/// One article found, at its best anchor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub title: Arc<str>,
    /// The article's URL, with the `#anchor` of the best-matching section or question.
    pub url: Arc<str>,
    /// The section's title.
    pub section: Arc<str>,
    pub lang: Arc<str>,
    pub kind: Arc<str>,
    /// The matched question or heading; empty when the article as a whole matched best.
    pub heading: Arc<str>,
    /// HTML: the best passage with `<mark>` around matched words, all else escaped.
    pub snippet: String,
    pub score: f32,
    /// Whether the article holds the query's distinctive words (`exact`) or only some of the
    /// query (`related`).
    #[serde(rename = "match")]
    pub quality: Quality,
    /// Why it ranks where it does, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Box<Explanation>>,
}

/// Why a hit ranks where it does: which words of the article matched and how, what each
/// part of it scored, and why it links where it does.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// How the query was read: as typed, or otherwise (other keyboard layout, Russian in
    /// Latin letters, words split), and in which language.
    pub reading: String,
    /// The shopper vocabulary's phrasings found in the query, as written, with what they mean.
    pub vocabulary: Vec<String>,
    pub words: Vec<WordScore>,
    /// The score's parts: the title, the best topic (a heading, question, or the article's
    /// tags, description and keywords) and the whole text.
    pub title: f32,
    pub topic: f32,
    pub text: f32,
    /// Why the link goes where it does.
    pub anchor: String,
    /// Added because shoppers chose this article for this query (`[search]
    /// learn-from-clicks`); 0 when not.
    pub learned: f32,
}

/// One word searched that the article holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WordScore {
    /// What the shopper typed.
    pub typed: String,
    /// The word searched for it.
    pub word: String,
    /// `word` (as typed, or another ending of it), `typo`, `prefix`, `compound` (its second
    /// part), `synonym`, `vocabulary`, `phrase`.
    pub how: String,
    pub title: f32,
    pub topic: f32,
    pub text: f32,
}

/// How well a hit matches the query.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Quality {
    /// The article holds the query's distinctive words (its rarest ones).
    Exact,
    /// It shares words with the query but not its distinctive ones: "gift wrapping service"
    /// finds "service" in the returns article.
    Related,
}

/// What a search found.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Response {
    pub query: String,
    /// Articles found (not documents: an article with three matching answers counts once).
    pub total: usize,
    pub hits: Vec<Hit>,
    /// "Did you mean": the query with unknown words replaced by the closest indexed words;
    /// only when nothing was found.
    pub suggestion: Option<String>,
    /// When the query as typed found nothing but another reading did (`ljcnfdrf` ->
    /// `доставка`), that reading.
    pub searched_as: Option<String>,
    /// Which reading that was: `layout` (the other keyboard layout), `translit` (Russian in
    /// Latin letters) or `split` (words run together, split).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_as: Option<&'static str>,
    /// The language the hits are in; differs from the requested one when only another
    /// language had answers.
    pub lang: String,
    /// When nothing was found: the articles writers put first, in the section searched
    /// (or the whole help center), so that no shopper dead-ends.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub popular: Vec<Popular>,
    /// The support contact (book.toml `[support]`): the first answer when the shopper asks
    /// for a person ("talk to a human"), and part of every answer that found nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
    /// The support contact is the first answer, before any hits: the shopper asked for a
    /// person (and the search is answered even with no hits), or no article answers exactly.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub support_first: bool,
    /// No article holds the query's distinctive words: the hits are only related (each
    /// says `match`), and the support contact comes first, for the shopper to ask.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_exact_answer: bool,
    /// The query was more than one search may cost (too many words or phrases, or a phrase
    /// of words nearly every article has): part of it was left out or read more loosely.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}
