//! Where a hit links: the topic (heading, question, tags) that answers best, unless another
//! passage of the article holds the rarest word typed; with no topic answering, the section
//! whose text answers best (see `super::super::anchor`).

use super::*;

impl Engine {
    /// Where each hit of `page` links: its document's record in the hits file (`None` when
    /// none is found) and, for `--explain`, why that document.
    pub(super) fn anchors(
        &self,
        page: &[Found],
        built: &Built,
        lists: &Lists<'_>,
    ) -> Result<Vec<(Option<u32>, &'static str)>, SearchError> {
        // A hit links to its best topic's document (a question or heading, or the article's
        // tags: its top); when no topic holds a word of the query, to the document whose text
        // answers best.
        let unplaced: Vec<u32> = page
            .iter()
            .filter(|found| found.topic.is_none())
            .map(|found| found.article)
            .collect();
        let mut by_text = best_sections(
            &self.searcher,
            self.ranking.id(),
            &self.sections,
            &self.hit_of,
            &built.anchors,
            &unplaced,
            lists,
        )?
        .into_iter();
        // A heading that answers a common word ("pay" in "Card, Apple Pay and Google Pay")
        // gives way to the passage that holds the rarest ("paypal"); that word's postings are
        // short, so the index tells at once which passages hold it.
        let by_topic: Vec<(u32, Option<u32>)> = page
            .iter()
            .filter_map(|found| {
                Some((
                    found.article,
                    self.ranking.document(found.article, found.topic?),
                ))
            })
            .collect();
        let mut moved = match rarest_typed(&built.typed, lists) {
            Some(stem) => self.passages_holding(&by_topic, stem, lists)?,
            None => vec![None; by_topic.len()],
        }
        .into_iter();
        let mut placed = Vec::with_capacity(page.len());
        for found in page {
            let (record, anchor) = match found.topic {
                Some(topic) => match moved.next().flatten() {
                    Some(record) => (Some(record), "the passage that holds the rarest word typed"),
                    None => (
                        self.ranking.document(found.article, topic),
                        "the heading, question or keywords that answer best",
                    ),
                },
                None => match by_text.next().flatten() {
                    Some(address) => (
                        self.hit_of
                            .get(address.segment_ord as usize)
                            .and_then(|docs| docs.get(address.doc_id as usize))
                            .copied(),
                        "the section whose text answers best",
                    ),
                    None => (None, "the article's start"),
                },
            };
            placed.push((record, anchor));
        }
        Ok(placed)
    }

    /// For each `(article, record)` (the document a hit would link to): when that document
    /// does not hold `stem` but others of the article do, the record of the one where it
    /// weighs most (in its heading 2.5 times, as anchors are chosen); else `None`. One pass
    /// per segment over the documents of the articles that hold `stem` somewhere (the others
    /// are not looked up in the index at all), as in [`best_sections`].
    pub(super) fn passages_holding(
        &self,
        hits: &[(u32, Option<u32>)],
        stem: &str,
        lists: &Lists<'_>,
    ) -> Result<Vec<Option<u32>>, SearchError> {
        let holders = lists.text(stem);
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = &self.searcher;
        let opening = self.ranking.id();
        let holds = [(self.fields.heading, 2.5), (self.fields.body, 1.0)]
            .into_iter()
            .map(|(field, boost)| anchor_weight(searcher, opening, field, stem, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // Per hit: whether its own document holds the stem, and the best that does.
        let mut own_holds = vec![false; hits.len()];
        let mut best: Vec<Option<(Ranked, u32)>> = vec![None; hits.len()];
        for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
            let records = self.hit_of.get(ordinal);
            let mut docs: Vec<(u32, u32)> = Vec::new();
            let holding = hits
                .iter()
                .enumerate()
                .filter(|(_, (article, _))| has(&holders.holders, *article));
            for (n, (article, _)) in holding {
                docs.extend(
                    self.sections
                        .of(ordinal, *article)
                        .iter()
                        .map(|&d| (d, n as u32)),
                );
            }
            score_each(&holds, reader, docs, |doc, n, score| {
                let record = records.and_then(|r| r.get(doc as usize)).copied();
                let n = n as usize;
                if score <= 0.0 || record.is_none() {
                    return;
                }
                if record == hits[n].1 {
                    own_holds[n] = true;
                }
                if let (Some(slot), Some(record)) = (best.get_mut(n), record)
                    && let ranked = Ranked::new(score, record)
                    && slot.is_none_or(|(current, _)| ranked > current)
                {
                    *slot = Some((ranked, record));
                }
            })?;
        }
        Ok(best
            .into_iter()
            .zip(own_holds)
            .map(|(best, own)| best.filter(|_| !own).map(|(_, record)| record))
            .collect())
    }
}
