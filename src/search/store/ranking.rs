//! How well each article answers a word: `helpbook-ranking.bin`, written beside the index.
//!
//! An article's score is BM25 over three parts of it, added up with the query's weights: its
//! title, its whole text, and its best topic, a topic being its tags and description, or one
//! heading or question. The index never changes once built, so each word's BM25 weight in
//! each title, text and topic is worked out at build time: a search adds up a few lists of
//! weights instead of evaluating BM25 posting by posting, and learns which articles hold a
//! word from the same lists.
//!
//! Layout (integers little-endian): `HBRANK1\n`; the article count and the word count (u32);
//! per part, the score one weight unit stands for (f32); article count + 1 offsets (u32)
//! into the documents, which follow: per article, the hits-file record of each topic's
//! document (u32), by topic number; word count + 1 offsets (u32) into
//! the words; word count × 3 + 1 offsets (u64) into the lists; the words (UTF-8, sorted,
//! back to back); the lists, per word its title, topics and text list. Title and text lists
//! are runs of (article id as the gap from the previous one, LEB128; weight, u16); a topics
//! list is fixed-width (article id, u32; topic number in the article, u16; weight, u16),
//! ordered by article and topic, so that one article's entries can be found by bisection.

use rustc_hash::FxHashMap;
use tantivy::directory::OwnedBytes;

use super::LayoutError;
use super::hits::{read_u32, read_u64};

/// The file beside the index.
pub const RANKING_FILE: &str = "helpbook-ranking.bin";

const MAGIC: &[u8] = b"HBRANK1\n";

/// BM25's parameters, as Tantivy (and Lucene) use them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// A part of an article that is ranked on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Title = 0,
    /// The topics: the article's tags and description together, and each heading or
    /// question on its own (an article scores by its best one).
    Topics = 1,
    /// Every word of the article, title and topics included.
    Text = 2,
}

pub(in crate::search) const PARTS: usize = 3;

/// One article's words, counted: each distinct stem with how often it occurs in the title
/// and in the whole text, and how well each topic holding it matches it.
pub struct Counted {
    /// The distinct stems, space-separated, in the order of `entries`.
    stems: String,
    entries: Vec<Entry>,
    /// (stem's place in `entries`, topic number, BM25's term-frequency part), by topic.
    topics: Vec<(u32, u16, f32)>,
    /// The title's and the whole text's length in words.
    lengths: [u32; 2],
    /// The document (hits-file record) each topic number stands for.
    documents: Vec<u32>,
}

/// Four bytes: a title holding a word more than 255 times counts it 255 times.
#[derive(Clone, Copy, Default)]
struct Entry {
    title: u8,
    in_topics: bool,
    text: u16,
}

/// Counts an article's stemmed words (space-separated): its title, its topics (one per
/// document: the tags and description for the article's own, each heading or question for its
/// sections; `documents` are their hits-file records) and its whole text. Each topic is
/// weighed on its own length against `average_topic` (in words), so that a question matching
/// the query word for word counts fully however many other questions the article has.
pub fn count(
    title: &str,
    topics: &[&str],
    text: &str,
    average_topic: f32,
    documents: Vec<u32>,
) -> Counted {
    let mut at: FxHashMap<&str, u32> = FxHashMap::default();
    let mut stems = String::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut lengths = [0u32; 2];
    let mut place = |word, stems: &mut String, entries: &mut Vec<Entry>| -> usize {
        *at.entry(word).or_insert_with(|| {
            if !stems.is_empty() {
                stems.push(' ');
            }
            stems.push_str(word);
            entries.push(Entry::default());
            (entries.len() - 1) as u32
        }) as usize
    };
    for word in title.split(' ').filter(|w| !w.is_empty()) {
        let n = place(word, &mut stems, &mut entries);
        entries[n].title = entries[n].title.saturating_add(1);
        lengths[0] += 1;
    }
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let n = place(word, &mut stems, &mut entries);
        entries[n].text = entries[n].text.saturating_add(1);
        lengths[1] += 1;
    }
    let mut in_topics = Vec::new();
    let mut in_topic: Vec<(u32, u16)> = Vec::new();
    for (number, topic) in topics.iter().enumerate().take(usize::from(u16::MAX)) {
        in_topic.clear();
        let mut len = 0;
        for word in topic.split(' ').filter(|w| !w.is_empty()) {
            let n = place(word, &mut stems, &mut entries) as u32;
            match in_topic.iter_mut().find(|(m, _)| *m == n) {
                Some((_, tf)) => *tf = tf.saturating_add(1),
                None => in_topic.push((n, 1)),
            }
            len += 1;
        }
        for &(n, tf) in &in_topic {
            entries[n as usize].in_topics = true;
            let norm = tf_norm(f32::from(tf), len as f32, average_topic);
            in_topics.push((n, number as u16, norm));
        }
    }
    stems.shrink_to_fit();
    entries.shrink_to_fit();
    in_topics.shrink_to_fit();
    Counted {
        stems,
        entries,
        topics: in_topics,
        lengths,
        documents,
    }
}

