//! Shopper text -> what to search for. Only two things in the text mean anything beyond words:
//! `"an exact phrase"` and `-excluded` words; everything else (`title:`, `*`, `(`, `~`, an
//! unbalanced quote) is plain text.
//!
//! Each word matches its stem; words of 4+ letters also match with one typo (8+: two) and the
//! last word also as the start of a word (search as you type). Synonym groups from book.toml
//! stand in for each other. An article matches when most words occur in it (all of one or
//! two, all but one of three or four…; stop words never have to). Articles are ranked by
//! BM25 over their title (weight 4), their best topic — tags, or one heading or question —
//! (2.5) and their whole text (1); a hit links to the section or question whose heading (2.5)
//! and text (1) answer best.

use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query};
use tantivy::schema::Field;

use crate::search::store::ranking::Part;
use crate::search::store::schema::Fields;
use crate::search::text::analyze::{Analyzer, fold, words};
use crate::search::text::lexicon::{Lexicon, typos_allowed};
use crate::search::text::stop_words::is_stop_word;
use crate::search::text::vocabulary::{SynonymGroup, Vocabulary};

const TITLE: f32 = 4.0;
const HEADING: f32 = 2.5;
const TEXT: f32 = 1.0;
/// A word one typo away from what was typed counts this much of a real match (two typos: less).
const ONE_TYPO: f32 = 0.6;
const TWO_TYPOS: f32 = 0.35;
/// A synonym of what was typed (shared by its words when it has several).
const SYNONYM: f32 = 0.6;
/// A word the typed prefix completes to.
const COMPLETION: f32 = 0.7;
/// How many typo corrections and completions one word may expand to.
const EXPANSIONS: usize = 6;

/// The parts of what the shopper typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// Words to find, lowercased; the last may be unfinished.
    pub words: Vec<String>,
    /// `"…"` phrases, each as its words.
    pub phrases: Vec<Vec<String>>,
    /// `-word`s.
    pub excluded: Vec<String>,
    /// Whether the text ended mid-word (no trailing space): the last word may be a prefix.
    pub last_is_prefix: bool,
    /// Whether words, phrases or exclusions beyond what one query may have were left out.
    pub capped: bool,
}

/// The most distinct words, phrases and exclusions one query searches for; the rest of a
/// longer query is left out (and the answer says it is partial). A shopper's question has a
/// handful; these bound what a crafted one can cost.
const MAX_WORDS: usize = 10;
const MAX_PHRASES: usize = 3;
const MAX_EXCLUDED: usize = 5;
/// Words longer than this (in letters) get no typo corrections: none of the languages' real
/// words is that long, and the look-up grows with the square of the length.
const LONGEST_CORRECTED: usize = 24;

/// Splits shopper text into words, phrases and exclusions. Never fails.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = Parsed {
        last_is_prefix: !text.ends_with(char::is_whitespace),
        ..Parsed::default()
    };
    let quotes = text.matches('"').count();
    let mut rest = text;
    // Only balanced quotes make phrases: with an odd count the last `"` is plain text.
    let mut phrases_left = quotes / 2;
    while !rest.is_empty() {
        if phrases_left > 0
            && let Some(start) = rest.find('"')
            && let Some(len) = rest[start + 1..].find('"')
        {
            add_words(&rest[..start], &mut parsed);
            let phrase: Vec<String> = words(&rest[start + 1..start + 1 + len])
                .into_iter()
                .map(|w| w.lower)
                .collect();
            match phrase.len() {
                0 => {}
                1 => parsed.words.extend(phrase),
                _ => parsed.phrases.push(phrase),
            }
            rest = &rest[start + len + 2..];
            phrases_left -= 1;
            continue;
        }
        add_words(rest, &mut parsed);
        break;
    }
    if text.trim_end().ends_with('"') {
        parsed.last_is_prefix = false;
    }
    bound(&mut parsed);
    parsed
}

