//! Article scores at search time, from the ranking file (see `ranking`): which articles hold
//! each word, and the best of the matching articles.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::Score;

use super::bitset::{for_each_set, has, set};
use crate::search::caches::{RECENT_BYTES, WORTH_KEEPING};
use crate::search::store::ranking::{ArticleRanking, PARTS, Part};

/// The ranking file's lists as one search reads them: each word's list is decoded once,
/// though matching (which articles hold it) and scoring (how much) both need it, however
/// many looser readings the search tries.
pub struct Lists<'a> {
    ranking: &'a ArticleRanking,
    /// By part, then stem.
    decoded: [RefCell<FxHashMap<String, Rc<WordList>>>; PARTS],
}

/// A word's list, decoded: its title or text list, or (from [`Lists::best_topics`]) each
/// article's best topic weight.
pub struct WordList {
    /// The articles holding the word anywhere (a bitset of article ids); only for text lists.
    pub holders: Vec<u64>,
    /// How many articles the list has.
    entries: usize,
    /// For a long best-topics list, where each block of articles' entries start in the topics
    /// list (see [`crate::search::store::ranking::Topics::starts`]); empty for the others.
    topic_starts: Vec<u32>,
    /// Each article's BM25 weight of the word (in its title, its whole text, or its best
    /// topic).
    weights: Weights,
}

/// A list's weights: by article for a few articles; for every article (0 where it has none)
/// once it names an eighth of them, where adding it up runs through memory in order instead
/// of jumping about it. Those are kept in the ranking file's weight units, half the memory
/// of weights, with the weight of one unit.
enum Weights {
    Listed(Vec<(u32, f32)>),
    Every { units: Vec<u16>, scale: f32 },
}

impl<'a> Lists<'a> {
    pub fn new(ranking: &'a ArticleRanking) -> Lists<'a> {
        Lists {
            ranking,
            decoded: Default::default(),
        }
    }

    /// How many articles the index has: the length of article bitsets, in bits.
    pub fn articles(&self) -> usize {
        self.ranking.articles()
    }

    /// `stem`'s text list.
    pub fn text(&self, stem: &str) -> Rc<WordList> {
        self.decoded(Part::Text, stem)
    }

    /// For each article with `stem` in a topic, its best topic's weight (`holders` is empty).
    pub fn best_topics(&self, stem: &str) -> Rc<WordList> {
        self.decoded(Part::Topics, stem)
    }

    /// The articles naming `stem` in their title or a topic (a heading, a question, their
    /// tags or description): those about it, as a bitset of article ids.
    pub fn named(&self, stem: &str) -> Vec<u64> {
        let mut bits = vec![0u64; self.articles().div_ceil(64)];
        for part in [Part::Title, Part::Topics] {
            self.decoded(part, stem)
                .each_article(|article| set(&mut bits, article));
        }
        bits
    }

    /// What `stem` weighs in `article` (before the query's weights): in its title or whole
    /// text, or in its topic number `topic`. For `--explain`: it reads whole lists.
    pub fn weight(&self, part: Part, stem: &str, article: u32, topic: Option<u16>) -> f32 {
        let list = self.decoded(part, stem);
        match part {
            Part::Topics => {
                let mut found = 0.0;
                if let Some(topic) = topic {
                    self.ranking
                        .topics(stem)
                        .of(article, &list.topic_starts, |t, score| {
                            if t == topic {
                                found = score;
                            }
                        });
                }
                found
            }
            Part::Title | Part::Text => match &list.weights {
                Weights::Listed(listed) => listed
                    .iter()
                    .find(|(a, _)| *a == article)
                    .map_or(0.0, |(_, w)| *w),
                Weights::Every { units, scale } => units
                    .get(article as usize)
                    .map_or(0.0, |u| f32::from(*u) * scale),
            },
        }
    }

    /// A list decoded once per search, and kept across searches when it is long.
    fn decoded(&self, part: Part, stem: &str) -> Rc<WordList> {
        let this_search = &self.decoded[part as usize];
        if let Some(list) = this_search.borrow().get(stem) {
            return Rc::clone(list);
        }
        let id = self.ranking.id();
        let list = RECENT.with(|recent| recent.borrow_mut().get(id, part, stem));
        let list = list.unwrap_or_else(|| {
            let list = Rc::new(self.decode(part, stem));
            RECENT.with(|recent| recent.borrow_mut().keep(id, part, stem, Rc::clone(&list)));
            list
        });
        this_search
            .borrow_mut()
            .insert(stem.to_string(), Rc::clone(&list));
        list
    }

    fn decode(&self, part: Part, stem: &str) -> WordList {
        let articles = self.articles();
        let mut holders = Vec::new();
        let mut listed = Vec::new();
        if part == Part::Text {
            holders.resize(articles.div_ceil(64), 0u64);
            self.ranking.for_each_units(stem, part, |article, units| {
                if let Some(word) = holders.get_mut((article / 64) as usize) {
                    *word |= 1 << (article % 64);
                    listed.push((article, units));
                }
            });
        } else {
            self.ranking
                .for_each_units(stem, part, |article, units| listed.push((article, units)));
        }
        let entries = listed.len();
        // Worth it only for the long lists that are kept across searches: a short one is
        // bisected in a few steps, while noting a block index costs a pass over every block.
        let topic_starts = if part == Part::Topics && entries >= WORTH_KEEPING {
            self.ranking.topics(stem).starts(articles)
        } else {
            Vec::new()
        };
        let scale = self.ranking.scale(part);
        let weights = if entries >= articles / 8 {
            let mut units = vec![0u16; articles];
            for (article, weight) in listed {
                if let Some(slot) = units.get_mut(article as usize) {
                    *slot = weight;
                }
            }
            Weights::Every { units, scale }
        } else {
            Weights::Listed(
                listed
                    .into_iter()
                    .map(|(article, units)| (article, f32::from(units) * scale))
                    .collect(),
            )
        };
        WordList {
            holders,
            entries,
            topic_starts,
            weights,
        }
    }
}

impl WordList {
    /// How many articles hold the word (for a text list; a topics list's entries otherwise).
    pub fn articles(&self) -> usize {
        self.entries
    }

