//! The shopper vocabulary: phrasings shoppers use for what articles call by another name
//! ("where is my parcel" means tracking; "talk to a human" asks for the support contact), per
//! language. Built in (`vocabulary.toml`, beside this file), switched off or added to in
//! book.toml's `[search]`. A phrasing found in a query adds what it means to the query's
//! words; see `query::build`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::analyze::{Analyzer, fold, is_stop_word, words};
use super::lexicon::{distance_within, typos_allowed};
use super::query::SynonymGroup;
// An entry as written: `[[search.phrasing]]` in book.toml, `[[<lang>.phrasing]]` in the data
// file.
use crate::config::Phrasing as PhrasingSource;

/// The built-in vocabulary's source.
const BUILT_IN: &str = include_str!("vocabulary.toml");

/// One language's part of the data file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageSource {
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    #[serde(default)]
    slots: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    phrasing: Vec<PhrasingSource>,
}

/// One way of asking, as words to match.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrasing {
    /// Lowercased words, in order.
    pub words: Vec<String>,
    /// Their stems in the phrasing's language (set once the vocabulary is indexed).
    stems: Vec<String>,
    /// For each word, whether it is the thing asked about (a slot's word, kept as a query word).
    pub slot: Vec<bool>,
    /// Whether it has a slot.
    pub has_slot: bool,
    /// What the shopper asks about, searched as typed: the slot's words, or, without a slot,
    /// the phrasing's words that are not stop words ("money back").
    pub asked: Vec<String>,
    /// What articles call it: alternatives, each as its lowercased words.
    pub means: Vec<Vec<String>>,
    pub support: bool,
    /// What it asks, the same in every language (`delete-account`); empty when not said.
    pub intent: Arc<str>,
    /// The entry as written (`where is? my|the {order}`), for `--explain`.
    pub written: Arc<str>,
}

/// The phrasings and synonyms of every language.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    phrasings: BTreeMap<String, Vec<Phrasing>>,
    /// Per language, the phrasings by their first word: a query word is looked up rather than
    /// compared with every phrasing (this runs for every word of every search).
    firsts: BTreeMap<String, FirstWords>,
    synonyms: Vec<SynonymGroup>,
}

/// One language's phrasings by first word: by stem (the same word has the same stem), and
/// the words' letters (folded) for typos.
#[derive(Debug, Default, Clone)]
struct FirstWords {
    by_stem: FxHashMap<String, Vec<usize>>,
    letters: Vec<(Vec<char>, Vec<usize>)>,
}

