//! What shoppers searched for and did not find: unanswered queries, the rephrasings that
//! found an answer, and the synonyms those suggest.

use std::collections::{BTreeMap, BTreeSet};

use super::{Counted, PageTrail, SHOWN, SUGGESTION_DAYS, Suggestion, Unanswered, is_unanswered};
use crate::search::distance_within;

/// The unanswered queries, each merged with the less searched ones within a typo of it
/// (one edit for queries of 4 to 8 letters, two beyond), most searched first.
pub(super) fn unanswered(queries: &BTreeMap<(String, String), Counted>) -> Vec<Unanswered> {
    let mut open: Vec<(&(String, String), usize, &Counted)> = queries
        .iter()
        .map(|(key, c)| (key, c.missed(), c))
        .filter(|(_, missed, _)| *missed > 0)
        .collect();
    open.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // Merging compares each pair: only the most searched are merged and shown.
    open.truncate(2000);
    let chars: Vec<Vec<char>> = open.iter().map(|(k, _, _)| k.0.chars().collect()).collect();
    // Each group with the distinct days of all its spellings; `heads[g]` is group g's first.
    let mut groups: Vec<(Unanswered, BTreeSet<i64>)> = Vec::new();
    let mut heads: Vec<usize> = Vec::new();
    for (i, &((query, lang), missed, counted)) in open.iter().enumerate() {
        let answered = counted
            .answered
            .iter()
            .filter(|(a, _)| is_unanswered(a))
            .map(|(a, n)| (a.clone(), *n));
        let same = heads
            .iter()
            .position(|&h| open[h].0.1 == *lang && typo_of(&chars[h], &chars[i]));
        match same {
            Some(g) => {
                let (group, days) = &mut groups[g];
                group.searches += missed;
                group.variants.push(query.clone());
                for (a, n) in answered {
                    *group.answered.entry(a).or_default() += n;
                }
                days.extend(&counted.days);
            }
            None => {
                heads.push(i);
                let group = Unanswered {
                    query: query.clone(),
                    lang: lang.clone(),
                    searches: missed,
                    days: 0,
                    variants: Vec::new(),
                    answered: answered.collect(),
                };
                groups.push((group, counted.days.clone()));
            }
        }
    }
    let mut groups: Vec<Unanswered> = groups
        .into_iter()
        .map(|(group, days)| Unanswered {
            days: days.len(),
            ..group
        })
        .collect();
    groups.sort_by(|a, b| b.searches.cmp(&a.searches).then(a.query.cmp(&b.query)));
    groups.truncate(SHOWN);
    groups
}

/// Per (first query, next query, article chosen, language): how many pages went that way. A
/// page's search counts as rephrased when a later search of the same page, with another
/// query, led to a choice and it did not.
pub(super) fn rephrasings(
    pages: &BTreeMap<String, PageTrail>,
) -> BTreeMap<(String, String, String, String), usize> {
    let mut ways = BTreeMap::new();
    for trail in pages.values() {
        let mut seen = BTreeSet::new();
        for click in &trail.clicks {
            let (_, order, to, url) = click;
            let Some((_, _, _, lang, _)) = trail.searches.iter().find(|s| &s.2 == to) else {
                continue;
            };
            for earlier in trail.searches.iter().filter(|s| s.1 < *order && &s.2 != to) {
                let chosen_before = trail
                    .clicks
                    .iter()
                    .any(|c| c.2 == earlier.2 && c.1 < *order);
                let way = (earlier.2.clone(), to.clone(), url.clone(), lang.clone());
                if !chosen_before && seen.insert(way.clone()) {
                    *ways.entry(way).or_default() += 1;
                }
            }
        }
    }
    ways
}

/// `keywords` lines: a query that went unanswered, then was asked otherwise and led to the
/// same article, by at least two pages or on at least [`SUGGESTION_DAYS`] days.
pub(super) fn suggestions(
    ways: &BTreeMap<(String, String, String, String), usize>,
    queries: &BTreeMap<(String, String), Counted>,
) -> Vec<Suggestion> {
    let mut chose: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for ((from, _, url, lang), times) in ways {
        *chose
            .entry((from.clone(), url.clone(), lang.clone()))
            .or_default() += times;
    }
    let mut suggestions: Vec<Suggestion> = chose
        .into_iter()
        .filter_map(|((query, url, lang), then_chose)| {
            let counted = queries.get(&(query.clone(), lang.clone()))?;
            let missed = counted.missed();
            let days = counted.days.len();
            (missed > 0 && (days >= SUGGESTION_DAYS || then_chose >= 2)).then(|| Suggestion {
                keywords: format!("keywords = [{}]", serde_json::Value::String(query.clone())),
                url,
                lang,
                query,
                searches: missed,
                days,
                then_chose,
            })
        })
        .collect();
    suggestions.sort_by(|a, b| {
        (b.then_chose, b.searches)
            .cmp(&(a.then_chose, a.searches))
            .then(a.query.cmp(&b.query))
    });
    suggestions.truncate(SHOWN);
    suggestions
}

fn typo_of(a: &[char], b: &[char]) -> bool {
    let shorter = a.len().min(b.len());
    let max = match shorter {
        0..=3 => return false,
        4..=8 => 1,
        _ => 2,
    };
    distance_within(a, b, max).is_some()
}