    /// Calls `f` with each article the list has a weight for.
    fn each_article(&self, mut f: impl FnMut(u32)) {
        match &self.weights {
            Weights::Listed(listed) => listed.iter().for_each(|&(article, _)| f(article)),
            Weights::Every { units, .. } => (0u32..)
                .zip(units)
                .filter(|(_, units)| **units > 0)
                .for_each(|(article, _)| f(article)),
        }
    }

    /// Adds `factor` times each article's weight to its sum: at least for the articles of
    /// `wanted` (a bitset), and for others where that costs nothing more.
    fn add_to(&self, sums: &mut [f32], factor: f32, wanted: &[u64]) {
        match &self.weights {
            Weights::Listed(listed) => {
                for &(article, weight) in listed {
                    if let Some(sum) = sums.get_mut(article as usize) {
                        *sum += factor * weight;
                    }
                }
            }
            Weights::Every { units, scale } => {
                // 64 articles at a time, skipping those with none wanted (articles in other
                // languages, mostly).
                let blocks = sums.chunks_mut(64).zip(units.chunks(64)).zip(wanted);
                for ((sums, units), _) in blocks.filter(|(_, word)| **word != 0) {
                    for (sum, &units) in sums.iter_mut().zip(units) {
                        *sum += factor * (f32::from(units) * scale);
                    }
                }
            }
        }
    }