impl FirstWords {
    /// The phrasings whose first word `typed` is: the same word, the same stem, or (when
    /// `typed` is not a word of the help center) a typo of it.
    fn of(&self, typed: &str, analyzer: &Analyzer, is_known: &dyn Fn(&str) -> bool) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        analyzer.with_stem(typed, |stem| {
            found.extend(self.by_stem.get(stem).into_iter().flatten());
        });
        let folded = fold(typed);
        if is_known(&folded) {
            return found;
        }
        let chars: Vec<char> = folded.chars().collect();
        for (letters, ids) in &self.letters {
            if within_typos(letters, &chars) {
                found.extend(ids);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Where a phrasing stands in a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub phrasing: &'a Phrasing,
    /// How many query words it covers, from where it was looked for.
    pub len: usize,
    /// The query's words that stand in its slots (the thing asked about), as typed.
    pub slot_words: Vec<String>,
}

impl Vocabulary {
    /// The built-in vocabulary (unless `built_in` is false) with a help center's own phrasings;
    /// `default_lang` is the language of those that name none.
    pub fn new(built_in: bool, own: &[PhrasingSource], default_lang: &str) -> Vocabulary {
        let mut vocabulary = match built_in {
            true => built_in_vocabulary().clone(),
            false => Vocabulary::default(),
        };
        if own.is_empty() {
            return vocabulary;
        }
        let no_slots = BTreeMap::new();
        for source in own {
            let lang = match source.lang.as_str() {
                "" => default_lang,
                lang => lang,
            };
            vocabulary
                .phrasings
                .entry(lang.to_string())
                .or_default()
                .extend(expand(source, &no_slots));
        }
        vocabulary.index_first_words();
        vocabulary
    }

    /// Notes each phrasing's stems, and indexes every language's phrasings by first word.
    fn index_first_words(&mut self) {
        self.firsts.clear();
        for (lang, phrasings) in &mut self.phrasings {
            let analyzer = Analyzer::for_lang(lang);
            let mut firsts = FirstWords::default();
            let mut by_letters: BTreeMap<Vec<char>, Vec<usize>> = BTreeMap::new();
            for (n, phrasing) in phrasings.iter_mut().enumerate() {
                phrasing.stems = phrasing.words.iter().map(|w| analyzer.stem(w)).collect();
                let (Some(first), Some(stem)) = (phrasing.words.first(), phrasing.stems.first())
                else {
                    continue;
                };
                firsts.by_stem.entry(stem.clone()).or_default().push(n);
                by_letters
                    .entry(fold(first).chars().collect())
                    .or_default()
                    .push(n);
            }
            firsts.letters = by_letters.into_iter().collect();
            self.firsts.insert(lang.clone(), firsts);
        }
    }

    /// The intents of `lang`'s phrasings, each once.
    pub fn intents(&self, lang: &str) -> Vec<&Arc<str>> {
        let mut intents: Vec<&Arc<str>> = self
            .phrasings(lang)
            .iter()
            .map(|p| &p.intent)
            .filter(|intent| !intent.is_empty())
            .collect();
        intents.sort();
        intents.dedup();
        intents
    }

    /// What articles in `lang` call what `intent` asks: the meanings of its first phrasing
    /// there (each alternative as its lowercased words); empty when `lang` has none.
    pub fn meanings(&self, lang: &str, intent: &str) -> &[Vec<String>] {
        self.phrasings(lang)
            .iter()
            .find(|p| !intent.is_empty() && &*p.intent == intent)
            .map_or(&[], |p| &p.means)
    }

    /// The synonym groups of every language, each member as its lowercased words.
    pub fn synonyms(&self) -> &[SynonymGroup] {
        &self.synonyms
    }

    /// Every phrasing of `lang` (for `--explain` and tests).
    pub fn phrasings(&self, lang: &str) -> &[Phrasing] {
        self.phrasings.get(lang).map_or(&[], Vec::as_slice)
    }

    /// The longest phrasing of `lang` that starts at `words[at]` (words as the query parser
    /// gives them: lowercased). A word matches a phrasing's word when it is the same, has
    /// the same stem, or, when it is no word of the help center (`is_known`, folded), is
    /// within the typos its length allows: a word spelt right is never read as another. A
    /// one-word phrasing counts only when it is all the query holds besides stop words.
    pub fn find<'a>(
        &'a self,
        lang: &str,
        words: &[String],
        at: usize,
        analyzer: &Analyzer,
        is_alone: bool,
        is_known: &dyn Fn(&str) -> bool,
    ) -> Option<Found<'a>> {
        let rest = words.get(at..)?;
        let first = rest.first()?;
        let phrasings = self.phrasings(lang);
        let candidates = self.firsts.get(lang)?.of(first, analyzer, is_known);
        if candidates.is_empty() {
            return None;
        }
        // The words after the first, read once for all the candidates and only as far as
        // one is compared: their stems, and whether each is a word of the help center (then
        // it is never read as a typo).
        let typed: Vec<std::cell::OnceCell<(String, bool)>> =
            rest.iter().map(|_| std::cell::OnceCell::new()).collect();
        let read = |i: usize| {
            typed[i].get_or_init(|| (analyzer.stem(&rest[i]), is_known(&fold(&rest[i]))))
        };
        // Where each of a phrasing's words stands in the query, when it is there: in order,
        // with at most SKIPPED stop words the phrasing does not have between them ("kus mu
        // pakk on" is "kus {order} on", "where is the parcel now" "where is {order}").
        let place = |p: &Phrasing| -> Option<Vec<usize>> {
            let mut at = vec![0];
            let mut next = 1;
            let mut skipped = 0;
            for i in 1..p.words.len() {
                loop {
                    let typed = rest.get(next)?;
                    let same = p.words[i] == *typed || {
                        let (stem, known) = read(next);
                        p.stems.get(i) == Some(stem) || (!known && is_typo_of(&p.words[i], typed))
                    };
                    if same {
                        at.push(next);
                        next += 1;
                        break;
                    }
                    if skipped == SKIPPED || !is_stop_word(typed) {
                        return None;
                    }
                    skipped += 1;
                    next += 1;
                }
            }
            Some(at)
        };
        candidates
            .into_iter()
            .filter_map(|n| phrasings.get(n))
            .filter(|p| p.words.len() <= rest.len() && (p.words.len() > 1 || is_alone))
            .filter_map(|p| Some((p, place(p)?)))
            .max_by_key(|(p, _)| p.words.len())
            .map(|(phrasing, at)| Found {
                phrasing,
                len: at.last().map_or(1, |last| last + 1),
                slot_words: phrasing
                    .slot
                    .iter()
                    .zip(&at)
                    .filter(|(slot, _)| **slot)
                    .map(|(_, &n)| rest[n].clone())
                    .collect(),
            })
    }
}

