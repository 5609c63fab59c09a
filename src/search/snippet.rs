//! Snippets: the passage of a hit with the most query words, as HTML with `<mark>` around
//! each matched word and everything else escaped.

use std::collections::HashSet;

use super::analyze::{Analyzer, fold, words};
use crate::markdown::escape;

/// Longest snippet, in characters of text.
const MAX_CHARS: usize = 180;

/// Decides whether a word of the text matches the query, the way the index did.
pub struct Matcher {
    analyzer: Analyzer,
    stems: HashSet<String>,
    prefix: Option<String>,
}

impl Matcher {
    pub fn new(analyzer: Analyzer, query_words: &[String], prefix: Option<&str>) -> Matcher {
        let stems = query_words.iter().map(|w| analyzer.stem(w)).collect();

        Matcher {
            analyzer,
            stems,
            prefix: prefix
                .map(|p| fold(p).into_owned())
                .filter(|p| p.chars().count() >= 2),
        }
    }

    fn matches(&self, lower: &str) -> bool {
        let folded = fold(lower);
        // Typos were already expanded into the indexed words they stand for (the query words
        // given here), so matching stems is enough; only the unfinished last word needs more.
        self.stems.contains(&self.analyzer.stem(lower))
            || self
                .prefix
                .as_ref()
                .is_some_and(|p| folded.starts_with(p.as_str()))
    }
}

/// The best passage of `text` for the query, with matches marked. Falls back to the start of
/// the text when no word matches.
pub fn snippet(text: &str, matcher: &Matcher) -> String {
    let found = words(text);
    if found.is_empty() {
        return escape(&text.chars().take(MAX_CHARS).collect::<String>());
    }
    let matched: Vec<bool> = found.iter().map(|w| matcher.matches(&w.lower)).collect();
    // The window of words that fits MAX_CHARS with the most matches (distinct words count more).
    let mut best = (0usize, 0usize, 0usize); // (score, first word, last word)
    let mut end = 0;
    for start in 0..found.len() {
        end = end.max(window_end_from(&found, start, end));
        let mut seen = HashSet::new();
        let mut score = 0;
        for i in start..=end {
            if matched[i] {
                score += if seen.insert(found[i].lower.as_str()) {
                    3
                } else {
                    1
                };
            }
        }
        if score > best.0 {
            best = (score, start, end);
        }
    }
    let (_, first, last) = best;
    let (first, last) = if best.0 == 0 {
        (0, window_end_from(&found, 0, 0))
    } else {
        (first, last)
    };
    let from = found[first].from;
    let to = found[last].to;
    let mut html = String::new();
    if from > 0 {
        html.push('…');
    }
    let mut cursor = from;
    for (i, word) in found.iter().enumerate().take(last + 1).skip(first) {
        html.push_str(&escape(&text[cursor..word.from]));
        if matched[i] {
            html.push_str("<mark>");
            html.push_str(&escape(&text[word.from..word.to]));
            html.push_str("</mark>");
        } else {
            html.push_str(&escape(&text[word.from..word.to]));
        }
        cursor = word.to;
    }
    // Closing punctuation of the last word (`refund.`) reads better than a cut.
    let tail: String = text[to..]
        .chars()
        .take_while(|c| !c.is_alphanumeric() && !c.is_whitespace())
        .collect();
    html.push_str(&escape(&tail));
    if to + tail.len() < text.trim_end().len() {
        html.push('…');
    }
    html
}

/// The last word of the window starting at `start` (searching on from `end`).
fn window_end_from(found: &[super::analyze::Word], start: usize, end: usize) -> usize {
    let mut end = end.max(start);
    while end + 1 < found.len() && found[end + 1].to - found[start].from <= MAX_CHARS {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &[&str], prefix: Option<&str>) -> String {
        let words: Vec<String> = query.iter().map(|w| w.to_string()).collect();
        snippet(
            text,
            &Matcher::new(Analyzer::for_lang("en"), &words, prefix),
        )
    }

    #[test]
    fn matched_words_are_marked_and_the_rest_escaped() {
        let html = marked(
            "Refunds <b>reach</b> you in 14 days & more.",
            &["refund"],
            None,
        );
        assert_eq!(
            html,
            "<mark>Refunds</mark> &lt;b&gt;reach&lt;/b&gt; you in 14 days &amp; more."
        );
    }

    #[test]
    fn typos_stems_and_prefixes_are_marked() {
        // The engine passes typo corrections ("parcl" -> "parcel") along with the query words.
        let html = marked(
            "We shipped your parcel yesterday.",
            &["shipping", "parcl", "parcel"],
            Some("yest"),
        );
        assert_eq!(
            html,
            "We <mark>shipped</mark> your <mark>parcel</mark> <mark>yesterday</mark>."
        );
    }

    #[test]
    fn the_passage_with_the_matches_is_chosen() {
        let text = format!(
            "{} The refund arrives within 14 days. {}",
            "Intro words here. ".repeat(20),
            "Closing words. ".repeat(20)
        );
        let html = marked(&text, &["refund"], None);
        assert!(html.starts_with('…'), "{html}");
        assert!(html.contains("<mark>refund</mark>"), "{html}");
        assert!(html.chars().count() < 260, "{html}");
    }
}