    /// Memory held, in bytes.
    fn size(&self) -> usize {
        self.holders.len() * 8
            + self.topic_starts.len() * 4
            + match &self.weights {
                Weights::Listed(listed) => listed.len() * 8,
                Weights::Every { units, .. } => units.len() * 2,
            }
    }
}

thread_local! {
    /// The long lists decoded most recently (bound and staleness: see `caches`).
    static RECENT: RefCell<Recent> = RefCell::default();
}

/// The decoded text lists of the long lists searched most recently on this thread. Common
/// words (`order`, `delivery`, `заказ`) come back in most searches, and decoding their
/// thousands of entries was a sixth of a search; a list is kept for the ranking file it came
/// from only, and the least recently used go first once RECENT_BYTES are held.
#[derive(Default)]
struct Recent {
    /// By part, then stem.
    lists: [FxHashMap<String, RecentList>; PARTS],
    bytes: usize,
    clock: u64,
}

struct RecentList {
    ranking: u64,
    list: Rc<WordList>,
    used: u64,
}

impl Recent {
    fn get(&mut self, ranking: u64, part: Part, stem: &str) -> Option<Rc<WordList>> {
        self.clock += 1;
        let kept = self.lists[part as usize]
            .get_mut(stem)
            .filter(|k| k.ranking == ranking)?;
        kept.used = self.clock;
        Some(Rc::clone(&kept.list))
    }