/// Merges repeated words, phrases and exclusions, and caps how many of each are searched.
fn bound(parsed: &mut Parsed) {
    let unfinished = parsed
        .last_is_prefix
        .then(|| parsed.words.last().cloned())
        .flatten();
    let mut capped = dedup_capped(&mut parsed.words, MAX_WORDS);
    capped |= dedup_capped(&mut parsed.phrases, MAX_PHRASES);
    capped |= dedup_capped(&mut parsed.excluded, MAX_EXCLUDED);
    // The unfinished word is the last one typed; if it went, none is unfinished.
    if parsed.words.last() != unfinished.as_ref() {
        parsed.last_is_prefix = false;
    }
    parsed.capped = capped;
}

/// Keeps the first of each repeated item and at most `max` items; whether any were dropped
/// for the cap (repeats are merged, not dropped).
fn dedup_capped<T: PartialEq + Clone>(items: &mut Vec<T>, max: usize) -> bool {
    let mut kept: Vec<T> = Vec::with_capacity(items.len().min(max));
    let mut capped = false;
    for item in items.drain(..) {
        if kept.contains(&item) {
            continue;
        }
        if kept.len() == max {
            capped = true;
            continue;
        }
        kept.push(item);
    }
    *items = kept;
    capped
}

fn add_words(text: &str, parsed: &mut Parsed) {
    for chunk in text.split_whitespace() {
        if let Some(excluded) = chunk
            .strip_prefix('-')
            .filter(|rest| rest.chars().next().is_some_and(char::is_alphanumeric))
        {
            parsed
                .excluded
                .extend(words(excluded).into_iter().map(|w| w.lower));
        } else {
            parsed
                .words
                .extend(words(chunk).into_iter().map(|w| w.lower));
        }
    }
}

/// The query for one language. Searching is split in three: which articles match (the
/// clauses, phrases and exclusions; see `matching`); how well each answers (`ranking`, from
/// the ranking file; see `scoring`); and where in a found article to link to (`anchors`,
/// scored by Tantivy on the article's own documents only).
pub struct Built {
    /// One clause per word (with its typo corrections and completions) or synonym group, on
    /// the article's words.
    pub clauses: Vec<Clause>,
    /// How many clauses an article must hold: all of one or two, all but one of three or
    /// four… Trying 1 is the looser reading.
    pub needed: usize,
    /// Quoted phrases, all required (each in some title, heading or body of the article).
    pub phrases: Vec<Phrase>,
    /// The stems of `-word`s: no matching article holds them.
    pub excluded: Vec<String>,
    /// Every word's stem (and its typo corrections' and completions'), in the article's
    /// title, topics and whole text, by weight: how well an article answers.
    pub ranking: Vec<(Part, String, f32)>,
    /// The same stems in each section's heading and text, by weight: which section answers
    /// best.
    pub anchors: Vec<(Field, String, f32)>,
    /// The stems of the words the shopper typed that are not stop words (not of their typo
    /// corrections or synonyms): the rarest of them says which passage answers.
    pub typed: Vec<String>,
    /// Every word a hit may contain for this query (typed words, their typo corrections and
    /// completions, phrase and synonym words), for marking snippets.
    pub words: Vec<String>,
    /// What a hit may contain only as a whole, for marking snippets: another way to say a
    /// word typed ("money back" for "refund"), a phrasing's words ("money back").
    pub phrases_marked: Vec<Vec<String>>,
    /// Where each searched stem came from, first origin first (`--explain` only).
    pub origins: Vec<Origin>,
    /// The vocabulary's phrasings found, as written with what they mean (`--explain` only).
    pub phrasings: Vec<String>,
    /// Whether the shopper asks for a person (a phrasing with `support = true`).
    pub asks_for_support: bool,
    /// What the vocabulary's phrasings found ask, the same in every language.
    pub intents: Vec<std::sync::Arc<str>>,
}

/// Where a searched stem came from: the word typed, the word searched for it, and how one
/// stands for the other.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub stem: String,
    pub typed: String,
    pub word: String,
    /// `word` (as typed), `typo`, `prefix`, `compound`, `synonym`, `vocabulary`, `phrase`.
    pub how: &'static str,
}

