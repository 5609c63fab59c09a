//! Which section of a found article a hit links to, when no topic of the article (heading,
//! question, tags) holds a word of the query: Tantivy scores the anchor stems on the
//! article's own documents only, and the best document wins.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::query::{BoostQuery, EnableScoring, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Score, Searcher, SegmentOrdinal, Term};

use super::bitset::{for_each_set, has};
use super::scoring::Lists;
use crate::search::SearchError;
use crate::search::caches::ANCHOR_WEIGHTS_KEPT;

/// Scores the segment's `(document, tag)` pairs, in document order: each one's score is the
/// sum of the `terms`' scores (each a single weighted term: seeking each on its own skips
/// through its postings, where a union would decode every block in between).
pub(super) fn score_each(
    terms: &[Rc<dyn Weight>],
    reader: &tantivy::SegmentReader,
    mut docs: Vec<(u32, u32)>,
    mut scored: impl FnMut(u32, u32, Score),
) -> Result<(), SearchError> {
    if docs.is_empty() {
        return Ok(());
    }
    docs.sort_unstable();
    let alive = reader.alive_bitset();
    let mut scorers = terms
        .iter()
        .map(|term| term.scorer(reader, 1.0))
        .collect::<tantivy::Result<Vec<_>>>()?;
    for (doc, tag) in docs {
        if alive.is_some_and(|a| a.is_deleted(doc)) {
            continue;
        }
        let mut score = 0.0;
        for scorer in &mut scorers {
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                score += scorer.score();
            }
        }
        scored(doc, tag, score);
    }
    Ok(())
}

/// Where each of `articles` is best linked to: the document (its own, or one of its sections
/// or questions) whose heading and text score highest on `anchors`; the article's own
/// document when none of them holds a word of the query. `opening` tells the index's
/// openings apart (see [`anchor_weight`]); `hit_of` gives each document's record.
pub(super) fn best_sections(
    searcher: &Searcher,
    opening: u64,
    sections: &Sections,
    hit_of: &[Vec<u32>],
    anchors: &[(Field, String, f32)],
    articles: &[u32],
    lists: &Lists<'_>,
) -> Result<Vec<Option<DocAddress>>, SearchError> {
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    // Per article: the best document so far, with its score.
    let mut best: Vec<Option<(Ranked, DocAddress)>> = vec![None; articles.len()];
    // Only the words some of the articles hold can place them: the others' postings are not
    // opened at all.
    let held = |stem: &str| {
        let holders = lists.text(stem);
        articles
            .iter()
            .any(|&article| has(&holders.holders, article))
    };
    let terms = anchors
        .iter()
        .filter(|(_, stem, _)| held(stem))
        .map(|(field, stem, boost)| anchor_weight(searcher, opening, *field, stem, *boost))
        .collect::<tantivy::Result<Vec<_>>>()?;
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let records = hit_of.get(ordinal);
        let mut docs: Vec<(u32, u32)> = Vec::new();
        for (n, &article) in articles.iter().enumerate() {
            docs.extend(sections.of(ordinal, article).iter().map(|&d| (d, n as u32)));
        }
        score_each(&terms, reader, docs, |doc, n, score| {
            let address = DocAddress::new(ordinal as SegmentOrdinal, doc);
            let record = records.and_then(|r| r.get(doc as usize)).copied();
            let ranked = Ranked::new(score, record.unwrap_or(u32::MAX));
            if let Some(slot) = best.get_mut(n as usize)
                && slot.is_none_or(|(current, _)| ranked > current)
            {
                *slot = Some((ranked, address));
            }
        })?;
    }
    Ok(articles
        .iter()
        .zip(best)
        .map(|(&article, best)| match best {
            Some((ranked, address)) if ranked.score() > 0.0 => Some(address),
            _ => sections.head_address(article),
        })
        .collect())
}

thread_local! {
    /// Tantivy's weight of each anchor term searched recently on this thread, by index
    /// opening: working one out looks the term up in every segment and fills a table of 256
    /// scores. Bound and staleness: see `caches`.
    static ANCHOR_WEIGHTS: RefCell<FxHashMap<AnchorTerm, Rc<dyn Weight>>> = RefCell::default();
}

/// An anchor term as kept: index opening, field, stem, boost (its bits).
type AnchorTerm = (u64, Field, String, u32);