    fn keep(&mut self, ranking: u64, part: Part, stem: &str, list: Rc<WordList>) {
        let size = list.size();
        if list.entries < WORTH_KEEPING || size > RECENT_BYTES / 4 {
            return;
        }
        if let Some(old) = self.lists[part as usize].remove(stem) {
            self.bytes -= old.list.size();
        }
        while self.bytes + size > RECENT_BYTES {
            let Some((part, oldest)) = self
                .lists
                .iter()
                .enumerate()
                .flat_map(|(part, lists)| lists.iter().map(move |(stem, kept)| (part, stem, kept)))
                .min_by_key(|(_, _, kept)| kept.used)
                .map(|(part, stem, _)| (part, stem.clone()))
            else {
                break;
            };
            if let Some(old) = self.lists[part].remove(&oldest) {
                self.bytes -= old.list.size();
            }
        }
        self.bytes += size;
        // A tick of its own, so that lists kept one after another leave in that order.
        self.clock += 1;
        self.lists[part as usize].insert(
            stem.to_string(),
            RecentList {
                ranking,
                list,
                used: self.clock,
            },
        );
    }
}

thread_local! {
    /// Each article's score parts, reused from search to search: allocating them afresh
    /// cost more than filling them. See `caches`.
    static SUMS: RefCell<Sums> = RefCell::default();
}

/// Per article: the title and text part of its score, and the bound of its whole score.
#[derive(Default)]
struct Sums {
    base: Vec<f32>,
    upper: Vec<f32>,
}

/// How many of the best bounds are set aside per wanted article: scoring them exactly in
/// order of their bounds nearly always fills the page before a bound falls below it.
const CANDIDATES_PER_WANTED: usize = 4;

/// The first `wanted` matching articles (`matching` is a bitset of article ids), best first,
/// with their scores; equal scores go to the earlier article.
///
/// An article's score adds up, by the query's weights, its stems' BM25 weights in its title
/// and text and in its best topic (the one heading or question, or its tags and description,
/// that answers best). The title and text weights are added list by list; summing each stem's
/// best topic instead of one topic's stems gives a bound no lower than the real score. The
/// articles with the best bounds are scored exactly, topic by topic, best bound first, until
/// the next bound cannot beat the page; only when they run out are the other articles looked
/// at again.
pub fn best_articles(
    lists: &Lists<'_>,
    terms: &[(Part, String, f32)],
    matching: &[u64],
    wanted: usize,
) -> Vec<Found> {
    SUMS.with(|sums| {
        let mut sums = sums.borrow_mut();
        let Sums { base, upper } = &mut *sums;
        best_of(lists, terms, matching, wanted, base, upper)
    })
}

// Over 100 lines: the top-k loop and its bounds, kept in one piece as the search's hottest
// code (see bench/README.md).
fn best_of(
    lists: &Lists<'_>,
    terms: &[(Part, String, f32)],
    matching: &[u64],
    wanted: usize,
    base: &mut Vec<f32>,
    upper: &mut Vec<f32>,
) -> Vec<Found> {
    let ranking = lists.ranking;
    let articles = ranking.articles();
    // Only the blocks of 64 articles with some matching are read: only those are cleared and
    // added up.
    for sums in [&mut *base, &mut *upper] {
        sums.resize(articles, 0.0);
        for (block, _) in sums.chunks_mut(64).zip(matching).filter(|(_, w)| **w != 0) {
            block.fill(0.0);
        }
    }
    let mut topics = Vec::new();
    for (part, stem, weight) in terms {
        match part {
            Part::Topics => {
                let best = lists.best_topics(stem);
                best.add_to(upper, *weight, matching);
                topics.push((ranking.topics(stem), best, *weight));
            }
            Part::Title | Part::Text => {
                lists.decoded(*part, stem).add_to(base, *weight, matching);
            }
        }
    }
    let blocks = upper.chunks_mut(64).zip(base.chunks(64)).zip(matching);
    for ((upper, base), _) in blocks.filter(|(_, word)| **word != 0) {
        for (upper, base) in upper.iter_mut().zip(base) {
            // (Addition commutes exactly: the same bound as base + topics.)
            *upper += base;
        }
    }
    let base: &[f32] = base;
    let upper: &[f32] = upper;
    let upper_of = |article: u32| {
        upper
            .get(article as usize)
            .copied()
            .unwrap_or(f32::NEG_INFINITY)
    };
    let mut by_topic: Vec<(u16, f32)> = Vec::new();
    // The article's score, and its best topic (the first of equals) when any holds a word.
    let mut exact = |article: u32| {
        by_topic.clear();
        for (list, best, weight) in &topics {
            list.of(article, &best.topic_starts, |topic, score| {
                match by_topic.iter_mut().find(|(t, _)| *t == topic) {
                    Some((_, sum)) => *sum += weight * score,
                    None => by_topic.push((topic, weight * score)),
                }
            });
        }
        let best = by_topic.iter().copied().reduce(|a, b| {
            if b.1 > a.1 || (b.1 == a.1 && b.0 < a.0) {
                b
            } else {
                a
            }
        });
        (
            base.get(article as usize).copied().unwrap_or_default()
                + best.map_or(0.0, |(_, score)| score),
            best.map(|(topic, _)| topic),
        )
    };
    let mut candidates = Top::new(wanted.saturating_mul(CANDIDATES_PER_WANTED).max(1));
    for_each_set(matching, |article| {
        candidates.offer(upper_of(article), article, None)
    });
    let mut best = Top::new(wanted);
    // Whether every article not among the candidates is bounded below the page.
    let mut settled = candidates.best.len() < candidates.wanted;
    for &(bound, article, _) in &candidates.best {
        if !best.could_enter(bound, article) {
            settled = true;
            break;
        }
        let (score, topic) = exact(article);
        best.offer(score, article, topic);
    }
    if !settled {
        let mut done = vec![0u64; matching.len()];
        for &(_, article, _) in &candidates.best {
            set(&mut done, article);
        }
        for_each_set(matching, |article| {
            if !has(&done, article) && best.could_enter(upper_of(article), article) {
                let (score, topic) = exact(article);
                best.offer(score, article, topic);
            }
        });
    }
    best.best
        .into_iter()
        .map(|(score, article, topic)| Found {
            score,
            article,
            topic,
        })
        .collect()
}

/// A matching article among the best.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub score: Score,
    pub article: u32,
    /// The topic that answers best (see `ranking`: it stands for one of the article's
    /// documents); `None` when no topic holds a word of the query.
    pub topic: Option<u16>,
}

/// The `wanted` best (score, article, topic) offered, best first; equal scores go to the
/// earlier article.
struct Top {
    wanted: usize,
    best: Vec<(Score, u32, Option<u16>)>,
    /// The last score on the page once it is full; below it nothing enters.
    floor: Score,
}

