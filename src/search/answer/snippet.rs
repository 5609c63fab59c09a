//! Snippets: the passage of a hit with the most query words, as HTML with `<mark>` around
//! each matched word and everything else escaped.

use crate::markdown::{escape, escape_into};
use crate::search::text::analyze::{
    Analyzer, Starts, TextWord, each_listed_word_starting, each_word_starting, fold, for_each_span,
};

/// Longest snippet, in characters of text.
const MAX_CHARS: usize = 180;

/// Decides whether a word of the text matches the query, the way the index did.
pub struct Matcher {
    analyzer: Analyzer,
    /// The query words' stems (distinct).
    stems: Vec<String>,
    /// Phrases marked only whole ("money back" for "refund": `back` alone is no answer), as
    /// their words' stems.
    phrases: Vec<Vec<String>>,
    /// The first letter of each stem, phrase word and of the prefix: a word starting with any
    /// other letter cannot match, so a text's other words are skipped unread. (Stemmers
    /// change endings, never the first letter.)
    starts: Starts,
    prefix: Option<String>,
}

impl Matcher {
    pub fn new(
        analyzer: Analyzer,
        query_words: &[String],
        phrases: &[Vec<String>],
        prefix: Option<&str>,
    ) -> Matcher {
        let mut stems: Vec<String> = Vec::new();
        for word in query_words {
            let stem = analyzer.stem(word);
            if !stem.is_empty() && !stems.contains(&stem) {
                stems.push(stem);
            }
        }
        // Distinct, as the stems: a phrasing the shopper typed may also come from the
        // vocabulary, and one phrase found twice would be marked twice.
        let mut distinct: Vec<Vec<String>> = Vec::new();
        for phrase in phrases.iter().filter(|phrase| phrase.len() > 1) {
            let stems: Vec<String> = phrase.iter().map(|w| analyzer.stem(w)).collect();
            if !distinct.contains(&stems) {
                distinct.push(stems);
            }
        }
        let phrases = distinct;
        let prefix = prefix
            .map(|p| fold(p).into_owned())
            .filter(|p| p.chars().count() >= 2);
        let mut first_letters: Vec<char> = stems
            .iter()
            .chain(phrases.iter().flatten())
            .chain(&prefix)
            .filter_map(|s| s.chars().next())
            .collect();
        first_letters.sort_unstable();
        first_letters.dedup();
        Matcher {
            analyzer,
            stems,
            phrases,
            starts: Starts::new(&first_letters),
            prefix,
        }
    }

    /// Which query word a word of the text (lowercased) matches: its stem's number, or the
    /// number after the last stem for the unfinished last word; `None` when it matches none.
    /// Otherwise `phrase_word` is called with each (phrase, position) the word may stand at.
    fn match_of(&self, lower: &str, mut phrase_word: impl FnMut(usize, usize)) -> Option<usize> {
        // Typos were already expanded into the indexed words they stand for (the query words
        // given here), so matching stems is enough; only the unfinished last word needs more.
        let (stems, phrases) = (&self.stems, &self.phrases);
        let found = self.analyzer.with_stem(lower, |stem| {
            let found = stems.iter().position(|s| s == stem);
            if found.is_none() {
                for (p, phrase) in phrases.iter().enumerate() {
                    for (at, _) in phrase.iter().enumerate().filter(|(_, s)| *s == stem) {
                        phrase_word(p, at);
                    }
                }
            }
            found
        });
        if found.is_some() {
            return found;
        }
        self.prefix
            .as_ref()
            .filter(|p| fold(lower).starts_with(p.as_str()))
            .map(|_| self.stems.len())
    }

    fn distinct(&self) -> usize {
        self.stems.len() + 1 + self.phrases.len()
    }
}

/// A word of the text that may be part of a phrase: its bytes, the phrase and its position.
struct PhraseWord {
    from: usize,
    to: usize,
    phrase: usize,
    at: usize,
}

/// Adds to `matches` each place where a phrase's words follow one another in `text` (with
/// nothing but spaces or a hyphen between), as one match; phrase `p` counts as query word
/// `first + p`.
fn add_phrases(
    text: &str,
    words: &[PhraseWord],
    phrases: &[Vec<String>],
    first: usize,
    matches: &mut Vec<Span>,
) {
    for (i, start) in words.iter().enumerate().filter(|(_, w)| w.at == 0) {
        let len = phrases.get(start.phrase).map_or(0, Vec::len);
        let (mut end, mut next) = (start.to, 1);
        for word in &words[i + 1..] {
            if next == len {
                break;
            }
            if word.from < end {
                continue;
            }
            if !text[end..word.from]
                .chars()
                .all(|c| c.is_whitespace() || c == '-')
            {
                break;
            }
            if word.phrase == start.phrase && word.at == next {
                end = word.to;
                next += 1;
            }
        }
        if next == len {
            matches.push(Span {
                from: start.from,
                to: end,
                matched: first + start.phrase,
            });
        }
    }
}

