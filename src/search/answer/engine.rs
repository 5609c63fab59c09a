//! Answers a shopper's query from an open index: runs the query (and, when it finds nothing,
//! looser versions, the other keyboard layout, transliteration, other languages), groups hits
//! by article with the best anchor first, and makes snippets and "did you mean" suggestions.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;
use tantivy::query::{BoostQuery, EnableScoring, Query, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Index, ReloadPolicy, Score, Searcher, SegmentOrdinal, Term};

use super::bitset::{and, for_each_set, has};
use super::matching::{Matched, Requirements, articles_of, docs_in_lang, matching_articles};
use super::query::{self, Built};
use super::scoring::{Found, Lists, best_articles};
use super::snippet::{Matcher, snippet};
use crate::search::caches::ANCHOR_WEIGHTS_KEPT;
use crate::search::store::hits::{ADDED_HITS_FILE, HITS_FILE, HitStore};
use crate::search::store::ranking::{ArticleRanking, Part};
use crate::search::store::schema::{Fields, IndexStats};
use crate::search::text::analyze::{Analyzer, fold, is_stop_word, words};
use crate::search::text::lexicon::Lexicon;
use crate::search::text::variants::{from_translit, other_layout};
use crate::search::text::vocabulary::{SynonymGroup, Vocabulary};
use crate::search::{Popular, SearchError, Settings, Support, normalize_query};

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

/// What one query found in one language.
struct Answered {
    total: usize,
    hits: Vec<Hit>,
    /// A phrase was searched as its words (see [`PHRASE_BUDGET`]).
    loosened: bool,
    /// Some article holds the query's distinctive words.
    exact: bool,
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

/// How many unknown words of a query "did you mean" looks up.
const SUGGESTED_WORDS: usize = 3;

/// How many articles the phrases of one search may check word positions in, counted by each
/// phrase's rarest word: checking `"the to"` reads the positions of nearly every document.
/// A phrase beyond it is searched as its words, anywhere in the article.
const PHRASE_BUDGET: usize = 512;

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
    /// How well each article answers each word, and which articles hold it.
    ranking: ArticleRanking,
    /// Language -> the articles in it (a bitset of article ids).
    in_lang: rustc_hash::FxHashMap<String, Vec<u64>>,
    fields: Fields,
    settings: Settings,
    synonyms: Vec<SynonymGroup>,
    /// The shopper vocabulary: built in (unless switched off) and the help center's own.
    vocabulary: Vocabulary,
    /// Every indexed word (unstemmed, folded), for typos, prefixes and suggestions.
    lexicon: Lexicon,
    /// (language, intent) for each of the vocabulary's intents some article in that language
    /// is about (see [`Engine::holds_meaning`]): known once per opening.
    about: FxHashMap<String, rustc_hash::FxHashSet<Arc<str>>>,
    /// Per (language, query): the articles shoppers chose for it, with their boosts.
    learned: FxHashMap<(String, String), Vec<(u32, f32)>>,
}

/// How far below the page a learned article may be and still be lifted onto it.
const LEARNED_REACH: usize = 20;

