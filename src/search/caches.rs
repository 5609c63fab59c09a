//! Every cache kept between searches, in one list: what it holds, its bound, and what makes
//! an entry stale. All are per thread (`thread_local!`), so a search takes no lock; each is
//! declared beside the type of its entries, which this file does not import, and its bound
//! is here.
//!
//! | cache (file) | holds, keyed by | bound | stale when |
//! |---|---|---|---|
//! | `STEMS` (text/analyze) | word -> stem, per analyzer | [`STEM_CACHE`] per analyzer, then cleared | never: a stem depends on the word and the language only |
//! | `RECENT` (store/hits) | decoded hit records, by (opening, record) | [`RECENT_RECORDS`], least recently used out | the index is opened again: a new [`next_opening`] |
//! | `RECENT` (answer/scoring) | decoded ranking lists of [`WORTH_KEEPING`]+ entries, by part and stem, with their opening | [`RECENT_BYTES`], least recently used out | a list of another opening is not returned and is replaced |
//! | `SUMS` (answer/scoring) | scratch space for each article's score parts | one entry per article of the last index searched | never read before it is filled |
//! | `ANCHOR_WEIGHTS` (answer/engine) | Tantivy's weight of an anchor term, by (opening, field, stem, boost) | [`ANCHOR_WEIGHTS_KEPT`], then cleared | the index is opened again: a new [`next_opening`] |
//!
//! A build writes new files and the engine opens them again; an update in preview rewrites
//! the ranking and added-records files and Tantivy's segments, and the server opens the
//! index again too. Every opening of the hits or ranking file takes a new number, so nothing
//! kept for an earlier opening is served for a later one.

/// A number no other opening of an index file in this process has had. What searches keep per
/// thread (decoded lists, hit records, anchor weights) is keyed by it, so a new build never
/// reads what an old one left.
pub(super) fn next_opening() -> u64 {
    static OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Cached stems per thread, at most this many per analyzer (then the cache starts over).
pub(super) const STEM_CACHE: usize = 300_000;

/// Records kept per thread: the articles shoppers ask about most are found by search after
/// search, and each record read again is decompressed, checked and copied again.
pub(super) const RECENT_RECORDS: usize = 2048;

/// Bytes of decoded lists kept per thread across searches.
pub(super) const RECENT_BYTES: usize = 8 << 20;

/// Lists shorter than this (entries) decode faster than they are worth keeping.
pub(super) const WORTH_KEEPING: usize = 256;

/// Anchor terms whose weights (about 1 KB each) are kept per thread; beyond that they are all
/// forgotten at once.
pub(super) const ANCHOR_WEIGHTS_KEPT: usize = 1024;
