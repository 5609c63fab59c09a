//! The schema and index building. Text is analysed here (see `analyze`) into its indexed
//! words, joined by spaces and split again by Tantivy's whitespace tokenizer, so indexing and
//! querying share one analyzer per language. (Tantivy's own pre-tokenized input goes through
//! JSON and cost more than all the rest of indexing.)

use std::collections::HashMap;
use std::io;
use std::path::Path;

use rustc_hash::FxHashMap;

use rayon::prelude::*;
use tantivy::directory::OwnedBytes;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::fs::FsError;
use crate::search::store::folder::{FileList, io_cause, open_file};
use crate::search::store::hits::{self, HITS_FILE};
use crate::search::store::ranking::{self, RANKING_FILE};
use crate::search::store::schema::{Fields, IndexStats, LEXICON_FILE, SETTINGS_FILE};
use crate::search::text::analyze::{Analyzer, each_word, fold};
use crate::search::{Document, SearchError, Settings};

/// A failure to write `path`, a file of the index (disk full, read-only).
pub(in crate::search) fn write_failed(path: &Path) -> impl FnOnce(io::Error) -> SearchError + '_ {
    move |e| FsError::new("writing", path, e).into()
}

/// A failure of Tantivy writing the index in `dir` (in memory when `None`), told by the
/// system's error behind it and the file it names, when it names one.
pub(in crate::search) fn tantivy_failed(
    dir: Option<&Path>,
) -> impl FnOnce(TantivyError) -> SearchError + '_ {
    move |error| {
        let (file, cause) = io_cause(&error);
        let error = match (dir, file) {
            (Some(dir), Some(file)) => FsError::new("writing", &dir.join(file), cause),
            (Some(dir), None) => FsError::new("writing the search index into", dir, cause),
            (None, _) => FsError::new("building", Path::new("the search index in memory"), cause),
        };
        error.into()
    }
}

/// Why the writer's indexing threads stopped. When one fails (a full disk), Tantivy stops
/// them all and every later `add_document` says only "An index writer was killed"; the
/// failure itself is what the thread returned, which the commit collects.
pub(in crate::search) fn why_stopped(
    writer: &mut IndexWriter<TantivyDocument>,
    said: TantivyError,
) -> TantivyError {
    match writer.commit() {
        Err(cause) => cause,
        Ok(_) => said,
    }
}

/// Builds the index into `dir` (created; must not hold an index yet), or in memory when
/// `dir` is `None` (for `check`). Returns the open index.
pub fn write_index(
    dir: Option<&Path>,
    documents: &[Document],
    settings: &Settings,
) -> Result<(Index, IndexStats), SearchError> {
    write(dir, documents, settings, false).map(|(index, stats, _)| (index, stats))
}

/// [`write_index`] into `dir`, keeping what updating it article by article needs (see
/// [`crate::search::LiveIndex`]).
pub fn write_live_index(
    dir: &Path,
    documents: Vec<Document>,
    settings: &Settings,
) -> Result<(Index, IndexStats, LiveIndexParts), SearchError> {
    let (index, stats, counted) = write(Some(dir), &documents, settings, true)?;
    let kept = LiveIndexParts {
        counted: counted.unwrap_or_default(),
        average_topic: average_topic(&documents),
        lexicon: stats.lexicon.clone(),
        documents,
    };
    Ok((index, stats, kept))
}

/// What a build keeps of its index for [`crate::search::LiveIndex`].
pub struct LiveIndexParts {
    /// Every document, by its record number in the hits file.
    pub(in crate::search) documents: Vec<Document>,
    /// Each article's counted words, by article id.
    pub(in crate::search) counted: Vec<ranking::Counted>,
    pub(in crate::search) average_topic: f32,
    pub(in crate::search) lexicon: Vec<(String, u64)>,
}

