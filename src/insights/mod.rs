//! What shoppers did, kept so that writers learn what to write next: searches (what was asked
//! and how it was answered) and "Was this helpful?" votes, in a SQLite file beside book.toml.
//!
//! ```text
//! request ─► Insights::record (never waits) ─► bounded queue ─► writer thread ─► SQLite (WAL)
//! ```
//!
//! Nothing that identifies a shopper is stored: no address, user agent or cookie, times only to
//! the minute, and e-mail addresses and phone numbers in comments masked (see [`mask`]). A full
//! queue drops the event and counts it rather than slow a search down.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the events and the handle requests record them through |
//! | [`store`] | the database: schema and its versions, the writer thread, retention |
//! | [`mask`] | e-mail addresses and phone numbers out of comments |
//! | [`typing`] | one search per stretch of typing in the search box |
//! | [`html`] | the report as one self-contained page |
//! | [`learn`] | boosts for what shoppers chose, for the next build |
//! | [`text`] | the report as a terminal shows it |
//! | [`report`] | `helpbook report`'s figures, from one database or several merged |

pub mod html;
pub mod learn;
pub mod mask;
pub mod report;
pub mod store;
pub mod text;
pub mod typing;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};

pub use store::{InsightsError, Writer};

/// Events waiting for the writer at most; beyond, events are dropped and counted.
pub const QUEUE: usize = 10_000;

/// One thing a shopper did.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Search(Search),
    Feedback(Feedback),
    Click(Click),
    Handoff(Handoff),
}

/// A shopper chose a result of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Click {
    /// Unix time, to the minute.
    pub at: i64,
    /// The query, as [`normalize`] gives it.
    pub query: String,
    pub lang: String,
    /// The article chosen, without its `#anchor`.
    pub url: String,
    /// Its place in the results, from 1.
    pub rank: usize,
    /// The search box's page id, when it sent one.
    pub page: Option<String>,
}

/// A shopper turned to the support contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    /// Unix time, to the minute.
    pub at: i64,
    /// The page they were on (an article, or the search page).
    pub from: String,
    /// What they had searched for, when they came from a search.
    pub query: Option<String>,
    /// `email`, `phone` or `chat`.
    pub channel: String,
    pub page: Option<String>,
}

/// A search through the API or the `/search/` page.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// Unix time, to the minute.
    pub at: i64,
    /// The query as [`normalize`] gives it.
    pub query: String,
    /// The language searched in (the requested one, or the help center's default).
    pub lang: String,
    /// The `section=` filter, when there was one.
    pub section: Option<String>,
    /// Articles found.
    pub hits: usize,
    /// How the hits were found.
    pub answered: Answered,
    /// Whether "did you mean" was offered.
    pub suggested: bool,
    /// The search box's random id for one page load (never stored with anything else that
    /// could tell who it was): the searches of one stretch of typing are counted once, as
    /// the last query typed.
    pub page: Option<String>,
}

/// How a search found what it showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// The query's words, as typed (with typos and stems).
    AsTyped,
    /// Articles were found, but none holds the query's distinctive words: only related ones.
    Related,
    /// The text typed in the other keyboard layout (`ljcnfdrf` for `доставка`).
    Layout,
    /// Russian typed in Latin letters (`dostavka`).
    Translit,
    /// Another reading of the text: words run together, split.
    OtherReading,
    /// Articles in another language than the shopper's.
    OtherLanguage,
    /// Nothing.
    Nothing,
}

impl Answered {
    /// How the database spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Answered::AsTyped => "as-typed",
            Answered::Layout => "layout",
            Answered::Translit => "translit",
            Answered::Related => "related",
            Answered::OtherReading => "other-reading",
            Answered::OtherLanguage => "other-language",
            Answered::Nothing => "nothing",
        }
    }

    /// The way `text` (as [`Self::as_str`] spells it) says; `None` for another word.
    pub fn parse(text: &str) -> Option<Answered> {
        [
            Answered::AsTyped,
            Answered::Layout,
            Answered::Translit,
            Answered::OtherReading,
            Answered::Related,
            Answered::OtherLanguage,
            Answered::Nothing,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }

    /// Whether the shopper was left without an answer in their own words and language:
    /// what the report counts as unanswered.
    pub fn is_unanswered(self) -> bool {
        !matches!(
            self,
            Answered::AsTyped | Answered::Layout | Answered::Translit | Answered::OtherReading
        )
    }
}

/// A "Was this helpful?" vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    /// Unix time, to the minute.
    pub at: i64,
    /// The article's URL (`/returns/refund-policy/`).
    pub url: String,
    pub helpful: bool,
    /// What the shopper wrote, masked (see [`mask::personal_data`]); `None` when nothing.
    pub comment: Option<String>,
}

/// The handle requests record events through; cheap to clone. Recording never waits: when
/// the writer is behind by [`QUEUE`] events, the event is dropped and counted.
#[derive(Clone)]
pub struct Insights {
    queue: SyncSender<store::Message>,
    dropped: Arc<AtomicU64>,
}

impl Insights {
    /// Queues `event` for the writer; `false` when it was dropped (queue full, or the writer
    /// has stopped).
    pub fn record(&self, event: Event) -> bool {
        match self.queue.try_send(store::Message::Event(event)) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                // Once per thousand, not per event: a stuck disk must not flood the log.
                if dropped % 1000 == 1 {
                    tracing::warn!(dropped, "insights: events dropped, the database is behind");
                }
                false
            }
        }
    }

    /// Events dropped so far because the writer was behind or stopped.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The current Unix time, to the minute: no finer time is stored.
pub fn this_minute() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    seconds - seconds % 60
}

/// A query as it is counted, as search learns from it.
pub use crate::search::normalize_query as normalize;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_counted_lowercased_without_extra_spaces_or_end_punctuation() {
        assert_eq!(normalize("  Where IS my   Parcel?? "), "where is my parcel");
        assert_eq!(normalize("«Возврат денег»"), "возврат денег");
        assert_eq!(normalize("3-5 days"), "3-5 days");
        assert_eq!(normalize("?!"), "");
    }

    #[test]
    fn times_are_kept_to_the_minute() {
        assert_eq!(this_minute() % 60, 0);
    }

    #[test]
    fn unanswered_is_nothing_related_or_another_language() {
        let unanswered: Vec<&str> = [
            Answered::AsTyped,
            Answered::Layout,
            Answered::Translit,
            Answered::Related,
            Answered::OtherReading,
            Answered::OtherLanguage,
            Answered::Nothing,
        ]
        .into_iter()
        .filter(|a| a.is_unanswered())
        .map(Answered::as_str)
        .collect();
        assert_eq!(unanswered, ["related", "other-language", "nothing"]);
    }
}
