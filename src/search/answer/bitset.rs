//! Bitsets of article or document ids, one bit each in `u64` words: what matching and
//! scoring intersect, walk and count. No knowledge of Tantivy or of the ranking file.

pub(in crate::search) fn and(bits: &mut [u64], other: &[u64]) {
    for (a, b) in bits.iter_mut().zip(other) {
        *a &= b;
    }
}

pub(in crate::search) fn or(bits: &mut [u64], other: &[u64]) {
    for (a, b) in bits.iter_mut().zip(other) {
        *a |= b;
    }
}

pub(in crate::search) fn and_not(bits: &mut [u64], other: &[u64]) {
    for (a, b) in bits.iter_mut().zip(other) {
        *a &= !b;
    }
}

/// Whether bit `n` is set.
pub(in crate::search) fn has(bits: &[u64], n: u32) -> bool {
    bits.get((n / 64) as usize)
        .is_some_and(|word| word & (1 << (n % 64)) != 0)
}

/// Sets bit `n` (when the bitset reaches it).
pub(in crate::search) fn set(bits: &mut [u64], n: u32) {
    if let Some(word) = bits.get_mut((n / 64) as usize) {
        *word |= 1 << (n % 64);
    }
}

/// Calls `f` with each set bit's number, in order.
pub(in crate::search) fn for_each_set(bits: &[u64], mut f: impl FnMut(u32)) {
    for (n, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            f(n as u32 * 64 + word.trailing_zeros());
            word &= word - 1;
        }
    }
}

/// Counts, for every document at once, how many clauses matched it: bit `i` of `levels[k]`
/// is bit `k` of document `i`'s count (a ripple-carry adder over 64 documents per step).
pub(in crate::search) struct Counter {
    levels: Vec<Vec<u64>>,
    len: usize,
}

impl Counter {
    /// Room to count `clauses` matches per document.
    pub(in crate::search) fn new(len: usize, clauses: usize) -> Counter {
        let levels = (usize::BITS - clauses.leading_zeros()).max(1) as usize;
        Counter {
            levels: vec![vec![0; len]; levels],
            len,
        }
    }

    pub(in crate::search) fn add(&mut self, bits: &[u64]) {
        for (i, &word) in bits.iter().enumerate().take(self.len) {
            let mut carry = word;
            for level in &mut self.levels {
                if carry == 0 {
                    break;
                }
                let next = level[i] & carry;
                level[i] ^= carry;
                carry = next;
            }
        }
    }

    /// The documents counted at least `k` times.
    pub(in crate::search) fn at_least(&self, k: usize) -> Vec<u64> {
        (0..self.len)
            .map(|i| {
                // Compare each document's count with k, from the highest bit down.
                let mut greater = 0u64;
                let mut equal = !0u64;
                if k >> self.levels.len() != 0 {
                    return 0;
                }
                for level in (0..self.levels.len()).rev() {
                    let count_bit = self.levels[level][i];
                    if (k >> level) & 1 == 1 {
                        equal &= count_bit;
                    } else {
                        greater |= equal & count_bit;
                        equal &= !count_bit;
                    }
                }
                greater | equal
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_how_many_clauses_each_document_matched() {
        let mut counter = Counter::new(2, 3);
        // Document 0 in three clauses, document 1 in two, document 64 in one, 65 in none.
        counter.add(&[0b11, 0b1]);
        counter.add(&[0b11, 0]);
        counter.add(&[0b01, 0]);
        assert_eq!(counter.at_least(1), vec![0b11, 0b1]);
        assert_eq!(counter.at_least(2), vec![0b11, 0]);
        assert_eq!(counter.at_least(3), vec![0b01, 0]);
        assert_eq!(counter.at_least(4), vec![0, 0]);
    }

    #[test]
    fn counts_past_one_level() {
        let mut counter = Counter::new(1, 20);
        for _ in 0..20 {
            counter.add(&[1]);
        }
        assert_eq!(counter.at_least(20), vec![1]);
        assert_eq!(counter.at_least(21), vec![0]);
    }

    #[test]
    fn set_bits_are_visited_in_order() {
        let mut seen = Vec::new();
        for_each_set(&[0b1010, 1], |d| seen.push(d));
        assert_eq!(seen, [1, 3, 64]);
    }
}
