//! The shopper vocabulary: phrasings shoppers use for what articles call by another name
//! ("where is my parcel" means tracking; "talk to a human" asks for the support contact), per
//! language. Built in (`vocabulary.toml`, beside this file), switched off or added to in
//! book.toml's `[search]`. A phrasing found in a query adds what it means to the query's
//! words; see `query::build`.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::analyze::{Analyzer, fold, words};
use super::lexicon::{distance_within, typos_allowed};
use super::stop_words::is_stop_word;
// An entry as written: `[[search.phrasing]]` in book.toml, `[[<lang>.phrasing]]` in the data
// file.
use crate::config::Phrasing as PhrasingSource;

/// A synonym group, each member as its words (lowercased).
pub type SynonymGroup = Vec<Vec<String>>;

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
    /// Per language, the phrasings as a tree of their words: a query is compared with each
    /// distinct word of the phrasings that start like it (this runs for every word of every
    /// search).
    trees: BTreeMap<String, Tree>,
    /// Per language, each intent's first phrasing (by number).
    intents: BTreeMap<String, BTreeMap<Arc<str>, usize>>,
    synonyms: Vec<SynonymGroup>,
}

/// One language's phrasings as a tree of their words: phrasings that start alike ("how long
/// does delivery take", "how long does shipping take", and the hundreds more their
/// alternatives spell out) share the path of those words, so a query is compared with each
/// distinct word once, not once per phrasing. The first words are also kept by stem.
#[derive(Debug, Default, Clone)]
struct Tree {
    /// `nodes[0]` is the root: its edges are the first words.
    nodes: Vec<Node>,
    /// The root's edges by stem (the same word has the same stem).
    firsts_by_stem: FxHashMap<String, Vec<usize>>,
}

#[derive(Debug, Default, Clone)]
struct Node {
    edges: Vec<Edge>,
    /// The phrasings whose last word leads here.
    ends: Vec<usize>,
}

/// A phrasing word leading from one node to the next.
#[derive(Debug, Clone)]
struct Edge {
    word: String,
    stem: String,
    /// The word's letters, folded, for typos.
    letters: Vec<char>,
    to: usize,
}

impl Tree {
    fn add(&mut self, n: usize, phrasing: &Phrasing) {
        if self.nodes.is_empty() {
            self.nodes.push(Node::default());
        }
        let mut at = 0;
        for (word, stem) in phrasing.words.iter().zip(&phrasing.stems) {
            let existing = self.nodes[at].edges.iter().find(|e| e.word == *word);
            at = match existing {
                Some(edge) => edge.to,
                None => {
                    let to = self.nodes.len();
                    self.nodes.push(Node::default());
                    if at == 0 {
                        let edge = self.nodes[0].edges.len();
                        self.firsts_by_stem
                            .entry(stem.clone())
                            .or_default()
                            .push(edge);
                    }
                    self.nodes[at].edges.push(Edge {
                        word: word.clone(),
                        stem: stem.clone(),
                        letters: fold(word).chars().collect(),
                        to,
                    });
                    to
                }
            };
        }
        self.nodes[at].ends.push(n);
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
        vocabulary.index_phrasings();
        vocabulary
    }

    /// Notes each phrasing's stems, puts every language's phrasings in its tree, and notes
    /// each intent's first phrasing.
    fn index_phrasings(&mut self) {
        self.trees.clear();
        self.intents.clear();
        for (lang, phrasings) in &mut self.phrasings {
            let analyzer = Analyzer::for_lang(lang);
            let mut tree = Tree::default();
            let mut intents = BTreeMap::new();
            for (n, phrasing) in phrasings.iter_mut().enumerate() {
                phrasing.stems = phrasing.words.iter().map(|w| analyzer.stem(w)).collect();
                if !phrasing.words.is_empty() {
                    tree.add(n, phrasing);
                }
                if !phrasing.intent.is_empty() {
                    intents.entry(Arc::clone(&phrasing.intent)).or_insert(n);
                }
            }
            self.trees.insert(lang.clone(), tree);
            self.intents.insert(lang.clone(), intents);
        }
    }