/// What a query is built with in one language: its stemmer, the synonym groups and the
/// shopper vocabulary.
pub struct Language<'a> {
    pub lang: &'a str,
    pub analyzer: &'a Analyzer,
    pub synonyms: &'a [SynonymGroup],
    pub vocabulary: &'a Vocabulary,
    /// Whether to note where each stem came from (`Built::origins`), for `--explain`.
    pub explain: bool,
}

/// Builds the query for one language. `None` when there is nothing to search for.
// Over 100 lines: one pass over the query's words, each expanded (typos, completions,
// synonyms, phrasings) into its clause, ranking terms and anchor terms at once.
pub fn build(
    parsed: &Parsed,
    language: &Language<'_>,
    fields: &Fields,
    expander: &Expander<'_>,
) -> Option<Built> {
    let (analyzer, synonyms) = (language.analyzer, language.synonyms);
    let mut asks_for_support = false;
    let mut intents: Vec<std::sync::Arc<str>> = Vec::new();
    let mut typed: Vec<String> = Vec::new();
    let explain = language.explain;
    let mut origins: Vec<Origin> = Vec::new();
    let mut phrasings: Vec<String> = Vec::new();
    // Noted only when explaining: searches pay nothing for it.
    let mut origin = |stem: &str, typed: &dyn Fn() -> String, word: &str, how: &'static str| {
        if explain && !origins.iter().any(|o: &Origin| o.stem == stem) {
            origins.push(Origin {
                stem: stem.to_string(),
                typed: typed(),
                word: word.to_string(),
                how,
            });
        }
    };
    let mut required: Vec<Clause> = Vec::new();
    let mut marked: Vec<String> = Vec::new();
    let mut phrases_marked: Vec<Vec<String>> = Vec::new();
    let mut ranking = Ranking::new(fields);
    let mut i = 0;
    let words = &parsed.words;
    let is_alone = words.iter().filter(|w| !is_stop_word(w)).count() <= 1;
    while i < words.len() {
        let last = i + 1 == words.len();
        // A way of asking ("where is my parcel"): the thing asked about (or, without one, the
        // phrasing's own words), or what articles call it ("track order"), both counting
        // fully; its question words are spent.
        if let Some(found) =
            language
                .vocabulary
                .find(language.lang, words, i, analyzer, is_alone, &|word| {
                    expander.is_known(word)
                })
        {
            let phrasing = found.phrasing;
            let span = || words[i..i + found.len].join(" ");
            let mut clause: Clause = Vec::new();
            // The phrasing's own words without a slot ("money back") say something only
            // together: alone ("comes back used") they are no answer, so not marked.
            let asked = (
                &phrasing.asked,
                phrasing.has_slot || phrasing.asked.len() == 1,
            );
            let means = phrasing.means.iter().map(|m| (m, true));
            // Asking for a person ("speak to someone", "customer service phone"), the
            // shopper's words name no topic: only the contact pages answer.
            let asked = (!phrasing.support).then_some(asked);
            for (member, mark) in asked
                .into_iter()
                .chain(means)
                .filter(|(member, _)| !member.is_empty())
            {
                let stems: Vec<String> = member.iter().map(|w| analyzer.stem(w)).collect();
                for (stem, word) in stems.iter().zip(member) {
                    ranking.add(stem, MEANING);
                    origin(stem, &span, word, "vocabulary");
                }
                if !mark && member.len() > 1 {
                    phrases_marked.push(member.clone());
                }
                if mark {
                    marked.extend(
                        member
                            .iter()
                            .filter(|w| member.len() == 1 || !is_stop_word(w))
                            .cloned(),
                    );
                }
                clause.push(stems);
            }
            // A typo in the thing asked about is marked as typed, too.
            marked.extend(found.slot_words);
            required.push(clause);
            asks_for_support |= phrasing.support;
            if !phrasing.intent.is_empty() {
                intents.push(phrasing.intent.clone());
            }
            if explain {
                let means: Vec<String> = phrasing.means.iter().map(|m| m.join(" ")).collect();
                phrasings.push(format!("{} → {}", phrasing.written, means.join(", ")));
            }
            i += found.len;
            continue;
        }
        if let Some((group, len)) = synonym_at(words, i, synonyms) {
            required.push(
                group
                    .iter()
                    .filter(|member| !member.is_empty())
                    .map(|member| member.iter().map(|w| analyzer.stem(w)).collect())
                    .collect(),
            );
            // What was typed counts fully; another way to say it counts as a typo would,
            // shared by its words, so that an article saying it both ways ("refund: get your
            // money back") does not count the one idea three times. Another way counts in
            // titles, headings and questions, where it names what an article is about; in
            // bodies a common synonym ("shipping" for "delivery") would add a long list to
            // every such search and move little (the articles holding it still match).
            let typed = &words[i..i + len];
            for member in &group {
                let as_typed = member[..] == *typed;
                let (weight, how) = match as_typed {
                    true => (1.0, "word"),
                    false => (SYNONYM / member.len().max(1) as f32, "synonym"),
                };
                for word in member {
                    let stem = analyzer.stem(word);
                    match as_typed {
                        true => ranking.add(&stem, weight),
                        false => ranking.add_short(&stem, weight),
                    }
                    origin(&stem, &|| typed.join(" "), word, how);
                }
            }
            // A member of several words ("money back") is marked only where it stands whole:
            // its words alone ("comes back used") are no answer.
            for member in &group {
                match member.len() {
                    1 => marked.extend(member.iter().cloned()),
                    _ => phrases_marked.push(member.clone()),
                }
            }
            i += len;
            continue;
        }
        let word = &words[i];
        let expanded = expander.expand(word, last && parsed.last_is_prefix);
        let mut stems: Vec<String> = Vec::new();
        // Stop words count in titles and questions ("How long does a refund take?"), where
        // they tell a question from one that merely shares its words; in bodies they have the
        // longest posting lists of all and barely move a score, so ranking skips them there.
        let only_short = is_stop_word(word);
        for (variant, weight, how) in &expanded {
            let stem = analyzer.stem(variant);
            origin(&stem, &|| word.clone(), variant, how);
            if !stems.contains(&stem) {
                if only_short {
                    ranking.add_short(&stem, *weight);
                } else {
                    ranking.add(&stem, *weight);
                }
                stems.push(stem);
            }
        }
        // A stop word only ranks: it never decides whether an article matches.
        if !is_stop_word(word) {
            typed.extend(stems.first().cloned());
            required.push(stems.iter().map(|stem| vec![stem.clone()]).collect());
            marked.extend(expanded.into_iter().map(|(w, _, _)| w));
        }
        i += 1;
    }
    let mut phrases: Vec<Phrase> = Vec::new();
    for phrase in &parsed.phrases {
        // A phrase of stop words only ("the to") says nothing about what is wanted, and
        // checking it would read the positions of nearly every document.
        if phrase.iter().all(|w| is_stop_word(w)) {
            continue;
        }
        phrases.push(phrase_query(phrase, analyzer, fields));
        for word in phrase {
            let stem = analyzer.stem(word);
            ranking.add(&stem, 1.0);
            origin(&stem, &|| phrase.join(" "), word, "phrase");
        }
        marked.extend(phrase.iter().cloned());
    }
    // Only stop words ("where is my", "how do i"): nothing says what the shopper is after,
    // and any article would be a guess; the zero-result answer serves them better.
    if required.is_empty() && phrases.is_empty() {
        return None;
    }
    let needed = match required.len() {
        n @ 0..=2 => n,
        n => n - n / 3,
    };
    Some(Built {
        clauses: required,
        needed,
        phrases,
        excluded: parsed.excluded.iter().map(|w| analyzer.stem(w)).collect(),
        ranking: ranking.articles,
        anchors: ranking.anchors,
        typed,
        words: marked,
        phrases_marked,
        origins,
        phrasings,
        asks_for_support,
        intents,
    })
}

