//! Shopper text -> a Tantivy query. Only two things in the text mean anything beyond words:
//! `"an exact phrase"` and `-excluded` words; everything else (`title:`, `*`, `(`, `~`, an
//! unbalanced quote) is plain text.
//!
//! Each word matches its stem in the title (weight 4), headings and questions (2.5), tags (2)
//! and body (1); words of 4+ letters also match with one typo (8+: two) and the last word also
//! as the start of a word (search as you type). Synonym groups from book.toml stand in for
//! each other. Most words must match (all of one or two, all but one of three or four…); stop
//! words never have to.

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::analyze::{Analyzer, fold, is_stop_word, words};
use super::index::Fields;
use super::lexicon::Lexicon;

const TITLE: f32 = 4.0;
const HEADING: f32 = 2.5;
const TAGS: f32 = 2.0;
const BODY: f32 = 1.0;
/// A word one typo away from what was typed counts this much of a real match (two typos: less).
const ONE_TYPO: f32 = 0.6;
const TWO_TYPOS: f32 = 0.35;
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
}

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
    parsed
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

/// A synonym group, each member as its words (lowercased).
pub type SynonymGroup = Vec<Vec<String>>;

/// The query for one language, in its strict and (when different) loose form.
pub struct Built {
    /// Most of the words must match (all of one or two, all but one of three or four…).
    pub strict: Box<dyn Query>,
    /// Any one word may match; `None` when that is the strict query already (one word).
    pub loose: Option<Box<dyn Query>>,
    /// Every word a hit may contain for this query (typed words, their typo corrections and
    /// completions, phrase and synonym words), for marking snippets.
    pub words: Vec<String>,
}

/// Builds the query for one language. `None` when there is nothing to search for.
pub fn build(
    parsed: &Parsed,
    analyzer: &Analyzer,
    fields: &Fields,
    synonyms: &[SynonymGroup],
    lexicon: &Lexicon,
) -> Option<Built> {
    let mut required: Vec<Box<dyn Query>> = Vec::new();
    let mut optional: Vec<Box<dyn Query>> = Vec::new();
    let mut marked: Vec<String> = Vec::new();
    let mut optional_marked: Vec<String> = Vec::new();
    let mut i = 0;
    let words = &parsed.words;
    while i < words.len() {
        let last = i + 1 == words.len();
        if let Some((group, len)) = synonym_at(words, i, synonyms) {
            let members: Vec<(Occur, Box<dyn Query>)> = group
                .iter()
                .filter_map(|member| member_query(member, analyzer, fields))
                .map(|q| (Occur::Should, q))
                .collect();
            required.push(Box::new(BooleanQuery::new(members)));
            marked.extend(group.iter().flatten().cloned());
            i += len;
            continue;
        }
        let word = &words[i];
        let expanded = expansions(word, lexicon, last && parsed.last_is_prefix);
        let clause = word_query(&expanded, analyzer, fields);
        let variants = expanded.into_iter().map(|(w, _)| w);
        if is_stop_word(word) && words.len() > 1 {
            optional.push(clause);
            optional_marked.extend(variants);
        } else {
            required.push(clause);
            marked.extend(variants);
        }
        i += 1;
    }
    for phrase in &parsed.phrases {
        if let Some(q) = member_query(phrase, analyzer, fields) {
            required.push(q);
            marked.extend(phrase.iter().cloned());
        }
    }
    if required.is_empty() {
        // Only stop words: search for them after all.
        required = std::mem::take(&mut optional);
        marked = optional_marked;
    }
    if required.is_empty() {
        return None;
    }
    let needed = match required.len() {
        n @ 0..=2 => n,
        n => n - n / 3,
    };
    let excluded: Vec<String> = parsed.excluded.iter().map(|w| analyzer.stem(w)).collect();
    let loose = (needed > 1).then(|| {
        assemble(
            clone_all(&required),
            1,
            clone_all(&optional),
            &excluded,
            fields,
        )
    });
    Some(Built {
        strict: assemble(required, needed, optional, &excluded, fields),
        loose,
        words: marked,
    })
}

fn clone_all(queries: &[Box<dyn Query>]) -> Vec<Box<dyn Query>> {
    queries.iter().map(|q| q.box_clone()).collect()
}

