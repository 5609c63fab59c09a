//! The schema and index building. Text is analysed here (see `analyze`) into its indexed
//! words, joined by spaces and split again by Tantivy's whitespace tokenizer, so indexing and
//! querying share one analyzer per language. (Tantivy's own pre-tokenized input goes through
//! JSON and cost more than all the rest of indexing.)

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::Path;

use rayon::prelude::*;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument};

use super::analyze::{Analyzer, each_word, fold};
use super::{Document, SearchError, Settings};

/// The settings file beside the index.
pub const SETTINGS_FILE: &str = "helpbook-search.json";
/// Every word of the index, unstemmed and folded, with its document count: `word\tcount` lines.
pub const LEXICON_FILE: &str = "helpbook-lexicon.tsv";

/// Every field of the index.
#[derive(Clone, Copy)]
pub struct Fields {
    pub title: Field,
    pub heading: Field,
    pub tags: Field,
    pub body: Field,
    pub lang: Field,
    pub section: Field,
    /// Groups a section's documents with their article (fast field).
    pub article: Field,
    pub url: Field,
    pub article_url: Field,
    pub title_text: Field,
    pub heading_text: Field,
    pub section_title: Field,
    pub kind: Field,
    pub text: Field,
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
            tags: builder.add_text_field("tags", positions.clone()),
            body: builder.add_text_field("body", positions),
            lang: builder.add_text_field("lang", STRING | STORED),
            section: builder.add_text_field("section", STRING),
            article: builder.add_u64_field("article", INDEXED | FAST),
            url: builder.add_text_field("url", STORED),
            article_url: builder.add_text_field("article_url", STORED),
            title_text: builder.add_text_field("title_text", STORED),
            heading_text: builder.add_text_field("heading_text", STORED),
            section_title: builder.add_text_field("section_title", STORED),
            kind: builder.add_text_field("kind", STORED),
            text: builder.add_text_field("text", STORED),
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
            tags: field("tags")?,
            body: field("body")?,
            lang: field("lang")?,
            section: field("section")?,
            article: field("article")?,
            url: field("url")?,
            article_url: field("article_url")?,
            title_text: field("title_text")?,
            heading_text: field("heading_text")?,
            section_title: field("section_title")?,
            kind: field("kind")?,
            text: field("text")?,
        })
    }
}

/// What was indexed.
#[derive(Debug, Clone, Default)]
pub struct IndexStats {
    pub documents: usize,
    pub articles: usize,
    /// Every indexed word (unstemmed, folded) with the number of documents holding it.
    pub lexicon: Vec<(String, u64)>,
}

/// Builds the index into `dir` (created; must not hold an index yet), or in memory when
/// `dir` is `None` (for `check`). Returns the open index.
pub fn write_index(
    dir: Option<&Path>,
    documents: &[Document],
    settings: &Settings,
) -> Result<(Index, IndexStats), SearchError> {
    let (schema, fields) = Fields::schema();
    let write_error = |e: &dyn std::fmt::Display| SearchError::IndexWrite(e.to_string());
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
    let mut article_ids: HashMap<&str, u64> = HashMap::new();
    for doc in documents {
        let next = article_ids.len() as u64;
        article_ids.entry(doc.article_url.as_str()).or_insert(next);
    }
    // Analysis (stemming) runs on rayon's threads; Tantivy's writer threads index. The words
    // of each chunk of documents are counted on the way (documents per word), for the lexicon.
    let counts = documents
        .par_chunks(256)
        .map(|chunk| {
            let mut local: FxHashMap<String, (u64, usize)> = FxHashMap::default();
            for (n, doc) in chunk.iter().enumerate() {
                let article = article_ids
                    .get(doc.article_url.as_str())
                    .copied()
                    .unwrap_or(0);
                let tantivy_doc =
                    to_tantivy(doc, &fields, article, &mut |folded: &str| match local
                        .get_mut(folded)
                    {
                        Some((count, last)) => {
                            if *last != n {
                                *count += 1;
                                *last = n;
                            }
                        }
                        None => {
                            local.insert(folded.to_string(), (1, n));
                        }
                    });
                writer.add_document(tantivy_doc)?;
            }
            Ok::<_, tantivy::TantivyError>(local)
        })
        .try_reduce(FxHashMap::default, |mut a, b| {
            for (word, (n, _)) in b {
                a.entry(word).or_insert((0, 0)).0 += n;
            }
            Ok(a)
        })
        .map_err(|e| write_error(&e))?;
    let counts = counts.into_iter().map(|(word, (n, _))| (word, n));
    let mut lexicon: Vec<(String, u64)> = counts.into_iter().collect();
    lexicon.sort_unstable();
    if let Some(dir) = dir {
        let mut text = String::with_capacity(lexicon.len() * 12);
        for (word, count) in &lexicon {
            text.push_str(word);
            text.push('\t');
            text.push_str(&count.to_string());
            text.push('\n');
        }
        std::fs::write(dir.join(LEXICON_FILE), text).map_err(|e| write_error(&e))?;
    }
    writer.commit().map_err(|e| write_error(&e))?;
    writer.wait_merging_threads().map_err(|e| write_error(&e))?;
    Ok((
        index,
        IndexStats {
            documents: documents.len(),
            articles: article_ids.len(),
            lexicon,
        },
    ))
}

/// The Tantivy document; `seen` is called with each folded word of its text.
fn to_tantivy(
    doc: &Document,
    fields: &Fields,
    article: u64,
    seen: &mut dyn FnMut(&str),
) -> TantivyDocument {
    let analyzer = Analyzer::for_lang(&doc.lang);
    let mut out = TantivyDocument::default();
    for (field, text) in [
        (fields.title, doc.title.as_str()),
        (fields.heading, &doc.heading),
        (fields.body, &doc.text),
    ] {
        out.add_text(field, analyze(&analyzer, text, seen));
    }
    out.add_text(
        fields.tags,
        analyze(&analyzer, &doc.tags.join(" "), &mut |_| {}),
    );
    out.add_text(fields.lang, &doc.lang);
    out.add_text(fields.section, &doc.section);
    out.add_u64(fields.article, article);
    out.add_text(fields.url, &doc.url);
    out.add_text(fields.article_url, &doc.article_url);
    out.add_text(fields.title_text, &doc.title);
    out.add_text(fields.heading_text, &doc.heading);
    out.add_text(fields.section_title, &doc.section_title);
    out.add_text(fields.kind, &doc.kind);
    out.add_text(fields.text, &doc.text);
    out
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