/// A matched word of the text: its bytes and which query word it matches.
struct Span {
    from: usize,
    to: usize,
    matched: usize,
}

/// Bytes of text kept before the passage's first match, when the passage has room: a few
/// words that say what the match is about.
const LEAD: usize = 60;

/// The best passage of `text` for the query, with matches marked. Falls back to the start of
/// the text when no word matches.
///
/// Only matched words are kept while the text is read (most words are skipped for their
/// first letter); word boundaries are looked for again only around the chosen passage.
///
/// `words` are the words of `text` when they were found before (see
/// [`crate::search::text::analyze::text_words`]); without them the text is read for the query's words.
pub fn snippet(text: &str, words: Option<&[TextWord]>, matcher: &Matcher) -> String {
    let mut matches: Vec<Span> = Vec::new();
    let mut phrase_words: Vec<PhraseWord> = Vec::new();
    let mut visit = |from, to, lower: &str| {
        let matched = matcher.match_of(lower, |phrase, at| {
            phrase_words.push(PhraseWord {
                from,
                to,
                phrase,
                at,
            });
        });
        if let Some(matched) = matched {
            matches.push(Span { from, to, matched });
        }
    };
    match words {
        Some(words) => each_listed_word_starting(text, words, &matcher.starts, &mut visit),
        None => each_word_starting(text, &matcher.starts, &mut visit),
    }
    if !phrase_words.is_empty() {
        let first = matcher.stems.len() + 1;
        add_phrases(text, &phrase_words, &matcher.phrases, first, &mut matches);
        matches.sort_by_key(|m| m.from);
    }
    let (first, last_end) = best_window(&matches, matcher.distinct())
        .map_or((0, 0), |(first, last)| {
            (matches[first].from, matches[last].to)
        });
    let (from, to) = passage(text, first, last_end);
    if to <= from {
        // Not a word boundary in reach (one very long word): cut by characters.
        return escape(&text.chars().take(MAX_CHARS).collect::<String>());
    }
    let mut html = String::with_capacity(MAX_CHARS * 2);
    if from > 0 {
        html.push('…');
    }
    let mut cursor = from;
    for word in matches
        .iter()
        .filter(|word| word.from >= from && word.to <= to)
    {
        // Phrases may overlap (`money back` and `back guarantee`): the first is marked.
        if word.from < cursor {
            continue;
        }
        escape_into(&text[cursor..word.from], &mut html);
        html.push_str("<mark>");
        escape_into(&text[word.from..word.to], &mut html);
        html.push_str("</mark>");
        cursor = word.to;
    }
    escape_into(&text[cursor..to], &mut html);
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

/// The passage around the matches from byte `first` to `last_end`, at most MAX_CHARS long,
/// cut at word boundaries: up to LEAD bytes of words before the first match (from the start
/// of its sentence, or of the text, when that is within reach), then words after the last
/// match while they fit.
fn passage(text: &str, first: usize, last_end: usize) -> (usize, usize) {
    let room = MAX_CHARS.saturating_sub(last_end - first);
    let lead = room.min(LEAD);
    let from = if first <= lead {
        0
    } else if starts_sentence(text, first) {
        first
    } else {
        let mut at = first - lead;
        while !text.is_char_boundary(at) {
            at += 1;
        }
        // The match's sentence from its start when that is in reach, else the first whole
        // word from there on, else the first match itself.
        let mut first_word = None;
        let mut sentence = None;
        for_each_span(&text[at..first], |from, _| {
            let from = at + from;
            if from > at || !word_char_before(text, from) {
                first_word.get_or_insert(from);
                if starts_sentence(text, from) {
                    sentence = Some(from);
                }
            }
        });
        sentence.or(first_word).unwrap_or(first)
    };
    let mut limit = (from + MAX_CHARS).min(text.len()).max(last_end);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    // The last whole word that fits, else the last match. Words are looked for from the start
    // of the last two before `limit` (spaces are never part of a word, so the words after one
    // are the same whichever way they are found), and only when neither is whole, from the
    // last match.
    let last_whole = |start: usize| {
        let mut to = None;
        for_each_span(&text[start..limit], |_, end| {
            let end = start + end;
            if end < limit || !word_char_at(text, end) {
                to = Some(end);
            }
        });
        to
    };
    let to = last_whole(two_words_before(text, last_end, limit))
        .or_else(|| last_whole(last_end))
        .unwrap_or(last_end);
    (from, to)
}

/// The space before the last two words (runs of anything but spaces) that end by byte
/// `limit`, or `start` when there are fewer after it.
fn two_words_before(text: &str, start: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = limit;
    let mut words = 0;
    while at > start {
        at -= 1;
        let space = bytes.get(at).is_some_and(u8::is_ascii_whitespace);
        let word_after = bytes.get(at + 1).is_some_and(|b| !b.is_ascii_whitespace());
        if space && at + 1 < limit && word_after {
            words += 1;
            if words == 2 {
                return at;
            }
        }
    }
    start
}

/// Whether the word at byte `at` begins a sentence or a line.
fn starts_sentence(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t']);
    before.is_empty() || before.ends_with(['.', '!', '?', '\n'])
}

/// Whether the character before byte `at` is a letter or digit (a word goes on there).
fn word_char_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

/// Whether the character at byte `at` is a letter or digit.
fn word_char_at(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(char::is_alphanumeric)
}

/// The first and last match of the stretch that fits MAX_CHARS with the most matches: each
/// distinct query word counts 3, a repeat 1; the first such stretch. `None` when nothing
/// matches. One pass: the stretch's end moves on as its start does.
fn best_window(matches: &[Span], distinct: usize) -> Option<(usize, usize)> {
    let mut counts = vec![0usize; distinct];
    let mut score = 0;
    let mut best: Option<(usize, usize, usize)> = None; // (score, first, last)
    let mut end = 0; // one past the stretch's last match
    for start in 0..matches.len() {
        while end < matches.len()
            && (end == start || matches[end].to - matches[start].from <= MAX_CHARS)
        {
            if let Some(count) = counts.get_mut(matches[end].matched) {
                *count += 1;
                score += if *count == 1 { 3 } else { 1 };
            }
            end += 1;
        }
        if best.is_none_or(|(best, _, _)| score > best) {
            best = Some((score, start, end - 1));
        }
        if let Some(count) = counts.get_mut(matches[start].matched) {
            score -= if *count == 1 { 3 } else { 1 };
            *count -= 1;
        }
    }
    best.map(|(_, first, last)| (first, last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::text::analyze::text_words;

    /// The snippet, checked to be the same whether the text's words were found before or not.
    fn snippet(text: &str, matcher: &Matcher) -> String {
        let read = super::snippet(text, None, matcher);
        let listed = super::snippet(text, Some(&text_words(text)), matcher);
        assert_eq!(
            listed, read,
            "the words found before mark otherwise: {text}"
        );
        read
    }

    #[test]
    fn a_passage_ends_at_the_last_whole_word_that_fits() {
        let text = "Refunds — don't worry: money goes back to the card (within 3–5 days), \
            then «возврат» shows up… l'été; ’quoted’ words, and — dashes — everywhere. \
            A long tail of words follows so that the limit falls mid-word somewhere here.";
        let mut spans = Vec::new();
        for_each_span(text, |from, to| spans.push((from, to)));
        for &(first, _) in &spans {
            for &(_, last_end) in spans.iter().filter(|(_, end)| *end > first) {
                let (from, to) = passage(text, first, last_end);
                // What reading every word from the last match on gives.
                let mut limit = (from + MAX_CHARS).min(text.len()).max(last_end);
                while !text.is_char_boundary(limit) {
                    limit -= 1;
                }
                let mut expected = last_end;
                for_each_span(&text[last_end..limit], |_, end| {
                    let end = last_end + end;
                    if end < limit || !word_char_at(text, end) {
                        expected = end;
                    }
                });
                assert_eq!(to, expected, "{first}..{last_end}");
            }
        }
    }

    fn marked(text: &str, query: &[&str], prefix: Option<&str>) -> String {
        let words: Vec<String> = query.iter().map(|w| w.to_string()).collect();
        snippet(
            text,
            &Matcher::new(Analyzer::for_lang("en"), &words, &[], prefix),
        )
    }

    #[test]
    fn a_phrase_is_marked_only_where_it_stands_whole() {
        let matcher = Matcher::new(
            Analyzer::for_lang("en"),
            &["refund".to_string()],
            &[vec!["money".to_string(), "back".to_string()]],
            None,
        );
        let html = snippet(
            "If it comes back used, we keep some money, back to you later. Money back: a refund.",
            &matcher,
        );
        assert_eq!(html, "…<mark>Money back</mark>: a <mark>refund</mark>.");
        // Apart, or with a comma between, the words are no answer.
        let html = snippet(
            "If it comes back used, we keep some money, back to you later.",
            &matcher,
        );
        assert!(!html.contains("<mark>"), "{html}");
    }

    #[test]
    fn phrases_found_twice_or_overlapping_are_marked_once() {
        // `refund money back`: the shopper typed the phrasing `money back` and the vocabulary
        // gives it for refund too, so it came twice; `back guarantee` overlaps it.
        let phrase = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let matcher = Matcher::new(
            Analyzer::for_lang("en"),
            &["refund".to_string()],
            &[
                phrase(&["money", "back"]),
                phrase(&["money", "back"]),
                phrase(&["back", "guarantee"]),
            ],
            None,
        );
        let html = snippet("A refund: your money back guarantee.", &matcher);
        assert_eq!(
            html,
            "A <mark>refund</mark>: your <mark>money back</mark> guarantee."
        );
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

    /// The snippet's text without marks and ellipses, and whether it began and ended with one.
    fn plain(html: &str) -> (bool, String, bool) {
        let text = html.replace("<mark>", "").replace("</mark>", "");
        let cut_before = text.starts_with('…');
        let cut_after = text.ends_with('…');
        (
            cut_before,
            text.trim_start_matches('…')
                .trim_end_matches('…')
                .to_string(),
            cut_after,
        )
    }

    #[test]
    fn the_passage_with_the_match_keeps_a_few_words_before_it_and_fills_up_after_it() {
        let text = format!(
            "{}The refund arrives within 14 days of the return. {}",
            "Intro words here. ".repeat(20),
            "Closing words. ".repeat(20)
        );
        let html = marked(&text, &["refund"], None);
        assert!(html.contains("<mark>refund</mark>"), "{html}");
        assert!(html.chars().count() < 260, "{html}");
        let (cut_before, passage, cut_after) = plain(&html);
        assert!(cut_before && cut_after, "{html}");
        let lead = &passage[..passage.find("refund").unwrap()];
        assert!(
            !lead.is_empty() && lead.len() <= LEAD,
            "a little context before the match: {html}"
        );
        assert!(
            passage.contains("arrives within 14 days of the return. Closing"),
            "the rest of the room goes after the match: {html}"
        );
        assert!(passage.len() <= MAX_CHARS, "{html}");
    }

    #[test]
    fn a_passage_starts_and_ends_on_whole_words_wherever_the_match_is() {
        for padding in 0..120 {
            let text = format!(
                "{}Refunds for a damaged parcel are paid to the card you used at checkout, \
                 usually within five working days of our receiving it back.",
                "x".repeat(padding % 7) + &" lorem ipsum dolor".repeat(padding / 7)
            );
            let html = marked(&text, &["parcel"], None);
            let (cut_before, passage, _) = plain(&html);
            let at = text.find(&passage).unwrap_or_else(|| panic!("{html}"));
            let end = at + passage.len();
            assert_eq!(cut_before, at > 0, "{html}");
            assert!(
                at == 0 || !text[..at].ends_with(char::is_alphanumeric),
                "starts mid-word: {html}"
            );
            assert!(
                !text[end..].starts_with(char::is_alphanumeric),
                "ends mid-word: {html}"
            );
            assert!(html.contains("<mark>parcel</mark>"), "{html}");
            assert!(passage.len() <= MAX_CHARS + 1, "{html}");
        }
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start_of_the_text() {
        let text = "Track your order from the link in the confirmation email. ".repeat(10);
        let html = marked(&text, &["warranty"], None);
        let (cut_before, passage, cut_after) = plain(&html);
        assert!(!cut_before && cut_after, "{html}");
        assert!(
            text.starts_with(&passage) && passage.len() <= MAX_CHARS,
            "{html}"
        );
        assert!(!html.contains("<mark>"), "{html}");
    }

    #[test]
    fn the_passage_begins_with_the_matches_sentence_when_it_can() {
        let text = format!(
            "{}Keep the receipt. Refunds reach your card in five days.",
            "Some words before. ".repeat(10)
        );
        let html = marked(&text, &["refund"], None);
        assert!(
            html.starts_with("…<mark>Refunds</mark> reach your card"),
            "{html}"
        );
    }
}
