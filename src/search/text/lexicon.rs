//! Every word in the index (unstemmed, folded) with its document count, and fast look-ups of
//! words one or two typos away (symmetric-delete, as SymSpell does) and of words starting
//! with a prefix. Typo and prefix matches are expanded into real words this way, so they are
//! ranked by BM25 in every field like the words the shopper typed correctly.

use rayon::slice::ParallelSliceMut;

use crate::diag::edit_distance;

pub struct Lexicon {
    /// Sorted by word.
    words: Vec<(String, u64)>,
    /// Each word's letters (same order), for edit distances without decoding UTF-8 again.
    letters: Vec<Vec<char>>,
    /// Each word's letter set (see [`letter_mask`]), to rule most words out at once.
    masks: Vec<u64>,
    /// Each word (of 3 letters or more) with one letter deleted, as (the hash of what is left,
    /// the word's index in `words`), sorted: symmetric delete's table. Hashes rather than
    /// strings, since making some 800,000 strings was most of opening a big index (and of
    /// each preview update); a collision only adds a candidate that the edit distance then
    /// rules out.
    deletes: Vec<(u64, u32)>,
}

/// Typos allowed in a word of this many letters: none below 4, one below 8, else two.
pub fn typos_allowed(letters: usize) -> usize {
    match letters {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl Lexicon {
    pub fn new(mut words: Vec<(String, u64)>) -> Lexicon {
        words.sort_unstable();
        let mut deletes: Vec<(u64, u32)> = Vec::with_capacity(words.len() * 8);
        for (i, (word, _)) in words.iter().enumerate() {
            if word.chars().nth(2).is_none() {
                continue;
            }
            for (at, c) in word.char_indices() {
                let left = [
                    &word.as_bytes()[..at],
                    &word.as_bytes()[at + c.len_utf8()..],
                ];
                deletes.push((hash(&left), i as u32));
            }
        }
        deletes.par_sort_unstable();
        let letters: Vec<Vec<char>> = words.iter().map(|(w, _)| w.chars().collect()).collect();
        let masks = letters.iter().map(|l| letter_mask(l)).collect();
        Lexicon {
            words,
            letters,
            masks,
            deletes,
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.words
            .binary_search_by(|(w, _)| w.as_str().cmp(word))
            .is_ok()
    }

    /// Indexed words within the typos allowed for `word`'s length (not `word` itself), closest
    /// and most common first, at most `limit`.
    #[cfg(test)]
    pub fn similar(&self, word: &str, limit: usize) -> Vec<(&str, usize)> {
        self.similar_within(word, limit, 2)
    }

    /// Indexed words within the typos allowed for `word`'s length but at most `most` (not
    /// `word` itself), closest and most common first, at most `limit`: a look-up for two
    /// typos reads some hundred times more than one for one.
    pub fn similar_within(&self, word: &str, limit: usize, most: usize) -> Vec<(&str, usize)> {
        let max = typos_allowed(word.chars().count()).min(most);
        if max == 0 {
            return Vec::new();
        }
        let mut probes = vec![word.to_string()];
        probes.extend(one_deleted(word));
        if max >= 2 {
            let more: Vec<String> = probes.iter().skip(1).flat_map(|d| one_deleted(d)).collect();
            probes.extend(more);
        }
        let mut candidates: Vec<u32> = Vec::new();
        for probe in &probes {
            let key = hash(&[probe.as_bytes()]);
            let from = self.deletes.partition_point(|(h, _)| *h < key);
            candidates.extend(
                self.deletes[from..]
                    .iter()
                    .take_while(|(h, _)| *h == key)
                    .map(|(_, i)| *i),
            );
            if let Ok(i) = self.words.binary_search_by(|(w, _)| w.as_str().cmp(probe)) {
                candidates.push(i as u32);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let typed: Vec<char> = word.chars().collect();
        let mut found: Vec<(&str, usize, u64)> = candidates
            .into_iter()
            .filter_map(|i| {
                let (w, df) = &self.words[i as usize];
                let d = distance_within(&typed, &self.letters[i as usize], max)?;
                (w != word).then_some((w.as_str(), d, *df))
            })
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)));
        found
            .into_iter()
            .take(limit)
            .map(|(w, d, _)| (w, d))
            .collect()
    }

    /// The most common indexed words starting with `prefix` (not `prefix` itself), at most `limit`.
    pub fn completions(&self, prefix: &str, limit: usize) -> Vec<&str> {
        let start = self.words.partition_point(|(w, _)| w.as_str() < prefix);
        let mut found: Vec<&(String, u64)> = self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(prefix))
            .filter(|(w, _)| w != prefix)
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        found
            .into_iter()
            .take(limit)
            .map(|(w, _)| w.as_str())
            .collect()
    }

    /// `word` as two known words run together (`giftcard` -> `gift card`,
    /// `tagastamistingimused` -> `tagastamise tingimused`), the split with the most common
    /// rarer half; `None` when no split gives two known words of 2+ letters.
    pub fn split_compound(&self, word: &str) -> Option<(String, String)> {
        if self.contains(word) {
            return None;
        }
        let chars: Vec<char> = word.chars().collect();
        (2..chars.len().saturating_sub(1))
            .filter_map(|at| {
                let head: String = chars[..at].iter().collect();
                let tail: String = chars[at..].iter().collect();
                let count = |w: &str| {
                    self.words
                        .binary_search_by(|(x, _)| x.as_str().cmp(w))
                        .ok()
                        .map(|i| self.words[i].1)
                };
                // The first part may stand in its linking form: Estonian joins a genitive
                // without its last `e` (`tagastamis|tingimused`: tagastamise tingimused).
                let (head, head_count) = match count(&head) {
                    Some(n) => (head, n),
                    None if at >= 4 => {
                        let linked = format!("{head}e");
                        let n = count(&linked)?;
                        (linked, n)
                    }
                    None => return None,
                };
                Some((head_count.min(count(&tail)?), head, tail))
            })
            .max_by_key(|(count, _, _)| *count)
            .map(|(_, head, tail)| (head, tail))
    }

    /// The closest known word for "did you mean" (two typos at most), if any.
    pub fn closest(&self, word: &str) -> Option<&str> {
        if self.contains(word) {
            return None;
        }
        let letters = word.chars().count();
        if letters < 4 {
            return None;
        }
        let max = typos_allowed(letters).max(1) + usize::from(letters >= 6);
        let typed: Vec<char> = word.chars().collect();
        let mask = letter_mask(&typed);
        self.words
            .iter()
            .zip(&self.letters)
            .zip(&self.masks)
            .filter(|((_, l), m)| {
                l.len().abs_diff(typed.len()) <= max && letters_apart(mask, **m) <= max
            })
            .filter_map(|(((w, df), l), _)| {
                Some((distance_within(&typed, l, max)?, *df, w.as_str()))
            })
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, _, w)| w)
    }
}

