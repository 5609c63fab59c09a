//! One search per stretch of typing: the search box asks as the shopper types (`ref`, `refu`,
//! `refund p`, `refund policy`), and each of those is a search through the API. Searches sent
//! with the same page id (the box's random id for one page load) whose queries extend or cut
//! back one another are one search, counted as the last query typed, once the shopper has
//! stopped for [`SETTLED`] or asked something else.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::Search;

/// A stretch of typing ends after this long without another search from its page.
pub const SETTLED: Duration = Duration::from_secs(5);

/// The last search of each page still being typed.
#[derive(Default)]
pub struct Typing {
    pending: HashMap<String, (Search, Instant)>,
}

impl Typing {
    /// Takes `search` in at `now`; gives back the search it shows finished, if any: the page's
    /// previous one when this one asks something else, or `search` itself when it has no page.
    pub fn add(&mut self, search: Search, now: Instant) -> Option<Search> {
        let Some(page) = search.page.clone() else {
            return Some(search);
        };
        let previous = self.pending.remove(&page);
        let finished = match previous {
            Some((previous, _)) if !continues(&previous, &search) => Some(previous),
            _ => None,
        };
        self.pending.insert(page, (search, now));
        finished
    }

    /// The search page `page` is typing, now finished (the shopper chose a result, or turned
    /// to support).
    pub fn finish(&mut self, page: &str) -> Option<Search> {
        self.pending.remove(page).map(|(search, _)| search)
    }

    /// The searches nobody has typed on for [`SETTLED`] by `now`.
    pub fn settled(&mut self, now: Instant) -> Vec<Search> {
        let done: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, (_, at))| now.duration_since(*at) >= SETTLED)
            .map(|(page, _)| page.clone())
            .collect();
        done.into_iter()
            .filter_map(|page| self.pending.remove(&page))
            .map(|(search, _)| search)
            .collect()
    }

    /// Every search still pending (the server is stopping).
    pub fn all(&mut self) -> Vec<Search> {
        self.pending
            .drain()
            .map(|(_, (search, _))| search)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Whether `next` goes on typing `previous`: the same language and section, and one query
/// starts the other (typing on, or deleting back).
fn continues(previous: &Search, next: &Search) -> bool {
    previous.lang == next.lang
        && previous.section == next.section
        && (next.query.starts_with(&previous.query) || previous.query.starts_with(&next.query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::Answered;

    fn typed(query: &str, page: Option<&str>) -> Search {
        Search {
            at: 0,
            query: query.into(),
            lang: "en".into(),
            section: None,
            hits: 1,
            answered: Answered::AsTyped,
            suggested: false,
            page: page.map(Into::into),
        }
    }

    fn queries(searches: Vec<Search>) -> Vec<String> {
        let mut queries: Vec<String> = searches.into_iter().map(|s| s.query).collect();
        queries.sort();
        queries
    }

    #[test]
    fn a_stretch_of_typing_is_one_search_the_last_one_typed() {
        let mut typing = Typing::default();
        let start = Instant::now();
        let mut finished = Vec::new();
        for (n, query) in ["re", "ref", "refunx", "refun", "refund", "refund policy"]
            .iter()
            .enumerate()
        {
            let at = start + Duration::from_millis(300 * n as u64);
            finished.extend(typing.add(typed(query, Some("p1")), at));
        }
        // Another page types at the same time; a search without a page is counted at once.
        finished.extend(typing.add(typed("parcel", Some("p2")), start));
        finished.extend(typing.add(typed("invoice", None), start));
        assert_eq!(queries(finished), ["invoice"]);
        // Something else on the same page: the first stretch is done.
        let asked = typing.add(
            typed("money back", Some("p1")),
            start + Duration::from_secs(2),
        );
        assert_eq!(asked.map(|s| s.query), Some("refund policy".to_string()));
        assert_eq!(
            queries(typing.settled(start + SETTLED + Duration::from_millis(1))),
            ["parcel"],
            "a page quiet for five seconds is done"
        );
        assert!(typing.settled(start + Duration::from_secs(3)).is_empty());
        assert_eq!(queries(typing.all()), ["money back"]);
        assert!(typing.is_empty());
    }
}
