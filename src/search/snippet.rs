//! Snippets: the passage of a hit with the most query words, as HTML with `<mark>` around
//! each matched word and everything else escaped.

use super::analyze::{Analyzer, each_word_if, fold};
use crate::markdown::{escape, escape_into};

/// Longest snippet, in characters of text.
const MAX_CHARS: usize = 180;

/// Decides whether a word of the text matches the query, the way the index did.
pub struct Matcher {
    analyzer: Analyzer,
    /// The query words' stems (distinct).
    stems: Vec<String>,
    /// The first letter of each stem and of the prefix: a word starting with any other letter
    /// cannot match, which spares stemming most words of a text. (Stemmers change endings,
    /// never the first letter.)
    first_letters: Vec<char>,
    prefix: Option<String>,
}

impl Matcher {
    pub fn new(analyzer: Analyzer, query_words: &[String], prefix: Option<&str>) -> Matcher {
        let mut stems: Vec<String> = Vec::new();
        for word in query_words {
            let stem = analyzer.stem(word);
            if !stem.is_empty() && !stems.contains(&stem) {
                stems.push(stem);
            }
        }
        let prefix = prefix
            .map(|p| fold(p).into_owned())
            .filter(|p| p.chars().count() >= 2);
        let mut first_letters: Vec<char> = stems
            .iter()
            .chain(&prefix)
            .filter_map(|s| s.chars().next())
            .collect();
        first_letters.sort_unstable();
        first_letters.dedup();
        Matcher {
            analyzer,
            stems,
            first_letters,
            prefix,
        }
    }

    /// Which query word a word of the text (lowercased) matches: its stem's number, or the
    /// number after the last stem for the unfinished last word; `None` when it matches none.
    fn match_of(&self, lower: &str) -> Option<usize> {
        // Typos were already expanded into the indexed words they stand for (the query words
        // given here), so matching stems is enough; only the unfinished last word needs more.
        let stems = &self.stems;
        if let Some(n) = self
            .analyzer
            .with_stem(lower, |stem| stems.iter().position(|s| s == stem))
        {
            return Some(n);
        }
        self.prefix
            .as_ref()
            .filter(|p| fold(lower).starts_with(p.as_str()))
            .map(|_| self.stems.len())
    }

    /// Whether a word starting with this letter (lowercased, folded) may match.
    fn may_start(&self, letter: char) -> bool {
        self.first_letters.binary_search(&letter).is_ok()
    }

    fn distinct(&self) -> usize {
        self.stems.len() + 1
    }
}

/// A word of the text: its bytes and, when it matches, which query word.
struct Span {
    from: usize,
    to: usize,
    matched: Option<usize>,
}

/// The best passage of `text` for the query, with matches marked. Falls back to the start of
/// the text when no word matches.
pub fn snippet(text: &str, matcher: &Matcher) -> String {
    let mut found: Vec<Span> = Vec::new();
    each_word_if(
        text,
        |letter| matcher.may_start(letter),
        |from, to, lower| {
            found.push(Span {
                from,
                to,
                matched: lower.and_then(|lower| matcher.match_of(lower)),
            })
        },
    );
    if found.is_empty() {
        return escape(&text.chars().take(MAX_CHARS).collect::<String>());
    }
    let (first, last) = best_window(&found, matcher.distinct());
    let from = found[first].from;
    let to = found[last].to;
    let mut html = String::with_capacity(MAX_CHARS * 2);
    if from > 0 {
        html.push('…');
    }
    let mut cursor = from;
    for word in &found[first..=last] {
        escape_into(&text[cursor..word.from], &mut html);
        if word.matched.is_some() {
            html.push_str("<mark>");
            escape_into(&text[word.from..word.to], &mut html);
            html.push_str("</mark>");
        } else {
            escape_into(&text[word.from..word.to], &mut html);
        }
        cursor = word.to;
    }
    // Closing punctuation of the last word (`refund.`) reads better than a cut.
    let tail: String = text[to..]
        .chars()
        .take_while(|c| !c.is_alphanumeric() && !c.is_whitespace())
        .collect();
    escape_into(&tail, &mut html);
    if to + tail.len() < text.trim_end().len() {
        html.push('…');
    }
    html
}

/// The first and last word of the window that fits MAX_CHARS with the most matches: each
/// distinct query word counts 3, a repeat 1. The start of the text when nothing matches.
/// One pass: the window's end moves on as its start does.
fn best_window(found: &[Span], distinct: usize) -> (usize, usize) {
    let mut counts = vec![0usize; distinct];
    let mut score = 0;
    let mut best = (0, 0, 0); // (score, first, last)
    let mut end = 0; // one past the window's last word
    for start in 0..found.len() {
        while end < found.len() && (end == start || found[end].to - found[start].from <= MAX_CHARS)
        {
            if let Some(m) = found[end].matched {
                counts[m] += 1;
                score += if counts[m] == 1 { 3 } else { 1 };
            }
            end += 1;
        }
        if score > best.0 {
            best = (score, start, end - 1);
        }
        if let Some(m) = found[start].matched {
            score -= if counts[m] == 1 { 3 } else { 1 };
            counts[m] -= 1;
        }
    }
    if best.0 == 0 {
        let mut last = 0;
        while last + 1 < found.len() && found[last + 1].to - found[0].from <= MAX_CHARS {
            last += 1;
        }
        return (0, last);
    }
    (best.1, best.2)
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