/// `needed` of the `required` clauses must match; `optional` ones only add to the score.
fn assemble(
    required: Vec<Box<dyn Query>>,
    needed: usize,
    optional: Vec<Box<dyn Query>>,
    excluded: &[String],
    fields: &Fields,
) -> Box<dyn Query> {
    let needed = needed.min(required.len()).max(1);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // All words required is an intersection and any one a union, both of which Tantivy
    // prunes with block-max WAND; "m of n" needs its slower counting disjunction.
    if needed == required.len() {
        clauses.extend(required.into_iter().map(|q| (Occur::Must, q)));
    } else if needed == 1 {
        let any: Vec<(Occur, Box<dyn Query>)> =
            required.into_iter().map(|q| (Occur::Should, q)).collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    } else {
        let some: Vec<(Occur, Box<dyn Query>)> =
            required.into_iter().map(|q| (Occur::Should, q)).collect();
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::with_minimum_required_clauses(some, needed)),
        ));
    }
    clauses.extend(optional.into_iter().map(|q| (Occur::Should, q)));
    for stem in excluded {
        for field in [fields.title, fields.heading, fields.tags, fields.body] {
            clauses.push((Occur::MustNot, term(field, stem)));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A synonym group member that starts at `words[i]`, and how many words it covers.
fn synonym_at<'a>(
    words: &[String],
    i: usize,
    synonyms: &'a [SynonymGroup],
) -> Option<(&'a SynonymGroup, usize)> {
    synonyms
        .iter()
        .flat_map(|group| group.iter().map(move |member| (group, member)))
        .filter(|(_, member)| {
            !member.is_empty()
                && words.len() >= i + member.len()
                && words[i..i + member.len()] == member[..]
        })
        .max_by_key(|(_, member)| member.len())
        .map(|(group, member)| (group, member.len()))
}

fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(query, boost)))
}

/// The words a typed word stands for, with how much each counts: itself, and when the index
/// does not know it, the known words a typo away; for the last word, what it may be the
/// start of.
fn expansions(word: &str, lexicon: &Lexicon, prefix: bool) -> Vec<(String, f32)> {
    let folded = fold(word).into_owned();
    let mut out = vec![(word.to_string(), 1.0)];
    if !lexicon.contains(&folded) {
        for (similar, typos) in lexicon.similar(&folded, EXPANSIONS) {
            out.push((
                similar.to_string(),
                if typos == 1 { ONE_TYPO } else { TWO_TYPOS },
            ));
        }
    }
    if prefix && folded.chars().count() >= 2 {
        for completion in lexicon.completions(&folded, EXPANSIONS) {
            out.push((completion.to_string(), COMPLETION));
        }
    }
    out
}

/// One word: the stem of it and of each expansion, in every field, by field weight.
fn word_query(expanded: &[(String, f32)], analyzer: &Analyzer, fields: &Fields) -> Box<dyn Query> {
    let mut seen = std::collections::HashSet::new();
    let mut clauses = Vec::new();
    for (variant, weight) in expanded {
        let weight = *weight;
        let stem = analyzer.stem(variant);
        if !seen.insert(stem.clone()) {
            continue;
        }
        clauses.push(boosted(term(fields.title, &stem), TITLE * weight));
        clauses.push(boosted(term(fields.heading, &stem), HEADING * weight));
        clauses.push(boosted(term(fields.tags, &stem), TAGS * weight));
        clauses.push(boosted(term(fields.body, &stem), BODY * weight));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A synonym member or quoted phrase: one word is a word query without typos, several a phrase.
fn member_query(member: &[String], analyzer: &Analyzer, fields: &Fields) -> Option<Box<dyn Query>> {
    match member {
        [] => None,
        [word] => {
            let stem = analyzer.stem(word);
            Some(Box::new(BooleanQuery::new(vec![
                boosted(term(fields.title, &stem), TITLE),
                boosted(term(fields.heading, &stem), HEADING),
                boosted(term(fields.tags, &stem), TAGS),
                boosted(term(fields.body, &stem), BODY),
            ])))
        }
        words => {
            let stems: Vec<String> = words.iter().map(|w| analyzer.stem(w)).collect();
            let phrase = |field, boost| {
                let terms = stems
                    .iter()
                    .map(|s| Term::from_field_text(field, s))
                    .collect();
                boosted(Box::new(PhraseQuery::new(terms)), boost)
            };
            Some(Box::new(BooleanQuery::new(vec![
                phrase(fields.title, TITLE),
                phrase(fields.heading, HEADING),
                phrase(fields.body, BODY),
            ])))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_and_exclusions() {
        let p = parse("\"money back\" refund -gift");
        assert_eq!(
            p.phrases,
            vec![vec!["money".to_string(), "back".to_string()]]
        );
        assert_eq!(p.words, ["refund"]);
        assert_eq!(p.excluded, ["gift"]);
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        let p = parse("title:refund* (card) ~x \"unbalanced");
        assert_eq!(p.words, ["title", "refund", "card", "x", "unbalanced"]);
        assert!(p.phrases.is_empty());
        assert!(p.excluded.is_empty());
    }

    #[test]
    fn trailing_space_means_the_last_word_is_finished() {
        assert!(parse("refu").last_is_prefix);
        assert!(!parse("refund ").last_is_prefix);
        assert!(!parse("\"money back\"").last_is_prefix);
    }

    #[test]
    fn a_lone_dash_is_not_an_exclusion() {
        let p = parse("a - b");
        assert!(p.excluded.is_empty());
        assert_eq!(p.words, ["a", "b"]);
    }
}
