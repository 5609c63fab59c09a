//! Which articles match a query: most of its words somewhere in the article (or, the looser
//! reading, any of them), every phrase, no excluded word, in the shopper's language (and
//! section). Decided on bitsets of article
//! ids: which articles hold a word comes from the ranking file's lists (one entry per
//! article), phrases and filters from Tantivy; "at least m of n" is counted bit-parallel.

use tantivy::query::{EnableScoring, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, SegmentReader, Term};

use super::bitset::{Counter, and, and_not, for_each_set, or, set};
use super::query::Clause;
use super::scoring::Lists;
use crate::search::SearchError;
use crate::search::store::schema::Fields;

/// What an article must hold.
pub struct Requirements<'a> {
    /// Word clauses (a word with its typo corrections and completions, or a synonym group).
    pub clauses: &'a [Clause],
    /// How many clauses must match.
    pub needed: usize,
    /// Phrases, all required, each somewhere in the article (these run over every document).
    pub phrases: &'a [&'a dyn Query],
    /// Stems no matching article may hold.
    pub excluded: &'a [String],
    /// The articles in the shopper's language (see [`articles_of`]).
    pub in_lang: &'a [u64],
    /// A top-level section URL, when the search is limited to one.
    pub section: Option<&'a str>,
}

/// The matching articles, as bitsets of article ids.
#[derive(Debug)]
pub struct Matched {
    /// The articles that hold `needed` of the clauses.
    pub most: Vec<u64>,
    /// The looser matches: the articles that hold some of the clauses, but fewer.
    pub rest: Vec<u64>,
}

/// The matching articles (`article_of`: per segment, each document's article id).
pub fn matching_articles(
    searcher: &Searcher,
    fields: &Fields,
    article_of: &[Vec<u32>],
    lists: &Lists<'_>,
    wanted: &Requirements<'_>,
) -> Result<Matched, SearchError> {
    let words = lists.articles().div_ceil(64);
    let mut articles = wanted.in_lang.to_vec();
    articles.resize(words, 0);
    if let Some(section) = wanted.section {
        let query = TermQuery::new(
            Term::from_field_text(fields.filter_section, section),
            IndexRecordOption::Basic,
        );
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let in_section = articles_of(searcher, article_of, words, |reader| {
            docs_of(&*weight, reader)
        })?;
        and(&mut articles, &in_section);
    }
    // Those holding `needed` of the clauses, when that is more than one: the others are the
    // looser matches.
    let mut strict = None;
    if !wanted.clauses.is_empty() {
        let needed = wanted.needed.clamp(1, wanted.clauses.len());
        let mut counter = Counter::new(words, wanted.clauses.len());
        let mut any = vec![0u64; words];
        let mut all = vec![0u64; words];
        for clause in wanted.clauses {
            any.fill(0);
            for member in clause {
                let Some((first, rest)) = member.split_first() else {
                    continue;
                };
                let first = lists.text(first);
                if rest.is_empty() {
                    or(&mut any, &first.holders);
                    continue;
                }
                all.fill(0);
                or(&mut all, &first.holders);
                for stem in rest {
                    and(&mut all, &lists.text(stem).holders);
                }
                or(&mut any, &all);
            }
            counter.add(&any);
        }
        and(&mut articles, &counter.at_least(1));
        strict = (needed > 1).then(|| counter.at_least(needed));
    }
    for stem in wanted.excluded {
        and_not(&mut articles, &lists.text(stem).holders);
    }
    // A phrase may be in any section of the article, not only in its own document.
    for phrase in wanted.phrases {
        let weight = phrase.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let with_phrase = articles_of(searcher, article_of, words, |reader| {
            docs_of(&*weight, reader)
        })?;
        and(&mut articles, &with_phrase);
    }
    let mut rest = vec![0u64; words];
    if let Some(strict) = strict {
        rest.clone_from(&articles);
        and_not(&mut rest, &strict);
        and(&mut articles, &strict);
    }
    Ok(Matched {
        most: articles,
        rest,
    })
}

/// The articles (a bitset `words` long) of the documents `docs` gives for each segment.
pub fn articles_of(
    searcher: &Searcher,
    article_of: &[Vec<u32>],
    words: usize,
    mut docs: impl FnMut(&SegmentReader) -> Result<Vec<u64>, SearchError>,
) -> Result<Vec<u64>, SearchError> {
    let mut articles = vec![0u64; words];
    for (reader, article_of) in searcher.segment_readers().iter().zip(article_of) {
        let alive = reader.alive_bitset();
        for_each_set(&docs(reader)?, |doc| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return;
            }
            if let Some(&id) = article_of.get(doc as usize) {
                set(&mut articles, id);
            }
        });
    }
    Ok(articles)
}

/// Per segment, the articles' own documents in `lang`.
pub fn docs_in_lang(
    searcher: &Searcher,
    fields: &Fields,
    lang: &str,
) -> Result<Vec<Vec<u64>>, SearchError> {
    let query = TermQuery::new(
        Term::from_field_text(fields.filter_lang, lang),
        IndexRecordOption::Basic,
    );
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    searcher
        .segment_readers()
        .iter()
        .map(|reader| docs_of(&*weight, reader))
        .collect()
}

/// The segment's documents that `weight` matches, as a bitset.
fn docs_of(weight: &dyn Weight, reader: &SegmentReader) -> Result<Vec<u64>, SearchError> {
    let mut bits = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
    weight.for_each_no_score(reader, &mut |docs| {
        for &doc in docs {
            bits[(doc / 64) as usize] |= 1 << (doc % 64);
        }
    })?;
    Ok(bits)
}