/// The weight of `stem` in `field`, boosted by `boost`, for the index as opened `opening`.
pub(super) fn anchor_weight(
    searcher: &Searcher,
    opening: u64,
    field: Field,
    stem: &str,
    boost: f32,
) -> tantivy::Result<Rc<dyn Weight>> {
    ANCHOR_WEIGHTS.with(|kept| {
        let mut kept = kept.borrow_mut();
        let key = (opening, field, stem.to_string(), boost.to_bits());
        if let Some(weight) = kept.get(&key) {
            return Ok(Rc::clone(weight));
        }
        let term = TermQuery::new(
            Term::from_field_text(field, stem),
            IndexRecordOption::WithFreqs,
        );
        let query = BoostQuery::new(Box::new(term), boost);
        let weight: Rc<dyn Weight> =
            Rc::from(query.weight(EnableScoring::enabled_from_searcher(searcher))?);
        if kept.len() >= ANCHOR_WEIGHTS_KEPT {
            kept.clear();
        }
        kept.insert(key, Rc::clone(&weight));
        Ok(weight)
    })
}

/// Per segment, each article's documents (its own and its sections'), in document order, and
/// which of them is the article's own.
pub(super) struct Sections {
    /// Per segment: `docs[start[a]..start[a + 1]]` are article `a`'s documents.
    segments: Vec<(Vec<u32>, Vec<u32>)>,
    /// Per segment, each article's own document (`u32::MAX`: in another segment).
    heads: Vec<Vec<u32>>,
}

impl Sections {
    /// `article_of`: per segment, each document's article; `own`: per segment, a bitset of
    /// the articles' own documents.
    pub(super) fn new(article_of: &[Vec<u32>], own: &[Vec<u64>]) -> Sections {
        let articles = article_of
            .iter()
            .flatten()
            .filter(|a| **a != u32::MAX)
            .max()
            .map_or(0, |a| *a as usize + 1);
        let segments = article_of
            .iter()
            .map(|segment| {
                let mut start = vec![0u32; articles + 1];
                for &a in segment.iter().filter(|a| **a != u32::MAX) {
                    start[a as usize + 1] += 1;
                }
                for a in 0..articles {
                    start[a + 1] += start[a];
                }
                let mut next = start.clone();
                let mut docs = vec![0u32; start[articles] as usize];
                for (doc, &a) in segment.iter().enumerate() {
                    if a != u32::MAX {
                        docs[next[a as usize] as usize] = doc as u32;
                        next[a as usize] += 1;
                    }
                }
                (start, docs)
            })
            .collect();
        let heads = article_of
            .iter()
            .zip(own)
            .map(|(segment, own)| {
                let mut heads = vec![u32::MAX; articles];
                for_each_set(own, |doc| {
                    if let Some(&a) = segment.get(doc as usize)
                        && let Some(head) = heads.get_mut(a as usize)
                    {
                        *head = doc;
                    }
                });
                heads
            })
            .collect();
        Sections { segments, heads }
    }

    /// Article `a`'s documents in `segment`.
    pub(super) fn of(&self, segment: usize, a: u32) -> &[u32] {
        let Some((start, docs)) = self.segments.get(segment) else {
            return &[];
        };
        let a = a as usize;
        match (start.get(a), start.get(a + 1)) {
            (Some(&from), Some(&to)) => docs.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Article `a`'s own document, when it is in `segment`.
    pub(super) fn head(&self, segment: usize, a: u32) -> Option<u32> {
        let head = *self.heads.get(segment)?.get(a as usize)?;
        (head != u32::MAX).then_some(head)
    }

    /// Article `a`'s own document, wherever it is.
    pub(super) fn head_address(&self, a: u32) -> Option<DocAddress> {
        (0..self.heads.len()).find_map(|segment| {
            self.head(segment, a)
                .map(|doc| DocAddress::new(segment as SegmentOrdinal, doc))
        })
    }
}

/// A document's place in the ranking: higher score first, then the earlier record (an
/// article's sections in the article's order). Not the earlier document of the index: that
/// follows the order the writer's threads took the documents in, which differs from build to
/// build.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Ranked {
    /// The score's bits, which order like the score because scores are never negative.
    score: u32,
    record: std::cmp::Reverse<u32>,
}

impl Ranked {
    pub(super) fn new(score: Score, record: u32) -> Ranked {
        Ranked {
            score: score.max(0.0).to_bits(),
            record: std::cmp::Reverse(record),
        }
    }

    pub(super) fn score(&self) -> Score {
        f32::from_bits(self.score)
    }
}
