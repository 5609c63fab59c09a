//! Answers a shopper's query from an open index: runs the query (and, when it finds nothing,
//! looser versions, the other keyboard layout, transliteration, other languages), groups hits
//! by article with the best anchor first, and makes snippets and "did you mean" suggestions.

use std::path::Path;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use super::analyze::{Analyzer, fold, words};
use super::index::{Fields, LEXICON_FILE, SETTINGS_FILE};
use super::lexicon::Lexicon;
use super::query::{self, SynonymGroup};
use super::snippet::{Matcher, snippet};
use super::variants::{from_translit, other_layout};
use super::{SearchError, Settings};

/// A search as the shopper asked for it (already validated by the caller).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub query: String,
    /// The shopper's language; the default language when `None`.
    pub lang: Option<String>,
    /// A top-level section URL (`/returns/`) to search within.
    pub section: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// One article found, at its best anchor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub title: String,
    /// The article's URL, with the `#anchor` of the best-matching section or question.
    pub url: String,
    /// The section's title.
    pub section: String,
    pub lang: String,
    pub kind: String,
    /// The matched question or heading; empty when the article as a whole matched best.
    pub heading: String,
    /// HTML: the best passage with `<mark>` around matched words, all else escaped.
    pub snippet: String,
    pub score: f32,
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
    /// The language the hits are in; differs from the requested one when only another
    /// language had answers.
    pub lang: String,
}

pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    settings: Settings,
    synonyms: Vec<SynonymGroup>,
    /// Every indexed word (unstemmed, folded), for typos, prefixes and suggestions.
    lexicon: Lexicon,
}

