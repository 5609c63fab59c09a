//! `--explain`: why an article scores what it does, word by word.

use super::query::Built;
use super::response::{Explanation, WordScore};
use super::scoring::Lists;
use crate::search::store::ranking::Part;

/// Why `article` scores what it does on `built` (see [`Explanation`]); `topic` is its best.
pub(super) fn explain(
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