impl Engine {
    /// Opens the index in `dir` (memory-mapped; searchers are reused), once every file of
    /// it is found whole (see `folder`): a damaged index is refused here, never met by a
    /// search.
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        let (index, settings, stats) = crate::search::store::folder::open(dir)?;
        // An index written by another version lacks fields; say which folder to rebuild.
        Engine::from_index(index, settings, stats).map_err(|e| match e {
            SearchError::IndexOpen { reason, .. } => SearchError::IndexOpen {
                path: dir.display().to_string(),
                reason,
            },
            other => other,
        })
    }

    /// Wraps an index already open (the in-memory one `check` builds) with its lexicon,
    /// hits and ranking files.
    pub fn from_index(
        index: Index,
        settings: Settings,
        stats: IndexStats,
    ) -> Result<Engine, SearchError> {
        let fields = Fields::from_schema(&index.schema())?;
        let damaged = |reason: String| SearchError::IndexOpen {
            path: String::new(),
            reason: format!("{reason}; run `helpbook build` again"),
        };
        let hits_file = |name: &str, bytes| {
            HitStore::open(bytes).map_err(|reason| damaged(format!("`{name}`: {reason}")))
        };
        let mut hits = hits_file(HITS_FILE, stats.hits)?;
        if let Some(added) = stats.added_hits {
            hits = hits.with_added(hits_file(ADDED_HITS_FILE, added)?);
        }
        let ranking = ArticleRanking::open(stats.ranking).map_err(damaged)?;
        let lexicon = stats.lexicon;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let vocabulary = Vocabulary::new(
            settings.vocabulary,
            &settings.phrasings,
            settings.languages.first().map_or("en", String::as_str),
        );
        let synonyms = settings
            .synonyms
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|member| words(member).into_iter().map(|w| w.lower).collect())
                    .collect()
            })
            .chain(vocabulary.synonyms().iter().cloned())
            .collect();
        let lexicon = Lexicon::new(lexicon);
        let searcher = reader.searcher();
        let per_doc = |field: &str| {
            searcher
                .segment_readers()
                .iter()
                .map(|segment| {
                    let column = segment.fast_fields().u64(field)?;
                    // A deleted document (an article updated in place) belongs to nothing.
                    let alive = segment.alive_bitset();
                    Ok((0..segment.max_doc())
                        .map(|doc| match alive {
                            Some(alive) if alive.is_deleted(doc) => u32::MAX,
                            _ => column.first(doc).map_or(u32::MAX, |id| id as u32),
                        })
                        .collect())
                })
                .collect::<tantivy::Result<Vec<Vec<u32>>>>()
        };
        let articles = per_doc("article")?;
        let hit_of = per_doc("hit")?;
        // Every article's own document is in one of the languages.
        let mut own: Vec<Vec<u64>> = Vec::new();
        let mut in_lang = rustc_hash::FxHashMap::default();
        let words = ranking.articles().div_ceil(64);
        for lang in &settings.languages {
            let docs = docs_in_lang(&searcher, &fields, lang)?;
            own.resize(docs.len(), Vec::new());
            for (all, lang) in own.iter_mut().zip(&docs) {
                all.resize(lang.len(), 0);
                for (all, lang) in all.iter_mut().zip(lang) {
                    *all |= lang;
                }
            }
            let mut per_segment = docs.into_iter();
            let articles = articles_of(&searcher, &articles, words, |_| {
                Ok(per_segment.next().unwrap_or_default())
            })?;
            in_lang.insert(lang.clone(), articles);
        }
        let sections = Sections::new(&articles, &own);
        let mut engine = Engine {
            searcher,
            articles,
            sections,
            hit_of,
            hits,
            ranking,
            in_lang,
            fields,
            settings,
            synonyms,
            vocabulary,
            lexicon,
            about: Default::default(),
            learned: Default::default(),
        };
        let lists = Lists::new(&engine.ranking);
        let mut about = FxHashMap::default();
        for lang in &engine.settings.languages {
            let intents = engine
                .vocabulary
                .intents(lang)
                .filter(|intent| engine.holds_meaning(lang, intent, &lists))
                .cloned()
                .collect();
            about.insert(lang.clone(), intents);
        }
        drop(lists);
        engine.about = about;
        engine.learned = engine.learned_boosts();
        Ok(engine)
    }

    pub fn languages(&self) -> &[String] {
        &self.settings.languages
    }

    pub fn default_language(&self) -> &str {
        self.settings.languages.first().map_or("en", String::as_str)
    }

    /// The language `request` is searched in: the one it names, or the default.
    /// The learned boosts of the settings, by (language, query), each article found by the
    /// URL of its own document; an article no longer in the index learns nothing.
    fn learned_boosts(&self) -> FxHashMap<(String, String), Vec<(u32, f32)>> {
        let mut boosts: FxHashMap<(String, String), Vec<(u32, f32)>> = FxHashMap::default();
        if self.settings.learned.is_empty() {
            return boosts;
        }
        let mut by_url: FxHashMap<Arc<str>, u32> = FxHashMap::default();
        for article in 0..self.ranking.articles() as u32 {
            let record = self.sections.head_address(article).and_then(|address| {
                self.hit_of
                    .get(address.segment_ord as usize)?
                    .get(address.doc_id as usize)
                    .copied()
            });
            if let Some(hit) = record.and_then(|r| self.hits.get(r as usize)) {
                by_url.insert(Arc::clone(&hit.url), article);
            }
        }
        for learned in &self.settings.learned {
            if let Some(&article) = by_url.get(learned.url.as_str()) {
                boosts
                    .entry((learned.lang.clone(), normalize_query(&learned.query)))
                    .or_default()
                    .push((article, learned.boost));
            }
        }
        boosts
    }

    pub fn language_of<'a>(&'a self, request: &'a Request) -> &'a str {
        request
            .lang
            .as_deref()
            .unwrap_or_else(|| self.default_language())
    }

    /// Runs a search. The fallbacks (looser matching, other layout, transliteration, other
    /// languages) only run when the stricter reading found nothing.
    pub fn search(&self, request: &Request) -> Result<Response, SearchError> {
        let lang = self.language_of(request).to_string();
        let mut languages = vec![lang.clone()];
        languages.extend(
            self.settings
                .languages
                .iter()
                .filter(|l| **l != lang)
                .cloned(),
        );
        // The query as typed, then (only once that finds nothing) its other readings.
        let mut readings = vec![(request.query.clone(), "as typed")];
        // The query as typed, parsed once for every language (the other readings are parsed
        // as they come).
        let as_typed = query::parse(&request.query);
        let mut read_otherwise = false;
        let expander = query::Expander::new(&self.lexicon);
        let lists = Lists::new(&self.ranking);
        for language in &languages {
            let analyzer = Analyzer::for_lang(language);
            let building = self.building(language, &analyzer, request.explain);
            let own_language = *language == lang;
            for n in 0.. {
                if n == readings.len() && !read_otherwise {
                    read_otherwise = true;
                    readings.extend(self.other_readings(&request.query));
                }
                let Some((reading, read_as)) = readings.get(n) else {
                    break;
                };
                let other_reading;
                let parsed = match n {
                    0 => &as_typed,
                    _ => {
                        other_reading = query::parse(reading);
                        &other_reading
                    }
                };
                // The query as typed is searched in the shopper's language whatever it holds
                // (typos included). Any other reading, and any other language, must earn its
                // place: its words must be words of the help center as they stand, or
                // "where is my stuff" becomes `вхере ис мы стуфф` and finds Russian "мы".
                if (n > 0 || !own_language)
                    && !self.is_plausible(parsed, &analyzer, &lists, language)
                {
                    continue;
                }
                let Some(built) = query::build(parsed, &building, &self.fields, &expander) else {
                    continue;
                };
                // The unfinished last word marks what it may start, unless a phrasing took it
                // ("money back": `back` alone is no answer).
                let prefix = parsed
                    .last_is_prefix
                    .then(|| parsed.words.last().map(String::as_str))
                    .flatten()
                    .filter(|last| built.words.iter().any(|w| w == last));
                let matcher = Matcher::new(analyzer, &built.words, &built.phrases_marked, prefix);
                let Answered {
                    total,
                    mut hits,
                    loosened,
                    exact,
                } = self.run(&built, &lists, &matcher, language, request)?;
                if request.explain {
                    let reading = match language == &lang {
                        true => read_as.to_string(),
                        false => format!("{read_as}, in {language}"),
                    };
                    set_reading(&mut hits, &reading);
                }
                // Asked something no article in the shopper's language is about, while
                // another language's articles are ("как удалить аккаунт" where only English
                // says how to delete an account): those answer.
                if own_language && n == 0 {
                    let elsewhere =
                        self.in_another_language(&built, &languages, &lists, &expander, request)?;
                    if let Some(response) = elsewhere {
                        return Ok(response);
                    }
                }
                if total > 0 || built.asks_for_support {
                    let answered = Answered {
                        total,
                        hits,
                        loosened,
                        exact,
                    };
                    let searched_as = (n > 0).then(|| reading.to_string());
                    let mut response = self.found(request, &built, answered, language, searched_as);
                    response.partial |= parsed.capped;
                    response.read_as = (n > 0).then_some(match *read_as {
                        "other keyboard layout" => "layout",
                        "Russian in Latin letters" => "translit",
                        _ => "split",
                    });
                    return Ok(response);
                }
            }
        }
        Ok(Response {
            query: request.query.clone(),
            total: 0,
            hits: Vec::new(),
            suggestion: self.suggest(&request.query),
            searched_as: None,
            read_as: None,
            popular: self.popular(&lang, request.section.as_deref()).to_vec(),
            support: self.settings.support.clone(),
            support_first: false,
            no_exact_answer: false,
            partial: as_typed.capped,
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

    /// One query in one language: the articles it finds (how many, and the page asked for).
    /// The articles that hold most of its words come first; when they are fewer than the
    /// page needs, those that hold only some of them follow, best first (as Meilisearch's
    /// default `last` matching strategy does: "move from shopify" finds the one article that
    /// says "move" and "shopify", then the ones about Shopify).
    fn run(
        &self,
        built: &Built,
        lists: &Lists<'_>,
        matcher: &Matcher,
        lang: &str,
        request: &Request,
    ) -> Result<Answered, SearchError> {
        let searcher = &self.searcher;
        let nothing = |loosened| Answered {
            total: 0,
            hits: Vec::new(),
            loosened,
            exact: false,
        };
        let Some(in_lang) = self.in_lang.get(lang) else {
            // Not a language of this help center: nothing is written in it.
            return Ok(nothing(false));
        };
        // Phrases within the budget are checked word by word in place; the others become
        // clauses of all their words.
        let mut phrases: Vec<&dyn tantivy::query::Query> = Vec::new();
        let mut clauses = std::borrow::Cow::Borrowed(&built.clauses);
        let mut spent = 0;
        for phrase in &built.phrases {
            let rarest = phrase
                .stems
                .iter()
                .map(|stem| lists.text(stem).articles())
                .min()
                .unwrap_or(0);
            if spent + rarest <= PHRASE_BUDGET {
                spent += rarest;
                phrases.push(&*phrase.query);
            } else {
                clauses.to_mut().push(vec![phrase.stems.clone()]);
            }
        }
        let loosened = phrases.len() < built.phrases.len();
        let requirements = Requirements {
            clauses: &clauses,
            needed: built.needed + (clauses.len() - built.clauses.len()),
            phrases: &phrases,
            excluded: &built.excluded,
            in_lang,
            section: request.section.as_deref(),
        };
        let Matched { most, rest } =
            matching_articles(searcher, &self.fields, &self.articles, lists, &requirements)?;
        let count = |bits: &[u64]| bits.iter().map(|w| w.count_ones() as usize).sum::<usize>();
        let (strict, looser) = (count(&most), count(&rest));
        let total = strict + looser;
        if total == 0 {
            return Ok(nothing(loosened));
        }
        // The articles that hold the query's distinctive words.
        let distinctive = distinctive_holders(&built.typed, lists);
        let is_exact = |article: u32| distinctive.as_ref().is_none_or(|bits| has(bits, article));
        let exact = match &distinctive {
            None => true,
            Some(bits) => bits
                .iter()
                .zip(most.iter().zip(&rest))
                .any(|(d, (m, r))| d & (m | r) != 0),
        };
        let wanted = request.offset + request.limit;
        // What shoppers chose for this query is looked for a little below the page too.
        let learned = match self.learned.is_empty() {
            true => None,
            false => self
                .learned
                .get(&(lang.to_string(), normalize_query(&request.query))),
        };
        let reach = wanted + learned.map_or(0, |_| LEARNED_REACH);
        let mut best = match strict {
            0 => Vec::new(),
            _ => best_articles(lists, &built.ranking, &most, reach),
        };
        if best.len() < reach && looser > 0 {
            best.extend(best_articles(
                lists,
                &built.ranking,
                &rest,
                reach - best.len(),
            ));
        }
        if let Some(learned) = learned {
            for found in &mut best {
                if let Some((_, boost)) = learned.iter().find(|(a, _)| *a == found.article) {
                    found.score += boost;
                }
            }
            best.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article)));
            best.truncate(wanted);
        }
        let page: Vec<Found> = best
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .collect();
        // A hit links to its best topic's document (a question or heading, or the article's
        // tags: its top); when no topic holds a word of the query, to the document whose text
        // answers best.
        let unplaced: Vec<u32> = page
            .iter()
            .filter(|found| found.topic.is_none())
            .map(|found| found.article)
            .collect();
        let mut by_text = best_sections(
            searcher,
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
        let mut records = Vec::with_capacity(page.len());
        let mut anchors: Vec<&'static str> = Vec::with_capacity(page.len());
        for found in &page {
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
            records.push(record);
            anchors.push(anchor);
        }
        let mut hits = Vec::with_capacity(page.len());
        for ((found, record), anchor) in page.into_iter().zip(records).zip(anchors) {
            let Found {
                score,
                article,
                topic,
            } = found;
            let stored = record.and_then(|n| self.hits.get(n as usize)).ok_or_else(|| {
                SearchError::Query(format!(
                    "the record of a hit (article {article}) is missing from `{HITS_FILE}`; run `helpbook build` again"
                ))
            })?;
            hits.push(Hit {
                snippet: snippet(&stored.text, stored.words(), matcher),
                title: stored.title.clone(),
                url: stored.url.clone(),
                section: stored.section.clone(),
                lang: stored.lang.clone(),
                kind: stored.kind.clone(),
                heading: stored.heading.clone(),
                score: (score * 1000.0).round() / 1000.0,
                quality: match is_exact(article) {
                    true => Quality::Exact,
                    false => Quality::Related,
                },
                explain: request.explain.then(|| {
                    let mut why = explain(built, lists, article, topic, anchor);
                    why.learned = learned
                        .and_then(|l| l.iter().find(|(a, _)| *a == article))
                        .map_or(0.0, |(_, boost)| *boost);
                    Box::new(why)
                }),
            });
        }
        Ok(Answered {
            total,
            hits,
            loosened,
            exact,
        })
    }

    /// What queries in `lang` are built with.
    fn building<'a>(
        &'a self,
        lang: &'a str,
        analyzer: &'a Analyzer,
        explain: bool,
    ) -> query::Language<'a> {
        query::Language {
            lang,
            analyzer,
            synonyms: &self.synonyms,
            vocabulary: &self.vocabulary,
            explain,
        }
    }

    /// The response for what `built` found in `lang` (partial when a phrase was loosened):
    /// when the shopper asked for a person, or no article answers exactly, the support
    /// contact comes first.
    fn found(
        &self,
        request: &Request,
        built: &Built,
        answered: Answered,
        lang: &str,
        searched_as: Option<String>,
    ) -> Response {
        let no_exact_answer = answered.total > 0 && !answered.exact && !built.asks_for_support;
        let support_first = built.asks_for_support || no_exact_answer;
        Response {
            no_exact_answer,
            support: support_first
                .then(|| self.settings.support.clone())
                .flatten(),
            support_first,
            partial: answered.loosened,
            query: request.query.clone(),
            total: answered.total,
            hits: answered.hits,
            suggestion: None,
            searched_as,
            read_as: None,
            lang: lang.to_string(),
            popular: Vec::new(),
        }
    }

    /// The answer in another language to what the query asks (its first intent), when no
    /// article in the shopper's language (`languages[0]`) holds what articles there call it
    /// and one in another language (in the help center's order) does: that language's
    /// meaning, searched there.
    fn in_another_language(
        &self,
        built: &Built,
        languages: &[String],
        lists: &Lists<'_>,
        expander: &query::Expander<'_>,
        request: &Request,
    ) -> Result<Option<Response>, SearchError> {
        let (Some(intent), Some(lang)) = (built.intents.first(), languages.first()) else {
            return Ok(None);
        };
        let is_about = |lang: &String| self.about.get(lang).is_some_and(|a| a.contains(intent));
        if is_about(lang) {
            return Ok(None);
        }
        for other in &languages[1..] {
            let Some(meaning) = self.vocabulary.meanings(other, intent).first() else {
                continue;
            };
            if !is_about(other) {
                continue;
            }
            let text = meaning.join(" ");
            let analyzer = Analyzer::for_lang(other);
            let building = self.building(other, &analyzer, request.explain);
            // Every word finished: the meaning is whole words.
            let parsed = query::parse(&format!("{text} "));
            let Some(there) = query::build(&parsed, &building, &self.fields, expander) else {
                continue;
            };
            let matcher = Matcher::new(analyzer, &there.words, &there.phrases_marked, None);
            let mut answered = self.run(&there, lists, &matcher, other, request)?;
            if answered.total == 0 {
                continue;
            }
            let reading = format!("as `{text}`, what `{intent}` is called in {other}");
            set_reading(&mut answered.hits, &reading);
            // Asked for a person: the contact still comes first.
            let mut response = self.found(request, &there, answered, other, Some(text));
            response.support_first |= built.asks_for_support;
            if response.support_first {
                response.support.clone_from(&self.settings.support);
            }
            return Ok(Some(response));
        }
        Ok(None)
    }

    /// Whether an article in `lang` is about `intent`: names, in its title or its topics
    /// (headings, questions, tags, description), all the words of one of the names `lang`'s
    /// articles have for it. A word in passing ("if the item was damaged" in a refund policy)
    /// does not make an article about it.
    fn holds_meaning(&self, lang: &str, intent: &str, lists: &Lists<'_>) -> bool {
        let Some(in_lang) = self.in_lang.get(lang) else {
            return false;
        };
        let analyzer = Analyzer::for_lang(lang);
        self.vocabulary
            .meanings(lang, intent)
            .iter()
            .any(|meaning| {
                let mut held = in_lang.clone();
                for word in meaning.iter().filter(|w| !is_stop_word(w)) {
                    and(&mut held, &lists.named(&analyzer.stem(word)));
                }
                held.iter().any(|bits| *bits != 0)
            })
    }

    /// Whether a reading of the query is plausible text of `lang`'s articles: at least half
    /// of its words that are not stop words (all of them, unless one has four letters or
    /// more) are words of those articles. Another ending of one will do (`забыл` for
    /// `забыли`); a word of up to three letters must be there as it stands; the last one,
    /// when unfinished, may be the start of one. A typo correction does not count: those are
    /// for the query as the shopper typed it. `вхере ис мы стуфф` ("where is my stuff" read
    /// as Russian in Latin letters) has one such word of four, `мы`, and is not plausible.
    fn is_plausible(
        &self,
        parsed: &query::Parsed,
        analyzer: &Analyzer,
        lists: &Lists<'_>,
        lang: &str,
    ) -> bool {
        let Some(in_lang) = self.in_lang.get(lang) else {
            return false;
        };
        let last = parsed.words.len().saturating_sub(1);
        let in_articles = |word: &str| {
            let folded = fold(word);
            if folded.chars().count() <= 3 && !self.lexicon.contains(&folded) {
                return false;
            }
            let list = lists.text(&analyzer.stem(word));
            list.holders.iter().zip(in_lang).any(|(a, b)| a & b != 0)
        };
        let content: Vec<(usize, &String)> = parsed
            .words
            .iter()
            .enumerate()
            .filter(|(_, word)| !is_stop_word(word))
            .chain(
                parsed
                    .phrases
                    .iter()
                    .flatten()
                    .map(|word| (usize::MAX, word)),
            )
            .collect();
        let known: Vec<&String> = content
            .iter()
            .filter(|(n, word)| {
                in_articles(word)
                    || (*n == last
                        && parsed.last_is_prefix
                        && word.chars().count() >= 3
                        && !self.lexicon.completions(&fold(word), 1).is_empty())
            })
            .map(|(_, word)| *word)
            .collect();
        !content.is_empty()
            && known.len() * 2 >= content.len()
            && (known.len() == content.len() || known.iter().any(|word| word.chars().count() >= 4))
    }

    /// For each `(article, record)` (the document a hit would link to): when that document
    /// does not hold `stem` but others of the article do, the record of the one where it
    /// weighs most (in its heading 2.5 times, as anchors are chosen); else `None`. One pass
    /// per segment over the documents of the articles that hold `stem` somewhere (the others
    /// are not looked up in the index at all), as in [`best_sections`].
    fn passages_holding(
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

    /// The query read otherwise: compounds split, typed in the other keyboard layout, or
    /// transliterated from Latin letters.
    fn other_readings(&self, query: &str) -> Vec<(String, &'static str)> {
        let mut readings = Vec::new();
        readings.extend(self.split_compounds(query).map(|r| (r, "words split")));
        readings.extend(other_layout(query).map(|r| (r, "other keyboard layout")));
        readings.extend(from_translit(query).map(|r| (r, "Russian in Latin letters")));
        readings
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
        // Each look-up reads the whole lexicon: a few words are worth correcting, not ten.
        let mut looked_up = 0;
        let out: Vec<String> = parsed
            .words
            .iter()
            .map(|word| {
                let folded = fold(word);
                if looked_up == SUGGESTED_WORDS || self.lexicon.contains(&folded) {
                    return word.clone();
                }
                looked_up += 1;
                match self.lexicon.closest(&folded) {
                    Some(known) => {
                        changed = true;
                        known.to_string()
                    }
                    None => word.clone(),
                }
            })
            .collect();
        changed.then(|| out.join(" "))
    }
}

