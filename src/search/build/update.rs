//! An index updated article by article where it lies, for preview: a saved article's
//! documents are deleted from Tantivy and added again (one commit), its words counted again,
//! its entries in the ranking file replaced, its new records written to the added-records
//! file beside the hits file, and the lexicon's counts adjusted. No other article is analysed
//! or weighed again.
//!
//! As in Tantivy and Lucene, the statistics of an update are the build's: word weights use
//! the whole-site figures of the last full build with the saved article's counts swapped in.
//! The saved article keeps its article id; its new documents get record numbers after the
//! hits file's (its old records stay there, unreferenced, until the next full build).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::index::{
    ArticleWords, LiveIndexParts, lexicon_text, tantivy_failed, to_tantivy, why_stopped,
    write_failed,
};
use super::unsynced::Unsynced;
use crate::search::store::folder::{FileList, open_file};
use crate::search::store::hits::{self, ADDED_HITS_FILE};
use crate::search::store::ranking::{self, ArticleRanking, RANKING_FILE};
use crate::search::store::schema::{Fields, LEXICON_FILE};
use crate::search::{Damage, Document, OpenProblem, SearchError};

/// A written index (a build's `index/` folder), open for updates.
pub struct LiveIndex {
    dir: PathBuf,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    /// Each article, by article id.
    articles: Vec<Article>,
    /// Article URL -> article id.
    ids: FxHashMap<Arc<str>, u32>,
    average_topic: f32,
    /// The full build's average title and text lengths.
    averages: [f32; 2],
    /// Every folded word with the number of documents holding it.
    lexicon: FxHashMap<String, u64>,
    /// Records in the hits file and the added one.
    records: usize,
    /// The documents of the added records, in their order.
    added: Vec<Document>,
    /// The list of helpbook's files in `dir`, kept true as they are replaced.
    files: FileList,
}

/// One article as the index holds it.
struct Article {
    documents: Vec<Document>,
    /// Its counted words, as its entries in the ranking file were made from.
    counted: ranking::Counted,
}

impl LiveIndex {
    /// Opens the index that `kept` was kept from, now in `dir`, for updates.
    pub fn open(kept: LiveIndexParts, dir: &Path) -> Result<LiveIndex, SearchError> {
        let directory = Unsynced::open(dir).map_err(|e| tantivy_failed(Some(dir))(e.into()))?;
        let index = Index::open(directory).map_err(tantivy_failed(Some(dir)))?;
        let fields = Fields::from_schema(&index.schema())?;
        let files = FileList::read(dir)?;
        // One thread and Tantivy's smallest budget: an update is one article.
        let writer: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .map_err(tantivy_failed(Some(dir)))?;
        // As in the build: a merge would rewrite the whole index in the background after a
        // save, and commit behind preview's back.
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let records = kept.documents.len();
        let mut ids: FxHashMap<Arc<str>, u32> = FxHashMap::default();
        let mut documents: Vec<Vec<Document>> = Vec::new();
        // Article ids are given in order of first appearance, as the build gives them.
        for document in kept.documents {
            let next = documents.len() as u32;
            let id = *ids.entry(document.article_url.clone()).or_insert(next);
            if id == next {
                documents.push(Vec::new());
            }
            documents[id as usize].push(document);
        }
        if documents.len() != kept.counted.len() {
            return Err(SearchError::IndexOpen {
                path: dir.display().to_string(),
                reason: OpenProblem::Miscounted {
                    documents: documents.len(),
                    counted: kept.counted.len(),
                },
            });
        }
        let averages = ranking::averages(&kept.counted);
        let articles = documents
            .into_iter()
            .zip(kept.counted)
            .map(|(documents, counted)| Article { documents, counted })
            .collect();
        Ok(LiveIndex {
            dir: dir.to_path_buf(),
            writer,
            fields,
            articles,
            ids,
            averages,
            average_topic: kept.average_topic,
            lexicon: kept.lexicon.into_iter().collect(),
            records,
            added: Vec::new(),
            files,
        })
    }