/// Builds the index; with `keep`, returns each article's counted words too.
// Over 100 lines: the build's steps in order, with the ones that run two by two on two
// threads side by side (see bench/README.md).
fn write(
    dir: Option<&Path>,
    documents: &[Document],
    settings: &Settings,
    keep: bool,
) -> Result<(Index, IndexStats, Option<Vec<ranking::Counted>>), SearchError> {
    let (schema, fields) = Fields::schema();
    let mut files = FileList::new();
    let index = match dir {
        Some(dir) => {
            crate::fs::create_dir_all(dir)?;
            let path = dir.join(SETTINGS_FILE);
            let settings_json = serde_json::to_vec_pretty(settings)
                .map_err(|e| write_failed(&path)(io::Error::other(e)))?;
            crate::fs::write(&path, &settings_json)?;
            files.add(SETTINGS_FILE, &settings_json);
            Index::create_in_dir(dir, schema).map_err(tantivy_failed(Some(dir)))?
        }
        None => Index::create_in_ram(schema),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 50_000_000 * threads)
        .map_err(tantivy_failed(dir))?;
    // Merging the segments the writer threads leave (a dozen at 10,000 articles) would add a
    // single-threaded pass to the build and, measured, does not make searches faster.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // An article's documents, by article (the article id is the group's position).
    let mut article_ids: HashMap<&str, usize> = HashMap::new();
    // Each article's documents by their number in `documents`, which is also their record's
    // number in the hits file.
    let mut articles: Vec<Vec<usize>> = Vec::new();
    for (n, doc) in documents.iter().enumerate() {
        let next = articles.len();
        let id = *article_ids.entry(&*doc.article_url).or_insert(next);
        if id == articles.len() {
            articles.push(Vec::new());
        }
        articles[id].push(n);
    }
    // Analysis (stemming) runs on rayon's threads; Tantivy's writer threads index. The words
    // are counted on the way (documents per word), for the lexicon: one count per rayon job,
    // merged as jobs finish (one per chunk of 32 articles held 26 MB at 10,000 articles).
    let average_topic = average_topic(documents);
    type Counts = FxHashMap<String, (u64, usize)>;
    let analyzed = articles
        .par_chunks(32)
        .enumerate()
        .try_fold(
            || (Counts::default(), Vec::new()),
            |(mut counts, mut chunks), (chunk_no, chunk)| {
                let mut counted = Vec::with_capacity(chunk.len());
                for (n, group) in chunk.iter().enumerate() {
                    let article = (chunk_no * 32 + n) as u64;
                    let mut words = ArticleWords::default();
                    let mut analyzed: Vec<TantivyDocument> = Vec::with_capacity(group.len());
                    for &hit in group {
                        // A word is counted once per document: `last` is the last document
                        // (its number plus one) that counted it.
                        let doc_no = hit + 1;
                        let tantivy_doc = to_tantivy(
                            &documents[hit],
                            &fields,
                            article,
                            hit as u64,
                            &mut words,
                            &mut |folded| match counts.get_mut(folded) {
                                Some((count, last)) => {
                                    if *last != doc_no {
                                        *count += 1;
                                        *last = doc_no;
                                    }
                                }
                                None => {
                                    counts.insert(folded.to_string(), (1, doc_no));
                                }
                            },
                        );
                        analyzed.push(tantivy_doc);
                    }
                    let topics: Vec<&str> = words.topics.iter().map(String::as_str).collect();
                    counted.push(ranking::count(
                        &words.title,
                        &topics,
                        &words.text,
                        average_topic,
                        std::mem::take(&mut words.documents),
                    ));
                    for tantivy_doc in analyzed {
                        writer.add_document(tantivy_doc)?;
                    }
                }
                chunks.push((chunk_no, counted));
                Ok::<_, tantivy::TantivyError>((counts, chunks))
            },
        )
        .try_reduce(
            || (Counts::default(), Vec::new()),
            |(mut a, mut a_chunks), (mut b, b_chunks)| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                for (word, (n, _)) in b {
                    a.entry(word).or_insert((0, 0)).0 += n;
                }
                a_chunks.extend(b_chunks);
                Ok((a, a_chunks))
            },
        );
    let (counts, mut chunks) =
        analyzed.map_err(|said| tantivy_failed(dir)(why_stopped(&mut writer, said)))?;
    chunks.sort_unstable_by_key(|(chunk_no, _)| *chunk_no);
    let counted: Vec<ranking::Counted> = chunks.into_iter().flat_map(|(_, c)| c).collect();
    // What is left is four serial steps; two threads do them two by two: Tantivy's commit and
    // then the ranking file (after the commit, so that Tantivy's buffers and the ranking's are
    // not held at once) beside the lexicon and then the hit records.
    let (ranking, lexicon_and_hits) = std::thread::scope(|scope| {
        let ranking = scope.spawn(move || -> Result<_, SearchError> {
            writer.commit().map_err(tantivy_failed(dir))?;
            writer.wait_merging_threads().map_err(tantivy_failed(dir))?;
            let ranking_bytes = ranking::encode(&counted);
            let kept = keep.then_some(counted);
            let ranking = match dir {
                Some(dir) => {
                    let path = dir.join(RANKING_FILE);
                    crate::fs::write(&path, &ranking_bytes)?;
                    drop(ranking_bytes);
                    open_file(dir, RANKING_FILE).map_err(write_failed(&path))?
                }
                None => OwnedBytes::new(ranking_bytes),
            };
            Ok((ranking, kept))
        });
        let lexicon_and_hits = lexicon_and_hits(dir, documents, counts, &mut files);
        // The thread returns its failures; a panic there is a bug, carried on here.
        let ranking = ranking
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (ranking, lexicon_and_hits)
    });
    let (lexicon, hits) = lexicon_and_hits?;
    let (ranking, counted) = ranking?;
    if let Some(dir) = dir {
        files.add(RANKING_FILE, ranking.as_slice());
        files.write(dir)?;
    }
    Ok((
        index,
        IndexStats {
            lexicon,
            hits,
            added_hits: None,
            ranking,
        },
        counted,
    ))
}