/// The letters of a word as bits (a letter's code point modulo 64): two words whose sets
/// differ in k letters are at least k edits apart. Letters sharing a bit only make that bound
/// smaller, never wrong.
fn letter_mask(letters: &[char]) -> u64 {
    letters
        .iter()
        .fold(0, |mask, c| mask | 1 << (*c as u32 % 64))
}

/// A lower bound of the edit distance of two words with these letter masks.
fn letters_apart(a: u64, b: u64) -> usize {
    (a & !b).count_ones().max((b & !a).count_ones()) as usize
}

/// The edit distance between `a` and `b` (a swap of two neighbouring letters counts one, as
/// in [`edit_distance`]) when it is at most `max`; `None` as soon as it cannot be. Runs in
/// three rows with no allocation for words up to 64 letters: the lexicon asks this of
/// thousands of words per search.
pub fn distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    const MAX_LEN: usize = 64;
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a.len() > MAX_LEN || b.len() > MAX_LEN {
        let a: String = a.iter().collect();
        let b: String = b.iter().collect();
        return Some(edit_distance(&a, &b)).filter(|d| *d <= max);
    }
    // Rows i - 2, i - 1 and i take turns in three arrays: row i is `rows[i % 3]`.
    let mut rows = [[0u8; MAX_LEN + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let [current, previous, before] = [i % 3, (i + 2) % 3, (i + 1) % 3];
        rows[current][0] = i as u8;
        let mut row_min = i as u8;
        for j in 1..=b.len() {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[previous][j] + 1)
                .min(rows[current][j - 1] + 1)
                .min(rows[previous][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[before][j - 2] + 1);
            }
            rows[current][j] = d;
            row_min = row_min.min(d);
        }
        if usize::from(row_min) > max {
            return None;
        }
    }
    Some(usize::from(rows[a.len() % 3][b.len()])).filter(|d| *d <= max)
}