/// Notes how the query was read in each hit's explanation (when explaining).
fn set_reading(hits: &mut [Hit], reading: &str) {
    for explain in hits.iter_mut().filter_map(|hit| hit.explain.as_mut()) {
        reading.clone_into(&mut explain.reading);
    }
}

/// Why `article` scores what it does on `built` (see [`Explanation`]); `topic` is its best.
fn explain(
    built: &Built,
    lists: &Lists<'_>,
    article: u32,
    topic: Option<u16>,
    anchor: &str,
) -> Explanation {
    let query_weight = |part: Part, stem: &str| {
        built
            .ranking
            .iter()
            .find(|(p, s, _)| *p == part && s == stem)
            .map_or(0.0, |(_, _, w)| *w)
    };
    let round = |x: f32| (x * 1000.0).round() / 1000.0;
    let mut words = Vec::new();
    let (mut title, mut topics, mut text) = (0.0, 0.0, 0.0);
    for origin in &built.origins {
        let part = |part: Part| {
            query_weight(part, &origin.stem) * lists.weight(part, &origin.stem, article, topic)
        };
        let scores = (part(Part::Title), part(Part::Topics), part(Part::Text));
        title += scores.0;
        topics += scores.1;
        text += scores.2;
        if scores.0 + scores.1 + scores.2 > 0.0 {
            words.push(WordScore {
                typed: origin.typed.clone(),
                word: origin.word.clone(),
                how: origin.how.to_string(),
                title: round(scores.0),
                topic: round(scores.1),
                text: round(scores.2),
            });
        }
    }
    Explanation {
        reading: String::new(),
        vocabulary: built.phrasings.clone(),
        words,
        title: round(title),
        topic: round(topics),
        text: round(text),
        anchor: anchor.to_string(),
        learned: 0.0,
    }
}

