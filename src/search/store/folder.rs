//! The index folder as a build leaves it, and opening it only when it is whole. helpbook's
//! own files beside the Tantivy index are listed in `helpbook-index.json` (the index format,
//! each file's length and CRC-32), written after them; Tantivy's segment files must all be
//! there and match the checksum in their footers. A damaged index, or one another version
//! wrote, is refused with the file to blame and "rebuild", rather than crashing or answering
//! wrongly in a search later.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::directory::OwnedBytes;
use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::index::SegmentComponent;
use tantivy::{Index, TantivyError};

use super::hits::{ADDED_HITS_FILE, HITS_FILE};
use super::ranking::RANKING_FILE;
use super::schema::{IndexStats, LEXICON_FILE, SETTINGS_FILE};
use crate::fs::FsError;
use crate::search::{OpenProblem, SearchError, Settings};

/// The layout of the index folder, files and schema: another number is another layout, which
/// this helpbook does not read. Raise it with any change to a file's layout.
pub const INDEX_FORMAT: u32 = 1;

/// The list of helpbook's own files.
pub const FILES_LIST: &str = "helpbook-index.json";

/// Each of our own files beside Tantivy's with the version of its layout, which the list
/// records for each file as it is written: raise a file's number with any change to what it
/// holds or how. A file written with another number is refused as another version's. (The
/// binary files carry theirs in their magic bytes too: `HBHITS1`, `HBRANK1`; the shopper
/// vocabulary is in the binary, not in the index.)
const FILE_FORMATS: [(&str, u32); 5] = [
    (SETTINGS_FILE, 1),
    (LEXICON_FILE, 1),
    (HITS_FILE, 1),
    (ADDED_HITS_FILE, 1),
    (RANKING_FILE, 1),
];

/// The layout version this helpbook writes and reads `name` in (0 for a file it does not
/// know: never written, so never read either).
fn format_of(name: &str) -> u32 {
    FILE_FORMATS
        .iter()
        .find(|(file, _)| *file == name)
        .map_or(0, |(_, format)| *format)
}

/// What is wrong with one file of the index.
#[derive(Debug, thiserror::Error)]
pub enum Damage {
    #[error("is missing")]
    Missing,
    #[error("is not in `{FILES_LIST}`")]
    NotListed,
    #[error("has {found} bytes where {written} were written")]
    Length { found: u64, written: u64 },
    #[error("does not match its checksum")]
    Checksum,
    /// A JSON file, ours or Tantivy's, that does not parse.
    #[error("is not valid ({0})")]
    Invalid(#[source] serde_json::Error),
    #[error("is not UTF-8")]
    NotUtf8,
    /// Tantivy cannot read its list of segments. The error is kept but not given as the
    /// source: the message already says it, and a reader of the chain would say it again.
    #[error("cannot be read ({0})")]
    Tantivy(tantivy::TantivyError),
    /// A segment file cannot be read to check it (not a source, as above).
    #[error("cannot be read ({0})")]
    Unreadable(OpenReadError),
    /// One of our binary files whose header or tables are not as its layout says.
    #[error("is unreadable: {0}")]
    Layout(#[source] super::LayoutError),
}

/// What another version's index was found to be, for [`SearchError::IndexFormat`].
#[derive(Debug, thiserror::Error)]
pub enum FoundFormat {
    /// Its list of files names another index format.
    #[error("index format {0}")]
    Index(u32),
    /// It has no list of files: older than index format 1.
    #[error("an older one, without `{FILES_LIST}`")]
    NoFileList,
    /// Tantivy's own files are of another Tantivy version.
    #[error("{0:?}")]
    Tantivy(tantivy::directory::error::Incompatibility),
    /// One of our files was written in another layout.
    #[error("`{file}` in format {found}")]
    File { file: String, found: u32 },
}

/// Opens the index in `dir` once every file of it is checked: the list of helpbook's files
/// and the index format first, then Tantivy's files, then each of helpbook's as it is read.
pub fn open(dir: &Path) -> Result<(Index, Settings, IndexStats), SearchError> {
    let files = FileList::read(dir)?;
    let settings_text = files.read_file(dir, SETTINGS_FILE)?;
    let settings: Settings = serde_json::from_slice(&settings_text)
        .map_err(|e| damaged(dir, SETTINGS_FILE, Damage::Invalid(e)))?;
    // Tantivy's own lists, without checksums: a damaged one is named before Tantivy reads it.
    for (file, needed) in [("meta.json", true), (".managed.json", false)] {
        match std::fs::read(dir.join(file)) {
            Ok(text) => {
                serde_json::from_slice::<serde_json::Value>(&text)
                    .map_err(|e| damaged(dir, file, Damage::Invalid(e)))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !needed => {}
            Err(e) => return Err(missing(dir, file, e)),
        }
    }
    let index = Index::open_in_dir(dir).map_err(|e| match e {
        tantivy::TantivyError::IncompatibleIndex(incompatibility) => SearchError::IndexFormat {
            dir: dir.to_path_buf(),
            found: FoundFormat::Tantivy(incompatibility),
        },
        other => damaged(dir, "meta.json", Damage::Tantivy(other)),
    })?;
    check_tantivy(dir, &index)?;
    let lexicon_text = files.read_file(dir, LEXICON_FILE)?;
    let lexicon_text =
        String::from_utf8(lexicon_text).map_err(|_| damaged(dir, LEXICON_FILE, Damage::NotUtf8))?;
    let lexicon = lexicon_text
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(word, count)| (word.to_string(), count.parse().unwrap_or(1)))
        .collect();
    let stats = IndexStats {
        lexicon,
        hits: files.map(dir, HITS_FILE)?,
        // Only preview writes it, when an article changes.
        added_hits: match files.has(ADDED_HITS_FILE) {
            true => Some(files.map(dir, ADDED_HITS_FILE)?),
            false => None,
        },
        ranking: files.map(dir, RANKING_FILE)?,
    };
    Ok((index, settings, stats))
}

/// What a build wrote beside the Tantivy index.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileList {
    format: u32,
    files: BTreeMap<String, Written>,
}

/// One file as it was written.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Written {
    bytes: u64,
    crc32: u32,
    /// The version of the file's layout (see [`FILE_FORMATS`]); 0 in a list written before
    /// files had one.
    #[serde(default)]
    format: u32,
}