/// How many stop words a phrasing may pass over in a query.
const SKIPPED: usize = 2;

/// Whether a typed word is a typo of a phrasing's word: within the typos its length allows.
fn is_typo_of(want: &str, typed: &str) -> bool {
    let want: Vec<char> = fold(want).chars().collect();
    let typed: Vec<char> = fold(typed).chars().collect();
    within_typos(&want, &typed)
}

/// Whether two words (as letters) are within the typos the shorter one's length allows.
fn within_typos(a: &[char], b: &[char]) -> bool {
    let allowed = typos_allowed(a.len().min(b.len()));
    allowed > 0 && a.len().abs_diff(b.len()) <= allowed && distance_within(a, b, allowed).is_some()
}

/// The data file, parsed once per process.
fn built_in_vocabulary() -> &'static Vocabulary {
    static BUILT: OnceLock<Vocabulary> = OnceLock::new();
    BUILT.get_or_init(|| {
        // The file is part of the binary and checked by a test: it cannot fail here unless
        // the build itself is broken, and then searching goes on without it.
        let parsed: BTreeMap<String, LanguageSource> = toml::from_str(BUILT_IN).unwrap_or_default();
        let mut vocabulary = Vocabulary::default();
        for (lang, source) in parsed {
            let phrasings = source
                .phrasing
                .iter()
                .flat_map(|p| expand(p, &source.slots))
                .collect();
            vocabulary.phrasings.insert(lang, phrasings);
            vocabulary.synonyms.extend(
                source
                    .synonyms
                    .iter()
                    .map(|group| group.iter().map(|member| lowered(member)).collect()),
            );
        }
        vocabulary.index_first_words();
        vocabulary
    })
}

/// A text's words as the query parser gives them.
fn lowered(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.lower).collect()
}

