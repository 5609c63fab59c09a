//! What a hit shows — title, URL, heading, section, kind, language and the text its snippet is
//! cut from — kept beside the index in one file, `helpbook-hits.bin`: every document's record
//! LZ4-compressed on its own and found through a table of offsets, read straight from the
//! memory-mapped file. (Tantivy's document store decompresses a whole block of documents to
//! read one; a search reads ten.)
//!
//! Layout: `HBHITS1\n`, the record count (u32 LE), count + 1 offsets (u64 LE, from the start
//! of the records), the records. A record, once decompressed: each field as its length (u32
//! LE) and UTF-8 bytes, in the order of [`StoredHit`]'s fields.

use std::cell::{Cell, OnceCell, RefCell};
use std::io::{Seek, SeekFrom, Write};
use std::rc::Rc;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tantivy::directory::OwnedBytes;

use super::LayoutError;
use crate::search::Document;
use crate::search::caches::{RECENT_RECORDS, next_opening};
use crate::search::text::analyze::{TextWord, text_words};

/// The file beside the index.
pub const HITS_FILE: &str = "helpbook-hits.bin";
/// Records added after the build (preview's updates of one article), numbered on from the
/// hits file's: a file of the same layout, which only preview writes.
pub const ADDED_HITS_FILE: &str = "helpbook-hits-added.bin";

const MAGIC: &[u8] = b"HBHITS1\n";

/// One document as a hit shows it.
///
/// What a hit shows is shared with the hits made from it (one search after another hits the
/// same records), not copied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredHit {
    pub url: Arc<str>,
    pub title: Arc<str>,
    /// The question or heading; empty for the article's own document.
    pub heading: Arc<str>,
    /// The section's title.
    pub section: Arc<str>,
    pub kind: Arc<str>,
    pub lang: Arc<str>,
    pub text: String,
    /// The words of `text`, once a snippet has been made of it twice (see [`Self::words`]).
    words: OnceCell<Box<[TextWord]>>,
    snipped: Cell<bool>,
}

impl StoredHit {
    /// The words of the text, for a snippet: `None` the first time (reading the text for the
    /// query's words alone costs less than finding all its words), then found once and kept
    /// with the record, which is kept per thread while searches keep finding it.
    pub fn words(&self) -> Option<&[TextWord]> {
        if let Some(words) = self.words.get() {
            return Some(words);
        }
        if !self.snipped.replace(true) {
            return None;
        }
        Some(
            self.words
                .get_or_init(|| text_words(&self.text).into_boxed_slice()),
        )
    }
}

/// The file's bytes for `documents`, in their order (a document's number is its place).
#[cfg(test)]
pub fn encode(documents: &[Document]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    write(documents, &mut out).expect("writing to memory");
    out.into_inner()
}

/// How many records are compressed (on rayon's threads) and written at a time: the records of
/// a big help center are tens of megabytes, never all in memory at once.
const RECORDS_AT_A_TIME: usize = 4096;

/// Writes the file for `documents`, in their order: header, a room for the offsets, the
/// records a batch at a time, then the offsets into their room.
pub fn write(documents: &[Document], out: &mut (impl Write + Seek)) -> std::io::Result<()> {
    out.write_all(MAGIC)?;
    out.write_all(&(documents.len() as u32).to_le_bytes())?;
    let table = out.stream_position()?;
    out.write_all(&vec![0; (documents.len() + 1) * 8])?;
    let mut offsets = Vec::with_capacity(documents.len() + 1);
    let mut offset = 0u64;
    offsets.push(offset);
    for batch in documents.chunks(RECORDS_AT_A_TIME) {
        let records: Vec<Vec<u8>> = batch.par_iter().map(record).collect();
        for record in records {
            out.write_all(&record)?;
            offset += record.len() as u64;
            offsets.push(offset);
        }
    }
    let end = out.stream_position()?;
    out.seek(SeekFrom::Start(table))?;
    for offset in offsets {
        out.write_all(&offset.to_le_bytes())?;
    }
    out.seek(SeekFrom::Start(end))?;
    Ok(())
}

/// A document's record, compressed.
fn record(doc: &Document) -> Vec<u8> {
    let fields: [&str; 7] = [
        &doc.url,
        &doc.title,
        &doc.heading,
        &doc.section_title,
        &doc.kind,
        &doc.lang,
        &doc.text,
    ];
    let mut raw = Vec::with_capacity(fields.iter().map(|f| f.len() + 4).sum());
    for field in fields {
        raw.extend_from_slice(&(field.len() as u32).to_le_bytes());
        raw.extend_from_slice(field.as_bytes());
    }
    lz4_flex::compress_prepend_size(&raw)
}

