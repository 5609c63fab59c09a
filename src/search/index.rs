//! The schema and index building. Text is analysed here (see `analyze`) into its indexed
//! words, joined by spaces and split again by Tantivy's whitespace tokenizer, so indexing and
//! querying share one analyzer per language. (Tantivy's own pre-tokenized input goes through
//! JSON and cost more than all the rest of indexing.)

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::Path;

use rayon::prelude::*;
use tantivy::directory::OwnedBytes;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

use super::analyze::{Analyzer, each_word, fold};
use super::hits::{self, HITS_FILE};
use super::ranking::{self, RANKING_FILE};
use super::{Document, SearchError, Settings};

/// The settings file beside the index.
pub const SETTINGS_FILE: &str = "helpbook-search.json";
/// Every word of the index, unstemmed and folded, with its document count: `word\tcount` lines.
pub const LEXICON_FILE: &str = "helpbook-lexicon.tsv";

/// Every field of the index.
///
/// Which articles match and how well each answers is decided from the ranking file (see
/// `ranking`), one entry per article; the Tantivy index holds every document's title, heading
/// and text with positions, for phrases and for which section of a found article to link to.
#[derive(Clone, Copy)]
pub struct Fields {
    /// The article's title, on its own document only.
    pub title: Field,
    /// A section's heading or question (empty on the article's own document).
    pub heading: Field,
    /// The document's own text: a section's, or the article's opening text.
    pub body: Field,
    /// The article's language and top-level section URL, on its own document only: what
    /// searches are limited by.
    pub filter_lang: Field,
    pub filter_section: Field,
    /// Groups a section's documents with their article (fast field).
    pub article: Field,
    /// The document's record in the hits file (fast field): what a hit shows.
    pub hit: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let positions = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("whitespace")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            title: builder.add_text_field("title", positions.clone()),
            heading: builder.add_text_field("heading", positions.clone()),
            body: builder.add_text_field("body", positions),
            filter_lang: builder.add_text_field("filter_lang", STRING),
            filter_section: builder.add_text_field("filter_section", STRING),
            article: builder.add_u64_field("article", INDEXED | FAST),
            hit: builder.add_u64_field("hit", FAST),
        };
        (builder.build(), fields)
    }

    pub fn from_schema(schema: &Schema) -> Result<Fields, SearchError> {
        let field = |name: &str| {
            schema.get_field(name).map_err(|_| SearchError::IndexOpen {
                path: String::new(),
                reason: format!(
                    "the index has no `{name}` field; rebuild it with this version of helpbook"
                ),
            })
        };
        Ok(Fields {
            title: field("title")?,
            heading: field("heading")?,
            body: field("body")?,
            filter_lang: field("filter_lang")?,
            filter_section: field("filter_section")?,
            article: field("article")?,
            hit: field("hit")?,
        })
    }
}

/// What the engine needs besides the index itself.
pub struct IndexStats {
    /// Every indexed word (unstemmed, folded) with the number of documents holding it.
    pub lexicon: Vec<(String, u64)>,
    /// The hits file's bytes (see `hits`): in memory, or the written file mapped.
    pub hits: OwnedBytes,
    /// The records added since the build, when preview updated an article.
    pub added_hits: Option<OwnedBytes>,
    /// The ranking file's bytes (see `ranking`), the same way.
    pub ranking: OwnedBytes,
}