/// Every phrasing an entry's `asks` stand for: each word's alternatives (`a|b`, `{slot}`)
/// and optional words (`?`) spelt out.
fn expand(source: &PhrasingSource, slots: &BTreeMap<String, Vec<String>>) -> Vec<Phrasing> {
    let means: Vec<Vec<String>> = source
        .means
        .iter()
        .map(|m| lowered(m))
        .filter(|m| !m.is_empty())
        .collect();
    let mut out = Vec::new();
    for asks in &source.asks {
        // Each partial phrasing: (words, which are slot words).
        let mut partial: Vec<(Vec<String>, Vec<bool>)> = vec![(Vec::new(), Vec::new())];
        for token in asks.split_whitespace() {
            let (token, optional) = match token.strip_suffix('?') {
                Some(token) => (token, true),
                None => (token, false),
            };
            // Each alternative as its words, and whether they are a slot's.
            let mut choices: Vec<(Vec<String>, bool)> = Vec::new();
            for alternative in token.split('|') {
                match alternative
                    .strip_prefix('{')
                    .and_then(|a| a.strip_suffix('}'))
                {
                    Some(slot) => choices.extend(
                        slots
                            .get(slot)
                            .into_iter()
                            .flatten()
                            .map(|value| (lowered(value), true)),
                    ),
                    None => choices.push((lowered(alternative), false)),
                }
            }
            if optional {
                choices.push((Vec::new(), false));
            }
            partial = partial
                .iter()
                .flat_map(|(words, slot)| {
                    choices.iter().map(move |(choice, is_slot)| {
                        let mut words = words.clone();
                        let mut slot = slot.clone();
                        words.extend(choice.iter().cloned());
                        slot.extend(choice.iter().map(|_| *is_slot));
                        (words, slot)
                    })
                })
                .collect();
        }
        out.extend(
            partial
                .into_iter()
                .filter(|(words, _)| !words.is_empty())
                .map(|(words, slot)| {
                    let has_slot = slot.iter().any(|s| *s);
                    let asked = words
                        .iter()
                        .zip(&slot)
                        .filter(|(word, slot)| match has_slot {
                            true => **slot,
                            false => !is_stop_word(word),
                        })
                        .map(|(word, _)| word.clone())
                        .collect();
                    Phrasing {
                        stems: Vec::new(),
                        has_slot,
                        asked,
                        words,
                        slot,
                        means: means.clone(),
                        support: source.support,
                        intent: Arc::from(source.intent.as_str()),
                        written: Arc::from(asks.as_str()),
                    }
                }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_file_parses_and_has_every_language() {
        let parsed: BTreeMap<String, LanguageSource> =
            toml::from_str(BUILT_IN).expect("vocabulary.toml parses");
        for lang in ["en", "ru", "et"] {
            let source = &parsed[lang];
            assert!(!source.phrasing.is_empty(), "{lang} has phrasings");
            for phrasing in &source.phrasing {
                assert!(
                    !phrasing.means.is_empty(),
                    "{lang}: {:?} means something",
                    phrasing.asks
                );
                for asks in &phrasing.asks {
                    for slot in asks.split(['|', ' ', '?']).filter(|t| t.starts_with('{')) {
                        let name = slot.trim_matches(['{', '}']);
                        assert!(
                            source.slots.contains_key(name),
                            "{lang}: unknown slot {slot} in {asks:?}"
                        );
                    }
                }
            }
            assert!(
                source.phrasing.iter().any(|p| p.support),
                "{lang} has a way to ask for a person"
            );
        }
    }

    fn find(query: &str, lang: &str) -> Option<(String, Vec<String>)> {
        let vocabulary = Vocabulary::new(true, &[], "en");
        let words = lowered(query);
        let analyzer = Analyzer::for_lang(lang);
        (0..words.len()).find_map(|at| {
            vocabulary
                .find(lang, &words, at, &analyzer, words.len() == 1, &|_| false)
                .map(|found| (found.phrasing.means[0].join(" "), found.slot_words))
        })
    }

    #[test]
    fn phrasings_match_with_typos_other_endings_and_optional_words() {
        assert_eq!(
            find("wheres my pakage", "en"),
            Some(("track order".into(), vec!["pakage".into()]))
        );
        assert_eq!(
            find("where my parcel", "en"),
            Some(("track order".into(), vec!["parcel".into()]))
        );
        assert_eq!(
            find("где моя посылка", "ru"),
            Some(("отследить заказ".into(), vec!["посылка".into()]))
        );
        assert_eq!(
            find("kus on minu pakk", "et"),
            Some(("tellimust jälgida".into(), vec!["pakk".into()]))
        );
        assert_eq!(find("where is my invoice", "en"), None);
    }

    #[test]
    fn a_phrasing_passes_over_a_few_stop_words_it_does_not_have() {
        // "kus {order} on" with "mu" between.
        assert_eq!(
            find("kus mu pakk on", "et"),
            Some(("tellimust jälgida".into(), vec!["pakk".into()]))
        );
        // Content words are never passed over, nor more than two stop words.
        assert_eq!(find("kus vana pakk on", "et"), None);
        assert_eq!(find("wrong shoe address", "en"), None);
        assert_eq!(
            find("wrong the address", "en").map(|f| f.0),
            Some("change delivery address".into())
        );
        assert_eq!(find("wrong the a my address", "en"), None);
    }

    #[test]
    fn a_one_word_phrasing_counts_only_alone() {
        assert_eq!(find("human", "en").map(|f| f.0), Some("contact us".into()));
        assert_eq!(find("human resources policy", "en"), None);
    }

    #[test]
    fn a_help_center_adds_its_own_and_may_switch_the_built_in_off() {
        let own = [PhrasingSource {
            asks: vec!["gift wrap|wrapping".into()],
            means: vec!["packaging".into()],
            ..PhrasingSource::default()
        }];
        let off = Vocabulary::new(false, &own, "en");
        assert_eq!(off.phrasings("en").len(), 2);
        assert!(off.phrasings("ru").is_empty());
        assert!(off.synonyms().is_empty());
        let on = Vocabulary::new(true, &own, "en");
        assert!(on.phrasings("en").len() > 2);
    }
}