/// The records of an index, read from the memory-mapped file (or memory, for `check`).
pub struct HitStore {
    bytes: OwnedBytes,
    count: usize,
    /// Tells this opening from every other in the process, for the records kept per thread.
    id: u64,
    /// The records numbered from `count` on (see [`ADDED_HITS_FILE`]).
    added: Option<Box<HitStore>>,
}

thread_local! {
    /// The records read most recently (bound and staleness: see `caches`).
    static RECENT: RefCell<Recent> = RefCell::default();
}

/// The records read most recently on this thread, in two generations: a record found in the
/// older one moves to the newer; when the newer holds half of RECENT_RECORDS it becomes the
/// older and the oldest are dropped. Least recently used out, at a constant cost.
#[derive(Default)]
struct Recent {
    newer: FxHashMap<(u64, usize), Rc<StoredHit>>,
    older: FxHashMap<(u64, usize), Rc<StoredHit>>,
}

impl Recent {
    fn get(&mut self, key: (u64, usize)) -> Option<Rc<StoredHit>> {
        if let Some(hit) = self.newer.get(&key) {
            return Some(Rc::clone(hit));
        }
        let hit = self.older.remove(&key)?;
        self.keep(key, Rc::clone(&hit));
        Some(hit)
    }

    fn keep(&mut self, key: (u64, usize), hit: Rc<StoredHit>) {
        if self.newer.len() >= RECENT_RECORDS / 2 {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(key, hit);
    }
}

impl HitStore {
    /// Checks the header and the offsets table; says what is wrong otherwise.
    pub fn open(bytes: OwnedBytes) -> Result<HitStore, LayoutError> {
        let count = HitStore::check(bytes.as_slice())?;
        Ok(HitStore {
            bytes,
            count,
            id: next_opening(),
            added: None,
        })
    }

    /// These records, then `added`'s numbered on from them.
    pub fn with_added(mut self, added: HitStore) -> HitStore {
        self.added = Some(Box::new(added));
        self
    }

    /// The record count, once the header and the table's size are checked.
    fn check(data: &[u8]) -> Result<usize, LayoutError> {
        if !data.starts_with(MAGIC) {
            return Err(LayoutError::NotOurs("hits"));
        }
        let count = read_u32(data, MAGIC.len()).ok_or(LayoutError::CutShort)? as usize;
        let records_start = MAGIC.len() + 4 + (count + 1) * 8;
        let last = read_u64(data, records_start - 8).ok_or(LayoutError::CutShort)?;
        if records_start as u64 + last != data.len() as u64 {
            return Err(LayoutError::Size("table"));
        }
        Ok(count)
    }

    /// Document `n`'s record; `None` when the file does not hold it intact.
    pub fn get(&self, n: usize) -> Option<Rc<StoredHit>> {
        if n >= self.count {
            return self.added.as_ref()?.get(n - self.count);
        }
        let key = (self.id, n);
        if let Some(hit) = RECENT.with(|recent| recent.borrow_mut().get(key)) {
            return Some(hit);
        }
        let hit = Rc::new(self.read(n)?);
        RECENT.with(|recent| recent.borrow_mut().keep(key, Rc::clone(&hit)));
        Some(hit)
    }

