//! How well each article answers a word: `helpbook-ranking.bin`, written beside the index.
//!
//! An article's score is BM25 over three parts of it, added up with the query's weights: its
//! title, its whole text, and its best topic, a topic being its tags and description, or one
//! heading or question. The index never changes once built, so each word's BM25 weight in
//! each title, text and topic is worked out at build time: a search adds up a few lists of
//! weights instead of evaluating BM25 posting by posting, and learns which articles hold a
//! word from the same lists.
//!
//! Layout (integers little-endian): `HBRANK1\n`; the article count and the word count (u32);
//! per part, the score one weight unit stands for (f32); article count + 1 offsets (u32)
//! into the documents, which follow: per article, the hits-file record of each topic's
//! document (u32), by topic number; word count + 1 offsets (u32) into
//! the words; word count × 3 + 1 offsets (u64) into the lists; the words (UTF-8, sorted,
//! back to back); the lists, per word its title, topics and text list. Title and text lists
//! are runs of (article id as the gap from the previous one, LEB128; weight, u16); a topics
//! list is fixed-width (article id, u32; topic number in the article, u16; weight, u16),
//! ordered by article and topic, so that one article's entries can be found by bisection.

use rustc_hash::FxHashMap;
use tantivy::directory::OwnedBytes;

use super::LayoutError;
use super::hits::{read_u32, read_u64};

mod write;

pub use write::{Counted, averages, count, encode, replace_article};

/// The file beside the index.
pub const RANKING_FILE: &str = "helpbook-ranking.bin";

const MAGIC: &[u8] = b"HBRANK1\n";

/// BM25's parameters, as Tantivy (and Lucene) use them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// A part of an article that is ranked on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Title = 0,
    /// The topics: the article's tags and description together, and each heading or
    /// question on its own (an article scores by its best one).
    Topics = 1,
    /// Every word of the article, title and topics included.
    Text = 2,
}

pub(in crate::search) const PARTS: usize = 3;

/// The parts by their number in the file.
const PARTS_IN_ORDER: [Part; PARTS] = [Part::Title, Part::Topics, Part::Text];

/// Calls `f` with each (article, weight units) of a title or text list, in order; a damaged
/// list ends early rather than misleads.
#[inline(always)]
fn each_gap_entry(list: &[u8], mut f: impl FnMut(u32, u16)) {
    let mut at = 0;
    let mut article = 0u32;
    while at < list.len() {
        let mut gap = 0u32;
        let mut shift = 0;
        loop {
            let Some(&byte) = list.get(at) else { return };
            at += 1;
            gap |= u32::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
            if shift > 28 {
                return;
            }
        }
        let Some(units) = list.get(at..at + 2) else {
            return;
        };
        at += 2;
        article = article.wrapping_add(gap);
        f(article, u16::from_le_bytes([units[0], units[1]]));
    }
}

/// The ranking file of an index, read in place (memory-mapped, or in memory for `check`).
pub struct ArticleRanking {
    bytes: OwnedBytes,
    /// Tells this opening of a ranking file from every other in the process (decoded lists
    /// kept across searches are only reused for the file they came from).
    id: u64,
    /// Where the table of each article's first document, and the documents, start.
    document_offsets: usize,
    documents: usize,
    articles: usize,
    words: usize,
    scale: [f32; PARTS],
    /// Where the word offsets, list offsets, words and lists start.
    word_offsets: usize,
    list_offsets: usize,
    word_bytes: usize,
    list_bytes: usize,
}

impl ArticleRanking {
    /// Checks the header and the tables' sizes; says what is wrong otherwise.
    pub fn open(bytes: OwnedBytes) -> Result<ArticleRanking, LayoutError> {
        let data = bytes.as_slice();
        if !data.starts_with(MAGIC) {
            return Err(LayoutError::NotOurs("ranking"));
        }
        let short = || LayoutError::CutShort;
        let articles = read_u32(data, MAGIC.len()).ok_or_else(short)? as usize;
        let words = read_u32(data, MAGIC.len() + 4).ok_or_else(short)? as usize;
        let mut scale = [0f32; PARTS];
        for (part, s) in scale.iter_mut().enumerate() {
            let bits = read_u32(data, MAGIC.len() + 8 + part * 4).ok_or_else(short)?;
            *s = f32::from_bits(bits);
        }
        let document_offsets = MAGIC.len() + 8 + PARTS * 4;
        let documents = document_offsets + (articles + 1) * 4;
        let document_count = read_u32(data, documents - 4).ok_or_else(short)? as usize;
        let word_offsets = documents + document_count * 4;
        let list_offsets = word_offsets + (words + 1) * 4;
        let word_bytes = list_offsets + (words * PARTS + 1) * 8;
        let words_len = read_u32(data, list_offsets - 4).ok_or_else(short)? as usize;
        let list_bytes = word_bytes + words_len;
        let lists_len = read_u64(data, word_bytes - 8).ok_or_else(short)?;
        if list_bytes as u64 + lists_len != data.len() as u64 {
            return Err(LayoutError::Size("tables"));
        }
        Ok(ArticleRanking {
            bytes,
            id: crate::search::caches::next_opening(),
            document_offsets,
            documents,
            articles,
            words,
            scale,
            word_offsets,
            list_offsets,
            word_bytes,
            list_bytes,
        })
    }

    /// The document (hits-file record) that topic `topic` of `article` stands for.
    pub fn document(&self, article: u32, topic: u16) -> Option<u32> {
        let data = self.bytes.as_slice();
        let at = self.document_offsets + article as usize * 4;
        let (from, to) = (read_u32(data, at)?, read_u32(data, at + 4)?);
        let n = from.checked_add(u32::from(topic)).filter(|n| *n < to)?;
        read_u32(data, self.documents + n as usize * 4)
    }

