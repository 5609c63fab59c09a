//! The Tantivy schema and what an opened index hands the engine besides Tantivy: the
//! names and fields every stage agrees on, so neither building nor answering owns them.

use tantivy::directory::OwnedBytes;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::search::{OpenProblem, SearchError};

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
        let field = |name: &'static str| {
            schema.get_field(name).map_err(|_| SearchError::IndexOpen {
                path: String::new(),
                reason: OpenProblem::NoField(name),
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
