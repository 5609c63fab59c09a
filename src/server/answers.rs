//! Recent answers of one index generation, so that a question many shoppers ask (and the same
//! prefix typed again as they type) is answered without searching again. Help-center queries
//! repeat: a few hundred cover most of a shop's traffic.
//!
//! Bounded by memory, not by count (an answer with 50 hits is ten times one with 5): two
//! generations of at most half the budget each, every answer weighed by the text it holds;
//! when the young one is full, the old one is dropped and the young one takes its place. A hit in the old generation moves
//! to the young one, so what is asked often stays. (An approximation of least-recently-used
//! with no bookkeeping per hit.) Each index generation has its own cache, dropped with it, so
//! an answer never outlives the build it came from.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::search::{Request, Response};

pub struct AnswerCache {
    /// Bytes per generation; 0 turns the cache off.
    half: usize,
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    young: HashMap<Request, Response>,
    /// What `young` holds, in bytes ([`weight`]).
    young_bytes: usize,
    old: HashMap<Request, Response>,
}

impl AnswerCache {
    /// Keeps answers weighing up to `bytes` in all (0: none).
    pub fn new(bytes: usize) -> AnswerCache {
        AnswerCache {
            half: bytes / 2,
            generations: Mutex::new(Generations::default()),
        }
    }

    /// What the kept answers weigh, in bytes.
    pub fn bytes(&self) -> usize {
        let generations = self.lock();
        generations.young_bytes
            + generations
                .old
                .iter()
                .map(|(q, a)| weight(q, a))
                .sum::<usize>()
    }

    pub fn get(&self, request: &Request) -> Option<Response> {
        if self.half == 0 {
            return None;
        }
        let mut generations = self.lock();
        if let Some(response) = generations.young.get(request) {
            return Some(response.clone());
        }
        let response = generations.old.remove(request)?;
        generations.insert(request.clone(), response.clone(), self.half);
        Some(response)
    }

    /// Keeps the answer made by `answer` (called only when the cache is on: an answer is
    /// copied to be kept).
    pub fn put(&self, request: Request, answer: impl FnOnce() -> Response) {
        if self.half > 0 {
            let response = answer();
            self.lock().insert(request, response, self.half);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // A panic elsewhere while holding the lock leaves plain maps behind: still usable.
        self.generations.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Generations {
    fn insert(&mut self, request: Request, response: Response, half: usize) {
        let added = weight(&request, &response);
        if added > half {
            return;
        }
        if self.young_bytes + added > half && !self.young.contains_key(&request) {
            self.old = std::mem::take(&mut self.young);
            self.young_bytes = 0;
        }
        if let Some(replaced) = self.young.get(&request) {
            self.young_bytes -= weight(&request, replaced);
        }
        self.young_bytes += added;
        self.young.insert(request, response);
    }
}

/// About what one kept answer takes in memory, in bytes: its structures and every string it
/// holds (strings shared with the index are counted too, erring on the safe side).
fn weight(request: &Request, response: &Response) -> usize {
    /// A hash map's own cost per entry, beyond the key and value.
    const ENTRY: usize = 16;
    let text = |s: &str| s.len();
    let hits: usize = response
        .hits
        .iter()
        .map(|hit| {
            std::mem::size_of_val(hit)
                + text(&hit.title)
                + text(&hit.url)
                + text(&hit.section)
                + text(&hit.lang)
                + text(&hit.kind)
                + text(&hit.heading)
                + text(&hit.snippet)
        })
        .sum();
    let popular: usize = response
        .popular
        .iter()
        .map(|p| std::mem::size_of_val(p) + text(&p.title) + text(&p.url) + text(&p.section))
        .sum();
    let support = response.support.as_ref().map_or(0, |s| {
        std::mem::size_of_val(s) + text(&s.email) + text(&s.phone) + text(&s.chat)
    });
    ENTRY
        + std::mem::size_of::<Request>()
        + text(&request.query)
        + request.lang.as_deref().map_or(0, text)
        + request.section.as_deref().map_or(0, text)
        + std::mem::size_of::<Response>()
        + text(&response.query)
        + text(&response.lang)
        + response.suggestion.as_deref().map_or(0, text)
        + response.searched_as.as_deref().map_or(0, text)
        + hits
        + popular
        + support
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Hit;

    fn request(query: &str) -> Request {
        Request {
            query: query.to_string(),
            lang: Some("en".into()),
            section: None,
            limit: 10,
            offset: 0,
            explain: false,
        }
    }

    fn response(total: usize) -> Response {
        Response {
            total,
            ..Response::default()
        }
    }

    /// Room for about `n` answers like `response(_)` to `request("once NN")`.
    fn room_for(n: usize) -> usize {
        n * weight(&request("once 00"), &response(0))
    }

    #[test]
    fn an_answer_comes_back_for_the_same_request_only() {
        let cache = AnswerCache::new(room_for(8));
        cache.put(request("refund"), || response(3));
        assert_eq!(cache.get(&request("refund")).map(|r| r.total), Some(3));
        assert_eq!(cache.get(&request("refund ")), None);
        let other_page = Request {
            offset: 10,
            ..request("refund")
        };
        assert_eq!(cache.get(&other_page), None);
    }

    #[test]
    fn it_holds_at_most_its_budget_and_keeps_what_is_asked_often() {
        let budget = room_for(4);
        let cache = AnswerCache::new(budget);
        cache.put(request("often"), || response(1));
        for n in 10..100 {
            cache.put(request(&format!("once {n}")), || response(n));
            // Asked between every other query: it keeps being moved to the young generation.
            assert!(cache.get(&request("often")).is_some(), "lost after {n}");
            assert!(cache.bytes() <= budget, "{} bytes held", cache.bytes());
        }
        assert_eq!(cache.get(&request("once 10")), None);
    }

    /// Fifty hits with long snippets weigh far more than an empty answer: the budget is in
    /// bytes, so the cache holds fewer of them, never more memory.
    #[test]
    fn big_answers_count_for_what_they_hold() {
        let hit = Hit {
            title: "How do I return an item?".into(),
            url: "/returns/how-to-return/#by-post".into(),
            section: "Returns".into(),
            lang: "en".into(),
            kind: "article".into(),
            heading: "By post".into(),
            snippet: "Pack the item in its box and <mark>return</mark> it ".repeat(6),
            score: 1.0,
            quality: crate::search::Quality::Exact,
            explain: None,
        };
        let big = Response {
            total: 50,
            hits: vec![hit; 50],
            ..Response::default()
        };
        let one = weight(&request("once 00"), &big);
        assert!(one > 50 * 300, "an answer of 50 hits weighs {one} bytes");
        let budget = 1 << 20;
        let cache = AnswerCache::new(budget);
        for n in 0..1000 {
            cache.put(request(&format!("once {n:02}")), || big.clone());
            assert!(cache.bytes() <= budget, "{} bytes held", cache.bytes());
        }
        assert!(
            cache.bytes() > budget / 4,
            "the cache keeps answers: {}",
            cache.bytes()
        );
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = AnswerCache::new(0);
        cache.put(request("refund"), || response(3));
        assert_eq!(cache.get(&request("refund")), None);
    }
}