    /// This opening's number, unique in the process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How many articles the index has (article ids are below this).
    pub fn articles(&self) -> usize {
        self.articles
    }

    /// Word number `i`.
    fn word(&self, i: usize) -> Option<&[u8]> {
        let data = self.bytes.as_slice();
        let from = read_u32(data, self.word_offsets + i * 4)? as usize;
        let to = read_u32(data, self.word_offsets + (i + 1) * 4)? as usize;
        data.get(self.word_bytes + from..self.word_bytes + to)
    }

    /// The word's number, when an article holds it.
    fn find(&self, stem: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.words);
        while low < high {
            let middle = (low + high) / 2;
            match self.word(middle)?.cmp(stem.as_bytes()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// What one weight unit of `part` stands for: a weight is its units times this.
    pub fn scale(&self, part: Part) -> f32 {
        self.scale[part as usize]
    }

    /// Calls `f` with each article holding `stem` in its title or text (`part`) and the
    /// word's BM25 weight there in units (see [`Self::scale`]), in article order; with
    /// `Part::Topics`, each article's best topic's. A damaged list ends early rather than
    /// misleads.
    pub fn for_each_units(&self, stem: &str, part: Part, mut f: impl FnMut(u32, u16)) {
        let Some(list) = self.find(stem).and_then(|word| self.list(word, part)) else {
            return;
        };
        if part == Part::Topics {
            // Entries are ordered by article: each article's best is the highest of a run.
            let mut current: Option<(u32, u16)> = None;
            for entry in list.chunks_exact(TOPIC_ENTRY) {
                let (article, _, units) = topic_entry(entry);
                match &mut current {
                    Some((a, best)) if *a == article => *best = (*best).max(units),
                    _ => {
                        if let Some((a, best)) = current.replace((article, units)) {
                            f(a, best);
                        }
                    }
                }
            }
            if let Some((a, best)) = current {
                f(a, best);
            }
            return;
        }
        each_gap_entry(list, f);
    }

    /// `stem`'s topics list, to look articles up in with [`Self::topics_in`].
    pub fn topics(&self, stem: &str) -> Topics<'_> {
        Topics {
            list: self
                .find(stem)
                .and_then(|w| self.list(w, Part::Topics))
                .unwrap_or(&[]),
            scale: self.scale[Part::Topics as usize],
        }
    }

    fn list(&self, word: usize, part: Part) -> Option<&[u8]> {
        let data = self.bytes.as_slice();
        let n = word * PARTS + part as usize;
        let from = read_u64(data, self.list_offsets + n * 8)? as usize;
        let to = read_u64(data, self.list_offsets + (n + 1) * 8)? as usize;
        data.get(self.list_bytes + from..self.list_bytes + to)
    }
}

/// The bytes of one topics-list entry: article (u32), topic (u16), weight (u16).
const TOPIC_ENTRY: usize = 8;

fn topic_entry(entry: &[u8]) -> (u32, u16, u16) {
    let [a0, a1, a2, a3, t0, t1, w0, w1] = entry.try_into().unwrap_or([0; TOPIC_ENTRY]);
    (
        u32::from_le_bytes([a0, a1, a2, a3]),
        u16::from_le_bytes([t0, t1]),
        u16::from_le_bytes([w0, w1]),
    )
}

/// One word's topics list.
#[derive(Clone, Copy)]
pub struct Topics<'a> {
    list: &'a [u8],
    scale: f32,
}

/// Articles per block of [`Topics::starts`].
pub const TOPIC_BLOCK: u32 = 16;

impl Topics<'_> {
    /// For each block of TOPIC_BLOCK articles (up to `articles`), the number of the list's
    /// first entry at or after its first article, and the number of entries at the end: where
    /// [`Self::of`] looks for an article's entries instead of bisecting the whole list, which
    /// reads a cache line of the file for each step.
    pub fn starts(&self, articles: usize) -> Vec<u32> {
        let blocks = articles.div_ceil(TOPIC_BLOCK as usize);
        let mut starts = Vec::with_capacity(blocks + 1);
        for (n, entry) in self.list.chunks_exact(TOPIC_ENTRY).enumerate() {
            let block = (topic_entry(entry).0 / TOPIC_BLOCK) as usize;
            while starts.len() <= block.min(blocks) {
                starts.push(n as u32);
            }
        }
        let entries = (self.list.len() / TOPIC_ENTRY) as u32;
        starts.resize(blocks + 1, entries);
        starts
    }

    /// Calls `f` with each topic of `article` holding the word, and its weight there;
    /// `starts` as [`Self::starts`] gives them for this list (empty: bisect the whole list).
    pub fn of(&self, article: u32, starts: &[u32], mut f: impl FnMut(u16, f32)) {
        let entries = self.list.len() / TOPIC_ENTRY;
        let article_at = |i: usize| topic_entry(&self.list[i * TOPIC_ENTRY..][..TOPIC_ENTRY]).0;
        let block = (article / TOPIC_BLOCK) as usize;
        let (mut low, mut high) = match (starts.get(block), starts.get(block + 1)) {
            (Some(&from), Some(&to)) => ((from as usize).min(entries), (to as usize).min(entries)),
            _ => (0, entries),
        };
        while low < high {
            let middle = (low + high) / 2;
            if article_at(middle) < article {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        for entry in self.list[low * TOPIC_ENTRY..entries * TOPIC_ENTRY].chunks_exact(TOPIC_ENTRY) {
            let (a, topic, units) = topic_entry(entry);
            if a != article {
                break;
            }
            f(topic, f32::from(units) * self.scale);
        }
    }
}

#[cfg(test)]
mod tests;
