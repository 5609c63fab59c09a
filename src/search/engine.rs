//! Answers a shopper's query from an open index: runs the query (and, when it finds nothing,
//! looser versions, the other keyboard layout, transliteration, other languages), groups hits
//! by article with the best anchor first, and makes snippets and "did you mean" suggestions.

use std::path::Path;

use serde::Serialize;
use tantivy::directory::OwnedBytes;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocAddress, Index, ReloadPolicy, Score, Searcher, SegmentOrdinal};

use super::analyze::{Analyzer, fold, words};
use super::hits::{HITS_FILE, HitStore};
use super::index::{Fields, LEXICON_FILE, SETTINGS_FILE};
use super::lexicon::Lexicon;
use super::matching::{Requirements, for_each_set, in_lang, is_set, matching_articles};
use super::query::{self, Built, SynonymGroup};
use super::snippet::{Matcher, snippet};
use super::variants::{from_translit, other_layout};
use super::{Popular, SearchError, Settings};

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
    /// When nothing was found: the articles writers put first, in the section searched
    /// (or the whole help center), so that no shopper dead-ends.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub popular: Vec<Popular>,
}

pub struct Engine {
    /// One searcher for the engine's life: the index does not change under it (a new build
    /// gets a new engine), so `articles` stays true.
    searcher: Searcher,
    /// Per segment, each document's article id.
    articles: Vec<Vec<u32>>,
    /// Per segment, each article's documents.
    sections: Sections,
    /// Per segment, each document's record in `hits`.
    hit_of: Vec<Vec<u32>>,
    hits: HitStore,
    /// Language -> per segment, the articles' own documents in it.
    in_lang: rustc_hash::FxHashMap<String, Vec<Vec<u64>>>,
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
        if !dir.join(HITS_FILE).is_file() {
            return Err(open_error(format!(
                "`{HITS_FILE}` is missing: an older helpbook built this index; run `helpbook build` again"
            )));
        }
        // Memory-mapped: a search reads only the records of its hits.
        let hits = super::hits::open_file(dir)
            .map_err(|e| open_error(format!("{e}; run `helpbook build` again")))?;
        // An index written by another version lacks fields; say which folder to rebuild.
        Engine::from_index(index, settings, lexicon, hits).map_err(|e| match e {
            SearchError::IndexOpen { reason, .. } => open_error(reason),
            other => other,
        })
    }

    /// Wraps an index already open (the in-memory one `check` builds) with its lexicon and
    /// its hits file's bytes.
    pub fn from_index(
        index: Index,
        settings: Settings,
        lexicon: Vec<(String, u64)>,
        hits: OwnedBytes,
    ) -> Result<Engine, SearchError> {
        let fields = Fields::from_schema(&index.schema())?;
        let hits = HitStore::open(hits).map_err(|reason| SearchError::IndexOpen {
            path: String::new(),
            reason: format!("{reason}; run `helpbook build` again"),
        })?;
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
        let searcher = reader.searcher();
        let per_doc = |field: &str| {
            searcher
                .segment_readers()
                .iter()
                .map(|segment| {
                    let column = segment.fast_fields().u64(field)?;
                    Ok((0..segment.max_doc())
                        .map(|doc| column.first(doc).map_or(u32::MAX, |id| id as u32))
                        .collect())
                })
                .collect::<tantivy::Result<Vec<Vec<u32>>>>()
        };
        let articles = per_doc("article")?;
        let hit_of = per_doc("hit")?;
        let sections = Sections::new(&articles);
        let in_lang = settings
            .languages
            .iter()
            .map(|lang| Ok((lang.clone(), in_lang(&searcher, &fields, lang)?)))
            .collect::<Result<_, SearchError>>()?;
        Ok(Engine {
            searcher,
            articles,
            sections,
            hit_of,
            hits,
            in_lang,
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
        let expander = query::Expander::new(&self.lexicon);
        for language in &languages {
            let analyzer = Analyzer::for_lang(language);
            for (n, reading) in readings.iter().enumerate() {
                let parsed = query::parse(reading);
                let Some(built) =
                    query::build(&parsed, &analyzer, &self.fields, &self.synonyms, &expander)
                else {
                    continue;
                };
                let prefix = parsed
                    .last_is_prefix
                    .then(|| parsed.words.last().map(String::as_str))
                    .flatten();
                let matcher = Matcher::new(analyzer, &built.words, prefix);
                // Most words first; any one word when that finds nothing.
                let loose = (built.needed > 1).then_some(1);
                for needed in std::iter::once(built.needed).chain(loose) {
                    let (total, hits) = self.run(&built, needed, &matcher, language, request)?;
                    if total > 0 {
                        return Ok(Response {
                            query: request.query.clone(),
                            total,
                            hits,
                            suggestion: None,
                            searched_as: (n > 0).then(|| reading.clone()),
                            lang: language.clone(),
                            popular: Vec::new(),
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
            popular: self.popular(&lang, request.section.as_deref()).to_vec(),
            lang,
        })
    }

    /// The articles offered when a search in `lang` (within `section`) finds nothing.
    pub fn popular(&self, lang: &str, section: Option<&str>) -> &[Popular] {
        self.settings
            .popular
            .get(lang)
            .and_then(|sections| sections.get(section.unwrap_or_default()))
            .map_or(&[], Vec::as_slice)
    }

    /// One query in one language: the articles it finds (how many, and the page asked for),
    /// with `needed` of its word clauses.
    fn run(
        &self,
        built: &Built,
        needed: usize,
        matcher: &Matcher,
        lang: &str,
        request: &Request,
    ) -> Result<(usize, Vec<Hit>), SearchError> {
        let searcher = &self.searcher;
        let Some(docs_in_lang) = self.in_lang.get(lang) else {
            // Not a language of this help center: nothing is written in it.
            return Ok((0, Vec::new()));
        };
        let requirements = Requirements {
            clauses: &built.clauses,
            needed,
            phrases: &built.phrases,
            excluded: &built.excluded,
            in_lang: docs_in_lang,
            section: request.section.as_deref(),
        };
        let articles = matching_articles(searcher, &self.fields, &self.articles, &requirements)?;
        let total = articles.iter().map(|w| w.count_ones() as usize).sum();
        if total == 0 {
            return Ok((0, Vec::new()));
        }
        let wanted = request.offset + request.limit;
        // Few matching articles: block-max WAND could not raise its threshold (it needs
        // `wanted` articles) and would score the whole union; their own sections are fewer.
        // (Every article has a document, so more articles than that are never few.)
        let few = total < wanted
            || (total <= FEW_SECTIONS && self.sections.count(&articles) <= FEW_SECTIONS);
        let best = if few {
            score_sections(
                searcher,
                &self.sections,
                built.ranking.as_ref(),
                &articles,
                wanted,
            )?
        } else {
            best_per_article(
                searcher,
                &self.articles,
                built.ranking.as_ref(),
                &articles,
                wanted,
            )?
        };
        let hits = best
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(score, address)| {
                let stored = self
                    .hit_of
                    .get(address.segment_ord as usize)
                    .and_then(|hits| hits.get(address.doc_id as usize))
                    .and_then(|&n| self.hits.get(n as usize))
                    .ok_or_else(|| {
                        SearchError::Query(format!(
                            "the record of a hit ({address:?}) is missing from `{HITS_FILE}`; run `helpbook build` again"
                        ))
                    })?;
                Ok(Hit {
                    snippet: snippet(&stored.text, matcher),
                    title: stored.title,
                    url: stored.url,
                    section: stored.section,
                    lang: stored.lang,
                    kind: stored.kind,
                    heading: stored.heading,
                    score: (score * 1000.0).round() / 1000.0,
                })
            })
            .collect::<Result<Vec<Hit>, SearchError>>()?;
        Ok((total, hits))
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
}

/// The best document of each of the first `wanted` matching articles (`matching` is a bitset
/// of article ids), best first. Documents are offered by Tantivy's pruning (block-max WAND on
/// the flat ranking query) only while they could still enter the top: the threshold is the
/// score of the `wanted`-th best article, carried from one segment to the next.
fn best_per_article(
    searcher: &Searcher,
    article_of: &[Vec<u32>],
    ranking: &dyn Query,
    matching: &[u64],
    wanted: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let weight = ranking.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut top = TopArticles::new(wanted);
    for ((ordinal, reader), article_of) in searcher
        .segment_readers()
        .iter()
        .enumerate()
        .zip(article_of)
    {
        let alive = reader.alive_bitset();
        weight.for_each_pruning(top.threshold(), reader, &mut |doc, score| {
            let live = alive.is_none_or(|a| !a.is_deleted(doc));
            let id = article_of.get(doc as usize).copied().unwrap_or(u32::MAX);
            if live && is_set(matching, id) {
                top.offer(id, score, DocAddress::new(ordinal as SegmentOrdinal, doc));
            }
            top.threshold()
        })?;
    }
    Ok(top.into_best_first())
}

/// Up to this many documents of matching articles are scored one by one rather than by
/// block-max WAND over the whole ranking union.
const FEW_SECTIONS: usize = 256;

/// Per segment, each article's documents (its own and its sections'), in document order.
struct Sections {
    /// Per segment: `docs[start[a]..start[a + 1]]` are article `a`'s documents.
    segments: Vec<(Vec<u32>, Vec<u32>)>,
}

impl Sections {
    fn new(article_of: &[Vec<u32>]) -> Sections {
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
        Sections { segments }
    }

    /// Article `a`'s documents in `segment`.
    fn of(&self, segment: usize, a: u32) -> &[u32] {
        let Some((start, docs)) = self.segments.get(segment) else {
            return &[];
        };
        let a = a as usize;
        match (start.get(a), start.get(a + 1)) {
            (Some(&from), Some(&to)) => docs.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// How many documents the articles in the bitset have, in every segment.
    fn count(&self, articles: &[u64]) -> usize {
        let mut n = 0;
        for_each_set(articles, |a| {
            n += (0..self.segments.len())
                .map(|s| self.of(s, a).len())
                .sum::<usize>();
        });
        n
    }
}

/// [`best_per_article`] for few matching articles: scores each of their documents.
fn score_sections(
    searcher: &Searcher,
    sections: &Sections,
    ranking: &dyn Query,
    matching: &[u64],
    wanted: usize,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let weight = ranking.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut top = TopArticles::new(wanted);
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let mut docs: Vec<(u32, u32)> = Vec::new();
        for_each_set(matching, |a| {
            docs.extend(sections.of(ordinal, a).iter().map(|&d| (d, a)));
        });
        if docs.is_empty() {
            continue;
        }
        docs.sort_unstable();
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        for (doc, article) in docs {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                continue;
            }
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                top.offer(
                    article,
                    scorer.score(),
                    DocAddress::new(ordinal as SegmentOrdinal, doc),
                );
            }
        }
    }
    Ok(top.into_best_first())
}

/// The `wanted` best articles seen so far, each at its best document.
struct TopArticles {
    wanted: usize,
    best: rustc_hash::FxHashMap<u32, Ranked>,
    /// The same entries, worst first.
    order: std::collections::BTreeSet<(Ranked, u32)>,
}

/// A document's place in the ranking: higher score first, then the earlier document.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Ranked {
    /// The score's bits, which order like the score because scores are never negative.
    score: u32,
    address: std::cmp::Reverse<DocAddress>,
}

impl Ranked {
    fn new(score: Score, address: DocAddress) -> Ranked {
        Ranked {
            score: score.max(0.0).to_bits(),
            address: std::cmp::Reverse(address),
        }
    }

    fn score(&self) -> Score {
        f32::from_bits(self.score)
    }
}

impl TopArticles {
    fn new(wanted: usize) -> TopArticles {
        TopArticles {
            wanted: wanted.max(1),
            best: Default::default(),
            order: Default::default(),
        }
    }

    fn offer(&mut self, article: u32, score: Score, address: DocAddress) {
        let ranked = Ranked::new(score, address);
        if let Some(current) = self.best.get_mut(&article) {
            if ranked > *current {
                self.order.remove(&(*current, article));
                self.order.insert((ranked, article));
                *current = ranked;
            }
            return;
        }
        if self.order.len() == self.wanted {
            match self.order.first() {
                Some(&(worst, worst_article)) if ranked > worst => {
                    self.order.pop_first();
                    self.best.remove(&worst_article);
                }
                _ => return,
            }
        }
        self.order.insert((ranked, article));
        self.best.insert(article, ranked);
    }

    /// Documents scoring at most this cannot change the top.
    fn threshold(&self) -> Score {
        match self.order.first() {
            Some((worst, _)) if self.order.len() == self.wanted => worst.score(),
            _ => Score::MIN,
        }
    }

    fn into_best_first(self) -> Vec<(Score, DocAddress)> {
        self.order
            .into_iter()
            .rev()
            .map(|(ranked, _)| (ranked.score(), ranked.address.0))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Document, write_index};

    /// 40 articles of 4 documents each (its own and three sections), words spread unevenly.
    fn engine() -> Engine {
        let words = [
            "refund", "card", "parcel", "order", "return", "delivery", "invoice",
        ];
        let mut documents = Vec::new();
        for a in 0..40 {
            let url = format!("/a{a}/");
            for s in 0..4 {
                let text: Vec<&str> = (0..12)
                    .map(|i| words[(a * 7 + s * 3 + i * i) % 7])
                    .collect();
                documents.push(Document {
                    url: if s == 0 {
                        url.clone()
                    } else {
                        format!("{url}#s{s}")
                    },
                    article_url: url.clone(),
                    lang: "en".into(),
                    title: format!("Article {a} about {}", words[a % 7]),
                    heading: if s == 0 {
                        String::new()
                    } else {
                        words[(a + s) % 7].into()
                    },
                    text: text.join(" "),
                    ..Document::default()
                });
            }
        }
        let settings = Settings {
            languages: vec!["en".into()],
            ..Settings::default()
        };
        let (index, stats) = write_index(None, &documents, &settings).expect("index");
        Engine::from_index(index, settings, stats.lexicon, stats.hits).expect("engine")
    }

    #[test]
    fn scoring_few_articles_one_by_one_ranks_like_block_max_wand() {
        let engine = engine();
        for (query, needed) in [
            ("refund card", 2),
            ("parcel", 1),
            ("invoice order delivery", 2),
        ] {
            let analyzer = Analyzer::for_lang("en");
            let parsed = query::parse(&format!("{query} "));
            let built = query::build(
                &parsed,
                &analyzer,
                &engine.fields,
                &engine.synonyms,
                &query::Expander::new(&engine.lexicon),
            )
            .expect("a query");
            let matching = matching_articles(
                &engine.searcher,
                &engine.fields,
                &engine.articles,
                &Requirements {
                    clauses: &built.clauses,
                    needed,
                    phrases: &built.phrases,
                    excluded: &built.excluded,
                    in_lang: &engine.in_lang["en"],
                    section: None,
                },
            )
            .expect("matching");
            assert!(
                engine.sections.count(&matching) > 10,
                "{query}: too few to compare"
            );
            for wanted in [3, 10] {
                let by_wand = best_per_article(
                    &engine.searcher,
                    &engine.articles,
                    built.ranking.as_ref(),
                    &matching,
                    wanted,
                )
                .expect("wand");
                let one_by_one = score_sections(
                    &engine.searcher,
                    &engine.sections,
                    built.ranking.as_ref(),
                    &matching,
                    wanted,
                )
                .expect("one by one");
                assert_eq!(by_wand.len(), wanted, "{query}");
                assert_eq!(by_wand, one_by_one, "{query}, top {wanted}");
            }
        }
    }
}