/// BM25's term-frequency part: `tf` occurrences in `len` words, where `average` is usual.
fn tf_norm(tf: f32, len: f32, average: f32) -> f32 {
    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / average.max(1.0)))
}

/// The file's bytes for the articles, in article-id order.
pub fn encode(articles: &[Counted]) -> Vec<u8> {
    let n = articles.len().max(1) as f32;
    let average = averages(articles);
    // Each word once, with how many articles hold it in each part.
    let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut words: Vec<&str> = Vec::new();
    let mut holding: Vec<[u32; PARTS]> = Vec::new();
    let mut article_words: Vec<Vec<u32>> = Vec::with_capacity(articles.len());
    for article in articles {
        let mut these = Vec::with_capacity(article.entries.len());
        for (stem, entry) in article.stems.split(' ').zip(&article.entries) {
            let id = *ids.entry(stem).or_insert_with(|| {
                words.push(stem);
                holding.push([0; PARTS]);
                (words.len() - 1) as u32
            });
            let held = &mut holding[id as usize];
            held[Part::Title as usize] += u32::from(entry.title > 0);
            held[Part::Topics as usize] += u32::from(entry.in_topics);
            held[Part::Text as usize] += u32::from(entry.text > 0);
            these.push(id);
        }
        article_words.push(these);
    }
    let idfs: Vec<[f32; PARTS]> = holding
        .iter()
        .map(|held| held.map(|h| idf(n, h as f32)))
        .collect();
    // Each word's weights in each article, part by part, in article (and topic) order:
    // once to find each part's highest weight, which sets its scale, once to write them.
    let each_weight = |f: &mut dyn FnMut(u32, Part, u32, u16, f32)| {
        for (a, (article, these)) in articles.iter().zip(&article_words).enumerate() {
            for (&id, entry) in these.iter().zip(&article.entries) {
                let idf = idfs[id as usize];
                if entry.title > 0 {
                    let tf = f32::from(entry.title);
                    let norm = tf_norm(tf, article.lengths[0] as f32, average[0]);
                    f(
                        id,
                        Part::Title,
                        a as u32,
                        0,
                        idf[Part::Title as usize] * norm,
                    );
                }
                if entry.text > 0 {
                    let tf = f32::from(entry.text);
                    let norm = tf_norm(tf, article.lengths[1] as f32, average[1]);
                    f(id, Part::Text, a as u32, 0, idf[Part::Text as usize] * norm);
                }
            }
            for &(n, topic, norm) in &article.topics {
                if let Some(&id) = these.get(n as usize) {
                    let weight = idfs[id as usize][Part::Topics as usize] * norm;
                    f(id, Part::Topics, a as u32, topic, weight);
                }
            }
        }
    };
    let mut highest = [0f32; PARTS];
    each_weight(&mut |_, part, _, _, weight| {
        highest[part as usize] = highest[part as usize].max(weight);
    });
    let scale = highest.map(|h| {
        if h > 0.0 {
            h / f32::from(u16::MAX)
        } else {
            1.0
        }
    });
    let mut lists: Vec<[Vec<u8>; PARTS]> = vec![Default::default(); words.len()];
    // Per word and part, the last article written (title and text lists hold gaps).
    let mut last: Vec<[u32; 2]> = vec![[0; 2]; words.len()];
    each_weight(&mut |id, part, article, topic, weight| {
        let list = &mut lists[id as usize][part as usize];
        let units = (weight / scale[part as usize])
            .round()
            .clamp(1.0, f32::from(u16::MAX)) as u16;
        match part {
            Part::Topics => {
                list.extend_from_slice(&article.to_le_bytes());
                list.extend_from_slice(&topic.to_le_bytes());
            }
            Part::Title | Part::Text => {
                let last = &mut last[id as usize][usize::from(part == Part::Text)];
                write_varint(list, article - *last);
                *last = article;
            }
        }
        list.extend_from_slice(&units.to_le_bytes());
    });
    drop(last);

    let mut order: Vec<u32> = (0..words.len() as u32).collect();
    order.sort_unstable_by_key(|&id| words[id as usize]);
    let words_len: usize = words.iter().map(|w| w.len()).sum();
    let lists_len: usize = lists.iter().flatten().map(Vec::len).sum();
    let mut out = Vec::with_capacity(
        MAGIC.len()
            + 8
            + 12
            + (words.len() + 1) * 4
            + (words.len() * PARTS + 1) * 8
            + words_len
            + lists_len,
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(articles.len() as u32).to_le_bytes());
    out.extend_from_slice(&(words.len() as u32).to_le_bytes());
    for s in scale {
        out.extend_from_slice(&s.to_le_bytes());
    }
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for article in articles {
        offset += article.documents.len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for article in articles {
        for document in &article.documents {
            out.extend_from_slice(&document.to_le_bytes());
        }
    }
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for &id in &order {
        offset += words[id as usize].len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    let mut offset = 0u64;
    out.extend_from_slice(&offset.to_le_bytes());
    for &id in &order {
        for list in &lists[id as usize] {
            offset += list.len() as u64;
            out.extend_from_slice(&offset.to_le_bytes());
        }
    }
    for &id in &order {
        out.extend_from_slice(words[id as usize].as_bytes());
    }
    for &id in &order {
        for list in &mut lists[id as usize] {
            out.extend_from_slice(list);
            *list = Vec::new();
        }
    }
    out
}

/// The average title and text lengths (in words) of the articles, as [`encode`] weighs them.
pub fn averages(articles: &[Counted]) -> [f32; 2] {
    let n = articles.len().max(1) as f32;
    let mut average = [0f32; 2];
    for article in articles {
        for (sum, len) in average.iter_mut().zip(article.lengths) {
            *sum += len as f32;
        }
    }
    average.map(|sum| (sum / n).max(1.0))
}

/// One entry of a list, decoded: article, topic (0 in title and text lists), weight units.
type Posting = (u32, u16, u16);

/// The ranking file `old` with article `article`'s entries replaced by `new`'s (`was` is
/// what they were made from). Everything else is copied as it is: every other article's
/// entries, each part's scale, and the statistics weights are worked out with. As in
/// Tantivy or Lucene between merges, `new`'s weights use the whole index's figures: each
/// word's article counts in `old` with this article's change counted in, and `averages`
/// (see [`averages`]) of the full build.
pub fn replace_article(
    old: &ArticleRanking,
    article: u32,
    was: &Counted,
    new: &Counted,
    averages: [f32; 2],
) -> Vec<u8> {
    let data = old.bytes.as_slice();
    // Each word the article held or holds, with its lists decoded and the article taken out.
    let mut affected: std::collections::BTreeMap<&str, [Vec<Posting>; PARTS]> =
        std::collections::BTreeMap::new();
    for stem in was.stems.split(' ').chain(new.stems.split(' ')) {
        if stem.is_empty() || affected.contains_key(stem) {
            continue;
        }
        let mut lists: [Vec<Posting>; PARTS] = Default::default();
        if let Some(word) = old.find(stem) {
            for part in [Part::Title, Part::Topics, Part::Text] {
                let list = old.list(word, part).unwrap_or(&[]);
                lists[part as usize] = decode(list, part);
            }
        }
        affected.insert(stem, lists);
    }
    let n = old.articles.max(1) as f32;
    let held = |lists: &[Vec<Posting>; PARTS], part: Part| {
        let list = &lists[part as usize];
        let others = list
            .iter()
            .enumerate()
            .filter(|(i, p)| p.0 != article && (*i == 0 || list[i - 1].0 != p.0))
            .count();
        others as f32 + 1.0
    };
    let units = |weight: f32, part: Part| {
        (weight / old.scale[part as usize])
            .round()
            .clamp(1.0, f32::from(u16::MAX)) as u16
    };
    let stems: Vec<&str> = new.stems.split(' ').collect();
    let mut added: Vec<(&str, Part, Posting)> = Vec::new();
    for (&stem, entry) in stems.iter().zip(&new.entries) {
        let Some(lists) = affected.get(stem) else {
            continue;
        };
        let counts = [
            (Part::Title, u16::from(entry.title), 0),
            (Part::Text, entry.text, 1),
        ];
        for (part, tf, length) in counts.into_iter().filter(|&(_, tf, _)| tf > 0) {
            let idf = idf(n, held(lists, part));
            let norm = tf_norm(f32::from(tf), new.lengths[length] as f32, averages[length]);
            added.push((stem, part, (article, 0, units(idf * norm, part))));
        }
    }
    for &(place, topic, norm) in &new.topics {
        let Some((&stem, lists)) = stems
            .get(place as usize)
            .and_then(|stem| affected.get_key_value(stem))
        else {
            continue;
        };
        let idf = idf(n, held(lists, Part::Topics));
        added.push((
            stem,
            Part::Topics,
            (article, topic, units(idf * norm, Part::Topics)),
        ));
    }
    for lists in affected.values_mut() {
        for list in lists.iter_mut() {
            list.retain(|p| p.0 != article);
        }
    }
    for (stem, part, posting) in added {
        if let Some(lists) = affected.get_mut(stem) {
            let list = &mut lists[part as usize];
            let at = list.partition_point(|p| (p.0, p.1) < (posting.0, posting.1));
            list.insert(at, posting);
        }
    }

    // The words in order: the old ones (without those no article holds any more) and the new.
    enum Word<'a> {
        Old(usize),
        Changed(&'a str, &'a [Vec<Posting>; PARTS]),
    }
    let mut order: Vec<Word<'_>> = Vec::with_capacity(old.words + affected.len());
    let mut changed = affected.iter().peekable();
    for i in 0..old.words {
        let word = old.word(i).unwrap_or_default();
        while let Some((stem, lists)) = changed.next_if(|(stem, _)| stem.as_bytes() < word) {
            order.push(Word::Changed(stem, lists));
        }
        match changed.next_if(|(stem, _)| stem.as_bytes() == word) {
            Some((stem, lists)) => order.push(Word::Changed(stem, lists)),
            None => order.push(Word::Old(i)),
        }
    }
    order.extend(changed.map(|(stem, lists)| Word::Changed(stem, lists)));
    order.retain(|word| match word {
        Word::Changed(_, lists) => lists.iter().any(|list| !list.is_empty()),
        Word::Old(_) => true,
    });

    let mut out = Vec::with_capacity(data.len() + 4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(old.articles as u32).to_le_bytes());
    out.extend_from_slice(&(order.len() as u32).to_le_bytes());
    for s in old.scale {
        out.extend_from_slice(&s.to_le_bytes());
    }
    // The documents table, with this article's documents replaced.
    let documents_of = |a: usize| -> &[u8] {
        let from = read_u32(data, old.document_offsets + a * 4).unwrap_or(0) as usize;
        let to = read_u32(data, old.document_offsets + (a + 1) * 4).unwrap_or(0) as usize;
        data.get(old.documents + from * 4..old.documents + to * 4)
            .unwrap_or(&[])
    };
    let mut replaced: Vec<u8> = Vec::with_capacity(new.documents.len() * 4);
    for document in &new.documents {
        replaced.extend_from_slice(&document.to_le_bytes());
    }
    let documents_for = |a: usize| -> &[u8] {
        if a == article as usize {
            &replaced
        } else {
            documents_of(a)
        }
    };
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for a in 0..old.articles {
        offset += (documents_for(a).len() / 4) as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for a in 0..old.articles {
        out.extend_from_slice(documents_for(a));
    }
    // Word offsets, list offsets, words, lists.
    let encoded: Vec<Option<[Vec<u8>; PARTS]>> = order
        .iter()
        .map(|word| match word {
            Word::Old(_) => None,
            Word::Changed(_, lists) => Some([
                encode_list(&lists[0], Part::Title),
                encode_list(&lists[1], Part::Topics),
                encode_list(&lists[2], Part::Text),
            ]),
        })
        .collect();
    fn bytes_of<'a>(old: &'a ArticleRanking, word: &Word<'a>) -> &'a [u8] {
        match word {
            Word::Old(i) => old.word(*i).unwrap_or_default(),
            Word::Changed(stem, _) => stem.as_bytes(),
        }
    }
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for word in &order {
        offset += bytes_of(old, word).len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    let list_bytes = |n: usize, part: usize| -> &[u8] {
        match (&order[n], &encoded[n]) {
            (_, Some(lists)) => &lists[part],
            (Word::Old(i), None) => old.list(*i, PARTS_IN_ORDER[part]).unwrap_or(&[]),
            (Word::Changed(..), None) => &[],
        }
    };
    let mut offset = 0u64;
    out.extend_from_slice(&offset.to_le_bytes());
    for n in 0..order.len() {
        for part in 0..PARTS {
            offset += list_bytes(n, part).len() as u64;
            out.extend_from_slice(&offset.to_le_bytes());
        }
    }
    for word in &order {
        out.extend_from_slice(bytes_of(old, word));
    }
    for n in 0..order.len() {
        for part in 0..PARTS {
            out.extend_from_slice(list_bytes(n, part));
        }
    }
    out
}

/// The parts by their number in the file.
const PARTS_IN_ORDER: [Part; PARTS] = [Part::Title, Part::Topics, Part::Text];

/// A list's entries (see the file layout).
fn decode(list: &[u8], part: Part) -> Vec<Posting> {
    if part == Part::Topics {
        return list.chunks_exact(TOPIC_ENTRY).map(topic_entry).collect();
    }
    let mut postings = Vec::new();
    each_gap_entry(list, |article, units| postings.push((article, 0, units)));
    postings
}

/// Calls `f` with each (article, weight units) of a title or text list, in order; a damaged
/// list ends early rather than misleads.
#[inline(always)]
fn each_gap_entry(list: &[u8], mut f: impl FnMut(u32, u16)) {
    let mut at = 0;
    let mut article = 0u32;
    while at < list.len() {
        let mut gap = 0u32;
        let mut shift = 0;
        loop {
            let Some(&byte) = list.get(at) else { return };
            at += 1;
            gap |= u32::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
            if shift > 28 {
                return;
            }
        }
        let Some(units) = list.get(at..at + 2) else {
            return;
        };
        at += 2;
        article = article.wrapping_add(gap);
        f(article, u16::from_le_bytes([units[0], units[1]]));
    }
}

/// A list's bytes (see the file layout).
fn encode_list(postings: &[Posting], part: Part) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 8);
    let mut last = 0;
    for &(article, topic, units) in postings {
        if part == Part::Topics {
            out.extend_from_slice(&article.to_le_bytes());
            out.extend_from_slice(&topic.to_le_bytes());
        } else {
            write_varint(&mut out, article.wrapping_sub(last));
            last = article;
        }
        out.extend_from_slice(&units.to_le_bytes());
    }
    out
}

/// BM25's inverse document frequency of a word `held` of `n` articles hold.
fn idf(n: f32, held: f32) -> f32 {
    (1.0 + (n - held + 0.5) / (held + 0.5)).ln()
}

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The ranking file of an index, read in place (memory-mapped, or in memory for `check`).
pub struct ArticleRanking {
    bytes: OwnedBytes,
    /// Tells this opening of a ranking file from every other in the process (decoded lists
    /// kept across searches are only reused for the file they came from).
    id: u64,
    /// Where the table of each article's first document, and the documents, start.
    document_offsets: usize,
    documents: usize,
    articles: usize,
    words: usize,
    scale: [f32; PARTS],
    /// Where the word offsets, list offsets, words and lists start.
    word_offsets: usize,
    list_offsets: usize,
    word_bytes: usize,
    list_bytes: usize,
}

impl ArticleRanking {
    /// Checks the header and the tables' sizes; says what is wrong otherwise.
    pub fn open(bytes: OwnedBytes) -> Result<ArticleRanking, LayoutError> {
        let data = bytes.as_slice();
        if !data.starts_with(MAGIC) {
            return Err(LayoutError::NotOurs("ranking"));
        }
        let short = || LayoutError::CutShort;
        let articles = read_u32(data, MAGIC.len()).ok_or_else(short)? as usize;
        let words = read_u32(data, MAGIC.len() + 4).ok_or_else(short)? as usize;
        let mut scale = [0f32; PARTS];
        for (part, s) in scale.iter_mut().enumerate() {
            let bits = read_u32(data, MAGIC.len() + 8 + part * 4).ok_or_else(short)?;
            *s = f32::from_bits(bits);
        }
        let document_offsets = MAGIC.len() + 8 + PARTS * 4;
        let documents = document_offsets + (articles + 1) * 4;
        let document_count = read_u32(data, documents - 4).ok_or_else(short)? as usize;
        let word_offsets = documents + document_count * 4;
        let list_offsets = word_offsets + (words + 1) * 4;
        let word_bytes = list_offsets + (words * PARTS + 1) * 8;
        let words_len = read_u32(data, list_offsets - 4).ok_or_else(short)? as usize;
        let list_bytes = word_bytes + words_len;
        let lists_len = read_u64(data, word_bytes - 8).ok_or_else(short)?;
        if list_bytes as u64 + lists_len != data.len() as u64 {
            return Err(LayoutError::Size("tables"));
        }
        Ok(ArticleRanking {
            bytes,
            id: crate::search::caches::next_opening(),
            document_offsets,
            documents,
            articles,
            words,
            scale,
            word_offsets,
            list_offsets,
            word_bytes,
            list_bytes,
        })
    }

    /// The document (hits-file record) that topic `topic` of `article` stands for.
    pub fn document(&self, article: u32, topic: u16) -> Option<u32> {
        let data = self.bytes.as_slice();
        let at = self.document_offsets + article as usize * 4;
        let (from, to) = (read_u32(data, at)?, read_u32(data, at + 4)?);
        let n = from.checked_add(u32::from(topic)).filter(|n| *n < to)?;
        read_u32(data, self.documents + n as usize * 4)
    }

    /// This opening's number, unique in the process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How many articles the index has (article ids are below this).
    pub fn articles(&self) -> usize {
        self.articles
    }

    /// Word number `i`.
    fn word(&self, i: usize) -> Option<&[u8]> {
        let data = self.bytes.as_slice();
        let from = read_u32(data, self.word_offsets + i * 4)? as usize;
        let to = read_u32(data, self.word_offsets + (i + 1) * 4)? as usize;
        data.get(self.word_bytes + from..self.word_bytes + to)
    }

    /// The word's number, when an article holds it.
    fn find(&self, stem: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.words);
        while low < high {
            let middle = (low + high) / 2;
            match self.word(middle)?.cmp(stem.as_bytes()) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// What one weight unit of `part` stands for: a weight is its units times this.
    pub fn scale(&self, part: Part) -> f32 {
        self.scale[part as usize]
    }

    /// Calls `f` with each article holding `stem` in its title or text (`part`) and the
    /// word's BM25 weight there in units (see [`Self::scale`]), in article order; with
    /// `Part::Topics`, each article's best topic's. A damaged list ends early rather than
    /// misleads.
    pub fn for_each_units(&self, stem: &str, part: Part, mut f: impl FnMut(u32, u16)) {
        let Some(list) = self.find(stem).and_then(|word| self.list(word, part)) else {
            return;
        };
        if part == Part::Topics {
            // Entries are ordered by article: each article's best is the highest of a run.
            let mut current: Option<(u32, u16)> = None;
            for entry in list.chunks_exact(TOPIC_ENTRY) {
                let (article, _, units) = topic_entry(entry);
                match &mut current {
                    Some((a, best)) if *a == article => *best = (*best).max(units),
                    _ => {
                        if let Some((a, best)) = current.replace((article, units)) {
                            f(a, best);
                        }
                    }
                }
            }
            if let Some((a, best)) = current {
                f(a, best);
            }
            return;
        }
        each_gap_entry(list, f);
    }

    /// `stem`'s topics list, to look articles up in with [`Self::topics_in`].
    pub fn topics(&self, stem: &str) -> Topics<'_> {
        Topics {
            list: self
                .find(stem)
                .and_then(|w| self.list(w, Part::Topics))
                .unwrap_or(&[]),
            scale: self.scale[Part::Topics as usize],
        }
    }

    fn list(&self, word: usize, part: Part) -> Option<&[u8]> {
        let data = self.bytes.as_slice();
        let n = word * PARTS + part as usize;
        let from = read_u64(data, self.list_offsets + n * 8)? as usize;
        let to = read_u64(data, self.list_offsets + (n + 1) * 8)? as usize;
        data.get(self.list_bytes + from..self.list_bytes + to)
    }
}

/// The bytes of one topics-list entry: article (u32), topic (u16), weight (u16).
const TOPIC_ENTRY: usize = 8;

fn topic_entry(entry: &[u8]) -> (u32, u16, u16) {
    let [a0, a1, a2, a3, t0, t1, w0, w1] = entry.try_into().unwrap_or([0; TOPIC_ENTRY]);
    (
        u32::from_le_bytes([a0, a1, a2, a3]),
        u16::from_le_bytes([t0, t1]),
        u16::from_le_bytes([w0, w1]),
    )
}

/// One word's topics list.
#[derive(Clone, Copy)]
pub struct Topics<'a> {
    list: &'a [u8],
    scale: f32,
}