impl Written {
    fn of(name: &str, bytes: &[u8]) -> Written {
        Written {
            bytes: bytes.len() as u64,
            crc32: crc32fast::hash(bytes),
            format: format_of(name),
        }
    }
}

impl FileList {
    /// An empty list, for the index being written.
    pub fn new() -> FileList {
        FileList {
            format: INDEX_FORMAT,
            files: BTreeMap::new(),
        }
    }

    /// Notes `name` as written with `bytes`.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.files
            .insert(name.to_string(), Written::of(name, bytes));
    }

    /// Writes the list into `dir`, last: an index without it is not whole.
    pub fn write(&self, dir: &Path) -> Result<(), SearchError> {
        let path = dir.join(FILES_LIST);
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| FsError::new("writing", &path, std::io::Error::other(e)))?;
        crate::fs::replace(&path, &json)?;
        Ok(())
    }

    /// The list of the index in `dir`: refused when missing, damaged, or of another format.
    pub fn read(dir: &Path) -> Result<FileList, SearchError> {
        let path = dir.join(FILES_LIST);
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound && !dir.join("meta.json").exists() =>
            {
                return Err(SearchError::IndexOpen {
                    path: dir.display().to_string(),
                    reason: OpenProblem::NoIndex,
                });
            }
            // The list came with format 1: an index without it is older.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(SearchError::IndexFormat {
                    dir: dir.to_path_buf(),
                    found: FoundFormat::NoFileList,
                });
            }
            Err(e) => return Err(FsError::new("reading", &path, e).into()),
        };
        // The format alone first: a later format may list its files otherwise.
        #[derive(Deserialize)]
        struct Format {
            format: u32,
        }
        let damaged = |e: serde_json::Error| damaged(dir, FILES_LIST, Damage::Invalid(e));
        let format: Format = serde_json::from_slice(&text).map_err(damaged)?;
        if format.format != INDEX_FORMAT {
            return Err(SearchError::IndexFormat {
                dir: dir.to_path_buf(),
                found: FoundFormat::Index(format.format),
            });
        }
        serde_json::from_slice(&text).map_err(damaged)
    }

    /// The bytes of `name` in `dir`, once they are what was written.
    fn read_file(&self, dir: &Path, name: &str) -> Result<Vec<u8>, SearchError> {
        let bytes = std::fs::read(dir.join(name)).map_err(|e| missing(dir, name, e))?;
        self.check(dir, name, &bytes)?;
        Ok(bytes)
    }

    /// `name` in `dir` memory-mapped, once its bytes are what was written.
    fn map(&self, dir: &Path, name: &str) -> Result<OwnedBytes, SearchError> {
        let bytes = open_file(dir, name).map_err(|e| missing(dir, name, e))?;
        self.check(dir, name, bytes.as_slice())?;
        Ok(bytes)
    }

    /// Whether the list holds `name`.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Refuses `bytes`, read from `name` in `dir`, unless they are what was written, in the
    /// layout this version reads.
    pub fn check(&self, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), SearchError> {
        let Some(written) = self.files.get(name) else {
            return Err(damaged(dir, name, Damage::NotListed));
        };
        if written.format != format_of(name) {
            return Err(SearchError::IndexFormat {
                dir: dir.to_path_buf(),
                found: FoundFormat::File {
                    file: name.to_string(),
                    found: written.format,
                },
            });
        }
        if bytes.len() as u64 != written.bytes {
            let found = bytes.len() as u64;
            let written = written.bytes;
            return Err(damaged(dir, name, Damage::Length { found, written }));
        }
        if crc32fast::hash(bytes) != written.crc32 {
            return Err(damaged(dir, name, Damage::Checksum));
        }
        Ok(())
    }
}