/// The synonyms of the longest group member that starts at `words[i]`, and how many words it
/// covers. A member of several groups (book.toml's and the vocabulary's) has all their members.
fn synonym_at(
    words: &[String],
    i: usize,
    synonyms: &[SynonymGroup],
) -> Option<(SynonymGroup, usize)> {
    let at = |member: &Vec<String>| {
        !member.is_empty()
            && words.len() >= i + member.len()
            && words[i..i + member.len()] == member[..]
    };
    let len = synonyms
        .iter()
        .flatten()
        .filter(|member| at(member))
        .map(Vec::len)
        .max()?;
    let mut merged: SynonymGroup = Vec::new();
    for group in synonyms {
        if group.iter().any(|member| member.len() == len && at(member)) {
            for member in group {
                if !merged.contains(member) {
                    merged.push(member.clone());
                }
            }
        }
    }
    Some((merged, len))
}

/// What a phrasing of the shopper vocabulary stands for counts as much as a typed word.
const MEANING: f32 = 1.0;

/// A word clause: any of its members, each all of its stems (a word and its typo
/// corrections and completions are one-stem members; a synonym like "money back" has two).
pub type Clause = Vec<Vec<String>>;

/// The ranking under construction: weighted stems for the articles' parts, and a flat
/// union (no nesting, so that Tantivy can prune) for their sections' fields.
struct Ranking {
    /// The parts articles are ranked on, with their weights…
    article_parts: [(Part, f32); 3],
    /// …and the fields a found article's sections are ranked on.
    section_fields: [(Field, f32); 2],
    articles: Terms<Part>,
    anchors: Terms<Field>,
}