/// FNV-1a of the bytes of `parts` one after the other: the same for a word whether it is
/// whole or read around a deleted letter.
fn hash(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|part| part.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The word with each one of its letters deleted.
fn one_deleted(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_within_agrees_with_the_full_edit_distance() {
        let words = [
            "refund",
            "refnud",
            "refunds",
            "rfund",
            "parcel",
            "parcle",
            "возврат",
            "вовзрат",
            "intenration",
            "international",
            "a",
            "",
            "ab",
            "ba",
            "tühistada",
            "tuhistada",
        ];
        for a in words {
            for b in words {
                let full = edit_distance(a, b);
                let (la, lb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                assert!(
                    letters_apart(letter_mask(&la), letter_mask(&lb)) <= full,
                    "{a} / {b}: the letter bound must never exceed the distance"
                );
                for max in 0..4 {
                    let within = distance_within(&la, &lb, max);
                    assert_eq!(
                        within,
                        (full <= max).then_some(full),
                        "{a} / {b} within {max}"
                    );
                }
            }
        }
    }

    fn lexicon() -> Lexicon {
        Lexicon::new(
            [
                "refund",
                "refunds",
                "refunded",
                "return",
                "parcel",
                "policy",
                "delivery",
                "доставка",
            ]
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), 10 - i as u64))
            .collect(),
        )
    }

    #[test]
    fn typos_find_the_word_meant() {
        let l = lexicon();
        assert_eq!(l.similar("refnd", 3)[0], ("refund", 1));
        assert_eq!(
            l.similar("refudn", 3)[0],
            ("refund", 1),
            "a swap is one typo"
        );
        assert_eq!(l.similar("delivry", 3)[0], ("delivery", 1));
        assert_eq!(l.similar("dleivery", 3)[0], ("delivery", 1));
        assert_eq!(l.similar("доствка", 3)[0], ("доставка", 1));
        assert!(
            l.similar("ref", 3).is_empty(),
            "short words need to be exact"
        );
    }

    #[test]
    fn prefixes_complete_to_common_words() {
        let l = lexicon();
        assert_eq!(l.completions("refu", 2), ["refund", "refunds"]);
        assert!(l.completions("xyz", 2).is_empty());
    }

    #[test]
    fn did_you_mean_picks_the_closest_word() {
        let l = lexicon();
        assert_eq!(l.closest("polcy"), Some("policy"));
        assert_eq!(l.closest("policy"), None);
        assert_eq!(l.closest("xyzzyq"), None);
    }

    #[test]
    fn words_run_together_are_split() {
        let l = Lexicon::new(vec![
            ("gift".into(), 5),
            ("card".into(), 9),
            ("cards".into(), 2),
            ("giftcar".into(), 1),
        ]);
        assert_eq!(
            l.split_compound("giftcard"),
            Some(("gift".to_string(), "card".to_string()))
        );
        assert_eq!(l.split_compound("card"), None);
        assert_eq!(l.split_compound("zzzz"), None);
    }

    #[test]
    fn a_compound_s_first_part_may_lack_its_genitive_e() {
        let l = Lexicon::new(vec![
            ("tagastamise".into(), 4),
            ("tingimused".into(), 3),
            ("kliendi".into(), 2),
        ]);
        assert_eq!(
            l.split_compound("tagastamistingimused"),
            Some(("tagastamise".to_string(), "tingimused".to_string()))
        );
        // A part of fewer than four letters is never read as a linking form.
        let l = Lexicon::new(vec![("abe".into(), 4), ("tingimused".into(), 3)]);
        assert_eq!(l.split_compound("abtingimused"), None);
    }
}