    /// The intents of `lang`'s phrasings, each once.
    pub fn intents(&self, lang: &str) -> impl Iterator<Item = &Arc<str>> {
        self.intents.get(lang).into_iter().flat_map(BTreeMap::keys)
    }

    /// What articles in `lang` call what `intent` asks: the meanings of its first phrasing
    /// there (each alternative as its lowercased words); empty when `lang` has none.
    pub fn meanings(&self, lang: &str, intent: &str) -> &[Vec<String>] {
        self.intents
            .get(lang)
            .and_then(|intents| intents.get(intent))
            .and_then(|&n| self.phrasings(lang).get(n))
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
    // Over 100 lines: one loop matching a phrasing word by word, with the three ways a word
    // may match side by side.
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
        let tree = self.trees.get(lang)?;
        let root = tree.nodes.first()?;
        // The first word: the same stem, or, when it is no word of the help center, a typo.
        let mut firsts: Vec<usize> = Vec::new();
        analyzer.with_stem(first, |stem| {
            firsts.extend(tree.firsts_by_stem.get(stem).into_iter().flatten());
        });
        let folded = fold(first);
        if !is_known(&folded) {
            let letters: Vec<char> = folded.chars().collect();
            for (n, edge) in root.edges.iter().enumerate() {
                if !firsts.contains(&n) && within_typos(&edge.letters, &letters) {
                    firsts.push(n);
                }
            }
        }
        if firsts.is_empty() {
            return None;
        }
        // The words after the first, read once and only as far as one is compared: their
        // stems, whether each is a word of the help center (then it is never read as a typo),
        // and their folded letters.
        let typed: Vec<std::cell::OnceCell<(String, bool, Vec<char>)>> =
            rest.iter().map(|_| std::cell::OnceCell::new()).collect();
        let read = |i: usize| {
            typed[i].get_or_init(|| {
                let folded = fold(&rest[i]);
                let known = is_known(&folded);
                (analyzer.stem(&rest[i]), known, folded.chars().collect())
            })
        };
        // Where the edge's word stands in the query from `next` on: the first place that
        // holds it, past at most the stop words `skipped` leaves (SKIPPED in all) that the
        // phrasing does not have ("kus mu pakk on" is "kus {order} on", "where is the parcel
        // now" "where is {order}").
        let place = |edge: &Edge, next: usize, skipped: usize| -> Option<(usize, usize)> {
            let mut at = next;
            let mut skipped = skipped;
            loop {
                let word = rest.get(at)?;
                let same = edge.word == *word || {
                    let (stem, known, letters) = read(at);
                    edge.stem == *stem || (!known && within_typos(&edge.letters, letters))
                };
                if same {
                    return Some((at, skipped));
                }
                if skipped == SKIPPED || !is_stop_word(word) {
                    return None;
                }
                skipped += 1;
                at += 1;
            }
        };
        // Walk the tree depth first from each first word, the query's places of the words so
        // far in `path`; the longest phrasing reached wins, and of equally long ones the last
        // in the vocabulary.
        let mut best: Option<(usize, usize, Vec<usize>)> = None;
        let mut path: Vec<usize> = Vec::new();
        // (node reached, the place of the word that reached it, stop words passed, words)
        let mut stack: Vec<(usize, usize, usize, usize)> = firsts
            .iter()
            .filter_map(|&n| root.edges.get(n))
            .map(|edge| (edge.to, 0, 0, 1))
            .collect();
        while let Some((node, at, skipped, depth)) = stack.pop() {
            path.truncate(depth - 1);
            path.push(at);
            let Some(node) = tree.nodes.get(node) else {
                continue;
            };
            if depth > 1 || is_alone {
                for &end in &node.ends {
                    if best
                        .as_ref()
                        .is_none_or(|(len, id, _)| (depth, end) > (*len, *id))
                    {
                        best = Some((depth, end, path.clone()));
                    }
                }
            }
            for edge in &node.edges {
                if let Some((at, skipped)) = place(edge, at + 1, skipped) {
                    stack.push((edge.to, at, skipped, depth + 1));
                }
            }
        }
        let (_, id, at) = best?;
        let phrasing = phrasings.get(id)?;
        Some(Found {
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
        vocabulary.index_phrasings();
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
mod tests;