    fn read(&self, n: usize) -> Option<StoredHit> {
        if n >= self.count {
            return None;
        }
        let data = self.bytes.as_slice();
        let table = MAGIC.len() + 4;
        let records_start = table + (self.count + 1) * 8;
        let from = read_u64(data, table + n * 8)? as usize + records_start;
        let to = read_u64(data, table + (n + 1) * 8)? as usize + records_start;
        let raw = lz4_flex::decompress_size_prepended(data.get(from..to)?).ok()?;
        let mut at = 0;
        let mut next = || -> Option<&str> {
            let len = read_u32(&raw, at)? as usize;
            let text = std::str::from_utf8(raw.get(at + 4..at + 4 + len)?).ok()?;
            at += 4 + len;
            Some(text)
        };
        Some(StoredHit {
            url: next()?.into(),
            title: next()?.into(),
            heading: next()?.into(),
            section: next()?.into(),
            kind: next()?.into(),
            lang: next()?.into(),
            text: next()?.to_string(),
            ..StoredHit::default()
        })
    }
}

/// The little-endian u32 at `at`, when the bytes are there (also for the ranking file).
pub(in crate::search) fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The little-endian u64 at `at`, when the bytes are there.
pub(in crate::search) fn read_u64(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(n: usize) -> Document {
        Document {
            url: format!("/returns/refund-{n}/#когда"),
            title: format!("Refund <{n}>").into(),
            heading: if n.is_multiple_of(2) {
                String::new()
            } else {
                "Когда?".into()
            },
            section_title: "Returns".into(),
            kind: "faq".into(),
            lang: "ru".into(),
            text: "Деньги вернутся за 3–5 дней. ".repeat(n + 1),
            ..Document::default()
        }
    }

    #[test]
    fn every_record_reads_back_as_written() {
        let docs: Vec<Document> = (0..50).map(doc).collect();
        let store = HitStore::open(OwnedBytes::new(encode(&docs))).expect("opens");
        for (n, d) in docs.iter().enumerate() {
            let hit = store.get(n).expect("record");
            assert_eq!(
                (
                    hit.url.to_string(),
                    hit.title.to_string(),
                    hit.heading.to_string(),
                    hit.section.to_string(),
                    hit.text.clone()
                ),
                (
                    d.url.clone(),
                    d.title.to_string(),
                    d.heading.clone(),
                    d.section_title.to_string(),
                    d.text.clone()
                )
            );
        }
        assert_eq!(store.get(50), None);
    }

    #[test]
    fn a_records_words_are_found_once_it_is_snipped_again_and_kept() {
        let docs: Vec<Document> = (0..3).map(doc).collect();
        let store = HitStore::open(OwnedBytes::new(encode(&docs))).expect("opens");
        let hit = store.get(2).expect("record");
        assert_eq!(hit.words(), None, "the first snippet reads the text itself");
        let words = hit.words().expect("found on the second").to_vec();
        assert_eq!(words, text_words(&hit.text));
        assert_eq!(words.len(), 3 * 6, "{words:?}");
        // Kept with the record that searches on this thread share.
        let again = store.get(2).expect("record");
        assert!(Rc::ptr_eq(&hit, &again));
        assert_eq!(again.words().map(<[TextWord]>::len), Some(words.len()));
    }

    #[test]
    fn added_records_follow_the_files_own() {
        let first: Vec<Document> = (0..5).map(doc).collect();
        let more: Vec<Document> = (5..8).map(doc).collect();
        let store = HitStore::open(OwnedBytes::new(encode(&first)))
            .expect("opens")
            .with_added(HitStore::open(OwnedBytes::new(encode(&more))).expect("opens"));
        for (n, d) in first.iter().chain(&more).enumerate() {
            let hit = store.get(n).expect("record");
            assert_eq!(
                (&*hit.url, &hit.text),
                (d.url.as_str(), &d.text),
                "record {n}"
            );
        }
        assert_eq!(store.get(8), None);
    }

    #[test]
    fn a_damaged_file_is_refused_not_misread() {
        let bytes = encode(&[doc(1), doc(2)]);
        assert!(HitStore::open(OwnedBytes::new(bytes[..bytes.len() - 1].to_vec())).is_err());
        assert!(HitStore::open(OwnedBytes::new(b"not a hits file".to_vec())).is_err());
        let mut flipped = bytes.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0xff;
        let store = HitStore::open(OwnedBytes::new(flipped)).expect("header intact");
        assert!(store.get(0).is_some());
        // The damaged record is either unreadable or differs; never a panic.
        let _ = store.get(1);
    }

    #[test]
    fn records_read_again_come_from_their_own_file() {
        let old = HitStore::open(OwnedBytes::new(encode(&[doc(1), doc(2)]))).expect("opens");
        let new = HitStore::open(OwnedBytes::new(encode(&[doc(3), doc(4)]))).expect("opens");
        for _ in 0..2 {
            assert_eq!(old.get(0).expect("record").text, doc(1).text);
            assert_eq!(new.get(0).expect("record").text, doc(3).text);
        }
        // Many more records than are kept: each still reads back as written.
        let docs: Vec<Document> = (0..RECENT_RECORDS + 10).map(|n| doc(n % 7)).collect();
        let store = HitStore::open(OwnedBytes::new(encode(&docs))).expect("opens");
        for round in 0..2 {
            for (n, d) in docs.iter().enumerate() {
                assert_eq!(
                    &*store.get(n).expect("record").url,
                    d.url,
                    "{n} in round {round}"
                );
            }
        }
    }
}