impl Engine {
    /// Opens the index in `dir` (memory-mapped; searchers are reused).
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        let open_error = |reason: String| SearchError::IndexOpen {
            path: dir.display().to_string(),
            reason,
        };
        let settings_text = std::fs::read(dir.join(SETTINGS_FILE))
            .map_err(|e| open_error(format!("{e}; run `helpbook build` first")))?;
        let settings: Settings =
            serde_json::from_slice(&settings_text).map_err(|e| open_error(e.to_string()))?;
        let index = Index::open_in_dir(dir).map_err(|e| open_error(e.to_string()))?;
        let lexicon_text = std::fs::read_to_string(dir.join(LEXICON_FILE))
            .map_err(|e| open_error(e.to_string()))?;
        let lexicon = lexicon_text
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(word, count)| (word.to_string(), count.parse().unwrap_or(1)))
            .collect();
        // An index written by another version lacks fields; say which folder to rebuild.
        Engine::from_index(index, settings, lexicon).map_err(|e| match e {
            SearchError::IndexOpen { reason, .. } => open_error(reason),
            other => other,
        })
    }

    /// Wraps an index already open (the in-memory one `check` builds) with its lexicon.
    pub fn from_index(
        index: Index,
        settings: Settings,
        lexicon: Vec<(String, u64)>,
    ) -> Result<Engine, SearchError> {
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let synonyms = settings
            .synonyms
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|member| words(member).into_iter().map(|w| w.lower).collect())
                    .collect()
            })
            .collect();
        let lexicon = Lexicon::new(lexicon);
        Ok(Engine {
            index,
            reader,
            fields,
            settings,
            synonyms,
            lexicon,
        })
    }

    pub fn languages(&self) -> &[String] {
        &self.settings.languages
    }

    pub fn default_language(&self) -> &str {
        self.settings.languages.first().map_or("en", String::as_str)
    }

    /// Runs a search. The fallbacks (looser matching, other layout, transliteration, other
    /// languages) only run when the stricter reading found nothing.
    pub fn search(&self, request: &Request) -> Result<Response, SearchError> {
        let lang = request
            .lang
            .clone()
            .unwrap_or_else(|| self.default_language().to_string());
        let mut languages = vec![lang.clone()];
        languages.extend(
            self.settings
                .languages
                .iter()
                .filter(|l| **l != lang)
                .cloned(),
        );
        let mut readings = vec![request.query.clone()];
        readings.extend(self.split_compounds(&request.query));
        readings.extend(other_layout(&request.query));
        readings.extend(from_translit(&request.query));
        for language in &languages {
            let analyzer = Analyzer::for_lang(language);
            for (n, reading) in readings.iter().enumerate() {
                let parsed = query::parse(reading);
                let Some(built) = query::build(
                    &parsed,
                    &analyzer,
                    &self.fields,
                    &self.synonyms,
                    &self.lexicon,
                ) else {
                    continue;
                };
                let prefix = parsed
                    .last_is_prefix
                    .then(|| parsed.words.last().map(String::as_str))
                    .flatten();
                let matcher = Matcher::new(analyzer, &built.words, prefix);
                for query in std::iter::once(&built.strict).chain(&built.loose) {
                    let (total, hits) = self.run(query.as_ref(), &matcher, language, request)?;
                    if total > 0 {
                        return Ok(Response {
                            query: request.query.clone(),
                            total,
                            hits,
                            suggestion: None,
                            searched_as: (n > 0).then(|| reading.clone()),
                            lang: language.clone(),
                        });
                    }
                }
            }
        }
        Ok(Response {
            query: request.query.clone(),
            total: 0,
            hits: Vec::new(),
            suggestion: self.suggest(&request.query),
            searched_as: None,
            lang,
        })
    }

    /// One query in one language: the articles it finds (how many, and the page asked for).
    fn run(
        &self,
        words_query: &dyn Query,
        matcher: &Matcher,
        lang: &str,
        request: &Request,
    ) -> Result<(usize, Vec<Hit>), SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, words_query.box_clone()),
            (
                Occur::Must,
                filter(Term::from_field_text(self.fields.lang, lang)),
            ),
        ];
        if let Some(section) = &request.section {
            clauses.push((
                Occur::Must,
                filter(Term::from_field_text(self.fields.section, section)),
            ));
        }
        let searcher = self.reader.searcher();
        let query = BooleanQuery::new(clauses);
        // Two passes: counting the articles needs no scores, and the top documents are found
        // with Tantivy's pruning (block-max WAND) instead of scoring every match.
        let total = searcher
            .search(&query, &DistinctArticles)?
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum::<usize>();
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let groups = self.best_per_article(&searcher, &query, request.offset + request.limit)?;
        let hits = groups
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                let body = text(self.fields.text);
                Ok(Hit {
                    title: text(self.fields.title_text),
                    url: text(self.fields.url),
                    section: text(self.fields.section_title),
                    lang: text(self.fields.lang),
                    kind: text(self.fields.kind),
                    heading: text(self.fields.heading_text),
                    snippet: snippet(&body, matcher),
                    score: (score * 1000.0).round() / 1000.0,
                })
            })
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        Ok((total, hits))
    }

    /// The best document of each of the first `wanted` articles, best first. Asks for more
    /// documents while several of the best belong to the same article.
    fn best_per_article(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        wanted: usize,
    ) -> Result<Vec<(Score, DocAddress)>, SearchError> {
        let mut columns: Vec<Option<Column<u64>>> = vec![None; searcher.segment_readers().len()];
        let mut limit = (wanted * 8).max(64);
        loop {
            let top = searcher.search(query, &TopDocs::with_limit(limit).order_by_score())?;
            let exhausted = top.len() < limit;
            let mut seen = rustc_hash::FxHashSet::default();
            let mut groups = Vec::with_capacity(wanted);
            for (score, address) in top {
                let segment = address.segment_ord as usize;
                if columns[segment].is_none() {
                    columns[segment] = Some(
                        searcher
                            .segment_reader(address.segment_ord)
                            .fast_fields()
                            .u64("article")?,
                    );
                }
                let article = columns[segment]
                    .as_ref()
                    .and_then(|c| c.first(address.doc_id))
                    .unwrap_or(u64::MAX);
                if seen.insert(article) {
                    groups.push((score, address));
                    if groups.len() == wanted {
                        return Ok(groups);
                    }
                }
            }
            if exhausted || limit >= 8192 {
                return Ok(groups);
            }
            limit *= 4;
        }
    }

    /// The query with unknown words that are two known words run together split
    /// (`giftcard balance` -> `gift card balance`); `None` when there are none.
    fn split_compounds(&self, text: &str) -> Option<String> {
        let mut changed = false;
        let out: Vec<String> = text
            .split_whitespace()
            .map(|chunk| {
                let folded = fold(&chunk.to_lowercase()).into_owned();
                match self.lexicon.split_compound(&folded) {
                    Some((head, tail)) if folded.chars().all(char::is_alphanumeric) => {
                        changed = true;
                        format!("{head} {tail}")
                    }
                    _ => chunk.to_string(),
                }
            })
            .collect();
        changed.then(|| out.join(" "))
    }

    /// "Did you mean": each word the index does not know, replaced by the closest word it
    /// does (fewest typos, then most documents). `None` when nothing would change.
    fn suggest(&self, text: &str) -> Option<String> {
        let parsed = query::parse(text);
        let mut changed = false;
        let out: Vec<String> = parsed
            .words
            .iter()
            .map(|word| match self.lexicon.closest(&fold(word)) {
                Some(known) => {
                    changed = true;
                    known.to_string()
                }
                None => word.clone(),
            })
            .collect();
        changed.then(|| out.join(" "))
    }

    /// The index, for tests and tools.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// A filter clause that does not change scores.
fn filter(term: Term) -> Box<dyn Query> {
    Box::new(tantivy::query::ConstScoreQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        0.0,
    ))
}

/// Counts the distinct articles among the matches, without scoring them.
struct DistinctArticles;

struct SegmentArticles {
    article: Column<u64>,
    seen: Vec<u64>,
}

impl Collector for DistinctArticles {
    type Fruit = Vec<u64>;
    type Child = SegmentArticles;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentArticles> {
        let article = reader.fast_fields().u64("article")?;
        let words = (article.max_value() / 64 + 1) as usize;
        Ok(SegmentArticles {
            article,
            seen: vec![0; words],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        let mut merged: Vec<u64> = Vec::new();
        for fruit in fruits {
            if merged.len() < fruit.len() {
                merged.resize(fruit.len(), 0);
            }
            for (word, bits) in merged.iter_mut().zip(fruit) {
                *word |= bits;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentArticles {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(article) = self.article.first(doc) {
            let (word, bit) = ((article / 64) as usize, article % 64);
            if let Some(slot) = self.seen.get_mut(word) {
                *slot |= 1 << bit;
            }
        }
    }

    fn harvest(self) -> Vec<u64> {
        self.seen
    }
}