/// The articles holding every distinctive word of the query (a bitset), `None` when it has
/// none. Of the words typed (not stop words, synonyms or phrasings), the rarest are
/// distinctive, rarest first, until they carry four fifths of the query's weight (the sum of
/// the words' inverse document frequencies): "gift wrapping service" needs "gift",
/// "wrapping" and "service" together, and no article has all three. Words the help center
/// does not have (typos) are not counted: their corrections speak for them.
fn distinctive_holders(typed: &[String], lists: &Lists<'_>) -> Option<Vec<u64>> {
    let articles = lists.articles().max(1) as f32;
    let mut held: Vec<(f32, std::rc::Rc<super::scoring::WordList>)> = typed
        .iter()
        .map(|stem| lists.text(stem))
        .filter(|list| list.articles() > 0)
        .map(|list| ((1.0 + articles / list.articles() as f32).ln(), list))
        .collect();
    held.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f32 = held.iter().map(|(idf, _)| idf).sum();
    let mut carried = 0.0;
    let mut bits: Option<Vec<u64>> = None;
    for (idf, list) in &held {
        if carried >= total * 0.8 {
            break;
        }
        carried += idf;
        match &mut bits {
            None => bits = Some(list.holders.clone()),
            Some(bits) => and(bits, &list.holders),
        }
    }
    bits
}