/// A failure to write the index (disk full, permissions).
pub(super) fn write_error(e: &dyn std::fmt::Display) -> SearchError {
    SearchError::IndexWrite(e.to_string())
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
/// [`super::LiveIndex`]).
pub fn write_live_index(
    dir: &Path,
    documents: Vec<Document>,
    settings: &Settings,
) -> Result<(Index, IndexStats, IndexKept), SearchError> {
    let (index, stats, counted) = write(Some(dir), &documents, settings, true)?;
    let kept = IndexKept {
        counted: counted.unwrap_or_default(),
        average_topic: average_topic(&documents),
        lexicon: stats.lexicon.clone(),
        documents,
    };
    Ok((index, stats, kept))
}

/// What a build keeps of its index for [`super::LiveIndex`].
pub struct IndexKept {
    /// Every document, by its record number in the hits file.
    pub(super) documents: Vec<Document>,
    /// Each article's counted words, by article id.
    pub(super) counted: Vec<ranking::Counted>,
    pub(super) average_topic: f32,
    pub(super) lexicon: Vec<(String, u64)>,
}

/// Builds the index; with `keep`, returns each article's counted words too.
fn write(
    dir: Option<&Path>,
    documents: &[Document],
    settings: &Settings,
    keep: bool,
) -> Result<(Index, IndexStats, Option<Vec<ranking::Counted>>), SearchError> {
    let (schema, fields) = Fields::schema();
    let index = match dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| write_error(&e))?;
            let settings_json = serde_json::to_vec_pretty(settings).map_err(|e| write_error(&e))?;
            std::fs::write(dir.join(SETTINGS_FILE), settings_json).map_err(|e| write_error(&e))?;
            Index::create_in_dir(dir, schema).map_err(|e| write_error(&e))?
        }
        None => Index::create_in_ram(schema),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 50_000_000 * threads)
        .map_err(|e| write_error(&e))?;
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
    let (counts, mut chunks) = articles
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
        )
        .map_err(|e| write_error(&e))?;
    chunks.sort_unstable_by_key(|(chunk_no, _)| *chunk_no);
    let counted: Vec<ranking::Counted> = chunks.into_iter().flat_map(|(_, c)| c).collect();
    // What is left is four serial steps; two threads do them two by two: Tantivy's commit and
    // then the ranking file (after the commit, so that Tantivy's buffers and the ranking's are
    // not held at once) beside the lexicon and then the hit records.
    let (ranking, lexicon_and_hits) = std::thread::scope(|scope| {
        let ranking = scope.spawn(move || -> Result<_, SearchError> {
            writer.commit().map_err(|e| write_error(&e))?;
            writer.wait_merging_threads().map_err(|e| write_error(&e))?;
            let ranking_bytes = ranking::encode(&counted);
            let kept = keep.then_some(counted);
            let ranking = match dir {
                Some(dir) => {
                    std::fs::write(dir.join(RANKING_FILE), &ranking_bytes)
                        .map_err(|e| write_error(&e))?;
                    drop(ranking_bytes);
                    hits::open_file(dir, RANKING_FILE).map_err(|e| write_error(&e))?
                }
                None => OwnedBytes::new(ranking_bytes),
            };
            Ok((ranking, kept))
        });
        let lexicon_and_hits = lexicon_and_hits(dir, documents, counts);
        let ranking = ranking.join().unwrap_or_else(|_| {
            Err(SearchError::IndexWrite(
                "writing the ranking file stopped unexpectedly".to_string(),
            ))
        });
        (ranking, lexicon_and_hits)
    });
    let (lexicon, hits) = lexicon_and_hits?;
    let (ranking, counted) = ranking?;
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
/// records, written to `dir` (or kept in memory).
fn lexicon_and_hits(
    dir: Option<&Path>,
    documents: &[Document],
    counts: FxHashMap<String, (u64, usize)>,
) -> Result<(Vec<(String, u64)>, OwnedBytes), SearchError> {
    let mut lexicon: Vec<(String, u64)> =
        counts.into_iter().map(|(word, (n, _))| (word, n)).collect();
    lexicon.sort_unstable();
    if let Some(dir) = dir {
        let text = lexicon_text(lexicon.iter().map(|(word, count)| (word.as_str(), *count)));
        std::fs::write(dir.join(LEXICON_FILE), text).map_err(|e| write_error(&e))?;
    }
    let hits = match dir {
        Some(dir) => {
            let file = std::fs::File::create(dir.join(HITS_FILE)).map_err(|e| write_error(&e))?;
            let mut out = std::io::BufWriter::new(file);
            hits::write(documents, &mut out)
                .and_then(|()| std::io::Write::flush(&mut out))
                .map_err(|e| write_error(&e))?;
            // Mapped back rather than kept in memory beside the rendered site.
            hits::open_file(dir, HITS_FILE).map_err(|e| write_error(&e))?
        }
        None => {
            let mut bytes = std::io::Cursor::new(Vec::new());
            hits::write(documents, &mut bytes).map_err(|e| write_error(&e))?;
            OwnedBytes::new(bytes.into_inner())
        }
    };
    Ok((lexicon, hits))
}

/// The lexicon file's text: a word and the number of documents holding it per line.
pub(super) fn lexicon_text<'a>(words: impl ExactSizeIterator<Item = (&'a str, u64)>) -> String {
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
pub(super) fn average_topic(documents: &[Document]) -> f32 {
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
pub(super) struct ArticleWords {
    pub(super) title: String,
    /// One topic per document: the article's own document's is its tags and description, a
    /// section's its heading or question (either may be empty).
    pub(super) topics: Vec<String>,
    /// Each document's number (its record in the hits file), in the order of `topics`.
    pub(super) documents: Vec<u32>,
    /// Every word, title and topics included.
    pub(super) text: String,
}

/// The Tantivy document. Its stemmed words are also added to its article's `words`, and
/// `seen` is called with each folded word of its text.
pub(super) fn to_tantivy(
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