impl Default for FileList {
    fn default() -> FileList {
        FileList::new()
    }
}

/// Refuses the Tantivy index open from `dir` unless every file of every segment is there and
/// matches the checksum in its footer. Reads every byte of them (in parallel): see
/// `bench/` for what this costs at 10,000 articles.
pub fn check_tantivy(dir: &Path, index: &Index) -> Result<(), SearchError> {
    let segments = index
        .searchable_segment_metas()
        .map_err(|e| damaged(dir, "meta.json", Damage::Tantivy(e)))?;
    let mut files: Vec<PathBuf> = Vec::new();
    for segment in &segments {
        // Every segment has each of these, even when empty (see Tantivy's `SegmentSerializer`).
        for component in [
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::Terms,
            SegmentComponent::Store,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
        ] {
            files.push(segment.relative_path(component));
        }
        if segment.has_deletes() {
            files.push(segment.relative_path(SegmentComponent::Delete));
        }
    }
    for file in &files {
        if !dir.join(file).is_file() {
            return Err(damaged(dir, &file.to_string_lossy(), Damage::Missing));
        }
    }
    let directory = index.directory();
    let problems: Vec<(String, Damage)> = files
        .par_iter()
        .filter_map(|file| {
            let problem = match directory.validate_checksum(file) {
                Ok(true) => return None,
                Ok(false) => Damage::Checksum,
                Err(e) => Damage::Unreadable(e),
            };
            Some((file.to_string_lossy().into_owned(), problem))
        })
        .collect();
    // The same file named however many are damaged, run after run.
    let first = problems
        .into_iter()
        .min_by(|(a, a_problem), (b, b_problem)| {
            (a, a_problem.to_string()).cmp(&(b, b_problem.to_string()))
        });
    match first {
        Some((file, problem)) => Err(damaged(dir, &file, problem)),
        None => Ok(()),
    }
}

/// A file of the index in `dir` (the hits or the ranking file), memory-mapped.
pub fn open_file(dir: &std::path::Path, name: &str) -> std::io::Result<OwnedBytes> {
    use tantivy::directory::{Directory, MmapDirectory};
    let system_error = |e: tantivy::TantivyError| io_cause(&e).1;
    let directory = MmapDirectory::open(dir).map_err(|e| system_error(e.into()))?;
    directory
        .open_read(std::path::Path::new(name))
        .map_err(|e| system_error(e.into()))?
        .read_bytes()
}

/// The system's error inside a Tantivy error, and the file it was about when Tantivy says.
/// Errors that are none of the system's are wrapped whole.
pub(in crate::search) fn io_cause(error: &TantivyError) -> (Option<PathBuf>, io::Error) {
    // Tantivy shares its errors (`Arc`): the copy keeps the kind and the system's code, also
    // from under the errors that wrap it (a temporary file's, with its made-up name).
    let copy = |e: &io::Error| {
        let mut inner: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(error) = inner {
            if let Some(code) = error
                .downcast_ref::<io::Error>()
                .and_then(io::Error::raw_os_error)
            {
                return io::Error::from_raw_os_error(code);
            }
            inner = match error.downcast_ref::<io::Error>() {
                Some(io) => io.get_ref().map(|e| e as _),
                None => error.source(),
            };
        }
        system_error(e.kind()).unwrap_or_else(|| io::Error::new(e.kind(), e.to_string()))
    };
    match error {
        TantivyError::IoError(e) => (None, copy(e)),
        TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, filepath })
        | TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            (Some(filepath.clone()), copy(io_error))
        }
        TantivyError::OpenWriteError(OpenWriteError::FileAlreadyExists(file)) => {
            (Some(file.clone()), io::ErrorKind::AlreadyExists.into())
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => {
            (Some(file.clone()), io::ErrorKind::NotFound.into())
        }
        TantivyError::OpenDirectoryError(OpenDirectoryError::IoError {
            io_error,
            directory_path,
        }) => (Some(directory_path.clone()), copy(io_error)),
        TantivyError::LockFailure(LockError::IoError(e), _) => (None, copy(e)),
        other => (None, io::Error::other(other.clone())),
    }
}