/// (part or field, stem) -> weight; a stem reached twice counts at its best weight.
type Terms<F> = Vec<(F, String, f32)>;

impl Ranking {
    fn new(fields: &Fields) -> Ranking {
        Ranking {
            article_parts: [
                (Part::Title, TITLE),
                (Part::Topics, HEADING),
                (Part::Text, TEXT),
            ],
            section_fields: [(fields.heading, HEADING), (fields.body, TEXT)],
            articles: Vec::new(),
            anchors: Vec::new(),
        }
    }

    /// The stem in every field.
    fn add(&mut self, stem: &str, weight: f32) {
        add_to(&mut self.articles, &self.article_parts, stem, weight);
        add_to(&mut self.anchors, &self.section_fields, stem, weight);
    }

    /// The stem in titles, headings and questions only.
    fn add_short(&mut self, stem: &str, weight: f32) {
        add_to(&mut self.articles, &self.article_parts[..2], stem, weight);
        add_to(&mut self.anchors, &self.section_fields[..1], stem, weight);
    }
}

fn add_to<F: Copy + PartialEq>(terms: &mut Terms<F>, to: &[(F, f32)], stem: &str, weight: f32) {
    for &(field, field_weight) in to {
        let weight = field_weight * weight;
        match terms.iter_mut().find(|(f, s, _)| *f == field && s == stem) {
            Some(existing) => existing.2 = existing.2.max(weight),
            None => terms.push((field, stem.to_string(), weight)),
        }
    }
}

/// The words a typed word stands for, with how much each counts: itself, and when the index
/// does not know it, the known words a typo away; for the last word, what it may be the
/// start of. The same whatever the language, so one search works each word out once however
/// many languages and readings it tries.
pub struct Expander<'a> {
    lexicon: &'a Lexicon,
    /// Words looked up in the lexicon, and whether it has them.
    known: std::cell::RefCell<rustc_hash::FxHashMap<String, bool>>,
    /// How many words were looked up with two typos: past [`TWO_TYPO_WORDS`], one.
    two_typo_words: std::cell::Cell<usize>,
    /// (word, whether it may be unfinished) -> its expansions.
    done: std::cell::RefCell<rustc_hash::FxHashMap<(String, bool), Expansions>>,
}

