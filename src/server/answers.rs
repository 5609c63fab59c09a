//! Recent answers of one index generation, so that a question many shoppers ask (and the same
//! prefix typed again as they type) is answered without searching again. Help-center queries
//! repeat: a few hundred cover most of a shop's traffic.
//!
//! Bounded: two generations of at most half the capacity each; when the young one is full,
//! the old one is dropped and the young one takes its place. A hit in the old generation moves
//! to the young one, so what is asked often stays. (An approximation of least-recently-used
//! with no bookkeeping per hit.) Each index generation has its own cache, dropped with it, so
//! an answer never outlives the build it came from.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::search::{Request, Response};

pub struct AnswerCache {
    /// Answers per generation; 0 turns the cache off.
    half: usize,
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    young: HashMap<Request, Response>,
    old: HashMap<Request, Response>,
}

impl AnswerCache {
    /// Keeps up to `capacity` answers (0: none).
    pub fn new(capacity: usize) -> AnswerCache {
        AnswerCache {
            half: capacity.div_ceil(2),
            generations: Mutex::new(Generations::default()),
        }
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
        if self.young.len() >= half && !self.young.contains_key(&request) {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(request, response);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn an_answer_comes_back_for_the_same_request_only() {
        let cache = AnswerCache::new(8);
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
    fn it_holds_at_most_its_capacity_and_keeps_what_is_asked_often() {
        let cache = AnswerCache::new(4);
        cache.put(request("often"), || response(1));
        for n in 0..100 {
            cache.put(request(&format!("once {n}")), || response(n));
            // Asked between every other query: it keeps being moved to the young generation.
            assert!(cache.get(&request("often")).is_some(), "lost after {n}");
            let held = {
                let g = cache.lock();
                g.young.len() + g.old.len()
            };
            assert!(held <= 4, "{held} answers held");
        }
        assert_eq!(cache.get(&request("once 0")), None);
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let cache = AnswerCache::new(0);
        cache.put(request("refund"), || response(3));
        assert_eq!(cache.get(&request("refund")), None);
    }
}