    /// Replaces the documents of the article they belong to (all of `documents` are one
    /// article's) and commits. `Ok(false)`, changing nothing, when the index has no such
    /// article: a new article needs a full build.
    ///
    /// The one place an article is replaced, in everything a search reads about it: the
    /// lexicon's counts (typos, completions, "did you mean"), its records (appended to the
    /// added-records file), its entries in the ranking file (matching and scores), the list
    /// of files (their checksums and formats), then its documents in Tantivy (phrases,
    /// filters, anchors), whose commit tells the server to open the index again; what
    /// searches keep per thread is keyed by that opening (see `caches`).
    pub fn replace(&mut self, documents: Vec<Document>) -> Result<bool, SearchError> {
        let Some(&id) = documents
            .first()
            .and_then(|d| self.ids.get(&*d.article_url))
        else {
            return Ok(false);
        };
        // The old documents' words leave the lexicon, the new ones' join it.
        for old in &self.articles[id as usize].documents {
            for word in folded_words(old, &self.fields) {
                if let Some(count) = self.lexicon.get_mut(&word) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        self.lexicon.remove(&word);
                    }
                }
            }
        }
        let mut words = ArticleWords::default();
        let mut analyzed = Vec::with_capacity(documents.len());
        for (n, document) in documents.iter().enumerate() {
            let mut seen: FxHashSet<String> = FxHashSet::default();
            analyzed.push(to_tantivy(
                document,
                &self.fields,
                u64::from(id),
                (self.records + n) as u64,
                &mut words,
                &mut |folded| {
                    seen.insert(folded.to_string());
                },
            ));
            for word in seen {
                *self.lexicon.entry(word).or_default() += 1;
            }
        }
        let topics: Vec<&str> = words.topics.iter().map(String::as_str).collect();
        let counted = ranking::count(
            &words.title,
            &topics,
            &words.text,
            self.average_topic,
            std::mem::take(&mut words.documents),
        );

        // The files beside the index first, each replaced whole (a search running on the
        // previous opening keeps reading the old ones), then their list; Tantivy's commit
        // last, since a new `meta.json` is what tells the server to open the index again.
        self.added.extend(documents.iter().cloned());
        let mut added = std::io::Cursor::new(Vec::new());
        hits::write(&self.added, &mut added)
            .map_err(write_failed(&self.dir.join(ADDED_HITS_FILE)))?;
        self.replace_file(ADDED_HITS_FILE, added.get_ref())?;
        let ranking_path = self.dir.join(RANKING_FILE);
        let old_ranking = open_file(&self.dir, RANKING_FILE)
            .map_err(|e| SearchError::from(crate::fs::FsError::new("reading", &ranking_path, e)))
            .and_then(|bytes| {
                ArticleRanking::open(bytes).map_err(|problem| SearchError::IndexDamaged {
                    dir: self.dir.clone(),
                    file: RANKING_FILE.to_string(),
                    problem: Damage::Layout(problem),
                })
            })?;
        let new_ranking = ranking::replace_article(
            &old_ranking,
            id,
            &self.articles[id as usize].counted,
            &counted,
            self.averages,
        );
        drop(old_ranking);
        self.replace_file(RANKING_FILE, &new_ranking)?;
        // In no order: the engine sorts the words as it opens the file.
        let text = lexicon_text(
            self.lexicon
                .iter()
                .map(|(word, count)| (word.as_str(), *count)),
        );
        self.replace_file(LEXICON_FILE, text.as_bytes())?;
        self.files.write(&self.dir)?;

        self.writer
            .delete_term(Term::from_field_u64(self.fields.article, u64::from(id)));
        for document in analyzed {
            if let Err(said) = self.writer.add_document(document) {
                let error = why_stopped(&mut self.writer, said);
                return Err(tantivy_failed(Some(&self.dir))(error));
            }
        }
        self.writer
            .commit()
            .map_err(tantivy_failed(Some(&self.dir)))?;
        self.records += documents.len();
        self.articles[id as usize] = Article { documents, counted };
        Ok(true)
    }
}

/// The distinct folded words of a document, as the build counts them for the lexicon.
fn folded_words(document: &Document, fields: &Fields) -> FxHashSet<String> {
    let mut seen = FxHashSet::default();
    to_tantivy(
        document,
        fields,
        0,
        0,
        &mut ArticleWords::default(),
        &mut |folded| {
            seen.insert(folded.to_string());
        },
    );
    seen
}