/// The stem of the word typed that the fewest articles hold, when it is at most half as common
/// as the most common one typed (and some article holds it): the word that tells the passage
/// that answers from others on the same subject ("paypal" in "can i pay with paypal").
fn rarest_typed<'a>(typed: &'a [String], lists: &Lists<'_>) -> Option<&'a str> {
    let held: Vec<(usize, &String)> = typed
        .iter()
        .map(|stem| (lists.text(stem).articles(), stem))
        .filter(|(holders, _)| *holders > 0)
        .collect();
    let most = held.iter().map(|(n, _)| *n).max()?;
    let (fewest, stem) = held.iter().min_by_key(|(n, _)| *n)?;
    (fewest * 2 <= most).then_some(stem.as_str())
}

/// Scores the segment's `(document, tag)` pairs, in document order: each one's score is the
/// sum of the `terms`' scores (each a single weighted term: seeking each on its own skips
/// through its postings, where a union would decode every block in between).
fn score_each(
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
fn best_sections(
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
fn anchor_weight(
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
struct Sections {
    /// Per segment: `docs[start[a]..start[a + 1]]` are article `a`'s documents.
    segments: Vec<(Vec<u32>, Vec<u32>)>,
    /// Per segment, each article's own document (`u32::MAX`: in another segment).
    heads: Vec<Vec<u32>>,
}

impl Sections {
    /// `article_of`: per segment, each document's article; `own`: per segment, a bitset of
    /// the articles' own documents.
    fn new(article_of: &[Vec<u32>], own: &[Vec<u64>]) -> Sections {
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

    /// Article `a`'s own document, when it is in `segment`.
    fn head(&self, segment: usize, a: u32) -> Option<u32> {
        let head = *self.heads.get(segment)?.get(a as usize)?;
        (head != u32::MAX).then_some(head)
    }

    /// Article `a`'s own document, wherever it is.
    fn head_address(&self, a: u32) -> Option<DocAddress> {
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
struct Ranked {
    /// The score's bits, which order like the score because scores are never negative.
    score: u32,
    record: std::cmp::Reverse<u32>,
}

impl Ranked {
    fn new(score: Score, record: u32) -> Ranked {
        Ranked {
            score: score.max(0.0).to_bits(),
            record: std::cmp::Reverse(record),
        }
    }

    fn score(&self) -> Score {
        f32::from_bits(self.score)
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
                    article_url: url.as_str().into(),
                    lang: "en".into(),
                    title: format!("Article {a} about {}", words[a % 7]).into(),
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
        Engine::from_index(index, settings, stats).expect("engine")
    }

    fn built(engine: &Engine, query: &str) -> Built {
        let parsed = query::parse(&format!("{query} "));
        query::build(
            &parsed,
            &engine.building("en", &Analyzer::for_lang("en"), false),
            &engine.fields,
            &query::Expander::new(&engine.lexicon),
        )
        .expect("a query")
    }

    #[test]
    fn the_best_articles_are_the_top_of_all_matching_articles_sorted() {
        let engine = engine();
        for (query, needed) in [
            ("refund card", 2),
            ("parcel", 1),
            ("invoice order delivery", 2),
        ] {
            let built = built(&engine, query);
            let lists = Lists::new(&engine.ranking);
            let matching = matching_articles(
                &engine.searcher,
                &engine.fields,
                &engine.articles,
                &lists,
                &Requirements {
                    clauses: &built.clauses,
                    needed,
                    phrases: &[],
                    excluded: &built.excluded,
                    in_lang: &engine.in_lang["en"],
                    section: None,
                },
            )
            .expect("matching")
            .most;
            let mut all = best_articles(&lists, &built.ranking, &matching, 1000);
            let mut count = 0;
            for_each_set(&matching, |_| count += 1);
            assert!(count > 10, "{query}: too few to compare");
            assert_eq!(all.len(), count, "{query}: every matching article, once");
            all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.article.cmp(&b.article)));
            for wanted in [1, 3, 10] {
                let best = best_articles(&lists, &built.ranking, &matching, wanted);
                assert_eq!(best, all[..wanted], "{query}, top {wanted}");
            }
        }
    }

    #[test]
    fn a_found_article_links_to_the_section_whose_heading_answers() {
        let engine = engine();
        let response = engine
            .search(&Request {
                query: "invoice ".into(),
                limit: 50,
                ..Request::default()
            })
            .expect("search");
        // Article 3's sections are headed (3 + s) % 7: section 3 is "invoice" (word 6).
        let a3: Vec<&str> = response
            .hits
            .iter()
            .map(|hit| &*hit.url)
            .filter(|url| url.starts_with("/a3/"))
            .collect();
        assert_eq!(a3, ["/a3/#s3"]);
    }

    #[test]
    fn with_no_heading_answering_a_hit_links_to_the_text_that_does() {
        let engine = engine();
        let built = built(&engine, "invoice");
        let anchors = best_sections(
            &engine.searcher,
            engine.ranking.id(),
            &engine.sections,
            &engine.hit_of,
            &built.anchors,
            &[3, 6],
            &Lists::new(&engine.ranking),
        )
        .expect("anchors");
        let urls: Vec<String> = anchors
            .into_iter()
            .map(|address| {
                let address = address.expect("an anchor");
                let n = engine.hit_of[address.segment_ord as usize][address.doc_id as usize];
                engine.hits.get(n as usize).expect("record").url.to_string()
            })
            .collect();
        // Article 6's title is about "invoice" (6 % 7) but no heading is; its own text never
        // says it, section 2 twice and section 3 three times (text word i is (3s + i²) % 7).
        assert_eq!(urls, ["/a3/#s3", "/a6/#s3"]);
    }

    #[test]
    fn of_two_sections_that_answer_alike_the_hit_links_to_the_first() {
        // Forty articles of two sections with the same heading and text: which section the
        // index holds first depends on the writer's threads, the answer must not.
        let mut documents = Vec::new();
        for a in 0..40 {
            let url = format!("/a{a}/");
            for section in ["first", "second"] {
                documents.push(Document {
                    url: format!("{url}#{section}"),
                    article_url: url.as_str().into(),
                    lang: "en".into(),
                    title: format!("Article {a}").into(),
                    heading: "Details".into(),
                    text: "Refunds reach your card within five days.".into(),
                    ..Document::default()
                });
            }
            documents.push(Document {
                url: url.clone(),
                article_url: url.as_str().into(),
                lang: "en".into(),
                title: format!("Article {a}").into(),
                text: "About this article.".into(),
                ..Document::default()
            });
        }
        let settings = Settings {
            languages: vec!["en".into()],
            ..Settings::default()
        };
        let (index, stats) = write_index(None, &documents, &settings).expect("index");
        let engine = Engine::from_index(index, settings, stats).expect("engine");
        let response = engine
            .search(&Request {
                query: "card within five days".into(),
                limit: 40,
                ..Request::default()
            })
            .expect("search");
        assert_eq!(response.hits.len(), 40);
        for hit in &response.hits {
            assert!(hit.url.ends_with("#first"), "{}", hit.url);
        }
        assert!(Ranked::new(1.5, 3) > Ranked::new(1.5, 4));
        assert!(Ranked::new(1.6, 4) > Ranked::new(1.5, 3));
    }

    /// An engine over one-document articles, `(url, title, text)`.
    fn engine_of(articles: &[(&str, &str, &str)]) -> Engine {
        let documents: Vec<Document> = articles
            .iter()
            .map(|(url, title, text)| Document {
                url: (*url).into(),
                article_url: (*url).into(),
                lang: "en".into(),
                title: (*title).into(),
                text: (*text).into(),
                ..Document::default()
            })
            .collect();
        let settings = Settings {
            languages: vec!["en".into()],
            ..Settings::default()
        };
        let (index, stats) = write_index(None, &documents, &settings).expect("index");
        Engine::from_index(index, settings, stats).expect("engine")
    }

    #[test]
    fn a_phrase_of_words_too_many_articles_hold_is_searched_as_its_words() {
        // 600 articles say "card" and "order", ten of them as the phrase "card order".
        let articles: Vec<(String, String, String)> = (0..600)
            .map(|n| {
                let text = match n % 60 {
                    0 => "pay the card order now",
                    _ => "the order was paid by card",
                };
                (format!("/a{n}/"), format!("Article {n}"), text.to_string())
            })
            .collect();
        let borrowed: Vec<(&str, &str, &str)> = articles
            .iter()
            .map(|(u, t, x)| (u.as_str(), t.as_str(), x.as_str()))
            .collect();
        let engine = engine_of(&borrowed);
        let search = |query: &str| {
            engine
                .search(&Request {
                    query: query.into(),
                    limit: 10,
                    ..Request::default()
                })
                .expect("search")
        };
        // Beyond the budget: every article with both words, and the answer says it is partial.
        let loose = search("\"card order\"");
        assert!(loose.partial);
        assert_eq!(loose.total, 600);
        // A phrase with a rarer word is checked as a phrase.
        let rare = search("\"pay the card\"");
        assert!(!rare.partial);
        assert_eq!(rare.total, 10);
    }

    #[test]
    fn articles_with_some_of_the_words_follow_the_few_with_all_of_them() {
        let engine = engine_of(&[
            (
                "/checkout/",
                "Checkout",
                "Vendors who move from Shopify keep their checkout.",
            ),
            (
                "/migrate/",
                "Migrate from Shopify",
                "Bring your Shopify products and customers.",
            ),
            ("/stock/", "Stock levels", "Move stock between warehouses."),
            ("/tax/", "Taxes", "Set up tax rates for your zones."),
        ]);
        let search = |query: &str, limit: usize, offset: usize| {
            engine
                .search(&Request {
                    query: query.into(),
                    limit,
                    offset,
                    ..Request::default()
                })
                .expect("search")
        };
        let urls = |response: &Response| -> Vec<String> {
            response.hits.iter().map(|h| h.url.to_string()).collect()
        };
        // The one article with both words first; then those with one, best first; never one
        // with neither. The total counts them all, and the next page goes on where this ends.
        let found = search("move shopify", 10, 0);
        assert_eq!(urls(&found), ["/checkout/", "/migrate/", "/stock/"]);
        assert_eq!(found.total, 3);
        assert_eq!(urls(&search("move shopify", 1, 1)), ["/migrate/"]);
        assert_eq!(
            urls(&search("move shopify", 2, 1)),
            ["/migrate/", "/stock/"]
        );
        // A page filled by articles with every word takes no others.
        assert_eq!(urls(&search("shopify", 10, 0)), ["/migrate/", "/checkout/"]);
    }
}