/// The lexicon (every folded word with the number of documents holding it) and the hit
/// records, written to `dir` and noted in `files` (or kept in memory).
fn lexicon_and_hits(
    dir: Option<&Path>,
    documents: &[Document],
    counts: FxHashMap<String, (u64, usize)>,
    files: &mut FileList,
) -> Result<(Vec<(String, u64)>, OwnedBytes), SearchError> {
    let mut lexicon: Vec<(String, u64)> =
        counts.into_iter().map(|(word, (n, _))| (word, n)).collect();
    lexicon.sort_unstable();
    if let Some(dir) = dir {
        let text = lexicon_text(lexicon.iter().map(|(word, count)| (word.as_str(), *count)));
        crate::fs::write(&dir.join(LEXICON_FILE), text.as_bytes())?;
        files.add(LEXICON_FILE, text.as_bytes());
    }
    let hits = match dir {
        Some(dir) => {
            let path = dir.join(HITS_FILE);
            let file = std::fs::File::create(&path).map_err(write_failed(&path))?;
            let mut out = std::io::BufWriter::new(file);
            hits::write(documents, &mut out)
                .and_then(|()| std::io::Write::flush(&mut out))
                .map_err(write_failed(&path))?;
            // Mapped back rather than kept in memory beside the rendered site.
            let hits = open_file(dir, HITS_FILE).map_err(write_failed(&path))?;
            files.add(HITS_FILE, hits.as_slice());
            hits
        }
        None => {
            let mut bytes = std::io::Cursor::new(Vec::new());
            hits::write(documents, &mut bytes).map_err(write_failed(Path::new("memory")))?;
            OwnedBytes::new(bytes.into_inner())
        }
    };
    Ok((lexicon, hits))
}

/// The lexicon file's text: a word and the number of documents holding it per line.
pub(in crate::search) fn lexicon_text<'a>(
    words: impl ExactSizeIterator<Item = (&'a str, u64)>,
) -> String {
    let mut text = String::with_capacity(words.len() * 12);
    for (word, count) in words {
        text.push_str(word);
        text.push('\t');
        text.push_str(&count.to_string());
        text.push('\n');
    }
    text
}

/// How many words an article's topic (its tags and description, a heading or a question) has
/// on average.
pub(in crate::search) fn average_topic(documents: &[Document]) -> f32 {
    let (mut topics, mut words) = (0usize, 0usize);
    for doc in documents {
        let tags = if *doc.url == *doc.article_url {
            format!("{} {}", doc.tags.join(" "), doc.description)
        } else {
            String::new()
        };
        for text in [&doc.heading, &tags].into_iter().chain(&doc.keywords) {
            let before = words;
            each_word(text, |_, _, _| words += 1);
            topics += usize::from(words > before);
        }
    }
    words as f32 / topics.max(1) as f32
}

