//! Writing the ranking file: each article's words counted, weighed and encoded at build
//! time, and one article's entries replaced in place for preview.

use super::*;

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
// Over 100 lines: the file's sections in layout order, each one's offsets running on into
// the next.
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
    // Each word the article held or holds, with its lists decoded.
    let mut affected = affected_lists(old, was, new);
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

    let order = word_order(old, &affected);

    let mut out = Vec::with_capacity(data.len() + 4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(old.articles as u32).to_le_bytes());
    out.extend_from_slice(&(order.len() as u32).to_le_bytes());
    for s in old.scale {
        out.extend_from_slice(&s.to_le_bytes());
    }
    write_documents(&mut out, old, article, new);
    write_words(&mut out, old, &order);
    out
}

/// Each word `was` or `new` holds, with its lists in `old` decoded.
type Affected<'a> = std::collections::BTreeMap<&'a str, [Vec<Posting>; PARTS]>;

fn affected_lists<'a>(old: &ArticleRanking, was: &'a Counted, new: &'a Counted) -> Affected<'a> {
    let mut affected: Affected<'a> = std::collections::BTreeMap::new();
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
    affected
}

/// A word of the replaced file: as it was in the old one, or with its lists changed.
enum Word<'a> {
    Old(usize),
    Changed(&'a str, &'a [Vec<Posting>; PARTS]),
}

/// The words in order: the old ones (without those no article holds any more) and the new.
fn word_order<'a>(old: &'a ArticleRanking, affected: &'a Affected<'a>) -> Vec<Word<'a>> {
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
    order
}

/// The documents table, with `article`'s documents replaced by `new`'s.
fn write_documents(out: &mut Vec<u8>, old: &ArticleRanking, article: u32, new: &Counted) {
    let data = old.bytes.as_slice();
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
}

/// Word offsets, list offsets, words, lists: the words of `order`, each changed word's lists
/// encoded again, the others' copied.
fn write_words<'a>(out: &mut Vec<u8>, old: &'a ArticleRanking, order: &[Word<'a>]) {
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
    for word in order {
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
    for word in order {
        out.extend_from_slice(bytes_of(old, word));
    }
    for n in 0..order.len() {
        for part in 0..PARTS {
            out.extend_from_slice(list_bytes(n, part));
        }
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
pub(super) fn idf(n: f32, held: f32) -> f32 {
    (1.0 + (n - held + 0.5) / (held + 0.5)).ln()
}

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A list's entries (see the file layout).
fn decode(list: &[u8], part: Part) -> Vec<Posting> {
    if part == Part::Topics {
        return list.chunks_exact(TOPIC_ENTRY).map(topic_entry).collect();
    }
    let mut postings = Vec::new();
    each_gap_entry(list, |article, units| postings.push((article, 0, units)));
    postings
}
