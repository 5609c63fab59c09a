//! Answers a shopper's query from an open index: runs the query (and, when it finds nothing,
//! looser versions, the other keyboard layout, transliteration, other languages), groups hits
//! by article with the best anchor first, and makes snippets and "did you mean" suggestions.
//! The fallbacks are in `readings`; the anchor of a hit in `super::anchor`.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::{Index, ReloadPolicy, Searcher};

mod anchors;
mod readings;

use readings::set_reading;

use super::anchor::{Ranked, Sections, anchor_weight, best_sections, score_each};
use super::bitset::{and, has};
use super::explain::explain;
use super::matching::{Matched, Requirements, articles_of, docs_in_lang, matching_articles};
use super::query::{self, Built};
use super::response::{Hit, Quality, Request, Response};
use super::scoring::{Found, Lists, best_articles};
use super::snippet::{Matcher, snippet};
use crate::search::store::hits::{ADDED_HITS_FILE, HITS_FILE, HitStore};
use crate::search::store::ranking::{ArticleRanking, RANKING_FILE};
use crate::search::store::schema::{Fields, IndexStats};
use crate::search::text::analyze::{Analyzer, fold, words};
use crate::search::text::lexicon::Lexicon;
use crate::search::text::stop_words::is_stop_word;
use crate::search::text::variants::{from_translit, other_layout};
use crate::search::text::vocabulary::{SynonymGroup, Vocabulary};
use crate::search::{OpenProblem, Popular, SearchError, Settings, normalize_query};

/// What one query found in one language.
struct Answered {
    total: usize,
    hits: Vec<Hit>,
    /// A phrase was searched as its words (see [`PHRASE_BUDGET`]).
    loosened: bool,
    /// Some article holds the query's distinctive words.
    exact: bool,
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
    // Over 100 lines: one pass from the opened files to a ready engine, each step using the
    // ones before it, so it reads in the order the engine is put together.
    pub fn from_index(
        index: Index,
        settings: Settings,
        stats: IndexStats,
    ) -> Result<Engine, SearchError> {
        let fields = Fields::from_schema(&index.schema())?;
        let damaged = |file: &'static str| {
            move |problem| SearchError::IndexOpen {
                path: String::new(),
                reason: OpenProblem::File { file, problem },
            }
        };
        let hits_file = |name: &'static str, bytes| HitStore::open(bytes).map_err(damaged(name));
        let mut hits = hits_file(HITS_FILE, stats.hits)?;
        if let Some(added) = stats.added_hits {
            hits = hits.with_added(hits_file(ADDED_HITS_FILE, added)?);
        }
        let ranking = ArticleRanking::open(stats.ranking).map_err(damaged(RANKING_FILE))?;
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
    // Over 100 lines: the loop over readings and languages that stops at the first answer;
    // the fallbacks it calls are in `readings`.
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
    // Over 100 lines: matching, scoring, learned boosts and the page, in that order; where each
    // hit links is in `anchors`.
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
        let (records, anchors): (Vec<Option<u32>>, Vec<&'static str>) =
            self.anchors(&page, built, lists)?.into_iter().unzip();
        let mut hits = Vec::with_capacity(page.len());
        for ((found, record), anchor) in page.into_iter().zip(records).zip(anchors) {
            let Found {
                score,
                article,
                topic,
            } = found;
            let stored = record
                .and_then(|n| self.hits.get(n as usize))
                .ok_or(SearchError::MissingRecord { article })?;
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

#[cfg(test)]
mod tests;