/// An article's words (stemmed, space-separated) by the part it is ranked on.
#[derive(Default)]
pub(in crate::search) struct ArticleWords {
    pub(in crate::search) title: String,
    /// One topic per document: the article's own document's is its tags and description, a
    /// section's its heading or question (either may be empty).
    pub(in crate::search) topics: Vec<String>,
    /// Each document's number (its record in the hits file), in the order of `topics`.
    pub(in crate::search) documents: Vec<u32>,
    /// Every word, title and topics included.
    pub(in crate::search) text: String,
}

/// The Tantivy document. Its stemmed words are also added to its article's `words`, and
/// `seen` is called with each folded word of its text.
pub(in crate::search) fn to_tantivy(
    doc: &Document,
    fields: &Fields,
    article: u64,
    hit: u64,
    words: &mut ArticleWords,
    seen: &mut dyn FnMut(&str),
) -> TantivyDocument {
    let analyzer = Analyzer::for_lang(&doc.lang);
    let is_head = *doc.url == *doc.article_url;
    let mut out = TantivyDocument::default();
    let heading = analyze(&analyzer, &doc.heading, seen);
    let body = analyze(&analyzer, &doc.text, seen);
    if is_head {
        let title = analyze(&analyzer, &doc.title, seen);
        append(&mut words.title, &title);
        append(&mut words.text, &title);
        // The tags and the description are the article's own document's topic: what the
        // writer says it is about.
        let tags = analyze(&analyzer, &doc.tags.join(" "), &mut |_| {});
        append(&mut words.text, &tags);
        // (The description is also at the start of the text.)
        let mut about = tags;
        append(
            &mut about,
            &analyze(&analyzer, &doc.description, &mut |_| {}),
        );
        words.topics.push(about);
        words.documents.push(hit as u32);
        // Each keyword is a topic of its own, as a question is: "where is my order" matched
        // word for word counts fully, whatever else the article is about.
        for keyword in &doc.keywords {
            let keyword = analyze(&analyzer, keyword, seen);
            append(&mut words.text, &keyword);
            words.topics.push(keyword);
            words.documents.push(hit as u32);
        }
        out.add_text(fields.title, title);
        out.add_text(fields.filter_lang, &doc.lang);
        out.add_text(fields.filter_section, &doc.section);
    }
    append(&mut words.text, &heading);
    append(&mut words.text, &body);
    out.add_text(fields.heading, &heading);
    if !is_head {
        words.topics.push(heading);
        words.documents.push(hit as u32);
    }
    out.add_text(fields.body, body);
    out.add_u64(fields.article, article);
    out.add_u64(fields.hit, hit);
    out
}

/// Adds space-separated words to a field's text.
fn append(text: &mut String, words: &str) {
    if !words.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(words);
    }
}

/// The text's stemmed words, space-separated; each folded word goes to `seen`.
fn analyze(analyzer: &Analyzer, text: &str, seen: &mut dyn FnMut(&str)) -> String {
    let mut stems = String::with_capacity(text.len());
    each_word(text, |_, _, lower| {
        if !stems.is_empty() {
            stems.push(' ');
        }
        analyzer.stem_into(lower, &mut stems);
        seen(&fold(lower));
    });
    stems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_tantivy_write_is_told_by_its_cause_not_by_the_stopped_writer() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().join("index");
        std::fs::create_dir(&dir).unwrap();
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_dir(&dir, schema).unwrap();
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        // The folder goes: the indexing thread cannot create its segment's files, a real
        // failure of the file system as a full disk is.
        std::fs::remove_dir_all(&dir).unwrap();
        let document = || {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.body, "refund");
            doc
        };
        // Fewer documents than Tantivy's queue holds: adding never waits on the dead thread.
        let said = (0..5_000).find_map(|_| writer.add_document(document()).err());
        let cause = match said {
            Some(said) => {
                assert!(said.to_string().contains("killed"), "{said}");
                why_stopped(&mut writer, said)
            }
            // The thread had not failed yet when the last document went in.
            None => writer.commit().expect_err("the segment cannot be written"),
        };
        let message = tantivy_failed(Some(&dir))(cause).to_string();
        assert!(
            message.starts_with("no such file or directory while writing `"),
            "{message}"
        );
        assert!(message.contains(&dir.display().to_string()), "{message}");
        assert!(!message.contains("killed"), "{message}");
    }
}