/// Words with how much each counts and how each stands for the word typed (`word`, `typo`,
/// `prefix`, `compound`).
type Expansions = Vec<(String, f32, &'static str)>;

impl<'a> Expander<'a> {
    pub fn new(lexicon: &'a Lexicon) -> Expander<'a> {
        Expander {
            lexicon,
            two_typo_words: std::cell::Cell::new(0),
            known: Default::default(),
            done: Default::default(),
        }
    }

    /// Whether `word` (folded) is a word of the help center, looked up once per search.
    fn is_known(&self, word: &str) -> bool {
        if let Some(&known) = self.known.borrow().get(word) {
            return known;
        }
        let known = self.lexicon.contains(word);
        self.known.borrow_mut().insert(word.to_string(), known);
        known
    }

    fn expand(&self, word: &str, prefix: bool) -> Expansions {
        let key = (word.to_string(), prefix);
        if let Some(done) = self.done.borrow().get(&key) {
            return done.clone();
        }
        // A word of 8+ letters the help center does not have is looked up with two typos,
        // while the query has had fewer than TWO_TYPO_WORDS such look-ups.
        let two = self.two_typo_words.get();
        let most = if two < TWO_TYPO_WORDS { 2 } else { 1 };
        let folded = fold(word);
        let known = self.is_known(&folded);
        if most == 2 && typos_allowed(folded.chars().count()) == 2 && !known {
            self.two_typo_words.set(two + 1);
        }
        let expanded = expansions(word, &folded, known, self.lexicon, prefix, most);
        self.done.borrow_mut().insert(key, expanded.clone());
        expanded
    }
}

/// First parts that make words without being words themselves: Russian авто- and само-
/// (`автопродление`, `самовывоз`), and their English kin.
const BOUND_PARTS: [&str; 4] = ["авто", "само", "auto", "self"];

/// How many words of one query are looked up with two typos; the rest with one.
const TWO_TYPO_WORDS: usize = 4;

/// `folded` is `word` folded, `known` whether the lexicon has it.
fn expansions(
    word: &str,
    folded: &str,
    known: bool,
    lexicon: &Lexicon,
    prefix: bool,
    most_typos: usize,
) -> Expansions {
    let mut out = vec![(word.to_string(), 1.0, "word")];
    // A word made with a bound first part the help center does not have run together
    // (`автопродление`): its second part, as known (`продление`), stands for it.
    if !known
        && let Some(rest) = BOUND_PARTS
            .iter()
            .find_map(|part| folded.strip_prefix(part))
            .filter(|rest| rest.chars().count() >= 4 && lexicon.contains(rest))
    {
        out.push((rest.to_string(), COMPLETION, "compound"));
    }
    if !known && folded.chars().count() <= LONGEST_CORRECTED {
        for (similar, typos) in lexicon.similar_within(folded, EXPANSIONS, most_typos) {
            let weight = if typos == 1 { ONE_TYPO } else { TWO_TYPOS };
            out.push((similar.to_string(), weight, "typo"));
        }
    }
    if prefix && folded.chars().count() >= 2 {
        for completion in lexicon.completions(folded, EXPANSIONS) {
            out.push((completion.to_string(), COMPLETION, "prefix"));
        }
    }
    out
}

/// A quoted phrase as searched: its stems, and the query that finds them in this order.
pub struct Phrase {
    pub stems: Vec<String>,
    pub query: Box<dyn Query>,
}

/// A quoted phrase: its words in this order in a title, heading or body (of any section).
fn phrase_query(phrase: &[String], analyzer: &Analyzer, fields: &Fields) -> Phrase {
    let stems: Vec<String> = phrase.iter().map(|w| analyzer.stem(w)).collect();
    let in_field = |field| -> (Occur, Box<dyn Query>) {
        let terms = stems
            .iter()
            .map(|s| Term::from_field_text(field, s))
            .collect();
        (Occur::Should, Box::new(PhraseQuery::new(terms)))
    };
    let query = Box::new(BooleanQuery::new(vec![
        in_field(fields.title),
        in_field(fields.heading),
        in_field(fields.body),
    ]));
    Phrase { stems, query }
}

#[cfg(test)]
mod tests;