/// The system's error for the kinds a write of the index fails with, when a wrapper kept only
/// the kind (Tantivy's temporary files name themselves instead of keeping the code).
fn system_error(kind: io::ErrorKind) -> Option<io::Error> {
    use rustix::io::Errno;
    let errno = match kind {
        io::ErrorKind::StorageFull => Errno::NOSPC,
        io::ErrorKind::FileTooLarge => Errno::FBIG,
        io::ErrorKind::QuotaExceeded => Errno::DQUOT,
        io::ErrorKind::ReadOnlyFilesystem => Errno::ROFS,
        io::ErrorKind::PermissionDenied => Errno::ACCESS,
        io::ErrorKind::NotFound => Errno::NOENT,
        _ => return None,
    };
    Some(io::Error::from_raw_os_error(errno.raw_os_error()))
}

/// A file of the index that cannot be read: damage when it is gone, else the system's error.
fn missing(dir: &Path, name: &str, error: std::io::Error) -> SearchError {
    match error.kind() {
        std::io::ErrorKind::NotFound => damaged(dir, name, Damage::Missing),
        _ => FsError::new("reading", &dir.join(name), error).into(),
    }
}

fn damaged(dir: &Path, file: &str, problem: Damage) -> SearchError {
    SearchError::IndexDamaged {
        dir: dir.to_path_buf(),
        file: file.to_string(),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Document;

    #[test]
    fn a_file_is_refused_unless_it_is_as_written() {
        let dir = Path::new("build/index");
        let mut files = FileList::new();
        files.add("helpbook-hits.bin", b"records");
        assert!(files.check(dir, "helpbook-hits.bin", b"records").is_ok());
        let cut = files
            .check(dir, "helpbook-hits.bin", b"recor")
            .unwrap_err()
            .to_string();
        assert_eq!(
            cut,
            "the search index in `build/index` is damaged: `helpbook-hits.bin` has 5 bytes where 7 were written; rebuild it with `helpbook build`"
        );
        let flipped = files
            .check(dir, "helpbook-hits.bin", b"recorDs")
            .unwrap_err()
            .to_string();
        assert!(flipped.contains("does not match its checksum"), "{flipped}");
        assert!(files.check(dir, "helpbook-lexicon.tsv", b"").is_err());
    }

    #[test]
    fn every_file_of_ours_has_a_format() {
        for name in [
            SETTINGS_FILE,
            LEXICON_FILE,
            HITS_FILE,
            ADDED_HITS_FILE,
            RANKING_FILE,
        ] {
            assert!(format_of(name) > 0, "{name}");
        }
    }

    #[test]
    fn a_file_written_in_another_format_is_refused_with_rebuild() {
        let dir = Path::new("build/index");
        let mut files = FileList::new();
        files.add(RANKING_FILE, b"weights");
        if let Some(written) = files.files.get_mut(RANKING_FILE) {
            written.format = 99;
        }
        let refused = files
            .check(dir, RANKING_FILE, b"weights")
            .unwrap_err()
            .to_string();
        assert_eq!(
            refused,
            "the search index in `build/index` was written by another version of helpbook (`helpbook-ranking.bin` in format 99, where this one reads index format 1); rebuild it with `helpbook build`"
        );
    }

    /// An index whose list names another format for one of our files, on disk, as `serve`
    /// and `helpbook search` open it.
    #[test]
    fn an_index_with_a_file_of_another_format_is_not_opened() {
        let dir = tempfile::tempdir().expect("temp");
        let document = Document {
            url: "/returns/refund/".into(),
            article_url: "/returns/refund/".into(),
            lang: "en".into(),
            title: "Refunds".into(),
            text: "Money back within 30 days.".into(),
            ..Document::default()
        };
        let settings = Settings {
            languages: vec!["en".into()],
            ..Settings::default()
        };
        let index = dir.path().join("index");
        crate::search::write_index(Some(&index), &[document], &settings).expect("writes");
        assert!(crate::search::Engine::open(&index).is_ok());
        for file in [SETTINGS_FILE, LEXICON_FILE, HITS_FILE, RANKING_FILE] {
            let list_path = index.join(FILES_LIST);
            let text = std::fs::read_to_string(&list_path).expect("list");
            let mut list: serde_json::Value = serde_json::from_str(&text).expect("json");
            list["files"][file]["format"] = 7.into();
            std::fs::write(&list_path, serde_json::to_vec(&list).expect("json")).expect("write");
            let refused = match crate::search::Engine::open(&index) {
                Ok(_) => panic!("{file} in format 7 is opened"),
                Err(e) => e.to_string(),
            };
            assert!(
                refused.ends_with("rebuild it with `helpbook build`")
                    && refused.contains(&format!("`{file}` in format 7")),
                "{refused}"
            );
            std::fs::write(&list_path, text).expect("write");
        }
    }
}