/// Articles per block of [`Topics::starts`].
pub const TOPIC_BLOCK: u32 = 16;

impl Topics<'_> {
    /// For each block of TOPIC_BLOCK articles (up to `articles`), the number of the list's
    /// first entry at or after its first article, and the number of entries at the end: where
    /// [`Self::of`] looks for an article's entries instead of bisecting the whole list, which
    /// reads a cache line of the file for each step.
    pub fn starts(&self, articles: usize) -> Vec<u32> {
        let blocks = articles.div_ceil(TOPIC_BLOCK as usize);
        let mut starts = Vec::with_capacity(blocks + 1);
        for (n, entry) in self.list.chunks_exact(TOPIC_ENTRY).enumerate() {
            let block = (topic_entry(entry).0 / TOPIC_BLOCK) as usize;
            while starts.len() <= block.min(blocks) {
                starts.push(n as u32);
            }
        }
        let entries = (self.list.len() / TOPIC_ENTRY) as u32;
        starts.resize(blocks + 1, entries);
        starts
    }

    /// Calls `f` with each topic of `article` holding the word, and its weight there;
    /// `starts` as [`Self::starts`] gives them for this list (empty: bisect the whole list).
    pub fn of(&self, article: u32, starts: &[u32], mut f: impl FnMut(u16, f32)) {
        let entries = self.list.len() / TOPIC_ENTRY;
        let article_at = |i: usize| topic_entry(&self.list[i * TOPIC_ENTRY..][..TOPIC_ENTRY]).0;
        let block = (article / TOPIC_BLOCK) as usize;
        let (mut low, mut high) = match (starts.get(block), starts.get(block + 1)) {
            (Some(&from), Some(&to)) => ((from as usize).min(entries), (to as usize).min(entries)),
            _ => (0, entries),
        };
        while low < high {
            let middle = (low + high) / 2;
            if article_at(middle) < article {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        for entry in self.list[low * TOPIC_ENTRY..entries * TOPIC_ENTRY].chunks_exact(TOPIC_ENTRY) {
            let (a, topic, units) = topic_entry(entry);
            if a != article {
                break;
            }
            f(topic, f32::from(units) * self.scale);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranking(articles: &[(&str, &str, &str)]) -> ArticleRanking {
        let counted: Vec<Counted> = articles
            .iter()
            .enumerate()
            .map(|(n, (title, topics, text))| count(title, &[topics], text, 2.0, vec![n as u32]))
            .collect();
        ArticleRanking::open(OwnedBytes::new(encode(&counted))).expect("opens")
    }

    fn weights(ranking: &ArticleRanking, stem: &str, part: Part) -> Vec<(u32, f32)> {
        let scale = ranking.scale(part);
        let mut out = Vec::new();
        ranking.for_each_units(stem, part, |a, units| {
            out.push((a, f32::from(units) * scale))
        });
        out
    }

    /// Articles counted as `ranking` counts them (article n's topic is document n).
    fn counted(articles: &[(&str, &str, &str)]) -> Vec<Counted> {
        articles
            .iter()
            .enumerate()
            .map(|(n, (title, topics, text))| count(title, &[topics], text, 2.0, vec![n as u32]))
            .collect()
    }

    const SHOP: [(&str, &str, &str); 5] = [
        ("refund", "money", "refund card refund money"),
        ("parcel", "refund", "parcel refund late"),
        ("parcel track", "", "parcel track number"),
        ("gift card", "card", "gift card balance card"),
        ("account", "password", "account password reset"),
    ];

    #[test]
    fn an_article_replaced_by_itself_gives_the_same_file() {
        let counted = counted(&SHOP);
        let bytes = encode(&counted);
        let old = ArticleRanking::open(OwnedBytes::new(bytes.clone())).expect("opens");
        for a in 0..SHOP.len() {
            let same =
                replace_article(&old, a as u32, &counted[a], &counted[a], averages(&counted));
            assert!(
                same == bytes,
                "article {a} replaced by itself changed the file"
            );
        }
    }

    #[test]
    fn a_replaced_article_is_found_by_its_new_words_only_and_the_others_keep_theirs() {
        let before = counted(&SHOP);
        let old = ArticleRanking::open(OwnedBytes::new(encode(&before))).expect("opens");
        let mut after = SHOP;
        after[1] = (
            "parcel courier",
            "delivery",
            "parcel courier delivery tuesday",
        );
        let new = || count(after[1].0, &[after[1].1], after[1].2, 2.0, vec![7]);
        let mut expected = counted(&after);
        expected[1] = new();
        let new = new();
        let bytes = replace_article(&old, 1, &before[1], &new, averages(&before));
        let replaced = ArticleRanking::open(OwnedBytes::new(bytes)).expect("opens");
        let full = ArticleRanking::open(OwnedBytes::new(encode(&expected))).expect("opens");
        assert_eq!(replaced.articles(), 5);
        assert_eq!(replaced.document(1, 0), Some(7));
        assert_eq!(replaced.document(2, 0), Some(2));
        for stem in ["tuesday", "courier", "delivery"] {
            for part in [Part::Title, Part::Topics, Part::Text] {
                let ids = |r: &ArticleRanking| -> Vec<u32> {
                    weights(r, stem, part).iter().map(|(a, _)| *a).collect()
                };
                assert_eq!(ids(&replaced), ids(&full), "{stem} in {part:?}");
            }
        }
        assert!(
            weights(&replaced, "late", Part::Text).is_empty(),
            "a word only the old version had"
        );
        assert_eq!(
            weights(&replaced, "refund", Part::Text)
                .iter()
                .map(|(a, _)| *a)
                .collect::<Vec<_>>(),
            [0]
        );
        // Every other article keeps its weights exactly; the new one's are the full build's
        // but for the statistics, which an update does not work out again.
        for stem in [
            "refund", "parcel", "card", "track", "gift", "money", "password",
        ] {
            for part in [Part::Title, Part::Topics, Part::Text] {
                let kept: Vec<(u32, f32)> = weights(&old, stem, part)
                    .into_iter()
                    .filter(|(a, _)| *a != 1)
                    .collect();
                let now: Vec<(u32, f32)> = weights(&replaced, stem, part)
                    .into_iter()
                    .filter(|(a, _)| *a != 1)
                    .collect();
                assert_eq!(now, kept, "{stem} in {part:?}");
            }
        }
        for part in [Part::Title, Part::Text] {
            let parcel = |r: &ArticleRanking| {
                weights(r, "parcel", part)
                    .into_iter()
                    .find(|(a, _)| *a == 1)
                    .map(|(_, w)| w)
                    .expect("the replaced article holds \"parcel\"")
            };
            let (now, full) = (parcel(&replaced), parcel(&full));
            assert!(
                (now - full).abs() < full * 0.25,
                "{part:?}: {now} against {full}"
            );
        }
    }

    #[test]
    fn weights_are_bm25_of_each_part() {
        let r = ranking(&[
            ("refund", "", "refund card refund"),
            ("parcel", "refund", "parcel refund"),
            ("parcel", "", "parcel"),
        ]);
        assert_eq!(r.articles(), 3);
        // Text: "refund" in articles 0 (twice in 3 words) and 1 (once in 2); average length 2.
        let n = 3.0;
        let idf = idf(n, 2.0);
        let bm25 =
            |tf: f32, len: f32| idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / 2.0));
        let text = weights(&r, "refund", Part::Text);
        assert_eq!(text.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [0, 1]);
        for ((_, got), want) in text.iter().zip([bm25(2.0, 3.0), bm25(1.0, 2.0)]) {
            assert!((got - want).abs() < want / 1000.0, "{got} vs {want}");
        }
        assert_eq!(weights(&r, "refund", Part::Title).len(), 1);
        assert_eq!(weights(&r, "refund", Part::Topics)[0].0, 1);
        assert!(weights(&r, "absent", Part::Text).is_empty());
    }

    #[test]
    fn a_question_matching_word_for_word_counts_fully_among_many() {
        let faq = [
            "how long refund take",
            "where parcel",
            "who pay ship",
            "can exchang",
        ];
        let counted = [
            count("faq", &faq, "faq", 4.0, vec![0, 1, 2, 3]),
            count(
                "refund polici",
                &["how long it take reach you"],
                "refund polici",
                4.0,
                vec![4],
            ),
        ];
        let r = ArticleRanking::open(OwnedBytes::new(encode(&counted))).expect("opens");
        let topics = weights(&r, "long", Part::Topics);
        // The FAQ's 4-word question weighs "long" more than the other's 6-word heading does,
        // however many other questions the FAQ has.
        assert_eq!(topics.iter().map(|(a, _)| *a).collect::<Vec<_>>(), [0, 1]);
        assert!(topics[0].1 > topics[1].1, "{topics:?}");
        // Each topic stands for its document.
        assert_eq!(r.document(0, 0), Some(0));
        assert_eq!(r.document(0, 3), Some(3));
        assert_eq!(r.document(1, 0), Some(4));
        assert_eq!(r.document(0, 4), None);
    }

    #[test]
    fn the_text_list_is_every_article_with_the_word_anywhere() {
        // The text holds every word of the article, topics and title included.
        let r = ranking(&[("a", "", "a x"), ("b", "", "b"), ("c x", "x", "c x x")]);
        let holders: Vec<u32> = weights(&r, "x", Part::Text)
            .iter()
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(holders, [0, 2]);
        assert_eq!(weights(&r, "x", Part::Title).len(), 1);
    }

    #[test]
    fn article_ids_past_one_varint_byte_read_back() {
        let many: Vec<(&str, &str, &str)> = (0..300)
            .map(|i| {
                if i % 97 == 0 {
                    ("t", "", "rare t")
                } else {
                    ("t", "", "t")
                }
            })
            .collect();
        let r = ranking(&many);
        let holders: Vec<u32> = weights(&r, "rare", Part::Text)
            .iter()
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(holders, [0, 97, 194, 291]);
    }

    #[test]
    fn an_articles_topics_are_found_through_the_blocks_as_by_bisecting() {
        // Articles with none, one or several questions holding "refund", in runs longer and
        // shorter than a block, and an empty block in between.
        let topics: Vec<Vec<String>> = (0..100u32)
            .map(|a| match a % 7 {
                _ if (40..60).contains(&a) => vec!["delivery".to_string()],
                0 | 3 => vec!["refund card".to_string(), "delivery refund".to_string()],
                5 => vec!["delivery".to_string(), "refund".to_string()],
                _ => vec!["delivery".to_string()],
            })
            .collect();
        let counted: Vec<Counted> = topics
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let t: Vec<&str> = t.iter().map(String::as_str).collect();
                count("t", &t, "t", 2.0, vec![n as u32; t.len()])
            })
            .collect();
        let r = ArticleRanking::open(OwnedBytes::new(encode(&counted))).expect("opens");
        let list = r.topics("refund");
        let starts = list.starts(100);
        assert_eq!(starts.len(), 100usize.div_ceil(TOPIC_BLOCK as usize) + 1);
        let holding = topics
            .iter()
            .flatten()
            .filter(|t| t.split(' ').any(|w| w == "refund"))
            .count();
        let mut found = 0;
        for article in 0..110 {
            let (mut by_blocks, mut by_bisecting) = (Vec::new(), Vec::new());
            list.of(article, &starts, |t, w| by_blocks.push((t, w)));
            list.of(article, &[], |t, w| by_bisecting.push((t, w)));
            assert_eq!(by_blocks, by_bisecting, "article {article}");
            found += by_blocks.len();
        }
        // Every question holding the word is found, once.
        assert_eq!(found, holding);
        assert!(holding > 40, "{holding}");
    }

    #[test]
    fn a_damaged_file_is_refused_not_misread() {
        let bytes = encode(&[count("a", &[""], "a b", 1.0, vec![0])]);
        assert!(ArticleRanking::open(OwnedBytes::new(bytes[..bytes.len() - 1].to_vec())).is_err());
        assert!(ArticleRanking::open(OwnedBytes::new(b"HBRANK1\n".to_vec())).is_err());
        assert!(ArticleRanking::open(OwnedBytes::new(b"something else".to_vec())).is_err());
    }
}