impl Top {
    fn new(wanted: usize) -> Top {
        Top {
            wanted,
            best: Vec::with_capacity(wanted + 1),
            floor: Score::NEG_INFINITY,
        }
    }

    fn could_enter(&self, score: Score, article: u32) -> bool {
        if score < self.floor {
            return false;
        }
        self.best.len() < self.wanted
            || self
                .best
                .last()
                .is_some_and(|&(s, a, _)| score > s || (score == s && article < a))
    }

    fn offer(&mut self, score: Score, article: u32, topic: Option<u16>) {
        if !self.could_enter(score, article) {
            return;
        }
        let at = self
            .best
            .partition_point(|&(s, a, _)| s > score || (s == score && a < article));
        self.best.insert(at, (score, article, topic));
        self.best.truncate(self.wanted);
        if self.best.len() == self.wanted {
            self.floor = self.best.last().map_or(Score::NEG_INFINITY, |&(s, _, _)| s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: usize) -> Rc<WordList> {
        Rc::new(WordList {
            topic_starts: Vec::new(),
            holders: vec![u64::MAX; entries.div_ceil(64)],
            entries,
            weights: Weights::Listed((0..entries as u32).map(|a| (a, 1.0)).collect()),
        })
    }

    #[test]
    fn a_kept_list_serves_only_the_ranking_file_it_came_from() {
        let mut recent = Recent::default();
        recent.keep(1, Part::Text, "order", list(1000));
        assert!(recent.get(1, Part::Text, "order").is_some());
        assert!(
            recent.get(2, Part::Text, "order").is_none(),
            "a new build's index must decode its own list"
        );
        assert!(recent.get(1, Part::Topics, "order").is_none());
        recent.keep(1, Part::Text, "refund", list(WORTH_KEEPING - 1));
        assert!(
            recent.get(1, Part::Text, "refund").is_none(),
            "short lists are decoded every time"
        );
    }

    #[test]
    fn the_least_recently_used_lists_go_first_and_the_budget_holds() {
        let mut recent = Recent::default();
        let entries = RECENT_BYTES / 48; // five fit, not six
        for n in 0..5 {
            recent.keep(1, Part::Text, &format!("w{n}"), list(entries));
        }
        assert!(recent.get(1, Part::Text, "w0").is_some()); // w1 is now the oldest
        recent.keep(1, Part::Text, "w5", list(entries));
        assert!(recent.get(1, Part::Text, "w1").is_none());
        for kept in ["w0", "w2", "w3", "w4", "w5"] {
            assert!(recent.get(1, Part::Text, kept).is_some(), "{kept}");
        }
        assert!(recent.bytes <= RECENT_BYTES);
        assert_eq!(
            recent.bytes,
            recent
                .lists
                .iter()
                .flat_map(|lists| lists.values())
                .map(|k| k.list.size())
                .sum::<usize>()
        );
    }

    #[test]
    fn listed_and_every_article_weights_add_up_alike() {
        let scale = 0.37f32;
        let listed_units = [(2u32, 3u16), (3, 500), (9, 65535)];
        let mut units = vec![0u16; 10];
        for &(article, n) in &listed_units {
            units[article as usize] = n;
        }
        let as_listed = WordList {
            topic_starts: Vec::new(),
            holders: Vec::new(),
            entries: 3,
            weights: Weights::Listed(
                listed_units
                    .iter()
                    .map(|&(article, n)| (article, f32::from(n) * scale))
                    .collect(),
            ),
        };
        let as_every = WordList {
            topic_starts: Vec::new(),
            holders: Vec::new(),
            entries: 3,
            weights: Weights::Every { units, scale },
        };
        let start: Vec<f32> = (0..10).map(|n| n as f32 / 3.0).collect();
        let (mut a, mut b) = (start.clone(), start.clone());
        as_listed.add_to(&mut a, 0.6, &[u64::MAX]);
        as_every.add_to(&mut b, 0.6, &[u64::MAX]);
        assert_eq!(a, b);
        assert_ne!(a, start);
    }
}
