//! The other readings of a query the engine tries when the query as typed finds nothing:
//! words run together split, the other keyboard layout, transliteration, another language
//! that answers what the query asks; and "did you mean".

use super::*;

impl Engine {
    /// The answer in another language to what the query asks (its first intent), when no
    /// article in the shopper's language (`languages[0]`) holds what articles there call it
    /// and one in another language (in the help center's order) does: that language's
    /// meaning, searched there.
    pub(super) fn in_another_language(
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
    pub(super) fn holds_meaning(&self, lang: &str, intent: &str, lists: &Lists<'_>) -> bool {
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
    pub(super) fn is_plausible(
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

    /// The query read otherwise: compounds split, typed in the other keyboard layout, or
    /// transliterated from Latin letters.
    pub(super) fn other_readings(&self, query: &str) -> Vec<(String, &'static str)> {
        let mut readings = Vec::new();
        readings.extend(self.split_compounds(query).map(|r| (r, "words split")));
        readings.extend(other_layout(query).map(|r| (r, "other keyboard layout")));
        readings.extend(from_translit(query).map(|r| (r, "Russian in Latin letters")));
        readings
    }

    /// The query with unknown words that are two known words run together split
    /// (`giftcard balance` -> `gift card balance`); `None` when there are none.
    pub(super) fn split_compounds(&self, text: &str) -> Option<String> {
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
    pub(super) fn suggest(&self, text: &str) -> Option<String> {
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
pub(super) fn set_reading(hits: &mut [Hit], reading: &str) {
    for explain in hits.iter_mut().filter_map(|hit| hit.explain.as_mut()) {
        reading.clone_into(&mut explain.reading);
    }
}