impl LiveIndex {
    /// Writes `name` in the index without its ever being seen half-written, and notes it in
    /// the list of files (written after all of them).
    fn replace_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), SearchError> {
        crate::fs::replace(&self.dir.join(name), bytes)?;
        self.files.add(name, bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Engine, Request, Response, Settings, write_live_index};

    /// Article `a` as the build gives it to search: two questions and its own document.
    fn article(a: usize, text: &str) -> Vec<Document> {
        let url = format!("/shipping/article-{a}/");
        let part = |anchor: &str, heading: &str, text: String| Document {
            url: format!("{url}{anchor}"),
            article_url: url.as_str().into(),
            lang: "en".into(),
            section: "/shipping/".into(),
            section_title: "Shipping".into(),
            kind: "faq".into(),
            title: format!("Shipping question {a}").into(),
            heading: heading.into(),
            text,
            ..Document::default()
        };
        vec![
            part(
                "#when",
                "When does my parcel arrive?",
                format!("Parcel {a} {text}"),
            ),
            part(
                "#where",
                "Where is my order?",
                format!("Track order {a} online."),
            ),
            Document {
                tags: vec!["delivery".into()],
                ..part("", "", format!("Delivery of order {a}."))
            },
        ]
    }

    const TEXTS: [&str; 6] = [
        "arrives within three days by courier",
        "arrives within a week by post",
        "ships from the warehouse in Tallinn",
        "is insured against damage",
        "can be collected at a pickup point",
        "arrives on Saturdays too",
    ];

    fn search(dir: &Path, query: &str) -> Response {
        let engine = Engine::open(dir).expect("opens");
        engine
            .search(&Request {
                query: query.into(),
                limit: 10,
                ..Request::default()
            })
            .expect("searches")
    }

    fn live_index(dir: &Path) -> LiveIndex {
        let documents: Vec<Document> = TEXTS
            .iter()
            .enumerate()
            .flat_map(|(a, text)| article(a, text))
            .collect();
        let settings = Settings {
            languages: vec!["en".into()],
            ..Settings::default()
        };
        let (index, stats, kept) = write_live_index(dir, documents, &settings).expect("writes");
        drop((index, stats));
        LiveIndex::open(kept, dir).expect("opens for updates")
    }

    const QUERIES: [&str; 7] = [
        "parcel arrives",
        "courier",
        "tallinn warehouse",
        "where is my order",
        "delivery",
        "pickup",
        "insured damage",
    ];

    #[test]
    fn an_article_saved_unchanged_answers_every_search_as_before() {
        let dir = tempfile::tempdir().expect("temp");
        let mut live = live_index(dir.path());
        let before: Vec<Response> = QUERIES.iter().map(|q| search(dir.path(), q)).collect();
        assert!(live.replace(article(2, TEXTS[2])).expect("updates"));
        assert!(live.replace(article(2, TEXTS[2])).expect("updates again"));
        let after: Vec<Response> = QUERIES.iter().map(|q| search(dir.path(), q)).collect();
        assert_eq!(after, before);
    }

    #[test]
    fn a_saved_article_is_found_by_its_new_words_and_no_longer_by_its_old_ones() {
        let dir = tempfile::tempdir().expect("temp");
        let mut live = live_index(dir.path());
        let urls = |response: &Response| -> Vec<String> {
            response.hits.iter().map(|h| h.url.to_string()).collect()
        };
        assert_eq!(
            urls(&search(dir.path(), "tallinn")),
            ["/shipping/article-2/#when"]
        );
        let others_before = search(dir.path(), "insured damage");
        assert!(
            live.replace(article(2, "leaves the warehouse in Riga on Mondays"))
                .expect("updates")
        );
        let riga = search(dir.path(), "riga");
        assert_eq!(urls(&riga), ["/shipping/article-2/#when"]);
        assert!(
            riga.hits[0].snippet.contains("<mark>Riga</mark>"),
            "{}",
            riga.hits[0].snippet
        );
        assert_eq!(
            search(dir.path(), "tallinn").total,
            0,
            "the old text is gone"
        );
        assert_eq!(
            urls(&search(dir.path(), "mondys")),
            ["/shipping/article-2/#when"],
            "a new word is known to typo correction"
        );
        assert_eq!(search(dir.path(), "insured damage"), others_before);
        // A document of another article is not an article: nothing to update.
        let mut unknown = article(9, "is new");
        unknown.truncate(1);
        assert!(!live.replace(unknown).expect("no error"));
    }

    /// Every way a search reaches an article's words: as typed, with a typo, and as the start
    /// of the word still being typed. Each reads another of the structures an update
    /// replaces (the ranking file's lists, the lexicon, the added records and Tantivy's
    /// documents for the anchor), so one left stale shows here.
    #[test]
    fn a_replaced_article_is_found_by_its_new_words_and_not_its_old_ones_every_way() {
        let dir = tempfile::tempdir().expect("temp");
        let mut live = live_index(dir.path());
        let found = |query: &str| -> Vec<String> {
            search(dir.path(), query)
                .hits
                .iter()
                .map(|h| h.url.to_string())
                .collect()
        };
        let old = ["tallinn", "tallin warehouse", "talli"];
        for query in old {
            assert_eq!(
                found(query),
                ["/shipping/article-2/#when"],
                "before: {query}"
            );
        }
        assert!(
            live.replace(article(2, "leaves the depot in Riga on Mondays"))
                .expect("updates")
        );
        for query in ["mondays", "mondys", "monda", "depot riga"] {
            assert_eq!(found(query), ["/shipping/article-2/#when"], "new: {query}");
        }
        for query in old {
            assert!(found(query).is_empty(), "old: {query}");
        }
    }
}
